// Test fixtures: a fresh temporary directory with a real database (SQLite,
// or PostgreSQL under LEADLOOP_TEST_PG: test_store.h),
// the services built on it, and a manual clock.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "access/tokens.h"
#include "engine/definition_review.h"
#include "engine/definition_versions.h"
#include "engine/intake.h"
#include "engine/lifecycle.h"
#include "io/csv_import.h"
#include "test_files.h"
#include "test_store.h"

namespace leadloop::testing {

// 2026-03-02T10:00:00Z, a Monday.
constexpr TimePoint kTestStart = 1772445600000;

struct TestServices {
  explicit TestServices(const std::string& db_path);
  Campaign add_campaign(const std::string& key, Channel channel = Channel::kWeb);

  ManualClock clock{kTestStart};
  std::unique_ptr<Store> store;
  std::unique_ptr<CampaignCatalog> campaigns;
  std::unique_ptr<ActiveDefinition> active_definition;
  std::unique_ptr<Intake> intake;
  std::unique_ptr<CsvImporter> importer;
  std::unique_ptr<DefinitionVersions> definitions;
  std::unique_ptr<Lifecycle> lifecycle;
  std::unique_ptr<DefinitionReview> review;
};

Lead make_lead(const std::string& email, const std::string& campaign = "web-1");

}  // namespace leadloop::testing
