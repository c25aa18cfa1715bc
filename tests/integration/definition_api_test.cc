// The lead definition over HTTP against the real server and a real SQLite
// file: two-sided sign-off, edits voiding approvals, activation re-grading
// with events on the timeline, the published page, diff, lifecycle moves,
// and backtest and accuracy figures checked against a hand-computed set.
#include <gtest/gtest.h>

#include <fstream>
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

// v1: hot needs a senior title AND a confirmed budget; managers are warm.
constexpr const char* kV1 = R"(name: Test definition
required_fields: [email or phone]
grades:
  hot:
    - when: title matches "VP|Director"
      says: decision maker
    - when: data.budget = "confirmed"
      says: budget confirmed
  warm:
    - when: title matches "Manager"
      says: manager
  cold: []
score:
  - when: title matches "VP|Director"
    points: 60
    says: senior title
  - when: data.budget = "confirmed"
    points: 50
    says: budget confirmed
sla_hours: {hot: 4, warm: 24}
reject_reasons:
  - code: no_budget
    label: No budget
  - code: bad_timing
    label: Not now
call_guide:
  - key: budget
    question: Is there a budget?
    type: text
)";

// v2: a senior title alone is hot (Head counts too).
constexpr const char* kV2 = R"(name: Test definition
required_fields: [email or phone]
grades:
  hot:
    - when: title matches "VP|Director|Head"
      says: decision maker
  warm:
    - when: title matches "Manager"
      says: manager
  cold: []
sla_hours: {hot: 2, warm: 24}
reject_reasons:
  - code: no_budget
    label: No budget
  - code: bad_timing
    label: Not now
)";

class DefinitionApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("def.db");
    for (const char* role : {"admin", "marketing", "sales_manager", "vendor"}) {
      std::vector<std::string> bound;
      if (std::string(role) == "vendor") bound = {"--vendor", "CallPro"};
      if (std::string(role) == "sales_rep") bound = {"--rep", "e1"};
      tokens_[role] = testing::create_token(db_, role, bound);
    }
    server_ = std::make_unique<ServerProcess>(db_);
    ASSERT_EQ(post("admin", "/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
  }

  Reply post(const std::string& role, const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    return reply_of(server_->client(tokens_[role])->Post(path.c_str(), body, type.c_str()));
  }
  Reply put(const std::string& role, const std::string& path, const std::string& body) {
    return reply_of(server_->client(tokens_[role])->Put(path.c_str(), body, "application/yaml"));
  }
  Reply get(const std::string& path, const std::string& role = "admin") {
    return reply_of(server_->client(tokens_[role])->Get(path.c_str()));
  }

  // A new draft from YAML; returns its version and hash.
  std::pair<int64_t, std::string> draft(const char* yaml) {
    Reply r = post("marketing", "/api/v1/definition/versions", yaml, "application/yaml");
    EXPECT_EQ(r.status, 201) << r.text;
    return {r.body.value("version", int64_t{0}), r.body.value("hash", std::string())};
  }
  Reply approve(const std::string& role, int64_t v, const std::string& hash) {
    return post(role, "/api/v1/definition/versions/" + std::to_string(v) + "/approvals",
                json{{"hash", hash}}.dump());
  }
  Reply activate(int64_t v, const std::string& role = "admin") {
    return post(role, "/api/v1/definition/versions/" + std::to_string(v) + "/activate", "");
  }
  // Drafts, signs on both sides and activates a document.
  int64_t make_active(const char* yaml) {
    auto [v, hash] = draft(yaml);
    EXPECT_EQ(approve("marketing", v, hash).status, 201);
    EXPECT_EQ(approve("sales_manager", v, hash).status, 201);
    Reply a = activate(v);
    EXPECT_EQ(a.status, 200) << a.text;
    return v;
  }
  int64_t capture(const std::string& email, const std::string& title) {
    json lead = {{"email", email}, {"title", title}, {"source_campaign", "web-1"}};
    Reply r = post("admin", "/api/v1/leads", lead.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("id", int64_t{0});
  }
  void touch_budget(int64_t lead) {
    json t = {{"lead", lead}, {"campaign", "web-1"}, {"data_points", {{"budget", "confirmed"}}}};
    Reply r = post("admin", "/api/v1/touches", t.dump());
    EXPECT_EQ(r.status, 201) << r.text;
  }
  void move(int64_t lead, const std::string& to, const std::string& reason = "") {
    json body = {{"to", to}};
    if (!reason.empty()) body["reason"] = reason;
    Reply r = post("sales_manager", "/api/v1/leads/" + std::to_string(lead) + "/transitions", body.dump());
    EXPECT_EQ(r.status, 200) << to << ": " << r.text;
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

TEST_F(DefinitionApiTest, OneSideAloneCannotActivate) {
  auto [v, hash] = draft(kV1);
  ASSERT_EQ(v, 1);
  EXPECT_EQ(approve("marketing", v, hash).status, 201);
  Reply r = activate(v);
  EXPECT_EQ(r.status, 409) << r.text;
  EXPECT_EQ(r.body["error"]["code"], "conflict");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("sales"), std::string::npos) << r.text;
  EXPECT_EQ(get("/api/v1/definition").status, 404);

  EXPECT_EQ(approve("sales_manager", v, hash).status, 201);
  r = activate(v);
  ASSERT_EQ(r.status, 200) << r.text;
  Reply active = get("/api/v1/definition");
  ASSERT_EQ(active.status, 200);
  EXPECT_EQ(active.body["version"], 1);
  EXPECT_EQ(active.body["state"], "active");
  EXPECT_EQ(active.body["signed_by"], json({"marketing", "sales"}));
  EXPECT_EQ(active.body["definition"]["sla_hours"]["hot"], 4);
}

TEST_F(DefinitionApiTest, OnlyMarketingAndSalesSign) {
  auto [v, hash] = draft(kV1);
  for (const char* role : {"admin", "vendor"}) {
    Reply r = approve(role, v, hash);
    EXPECT_EQ(r.status, 403) << role << ": " << r.text;
    EXPECT_EQ(r.body["error"]["code"], "forbidden");
  }
  Reply missing = post("marketing", "/api/v1/definition/versions/1/approvals", "{}");
  EXPECT_EQ(missing.status, 422) << missing.text;
  EXPECT_EQ(missing.body["error"]["field"], "hash");
  EXPECT_EQ(post("vendor", "/api/v1/definition/versions", kV1, "application/yaml").status, 403);
}

TEST_F(DefinitionApiTest, AnEditVoidsApprovals) {
  auto [v, hash] = draft(kV1);
  EXPECT_EQ(approve("marketing", v, hash).status, 201);
  EXPECT_EQ(approve("sales_manager", v, hash).status, 201);
  Reply edited = put("marketing", "/api/v1/definition/versions/1", kV2);
  ASSERT_EQ(edited.status, 200) << edited.text;
  EXPECT_TRUE(edited.body["approvals"].empty()) << edited.text;
  std::string new_hash = edited.body["hash"];
  EXPECT_NE(new_hash, hash);
  // The voided approvals stay on record with the hash they signed and the edit.
  ASSERT_EQ(edited.body["voided_approvals"].size(), 2u) << edited.text;
  for (const auto& a : edited.body["voided_approvals"]) {
    EXPECT_EQ(a["hash"], hash);
    EXPECT_EQ(a["voided_at"], edited.body["updated_at"]);
    EXPECT_EQ(a["voided_by"], edited.body["updated_by"]);
  }
  EXPECT_TRUE(edited.body["signed_by"].empty());
  // Back to the first content: the same hash, and still not signed.
  Reply back = put("marketing", "/api/v1/definition/versions/1", kV1);
  ASSERT_EQ(back.status, 200) << back.text;
  EXPECT_EQ(back.body["hash"], hash);
  EXPECT_TRUE(back.body["approvals"].empty()) << back.text;
  EXPECT_TRUE(back.body["signed_by"].empty()) << back.text;
  EXPECT_EQ(activate(v).status, 409);
  edited = put("marketing", "/api/v1/definition/versions/1", kV2);
  ASSERT_EQ(edited.status, 200) << edited.text;

  Reply r = activate(v);
  EXPECT_EQ(r.status, 409) << r.text;
  // The old content's hash is refused: approvers sign what is there now.
  Reply stale = approve("sales_manager", v, hash);
  EXPECT_EQ(stale.status, 409) << stale.text;
  EXPECT_EQ(stale.body["error"]["field"], "hash");

  EXPECT_EQ(approve("marketing", v, new_hash).status, 201);
  Reply both = approve("sales_manager", v, new_hash);
  EXPECT_EQ(both.status, 201);
  EXPECT_EQ(both.body["signed_by"].size(), 2u) << both.text;
  EXPECT_EQ(both.body["approvals"].size(), 2u) << both.text;
  EXPECT_EQ(activate(v).status, 200);
  // Active versions never change.
  Reply frozen = put("marketing", "/api/v1/definition/versions/1", kV1);
  EXPECT_EQ(frozen.status, 409) << frozen.text;
}

TEST_F(DefinitionApiTest, ABadDocumentComesBackWithEveryIssueLocated) {
  const char* bad = "name: x\ngrades:\n  hot:\n    - when: titel matches \"VP\"\n    - when: employees > \"many\"\n";
  Reply r = post("marketing", "/api/v1/definition/versions", bad, "application/yaml");
  ASSERT_EQ(r.status, 422) << r.text;
  EXPECT_EQ(r.body["error"]["code"], "invalid_value");
  ASSERT_EQ(r.body["issues"].size(), 2u) << r.text;
  EXPECT_EQ(r.body["issues"][0]["line"], 4);
  EXPECT_EQ(r.body["issues"][0]["column"], 13);
  EXPECT_EQ(r.body["issues"][0]["path"], "grades.hot[0].when");
  EXPECT_NE(r.body["issues"][0]["message"].get<std::string>().find("did you mean 'title'"), std::string::npos);
  EXPECT_EQ(r.body["issues"][1]["line"], 5);

  Reply check = post("marketing", "/api/v1/definition/check", kV1, "application/yaml");
  EXPECT_EQ(check.status, 200);
  EXPECT_EQ(check.body["valid"], true);
  EXPECT_EQ(check.body["hash"].get<std::string>().size(), 64u);
}

TEST_F(DefinitionApiTest, ActivationRegradesOpenLeadsAndTheTimelineShowsIt) {
  int64_t vp = capture("vp@acme.test", "VP Sales");
  int64_t mgr = capture("mgr@acme.test", "IT Manager");
  EXPECT_TRUE(get("/api/v1/leads/" + std::to_string(vp)).body["grade"].is_null());

  make_active(kV1);
  json lead = get("/api/v1/leads/" + std::to_string(mgr)).body;
  EXPECT_EQ(lead["grade"], "warm");
  EXPECT_EQ(lead["definition_version"], 1);
  EXPECT_EQ(lead["grading"]["reasons"][0]["says"], "manager");
  auto changes = events_of(mgr, "grade_changed");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]["payload"]["from"], "");
  EXPECT_EQ(changes[0]["payload"]["to"], "warm");
  EXPECT_EQ(changes[0]["payload"]["definition_version"], 1);

  // The VP lacks a confirmed budget: cold, until a call confirms it.
  EXPECT_EQ(get("/api/v1/leads/" + std::to_string(vp)).body["grade"], "cold");
  touch_budget(vp);
  lead = get("/api/v1/leads/" + std::to_string(vp)).body;
  EXPECT_EQ(lead["grade"], "hot");
  EXPECT_EQ(lead["score"], 100);  // 60 + 50, capped: the cap is a listed reason
  int sum = 0;
  for (const auto& r : lead["grading"]["score_reasons"]) sum += r["points"].get<int>();
  EXPECT_EQ(sum, 100);
  changes = events_of(vp, "grade_changed");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1]["payload"]["from"], "cold");
  EXPECT_EQ(changes[1]["payload"]["to"], "hot");

  // A lead captured under v1 records it in its captured event.
  int64_t later = capture("dir@acme.test", "Director IT");
  auto captured = events_of(later, "captured");
  ASSERT_EQ(captured.size(), 1u);
  EXPECT_EQ(captured[0]["payload"]["grade"], "cold");
  EXPECT_EQ(captured[0]["payload"]["definition_version"], 1);

  // v2 makes the manager nothing new but the director hot.
  Reply v2 = post("marketing", "/api/v1/definition/versions", kV2, "application/yaml");
  ASSERT_EQ(v2.status, 201);
  EXPECT_EQ(approve("marketing", 2, v2.body["hash"]).status, 201);
  EXPECT_EQ(approve("sales_manager", 2, v2.body["hash"]).status, 201);
  Reply act = activate(2, "marketing");
  ASSERT_EQ(act.status, 200) << act.text;
  EXPECT_EQ(act.body["leads_regraded"], 3);
  EXPECT_EQ(act.body["grades_changed"], 1);
  changes = events_of(later, "grade_changed");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]["payload"]["from"], "cold");
  EXPECT_EQ(changes[0]["payload"]["to"], "hot");
  EXPECT_EQ(changes[0]["payload"]["definition_version"], 2);
  EXPECT_EQ(get("/api/v1/leads/" + std::to_string(mgr)).body["definition_version"], 2);
  Reply versions = get("/api/v1/definition/versions");
  ASSERT_EQ(versions.body["versions"].size(), 2u);
  EXPECT_EQ(versions.body["versions"][0]["state"], "retired");
  EXPECT_EQ(versions.body["versions"][1]["state"], "active");
}

TEST_F(DefinitionApiTest, TransitionsFollowTheTableAndTheDefinitionsReasons) {
  make_active(kV1);
  int64_t id = capture("a@acme.test", "IT Manager");
  Reply r = post("sales_manager", "/api/v1/leads/" + std::to_string(id) + "/transitions", R"({"to":"won"})");
  EXPECT_EQ(r.status, 409) << r.text;
  EXPECT_EQ(r.body["error"]["code"], "invalid_transition");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("accepted"), std::string::npos) << r.text;
  r = post("sales_manager", "/api/v1/leads/" + std::to_string(id) + "/transitions", R"({"to":"rejected"})");
  EXPECT_EQ(r.status, 422) << r.text;
  EXPECT_EQ(r.body["error"]["field"], "reason");
  r = post("sales_manager", "/api/v1/leads/" + std::to_string(id) + "/transitions",
           R"({"to":"rejected","reason":"too_expensive"})");
  EXPECT_EQ(r.status, 422) << r.text;
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("no_budget"), std::string::npos) << r.text;
  r = post("vendor", "/api/v1/leads/" + std::to_string(id) + "/transitions", R"({"to":"accepted"})");
  EXPECT_EQ(r.status, 403) << r.text;
  r = post("sales_manager", "/api/v1/leads/" + std::to_string(id) + "/transitions",
           R"({"to":"opportunity","amount":-5})");
  EXPECT_EQ(r.status, 422) << r.text;
  EXPECT_EQ(r.body["error"]["field"], "amount");
  move(id, "rejected", "no_budget");
  auto moves = events_of(id, "stage_changed");
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0]["payload"]["reason"], "no_budget");
  EXPECT_NE(moves[0]["actor"].get<std::string>().find("token:"), std::string::npos);
}

// Eight leads with known titles, budgets and outcomes; every figure below
// is counted by hand in the comments.
TEST_F(DefinitionApiTest, BacktestAndAccuracyMatchAHandCountedSet) {
  make_active(kV1);
  // lead: title, budget confirmed?, outcome          v1 grade   v2 grade
  int64_t l1 = capture("l1@x.test", "VP Sales");      // budget, won          hot        hot
  int64_t l2 = capture("l2@x.test", "Director IT");   // accepted             cold       hot
  int64_t l3 = capture("l3@x.test", "Head of Ops");   // budget, rejected nb  cold       hot
  int64_t l4 = capture("l4@x.test", "IT Manager");    // rejected bad_timing  warm       warm
  int64_t l5 = capture("l5@x.test", "Sales Manager"); // budget, opportunity  warm       warm
  int64_t l6 = capture("l6@x.test", "Analyst");       // won (a miss)         cold       cold
  int64_t l7 = capture("l7@x.test", "Intern");        // nothing              cold       cold
  int64_t l8 = capture("l8@x.test", "VP Marketing");  // budget, rejected nb  hot        hot
  for (int64_t id : {l1, l3, l5, l8}) touch_budget(id);
  move(l1, "accepted"), move(l1, "opportunity"), move(l1, "won");
  move(l2, "accepted");
  move(l3, "rejected", "no_budget");
  move(l4, "rejected", "bad_timing");
  move(l5, "accepted"), move(l5, "opportunity");
  move(l6, "accepted"), move(l6, "opportunity"), move(l6, "won");
  move(l8, "rejected", "no_budget");
  (void)l7;

  Reply v2 = post("marketing", "/api/v1/definition/versions", kV2, "application/yaml");
  ASSERT_EQ(v2.status, 201);
  Reply bt = get("/api/v1/definition/versions/2/backtest");
  ASSERT_EQ(bt.status, 200) << bt.text;
  EXPECT_EQ(bt.body["leads"], 8);
  EXPECT_EQ(bt.body["compared_with"], 1);
  const json& a = bt.body["active"];
  EXPECT_EQ(a["hot"]["leads"], 2);  // l1 l8
  EXPECT_EQ(a["hot"]["accepted"], 1);
  EXPECT_EQ(a["hot"]["rejected_by_reason"], json({{"no_budget", 1}}));
  EXPECT_EQ(a["hot"]["wins"], 1);
  EXPECT_EQ(a["warm"]["leads"], 2);  // l4 l5
  EXPECT_EQ(a["warm"]["opportunities"], 1);
  EXPECT_EQ(a["warm"]["rejected_by_reason"], json({{"bad_timing", 1}}));
  EXPECT_EQ(a["cold"]["leads"], 4);  // l2 l3 l6 l7
  EXPECT_EQ(a["cold"]["accepted"], 2);
  EXPECT_EQ(a["cold"]["wins"], 1);
  const json& d = bt.body["draft"];
  EXPECT_EQ(d["hot"]["leads"], 4);  // l1 l2 l3 l8
  EXPECT_EQ(d["hot"]["accepted"], 2);
  EXPECT_EQ(d["hot"]["rejected"], 2);
  EXPECT_EQ(d["hot"]["rejected_by_reason"], json({{"no_budget", 2}}));
  EXPECT_EQ(d["hot"]["opportunities"], 1);
  EXPECT_EQ(d["hot"]["wins"], 1);
  EXPECT_EQ(d["warm"]["leads"], 2);
  EXPECT_EQ(d["cold"]["leads"], 2);  // l6 l7
  EXPECT_EQ(d["cold"]["wins"], 1);
  EXPECT_EQ(bt.body["changed"], 2);
  ASSERT_EQ(bt.body["changes"].size(), 2u);
  EXPECT_EQ(bt.body["changes"][0], json({{"lead", l2}, {"from", "cold"}, {"to", "hot"}}));
  EXPECT_EQ(bt.body["changes"][1], json({{"lead", l3}, {"from", "cold"}, {"to", "hot"}}));

  Reply acc = get("/api/v1/definition/accuracy");
  ASSERT_EQ(acc.status, 200) << acc.text;
  EXPECT_EQ(acc.body["by_grade"]["hot"]["leads"], 2);
  EXPECT_EQ(acc.body["by_grade"]["cold"]["leads"], 4);
  EXPECT_DOUBLE_EQ(acc.body["precision"]["hot"]["accepted"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(acc.body["precision"]["hot"]["opportunity"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(acc.body["precision"]["warm"]["accepted"].get<double>(), 0.5);
  EXPECT_EQ(acc.body["misses"], 1);  // l6
  // Accepted: l1 l2 l5 l6 of 8; converted (opportunity or won): l1 l5 l6.
  EXPECT_DOUBLE_EQ(acc.body["base_rate"]["accepted"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(acc.body["base_rate"]["converted"].get<double>(), 3.0 / 8);
  EXPECT_DOUBLE_EQ(acc.body["recall"]["hot"].get<double>(), 1.0 / 3);          // l1
  EXPECT_DOUBLE_EQ(acc.body["recall"]["hot_or_warm"].get<double>(), 2.0 / 3);  // l1 l5
  EXPECT_DOUBLE_EQ(acc.body["lift"]["hot"]["accepted"].get<double>(), 1.0);     // 1/2 over 4/8
  EXPECT_DOUBLE_EQ(acc.body["lift"]["hot"]["converted"].get<double>(), 4.0 / 3);  // 1/2 over 3/8
  EXPECT_DOUBLE_EQ(acc.body["lift"]["warm"]["converted"].get<double>(), 4.0 / 3);
  EXPECT_EQ(acc.body["default_period"], "last_14_days");
  ASSERT_EQ(acc.body["review_queue"].size(), 2u);
  EXPECT_EQ(acc.body["review_queue"][0]["lead"], l6);
  EXPECT_EQ(acc.body["review_queue"][0]["kind"], "cold_converted");
  EXPECT_EQ(acc.body["review_queue"][1]["lead"], l8);
  EXPECT_EQ(acc.body["review_queue"][1]["kind"], "hot_rejected");
  EXPECT_EQ(acc.body["review_queue"][1]["outcome"], "rejected: no_budget");

  // Both lists are paged in lead order.
  EXPECT_EQ(acc.body["review_queue_total"], 2);
  EXPECT_EQ(acc.body["next_cursor"], nullptr);
  Reply page1 = get("/api/v1/definition/accuracy?limit=1");
  ASSERT_EQ(page1.status, 200) << page1.text;
  ASSERT_EQ(page1.body["review_queue"].size(), 1u);
  EXPECT_EQ(page1.body["review_queue"][0]["lead"], l6);
  EXPECT_EQ(page1.body["review_queue_total"], 2);
  ASSERT_EQ(page1.body["next_cursor"], std::to_string(l6));
  Reply page2 = get("/api/v1/definition/accuracy?limit=1&cursor=" + page1.body["next_cursor"].get<std::string>());
  ASSERT_EQ(page2.body["review_queue"].size(), 1u);
  EXPECT_EQ(page2.body["review_queue"][0]["lead"], l8);
  EXPECT_EQ(page2.body["next_cursor"], nullptr);
  Reply too_many = get("/api/v1/definition/accuracy?limit=1001");
  EXPECT_EQ(too_many.status, 422);
  EXPECT_EQ(too_many.body["error"]["field"], "limit");

  Reply answer = post("sales_manager", "/api/v1/definition/reviews",
                      json{{"lead", l8}, {"was_lead", true}, {"note", "budget came in Q3"}}.dump());
  ASSERT_EQ(answer.status, 201) << answer.text;
  acc = get("/api/v1/definition/accuracy");
  ASSERT_EQ(acc.body["review_queue"].size(), 1u);
  ASSERT_EQ(acc.body["reviewed"].size(), 1u);
  EXPECT_EQ(acc.body["reviewed_total"], 1);
  EXPECT_EQ(acc.body["reviewed_next_cursor"], nullptr);
  EXPECT_EQ(acc.body["reviewed"][0]["lead"], l8);
  EXPECT_EQ(acc.body["reviewed"][0]["answer"]["was_lead"], true);
  EXPECT_EQ(acc.body["reviewed"][0]["answer"]["note"], "budget came in Q3");
  EXPECT_EQ(acc.body["answers"]["was_lead"], 1);
  EXPECT_EQ(events_of(l8, "reviewed").size(), 1u);
}

// Without a period, the review opens on the latest one with an outcome to
// judge, and says which; a period asked for is kept even when empty.
TEST_F(DefinitionApiTest, AccuracyDefaultsToAPeriodWithOutcomes) {
  server_.reset();
  server_ = std::make_unique<ServerProcess>(db_, std::vector<std::string>{"--manual-clock", "2026-01-05T09:00:00Z"});
  auto at = [&](const std::string& when) {
    Reply r = post("admin", "/api/v1/clock", json{{"now", when}}.dump());
    ASSERT_EQ(r.status, 200) << r.text;
  };
  make_active(kV1);
  int64_t a = capture("a@x.test", "VP Sales");  // cold: no confirmed budget
  int64_t b = capture("b@x.test", "Intern");    // cold
  move(a, "accepted");
  move(b, "rejected", "no_budget");

  at("2026-01-05T10:00:00Z");  // the period ends now, not included
  Reply now = get("/api/v1/definition/accuracy");
  ASSERT_EQ(now.status, 200) << now.text;
  EXPECT_EQ(now.body["default_period"], "last_14_days");
  EXPECT_EQ(now.body["from"], "2025-12-22T10:00:00.000Z");

  at("2026-03-01T09:00:00Z");  // 55 days on: nothing in the last 14
  Reply later = get("/api/v1/definition/accuracy");
  ASSERT_EQ(later.status, 200) << later.text;
  EXPECT_EQ(later.body["default_period"], "last_90_days");
  EXPECT_EQ(later.body["from"], "2025-12-01T09:00:00.000Z");
  EXPECT_EQ(later.body["to"], "2026-03-01T09:00:00.000Z");
  EXPECT_EQ(later.body["by_grade"]["cold"]["accepted"], 1);
  EXPECT_EQ(later.body["by_grade"]["cold"]["rejected"], 1);

  Reply asked = get("/api/v1/definition/accuracy?from=2026-02-01");
  ASSERT_EQ(asked.status, 200) << asked.text;
  EXPECT_EQ(asked.body["default_period"], nullptr);
  EXPECT_EQ(asked.body["by_grade"]["cold"]["leads"], 0);
  EXPECT_EQ(asked.body["recall"]["hot"], nullptr);

  at("2027-06-01T09:00:00Z");  // more than a year on
  Reply old = get("/api/v1/definition/accuracy");
  ASSERT_EQ(old.status, 200) << old.text;
  EXPECT_EQ(old.body["default_period"], "everything");
  EXPECT_EQ(old.body["by_grade"]["cold"]["leads"], 2);
}

// Hostile documents are refused quickly, naming the limit, and the server
// keeps answering.
TEST_F(DefinitionApiTest, ABillionLaughsAndDeepNestingAreRefusedByName) {
  std::string laughs = "name: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  const std::string keys = "abcdefghi";
  for (size_t i = 1; i < keys.size(); ++i) {
    laughs += keys.substr(i, 1) + ": &" + keys.substr(i, 1) + " [";
    for (int k = 0; k < 9; ++k) laughs += (k ? ", *" : "*") + keys.substr(i - 1, 1);
    laughs += "]\n";
  }
  Reply check = post("marketing", "/api/v1/definition/check", laughs, "application/yaml");
  ASSERT_EQ(check.status, 200) << check.text;
  EXPECT_EQ(check.body["valid"], false);
  EXPECT_NE(check.body["issues"][0]["message"].get<std::string>().find("(limit: max_yaml_nodes)"), std::string::npos)
      << check.text;
  Reply draft = post("marketing", "/api/v1/definition/versions", laughs, "application/yaml");
  ASSERT_EQ(draft.status, 422) << draft.text;
  EXPECT_NE(draft.body["error"]["message"].get<std::string>().find("max_yaml_nodes"), std::string::npos);

  Reply deep = post("marketing", "/api/v1/definition/versions", std::string(1000000, '['), "application/json");
  ASSERT_EQ(deep.status, 422) << deep.text;
  EXPECT_NE(deep.body["error"]["message"].get<std::string>().find("(limit: max_yaml_depth)"), std::string::npos);

  Reply deep_json = post("sales_manager", "/api/v1/definition/reviews", std::string(1000000, '['));
  ASSERT_EQ(deep_json.status, 400) << deep_json.text;
  EXPECT_EQ(deep_json.body["error"]["code"], "invalid_json");
  EXPECT_NE(deep_json.body["error"]["message"].get<std::string>().find("(limit: max_json_depth)"), std::string::npos);
  EXPECT_EQ(get("/api/v1/health").status, 200);
}

TEST_F(DefinitionApiTest, PublishedPageAndDiff) {
  auto page = server_->client()->Get("/definition");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("No lead definition is active yet"), std::string::npos);

  make_active(kV1);
  page = server_->client()->Get("/definition");
  ASSERT_TRUE(page);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  for (const char* text : {"Test definition", "decision maker", "budget confirmed", "marketing", "sales",
                           "Follow up within <strong>4 hours", "no_budget", "Is there a budget?"}) {
    EXPECT_NE(page->body.find(text), std::string::npos) << text;
  }

  Reply v2 = post("marketing", "/api/v1/definition/versions", kV2, "application/yaml");
  ASSERT_EQ(v2.status, 201);
  Reply diff = get("/api/v1/definition/diff?from=1&to=2");
  ASSERT_EQ(diff.status, 200) << diff.text;
  std::map<std::string, int> seen;
  for (const auto& c : diff.body["changes"]) seen[c["section"].get<std::string>() + " " + c["change"].get<std::string>()]++;
  EXPECT_EQ(seen["grades.hot removed"], 2) << diff.text;  // both v1 hot rules
  EXPECT_EQ(seen["grades.hot added"], 1) << diff.text;
  EXPECT_EQ(seen["score removed"], 2) << diff.text;
  EXPECT_EQ(seen["sla_hours.hot changed"], 1) << diff.text;
  EXPECT_EQ(seen.count("grades.warm removed"), 0u);
  EXPECT_EQ(get("/api/v1/definition/diff?from=1&to=9").status, 404);
}

TEST(DefinitionCli, ChecksDraftsSignsAndActivatesOnADatabase) {
  TempDir dir;
  std::string file = dir.file("v1.yaml");
  std::ofstream(file) << kV1;
  std::string bad = dir.file("bad.yaml");
  std::ofstream(bad) << "name: x\ngrades:\n  hot: [\"titel exists\"]\n";
  auto r = testing::run_cli({"definition", "check", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.yaml:3:10: grades.hot[0].when: unknown field 'titel'"), std::string::npos) << r.err;
  EXPECT_EQ(testing::run_cli({"definition", "check", file}).exit_code, 0);

  std::string db = dir.file("cli.db");
  r = testing::run_cli({"definition", "draft", file, "--db", db, "--as", "maria"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_cli({"definition", "activate", "1", "--db", db});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("marketing and sales have not approved"), std::string::npos) << r.err;
  ASSERT_EQ(testing::run_cli({"definition", "approve", "1", "--side", "marketing", "--as", "maria", "--db", db}).exit_code, 0);
  ASSERT_EQ(testing::run_cli({"definition", "approve", "1", "--side", "sales", "--as", "sam", "--db", db}).exit_code, 0);
  r = testing::run_cli({"definition", "activate", "1", "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_cli({"definition", "show", "--db", db});
  EXPECT_NE(r.out.find("version 1 (active)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("signed for sales by cli:sam"), std::string::npos) << r.out;

  // diff takes a stored version on one side and a file on the other.
  std::string v2 = dir.file("v2.yaml");
  std::ofstream(v2) << kV2;
  r = testing::run_cli({"definition", "diff", "1", v2, "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sla_hours.hot: changed\n  - 4\n  + 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("grades.hot: added\n  + title matches \"VP|Director|Head\""), std::string::npos) << r.out;
  r = testing::run_cli({"definition", "diff", file, file});
  EXPECT_EQ(r.out, "no changes\n");
}

}  // namespace
}  // namespace leadloop
