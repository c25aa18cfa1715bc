#include "test_db.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>

namespace leadloop::testing {

TestServices::TestServices(const std::string& db_path) {
  auto s = open_test_store(db_path);
  if (!s.ok()) throw std::runtime_error(s.status().to_string());
  store = std::move(s).value();
  campaigns = std::make_unique<CampaignCatalog>(*store, clock);
  Status st = campaigns->load();
  if (!st.ok()) throw std::runtime_error(st.to_string());
  active_definition = std::make_unique<ActiveDefinition>(*campaigns);
  intake = std::make_unique<Intake>(*store, clock, *campaigns, active_definition.get());
  definitions = std::make_unique<DefinitionVersions>(*store, clock, *intake, *active_definition);
  st = definitions->load();
  if (!st.ok()) throw std::runtime_error(st.to_string());
  st = intake->open();
  if (!st.ok()) throw std::runtime_error(st.to_string());
  importer = std::make_unique<CsvImporter>(*intake, *store, *campaigns, clock);
  lifecycle = std::make_unique<Lifecycle>(*store, clock, *intake, *active_definition);
  review = std::make_unique<DefinitionReview>(*store, clock, *intake, *active_definition, *campaigns);
}

Campaign TestServices::add_campaign(const std::string& key, Channel channel) {
  Campaign c;
  c.key = key;
  c.channel = channel;
  auto r = campaigns->create(c);
  if (!r.ok()) throw std::runtime_error(r.status().to_string());
  return *r;
}

Lead make_lead(const std::string& email, const std::string& campaign) {
  Lead l;
  l.email = email;
  l.source_campaign = campaign;
  return l;
}

}  // namespace leadloop::testing
