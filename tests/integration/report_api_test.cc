// Reports over HTTP against the real server: the funnel and the leaks are
// current the moment a write has been answered, split by a dimension,
// filtered, and narrowed to the caller's scope (a vendor counts its own
// leads only; a viewer reads them all).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

class ReportApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("reports.db");
    admin_ = testing::create_token(db_, "admin");
    acme_ = testing::create_token(db_, "vendor", {"--vendor", "Acme"});
    viewer_ = testing::create_token(db_, "viewer");
    server_ = std::make_unique<ServerProcess>(db_);
    for (const char* c : {R"({"key":"acme-1","channel":"telemarketing","vendor":"Acme"})",
                          R"({"key":"web-1","channel":"web"})"}) {
      ASSERT_EQ(post("/api/v1/campaigns", c).status, 201);
    }
  }

  Reply post(const std::string& path, const std::string& body) {
    return reply_of(server_->client(admin_)->Post(path.c_str(), body, "application/json"));
  }
  Reply get(const std::string& path, const std::string& token = "") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Get(path.c_str()));
  }
  int64_t capture(const std::string& email, const std::string& campaign) {
    Reply r = post("/api/v1/leads", json{{"email", email}, {"source_campaign", campaign}}.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body["id"];
  }
  void move(int64_t id, const std::string& body) {
    Reply r = post("/api/v1/leads/" + std::to_string(id) + "/transitions", body);
    EXPECT_EQ(r.status, 200) << r.text;
  }
  // reached per step of the single funnel
  std::vector<int64_t> steps(const std::string& query, const std::string& token = "") {
    Reply r = get("/api/v1/reports/funnel" + query, token);
    EXPECT_EQ(r.status, 200) << r.text;
    std::vector<int64_t> out;
    for (const json& s : r.body["groups"][0]["steps"]) out.push_back(s["reached"]);
    return out;
  }

  TempDir dir_;
  std::string db_, admin_, acme_, viewer_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ReportApiTest, FunnelAndLeaksAreCurrentFilteredAndScoped) {
  EXPECT_EQ(steps(""), std::vector<int64_t>(7, 0));
  const int64_t a = capture("a@acme.example", "acme-1");
  const int64_t b = capture("b@acme.example", "acme-1");
  const int64_t w = capture("w@web.example", "web-1");
  // Visible as soon as the capture was answered.
  EXPECT_EQ(steps(""), (std::vector<int64_t>{3, 0, 0, 0, 0, 0, 0}));
  move(a, R"({"to":"qualified"})");
  move(a, R"({"to":"accepted"})");
  move(a, R"({"to":"working"})");
  move(b, R"({"to":"qualified"})");
  move(b, R"({"to":"disqualified"})");
  move(w, R"({"to":"qualified"})");
  // a reached working (so qualified, assigned and accepted too).
  EXPECT_EQ(steps(""), (std::vector<int64_t>{3, 3, 1, 1, 1, 0, 0}));
  Reply funnel = get("/api/v1/reports/funnel");
  EXPECT_DOUBLE_EQ(funnel.body["groups"][0]["steps"][2]["conversion"].get<double>(), 1.0 / 3.0);
  EXPECT_TRUE(funnel.body["groups"][0]["steps"][0]["conversion"].is_null());

  // Split by channel, and filtered.
  Reply by = get("/api/v1/reports/funnel?by=channel");
  ASSERT_EQ(by.body["groups"].size(), 2u) << by.text;
  EXPECT_EQ(by.body["groups"][0]["group"], "telemarketing");
  EXPECT_EQ(by.body["groups"][0]["leads"], 2);
  EXPECT_EQ(by.body["groups"][1]["group"], "web");
  EXPECT_EQ(steps("?channel=web"), (std::vector<int64_t>{1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(steps("?from=2030-01-01"), std::vector<int64_t>(7, 0));

  // Leaks: b left from qualified, disqualified.
  Reply leaks = get("/api/v1/reports/leaks");
  ASSERT_EQ(leaks.status, 200) << leaks.text;
  EXPECT_EQ(leaks.body["exits"], 1);
  EXPECT_EQ(leaks.body["leaks"][0], json({{"stage", "qualified"}, {"reason", "disqualified"}, {"count", 1},
                                          {"share", 1.0}}));
  EXPECT_EQ(get("/api/v1/reports/leaks?period=event&from=2030-01-01").body["exits"], 0);

  // Scope: the vendor counts its own leads only, the viewer all of them.
  EXPECT_EQ(steps("", acme_), (std::vector<int64_t>{2, 2, 1, 1, 1, 0, 0}));
  EXPECT_EQ(steps("?campaign=web-1", acme_), std::vector<int64_t>(7, 0));
  EXPECT_EQ(steps("", viewer_), (std::vector<int64_t>{3, 3, 1, 1, 1, 0, 0}));

  // A segment in the definition's language (URL-encoded).
  EXPECT_EQ(steps("?segment=campaign.vendor%20%3D%20%22Acme%22"), (std::vector<int64_t>{2, 2, 1, 1, 1, 0, 0}));
  EXPECT_EQ(steps("?segment=industry%20%3D%20%22retail%22"), std::vector<int64_t>(7, 0));
  // Personal fields are not segment material.
  Reply email = get("/api/v1/reports/funnel?segment=email%20%3D%20%22a%40acme.example%22");
  EXPECT_EQ(email.status, 422);
  EXPECT_EQ(email.body["error"]["field"], "segment") << email.text;

  // Bad filters are named.
  for (const char* bad : {"?by=colour", "?grade=lukewarm", "?channel=pigeon", "?team=nope", "?from=yesterday",
                          "?segment=industry%20%3D"}) {
    Reply r = get(std::string("/api/v1/reports/funnel") + bad);
    EXPECT_EQ(r.status, 422) << bad << ": " << r.text;
  }
  EXPECT_EQ(get("/api/v1/reports/leaks?period=sometimes").status, 422);

  // Title and free attributes are segment material, current at once.
  Reply vp = post("/api/v1/leads", json{{"email", "vp@web.example"},
                                        {"source_campaign", "web-1"},
                                        {"title", "VP Sales"},
                                        {"attributes", {{"budget", "confirmed"}}}}
                                       .dump());
  ASSERT_EQ(vp.status, 201) << vp.text;
  EXPECT_EQ(steps("?segment=title%20matches%20%22VP%22"), (std::vector<int64_t>{1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(steps("?segment=attributes.budget%20%3D%20%22confirmed%22%20and%20campaign.channel%20%3D%20%22web%22"),
            (std::vector<int64_t>{1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(steps("?segment=attr.budget%20%3D%20%22none%22"), std::vector<int64_t>(7, 0));
}

// Campaigns judged on qualified leads and return: cost per qualified lead,
// per won deal, ROI; a vendor sees its own campaign, without revenue.
TEST_F(ReportApiTest, CampaignEvaluationWithCostRevenueAndRoi) {
  ASSERT_EQ(post("/api/v1/campaigns", R"({"key":"fair-1","channel":"event","cost":1000})").status, 201);
  const int64_t a = capture("a@fair.example", "fair-1");
  const int64_t b = capture("b@fair.example", "fair-1");
  capture("c@fair.example", "fair-1");
  capture("x@acme.example", "acme-1");
  for (int64_t id : {a, b}) move(id, R"({"to":"qualified"})");
  move(a, R"({"to":"accepted"})");
  move(a, R"({"to":"working"})");
  move(a, R"({"to":"opportunity","amount":6000,"expected_close":"2026-12-01"})");
  move(a, R"({"to":"won","revenue":5000})");
  // The fair's conversations: one with a lead (two call-guide answers), one
  // with nobody who became a lead.
  ASSERT_EQ(post("/api/v1/leads/" + std::to_string(b) + "/touches",
                 R"({"campaign":"fair-1","channel":"call","direction":"outbound","outcome":"connected",
                     "data_points":{"budget":"yes","timeframe":"Q3"}})")
                .status,
            201);
  ASSERT_EQ(post("/api/v1/touches", R"({"campaign":"fair-1","channel":"call","direction":"outbound","outcome":"no_answer"})")
                .status,
            201);
  Reply r = get("/api/v1/reports/campaigns");
  ASSERT_EQ(r.status, 200) << r.text;
  json fair;
  for (const json& c : r.body["campaigns"]) {
    if (c["campaign"] == "fair-1") fair = c;
  }
  ASSERT_FALSE(fair.is_null()) << r.text;
  EXPECT_EQ(fair["leads"], 3);
  EXPECT_EQ(fair["qualified"], 2);
  EXPECT_EQ(fair["accepted"], 1);
  EXPECT_EQ(fair["opportunities"], 1);
  EXPECT_EQ(fair["won"], 1);
  EXPECT_EQ(fair["cost"], 1000.0);
  EXPECT_EQ(fair["revenue"], 5000.0);
  EXPECT_EQ(fair["cost_per_qualified_lead"], 500.0);
  EXPECT_EQ(fair["cost_per_won_deal"], 1000.0);
  EXPECT_DOUBLE_EQ(fair["roi"].get<double>(), 4.0);
  EXPECT_EQ(fair["touches"], 2);
  EXPECT_EQ(fair["touches_without_lead"], 1);
  EXPECT_EQ(fair["data_points"], 2);
  EXPECT_EQ(r.body["campaigns"].size(), 3u) << "web-1 has no leads and is listed all the same";
  // The vendor: its own campaign only, and no revenue or ROI.
  Reply v = get("/api/v1/reports/campaigns", acme_);
  ASSERT_EQ(v.body["campaigns"].size(), 1u) << v.text;
  EXPECT_EQ(v.body["campaigns"][0]["campaign"], "acme-1");
  EXPECT_EQ(v.body["campaigns"][0]["leads"], 1);
  EXPECT_TRUE(v.body["campaigns"][0]["revenue"].is_null());
  EXPECT_TRUE(v.body["campaigns"][0]["roi"].is_null());
  // Filters narrow the rows and the leads counted.
  Reply events = get("/api/v1/reports/campaigns?channel=event");
  ASSERT_EQ(events.body["campaigns"].size(), 1u);
  EXPECT_EQ(get("/api/v1/reports/campaigns?channel=event&from=2030-01-01").body["campaigns"][0]["leads"], 0);
}

// Speed to lead, time between steps and stalled leads, on the server's
// manual clock: captured at 09:00, qualified at 10:00, given to e1 at
// 11:00, one accepted at 13:00, then three days pass.
TEST_F(ReportApiTest, SpeedToLeadStageTimesAndStalledLeadsOnTheServersClock) {
  server_.reset();
  server_ = std::make_unique<ServerProcess>(db_, std::vector<std::string>{"--manual-clock", "2026-03-02T09:00:00Z"});
  auto at = [&](const std::string& when) {
    Reply r = post("/api/v1/clock", json{{"now", when}}.dump());
    ASSERT_EQ(r.status, 200) << r.text;
  };
  ASSERT_EQ(post("/api/v1/teams", R"({"key":"emea","region":"EMEA","manager":"mgr-emea"})").status, 201);
  ASSERT_EQ(post("/api/v1/reps", R"({"key":"e1","team":"emea"})").status, 201);
  const int64_t a = capture("a@acme.example", "acme-1");
  const int64_t b = capture("b@acme.example", "acme-1");
  const int64_t w = capture("w@web.example", "web-1");
  at("2026-03-02T10:00:00Z");
  for (int64_t id : {a, b, w}) move(id, R"({"to":"qualified"})");
  at("2026-03-02T11:00:00Z");
  for (int64_t id : {a, b, w}) {
    Reply r = post("/api/v1/leads/" + std::to_string(id) + "/assignment", R"({"rep":"e1"})");
    ASSERT_EQ(r.status, 200) << r.text;
  }
  at("2026-03-02T13:00:00Z");
  move(a, R"({"to":"accepted"})");
  at("2026-03-05T13:00:00Z");

  Reply speed = get("/api/v1/reports/speed-to-lead?by=team");
  ASSERT_EQ(speed.status, 200) << speed.text;
  ASSERT_EQ(speed.body["groups"].size(), 1u) << speed.text;
  const json& emea = speed.body["groups"][0];
  EXPECT_EQ(emea["group"], "emea");
  EXPECT_EQ(emea["assigned"], 3);
  EXPECT_EQ(emea["responded"], 1);
  EXPECT_EQ(emea["awaiting"], 2);
  EXPECT_EQ(emea["response"]["median_hours"], 4.0);
  EXPECT_EQ(get("/api/v1/reports/speed-to-lead?start=qualification").body["groups"][0]["response"]["p90_hours"], 3.0);

  Reply times = get("/api/v1/reports/stage-times");
  ASSERT_EQ(times.status, 200) << times.text;
  const json& steps = times.body["groups"][0]["steps"];
  EXPECT_EQ(steps[0], json({{"from", "captured"}, {"to", "qualified"}, {"count", 3}, {"median_hours", 1.0},
                            {"p90_hours", 1.0}}));
  EXPECT_EQ(steps[1]["count"], 3);
  EXPECT_EQ(steps[1]["median_hours"], 1.0);
  EXPECT_EQ(steps[2]["to"], "accepted");
  EXPECT_EQ(steps[2]["median_hours"], 2.0);
  EXPECT_EQ(steps[3]["count"], 0);
  EXPECT_TRUE(steps[3]["median_hours"].is_null());

  // Two days without a move: b and w wait for e1 since 11:00, a is
  // accepted since 13:00. The oldest first (ties by id).
  Reply stalled = get("/api/v1/reports/stalled?days=2&by=owner");
  ASSERT_EQ(stalled.status, 200) << stalled.text;
  EXPECT_EQ(stalled.body["stalled"], 3);
  EXPECT_EQ(stalled.body["as_of"], "2026-03-05T13:00:00.000Z");
  ASSERT_EQ(stalled.body["groups"].size(), 2u) << stalled.text;
  EXPECT_DOUBLE_EQ(stalled.body["groups"][0]["oldest_days"].get<double>(), 3.0 + 2.0 / 24);
  stalled.body["groups"][0].erase("oldest_days");
  EXPECT_EQ(stalled.body["groups"][0], json({{"group", "e1"}, {"stage", "assigned"}, {"count", 2},
                                             {"oldest_since", "2026-03-02T11:00:00.000Z"}}));
  EXPECT_EQ(stalled.body["groups"][1]["stage"], "accepted");
  ASSERT_EQ(stalled.body["leads"].size(), 3u);
  EXPECT_EQ(stalled.body["leads"][0]["id"], b);
  EXPECT_EQ(stalled.body["leads"][1]["id"], w);
  EXPECT_EQ(stalled.body["leads"][2]["id"], a);
  EXPECT_EQ(get("/api/v1/reports/stalled?days=4").body["stalled"], 0);
  // The vendor sees its own campaign's leads only.
  Reply own = get("/api/v1/reports/stalled?days=2", acme_);
  ASSERT_EQ(own.status, 200) << own.text;
  EXPECT_EQ(own.body["stalled"], 2);
  EXPECT_EQ(get("/api/v1/reports/speed-to-lead", acme_).body["groups"][0]["assigned"], 2);

  for (const char* bad : {"/api/v1/reports/stalled?days=-1", "/api/v1/reports/stalled?limit=lots",
                          "/api/v1/reports/speed-to-lead?start=never", "/api/v1/reports/stage-times?by=mood"}) {
    EXPECT_EQ(get(bad).status, 422) << bad;
  }
  // The CLI reads the same from the file.
  ASSERT_EQ(server_->terminate(), 0);
  testing::CliResult cli = testing::run_cli({"report", "speed", "--db", db_, "--by", "team", "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const json rows = json::parse(cli.out);
  EXPECT_EQ(rows[0]["group"], "emea");
  EXPECT_EQ(rows[0]["responded"], 1);
  EXPECT_EQ(rows[0]["response"]["median_ms"], 4 * 3600000);
}

// The forecast weighs the open opportunities by the win rate of the closed
// ones, per week of expected close; leaderboards rank vendors, campaigns
// and reps. A vendor sees counts without amounts.
TEST_F(ReportApiTest, ForecastAndLeaderboards) {
  ASSERT_EQ(post("/api/v1/teams", R"({"key":"emea","region":"EMEA","manager":"mgr-emea"})").status, 201);
  ASSERT_EQ(post("/api/v1/reps", R"({"key":"e1","team":"emea"})").status, 201);
  struct Deal {
    const char* email;
    const char* campaign;
    int amount;
    const char* close;
    const char* end;  // "won", "lost" or "" (open)
  };
  for (const Deal& d : {Deal{"a@x.example", "acme-1", 6000, "2026-12-01", "won"},
                        Deal{"b@x.example", "acme-1", 4000, "2026-12-03", ""},
                        Deal{"c@x.example", "web-1", 1000, "2026-12-10", "lost"},
                        Deal{"w@x.example", "web-1", 2000, "2026-12-20", ""}}) {
    const int64_t id = capture(d.email, d.campaign);
    move(id, R"({"to":"qualified"})");
    if (std::string(d.campaign) == "acme-1") {
      Reply r = post("/api/v1/leads/" + std::to_string(id) + "/assignment", R"({"rep":"e1"})");
      ASSERT_EQ(r.status, 200) << r.text;
    }
    move(id, R"({"to":"accepted"})");
    move(id, R"({"to":"working"})");
    move(id, json{{"to", "opportunity"}, {"amount", d.amount}, {"expected_close", d.close}}.dump());
    if (std::string(d.end) == "won") {
      // web-1 reached the Acme lead too before the deal closed.
      Reply touch = post("/api/v1/leads/" + std::to_string(id) + "/touches",
                         R"({"campaign":"web-1","channel":"email","direction":"outbound","outcome":"connected"})");
      ASSERT_EQ(touch.status, 201) << touch.text;
      move(id, R"({"to":"won","revenue":5000})");
    }
    if (std::string(d.end) == "lost") move(id, R"({"to":"lost","reason":"price"})");
  }
  Reply all = get("/api/v1/reports/forecast");
  ASSERT_EQ(all.status, 200) << all.text;
  const json& g = all.body["groups"][0];
  EXPECT_EQ(g["opportunities"], 2);
  EXPECT_EQ(g["amount"], 6000.0);
  EXPECT_EQ(g["closed"], json({{"won", 1}, {"lost", 1}}));
  EXPECT_EQ(g["win_rate"], 0.5);
  EXPECT_EQ(g["win_rate_basis"], "overall");
  EXPECT_EQ(g["weighted"], 3000.0);
  ASSERT_EQ(g["weeks"].size(), 2u) << all.text;
  EXPECT_EQ(g["weeks"][0], json({{"week", "2026-11-30"}, {"opportunities", 1}, {"amount", 4000.0}, {"weighted", 2000.0}}));
  EXPECT_EQ(g["weeks"][1]["week"], "2026-12-14");
  Reply by = get("/api/v1/reports/forecast?by=campaign&probability=0.2");
  ASSERT_EQ(by.body["groups"].size(), 2u) << by.text;
  EXPECT_EQ(by.body["groups"][0]["group"], "acme-1");
  EXPECT_EQ(by.body["groups"][0]["weighted"], 800.0);
  EXPECT_EQ(by.body["groups"][0]["win_rate_basis"], "given");
  EXPECT_EQ(get("/api/v1/reports/forecast?probability=2").status, 422);
  Reply vendor = get("/api/v1/reports/forecast", acme_);
  ASSERT_EQ(vendor.status, 200) << vendor.text;
  EXPECT_EQ(vendor.body["groups"][0]["opportunities"], 1);
  EXPECT_TRUE(vendor.body["groups"][0]["amount"].is_null());

  // Attribution: captured by acme-1, last touched by web-1.
  Reply credit = get("/api/v1/reports/attribution");
  ASSERT_EQ(credit.status, 200) << credit.text;
  EXPECT_EQ(credit.body["revenue"], 5000.0);
  ASSERT_EQ(credit.body["campaigns"].size(), 2u) << credit.text;
  EXPECT_EQ(credit.body["campaigns"][0], json({{"campaign", "acme-1"}, {"deals", 1}, {"first_touch", 5000.0},
                                               {"last_touch", 0.0}, {"linear", 2500.0}}));
  EXPECT_EQ(credit.body["campaigns"][1], json({{"campaign", "web-1"}, {"deals", 1}, {"first_touch", 0.0},
                                               {"last_touch", 5000.0}, {"linear", 2500.0}}));
  Reply vendor_credit = get("/api/v1/reports/attribution", acme_);
  ASSERT_EQ(vendor_credit.status, 200) << vendor_credit.text;
  EXPECT_TRUE(vendor_credit.body["revenue"].is_null());
  ASSERT_EQ(vendor_credit.body["campaigns"].size(), 1u) << "web-1 is not Acme's to see";
  EXPECT_EQ(vendor_credit.body["campaigns"][0]["campaign"], "acme-1");
  EXPECT_TRUE(vendor_credit.body["campaigns"][0]["linear"].is_null());
  Reply vendors = get("/api/v1/reports/leaderboard");
  ASSERT_EQ(vendors.status, 200) << vendors.text;
  ASSERT_EQ(vendors.body["rows"].size(), 1u) << "web-1 has no vendor";
  EXPECT_EQ(vendors.body["rows"][0]["vendor"], "Acme");
  EXPECT_EQ(vendors.body["rows"][0]["accepted"], 2);
  EXPECT_EQ(vendors.body["rows"][0]["rank"], 1);
  Reply reps = get("/api/v1/reports/leaderboard?of=reps&rank=speed");
  ASSERT_EQ(reps.status, 200) << reps.text;
  ASSERT_EQ(reps.body["rows"].size(), 1u) << reps.text;
  EXPECT_EQ(reps.body["rows"][0]["rep"], "e1");
  EXPECT_EQ(reps.body["rows"][0]["team"], "emea");
  EXPECT_EQ(reps.body["rows"][0]["assigned"], 2);
  EXPECT_EQ(reps.body["rows"][0]["won"], 1);
  EXPECT_EQ(reps.body["rows"][0]["conversion"], 0.5);
  EXPECT_EQ(get("/api/v1/reports/leaderboard?of=campaigns").body["rows"].size(), 2u);
  EXPECT_EQ(get("/api/v1/reports/leaderboard?of=planets").status, 422);
  EXPECT_EQ(get("/api/v1/reports/leaderboard?of=vendors&rank=speed").status, 422);
}

// The raw history for BI tools: every event, in commit order, with the
// stage codes in their own columns; narrowed by type, time and scope; the
// CLI writes the same file.
TEST_F(ReportApiTest, TheEventsExportIsTheRawHistoryInCommitOrder) {
  const int64_t a = capture("a@acme.example", "acme-1");
  const int64_t w = capture("w@web.example", "web-1");
  move(a, R"({"to":"qualified"})");
  move(a, R"({"to":"rejected","reason":"no_budget","note":"said \"no\", twice"})");
  Reply r = get("/api/v1/exports/events.csv");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.header("Content-Type").rfind("text/csv", 0), 0u) << r.header("Content-Type");
  std::vector<std::string> lines;
  std::stringstream in(r.text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u) << r.text;  // header, two captures, two moves
  EXPECT_EQ(lines[0], "event_id,lead_id,campaign,type,at,actor,from,to,exit,reason,payload\r");
  EXPECT_NE(lines[1].find("," + std::to_string(a) + ",acme-1,captured,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("," + std::to_string(w) + ",web-1,captured,"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find(",stage_changed,"), std::string::npos);
  EXPECT_NE(lines[3].find(",captured,qualified,,,"), std::string::npos) << lines[3];
  EXPECT_NE(lines[4].find(",qualified,rejected,rejected:no_budget,no_budget,"), std::string::npos) << lines[4];
  // The payload is one quoted CSV field, its quotes doubled.
  EXPECT_NE(lines[4].find(R"(""note"":""said \""no\"", twice"")"), std::string::npos) << lines[4];

  // By type and period, and the vendor's own leads only.
  Reply moves = get("/api/v1/exports/events.csv?type=stage_changed");
  EXPECT_EQ(std::count(moves.text.begin(), moves.text.end(), '\n'), 3) << moves.text;
  Reply later = get("/api/v1/exports/events.csv?from=2030-01-01");
  EXPECT_EQ(std::count(later.text.begin(), later.text.end(), '\n'), 1) << later.text;
  Reply own = get("/api/v1/exports/events.csv", acme_);
  ASSERT_EQ(own.status, 200) << own.text;
  EXPECT_EQ(own.text.find("web-1"), std::string::npos) << own.text;
  EXPECT_EQ(std::count(own.text.begin(), own.text.end(), '\n'), 4);
  EXPECT_EQ(get("/api/v1/exports/events.csv", viewer_).status, 403);
  EXPECT_EQ(get("/api/v1/exports/events.csv?from=soon").status, 422);

  // The CLI writes the same file from the database.
  ASSERT_EQ(server_->terminate(), 0);
  const std::string out = dir_.file("events.csv");
  testing::CliResult cli = testing::run_cli({"export", "events", "--db", db_, "--out", out});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.err.find("exported 4 events"), std::string::npos) << cli.err;
  std::ifstream file(out, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, r.text);
  // `leadloop export` alone still exports the leads.
  testing::CliResult leads = testing::run_cli({"export", "--db", db_});
  ASSERT_EQ(leads.exit_code, 0) << leads.err;
  EXPECT_EQ(leads.out.rfind("id,email,", 0), 0u) << leads.out;
}

// The projection is loaded at start: a restarted server reports the same.
TEST_F(ReportApiTest, ARestartedServerReportsTheSame) {
  const int64_t a = capture("a@acme.example", "acme-1");
  move(a, R"({"to":"qualified"})");
  move(a, R"({"to":"disqualified"})");
  const json before = get("/api/v1/reports/funnel?by=campaign").body;
  const json leaks = get("/api/v1/reports/leaks").body;
  ASSERT_EQ(server_->terminate(), 0);
  // The CLI reads the same figures from the file.
  testing::CliResult cli = testing::run_cli({"report", "funnel", "--db", db_, "--by", "campaign", "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const json groups = json::parse(cli.out);
  ASSERT_EQ(groups.size(), before["groups"].size());
  for (size_t g = 0; g < groups.size(); ++g) {
    EXPECT_EQ(groups[g]["group"], before["groups"][g]["group"]);
    for (size_t i = 0; i < 7; ++i) {
      EXPECT_EQ(groups[g]["steps"][i]["reached"], before["groups"][g]["steps"][i]["reached"]);
    }
  }
  testing::CliResult cli_leaks = testing::run_cli({"report", "leaks", "--db", db_, "--json"});
  ASSERT_EQ(cli_leaks.exit_code, 0) << cli_leaks.err;
  EXPECT_EQ(json::parse(cli_leaks.out)["exits"], leaks["exits"]);
  server_ = std::make_unique<ServerProcess>(db_);
  EXPECT_EQ(get("/api/v1/reports/funnel?by=campaign").body, before);
  EXPECT_EQ(get("/api/v1/reports/leaks").body, leaks);
}

}  // namespace
}  // namespace leadloop
