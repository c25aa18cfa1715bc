// The lifecycle over HTTP against the real server and a real SQLite file,
// with the server's clock set by the test (--manual-clock): a hot lead
// nobody follows up is escalated once and reassigned once, also when the
// server is killed with SIGKILL between the two and after; the queue and
// bulk assignment; on-behalf feedback in the timeline; teams and reps.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kDefinition = R"(name: Routing test
required_fields: [email]
grades:
  hot:
    - when: title = "VP"
  warm:
    - when: title = "Manager"
  cold: []
decay: {warm_to_cold_days: 30}
sla_hours: {hot: 4, warm: 48}
reject_reasons:
  - code: no_budget
    label: No budget
routing:
  rules:
    - when: country = "DE"
      team: emea
  reassign_after_hours: 2
)";

constexpr const char* kStart = "2026-03-02T09:00:00Z";

class LifecycleApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("lifecycle.db");
    for (const char* role : {"admin", "marketing", "sales_manager", "sales_rep", "vendor"}) {
      std::vector<std::string> bound;
      if (std::string(role) == "vendor") bound = {"--vendor", "CallPro"};
      if (std::string(role) == "sales_rep") bound = {"--rep", "e1"};
      tokens_[role] = testing::create_token(db_, role, bound);
    }
    start(kStart);
    ASSERT_EQ(post("admin", "/api/v1/campaigns", R"({"key":"web-1","channel":"web","owner":"olivia"})").status, 201);
    ASSERT_EQ(post("admin", "/api/v1/teams", R"({"key":"emea","region":"EMEA","manager":"mgr-emea"})").status, 201);
    for (const char* rep : {"e1", "e2"}) {
      Reply r = post("sales_manager", "/api/v1/reps", json{{"key", rep}, {"team", "emea"}}.dump());
      ASSERT_EQ(r.status, 201) << r.text;
    }
    Reply d = post("marketing", "/api/v1/definition/versions", kDefinition, "application/yaml");
    ASSERT_EQ(d.status, 201) << d.text;
    const std::string v = std::to_string(d.body["version"].get<int64_t>());
    const json hash = {{"hash", d.body["hash"]}};
    ASSERT_EQ(post("marketing", "/api/v1/definition/versions/" + v + "/approvals", hash.dump()).status, 201);
    ASSERT_EQ(post("sales_manager", "/api/v1/definition/versions/" + v + "/approvals", hash.dump()).status, 201);
    ASSERT_EQ(post("admin", "/api/v1/definition/versions/" + v + "/activate", "").status, 200);
  }

  void start(const std::string& at) {
    server_ = std::make_unique<ServerProcess>(db_, std::vector<std::string>{"--manual-clock", at});
  }
  // Kills the server without warning and starts it again at `at`.
  void crash_and_restart(const std::string& at) {
    server_->kill9();
    server_.reset();
    start(at);
  }
  Reply set_clock(const std::string& at) {
    Reply r = post("admin", "/api/v1/clock", json{{"now", at}}.dump());
    EXPECT_EQ(r.status, 200) << r.text;
    return r;
  }

  Reply post(const std::string& role, const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    return reply_of(server_->client(tokens_[role])->Post(path.c_str(), body, type.c_str()));
  }
  Reply get(const std::string& path, const std::string& role = "admin") {
    return reply_of(server_->client(tokens_[role])->Get(path.c_str()));
  }
  json capture(const std::string& email, const std::string& title = "VP", const std::string& country = "DE") {
    json lead = {{"email", email}, {"title", title}, {"country", country}, {"source_campaign", "web-1"}};
    Reply r = post("admin", "/api/v1/leads", lead.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return get("/api/v1/leads/" + std::to_string(r.body.value("id", int64_t{0}))).body;
  }
  std::vector<json> events_of(int64_t lead, const std::string& type) {
    Reply r = get("/api/v1/leads/" + std::to_string(lead) + "/timeline");
    std::vector<json> out;
    for (const auto& e : r.body["events"]) {
      if (e["type"] == type) out.push_back(e);
    }
    return out;
  }

  TempDir dir_;
  std::string db_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(LifecycleApiTest, AnUnansweredHotLeadIsEscalatedThenReassignedExactlyOnceAcrossCrashes) {
  json lead = capture("vp@example.de");
  const int64_t id = lead["id"];
  ASSERT_EQ(lead["stage"], "assigned");
  ASSERT_EQ(lead["owner"], "e1");
  EXPECT_EQ(lead["follow_up"]["due_at"], "2026-03-02T13:00:00.000Z");

  set_clock("2026-03-02T12:59:59Z");
  EXPECT_TRUE(events_of(id, "sla_breached").empty());
  set_clock("2026-03-02T13:00:00Z");
  ASSERT_EQ(events_of(id, "sla_breached").size(), 1u);
  Reply outbox = get("/api/v1/outbox?recipient=mgr-emea");
  ASSERT_EQ(outbox.status, 200) << outbox.text;
  ASSERT_EQ(outbox.body["messages"].size(), 1u);
  EXPECT_EQ(outbox.body["messages"][0]["kind"], "sla_breach");
  EXPECT_EQ(outbox.body["messages"][0]["lead"], id);

  // Killed between the breach and the reassignment; up again at the same time.
  crash_and_restart("2026-03-02T13:00:00Z");
  set_clock("2026-03-02T13:30:00Z");
  EXPECT_EQ(events_of(id, "sla_breached").size(), 1u);
  EXPECT_EQ(get("/api/v1/leads/" + std::to_string(id)).body["owner"], "e1");

  // Down over the second threshold: it fires once on the way up.
  server_->kill9();
  server_.reset();
  start("2026-03-02T15:10:00Z");
  set_clock("2026-03-02T15:10:00Z");
  crash_and_restart("2026-03-02T15:20:00Z");
  set_clock("2026-03-02T15:30:00Z");

  auto assigned = events_of(id, "assigned");
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned[1]["payload"]["previous_owner"], "e1");
  EXPECT_EQ(assigned[1]["payload"]["owner"], "e2");
  EXPECT_EQ(assigned[1]["payload"]["reason"], "sla_breach");
  EXPECT_EQ(events_of(id, "sla_breached").size(), 1u);
  EXPECT_EQ(get("/api/v1/outbox?recipient=mgr-emea").body["messages"].size(), 1u);
  json now = get("/api/v1/leads/" + std::to_string(id)).body;
  EXPECT_EQ(now["owner"], "e2");
  EXPECT_EQ(now["follow_up"]["due_at"], "2026-03-02T19:10:00.000Z");  // e2's clock from the reassignment
}

TEST_F(LifecycleApiTest, AnAcceptedLeadIsNeverEscalated) {
  json lead = capture("vp@example.de");
  const std::string path = "/api/v1/leads/" + std::to_string(lead["id"].get<int64_t>()) + "/transitions";
  set_clock("2026-03-02T10:00:00Z");
  Reply r = post("sales_rep", path, R"({"to":"accepted","note":"called, meeting Thursday"})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["first_response_at"], "2026-03-02T10:00:00.000Z");
  EXPECT_TRUE(r.body["follow_up"]["due_at"].is_null());
  set_clock("2026-03-09T10:00:00Z");
  EXPECT_TRUE(events_of(lead["id"], "sla_breached").empty());
}

// The lead desk's list of leads past their follow-up SLA: due or breached,
// owned, unanswered; an answer takes a lead off it.
TEST_F(LifecycleApiTest, FollowUpOverdueListsTheLeadsPastTheirSlaUntilTheOwnerResponds) {
  const int64_t late = capture("vp1@example.de")["id"];
  const int64_t answered = capture("vp2@example.de")["id"];
  const int64_t touched = capture("vp3@example.de")["id"];
  capture("manager@example.de", "Manager");  // warm: nurtured, nobody's desk
  auto overdue = [&](const std::string& more = "") {
    Reply r = get("/api/v1/leads?follow_up=overdue" + more);
    EXPECT_EQ(r.status, 200) << r.text;
    std::vector<int64_t> ids;
    for (const auto& l : r.body["leads"]) ids.push_back(l["id"]);
    return ids;
  };
  EXPECT_TRUE(overdue().empty());

  set_clock("2026-03-02T10:00:00Z");
  const std::string lead = "/api/v1/leads/";
  const std::string accept = lead + std::to_string(answered) + "/transitions";
  ASSERT_EQ(post("admin", accept, R"({"to":"accepted"})").status, 200);
  EXPECT_TRUE(overdue().empty());  // due at 13:00

  set_clock("2026-03-02T13:00:00Z");  // breached
  EXPECT_EQ(overdue(), (std::vector<int64_t>{late, touched}));
  // With the other filters: round-robin gave the second lead to e2.
  EXPECT_EQ(get(lead + std::to_string(answered)).body["owner"], "e2");
  EXPECT_EQ(overdue("&owner=e1"), (std::vector<int64_t>{late, touched}));
  EXPECT_TRUE(overdue("&owner=e2").empty());
  EXPECT_EQ(overdue("&limit=1"), (std::vector<int64_t>{late}));
  EXPECT_EQ(overdue("&cursor=" + std::to_string(late)), (std::vector<int64_t>{touched}));

  // In a rep's scope too (the scope's parameters come before the filter's).
  Reply mine = get("/api/v1/leads?follow_up=overdue&owner=e1", "sales_rep");
  ASSERT_EQ(mine.status, 200) << mine.text;
  EXPECT_EQ(mine.body["leads"].size(), 2u);

  Reply t = post("admin", lead + std::to_string(touched) + "/touches",
                 R"({"campaign":"web-1","channel":"call","outcome":"no_answer"})");
  ASSERT_EQ(t.status, 201) << t.text;
  EXPECT_EQ(overdue(), (std::vector<int64_t>{late}));

  Reply bad = get("/api/v1/leads?follow_up=late");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body["error"]["field"], "follow_up");
}

TEST_F(LifecycleApiTest, TheQueueHoldsLeadsNobodyCanTakeUntilTheyAreAssignedInBulk) {
  for (const char* rep : {"e1", "e2"}) {
    Reply r = reply_of(server_->client(tokens_["sales_manager"])
                           ->Put((std::string("/api/v1/reps/") + rep).c_str(), R"({"away":true})", "application/json"));
    ASSERT_EQ(r.status, 200) << r.text;
    EXPECT_EQ(r.body["away"], true);
  }
  json a = capture("a@example.de");
  json b = capture("b@example.de");
  EXPECT_EQ(a["stage"], "qualified");
  Reply queue = get("/api/v1/queue?campaign=web-1", "marketing");
  ASSERT_EQ(queue.status, 200) << queue.text;
  ASSERT_EQ(queue.body["leads"].size(), 2u);
  EXPECT_EQ(queue.body["leads"][0]["id"], a["id"]);

  Reply bulk = post("marketing", "/api/v1/assignments", json{{"leads", {a["id"], b["id"], 999999}}, {"rep", "e2"}}.dump());
  ASSERT_EQ(bulk.status, 200) << bulk.text;
  EXPECT_EQ(bulk.body["assigned"], 2);
  EXPECT_EQ(bulk.body["refused"], 1);
  EXPECT_EQ(bulk.body["results"][2]["error"]["code"], "not_found");
  EXPECT_EQ(get("/api/v1/queue", "marketing").body["leads"].size(), 0u);
  EXPECT_EQ(get("/api/v1/leads/" + std::to_string(a["id"].get<int64_t>())).body["owner"], "e2");

  // Taking it from e2 is a reassignment: it needs a reason.
  const std::string one = "/api/v1/leads/" + std::to_string(a["id"].get<int64_t>()) + "/assignment";
  Reply r = post("sales_manager", one, R"({"rep":"e1"})");
  EXPECT_EQ(r.status, 422) << r.text;
  EXPECT_EQ(r.body["error"]["field"], "reason");
  r = post("sales_manager", one, R"({"rep":"e1","reason":"e2 on leave"})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["owner"], "e1");
  EXPECT_EQ(post("sales_rep", one, R"({"rep":"e2","reason":"x"})").status, 403);
  EXPECT_EQ(post("sales_manager", one, R"({"rep":"nobody","reason":"x"})").status, 422);
}

TEST_F(LifecycleApiTest, FeedbackOnBehalfOfARepShowsBothPeopleInTheTimeline) {
  json lead = capture("vp@example.de");
  const int64_t id = lead["id"];
  const std::string path = "/api/v1/leads/" + std::to_string(id) + "/transitions";
  // A rep cannot enter feedback for someone else.
  EXPECT_EQ(post("sales_rep", path, R"({"to":"rejected","reason":"no_budget","on_behalf_of":"e2"})").status, 403);
  Reply r = post("marketing", path, R"({"to":"rejected","reason":"no_budget","note":"told me on the phone","on_behalf_of":"e1"})");
  ASSERT_EQ(r.status, 200) << r.text;
  auto moves = events_of(id, "stage_changed");
  ASSERT_FALSE(moves.empty());
  const json& e = moves.back();
  EXPECT_EQ(e["actor"], "token:2") << e.dump();  // the marketing token (made second)
  EXPECT_EQ(e["payload"]["on_behalf_of"], "e1");
  EXPECT_EQ(e["payload"]["exit"], "rejected:no_budget");
  EXPECT_EQ(e["payload"]["note"], "told me on the phone");
}

TEST_F(LifecycleApiTest, ForbiddenMovesAreRefusedWithTheAllowedOnes) {
  json lead = capture("vp@example.de");
  const std::string path = "/api/v1/leads/" + std::to_string(lead["id"].get<int64_t>()) + "/transitions";
  Reply r = post("sales_rep", path, R"({"to":"won","revenue":1000})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["error"]["code"], "invalid_transition");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("accepted, rejected"), std::string::npos) << r.text;
  EXPECT_EQ(post("sales_rep", path, R"({"to":"assigned"})").status, 422);
  EXPECT_EQ(post("sales_rep", path, R"({"to":"opportunity","expected_close":"soon"})").status, 422);
  EXPECT_EQ(post("vendor", path, R"({"to":"accepted"})").status, 403);
  EXPECT_EQ(post("sales_rep", "/api/v1/leads/999999/transitions", R"({"to":"accepted"})").status, 404);
}

TEST_F(LifecycleApiTest, TeamsAndRepsAreCheckedAndListedWithTheirLoad) {
  capture("vp@example.de");
  Reply reps = get("/api/v1/reps", "sales_manager");
  ASSERT_EQ(reps.status, 200);
  ASSERT_EQ(reps.body["reps"].size(), 2u);
  EXPECT_EQ(reps.body["reps"][0]["open_leads"], 1);
  EXPECT_EQ(reps.body["reps"][0]["region"], "EMEA");
  EXPECT_EQ(post("sales_manager", "/api/v1/reps", R"({"key":"e1"})").status, 409);
  EXPECT_EQ(post("sales_manager", "/api/v1/reps", R"({"key":"x1","team":"nowhere"})").status, 422);
  EXPECT_EQ(post("sales_manager", "/api/v1/reps", R"({"key":"x1","capacity":-1})").status, 422);
  EXPECT_EQ(post("sales_manager", "/api/v1/reps", R"({"key":"x 1"})").status, 422);
  EXPECT_EQ(post("marketing", "/api/v1/teams", R"({"key":"na"})").status, 403);
  EXPECT_EQ(get("/api/v1/teams", "vendor").status, 403);
}

}  // namespace
}  // namespace leadloop
