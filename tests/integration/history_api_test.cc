// Loading a history over HTTP against the real server and a real SQLite
// file: a CSV of calls without email or phone, keyed by an external id,
// with a mapping sent in the request and a "campaign" column that is not
// the campaign; then the outcomes as one bulk request of moves at their
// real times. And the callers' leaderboard: the vendor's agents, each
// vendor seeing its own, a sales rep none.
#include <gtest/gtest.h>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

// Three calls of a telemarketing history: no email, no phone; "campaign"
// is the number of calls made to the person, as in the real file.
constexpr const char* kCalls =
    "call_id,age,job,agent,campaign,y,date\n"
    "c-1,41,admin.,Maria,2,yes,2012-05-05\n"
    "c-2,37,technician,Maria,1,no,2012-05-06\n"
    "c-3,50,retired,Tom,4,no,2012-05-06\n";
constexpr const char* kMapping =
    "columns:\n"
    "  call_id: external_id\n"
    "  y: attributes.subscribed\n"
    "  date: captured_at\n";

class HistoryApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("history.db");
    admin_ = testing::create_token(db_, "admin");
    dialco_ = testing::create_token(db_, "vendor", {"--vendor", "Dialco"});
    beta_ = testing::create_token(db_, "vendor", {"--vendor", "Beta"});
    rep_ = testing::create_token(db_, "sales_rep", {"--rep", "e1"});
    server_ = std::make_unique<ServerProcess>(db_);
    for (const char* c : {R"({"key":"tm-hist","channel":"telemarketing","vendor":"Dialco"})",
                          R"({"key":"beta-1","channel":"telemarketing","vendor":"Beta"})"}) {
      ASSERT_EQ(post("/api/v1/campaigns", c).status, 201);
    }
  }

  Reply post(const std::string& path, const std::string& body, const std::string& token = "") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Post(path.c_str(), body, "application/json"));
  }
  Reply get(const std::string& path, const std::string& token = "") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Get(path.c_str()));
  }
  Reply import(const std::string& query, const std::string& csv) {
    return reply_of(server_->client(admin_)->Post(("/api/v1/imports?" + query).c_str(), csv, "text/csv"));
  }
  static std::string encoded(const std::string& text) { return httplib::detail::encode_query_param(text); }
  // The id of the one lead with this external id, through the bulk route.
  json lead(int64_t id) { return get("/api/v1/leads/" + std::to_string(id)).body; }

  TempDir dir_;
  std::string db_, admin_, dialco_, beta_, rep_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(HistoryApiTest, ACallHistoryWithOutcomesLoadsInTwoRequests) {
  Reply imported = import("campaign=tm-hist&filename=calls.csv&mapping=" + encoded(kMapping), kCalls);
  ASSERT_EQ(imported.status, 201) << imported.text;
  EXPECT_EQ(imported.body["import"]["created"], 3);
  EXPECT_EQ(imported.body["import"]["rejected"], 0) << imported.text;
  EXPECT_EQ(imported.body["import"]["mapping"], "request");
  const json columns = imported.body["columns"];
  EXPECT_EQ(columns[0], (json{{"header", "call_id"}, {"target", "external_id"}}));
  EXPECT_EQ(columns[3], (json{{"header", "agent"}, {"target", "caller"}}));
  EXPECT_EQ(columns[4], (json{{"header", "campaign"}, {"target", "attributes.campaign"}}));

  Reply listed = get("/api/v1/leads?campaign=tm-hist");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["leads"].size(), 3u);
  const json first = listed.body["leads"][0];
  EXPECT_EQ(first["external_id"], "c-1");
  EXPECT_EQ(first["caller"], "Maria");
  EXPECT_TRUE(first["email"].is_null());
  EXPECT_EQ(first["source_campaign"], "tm-hist");
  EXPECT_EQ(first["attributes"]["campaign"], "2");
  EXPECT_EQ(first["attributes"]["subscribed"], "yes");
  EXPECT_EQ(first["created_at"], "2012-05-05T00:00:00.000Z");  // captured then, not now
  const int64_t c1 = first["id"];
  const int64_t c3 = listed.body["leads"][2]["id"];

  // The outcomes: by external id and by lead id, each at its real time.
  const json moves = {
      {{"external_id", "c-1"}, {"to", "accepted"}, {"at", "2012-05-08T10:30:00Z"}},
      {{"external_id", "c-1"}, {"to", "opportunity"}, {"at", "2012-05-09T09:00:00Z"}, {"amount", 1200}},
      {{"external_id", "c-1"}, {"to", "won"}, {"at", "2012-06-01T12:00:00Z"}, {"revenue", 1150.5}},
      {{"external_id", "c-2"}, {"to", "rejected"}, {"at", "2012-05-08T11:00:00Z"}, {"reason", "no_budget"}},
      {{"lead", c3}, {"to", "won"}, {"at", "2012-05-10T08:00:00Z"}},         // not from captured
      {{"external_id", "c-9"}, {"to", "accepted"}},                            // no such lead
      {{"external_id", "c-1"}, {"email", "x@y.z"}, {"to", "accepted"}},        // two names
      {{"lead", c3}, {"to", "accepted"}, {"at", "2999-01-01T00:00:00Z"}},      // in the future
  };
  Reply bulk = post("/api/v1/transitions/bulk", json{{"transitions", moves}}.dump());
  ASSERT_EQ(bulk.status, 200) << bulk.text;
  EXPECT_EQ(bulk.body["recorded"], 4);
  EXPECT_EQ(bulk.body["rejected"], 4);
  const json& results = bulk.body["results"];
  ASSERT_EQ(results.size(), moves.size());
  EXPECT_EQ(results[2], (json{{"index", 2}, {"status", "recorded"}, {"lead", c1}, {"stage", "won"}}));
  EXPECT_EQ(results[3]["stage"], "rejected");
  EXPECT_EQ(results[4]["error"]["code"], "invalid_transition");
  EXPECT_EQ(results[5]["error"]["code"], "not_found");
  EXPECT_EQ(results[5]["error"]["field"], "external_id");
  EXPECT_EQ(results[6]["error"]["field"], "lead");
  EXPECT_EQ(results[7]["error"]["field"], "at");

  // Recorded at their own times, with the amounts; the lead is won.
  EXPECT_EQ(lead(c1)["stage"], "won");
  Reply timeline = get("/api/v1/leads/" + std::to_string(c1) + "/timeline");
  ASSERT_EQ(timeline.status, 200);
  std::vector<json> moved;
  for (const json& e : timeline.body["events"]) {
    if (e["type"] == "stage_changed") moved.push_back(e);
  }
  ASSERT_EQ(moved.size(), 3u) << timeline.text;
  EXPECT_EQ(moved[0]["at"], "2012-05-08T10:30:00.000Z");
  EXPECT_EQ(moved[1]["payload"]["amount_cents"], 120000);
  EXPECT_EQ(moved[2]["at"], "2012-06-01T12:00:00.000Z");
  EXPECT_EQ(moved[2]["payload"]["revenue_cents"], 115050);

  // Reports by capture period see the history in its own months.
  Reply may = get("/api/v1/reports/funnel?from=2012-05-01&to=2012-06-01");
  ASSERT_EQ(may.status, 200) << may.text;
  EXPECT_EQ(may.body["groups"][0]["leads"], 3);
  EXPECT_EQ(may.body["groups"][0]["steps"][6]["reached"], 1) << may.text;  // won
  EXPECT_EQ(get("/api/v1/reports/funnel?from=2026-01-01").body["groups"][0]["leads"], 0);

  // The leaks count the rejection at its real time.
  Reply leaks = get("/api/v1/reports/leaks");
  ASSERT_EQ(leaks.status, 200);
  EXPECT_NE(leaks.text.find("rejected:no_budget"), std::string::npos) << leaks.text;

  // Loading the file again finds every lead by its external id.
  Reply again = import("campaign=tm-hist&mapping=" + encoded(kMapping), kCalls);
  ASSERT_EQ(again.status, 201) << again.text;
  EXPECT_EQ(again.body["import"]["created"], 0);
  EXPECT_EQ(again.body["import"]["merged"], 3);

  // The export carries the external id and the caller.
  Reply exported = get("/api/v1/exports/leads.csv?campaign=tm-hist");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.text.rfind("id,email,phone,first_name,last_name,company,title,industry,employees,country,"
                                "region,source_campaign,external_id,caller,stage",
                                0),
            0u)
      << exported.text.substr(0, 300);
  EXPECT_NE(exported.text.find(",tm-hist,c-1,Maria,won,"), std::string::npos) << exported.text;
}

TEST_F(HistoryApiTest, TheBulkRouteKeepsEachCallersScope) {
  ASSERT_EQ(import("campaign=tm-hist&mapping=" + encoded(kMapping), kCalls).status, 201);
  // A vendor does not move leads; a rep moves only its own.
  const std::string body = R"({"transitions":[{"external_id":"c-1","to":"accepted"}]})";
  EXPECT_EQ(post("/api/v1/transitions/bulk", body, dialco_).status, 403);
  Reply rep = post("/api/v1/transitions/bulk", body, rep_);
  ASSERT_EQ(rep.status, 200) << rep.text;
  EXPECT_EQ(rep.body["results"][0]["error"]["code"], "not_found") << "not the rep's lead";
  // The shape of the request itself.
  EXPECT_EQ(post("/api/v1/transitions/bulk", R"({"moves":[]})").status, 400);
  Reply unknown = post("/api/v1/transitions/bulk", R"([{"external_id":"c-1","to":"accepted","when":"now"}])");
  ASSERT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.body["results"][0]["error"]["code"], "unknown_field");
  EXPECT_EQ(unknown.body["results"][0]["error"]["field"], "when");
  // Without a campaign of its own, the mapping must name the key column.
  Reply nokey = import("campaign=tm-hist", "age,job\n41,admin.\n");
  EXPECT_EQ(nokey.status, 422) << nokey.text;
  EXPECT_NE(nokey.text.find("an email, a phone or an external_id"), std::string::npos) << nokey.text;
  Reply bad = import("campaign=tm-hist&mapping=" + encoded("columns: {call_id: nowhere}"), kCalls);
  EXPECT_EQ(bad.status, 422) << bad.text;
  EXPECT_EQ(bad.body["error"]["field"], "mapping");
}

TEST_F(HistoryApiTest, TheCallersLeaderboardRanksEachVendorsAgents) {
  auto capture = [&](const std::string& external_id, const std::string& campaign, const std::string& caller) {
    Reply r = post("/api/v1/leads", json{{"external_id", external_id}, {"source_campaign", campaign},
                                         {"caller", caller}}.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body["id"].get<int64_t>();
  };
  capture("d-1", "tm-hist", "Maria");
  capture("d-2", "tm-hist", "Maria");
  capture("d-3", "tm-hist", "Tom");
  capture("d-4", "tm-hist", "");
  capture("b-1", "beta-1", "Maria");
  const json moves = {
      {{"external_id", "d-1"}, {"to", "accepted"}},
      {{"external_id", "d-3"}, {"to", "accepted"}},
      {{"external_id", "d-3"}, {"to", "opportunity"}},
      {{"external_id", "d-3"}, {"to", "won"}, {"revenue", 500}},
      {{"external_id", "b-1"}, {"to", "accepted"}},
  };
  Reply bulk = post("/api/v1/transitions/bulk", moves.dump());
  ASSERT_EQ(bulk.status, 200) << bulk.text;
  ASSERT_EQ(bulk.body["recorded"], 5) << bulk.text;

  Reply all = get("/api/v1/reports/leaderboard?of=callers");
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_EQ(all.body["of"], "callers");
  ASSERT_EQ(all.body["rows"].size(), 3u) << all.text;  // a lead without a caller is nobody's
  EXPECT_EQ(all.body["rows"][0], (json{{"caller", "Maria"}, {"vendor", "Beta"}, {"leads", 1}, {"qualified", 1},
                                       {"accepted", 1}, {"accepted_share", 1.0}, {"won", 0}, {"rank", 1}}));
  EXPECT_EQ(all.body["rows"][1]["caller"], "Maria");
  EXPECT_EQ(all.body["rows"][1]["vendor"], "Dialco");
  EXPECT_EQ(all.body["rows"][1]["leads"], 2);
  EXPECT_EQ(all.body["rows"][1]["accepted_share"], 0.5);
  EXPECT_EQ(all.body["rows"][2]["caller"], "Tom");
  Reply won = get("/api/v1/reports/leaderboard?of=callers&rank=won");
  ASSERT_EQ(won.status, 200);
  EXPECT_EQ(won.body["rows"][0]["caller"], "Tom");
  EXPECT_EQ(won.body["rows"][0]["won"], 1);

  // Each vendor sees its own callers; a rep sees none; a period without
  // captures ranks nobody.
  Reply dialco = get("/api/v1/reports/leaderboard?of=callers", dialco_);
  ASSERT_EQ(dialco.status, 200) << dialco.text;
  ASSERT_EQ(dialco.body["rows"].size(), 2u);
  for (const json& row : dialco.body["rows"]) EXPECT_EQ(row["vendor"], "Dialco");
  Reply beta = get("/api/v1/reports/leaderboard?of=callers", beta_);
  ASSERT_EQ(beta.body["rows"].size(), 1u);
  EXPECT_EQ(beta.body["rows"][0]["vendor"], "Beta");
  EXPECT_EQ(get("/api/v1/reports/leaderboard?of=callers", rep_).status, 403);
  EXPECT_EQ(get("/api/v1/reports/leaderboard?of=callers&rank=speed").status, 422);
  Reply later = get("/api/v1/reports/leaderboard?of=callers&from=2099-01-01");
  ASSERT_EQ(later.status, 200);
  EXPECT_TRUE(later.body["rows"].empty());

  // A touch names its caller.
  const int64_t d4 = get("/api/v1/leads?campaign=tm-hist").body["leads"][3]["id"];
  Reply touch = post("/api/v1/leads/" + std::to_string(d4) + "/touches",
                     R"({"channel":"call","outcome":"connected","caller":"Ines"})");
  ASSERT_EQ(touch.status, 201) << touch.text;
  EXPECT_EQ(touch.body["caller"], "Ines");
  EXPECT_EQ(lead(d4)["caller"], "Ines");
}

// A definition activated after the history was loaded grades the open
// leads only; the accuracy review can judge the closed ones as it would
// have graded them (?ungraded=active), or leave them ungraded as on record.
TEST_F(HistoryApiTest, AccuracyJudgesAClosedHistoryAsTheActiveVersionWouldHaveGradedIt) {
  auto capture = [&](const std::string& email, const std::string& title) {
    Reply r = post("/api/v1/leads", json{{"email", email}, {"title", title}, {"source_campaign", "tm-hist"}}.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body["id"].get<int64_t>();
  };
  const int64_t vp_won = capture("vp.won@x.test", "VP Sales");
  const int64_t analyst_won = capture("analyst.won@x.test", "Analyst");
  const int64_t vp_lost = capture("vp.lost@x.test", "VP IT");
  const int64_t open = capture("open@x.test", "VP Ops");
  json moves = json::array();
  for (int64_t id : {vp_won, analyst_won}) {
    moves.push_back({{"lead", id}, {"to", "accepted"}, {"at", "2012-05-01"}});
    moves.push_back({{"lead", id}, {"to", "opportunity"}, {"at", "2012-05-02"}});
    moves.push_back({{"lead", id}, {"to", "won"}, {"at", "2012-05-20"}, {"revenue", 900}});
  }
  moves.push_back({{"lead", vp_lost}, {"to", "accepted"}, {"at", "2012-05-01"}});
  moves.push_back({{"lead", vp_lost}, {"to", "lost"}, {"at", "2012-05-03"}, {"reason", "price"}});
  Reply bulk = post("/api/v1/transitions/bulk", moves.dump());
  ASSERT_EQ(bulk.status, 200) << bulk.text;
  ASSERT_EQ(bulk.body["recorded"], 8) << bulk.text;

  const std::string marketing = testing::create_token(db_, "marketing");
  const std::string sales = testing::create_token(db_, "sales_manager");
  Reply draft = reply_of(server_->client(marketing)->Post("/api/v1/definition/versions", R"(name: History
required_fields: [email or phone]
grades:
  hot:
    - when: title matches "VP"
      says: decision maker
  cold: []
sla_hours: {hot: 4, warm: 24}
reject_reasons:
  - code: no_budget
    label: No budget
)", "application/yaml"));
  ASSERT_EQ(draft.status, 201) << draft.text;
  const std::string version = std::to_string(draft.body["version"].get<int64_t>());
  for (const std::string& token : {marketing, sales}) {
    Reply signed_off = post("/api/v1/definition/versions/" + version + "/approvals",
                            json{{"hash", draft.body["hash"]}}.dump(), token);
    ASSERT_EQ(signed_off.status, 201) << signed_off.text;
  }
  ASSERT_EQ(post("/api/v1/definition/versions/" + version + "/activate", "").status, 200);
  EXPECT_EQ(lead(open)["grade"], "hot");  // open: graded at activation
  EXPECT_TRUE(lead(vp_won)["grade"].is_null());  // closed: keeps what it left with

  const std::string period = "from=2000-01-01&to=2100-01-01";
  Reply recorded = get("/api/v1/definition/accuracy?" + period);
  ASSERT_EQ(recorded.status, 200) << recorded.text;
  EXPECT_EQ(recorded.body["by_grade"]["ungraded"]["leads"], 3);
  EXPECT_EQ(recorded.body["by_grade"]["hot"]["leads"], 1);
  EXPECT_EQ(recorded.body["misses"], 0);

  Reply judged = get("/api/v1/definition/accuracy?ungraded=active&" + period);
  ASSERT_EQ(judged.status, 200) << judged.text;
  EXPECT_FALSE(judged.body["by_grade"].contains("ungraded")) << judged.text;
  EXPECT_EQ(judged.body["by_grade"]["hot"]["leads"], 3);  // the two VPs closed, and the open one
  EXPECT_EQ(judged.body["by_grade"]["cold"]["leads"], 1);
  EXPECT_EQ(judged.body["misses"], 1);  // the analyst won
  ASSERT_EQ(judged.body["review_queue"].size(), 1u);
  EXPECT_EQ(judged.body["review_queue"][0]["lead"], analyst_won);
  EXPECT_EQ(judged.body["review_queue"][0]["kind"], "cold_converted");
  EXPECT_TRUE(lead(vp_won)["grade"].is_null()) << "the record stays as it was";
  EXPECT_EQ(get("/api/v1/definition/accuracy?ungraded=draft").status, 422);
}

}  // namespace
}  // namespace leadloop
