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

// How hard a commit works to outlive a crash.
enum class Durability : uint8_t {
  kFull,     // the WAL is fsynced at every commit: a commit outlives a crash of the machine
  kProcess,  // no fsync at commit: it outlives the process, not the machine; for scratch
             // databases such as a simulation's, where an fsync per commit is most of the time
};

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
