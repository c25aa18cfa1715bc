#include "store/postgres/pg_store.h"

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_migrations.h"

namespace leadloop {

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, Durability durability) {
  auto db = pg::PgDb::open(url);
  if (!db.ok()) return db.status();
  if (durability == Durability::kProcess) LEADLOOP_RETURN_IF_ERROR((*db)->exec("SET synchronous_commit = off"));
  auto version = pg::migrate(**db, url);
  if (!version.ok()) return version.status();
  OpenReader open_reader = [url]() -> Result<std::unique_ptr<sql::Db>> {
    auto reader = pg::PgDb::open(url);
    if (!reader.ok()) return reader.status();
    return std::unique_ptr<sql::Db>(std::move(reader).value());
  };
  return std::unique_ptr<PgStore>(new PgStore(std::move(db).value(), std::move(open_reader), *version));
}

}  // namespace leadloop
