#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/migrations.h"

namespace leadloop {

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, Durability durability) {
  auto db = sqlite::SqliteDb::open(path, false);
  if (!db.ok()) return db.status();
  // In WAL mode, NORMAL syncs at checkpoints only: the file stays
  // consistent, but the latest commits may be lost with the machine.
  if (durability == Durability::kProcess) LEADLOOP_RETURN_IF_ERROR((*db)->exec("PRAGMA synchronous=NORMAL;"));
  auto version = sqlite::migrate(**db, path);
  if (!version.ok()) return version.status();
  OpenReader open_reader = [path]() -> Result<std::unique_ptr<sql::Db>> {
    auto reader = sqlite::SqliteDb::open(path, true);
    if (!reader.ok()) return reader.status();
    return std::unique_ptr<sql::Db>(std::move(reader).value());
  };
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db).value(), std::move(open_reader), *version));
}

Status SqliteStore::after_erase(ErasureCounts& counts) {
  auto cp = writer().prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!cp.ok()) return cp.status();
  auto row = (*cp)->step();
  if (!row.ok()) return row.status();
  counts.wal_truncated = *row && (*cp)->int64(0) == 0;
  return Status();
}

}  // namespace leadloop
