// E-mail over HTTP against the real server and a real SQLite file: one-click
// unsubscribe (RFC 8058) end to end, bounce and complaint notices, the
// caller's notification choices, templates and the SMTP settings (the
// password never shown).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mail/unsubscribe.h"
#include "server_process.h"
#include "test_store.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

class MailApiTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}) {
    db_ = dir_.file("mail.db");
    admin_ = testing::create_token(db_, "admin");
    marketing_ = testing::create_token(db_, "marketing");
    viewer_ = testing::create_token(db_, "viewer");
    server_ = std::make_unique<ServerProcess>(db_, std::move(extra));
    ASSERT_EQ(post("/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
    Reply lead = post("/api/v1/leads", R"({"email":"Ann@Example.com","source_campaign":"web-1"})");
    ASSERT_EQ(lead.status, 201) << lead.text;
    id_ = lead.body["id"];
  }

  Reply post(const std::string& path, const std::string& body, const std::string& token = "",
             const char* type = "application/json") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Post(path, body, type));
  }
  Reply put(const std::string& path, const std::string& body, const std::string& token = "") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Put(path, body, "application/json"));
  }
  Reply get(const std::string& path, const std::string& token = "") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Get(path));
  }

  json consent_events() {
    json out = json::array();
    const Reply timeline = get("/api/v1/leads/" + std::to_string(id_) + "/timeline");
    for (const json& e : timeline.body["events"]) {
      if (e["type"] == "consent_changed") out.push_back(e);
    }
    return out;
  }

  // The lead's unsubscribe token, signed with the database's key as the
  // server signs it.
  std::string unsubscribe_token() {
    auto store = testing::open_test_store(db_);
    EXPECT_TRUE(store.ok());
    UnsubscribeLinks links(**store);
    EXPECT_TRUE(links.open().ok());
    return links.token(id_);
  }

  TempDir dir_;
  std::string db_, admin_, marketing_, viewer_;
  std::unique_ptr<ServerProcess> server_;
  int64_t id_ = 0;
};

TEST_F(MailApiTest, OneClickUnsubscribeDeniesEmailOnceAndRefusesForgedTokens) {
  start();
  const std::string token = unsubscribe_token();
  const std::string path = "/u/" + token;
  // GET is a confirm page and changes nothing.
  auto client = server_->client();
  Reply page = reply_of(client->Get(path));
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_NE(page.text.find("<form method=\"post\" action=\"/u/" + token + "\">"), std::string::npos) << page.text;
  EXPECT_NE(page.text.find("name=\"List-Unsubscribe\" value=\"One-Click\""), std::string::npos);
  EXPECT_EQ(get("/api/v1/leads/" + std::to_string(id_)).body["consent"]["email"], "unknown");

  // As a mail client posts it (RFC 8058): no credentials, no CSRF token.
  Reply wrong = reply_of(client->Post(path, "unsubscribe=yes", "application/x-www-form-urlencoded"));
  EXPECT_EQ(wrong.status, 422) << wrong.text;
  EXPECT_EQ(wrong.body["error"]["code"], "invalid_value");
  Reply done = reply_of(client->Post(path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"));
  ASSERT_EQ(done.status, 200) << done.text;
  EXPECT_EQ(done.body["unsubscribed"], true);
  EXPECT_EQ(done.body["changed"], json::array({"email"}));
  Reply lead = get("/api/v1/leads/" + std::to_string(id_));
  EXPECT_EQ(lead.body["consent"]["email"], "denied");
  json events = consent_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["payload"]["source"], "unsubscribe link");
  EXPECT_EQ(events[0]["payload"]["channels"]["email"], json::parse(R"({"from":"unknown","to":"denied"})"));
  EXPECT_EQ(events[0]["actor"], "unsubscribe:" + std::to_string(id_));

  // Idempotent: again, nothing more is written.
  Reply again = reply_of(client->Post(path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body["changed"], json::array());
  EXPECT_EQ(consent_events().size(), 1u);

  // A forged or altered token: a JSON 404, nothing read or written.
  std::string forged = token;
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {forged, std::string("uns_AAAAAAAAAAAB.xyz"), std::string("nothing")}) {
    Reply r = reply_of(client->Post("/u/" + bad, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"));
    EXPECT_EQ(r.status, 404) << bad << " " << r.text;
    EXPECT_EQ(r.body["error"]["code"], "not_found");
    EXPECT_EQ(reply_of(client->Get("/u/" + bad)).status, 404);
  }
}

TEST_F(MailApiTest, HardBouncesAndComplaintsDenyEmailSoftBouncesAreOnlyRecorded) {
  start();
  Reply soft = post("/api/v1/mail/events", R"({"email":"ann@example.com","kind":"bounce","detail":"452 mailbox full"})",
                    marketing_);
  ASSERT_EQ(soft.status, 201) << soft.text;
  EXPECT_EQ(soft.body["leads"], json::array({id_}));
  EXPECT_EQ(soft.body["denied"], json::array());
  EXPECT_EQ(soft.body["permanent"], false);
  EXPECT_EQ(consent_events().size(), 0u);

  Reply hard = post("/api/v1/mail/events",
                    R"({"email":"ANN@example.com ","kind":"bounce","permanent":true,"detail":"550 5.1.1 user unknown"})",
                    marketing_);
  ASSERT_EQ(hard.status, 201) << hard.text;
  EXPECT_EQ(hard.body["denied"], json::array({id_}));
  EXPECT_EQ(get("/api/v1/leads/" + std::to_string(id_)).body["consent"]["email"], "denied");
  json events = consent_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["payload"]["source"], "hard bounce");
  EXPECT_EQ(events[0]["payload"]["note"], "550 5.1.1 user unknown");

  Reply complaint = post("/api/v1/mail/events", R"({"email":"ann@example.com","kind":"complaint"})");
  ASSERT_EQ(complaint.status, 201);
  EXPECT_EQ(complaint.body["denied"], json::array());  // denied already

  EXPECT_EQ(post("/api/v1/mail/events", R"({"email":"ann@example.com","kind":"spam"})").status, 422);
  EXPECT_EQ(post("/api/v1/mail/events", R"({"email":"not an address","kind":"bounce"})").body["error"]["field"],
            "email");
  EXPECT_EQ(post("/api/v1/mail/events", R"({"email":"ann@example.com","kind":"bounce"})", viewer_).status, 403);
}

TEST_F(MailApiTest, EachPersonChoosesNotificationsAndTemplatesAreCheckedOnSave) {
  start();
  Reply mine = get("/api/v1/me/notifications", viewer_);
  ASSERT_EQ(mine.status, 200) << mine.text;
  EXPECT_EQ(mine.body["notifications"],
            json::parse(R"({"daily_digest":false,"feedback_link":true,"goal_behind":true,"nurture_notify":true,"reassigned":true,"sla_breach":true})"));
  Reply changed = put("/api/v1/me/notifications", R"({"daily_digest":true,"sla_breach":false})", viewer_);
  ASSERT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(get("/api/v1/me/notifications", viewer_).body["notifications"]["daily_digest"], true);
  EXPECT_EQ(get("/api/v1/me/notifications", viewer_).body["notifications"]["sla_breach"], false);
  EXPECT_EQ(get("/api/v1/me/notifications").body["notifications"]["sla_breach"], true);  // another person
  Reply bad = put("/api/v1/me/notifications", R"({"gossip":true})", viewer_);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body["error"]["field"], "gossip");

  // Users have an address for their notifications.
  Reply ann = post("/api/v1/users",
                   R"({"login":"ann","password":"long enough password","roles":["marketing"],"email":"ann@corp.example"})");
  ASSERT_EQ(ann.status, 201) << ann.text;
  EXPECT_EQ(ann.body["email"], "ann@corp.example");
  Reply bob = post("/api/v1/users", R"({"login":"bob","password":"long enough password","roles":["viewer"],"email":"bob"})");
  EXPECT_EQ(bob.status, 422);
  EXPECT_EQ(bob.body["error"]["field"], "email");
  EXPECT_EQ(put("/api/v1/users/ann", R"({"email":"ann@new.example"})").body["email"], "ann@new.example");
  EXPECT_EQ(put("/api/v1/users/ann", R"({"email":"x\r\nBcc: y@z.example"})").status, 422);

  Reply t = get("/api/v1/mail/templates/sla_breach", marketing_);
  ASSERT_EQ(t.status, 200) << t.text;
  EXPECT_EQ(t.body["stored"], false);
  EXPECT_NE(std::find(t.body["variables"].begin(), t.body["variables"].end(), "lead.company"), t.body["variables"].end());
  Reply unknown = put("/api/v1/mail/templates/sla_breach", R"({"text":"Hi {{lead.shoe_size}}"})", marketing_);
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.body["error"]["field"], "text");
  Reply saved = put("/api/v1/mail/templates/sla_breach", R"({"subject":"Late: {{lead.company}}"})", marketing_);
  ASSERT_EQ(saved.status, 200) << saved.text;
  EXPECT_EQ(saved.body["stored"], true);
  EXPECT_EQ(get("/api/v1/mail/templates/sla_breach").body["subject"], "Late: {{lead.company}}");
  EXPECT_EQ(get("/api/v1/mail/templates/nope").status, 404);
  EXPECT_EQ(get("/api/v1/mail/templates/sla_breach", viewer_).status, 403);
}

TEST_F(MailApiTest, SettingsNeverShowThePasswordAndTheCommandLineWins) {
  const std::string password_file = dir_.file("smtp.pw");
  std::ofstream(password_file) << "cli-secret\n";
  start({"--smtp", "smtp://mailer@127.0.0.1:2525", "--smtp-from", "Leadloop <ll@example.test>",
         "--smtp-password-file", password_file, "--smtp-tls", "require", "--smtp-rate", "5"});
  Reply s = get("/api/v1/settings/mail");
  ASSERT_EQ(s.status, 200) << s.text;
  EXPECT_EQ(s.body["source"], "command line");
  EXPECT_EQ(s.body["smtp"], "smtp://mailer@127.0.0.1:2525");
  EXPECT_EQ(s.body["tls"], "require");
  EXPECT_EQ(s.body["rate"], 5.0);
  EXPECT_EQ(s.body["password_set"], true);
  EXPECT_EQ(s.text.find("cli-secret"), std::string::npos);

  Reply put_s = put("/api/v1/settings/mail",
                    R"({"smtp":"smtps://ops@mail.example.test","password":"db-secret","from":"ll@example.test","base_url":"https://leads.example.test"})");
  ASSERT_EQ(put_s.status, 200) << put_s.text;
  EXPECT_EQ(put_s.body["overridden_by_command_line"], true);
  EXPECT_EQ(put_s.body["in_force"], false);
  EXPECT_EQ(put_s.body["smtp"], "smtps://ops@mail.example.test:465");
  EXPECT_EQ(put_s.text.find("db-secret"), std::string::npos);
  Reply again = get("/api/v1/settings/mail");
  EXPECT_EQ(again.body["stored"]["password_set"], true);
  EXPECT_EQ(again.text.find("db-secret"), std::string::npos);
  EXPECT_EQ(put("/api/v1/settings/mail", R"({"tls":"maybe"})").status, 422);
  EXPECT_EQ(put("/api/v1/settings/mail", R"({"smtp":"http://x"})").body["error"]["field"], "smtp");
  EXPECT_EQ(get("/api/v1/settings/mail", marketing_).status, 403);

  // A CA file for an in-house relay: it must be a readable PEM file.
  Reply no_file = put("/api/v1/settings/mail", json{{"ca_file", dir_.file("missing.pem")}}.dump());
  EXPECT_EQ(no_file.status, 422) << no_file.text;
  EXPECT_EQ(no_file.body["error"]["field"], "ca_file") << no_file.text;
  const std::string ca = dir_.file("ca.pem");
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  Reply with_ca = put("/api/v1/settings/mail", json{{"ca_file", ca}}.dump());
  ASSERT_EQ(with_ca.status, 200) << with_ca.text;
  EXPECT_EQ(with_ca.body["ca_file"], ca);
  EXPECT_EQ(get("/api/v1/settings/mail").body["stored"]["ca_file"], ca);
}

TEST_F(MailApiTest, ServeRefusesABadSmtpSetupAtStart) {
  const std::string db = dir_.file("refused.db");
  auto bad_url = testing::run_cli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--smtp", "http://mail.example.test",
                                   "--smtp-from", "ll@example.test"});
  EXPECT_NE(bad_url.exit_code, 0);
  EXPECT_NE(bad_url.err.find("--smtp"), std::string::npos) << bad_url.err;
  auto no_from = testing::run_cli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--smtp", "smtp://127.0.0.1:2525"});
  EXPECT_NE(no_from.exit_code, 0);
  EXPECT_NE(no_from.err.find("--smtp-from"), std::string::npos) << no_from.err;
  // A password in the URL is never echoed in the refusal.
  auto secret = testing::run_cli({"serve", "--db", db, "--listen", "127.0.0.1:0", "--smtp",
                                  "smtp://u:topsecret@127.0.0.1:2525", "--smtp-from", "not an address"});
  EXPECT_NE(secret.exit_code, 0);
  EXPECT_EQ(secret.err.find("topsecret"), std::string::npos) << secret.err;
  EXPECT_EQ(secret.out.find("topsecret"), std::string::npos);
}

}  // namespace
}  // namespace leadloop
