// E-mail through the delivery engine, end to end: the real `leadloop serve
// --manual-clock --smtp ...` and a real SMTP server (tests/tools/smtp_sink.py).
// An SLA breach mails the team's manager exactly once, also as the clock
// moves on; a 451 for one address is retried on the schedule and then
// delivered; a 550 makes that delivery dead and nothing else; the daily
// digest goes out once at its hour; a double opt-in form post mails the
// confirm link, which works; GET /api/v1/deliveries lists e-mail deliveries.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "server_process.h"
#include "smtp_sink.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::SmtpSink;
using testing::TempDir;

constexpr const char* kDefinition = R"(name: Mail test
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

constexpr const char* kPublicUrl = "http://leads.example";

class MailDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("mail.db");
    for (const char* role : {"admin", "marketing", "sales_manager"}) tokens_[role] = testing::create_token(db_, role);
    tokens_["e1"] = testing::create_token(db_, "sales_rep", {"--rep", "e1"});
  }
  void TearDown() override {
    if (!HasFailure()) return;
    std::ifstream in(db_ + ".server.log");
    std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::cerr << "server log (end):\n" << log.substr(log.size() > 4000 ? log.size() - 4000 : 0) << "\n";
  }

  // The server on the sink at 2026-03-02T09:00Z, a team "emea" managed by
  // mgr-emea, reps e1 and e2 with addresses, and the definition active.
  // Without `smtp` the server has no SMTP server on its command line.
  void start(testing::SinkOptions sink = {}, std::vector<std::string> extra = {}, bool smtp = true) {
    sink_ = std::make_unique<SmtpSink>(std::move(sink));
    std::vector<std::string> args = {"--manual-clock", "2026-03-02T09:00:00Z"};
    if (smtp) {
      args.insert(args.end(), {"--smtp", sink_->url(), "--smtp-from", "Leadloop <leads@corp.example>", "--public-url",
                               kPublicUrl});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(db_, args);
    ASSERT_EQ(post("admin", "/api/v1/campaigns", R"({"key":"web-1","channel":"web","owner":"olivia"})").status, 201);
    ASSERT_EQ(post("admin", "/api/v1/teams", R"({"key":"emea","region":"EMEA","manager":"mgr-emea"})").status, 201);
    ASSERT_EQ(post("admin", "/api/v1/teams", R"({"key":"hq","region":"HQ"})").status, 201);
    for (const auto& [rep, team, email] : std::vector<std::array<std::string, 3>>{
             {"mgr-emea", "hq", "mgr@corp.example"}, {"e1", "emea", "e1@corp.example"}, {"e2", "emea", "e2@corp.example"}}) {
      Reply r = post("sales_manager", "/api/v1/reps",
                     json{{"key", rep}, {"name", "Rep " + rep}, {"team", team}, {"email", email}}.dump());
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

  Reply post(const std::string& role, const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    return reply_of(server_->client(tokens_[role])->Post(path.c_str(), body, type.c_str()));
  }
  Reply get(const std::string& path, const std::string& role = "admin") {
    return reply_of(server_->client(tokens_[role])->Get(path.c_str()));
  }
  // Moves the clock; the route runs the timers and the delivery engine.
  void set_clock(const std::string& at) {
    Reply r = post("admin", "/api/v1/clock", json{{"now", at}}.dump());
    ASSERT_EQ(r.status, 200) << r.text;
  }
  int64_t capture(const std::string& email, const std::string& title = "VP") {
    json lead = {{"email", email}, {"title", title}, {"country", "DE"}, {"source_campaign", "web-1"}};
    Reply r = post("admin", "/api/v1/leads", lead.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("id", int64_t{0});
  }
  // The messages the sink kept for this address.
  std::vector<json> mail_to(const std::string& address) {
    std::vector<json> out;
    for (const json& m : sink_->messages()) {
      for (const auto& r : m["rcpt_tos"]) {
        if (r == address) out.push_back(m);
      }
    }
    return out;
  }
  // The e-mail deliveries the API lists for this address.
  std::vector<json> deliveries_to(const std::string& address, const std::string& message_prefix = "") {
    Reply r = get("/api/v1/deliveries?limit=500");
    EXPECT_EQ(r.status, 200) << r.text;
    std::vector<json> out;
    for (const json& d : r.body["deliveries"]) {
      if (d["destination"] == "email:" + address && d["message"].get<std::string>().starts_with(message_prefix)) {
        out.push_back(d);
      }
    }
    return out;
  }

  TempDir dir_;
  std::string db_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(MailDeliveryTest, AnSlaBreachMailsTheManagerExactlyOnceAndIsListed) {
  start();
  const int64_t id = capture("vp@example.de");
  set_clock("2026-03-02T12:59:59Z");
  EXPECT_TRUE(mail_to("mgr@corp.example").empty());
  set_clock("2026-03-02T13:00:00Z");  // breached
  auto kept = sink_->wait_for(1);
  std::vector<json> mails = mail_to("mgr@corp.example");
  ASSERT_EQ(mails.size(), 1u) << json(kept).dump();
  EXPECT_EQ(mails[0]["subject"], "SLA breach: vp@example.de () was not followed up")
      << mails[0]["subject"];
  EXPECT_NE(mails[0]["from"].get<std::string>().find("leads@corp.example"), std::string::npos);
  const std::string text = mails[0]["text"];
  EXPECT_NE(text.find(std::string(kPublicUrl) + "/leads/" + std::to_string(id)), std::string::npos) << text;
  EXPECT_NE(text.find("Rep e1"), std::string::npos) << text;

  // The clock moves on (the breach is not repeated, the mail neither).
  set_clock("2026-03-02T13:30:00Z");
  set_clock("2026-03-02T14:00:00Z");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(mail_to("mgr@corp.example").size(), 1u);

  std::vector<json> listed = deliveries_to("mgr@corp.example");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["channel"], "email");
  EXPECT_EQ(listed[0]["type"], "sla_breach");
  EXPECT_EQ(listed[0]["state"], "delivered");
  EXPECT_EQ(listed[0]["attempts"], 1);
  EXPECT_TRUE(listed[0]["message"].get<std::string>().starts_with("outbox:"));
  EXPECT_EQ(listed[0]["last_status"], 250);

  // Killed without warning and started again: nothing is sent twice.
  server_->kill9();
  server_ = std::make_unique<ServerProcess>(
      db_, std::vector<std::string>{"--manual-clock", "2026-03-02T14:00:00Z", "--smtp", sink_->url(), "--smtp-from",
                                    "leads@corp.example", "--public-url", kPublicUrl});
  set_clock("2026-03-02T14:10:00Z");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(mail_to("mgr@corp.example").size(), 1u);
  EXPECT_EQ(deliveries_to("mgr@corp.example").size(), 1u);
}

TEST_F(MailDeliveryTest, AnAdminsSmtpSettingIsInForceAtOnceAndTurnsMailOffAgain) {
  start({}, {}, /*smtp=*/false);
  auto put_settings = [&](const json& body) {
    Reply r = reply_of(server_->client(tokens_["admin"])->Put("/api/v1/settings/mail", body.dump(), "application/json"));
    EXPECT_EQ(r.status, 200) << r.text;
    EXPECT_EQ(r.body["in_force"], true) << r.text;
    EXPECT_EQ(r.body["overridden_by_command_line"], false) << r.text;
  };
  capture("first@example.de");
  set_clock("2026-03-02T13:00:00Z");  // breached, with no SMTP server: no mail is made
  EXPECT_TRUE(deliveries_to("mgr@corp.example").empty());

  // The admin names the sink: the next breach is mailed, without a restart,
  // from the sender and with the links the setting gives.
  put_settings({{"smtp", sink_->url()}, {"from", "Ops <ops@corp.example>"}, {"base_url", "https://ops.example"}});
  const int64_t second = capture("second@example.de");
  set_clock("2026-03-02T17:00:00Z");
  sink_->wait_for(1);
  std::vector<json> mails = mail_to("mgr@corp.example");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0]["from"].get<std::string>().find("ops@corp.example"), std::string::npos) << mails[0]["from"];
  EXPECT_NE(mails[0]["text"].get<std::string>().find("https://ops.example/leads/" + std::to_string(second)),
            std::string::npos)
      << mails[0]["text"];
  ASSERT_EQ(deliveries_to("mgr@corp.example").size(), 1u);
  EXPECT_EQ(deliveries_to("mgr@corp.example")[0]["state"], "delivered");

  // Mail turned off again: the next breach makes no mail.
  put_settings({{"smtp", ""}});
  capture("third@example.de");
  set_clock("2026-03-02T21:00:00Z");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(mail_to("mgr@corp.example").size(), 1u);
  EXPECT_EQ(deliveries_to("mgr@corp.example").size(), 1u);
}

TEST_F(MailDeliveryTest, A451IsRetriedOnTheScheduleAndA550IsDeadForThatAddressOnly) {
  testing::SinkOptions sink;
  sink.fail4 = {"e2@corp.example"};
  sink.fail4_times = 1;
  sink.fail5 = {"mgr@corp.example"};
  start(sink);
  capture("vp@example.de");
  set_clock("2026-03-02T13:00:00Z");  // breach: to the manager, refused for good
  std::vector<json> mgr = deliveries_to("mgr@corp.example");
  ASSERT_EQ(mgr.size(), 1u);
  EXPECT_EQ(mgr[0]["state"], "dead");
  EXPECT_EQ(mgr[0]["attempts"], 1);
  EXPECT_EQ(mgr[0]["last_status"], 550);

  set_clock("2026-03-02T15:00:00Z");  // reassigned to e2, whose server says 451 once
  std::vector<json> e2 = deliveries_to("e2@corp.example");
  ASSERT_EQ(e2.size(), 1u);
  EXPECT_EQ(e2[0]["type"], "reassigned");
  EXPECT_EQ(e2[0]["state"], "pending");
  EXPECT_EQ(e2[0]["last_status"], 451);
  EXPECT_TRUE(mail_to("e2@corp.example").empty());
  set_clock("2026-03-02T15:00:03Z");  // before the 5 s (-10%) retry
  EXPECT_EQ(deliveries_to("e2@corp.example")[0]["attempts"], 1);
  set_clock("2026-03-02T15:00:10Z");
  e2 = deliveries_to("e2@corp.example");
  EXPECT_EQ(e2[0]["state"], "delivered");
  EXPECT_EQ(e2[0]["attempts"], 2);
  ASSERT_EQ(mail_to("e2@corp.example").size(), 1u);
  EXPECT_NE(mail_to("e2@corp.example")[0]["subject"].get<std::string>().find("vp@example.de"), std::string::npos);
  // The dead one stays dead; the manager's other mail is not held back by it.
  EXPECT_EQ(deliveries_to("mgr@corp.example")[0]["state"], "dead");
  EXPECT_TRUE(mail_to("mgr@corp.example").empty());

  // The list by channel (the deliveries page's filter), and by channel and state.
  Reply email = get("/api/v1/deliveries?channel=email");
  ASSERT_EQ(email.status, 200) << email.text;
  ASSERT_EQ(email.body["deliveries"].size(), 2u) << email.text;
  for (const json& d : email.body["deliveries"]) EXPECT_EQ(d["channel"], "email") << d.dump();
  Reply dead = get("/api/v1/deliveries?channel=email&state=dead");
  ASSERT_EQ(dead.body["deliveries"].size(), 1u) << dead.text;
  EXPECT_EQ(dead.body["deliveries"][0]["destination"], "email:mgr@corp.example");
  Reply hooks = get("/api/v1/deliveries?channel=webhook");
  ASSERT_EQ(hooks.status, 200) << hooks.text;
  EXPECT_TRUE(hooks.body["deliveries"].empty()) << hooks.text;
  Reply bad = get("/api/v1/deliveries?channel=sms");
  EXPECT_EQ(bad.status, 422) << bad.text;
  EXPECT_EQ(bad.body["error"]["field"], "channel") << bad.text;
}

TEST_F(MailDeliveryTest, TheDailyDigestGoesOutOnceAtItsHourToRepsWhoChoseIt) {
  start({}, {"--digest-hour", "10"});
  Reply chose = reply_of(server_->client(tokens_["e1"])->Put("/api/v1/me/notifications", R"({"daily_digest":true})",
                                                             "application/json"));
  ASSERT_EQ(chose.status, 200) << chose.text;
  capture("vp@example.de");   // e1's, due 13:00
  capture("vp2@example.de");  // e2's: e2 did not choose the digest
  set_clock("2026-03-02T09:59:59Z");
  EXPECT_TRUE(mail_to("e1@corp.example").empty());
  set_clock("2026-03-02T10:00:00Z");
  std::vector<json> mails = mail_to("e1@corp.example");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["subject"], "1 lead(s) due on 2026-03-02");
  EXPECT_NE(mails[0]["text"].get<std::string>().find("vp@example.de"), std::string::npos);
  set_clock("2026-03-02T11:00:00Z");
  EXPECT_EQ(mail_to("e1@corp.example").size(), 1u);
  EXPECT_TRUE(mail_to("e2@corp.example").empty());
  std::vector<json> listed = deliveries_to("e1@corp.example", "digest:");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["message"], "digest:e1:2026-03-02");
  EXPECT_EQ(listed[0]["type"], "daily_digest");
  // The next day brings the next one, once.
  set_clock("2026-03-03T10:00:00Z");
  set_clock("2026-03-03T10:30:00Z");
  listed = deliveries_to("e1@corp.example", "digest:");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["message"].get<std::string>() + " " + listed[1]["message"].get<std::string>(),
            "digest:e1:2026-03-02 digest:e1:2026-03-03");
}

TEST_F(MailDeliveryTest, ADoubleOptInPostMailsAConfirmLinkThatWorks) {
  testing::SinkOptions sink;
  sink.fail5 = {"bad@example.com"};
  start(sink);
  json form = {{"campaign", "web-1"},
               {"title", "Spring webinar"},
               {"fields", {"email", "last_name"}},
               {"required", {"email"}},
               {"consents", {{{"channel", "email"}, {"wording", "Yes, e-mail me"}, {"required", false}}}},
               {"double_opt_in", true}};
  Reply f = post("marketing", "/api/v1/forms", form.dump());
  ASSERT_EQ(f.status, 201) << f.text;
  const std::string key = f.body["key"];
  int seconds = 0;
  auto send = [&](const std::string& email) {
    Reply page = reply_of(server_->client()->Get(("/f/" + key).c_str()));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page.text, m, std::regex("name=\"_stamp\" value=\"([^\"]+)\""))) << page.text;
    const std::string stamp = m[1].str();
    seconds += 10;
    set_clock("2026-03-02T09:00:" + std::string(seconds < 10 ? "0" : "") + std::to_string(seconds) + "Z");
    std::string body = "email=" + std::regex_replace(email, std::regex("@"), "%40") +
                       "&last_name=Gus&consent_email=yes&website=&_stamp=" + stamp;
    Reply r = reply_of(server_->client()->Post(("/f/" + key).c_str(), body, "application/x-www-form-urlencoded"));
    ASSERT_EQ(r.status, 200) << r.text;
  };
  send("bad@example.com");
  send("gus@example.com");
  set_clock("2026-03-02T09:00:30Z");
  std::vector<json> mails = mail_to("gus@example.com");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["subject"], "Please confirm your e-mail address");
  const std::string text = mails[0]["text"];
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(std::string(kPublicUrl) + "(/f/confirm/fco_[^\\s]+)")))
      << text;
  EXPECT_NE(text.find("Yes, e-mail me"), std::string::npos);
  Reply confirmed = reply_of(server_->client()->Get(m[1].str().c_str()));
  EXPECT_EQ(confirmed.status, 200) << confirmed.text;
  EXPECT_NE(confirmed.text.find("your e-mail address is confirmed"), std::string::npos);
  // The refused address is dead; the other was not held back by it.
  std::vector<json> bad = deliveries_to("bad@example.com");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["state"], "dead");
  EXPECT_EQ(bad[0]["type"], "double_opt_in");
  EXPECT_TRUE(mail_to("bad@example.com").empty());
  EXPECT_EQ(deliveries_to("gus@example.com").at(0)["state"], "delivered");
}

}  // namespace
}  // namespace leadloop
