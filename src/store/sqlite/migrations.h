// The schema, as numbered migrations. migrate() brings a database up to the
// latest version at start and refuses one written by a newer Leadloop.
#pragma once

#include "store/sqlite/sqlite_db.h"

namespace leadloop::sqlite {

int latest_schema_version();
// Returns the schema version after migrating; kSchemaTooNew for a newer file.
Result<int> migrate(SqliteDb& db, const std::string& path);

}  // namespace leadloop::sqlite
