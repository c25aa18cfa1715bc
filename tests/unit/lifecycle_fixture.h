// The lifecycle services on a real SQLite file with a manual clock: an
// active test definition (tests/data/lifecycle/definition.yaml), two teams
// (emea: e1 e2 e3, managed by mgr-emea; na: n1 n2 and big) and the router,
// dispatch and follow-up wired as the server wires them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/dispatch.h"
#include "engine/follow_up.h"
#include "engine/lifecycle.h"
#include "engine/router.h"
#include "test_db.h"

namespace leadloop::testing {

struct LifecycleServices {
  explicit LifecycleServices(const std::string& db_path, TimePoint start = kTestStart);
  // Reopens every service on the same file, as a restarted server would.
  void restart();

  Lead capture(Lead l);
  Lead hot(const std::string& email, const std::string& country = "DE");
  Lead get(int64_t id);
  std::vector<LeadEvent> events(int64_t id, std::string_view type = "");
  void put_rep(const std::string& key, const std::string& team, int capacity = 50, bool away = false);

  std::string path;
  ManualClock clock;
  std::unique_ptr<Store> store;
  std::unique_ptr<CampaignCatalog> campaigns;
  std::unique_ptr<ActiveDefinition> definition;
  std::unique_ptr<Router> router;
  std::unique_ptr<Intake> intake;
  std::unique_ptr<Lifecycle> lifecycle;
  std::unique_ptr<Dispatch> dispatch;
  std::unique_ptr<FollowUp> follow_up;
};

}  // namespace leadloop::testing
