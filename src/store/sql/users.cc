// SqlStore: users and their sessions (schema v5).
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

constexpr const char* kUserColumns =
    "id, login, name, password_hash, roles, vendor, rep, team, created_at, disabled_at, failed_logins, "
    "locked_until, last_login_at, email";

User read_user(const Stmt& s) {
  User u;
  u.id = s.int64(0);
  u.login = s.text(1);
  u.name = s.text(2);
  u.password_hash = s.text(3);
  u.roles = s.text(4);
  u.binding = {s.text(5), s.text(6), s.text(7)};
  u.created_at = s.int64(8);
  u.disabled_at = s.optional_int64(9);
  u.failed_logins = static_cast<int>(s.int64(10));
  u.locked_until = s.optional_int64(11);
  u.last_login_at = s.optional_int64(12);
  u.email = s.text(13);
  return u;
}

SessionRecord read_session(const Stmt& s) {
  SessionRecord r;
  r.id = s.int64(0);
  r.hash = s.text(1);
  r.user_id = s.int64(2);
  r.csrf = s.text(3);
  r.created_at = s.int64(4);
  r.expires_at = s.int64(5);
  r.revoked_at = s.optional_int64(6);
  return r;
}

}  // namespace

Status SqlStore::put_user(User& u) {
  std::lock_guard lock(write_mu_);
  if (u.id == 0) {
    auto taken = writer_->cached("SELECT 1 FROM users WHERE lower(login) = lower(?)");
    if (!taken.ok()) return taken.status();
    (*taken)->bind(1, u.login);
    auto row = (*taken)->step();
    if (!row.ok()) return row.status();
    (*taken)->reset();
    if (*row) return Status(ErrorCode::kConflict, "a user with login '" + u.login + "' exists already", "login");
  }
  auto st = u.id == 0
                ? writer_->cached(
                      "INSERT INTO users (login, name, password_hash, roles, vendor, rep, team, created_at, "
                      "disabled_at, failed_logins, locked_until, last_login_at, email) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
                      "?9,?10,?11,?12,?14)")
                : writer_->cached(
                      "UPDATE users SET login=?1, name=?2, password_hash=?3, roles=?4, vendor=?5, rep=?6, team=?7, "
                      "created_at=?8, disabled_at=?9, failed_logins=?10, locked_until=?11, last_login_at=?12, "
                      "email=?14 WHERE id=?13");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, u.login);
  s.bind(2, u.name);
  s.bind(3, u.password_hash);
  s.bind(4, u.roles);
  s.bind(5, u.binding.vendor);
  s.bind(6, u.binding.rep);
  s.bind(7, u.binding.team);
  s.bind(8, u.created_at);
  s.bind(9, u.disabled_at);
  s.bind(10, static_cast<int64_t>(u.failed_logins));
  s.bind(11, u.locked_until);
  s.bind(12, u.last_login_at);
  if (u.id != 0) s.bind(13, u.id);
  s.bind(14, u.email);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  if (u.id == 0) {
    LEADLOOP_RETURN_IF_ERROR(inserted_id(u.id));
  } else if (writer_->changes() == 0) {
    return Status(ErrorCode::kNotFound, "no user with id " + std::to_string(u.id));
  }
  return Status();
}

Result<User> SqlStore::find_user(std::string_view login) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kUserColumns + " FROM users WHERE lower(login) = lower(?)");
  if (!st.ok()) return st.status();
  (*st)->bind(1, login);
  std::optional<User> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_user(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no user '" + std::string(login) + "'", "login");
  return *std::move(found);
}

Result<User> SqlStore::get_user(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<User> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_user(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no user with id " + std::to_string(id));
  return *std::move(found);
}

Result<std::vector<User>> SqlStore::list_users() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY lower(login)");
  if (!st.ok()) return st.status();
  std::vector<User> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_user(s)); }));
  return out;
}

Result<User> SqlStore::note_login(int64_t user_id, bool success, TimePoint now, int max_failures,
                                     TimePoint lock_millis) {
  {
    std::lock_guard lock(write_mu_);
    auto st = success ? writer_->cached(
                            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?1 WHERE id = ?2 AND "
                            "(locked_until IS NULL OR locked_until <= ?1)")
                      : writer_->cached(
                            "UPDATE users SET locked_until = CASE WHEN failed_logins + 1 >= ?3 THEN ?1 + ?4 "
                            "ELSE locked_until END, failed_logins = CASE WHEN failed_logins + 1 >= ?3 THEN 0 "
                            "ELSE failed_logins + 1 END WHERE id = ?2");
    if (!st.ok()) return st.status();
    (*st)->bind(1, now);
    (*st)->bind(2, user_id);
    if (!success) {
      (*st)->bind(3, static_cast<int64_t>(max_failures));
      (*st)->bind(4, lock_millis);
    }
    LEADLOOP_RETURN_IF_ERROR((*st)->run());
  }
  return get_user(user_id);
}

Status SqlStore::put_session(SessionRecord& r) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at, revoked_at) VALUES (?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, r.hash);
  s.bind(2, r.user_id);
  s.bind(3, r.csrf);
  s.bind(4, r.created_at);
  s.bind(5, r.expires_at);
  s.bind(6, r.revoked_at);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  LEADLOOP_RETURN_IF_ERROR(inserted_id(r.id));
  return Status();
}

Result<SessionRecord> SqlStore::find_session(const std::string& hash) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, hash, user_id, csrf, created_at, expires_at, revoked_at FROM sessions WHERE hash = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, hash);
  std::optional<SessionRecord> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_session(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no such session");
  return *std::move(found);
}

Status SqlStore::revoke_sessions(int64_t user_id, int64_t session_id, TimePoint at) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "UPDATE sessions SET revoked_at = ?1 WHERE user_id = ?2 AND (?3 = 0 OR id = ?3) AND revoked_at IS NULL");
  if (!st.ok()) return st.status();
  (*st)->bind(1, at);
  (*st)->bind(2, user_id);
  (*st)->bind(3, session_id);
  return (*st)->run();
}

}  // namespace leadloop
