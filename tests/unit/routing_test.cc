// Routing by grade and rules, round-robin fairness, capacity and away,
// round-robin order across a restart, and the dissemination desk.
#include "engine/router.h"

#include <gtest/gtest.h>

#include <map>

#include "domain/codec.h"
#include "lifecycle_fixture.h"

namespace leadloop {
namespace {

using testing::LifecycleServices;
using testing::make_lead;
using testing::TempDir;

class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override { svc = std::make_unique<LifecycleServices>(dir.file("routing.db")); }
  std::string email(int i) { return "lead" + std::to_string(i) + "@example.com"; }

  TempDir dir;
  std::unique_ptr<LifecycleServices> svc;
};

TEST_F(RoutingTest, AHotLeadGoesToARepAtOnceWithItsSlaClock) {
  Lead l = svc->hot("vp@example.com");
  EXPECT_EQ(l.stage, Stage::kAssigned);
  EXPECT_EQ(l.owner, "e1");  // the emea rule; nobody assigned yet, first by key
  ASSERT_TRUE(l.sla_due_at);
  EXPECT_EQ(*l.sla_due_at, svc->clock.now() + 4 * kMillisPerHour);
  EXPECT_EQ(*l.assigned_at, svc->clock.now());
  auto assigned = svc->events(l.id, "assigned");
  ASSERT_EQ(assigned.size(), 1u);
  Json p = Json::parse(assigned[0].payload);
  EXPECT_EQ(p["owner"], "e1");
  EXPECT_EQ(p["team"], "emea");
  EXPECT_EQ(p["rule"], "routing.rules[1]");
  EXPECT_EQ(assigned[0].actor, "routing");
  auto moved = svc->events(l.id, "stage_changed");
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(Json::parse(moved[0].payload)["to"], "assigned");
}

TEST_F(RoutingTest, RoundRobinSharesLeadsEvenlyInsideTheTeam) {
  std::map<std::string, int> got;
  std::vector<std::string> order;
  for (int i = 0; i < 9; ++i) {
    Lead l = svc->hot(email(i));
    ++got[l.owner];
    order.push_back(l.owner);
  }
  EXPECT_EQ(got, (std::map<std::string, int>{{"e1", 3}, {"e2", 3}, {"e3", 3}}));
  EXPECT_EQ(order, (std::vector<std::string>{"e1", "e2", "e3", "e1", "e2", "e3", "e1", "e2", "e3"}));
}

TEST_F(RoutingTest, RoundRobinSkipsRepsWhoAreAwayOrAtCapacity) {
  svc->put_rep("e2", "emea", 50, /*away=*/true);
  svc->put_rep("e3", "emea", /*capacity=*/1);
  std::map<std::string, int> got;
  for (int i = 0; i < 6; ++i) ++got[svc->hot(email(i)).owner];
  EXPECT_EQ(got, (std::map<std::string, int>{{"e1", 5}, {"e3", 1}}));
  EXPECT_EQ(svc->router->open_leads("e3"), 1);
}

TEST_F(RoutingTest, WhenEveryRepIsFullTheLeadWaitsInTheQueueSayingWhy) {
  for (const char* r : {"e1", "e2", "e3"}) svc->put_rep(r, "emea", /*capacity=*/1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(svc->hot(email(i)).stage, Stage::kAssigned);
  Lead waiting = svc->hot(email(9));
  EXPECT_EQ(waiting.stage, Stage::kQualified);
  EXPECT_EQ(waiting.owner, "");
  EXPECT_FALSE(waiting.sla_due_at);
  Json p = Json::parse(svc->events(waiting.id, "stage_changed").back().payload);
  EXPECT_EQ(p["queued"], "every rep of team emea is away, inactive or at capacity");
  auto queue = svc->dispatch->queue("", 0, 50);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ(queue->front().id, waiting.id);
}

TEST_F(RoutingTest, ARuleCanNameARepAndTheirTeamStandsInWhenTheyCannotTakeIt) {
  Lead big = make_lead("cio@bigco.example");
  big.title = "VP";
  big.employees = 20000;
  big.country = "DE";
  EXPECT_EQ(svc->capture(big).owner, "big");
  svc->put_rep("big", "na", 50, /*away=*/true);
  big.email = "cfo@bigco.example";
  Lead second = svc->capture(big);
  EXPECT_EQ(second.owner, "n1");  // big's team, round-robin
}

TEST_F(RoutingTest, WithoutAMatchingRuleTheTeamOfTheLeadsRegionTakesIt) {
  Lead l = make_lead("vp@us.example");
  l.title = "VP";
  l.country = "US";
  l.region = "NA";
  Lead routed = svc->capture(l);
  EXPECT_EQ(routed.owner, "big");  // team na, first by key
  EXPECT_EQ(Json::parse(svc->events(routed.id, "assigned")[0].payload)["rule"], "region NA");
  l.email = "vp@apac.example";
  l.region = "APAC";
  Lead queued = svc->capture(l);
  EXPECT_EQ(queued.stage, Stage::kQualified);
  EXPECT_EQ(queued.owner, "");
}

TEST_F(RoutingTest, WarmLeadsAreNurturedColdRecycledUnqualifiedLeftAlone) {
  Lead warm = make_lead("mgr@example.com");
  warm.title = "Manager";
  warm = svc->capture(warm);
  EXPECT_EQ(warm.stage, Stage::kNurture);
  Json p = Json::parse(svc->events(warm.id, "stage_changed")[0].payload);
  EXPECT_EQ(p["programme"], "warm-drip");
  EXPECT_EQ(p["reason"], "graded warm");
  Lead cold = make_lead("analyst@example.com");
  cold.title = "Analyst";
  EXPECT_EQ(svc->capture(cold).stage, Stage::kRecycled);
  Lead other = svc->capture(make_lead("intern@example.com"));
  EXPECT_EQ(other.grade, Grade::kUnqualified);
  EXPECT_EQ(other.stage, Stage::kCaptured);
  EXPECT_TRUE(svc->events(other.id, "stage_changed").empty());
}

TEST_F(RoutingTest, ANurturedLeadThatTurnsHotIsAssigned) {
  Lead l = make_lead("mgr@example.com");
  l.title = "Manager";
  l.country = "DE";
  l = svc->capture(l);
  ASSERT_EQ(l.stage, Stage::kNurture);
  l.attributes["intent"] = "high";  // a re-capture says more
  l.email = "MGR@example.com";
  Lead again = svc->capture(l);
  EXPECT_EQ(again.id, l.id);
  EXPECT_EQ(again.grade, Grade::kHot);
  EXPECT_EQ(again.stage, Stage::kAssigned);
  EXPECT_EQ(again.owner, "e1");
}

TEST_F(RoutingTest, RoundRobinContinuesWhereItStoppedAfterARestart) {
  EXPECT_EQ(svc->hot(email(1)).owner, "e1");
  EXPECT_EQ(svc->hot(email(2)).owner, "e2");
  svc->restart();
  EXPECT_EQ(svc->hot(email(3)).owner, "e3");
  EXPECT_EQ(svc->hot(email(4)).owner, "e1");
  EXPECT_EQ(svc->router->open_leads("e1"), 2);
}

TEST_F(RoutingTest, DispatchAssignsManuallyInBulkAndExplainsEachRefusal) {
  for (const char* r : {"e1", "e2", "e3"}) svc->put_rep(r, "emea", /*capacity=*/0);
  Lead a = svc->hot(email(1));
  Lead b = svc->hot(email(2));
  ASSERT_EQ(a.stage, Stage::kQualified);
  AssignRequest req;
  req.lead_ids = {a.id, b.id, 999, a.id};
  req.rep = "n2";
  auto out = svc->dispatch->assign(req, "user:olivia");
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_EQ(out->size(), 4u);
  EXPECT_TRUE((*out)[0].error.ok());
  EXPECT_EQ((*out)[0].owner, "n2");
  EXPECT_TRUE((*out)[1].error.ok());
  EXPECT_EQ((*out)[2].error.code(), ErrorCode::kNotFound);
  EXPECT_EQ((*out)[3].error.code(), ErrorCode::kInvalidValue);  // listed twice
  Lead got = svc->get(a.id);
  EXPECT_EQ(got.owner, "n2");
  EXPECT_EQ(got.stage, Stage::kAssigned);
  EXPECT_TRUE(got.sla_due_at);
  EXPECT_EQ(svc->events(a.id, "assigned").back().actor, "user:olivia");
  EXPECT_EQ(svc->router->open_leads("n2"), 2);

  req = {};
  req.lead_ids = {a.id};
  req.rep = "n1";
  out = svc->dispatch->assign(req, "user:olivia");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].error.code(), ErrorCode::kMissingField);  // a reassignment needs a reason
  req.reason = "n2 is on leave";
  out = svc->dispatch->assign(req, "user:olivia");
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*out)[0].error.ok()) << (*out)[0].error.to_string();
  Json p = Json::parse(svc->events(a.id, "assigned").back().payload);
  EXPECT_EQ(p["previous_owner"], "n2");
  EXPECT_EQ(p["owner"], "n1");
  EXPECT_EQ(p["reason"], "n2 is on leave");
  EXPECT_EQ(svc->router->open_leads("n2"), 1);
  EXPECT_EQ(svc->router->open_leads("n1"), 1);

  req.rep = "nobody";
  EXPECT_EQ(svc->dispatch->assign(req, "user:olivia").status().code(), ErrorCode::kInvalidValue);
}

}  // namespace
}  // namespace leadloop

namespace leadloop {
namespace {

TEST_F(RoutingTest, ActivatingAVersionThatRoutesRoutesTheLeadsAlreadyWaiting) {
  // The same definition without its routing: section routes nothing.
  auto active = svc->definition->get();
  std::string text = testing::read_file(std::string(LEADLOOP_TEST_DATA) + "/lifecycle/definition.yaml");
  auto without = parse_definition(text.substr(0, text.find("routing:")));
  ASSERT_TRUE(without.definition);
  svc->definition->set(std::make_shared<DefinitionVersion>(DefinitionVersion{2, without.definition}));
  Lead hot = svc->hot("vp@example.com");
  Lead warm = make_lead("mgr@example.com");
  warm.title = "Manager";
  warm = svc->capture(warm);
  EXPECT_EQ(hot.stage, Stage::kCaptured);
  EXPECT_EQ(warm.stage, Stage::kCaptured);
  auto none = svc->dispatch->route_waiting();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);

  svc->definition->set(active);
  auto routed = svc->dispatch->route_waiting();
  ASSERT_TRUE(routed.ok()) << routed.status().to_string();
  EXPECT_EQ(*routed, 2);
  EXPECT_EQ(svc->get(hot.id).stage, Stage::kAssigned);
  EXPECT_EQ(svc->get(hot.id).owner, "e1");
  EXPECT_EQ(svc->get(warm.id).stage, Stage::kNurture);
  EXPECT_EQ(*svc->dispatch->route_waiting(), 0);  // nothing left to move
}

}  // namespace
}  // namespace leadloop
