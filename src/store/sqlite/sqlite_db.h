// A thin RAII layer over one SQLite connection and its prepared statements.
// A SqliteDb is not thread-safe: one thread uses it at a time (the store
// guards the writer with a mutex and hands readers their own connection).
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

struct sqlite3;
struct sqlite3_stmt;

namespace leadloop::sqlite {

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based, as in SQLite.
  void bind(int i, int64_t v);
  void bind(int i, std::string_view v);  // copies
  // Binds without a copy. REQUIRES: v stays alive and unchanged until the
  // statement is reset.
  void bind_static(int i, std::string_view v);
  void bind_null(int i);
  void bind(int i, const std::optional<int64_t>& v) { v ? bind(i, *v) : bind_null(i); }

  // Steps once: true with a row, false when done; kIoError on failure.
  Result<bool> step();
  // Steps to completion of a statement that returns no rows, then resets
  // it (keeping its bindings) so that it can be bound and run again.
  Status run();
  void reset();  // also clears bindings
  // Steps through every row, calling fn on each, then resets.
  Status each_row(const std::function<void(const Stmt&)>& fn);

  int64_t int64(int col) const;
  std::optional<int64_t> optional_int64(int col) const;  // nullopt for NULL
  double real(int col) const;
  std::string text(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // Opens (creating when allowed) the database file and sets the pragmas
  // for WAL and full durability.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, bool read_only);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  Status exec(std::string_view sql);
  // A prepared statement cached for the connection's life; reset on return.
  Result<Stmt*> cached(const std::string& sql);
  // Like cached(), keyed by a small number instead of the SQL text: for
  // statements run once per row on the hot path. REQUIRES: one SQL per slot.
  Result<Stmt*> slot(size_t index, const char* sql);
  Result<std::unique_ptr<Stmt>> prepare(std::string_view sql);
  Status error(std::string_view what) const;
  int64_t last_insert_rowid() const;
  int64_t changes() const;  // rows changed by the latest statement

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Stmt>> cache_;
  std::vector<std::unique_ptr<Stmt>> slots_;
};

// Runs body inside BEGIN IMMEDIATE ... COMMIT, rolling back on failure.
Status in_transaction(SqliteDb& db, const std::function<Status()>& body);

}  // namespace leadloop::sqlite
