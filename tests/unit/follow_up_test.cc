// Follow-up timers with the injected clock: the SLA breach fires once and
// tells the manager, the reassignment fires once after the second threshold,
// a response stops the clock, decay turns warm leads cold and recycles them,
// and nothing fires twice across a restart.
#include "engine/follow_up.h"

#include <gtest/gtest.h>

#include "domain/codec.h"
#include "lifecycle_fixture.h"

namespace leadloop {
namespace {

using testing::LifecycleServices;
using testing::make_lead;
using testing::TempDir;

class FollowUpTest : public ::testing::Test {
 protected:
  void SetUp() override { svc = std::make_unique<LifecycleServices>(dir.file("follow_up.db")); }

  FollowUpRun run() {
    auto r = svc->follow_up->run_due();
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : FollowUpRun{};
  }
  void advance(TimePoint ms) { svc->clock.advance(ms); }

  TempDir dir;
  std::unique_ptr<LifecycleServices> svc;
};

TEST_F(FollowUpTest, AnUnansweredHotLeadIsEscalatedOnceThenReassignedOnce) {
  Lead l = svc->hot("vp@example.com");
  ASSERT_EQ(l.owner, "e1");
  advance(4 * kMillisPerHour - 1);
  EXPECT_EQ(run().fired(), 0);
  advance(1);
  FollowUpRun first = run();
  EXPECT_EQ(first.breached, 1);
  EXPECT_EQ(first.reassigned, 0);
  EXPECT_EQ(run().fired(), 0);  // nothing fires twice
  auto breach = svc->events(l.id, "sla_breached");
  ASSERT_EQ(breach.size(), 1u);
  Json p = Json::parse(breach[0].payload);
  EXPECT_EQ(p["owner"], "e1");
  EXPECT_EQ(p["manager"], "mgr-emea");
  auto outbox = svc->store->list_outbox("mgr-emea", 0, 10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->front().kind, "sla_breach");
  EXPECT_EQ(outbox->front().lead_id, l.id);
  EXPECT_EQ(svc->get(l.id).owner, "e1");  // still e1's until the second threshold

  advance(2 * kMillisPerHour - 1);
  EXPECT_EQ(run().fired(), 0);
  advance(1);
  EXPECT_EQ(run().reassigned, 1);
  EXPECT_EQ(run().fired(), 0);
  Lead now = svc->get(l.id);
  EXPECT_EQ(now.owner, "e2");
  EXPECT_EQ(now.stage, Stage::kAssigned);
  ASSERT_TRUE(now.sla_due_at);  // e2's own clock
  EXPECT_EQ(*now.sla_due_at, svc->clock.now() + 4 * kMillisPerHour);
  auto assigned = svc->events(l.id, "assigned");
  ASSERT_EQ(assigned.size(), 2u);
  Json r = Json::parse(assigned[1].payload);
  EXPECT_EQ(r["previous_owner"], "e1");
  EXPECT_EQ(r["reason"], "sla_breach");
  EXPECT_EQ(assigned[1].actor, "follow_up");
  EXPECT_EQ(svc->router->open_leads("e1"), 0);
  EXPECT_EQ(svc->router->open_leads("e2"), 1);
}

TEST_F(FollowUpTest, TimersFireExactlyOnceAcrossRestarts) {
  Lead l = svc->hot("vp@example.com");
  advance(4 * kMillisPerHour);
  svc->restart();
  EXPECT_EQ(run().breached, 1);
  svc->restart();
  EXPECT_EQ(run().fired(), 0);
  advance(2 * kMillisPerHour);
  svc->restart();
  EXPECT_EQ(run().reassigned, 1);
  svc->restart();
  EXPECT_EQ(run().fired(), 0);
  EXPECT_EQ(svc->events(l.id, "sla_breached").size(), 1u);
  EXPECT_EQ(svc->events(l.id, "assigned").size(), 2u);
}

TEST_F(FollowUpTest, AServerDownForDaysFiresTheBreachThenTheReassignmentInOrder) {
  Lead l = svc->hot("vp@example.com");
  advance(3 * kMillisPerDay);
  FollowUpRun r = run();
  EXPECT_EQ(r.breached, 1);
  EXPECT_EQ(r.reassigned, 1);
  auto events = svc->events(l.id);
  std::vector<std::string> types;
  for (auto& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"captured", "assigned", "stage_changed", "sla_breached", "assigned"}));
}

TEST_F(FollowUpTest, AcceptingOrTouchingStopsTheClock) {
  Lead accepted = svc->hot("a@example.com");
  Lead touched = svc->hot("b@example.com");
  advance(kMillisPerHour);
  TransitionInput in;
  in.to = Stage::kAccepted;
  ASSERT_TRUE(svc->lifecycle->transition(accepted.id, in, "rep:e1").ok());
  TouchInput t;
  t.touch.lead_id = touched.id;
  t.touch.campaign = "web-1";
  t.touch.outcome = "connected";
  ASSERT_TRUE(svc->intake->log_touch(t, "rep:e2").ok());
  Lead b = svc->get(touched.id);
  EXPECT_FALSE(b.sla_due_at);
  EXPECT_EQ(*b.first_response_at, svc->clock.now());
  advance(10 * kMillisPerDay);
  EXPECT_EQ(run().fired(), 0);
  EXPECT_TRUE(svc->events(accepted.id, "sla_breached").empty());
  EXPECT_EQ(svc->get(accepted.id).owner, "e1");
}

TEST_F(FollowUpTest, WithNobodyElseToTakeItTheLeadGoesBackToTheQueue) {
  svc->put_rep("e2", "emea", 50, /*away=*/true);
  svc->put_rep("e3", "emea", 50, /*away=*/true);
  Lead l = svc->hot("vp@example.com");
  advance(6 * kMillisPerHour);
  FollowUpRun r = run();
  EXPECT_EQ(r.breached, 1);
  EXPECT_EQ(r.requeued, 1);
  Lead now = svc->get(l.id);
  EXPECT_EQ(now.stage, Stage::kQualified);
  EXPECT_EQ(now.owner, "");
  Json p = Json::parse(svc->events(l.id, "stage_changed").back().payload);
  EXPECT_EQ(p["exit"], "sla_breach");
  EXPECT_EQ(p["previous_owner"], "e1");
  EXPECT_EQ(svc->router->open_leads("e1"), 0);
}

TEST_F(FollowUpTest, AWarmLeadUntouchedForTheDecayPeriodTurnsColdAndIsRecycled) {
  Lead l = make_lead("mgr@example.com");
  l.title = "Manager";
  l = svc->capture(l);
  ASSERT_EQ(l.stage, Stage::kNurture);
  ASSERT_TRUE(l.decay_at);
  EXPECT_EQ(*l.decay_at, l.created_at + 30 * kMillisPerDay);
  // A touch on day 20 restarts the count.
  advance(20 * kMillisPerDay);
  TouchInput t;
  t.touch.lead_id = l.id;
  t.touch.campaign = "web-1";
  ASSERT_TRUE(svc->intake->log_touch(t, "tm:caller").ok());
  advance(29 * kMillisPerDay);
  EXPECT_EQ(run().fired(), 0);
  advance(kMillisPerDay);
  EXPECT_EQ(run().decayed, 1);
  EXPECT_EQ(run().fired(), 0);
  Lead now = svc->get(l.id);
  EXPECT_EQ(now.grade, Grade::kCold);
  EXPECT_EQ(now.stage, Stage::kRecycled);
  EXPECT_FALSE(now.decay_at);
  Json grading = Json::parse(now.grading);
  EXPECT_EQ(grading["grade"], "cold");
  EXPECT_EQ(grading["reasons"][0]["rule"], "decay.warm_to_cold_days");
  // The score is still the sum of its listed reasons.
  int sum = 0;
  for (auto& r : grading["score_reasons"]) sum += r["points"].get<int>();
  EXPECT_EQ(sum, now.score);
  ASSERT_EQ(svc->events(l.id, "decayed").size(), 1u);
  Json moved = Json::parse(svc->events(l.id, "stage_changed").back().payload);
  EXPECT_EQ(moved["to"], "recycled");
  EXPECT_EQ(moved["exit"], "decayed");
}

TEST_F(FollowUpTest, HotLeadsNeverDecay) {
  Lead l = svc->hot("vp@example.com");
  EXPECT_FALSE(l.decay_at);
}

}  // namespace
}  // namespace leadloop
