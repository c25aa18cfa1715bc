// Closed-loop feedback over HTTP against the real server and a real SQLite
// file: a link made by the campaign side, its public page (escaped, no
// scripts, no token in it), an answer by form and by JSON recorded once as
// the rep, every bad token refused with the right status, the link of one
// lead leaving the others alone, the CLI's link, and the campaign's feedback
// view with its roles.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "access/feedback_links.h"
#include "server_process.h"
#include "test_store.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

// Every graded lead waits in the queue, where sales may accept or reject it.
constexpr const char* kDefinition = R"(name: Feedback test
required_fields: [email or phone]
grades:
  hot:
    - when: title matches "VP|Director"
      says: decision maker
  warm:
    - when: title matches "Manager"
      says: manager
  cold: []
reject_reasons:
  - code: no_budget
    label: No budget this year
  - code: bad_timing
    label: Not now
routing:
  by_grade: {hot: queue, warm: queue, cold: queue}
)";

constexpr const char* kXss = "<img src=x onerror=alert(1)>";

class FeedbackApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("feedback.db");
    for (const char* role : {"admin", "marketing", "sales_manager", "sales_rep", "vendor", "viewer"}) {
      std::vector<std::string> bound;
      if (std::string(role) == "vendor") bound = {"--vendor", "CallPro"};
      if (std::string(role) == "sales_rep") bound = {"--rep", "Rita"};
      tokens_[role] = testing::create_token(db_, role, bound);
    }
    server_ = std::make_unique<ServerProcess>(db_);
    ASSERT_EQ(post("admin", "/api/v1/campaigns", R"({"key":"web-1","name":"Spring webinar","channel":"web","vendor":"CallPro"})").status,
              201);
    activate_definition();
  }

  Reply post(const std::string& role, const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    return reply_of(server_->client(tokens_[role])->Post(path.c_str(), body, type.c_str()));
  }
  Reply get(const std::string& path, const std::string& role = "admin") {
    return reply_of(server_->client(tokens_[role])->Get(path.c_str()));
  }
  // The public pages, with no token at all.
  Reply get_public(const std::string& path) { return reply_of(server_->client()->Get(path.c_str())); }
  Reply post_public(const std::string& path, const std::string& body, const std::string& type) {
    return reply_of(server_->client()->Post(path.c_str(), body, type.c_str()));
  }
  Reply post_form(const std::string& url, const std::string& form) {
    return post_public(url, form, "application/x-www-form-urlencoded");
  }

  void activate_definition() {
    Reply d = post("marketing", "/api/v1/definition/versions", kDefinition, "application/yaml");
    ASSERT_EQ(d.status, 201) << d.text;
    const std::string v = std::to_string(d.body["version"].get<int64_t>());
    const json approval = {{"hash", d.body["hash"]}};
    ASSERT_EQ(post("marketing", "/api/v1/definition/versions/" + v + "/approvals", approval.dump()).status, 201);
    ASSERT_EQ(post("sales_manager", "/api/v1/definition/versions/" + v + "/approvals", approval.dump()).status, 201);
    ASSERT_EQ(post("admin", "/api/v1/definition/versions/" + v + "/activate", "").status, 200);
  }

  int64_t capture(const json& lead) {
    json l = lead;
    l["source_campaign"] = "web-1";
    Reply r = post("admin", "/api/v1/leads", l.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("id", int64_t{0});
  }

  Reply make_link(int64_t lead, const json& body = {{"rep", "Rita"}}, const std::string& role = "marketing") {
    return post(role, "/api/v1/leads/" + std::to_string(lead) + "/feedback-links", body.dump());
  }
  // The URL of a new link for `lead`.
  std::string link_url(int64_t lead) {
    Reply r = make_link(lead);
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("url", std::string());
  }

  std::string stage_of(int64_t lead) { return get("/api/v1/leads/" + std::to_string(lead)).body.value("stage", ""); }
  json timeline(int64_t lead) { return get("/api/v1/leads/" + std::to_string(lead) + "/timeline").body["events"]; }

  TempDir dir_;
  std::string db_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(FeedbackApiTest, ALinkIsMadeByTheCampaignSideForOneLead) {
  int64_t lead = capture({{"email", "ann@example.com"}, {"title", "VP Sales"}});
  Reply r = make_link(lead, {{"rep", "Rita"}, {"expires_in_hours", 72}});
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["lead"], lead);
  EXPECT_EQ(r.body["rep"], "Rita");
  const std::string token = r.body["token"];
  EXPECT_EQ(token.rfind("flk_", 0), 0u);
  EXPECT_EQ(r.body["url"], "/feedback/" + token);
  EXPECT_TRUE(r.body["id"].is_number_integer());
  EXPECT_TRUE(r.body["expires_at"].is_string());

  EXPECT_EQ(make_link(lead, {{"rep", "Rita"}}, "sales_rep").status, 403);
  EXPECT_EQ(make_link(lead, {{"rep", "Rita"}}, "vendor").status, 403);
  EXPECT_EQ(reply_of(server_->client()->Post(("/api/v1/leads/" + std::to_string(lead) + "/feedback-links").c_str(),
                                             R"({"rep":"Rita"})", "application/json"))
                .status,
            401);
  EXPECT_EQ(make_link(lead, {{"rep", ""}}).status, 422);
  EXPECT_EQ(make_link(lead, json::object()).status, 422);
  EXPECT_EQ(make_link(lead, {{"rep", "Rita"}, {"expires_in_hours", 0}}).status, 422);
  EXPECT_EQ(make_link(lead, {{"rep", "Rita"}, {"expires_in_hours", 2161}}).status, 422);
  EXPECT_EQ(make_link(lead, {{"rep", "Rita"}, {"hours", 3}}).status, 422);
  EXPECT_EQ(make_link(99999).status, 404);
}

TEST_F(FeedbackApiTest, ThePageShowsTheLeadEscapedAndNeverTheToken) {
  int64_t lead = capture({{"email", "x@example.com"},
                          {"first_name", kXss},
                          {"company", "Smith & \"Sons\""},
                          {"title", "VP Sales"}});
  const std::string url = link_url(lead);
  Reply page = get_public(url);
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_EQ(page.header("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_EQ(page.text.find(kXss), std::string::npos);
  EXPECT_NE(page.text.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(page.text.find("Smith &amp; &quot;Sons&quot;"), std::string::npos);
  EXPECT_NE(page.text.find("Spring webinar"), std::string::npos);
  EXPECT_NE(page.text.find("decision maker"), std::string::npos);  // the grading summary
  EXPECT_NE(page.text.find("<option value=\"no_budget\">No budget this year</option>"), std::string::npos);
  EXPECT_NE(page.text.find("<form method=\"post\">"), std::string::npos);
  EXPECT_EQ(page.text.find("<script"), std::string::npos);
  EXPECT_EQ(page.text.find(url.substr(10)), std::string::npos);  // the token
  EXPECT_NE(page.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
}

TEST_F(FeedbackApiTest, AFormRejectionIsRecordedOnceAsTheRepAndLeavesOtherLeadsAlone) {
  int64_t a = capture({{"email", "ann@example.com"}, {"title", "VP Sales"}});
  int64_t b = capture({{"email", "bob@example.com"}, {"title", "VP Sales"}});
  const std::string b_url = link_url(b);
  const std::string url = link_url(a);
  const std::string stage_b = stage_of(b);

  Reply done = post_form(url, "answer=reject&reason=no_budget&note=Budget+frozen+%26+no+plans");
  ASSERT_EQ(done.status, 200) << done.text;
  EXPECT_EQ(done.header("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_NE(done.text.find("Thank you, Rita"), std::string::npos);
  EXPECT_NE(done.text.find("No budget this year"), std::string::npos);
  EXPECT_EQ(stage_of(a), "rejected");
  json last = timeline(a).back();
  EXPECT_EQ(last["type"], "stage_changed");
  EXPECT_EQ(last["actor"], "link:Rita");
  EXPECT_EQ(last["payload"]["reason"], "no_budget");
  EXPECT_EQ(last["payload"]["note"], "Budget frozen & no plans");

  // Used: the second answer and the page both say so.
  Reply again = post_form(url, "answer=accept");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.text.find("answered already"), std::string::npos);
  EXPECT_EQ(get_public(url).status, 409);
  EXPECT_EQ(post_public(url, R"({"answer":"accept"})", "application/json").body["error"]["code"], "conflict");
  EXPECT_EQ(stage_of(a), "rejected");

  // The other lead and its own link are untouched.
  EXPECT_EQ(stage_of(b), stage_b);
  for (const auto& e : timeline(b)) {
    if (e["type"] == "stage_changed") {
      EXPECT_EQ(e["actor"], "routing") << e.dump();  // only its queueing
    }
  }
  EXPECT_EQ(get_public(b_url).status, 200);

  // The server log does not hold the tokens.
  std::string log = testing::read_file(db_ + ".server.log");
  EXPECT_NE(log.find("/feedback/<token>"), std::string::npos);
  EXPECT_EQ(log.find(url.substr(10)), std::string::npos);
}

TEST_F(FeedbackApiTest, AJsonAnswerGetsTheLeadBackAndBadAnswersDoNotUseTheLink) {
  int64_t lead = capture({{"email", "ann@example.com"}, {"title", "Marketing Manager"}});
  const std::string url = link_url(lead);
  Reply unknown = post_public(url, R"({"answer":"reject","reason":"too_small"})", "application/json");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.body["error"]["field"], "reason");
  EXPECT_EQ(post_public(url, R"({"answer":"maybe"})", "application/json").status, 422);
  EXPECT_EQ(post_public(url, R"({"answer":"accept","extra":1})", "application/json").status, 422);
  EXPECT_EQ(post_public(url, "answer=accept", "text/plain").status, 415);
  // A form without a reason gets the form again with the problem.
  Reply form = post_form(url, "answer=reject&reason=");
  EXPECT_EQ(form.status, 422);
  EXPECT_NE(form.text.find("needs a reason"), std::string::npos);
  EXPECT_NE(form.text.find("<form method=\"post\">"), std::string::npos);

  Reply ok = post_public(url, R"({"answer":"accept","note":"calling Monday"})", "application/json");
  ASSERT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["id"], lead);
  EXPECT_EQ(ok.body["stage"], "accepted");
}

TEST_F(FeedbackApiTest, ForgedMalformedAndExpiredTokensAreRefused) {
  int64_t lead = capture({{"email", "ann@example.com"}, {"title", "VP Sales"}});
  const std::string url = link_url(lead);
  const std::string before = stage_of(lead);
  std::string forged = url;
  forged[20] = forged[20] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {forged, std::string("/feedback/flk_nonsense"), url + "x"}) {
    Reply page = get_public(bad);
    EXPECT_EQ(page.status, 401) << bad;
    EXPECT_EQ(page.header("Content-Type").rfind("text/html", 0), 0u);
    EXPECT_NE(page.text.find("This feedback link is not valid."), std::string::npos);
    EXPECT_EQ(page.text.find(bad.substr(10)), std::string::npos);
    EXPECT_EQ(post_form(bad, "answer=accept").status, 401);
    Reply json_reply = post_public(bad, R"({"answer":"accept"})", "application/json");
    EXPECT_EQ(json_reply.status, 401);
    EXPECT_EQ(json_reply.body["error"]["code"], "unauthorized");
  }
  EXPECT_EQ(stage_of(lead), before);

  // An expired link: made through the library on the same database (which
  // holds the key) with a clock two days back; the server's clock is now.
  auto store = testing::open_test_store(db_).value();
  ManualClock past(SystemClock().now() - 2 * kMillisPerDay);
  CampaignCatalog campaigns(*store, past);
  ActiveDefinition active(campaigns);
  Intake intake(*store, past, campaigns, &active);
  Lifecycle lifecycle(*store, past, intake, active);
  FeedbackLinks links(*store, past, lifecycle);
  ASSERT_TRUE(links.open().ok());
  auto expired = links.create(lead, "Rita", past.now() + kMillisPerHour, "token:7:owner");
  ASSERT_TRUE(expired.ok()) << expired.status().to_string();
  Reply page = get_public("/feedback/" + expired->token);
  EXPECT_EQ(page.status, 403);
  EXPECT_NE(page.text.find("expired on"), std::string::npos);
  EXPECT_NE(page.text.find("ask token:7:owner for a new one"), std::string::npos);
  EXPECT_EQ(post_form("/feedback/" + expired->token, "answer=accept").status, 403);
  EXPECT_EQ(stage_of(lead), before);
}

TEST_F(FeedbackApiTest, TheCliMakesALinkTheServerTakes) {
  int64_t lead = capture({{"email", "ann@example.com"}, {"title", "VP Sales"}});
  testing::CliResult r =
      testing::run_cli({"feedback-link", std::to_string(lead), "--rep", "Rita", "--hours", "24", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string path = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(path.rfind("/feedback/flk_", 0), 0u);
  EXPECT_NE(r.out.find("expires "), std::string::npos);
  EXPECT_EQ(get_public(path).status, 200);
  EXPECT_EQ(testing::run_cli({"feedback-link", "99999", "--rep", "Rita", "--db", db_}).exit_code, 1);
}

TEST_F(FeedbackApiTest, TheCampaignViewCountsAnswersReasonsAndWhoGaveThem) {
  int64_t a = capture({{"email", "a@example.com"}, {"title", "VP Sales"}});
  int64_t b = capture({{"email", "b@example.com"}, {"title", "VP Sales"}});
  int64_t c = capture({{"email", "c@example.com"}, {"title", "Manager"}});
  capture({{"email", "d@example.com"}, {"title", "Manager"}});
  ASSERT_EQ(post_form(link_url(a), "answer=reject&reason=no_budget&note=frozen").status, 200);
  ASSERT_EQ(post_form(link_url(b), "answer=accept").status, 200);
  ASSERT_EQ(post("sales_manager", "/api/v1/leads/" + std::to_string(c) + "/transitions",
                 R"({"to":"rejected","reason":"bad_timing"})")
                .status,
            200);

  Reply f = get("/api/v1/campaigns/web-1/feedback", "vendor");
  ASSERT_EQ(f.status, 200) << f.text;
  EXPECT_EQ(f.body["campaign"], "web-1");
  EXPECT_EQ(f.body["leads"], 4);
  EXPECT_EQ(f.body["answered"], 3);
  EXPECT_EQ(f.body["accepted"], 1);
  EXPECT_EQ(f.body["rejected"], 2);
  EXPECT_DOUBLE_EQ(f.body["accepted_share"].get<double>(), 1.0 / 3.0);
  ASSERT_EQ(f.body["reject_reasons"].size(), 2u);
  for (const auto& r : f.body["reject_reasons"]) {
    EXPECT_EQ(r["count"], 1);
    EXPECT_DOUBLE_EQ(r["share"].get<double>(), 0.5);
  }
  EXPECT_EQ(f.body["reject_reasons"][0]["code"], "bad_timing");  // ties by code
  EXPECT_EQ(f.body["reject_reasons"][1]["label"], "No budget this year");
  // A vendor sees outcomes but never revenue.
  EXPECT_EQ(f.body["outcomes"],
            json({{"working", 0}, {"opportunity", 0}, {"won", 0}, {"lost", 0}, {"revenue", nullptr}}));
  EXPECT_EQ(get("/api/v1/campaigns/web-1/feedback").body["outcomes"]["revenue"], 0.0);
  ASSERT_EQ(f.body["recent"].size(), 3u);
  EXPECT_EQ(f.body["recent"][0]["lead"], c);
  EXPECT_EQ(f.body["recent"][2]["lead"], a);
  EXPECT_EQ(f.body["recent"][2]["actor"], "link:Rita");
  EXPECT_EQ(f.body["recent"][2]["to"], "rejected");
  EXPECT_EQ(f.body["recent"][2]["reason"], "no_budget");
  EXPECT_EQ(f.body["recent"][2]["note"], "frozen");
  EXPECT_TRUE(f.body["recent"][2]["on_behalf_of"].is_null());

  EXPECT_EQ(get("/api/v1/campaigns/nope/feedback").status, 404);
  EXPECT_EQ(get("/api/v1/campaigns/web-1/feedback", "viewer").status, 403);
  EXPECT_EQ(get_public("/api/v1/campaigns/web-1/feedback").status, 401);
  Reply empty = get("/api/v1/campaigns/web-1/feedback", "sales_rep");
  EXPECT_EQ(empty.status, 200);
}

}  // namespace
}  // namespace leadloop
