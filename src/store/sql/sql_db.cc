#include "store/sql/sql_db.h"

namespace leadloop::sql {

Status Stmt::each_row(const std::function<void(const Stmt&)>& fn) {
  while (true) {
    auto row = step();
    if (!row.ok()) {
      reset();
      return row.status();
    }
    if (!*row) break;
    fn(*this);
  }
  reset();
  return Status();
}

Result<Stmt*> Db::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto st = prepare(sql);
    if (!st.ok()) return st.status();
    it = cache_.emplace(sql, std::move(st).value()).first;
  }
  it->second->reset();
  return it->second.get();
}

Result<Stmt*> Db::slot(size_t index, const char* sql) {
  if (index >= slots_.size()) slots_.resize(index + 1);
  if (!slots_[index]) {
    auto st = prepare(sql);
    if (!st.ok()) return st.status();
    slots_[index] = std::move(st).value();
  }
  slots_[index]->reset();
  return slots_[index].get();
}

Status Db::scan(std::string_view sql, const std::function<Status(const Stmt&)>& fn) {
  auto st = prepare(sql);
  if (!st.ok()) return st.status();
  Stmt& stmt = **st;
  while (true) {
    auto row = stmt.step();
    if (!row.ok()) return row.status();
    if (!*row) return Status();
    LEADLOOP_RETURN_IF_ERROR(fn(stmt));
  }
}

Result<std::vector<std::string>> first_column(Db& db, std::string_view sql, std::string_view arg) {
  auto st = db.prepare(sql);
  if (!st.ok()) return st.status();
  if (!arg.empty()) (*st)->bind(1, arg);
  std::vector<std::string> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(s.text(0)); }));
  return out;
}

Status in_transaction(Db& db, const std::function<Status()>& body) {
  LEADLOOP_RETURN_IF_ERROR(db.begin());
  Status st = body();
  if (st.ok()) st = db.exec("COMMIT");
  // The first failure is the one to report. The database may already have
  // rolled back by itself (a full disk, an interrupt), and then ROLLBACK
  // fails with "no transaction is active", which says nothing new.
  if (!st.ok()) (void)db.exec("ROLLBACK");
  return st;
}

}  // namespace leadloop::sql
