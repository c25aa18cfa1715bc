// SqlStore: API tokens.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

Status SqlStore::put_token(ApiToken& t) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO api_tokens (hash, role, label, created_at, expires_at, revoked_at, vendor, rep, team) "
      "VALUES (?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, t.hash);
  s.bind(2, t.role);
  s.bind(3, t.label);
  s.bind(4, t.created_at);
  s.bind(5, t.expires_at);
  s.bind(6, t.revoked_at);
  s.bind(7, t.binding.vendor);
  s.bind(8, t.binding.rep);
  s.bind(9, t.binding.team);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  LEADLOOP_RETURN_IF_ERROR(inserted_id(t.id));
  return Status();
}

Result<ApiToken> SqlStore::find_token(const std::string& hash) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, hash, role, label, created_at, expires_at, revoked_at, vendor, rep, team FROM api_tokens WHERE "
      "hash = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, hash);
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(ErrorCode::kNotFound, "no such token");
  ApiToken t = read_token(**st);
  (*st)->reset();
  return t;
}

Result<std::vector<ApiToken>> SqlStore::list_tokens() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, hash, role, label, created_at, expires_at, revoked_at, vendor, rep, team FROM api_tokens ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<ApiToken> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_token(s)); }));
  return out;
}

Status SqlStore::revoke_token(int64_t id, TimePoint at) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  if (!st.ok()) return st.status();
  (*st)->bind(1, at);
  (*st)->bind(2, id);
  LEADLOOP_RETURN_IF_ERROR((*st)->run());
  auto check = writer_->cached("SELECT revoked_at FROM api_tokens WHERE id = ?");
  if (!check.ok()) return check.status();
  (*check)->bind(1, id);
  auto row = (*check)->step();
  if (!row.ok()) return row.status();
  bool found = *row;
  (*check)->reset();
  if (!found) return Status(ErrorCode::kNotFound, "no token with id " + std::to_string(id), "id");
  return Status();
}

}  // namespace leadloop
