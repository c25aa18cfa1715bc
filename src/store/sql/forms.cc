// SqlStore: web forms (schema v10).
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

constexpr const char* kFormColumns = "id, key, campaign, enabled, settings, created_by, created_at, updated_at";

// The settings a caller sets, as web_form_json writes them; the rest are
// columns.
std::string settings_text(const WebForm& f) {
  Json j = web_form_json(f);
  for (const char* column : {"id", "key", "campaign", "enabled", "created_by", "created_at", "updated_at"}) {
    j.erase(column);
  }
  return dump_json(j);
}

WebForm read_form(const Stmt& s) {
  WebForm f;
  // Written by settings_text: a stored form always parses.
  (void)parse_web_form(Json::parse(s.text(4), nullptr, false), f);
  f.id = s.int64(0);
  f.key = s.text(1);
  f.campaign = s.text(2);
  f.enabled = s.int64(3) != 0;
  f.created_by = s.text(5);
  f.created_at = s.int64(6);
  f.updated_at = s.int64(7);
  return f;
}

}  // namespace

Status SqlStore::put_web_form(WebForm& f) {
  std::lock_guard lock(write_mu_);
  if (f.id == 0) {
    auto taken = writer_->cached("SELECT 1 FROM web_forms WHERE key = ?");
    if (!taken.ok()) return taken.status();
    (*taken)->bind(1, f.key);
    auto row = (*taken)->step();
    if (!row.ok()) return row.status();
    (*taken)->reset();
    if (*row) return Status(ErrorCode::kConflict, "a form with key '" + f.key + "' exists already", "key");
  }
  auto st = f.id == 0 ? writer_->cached(
                            "INSERT INTO web_forms (key, campaign, enabled, settings, created_by, created_at, "
                            "updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7)")
                      : writer_->cached(
                            "UPDATE web_forms SET key=?1, campaign=?2, enabled=?3, settings=?4, created_by=?5, "
                            "created_at=?6, updated_at=?7 WHERE id=?8");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, f.key);
  s.bind(2, f.campaign);
  s.bind(3, int64_t{f.enabled ? 1 : 0});
  s.bind(4, settings_text(f));
  s.bind(5, f.created_by);
  s.bind(6, f.created_at);
  s.bind(7, f.updated_at);
  if (f.id != 0) s.bind(8, f.id);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  if (f.id == 0) {
    LEADLOOP_RETURN_IF_ERROR(inserted_id(f.id));
  } else if (writer_->changes() == 0) {
    return Status(ErrorCode::kNotFound, "no form with id " + std::to_string(f.id));
  }
  return Status();
}

Result<WebForm> SqlStore::get_web_form(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kFormColumns + " FROM web_forms WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<WebForm> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_form(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no form with id " + std::to_string(id));
  return *std::move(found);
}

Result<WebForm> SqlStore::find_web_form(const std::string& key) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kFormColumns + " FROM web_forms WHERE key = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, key);
  std::optional<WebForm> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_form(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no such form");
  return *std::move(found);
}

Result<std::vector<WebForm>> SqlStore::list_web_forms() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kFormColumns + " FROM web_forms ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<WebForm> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_form(s)); }));
  return out;
}

}  // namespace leadloop
