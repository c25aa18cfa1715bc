#include "store/open_store.h"

#include "store/postgres/pg_store.h"

namespace leadloop {

bool is_postgres_url(std::string_view spec) {
  return spec.starts_with("postgresql://") || spec.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> open_store(const std::string& spec, Durability durability) {
  if (is_postgres_url(spec)) {
    auto pg = PgStore::open(spec, durability);
    if (!pg.ok()) return pg.status();
    return std::unique_ptr<Store>(std::move(pg).value());
  }
  auto lite = SqliteStore::open(spec, durability);
  if (!lite.ok()) return lite.status();
  return std::unique_ptr<Store>(std::move(lite).value());
}

}  // namespace leadloop
