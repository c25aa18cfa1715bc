// One SQLite connection and its prepared statements, as a sql::Db. A
// SqliteDb is not thread-safe: one thread uses it at a time (the store
// guards the writer with a mutex and hands readers their own connection).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/sql/sql_db.h"

struct sqlite3;
struct sqlite3_stmt;

namespace leadloop::sqlite {

using Stmt = sql::Stmt;

class SqliteStmt final : public sql::Stmt {
 public:
  SqliteStmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStmt() override;

  using sql::Stmt::bind;
  void bind(int i, int64_t v) override;
  void bind(int i, std::string_view v) override;
  void bind_static(int i, std::string_view v) override;
  void bind_null(int i) override;
  Result<bool> step() override;
  Status run() override;
  void reset() override;
  int64_t int64(int col) const override;
  double real(int col) const override;
  std::string_view text_view(int col) const override;
  bool is_null(int col) const override;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb final : public sql::Db {
 public:
  // Opens (creating when allowed) the database file and sets the pragmas
  // for WAL and full durability.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, bool read_only);
  ~SqliteDb() override;

  Status exec(std::string_view sql) override;
  Result<std::unique_ptr<sql::Stmt>> prepare(std::string_view sql) override;
  Result<int64_t> last_insert_id() override;
  int64_t changes() const override;
  Status begin() override { return exec("BEGIN IMMEDIATE"); }
  Result<std::vector<std::string>> table_names() override;
  Result<std::vector<std::string>> table_columns(std::string_view table) override;
  bool implicit_rowid() const override { return true; }
  Status error(std::string_view what) const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// Runs body inside BEGIN IMMEDIATE ... COMMIT, rolling back on failure.
inline Status in_transaction(SqliteDb& db, const std::function<Status()>& body) {
  return sql::in_transaction(db, body);
}

}  // namespace leadloop::sqlite
