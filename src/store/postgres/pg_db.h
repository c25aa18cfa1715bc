// One PostgreSQL connection (libpq) as a sql::Db, for the shared SQL store.
// Statements are written in the SQLite-compatible subset of store/sql/:
// `?` and `?N` parameters become `$N` here; integers are sent as bigint and
// text as text, in libpq's text format. A statement's rows are fetched in
// one result when it first steps. Not thread-safe: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/sql_db.h"

struct pg_conn;
struct pg_result;

namespace leadloop::pg {

// The statement in PostgreSQL's parameter syntax: `?N` becomes `$N`, and a
// bare `?` the number after the largest so far (as SQLite numbers them);
// quoted text is left alone. `count` is the largest number used; `used`,
// when given, says which of 1..count the text names (index n - 1).
std::string pg_parameters(std::string_view sql, int& count, std::vector<bool>* used = nullptr);

// One row of COPY's text format: tab-separated, \N for NULL, backslash,
// tab, newline and carriage return escaped; ends with a newline.
void append_copy_row(std::string& out, const sql::CopyRow& row);

// The connection URL with its password, if any, masked: for messages.
std::string redact_url(std::string_view url);

class PgDb;

class PgStmt final : public sql::Stmt {
 public:
  // `used`: which parameters the SQL names (pg_parameters); a number it
  // skips is sent as a NULL of type text, since the server must know a type.
  PgStmt(PgDb* db, std::string sql, std::vector<bool> used);
  ~PgStmt() override;

  using sql::Stmt::bind;
  void bind(int i, int64_t v) override;
  void bind(int i, std::string_view v) override;
  void bind_static(int i, std::string_view v) override { bind(i, v); }
  void bind_null(int i) override;
  Result<bool> step() override;
  Status run() override;
  void reset() override;
  int64_t int64(int col) const override;
  double real(int col) const override;
  std::string_view text_view(int col) const override;
  bool is_null(int col) const override;

 private:
  void clear_result();
  Status execute();

  PgDb* db_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<unsigned int> types_;  // Oid; 0 lets the server infer it
  std::vector<bool> used_;
  pg_result* result_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
};

class PgDb final : public sql::Db {
 public:
  // Connects to `url` (postgresql://user@host:port/db?options=...).
  static Result<std::unique_ptr<PgDb>> open(const std::string& url);
  ~PgDb() override;

  Status exec(std::string_view sql) override;
  Result<std::unique_ptr<sql::Stmt>> prepare(std::string_view sql) override;
  Result<int64_t> last_insert_id() override;
  int64_t changes() const override { return changes_; }
  Status begin() override { return exec("BEGIN"); }
  Result<std::vector<std::string>> table_names() override;
  Result<std::vector<std::string>> table_columns(std::string_view table) override;
  Status begin_snapshot() override { return exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  // Through a cursor, a batch of rows at a time.
  Status scan(std::string_view sql, const std::function<Status(const sql::Stmt&)>& fn) override;
  // Moves each identity column's sequence past the table's largest value.
  Status after_copy(std::string_view table) override;
  // COPY ... FROM STDIN in text format, and ids from the table's sequence.
  bool bulk() const override { return true; }
  Result<std::vector<int64_t>> reserve_ids(std::string_view table, size_t n) override;
  Status copy_rows(std::string_view table, std::string_view columns, const std::vector<sql::CopyRow>& rows) override;

 private:
  friend class PgStmt;
  explicit PgDb(pg_conn* conn) : conn_(conn) {}
  // Checks a result: ok for a command or rows, else the server's message.
  // Takes the result's row count as changes() for INSERT, UPDATE, DELETE.
  Status check(pg_result* result);

  pg_conn* conn_;
  int64_t changes_ = 0;
};

}  // namespace leadloop::pg
