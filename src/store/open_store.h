// Opens the Store a --db argument names: a postgresql:// or postgres:// URL
// opens PostgreSQL (store/postgres/), anything else is an SQLite file path.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace leadloop {

// True when `spec` is a PostgreSQL connection URL.
bool is_postgres_url(std::string_view spec);

// Opens and migrates the database, as durable as `durability` says.
Result<std::unique_ptr<Store>> open_store(const std::string& spec, Durability durability = Durability::kFull);

}  // namespace leadloop
