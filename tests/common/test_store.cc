#include "test_store.h"

#include <cstdio>
#include <cstdlib>
#include <functional>

#include "store/open_store.h"
#include "store/postgres/pg_db.h"

namespace leadloop::testing {

namespace {

const char* pg_base() {
  const char* url = std::getenv("LEADLOOP_TEST_PG");
  return url && *url ? url : nullptr;
}

}  // namespace

bool on_postgres() { return pg_base() != nullptr; }

std::string test_db(const std::string& path) {
  const char* base = pg_base();
  if (!base) return path;
  char name[32];
  std::snprintf(name, sizeof name, "t%016zx", std::hash<std::string>{}(path));
  auto admin = pg::PgDb::open(base);
  if (!admin.ok()) throw std::runtime_error(admin.status().to_string());
  Status st = (*admin)->exec(std::string("CREATE SCHEMA IF NOT EXISTS ") + name);
  if (!st.ok()) throw std::runtime_error(st.to_string());
  std::string url = base;
  url += url.find('?') == std::string::npos ? '?' : '&';
  return url + "options=-csearch_path%3D" + name;
}

Result<std::unique_ptr<Store>> open_test_store(const std::string& path) { return open_store(test_db(path)); }

}  // namespace leadloop::testing
