// The database a test opens: an SQLite file at `path` by default; with
// LEADLOOP_TEST_PG set (a postgresql:// URL, as `make test-pg` sets it), a
// fresh schema of that database named after `path`, so that opening the same
// path again reopens the same data and every test gets its own.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace leadloop::testing {

// True when the tests run on PostgreSQL (LEADLOOP_TEST_PG is set).
bool on_postgres();

// What to pass to open_store() or `--db` for the test database at `path`:
// the path itself, or a URL whose search_path is the path's own schema
// (created here when absent).
std::string test_db(const std::string& path);

// open_store(test_db(path)).
Result<std::unique_ptr<Store>> open_test_store(const std::string& path);

}  // namespace leadloop::testing
