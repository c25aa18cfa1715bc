#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

namespace leadloop::sqlite {

SqliteStmt::~SqliteStmt() { sqlite3_finalize(stmt_); }

void SqliteStmt::bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
void SqliteStmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void SqliteStmt::bind_static(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void SqliteStmt::bind_null(int i) { sqlite3_bind_null(stmt_, i); }

Result<bool> SqliteStmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Status(ErrorCode::kIoError, std::string("database: ") + sqlite3_errmsg(db_));
}

Status SqliteStmt::run() {
  auto r = step();
  // Ready to run again: SQLite ignores binds on a stepped statement, so a
  // caller re-binding in a loop would silently run the old values.
  sqlite3_reset(stmt_);
  if (!r.ok()) return r.status();
  return Status();
}


void SqliteStmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStmt::int64(int col) const { return sqlite3_column_int64(stmt_, col); }


double SqliteStmt::real(int col) const { return sqlite3_column_double(stmt_, col); }

std::string_view SqliteStmt::text_view(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

bool SqliteStmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path, bool read_only) {
  sqlite3* raw = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Status(ErrorCode::kIoError, "cannot open database '" + path + "': " + msg);
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));
  sqlite3_busy_timeout(raw, 10000);
  // WAL: readers never block the writer. synchronous=FULL: the WAL is
  // fsynced at every commit, so an acknowledged write survives a crash of
  // the process and of the machine.
  const char* pragmas =
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=OFF;"
      "PRAGMA cache_size=-65536;"
      "PRAGMA temp_store=MEMORY;"
      "PRAGMA mmap_size=268435456;";
  if (!read_only) {
    LEADLOOP_RETURN_IF_ERROR(db->exec("PRAGMA journal_mode=WAL;"));
    // Freed cells and pages are zeroed, so a rewritten or erased row leaves
    // no old copy in the file's free space (engine/privacy.h).
    LEADLOOP_RETURN_IF_ERROR(db->exec("PRAGMA secure_delete=ON;"));
  }
  LEADLOOP_RETURN_IF_ERROR(db->exec(pragmas));
  return db;
}

SqliteDb::~SqliteDb() {
  clear_statements();
  sqlite3_close(db_);
}

Status SqliteDb::error(std::string_view what) const {
  return Status(ErrorCode::kIoError, std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status SqliteDb::exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status(ErrorCode::kIoError, "database: " + msg);
  }
  return Status();
}

Result<std::unique_ptr<sql::Stmt>> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return error("database: cannot prepare statement");
  }
  return std::unique_ptr<sql::Stmt>(std::make_unique<SqliteStmt>(db_, stmt));
}



Result<int64_t> SqliteDb::last_insert_id() { return int64_t{sqlite3_last_insert_rowid(db_)}; }

int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }


Result<std::vector<std::string>> SqliteDb::table_names() {
  return sql::first_column(*this,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                           "'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
}

Result<std::vector<std::string>> SqliteDb::table_columns(std::string_view table) {
  return sql::first_column(*this, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", table);
}

}  // namespace leadloop::sqlite
