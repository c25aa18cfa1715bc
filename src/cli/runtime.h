// The services a Leadloop process runs on one database, built in dependency
// order: store -> campaign catalog -> intake -> tokens -> importer.
#pragma once

#include <memory>
#include <string>

#include "access/tokens.h"
#include "engine/intake.h"
#include "io/csv_import.h"
#include "store/sqlite/sqlite_store.h"

namespace leadloop::cli {

struct Runtime {
  Runtime(std::unique_ptr<SqliteStore> s, const Clock& c)
      : store(std::move(s)),
        clock(c),
        campaigns(*store, clock),
        intake(*store, clock, campaigns),
        tokens(*store, clock),
        importer(intake, *store, campaigns, clock) {}

  std::unique_ptr<SqliteStore> store;
  const Clock& clock;
  CampaignCatalog campaigns;
  Intake intake;
  TokenAuthority tokens;
  CsvImporter importer;
};

// Opens (creating if needed, with its folder) and migrates the database, and
// loads campaigns and the dedup index.
Result<std::unique_ptr<Runtime>> open_runtime(const std::string& db_path, const Clock& clock);

}  // namespace leadloop::cli
