// Goals: the pace arithmetic (linear and curved), the status rules, the
// approvals by both sides, the figure counted from the projection, and
// the falling-behind message sent exactly once on the injected clock, also
// after a restart.
#include "measure/goals.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lifecycle_fixture.h"
#include "test_db.h"

namespace leadloop {
namespace {

using testing::TempDir;
using testing::TestServices;

Goal goal(GoalMetric metric, int64_t target, TimePoint start, int days) {
  Goal g;
  g.name = "spring";
  g.metric = metric;
  g.target = target;
  g.starts_at = start;
  g.ends_at = start + days * kMillisPerDay;
  return g;
}

TEST(GoalPace, LinearAndCurvedExpectations) {
  EXPECT_DOUBLE_EQ(expected_share({}, 0.25), 0.25);
  EXPECT_DOUBLE_EQ(expected_share({}, -1), 0.0);
  EXPECT_DOUBLE_EQ(expected_share({}, 2), 1.0);
  // By quarter: 10% after Q1, 30% after Q2, ...; linear inside a slice.
  const std::vector<int> curve = {10, 30, 60, 100};
  EXPECT_DOUBLE_EQ(expected_share(curve, 0.125), 0.05);
  EXPECT_DOUBLE_EQ(expected_share(curve, 0.25), 0.10);
  EXPECT_DOUBLE_EQ(expected_share(curve, 0.625), 0.45);
  EXPECT_DOUBLE_EQ(expected_share(curve, 1.0), 1.0);
}

TEST(GoalPace, StatusFollowsThePace) {
  Goal g = goal(GoalMetric::kLeads, 100, 0, 10);
  EXPECT_EQ(goal_progress(g, 50, 5 * kMillisPerDay).status, "awaiting_approval");
  g.client_approved_at = 0;
  EXPECT_EQ(goal_progress(g, 0, -1).status, "not_started");
  GoalProgress half = goal_progress(g, 50, 5 * kMillisPerDay);
  EXPECT_EQ(half.status, "on_track");
  EXPECT_DOUBLE_EQ(half.expected, 50);
  EXPECT_DOUBLE_EQ(*half.projected, 100);
  EXPECT_EQ(goal_progress(g, 40, 5 * kMillisPerDay).status, "at_risk");   // 80% of 50
  EXPECT_EQ(goal_progress(g, 39, 5 * kMillisPerDay).status, "behind");
  // Whole units: an hour in, 0.42 leads are due, which is none yet.
  GoalProgress first_hour = goal_progress(g, 0, kMillisPerDay / 24);
  EXPECT_NEAR(first_hour.expected, 0.4167, 1e-3);
  EXPECT_EQ(first_hour.status, "on_track");
  EXPECT_EQ(goal_progress(g, 0, kMillisPerDay / 8).status, "behind");           // 1.25 due, none came
  EXPECT_EQ(goal_progress(g, 4, kMillisPerDay * 11 / 20).status, "at_risk");  // 5.5 due, 4 came
  EXPECT_EQ(goal_progress(g, 100, 10 * kMillisPerDay).status, "met");
  EXPECT_EQ(goal_progress(g, 99, 11 * kMillisPerDay).status, "missed");
  // A vendor in the scope: the vendor must approve too.
  g.vendor = "CallPro";
  EXPECT_FALSE(goal_active(g));
  g.vendor_approved_at = 0;
  EXPECT_TRUE(goal_active(g));
}

TEST(GoalPace, BadGoalsAreRefusedWithTheField) {
  Goal g = goal(GoalMetric::kLeads, 100, 0, 10);
  EXPECT_TRUE(validate_goal(g).ok());
  Goal no_name = g;
  no_name.name.clear();
  EXPECT_EQ(validate_goal(no_name).field(), "name");
  Goal zero = g;
  zero.target = 0;
  EXPECT_EQ(validate_goal(zero).field(), "target");
  Goal backwards = g;
  backwards.ends_at = backwards.starts_at;
  EXPECT_EQ(validate_goal(backwards).field(), "ends_at");
  Goal falling = g;
  falling.curve = {50, 40, 100};
  EXPECT_EQ(validate_goal(falling).field(), "curve");
  Goal short_curve = g;
  short_curve.curve = {50, 90};
  EXPECT_EQ(validate_goal(short_curve).field(), "curve");
}

class GoalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("goals.db");
    open();
    svc_->add_campaign("web-1");
    Campaign tm;
    tm.key = "tm-1";
    tm.name = "tm-1";
    tm.channel = Channel::kTelemarketing;
    tm.vendor = "CallPro";
    tm.created_at = svc_->clock.now();
    ASSERT_TRUE(svc_->campaigns->create(tm).ok());
  }
  void open() {
    goals_.reset();
    reports_.reset();
    projection_.reset();
    const TimePoint now = svc_ ? svc_->clock.now() : testing::kTestStart;
    svc_ = std::make_unique<TestServices>(path_);
    svc_->clock.set(now);
    projection_ = std::make_unique<LeadProjection>(*svc_->store);
    ASSERT_TRUE(projection_->load().ok());
    reports_ = std::make_unique<Reports>(*projection_, *svc_->campaigns);
    goals_ = std::make_unique<Goals>(*svc_->store, svc_->clock, *reports_);
  }
  void capture(int n, const std::string& campaign) {
    std::vector<Result<Lead>> in;
    for (int i = 0; i < n; ++i) in.emplace_back(testing::make_lead("p" + std::to_string(next_++) + "@example.com", campaign));
    auto out = svc_->intake->capture(std::move(in), {"tester", "test", false});
    ASSERT_TRUE(out.ok()) << out.status().to_string();
  }
  std::vector<OutboxMessage> outbox() {
    auto m = svc_->store->list_outbox("", 0, 100);
    EXPECT_TRUE(m.ok());
    return m.ok() ? *m : std::vector<OutboxMessage>{};
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<TestServices> svc_;
  std::unique_ptr<LeadProjection> projection_;
  std::unique_ptr<Reports> reports_;
  std::unique_ptr<Goals> goals_;
  int next_ = 0;
};

TEST_F(GoalsTest, BothSidesApproveAVendorGoalOnce) {
  Goal g = goal(GoalMetric::kLeads, 100, svc_->clock.now(), 10);
  g.vendor = "CallPro";
  auto made = goals_->create(g, "user:maria");
  ASSERT_TRUE(made.ok()) << made.status().to_string();
  EXPECT_FALSE(goal_active(*made));
  EXPECT_EQ(made->created_by, "user:maria");
  ASSERT_TRUE(goals_->approve(made->id, GoalSide::kClient, "user:sam").ok());
  EXPECT_EQ(goals_->approve(made->id, GoalSide::kClient, "user:sam").status().code(), ErrorCode::kConflict);
  auto v = goals_->view(made->id);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->progress.status, "awaiting_approval") << "the vendor has not approved";
  auto both = goals_->approve(made->id, GoalSide::kVendor, "user:callpro");
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(goal_active(*both));
  EXPECT_EQ(both->vendor_approved_by, "user:callpro");
  Goal plain = goal(GoalMetric::kLeads, 10, svc_->clock.now(), 10);
  auto p = goals_->create(plain, "user:maria");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(goals_->approve(p->id, GoalSide::kVendor, "x").status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(goals_->approve(999, GoalSide::kClient, "x").status().code(), ErrorCode::kNotFound);
}

TEST_F(GoalsTest, TheFigureCountsThePeriodAndScopeOnly) {
  capture(3, "web-1");  // before the period
  svc_->clock.advance(kMillisPerDay);
  Goal g = goal(GoalMetric::kLeads, 100, svc_->clock.now(), 10);
  g.vendor = "callpro";  // any case
  auto made = goals_->create(g, "user:maria");
  ASSERT_TRUE(made.ok());
  capture(4, "tm-1");
  capture(5, "web-1");
  EXPECT_EQ(goals_->actual(*made), 4);
  Goal all = goal(GoalMetric::kLeads, 100, svc_->clock.now(), 10);
  EXPECT_EQ(goals_->actual(all), 9);
  Goal qualified = all;
  qualified.metric = GoalMetric::kQualifiedLeads;
  EXPECT_EQ(goals_->actual(qualified), 0);
}

TEST_F(GoalsTest, TouchAndDataPointGoalsCountTheCampaignsConversations) {
  capture(1, "tm-1");
  svc_->clock.advance(kMillisPerDay);
  Goal touches = goal(GoalMetric::kTouches, 10, svc_->clock.now(), 10);
  touches.campaign = "tm-1";
  Goal answers = touches;
  answers.metric = GoalMetric::kDataPoints;
  auto lead = svc_->store->list_leads(LeadFilter{});
  ASSERT_TRUE(lead.ok() && !lead->empty());
  for (int64_t id : {lead->front().id, int64_t{0}, int64_t{0}}) {  // one with the lead, two without
    TouchInput t;
    t.touch.lead_id = id;
    t.touch.campaign = "tm-1";
    t.touch.outcome = "connected";
    t.touch.data_points = {{"budget", "yes"}, {"timeframe", "Q3"}};
    ASSERT_TRUE(svc_->intake->log_touch(t, "caller-1").ok());
  }
  TouchInput elsewhere;
  elsewhere.touch.campaign = "web-1";
  elsewhere.touch.outcome = "connected";
  ASSERT_TRUE(svc_->intake->log_touch(elsewhere, "caller-1").ok());
  EXPECT_EQ(goals_->actual(touches), 3);
  EXPECT_EQ(goals_->actual(answers), 6);
  open();  // loaded from the touches table: the same
  EXPECT_EQ(goals_->actual(touches), 3);
  EXPECT_EQ(goals_->actual(answers), 6);
  EXPECT_EQ(parse_goal_metric("data_points"), GoalMetric::kDataPoints);
}

TEST_F(GoalsTest, AttendeeGoalsCountTheAttendedTouchesOfTheCampaigns) {
  capture(2, "web-1");
  svc_->clock.advance(kMillisPerDay);
  Goal g = goal(GoalMetric::kAttendees, 50, svc_->clock.now(), 10);
  g.campaign = "web-1";
  auto leads = svc_->store->list_leads(LeadFilter{});
  ASSERT_TRUE(leads.ok() && leads->size() == 2u);
  // A registered lead came; another did not show, then came late (a
  // second attendance); one person walked in without registering.
  for (auto [id, outcome] : {std::pair<int64_t, std::string>{(*leads)[0].id, "attended"},
                             {(*leads)[1].id, "no_show"}, {0, "Attended"}, {(*leads)[1].id, "ATTENDED"}}) {
    TouchInput t;
    t.touch.lead_id = id;
    t.touch.campaign = "web-1";
    t.touch.channel = Medium::kEvent;
    t.touch.outcome = outcome;
    auto logged = svc_->intake->log_touch(t, "desk");
    ASSERT_TRUE(logged.ok()) << logged.status().to_string();
  }
  EXPECT_EQ(goals_->actual(g), 3);
  open();  // loaded from the touches table: the same
  EXPECT_EQ(goals_->actual(g), 3);
  auto rows = reports_->campaigns({});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front().attended, 3);
  EXPECT_EQ(parse_goal_metric("attendees"), GoalMetric::kAttendees);
  EXPECT_EQ(parse_goal_metric("registrations"), GoalMetric::kLeads) << "the events' word for leads";
}

// Speed to lead is a ceiling: the median minutes from capture to the first
// answer, where a lead still waiting counts its wait so far; on track at or
// under the target, at risk up to 25% over, behind beyond (one message).
TEST(GoalCeiling, ASpeedToLeadGoalCountsTheLeadsStillWaiting) {
  TempDir dir;
  testing::LifecycleServices svc(dir.file("speed.db"));
  LeadProjection projection(*svc.store);
  ASSERT_TRUE(projection.load().ok());
  Reports reports(projection, *svc.campaigns);
  Goals goals(*svc.store, svc.clock, reports);
  auto made = goals.create(goal(GoalMetric::kSpeedToLead, 30, svc.clock.now(), 10), "user:olivia");
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE(goals.approve(made->id, GoalSide::kClient, "user:sam").ok());
  auto status = [&] { return goals.view(made->id)->progress; };
  EXPECT_EQ(status().actual, 0) << "nobody waiting yet";
  EXPECT_EQ(status().status, "on_track");

  const Lead a = svc.hot("a@example.com");
  ASSERT_FALSE(a.owner.empty());
  svc.clock.advance(10 * kMillisPerMinute);
  TransitionInput accept;
  accept.to = Stage::kAccepted;
  ASSERT_TRUE(svc.lifecycle->transition(a.id, accept, "rep:" + a.owner).ok());
  const Lead b = svc.hot("b@example.com");
  svc.hot("c@example.com");
  svc.clock.advance(20 * kMillisPerMinute);  // 10, 20, 20
  EXPECT_EQ(status().actual, 20);
  EXPECT_EQ(status().status, "on_track");
  EXPECT_DOUBLE_EQ(status().expected, 30);
  svc.clock.advance(15 * kMillisPerMinute);  // 10, 35, 35
  EXPECT_EQ(status().actual, 35);
  EXPECT_EQ(status().status, "at_risk");
  EXPECT_EQ(*goals.check_behind(), 0);
  svc.clock.advance(15 * kMillisPerMinute);  // 10, 50, 50
  EXPECT_EQ(status().status, "behind");
  EXPECT_EQ(*goals.check_behind(), 1);
  ASSERT_TRUE(svc.lifecycle->transition(b.id, accept, "rep:" + svc.get(b.id).owner).ok());
  svc.clock.advance(kMillisPerHour);  // 10, 50 answered, 110 waiting
  EXPECT_EQ(status().actual, 50);
  EXPECT_EQ(*goals.check_behind(), 0) << "one message";
  svc.clock.advance(10 * kMillisPerDay);
  EXPECT_EQ(status().status, "missed");
}

TEST_F(GoalsTest, AGoalFallingBehindSendsOneMessageAcrossChecksAndRestarts) {
  Goal g = goal(GoalMetric::kLeads, 100, svc_->clock.now(), 10);
  auto made = goals_->create(g, "user:maria");
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE(goals_->approve(made->id, GoalSide::kClient, "user:sam").ok());
  // Day 1: 12 of an expected 10.
  capture(12, "web-1");
  svc_->clock.advance(kMillisPerDay);
  EXPECT_EQ(goals_->view(made->id)->progress.status, "on_track");
  EXPECT_EQ(*goals_->check_behind(), 0);
  // Day 3: 12 of 30 (40%): at risk is 80%, so behind.
  svc_->clock.advance(2 * kMillisPerDay);
  auto v = goals_->view(made->id);
  EXPECT_EQ(v->progress.status, "behind");
  EXPECT_DOUBLE_EQ(v->progress.expected, 30);
  EXPECT_DOUBLE_EQ(*v->progress.projected, 40);
  EXPECT_EQ(*goals_->check_behind(), 1);
  EXPECT_EQ(*goals_->check_behind(), 0);
  open();  // a restart
  EXPECT_EQ(*goals_->check_behind(), 0);
  auto messages = outbox();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].kind, "goal_behind");
  EXPECT_EQ(messages[0].recipient, "user:maria");
  auto payload = nlohmann::json::parse(messages[0].payload);
  EXPECT_EQ(payload["goal"], made->id);
  EXPECT_EQ(payload["actual"], 12);
  EXPECT_EQ(payload["expected"], 30.0);
  EXPECT_TRUE(goals_->view(made->id)->goal.behind_at.has_value());
  // Catching up clears the status, not the record of the message.
  capture(40, "web-1");
  EXPECT_EQ(goals_->view(made->id)->progress.status, "on_track");
  EXPECT_EQ(*goals_->check_behind(), 0);
  EXPECT_EQ(outbox().size(), 1u);
}

TEST_F(GoalsTest, AGoalWaitingForApprovalNeverRaisesAMessage) {
  Goal g = goal(GoalMetric::kQualifiedLeads, 100, svc_->clock.now(), 10);
  ASSERT_TRUE(goals_->create(g, "user:maria").ok());
  svc_->clock.advance(5 * kMillisPerDay);
  EXPECT_EQ(*goals_->check_behind(), 0);
  EXPECT_TRUE(outbox().empty());
}

}  // namespace
}  // namespace leadloop
