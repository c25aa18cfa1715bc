// The two calls a backend-neutral store makes of its database: a connection
// (Db) and a statement on it (Stmt), stepped row by row and read by column.
// SQLite (store/sqlite/sqlite_db.h) and PostgreSQL (store/postgres/pg_db.h)
// implement them; the store's SQL (store/sql/) is written once for both, in
// the subset the two share: `?` or `?N` parameters, ON CONFLICT upserts,
// RETURNING, coalesce, CASE. A connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace leadloop::sql {

// Values for the numbered parameters of a statement, or the columns of a
// row to copy (CopyRow): what the row mapping (rows.h) writes to.
class Binder {
 public:
  Binder() = default;
  Binder(const Binder&) = delete;
  Binder& operator=(const Binder&) = delete;
  virtual ~Binder() = default;

  // Binds are 1-based, as in SQLite.
  virtual void bind(int i, int64_t v) = 0;
  virtual void bind(int i, std::string_view v) = 0;  // copies
  // Binds without a copy where the backend can. REQUIRES: v stays alive and
  // unchanged until the statement is reset.
  virtual void bind_static(int i, std::string_view v) = 0;
  virtual void bind_null(int i) = 0;
  void bind(int i, const std::optional<int64_t>& v) { v ? bind(i, *v) : bind_null(i); }
};

// One row for Db::copy_rows: column i (1-based) is values[i - 1], as text;
// nullopt is NULL.
class CopyRow final : public Binder {
 public:
  CopyRow() = default;
  CopyRow(CopyRow&& o) noexcept : values_(std::move(o.values_)) {}
  using Binder::bind;
  void bind(int i, int64_t v) override { at(i) = std::to_string(v); }
  void bind(int i, std::string_view v) override { at(i) = std::string(v); }
  void bind_static(int i, std::string_view v) override { bind(i, v); }
  void bind_null(int i) override { at(i).reset(); }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::optional<std::string>& at(int i) {
    if (values_.size() < static_cast<size_t>(i)) values_.resize(i);
    return values_[i - 1];
  }
  std::vector<std::optional<std::string>> values_;
};

class Stmt : public Binder {
 public:
  // Steps once: true with a row, false when done; kIoError on failure.
  virtual Result<bool> step() = 0;
  // Steps to completion of a statement that returns no rows, then resets
  // it (keeping its bindings) so that it can be bound and run again.
  virtual Status run() = 0;
  virtual void reset() = 0;  // also clears bindings
  // Steps through every row, calling fn on each, then resets.
  Status each_row(const std::function<void(const Stmt&)>& fn);

  virtual int64_t int64(int col) const = 0;
  std::optional<int64_t> optional_int64(int col) const {  // nullopt for NULL
    if (is_null(col)) return std::nullopt;
    return int64(col);
  }
  virtual double real(int col) const = 0;
  std::string text(int col) const { return std::string(text_view(col)); }
  virtual std::string_view text_view(int col) const = 0;  // valid until the next step
  virtual bool is_null(int col) const = 0;
};

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  virtual ~Db() = default;

  virtual Status exec(std::string_view sql) = 0;
  virtual Result<std::unique_ptr<Stmt>> prepare(std::string_view sql) = 0;
  // A prepared statement cached for the connection's life; reset on return.
  Result<Stmt*> cached(const std::string& sql);
  // Like cached(), keyed by a small number instead of the SQL text: for
  // statements run once per row on the hot path. REQUIRES: one SQL per slot.
  Result<Stmt*> slot(size_t index, const char* sql);
  // The id the latest INSERT gave its row (a table's INTEGER PRIMARY KEY
  // or identity column).
  virtual Result<int64_t> last_insert_id() = 0;
  virtual int64_t changes() const = 0;  // rows changed by the latest INSERT, UPDATE or DELETE
  // Starts a transaction that writes: BEGIN IMMEDIATE on SQLite.
  virtual Status begin() = 0;

  // Whole tables, for copying a database (`leadloop migrate --from --to`,
  // store/sql/copy.cc).
  // The store's tables: every table but the backend's own bookkeeping.
  virtual Result<std::vector<std::string>> table_names() = 0;
  // A table's columns, in their order.
  virtual Result<std::vector<std::string>> table_columns(std::string_view table) = 0;
  // True when every table also has a column "rowid" that table_columns does
  // not list (SQLite's implicit key, which the shared SQL of import_errors
  // names, and which PostgreSQL's schema declares).
  virtual bool implicit_rowid() const { return false; }
  // Starts a transaction that reads one consistent state of every table
  // until COMMIT, whatever other connections write meanwhile.
  virtual Status begin_snapshot() { return exec("BEGIN"); }
  // Runs a query that may return more rows than fit in memory, calling fn
  // on each row; a failure from fn stops it. REQUIRES: inside a transaction.
  virtual Status scan(std::string_view sql, const std::function<Status(const Stmt&)>& fn);
  // After rows were copied into `table` with their ids: the next id the
  // table gives is past them (PostgreSQL's identity sequences).
  virtual Status after_copy(std::string_view table) {
    (void)table;
    return Status();
  }

  // Bulk writes, where the backend has them (PostgreSQL's COPY); without
  // them the store writes row by row, which is as fast on SQLite.
  virtual bool bulk() const { return false; }
  // `n` new values of `table`'s identity column `id`, ascending.
  // REQUIRES: bulk().
  virtual Result<std::vector<int64_t>> reserve_ids(std::string_view table, size_t n) {
    (void)table;
    (void)n;
    return Status(ErrorCode::kInternal, "this database has no bulk writes");
  }
  // Writes `rows` into `columns` ("a, b, c") of `table`. REQUIRES: bulk().
  virtual Status copy_rows(std::string_view table, std::string_view columns, const std::vector<CopyRow>& rows) {
    (void)table;
    (void)columns;
    (void)rows;
    return Status(ErrorCode::kInternal, "this database has no bulk writes");
  }

 protected:
  // Drops the cached statements: a backend calls it before it closes the
  // connection they belong to.
  void clear_statements() {
    cache_.clear();
    slots_.clear();
  }

 private:
  std::map<std::string, std::unique_ptr<Stmt>> cache_;
  std::vector<std::unique_ptr<Stmt>> slots_;
};

// The first column of every row of a query with at most one parameter
// (bound to `arg` unless empty), as text: lists of names.
Result<std::vector<std::string>> first_column(Db& db, std::string_view sql, std::string_view arg = {});

// Runs body inside a write transaction (Db::begin ... COMMIT), rolling back
// on failure.
Status in_transaction(Db& db, const std::function<Status()>& body);

}  // namespace leadloop::sql
