// SqliteStore: the embedded Store, one SQLite file in WAL mode, behind the
// shared SQL store (store/sql/sql_store.h): one writer connection and a pool
// of read-only ones. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_db.h"
#include "store/sql/sql_store.h"

namespace leadloop {

class SqliteStore final : public SqlStore {
 public:
  // Opens or creates the file and migrates it to the latest schema.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   Durability durability = Durability::kFull);

 protected:
  // Moves the WAL into the file and truncates it: old page images of the
  // erased rows live on in the WAL until a checkpoint.
  Status after_erase(ErasureCounts& counts) override;

 private:
  SqliteStore(std::unique_ptr<sqlite::SqliteDb> writer, OpenReader open_reader, int version)
      : SqlStore(std::move(writer), std::move(open_reader), version) {}
};

}  // namespace leadloop
