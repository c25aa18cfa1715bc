// The PostgreSQL schema's numbered migrations (the same numbers as SQLite's).
#pragma once

#include <string>

#include "store/postgres/pg_db.h"

namespace leadloop::pg {

int latest_schema_version();

// Brings the database to the latest schema, one transaction per migration,
// and returns the version. kSchemaTooNew for a database from a newer
// Leadloop, which it leaves untouched.
Result<int> migrate(sql::Db& db, const std::string& url);

}  // namespace leadloop::pg
