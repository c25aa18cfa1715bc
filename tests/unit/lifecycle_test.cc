// Lifecycle: the whole transition table (checked against a golden file and
// driven pair by pair through the engine on a real database), reasons,
// exit reasons, on-behalf feedback and owner release.
#include "engine/lifecycle.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "domain/codec.h"
#include "lifecycle_fixture.h"

namespace leadloop {
namespace {

using testing::LifecycleServices;
using testing::make_lead;
using testing::TempDir;

// from -> allowed stages, read from tests/data/lifecycle/transitions.txt.
std::map<Stage, std::set<Stage>> golden_table() {
  std::ifstream in(std::string(LEADLOOP_TEST_DATA) + "/lifecycle/transitions.txt");
  std::map<Stage, std::set<Stage>> table;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string from;
    words >> from;
    from.pop_back();  // the colon
    auto f = parse_stage(from);
    EXPECT_TRUE(f) << from;
    if (!f) continue;
    table[*f];
    std::string to;
    while (words >> to) {
      auto t = parse_stage(to);
      EXPECT_TRUE(t) << to;
      if (t) table[*f].insert(*t);
    }
  }
  EXPECT_EQ(table.size(), static_cast<size_t>(kStageCount));
  return table;
}

TEST(TransitionTable, MatchesTheGoldenFileForEveryPair) {
  auto golden = golden_table();
  for (int a = 0; a < kStageCount; ++a) {
    for (int b = 0; b < kStageCount; ++b) {
      Stage from = static_cast<Stage>(a), to = static_cast<Stage>(b);
      EXPECT_EQ(transition_allowed(from, to), golden[from].count(to) == 1)
          << stage_name(from) << " -> " << stage_name(to);
    }
  }
}

TEST(TransitionTable, ExitReasonsNameWhyALeadLeftTheFunnel) {
  EXPECT_EQ(exit_reason(Stage::kRejected, "no_budget"), "rejected:no_budget");
  EXPECT_EQ(exit_reason(Stage::kLost, "price"), "lost:price");
  EXPECT_EQ(exit_reason(Stage::kDisqualified, ""), "disqualified");
  EXPECT_EQ(exit_reason(Stage::kOptedOut, ""), "opted_out");
  EXPECT_EQ(exit_reason(Stage::kAccepted, ""), "");
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { svc = std::make_unique<LifecycleServices>(dir.file("lifecycle.db")); }

  // A lead put straight into `stage` (owned by e1 where that makes sense).
  Lead lead_in(Stage stage, int n) {
    Lead l = svc->capture(make_lead("p" + std::to_string(n) + "@example.com"));
    Mutation m;
    l.stage = stage;
    l.owner = (stage == Stage::kCaptured || is_pool_stage(stage)) ? "" : "e1";
    m.leads.push_back({l, {{0, l.id, "stage_changed", svc->clock.now(), "setup", "{}"}}, {}});
    EXPECT_TRUE(svc->store->commit(m).ok());
    return l;
  }

  TempDir dir;
  std::unique_ptr<LifecycleServices> svc;
};

TEST_F(LifecycleTest, EveryPairOfStagesIsAllowedOrRefusedAsTheTableSays) {
  auto golden = golden_table();
  int n = 0;
  for (int a = 0; a < kStageCount; ++a) {
    for (int b = 0; b < kStageCount; ++b) {
      const Stage from = static_cast<Stage>(a), to = static_cast<Stage>(b);
      Lead l = lead_in(from, n++);
      TransitionInput in;
      in.to = to;
      if (transition_needs_reason(to)) in.reason = to == Stage::kRejected ? "no_budget" : "price";
      auto r = svc->lifecycle->transition(l.id, in, "rep:e1");
      const size_t events_before = 2;  // captured + setup
      if (to == Stage::kAssigned) {
        // An owner is given by Dispatch, never by a bare stage move.
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue);
      } else if (golden[from].count(to)) {
        ASSERT_TRUE(r.ok()) << stage_name(from) << " -> " << stage_name(to) << ": " << r.status().to_string();
        EXPECT_EQ(r->stage, to);
        auto events = svc->events(l.id);
        ASSERT_EQ(events.size(), events_before + 1);
        EXPECT_EQ(events.back().type, "stage_changed");
        EXPECT_EQ(events.back().actor, "rep:e1");
        Json p = Json::parse(events.back().payload);
        EXPECT_EQ(p["from"], stage_name(from));
        EXPECT_EQ(p["to"], stage_name(to));
      } else {
        ASSERT_FALSE(r.ok()) << stage_name(from) << " -> " << stage_name(to);
        EXPECT_EQ(r.status().code(), ErrorCode::kInvalidTransition);
        // The refusal lists what is allowed from here.
        std::string expected = "it can move to: ";
        EXPECT_NE(r.status().message().find(expected), std::string::npos) << r.status().message();
        for (Stage s : golden[from]) {
          EXPECT_NE(r.status().message().find(std::string(stage_name(s))), std::string::npos);
        }
        EXPECT_EQ(svc->events(l.id).size(), events_before);  // nothing written
        EXPECT_EQ(svc->get(l.id).stage, from);
      }
    }
  }
}

TEST_F(LifecycleTest, ARejectionNeedsAReasonOfTheDefinitionAndRecordsItsExit) {
  Lead l = lead_in(Stage::kAssigned, 1);
  TransitionInput in;
  in.to = Stage::kRejected;
  auto r = svc->lifecycle->transition(l.id, in, "rep:e1");
  EXPECT_EQ(r.status().code(), ErrorCode::kMissingField);
  in.reason = "too_small";
  r = svc->lifecycle->transition(l.id, in, "rep:e1");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue);
  EXPECT_NE(r.status().message().find("no_budget, bad_timing"), std::string::npos) << r.status().message();
  in.reason = "bad_timing";
  in.note = "call back in Q3";
  r = svc->lifecycle->transition(l.id, in, "rep:e1");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  Json p = Json::parse(svc->events(l.id, "stage_changed").back().payload);
  EXPECT_EQ(p["exit"], "rejected:bad_timing");
  EXPECT_EQ(p["note"], "call back in Q3");
  EXPECT_EQ(p["owner"], "e1");
}

TEST_F(LifecycleTest, FeedbackOnBehalfOfARepRecordsBothPeople) {
  Lead l = lead_in(Stage::kAssigned, 1);
  TransitionInput in;
  in.to = Stage::kAccepted;
  in.on_behalf_of = "e1";
  ASSERT_TRUE(svc->lifecycle->transition(l.id, in, "user:olivia").ok());
  auto e = svc->events(l.id, "stage_changed").back();
  EXPECT_EQ(e.actor, "user:olivia");
  EXPECT_EQ(Json::parse(e.payload)["on_behalf_of"], "e1");
}

// A history of outcomes in one call: each move is an event at the time it
// happened, with its amount, revenue and reason; a refused move is
// reported and leaves the others stored.
TEST_F(LifecycleTest, RecordedMovesKeepTheirOwnTimesAndARefusalStopsNoOther) {
  Lead won = lead_in(Stage::kAccepted, 1);
  Lead lost = lead_in(Stage::kAccepted, 2);
  const TimePoint day = kMillisPerDay;
  const TimePoint past = svc->clock.now() - 400 * day;
  auto move = [](int64_t id, Stage to, std::optional<TimePoint> at) {
    RecordedMove mv;
    mv.lead_id = id;
    mv.input.to = to;
    mv.at = at;
    return mv;
  };
  std::vector<RecordedMove> moves = {
      move(won.id, Stage::kOpportunity, past),
      move(won.id, Stage::kWon, past + 30 * day),
      move(lost.id, Stage::kLost, past + 2 * day),                    // no reason
      move(lost.id, Stage::kWon, past + 3 * day),                     // not from accepted
      move(lost.id, Stage::kWorking, svc->clock.now() + day),         // in the future
      move(lost.id, Stage::kWorking, past + 5 * day),
      move(lost.id, Stage::kLost, past + 4 * day),                    // before the previous move
      move(999999, Stage::kWorking, past),                            // no such lead
  };
  moves[0].input.amount_cents = 250000;
  moves[1].input.revenue_cents = 240000;
  moves[2].input.reason = "";
  moves[6].input.reason = "price";
  auto out = svc->lifecycle->record(moves, "user:olivia");
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_EQ(out->size(), moves.size());
  const ErrorCode expected[] = {ErrorCode::kOk,           ErrorCode::kOk,           ErrorCode::kMissingField,
                                ErrorCode::kInvalidTransition, ErrorCode::kInvalidValue, ErrorCode::kOk,
                                ErrorCode::kInvalidValue, ErrorCode::kNotFound};
  for (size_t i = 0; i < moves.size(); ++i) {
    EXPECT_EQ((*out)[i].error.code(), expected[i]) << i << ": " << (*out)[i].error.to_string();
  }
  EXPECT_EQ((*out)[1].stage, Stage::kWon);
  EXPECT_EQ((*out)[5].stage, Stage::kWorking);

  EXPECT_EQ(svc->get(won.id).stage, Stage::kWon);
  EXPECT_EQ(svc->get(won.id).updated_at, svc->clock.now());  // written now
  auto events = svc->events(won.id, "stage_changed");
  ASSERT_EQ(events.size(), 3u);  // setup + two recorded
  EXPECT_EQ(events[1].at, past);
  EXPECT_EQ(events[2].at, past + 30 * day);
  EXPECT_EQ(events[2].actor, "user:olivia");
  EXPECT_EQ(Json::parse(events[1].payload)["amount_cents"], 250000);
  EXPECT_EQ(Json::parse(events[2].payload)["revenue_cents"], 240000);
  EXPECT_EQ(svc->get(lost.id).stage, Stage::kWorking);
  auto lost_events = svc->events(lost.id, "stage_changed");
  ASSERT_EQ(lost_events.size(), 2u);
  EXPECT_EQ(lost_events[1].at, past + 5 * day);
}

TEST_F(LifecycleTest, AMoveToAPoolReleasesTheOwnerAndItsCount) {
  Lead l = svc->hot("vp@example.com");
  ASSERT_EQ(l.stage, Stage::kAssigned);
  const std::string owner = l.owner;
  EXPECT_EQ(svc->router->open_leads(owner), 1);
  TransitionInput in;
  in.to = Stage::kNurture;
  auto r = svc->lifecycle->transition(l.id, in, "rep:" + owner);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->owner, "");
  EXPECT_FALSE(r->sla_due_at);
  EXPECT_EQ(svc->router->open_leads(owner), 0);
}

TEST_F(LifecycleTest, ClosingALeadFreesCapacityAndStopsItsTimers) {
  Lead l = svc->hot("vp@example.com");
  const std::string owner = l.owner;
  for (Stage s : {Stage::kAccepted, Stage::kWorking, Stage::kOpportunity}) {
    TransitionInput in;
    in.to = s;
    ASSERT_TRUE(svc->lifecycle->transition(l.id, in, "rep:" + owner).ok());
  }
  EXPECT_EQ(svc->router->open_leads(owner), 1);
  TransitionInput won;
  won.to = Stage::kWon;
  won.revenue_cents = 1200000;
  auto r = svc->lifecycle->transition(l.id, won, "rep:" + owner);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(svc->router->open_leads(owner), 0);
  EXPECT_FALSE(r->sla_due_at);
  EXPECT_FALSE(r->decay_at);
  EXPECT_TRUE(r->first_response_at);
}

}  // namespace
}  // namespace leadloop
