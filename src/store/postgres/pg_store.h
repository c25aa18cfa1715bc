// PgStore: the Store on PostgreSQL 15+, behind the shared SQL store
// (store/sql/sql_store.h): one writer connection, serialised by a mutex,
// and a pool of reader connections, opened as needed. Thread-safe. Every
// write call is one transaction, as on SQLite.
#pragma once

#include <memory>
#include <string>

#include "store/sql/sql_store.h"

namespace leadloop {

class PgStore final : public SqlStore {
 public:
  // Connects to `url` (postgresql://USER@HOST:PORT/DB) and migrates the
  // database, or the schema its search_path names first, to the latest
  // schema. kProcess turns synchronous_commit off for the writer: a commit
  // returns before its WAL is flushed, as SQLite's does.
  static Result<std::unique_ptr<PgStore>> open(const std::string& url, Durability durability = Durability::kFull);

 private:
  using SqlStore::SqlStore;
};

}  // namespace leadloop
