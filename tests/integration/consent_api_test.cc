// Consent over HTTP against the real server and a real SQLite file:
// POST /api/v1/leads/{id}/consent sets channels or do-not-contact, answers
// the lead with the channels that changed, leaves a consent_changed event
// and an audit row, and refuses bad values, unknown fields, unknown leads
// and roles that may not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

class ConsentApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("consent.db");
    admin_ = testing::create_token(db_, "admin");
    marketing_ = testing::create_token(db_, "marketing");
    viewer_ = testing::create_token(db_, "viewer");
    server_ = std::make_unique<ServerProcess>(db_);
    ASSERT_EQ(post("/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
    Reply lead = post("/api/v1/leads", R"({"email":"ann@example.com","source_campaign":"web-1"})");
    ASSERT_EQ(lead.status, 201) << lead.text;
    id_ = lead.body["id"];
    path_ = "/api/v1/leads/" + std::to_string(id_) + "/consent";
  }

  Reply post(const std::string& path, const std::string& body, const std::string& token = "") {
    return reply_of(
        server_->client(token.empty() ? admin_ : token)->Post(path, body, "application/json"));
  }
  Reply get(const std::string& path) { return reply_of(server_->client(admin_)->Get(path)); }

  json events_of_type(const std::string& type) {
    json out = json::array();
    const Reply timeline = get("/api/v1/leads/" + std::to_string(id_) + "/timeline");
    for (const json& e : timeline.body["events"]) {
      if (e["type"] == type) out.push_back(e);
    }
    return out;
  }

  TempDir dir_;
  std::string db_, admin_, marketing_, viewer_, path_;
  std::unique_ptr<ServerProcess> server_;
  int64_t id_ = 0;
};

TEST_F(ConsentApiTest, SetsChannelsAndAnswersWhatChanged) {
  Reply r =
      post(path_, R"({"email":"denied","phone":"yes","source":"unsubscribe link","note":"footer"})",
           marketing_);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["id"], id_);
  EXPECT_EQ(r.body["consent"],
            json::parse(R"({"email":"denied","phone":"granted","mail":"unknown"})"));
  EXPECT_EQ(r.body["changed"], json::parse(R"(["email","phone"])"));
  EXPECT_EQ(r.body["stage"], "captured");
  json changed = events_of_type("consent_changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]["payload"]["channels"]["email"],
            json::parse(R"({"from":"unknown","to":"denied"})"));
  EXPECT_EQ(changed[0]["payload"]["source"], "unsubscribe link");
  EXPECT_EQ(changed[0]["payload"]["note"], "footer");

  // Said again: nothing changes, nothing is written.
  Reply again = post(path_, R"({"email":"denied"})");
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["changed"], json::array());
  EXPECT_EQ(events_of_type("consent_changed").size(), 1u);

  // Both writes are on the audit record.
  const Reply audit = get("/api/v1/audit?record=lead:" + std::to_string(id_) +
                          "&action=POST%20/api/v1/leads/%7Bid%7D/consent");
  ASSERT_EQ(audit.status, 200) << audit.text;
  EXPECT_EQ(audit.body["entries"].size(), 2u) << audit.text;
}

TEST_F(ConsentApiTest, DoNotContactTakesTheLeadOutOfTheFunnel) {
  Reply r = post(path_, R"({"do_not_contact":true,"source":"call"})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["consent"],
            json::parse(R"({"email":"denied","phone":"denied","mail":"denied"})"));
  EXPECT_EQ(r.body["stage"], "opted_out");
  json moved = events_of_type("stage_changed");
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0]["payload"]["exit"], "opted_out");
}

TEST_F(ConsentApiTest, RefusesBadValuesUnknownFieldsUnknownLeadsAndOtherRoles) {
  Reply bad = post(path_, R"({"email":"perhaps"})");
  EXPECT_EQ(bad.status, 422) << bad.text;
  EXPECT_EQ(bad.body["error"]["field"], "email");
  Reply unknown = post(path_, R"({"sms":"denied"})");
  EXPECT_EQ(unknown.status, 422) << unknown.text;
  EXPECT_EQ(unknown.body["error"]["field"], "sms");
  Reply type = post(path_, R"({"do_not_contact":"yes"})");
  EXPECT_EQ(type.status, 422) << type.text;
  EXPECT_EQ(type.body["error"]["field"], "do_not_contact");
  Reply contradiction = post(path_, R"({"do_not_contact":true,"phone":"granted"})");
  EXPECT_EQ(contradiction.status, 422) << contradiction.text;
  EXPECT_EQ(post(path_, "{}").status, 422);
  EXPECT_EQ(post(path_, "[1]").status, 400);

  Reply missing =
      post("/api/v1/leads/" + std::to_string(id_ + 1000) + "/consent", R"({"email":"denied"})");
  EXPECT_EQ(missing.status, 404) << missing.text;
  EXPECT_EQ(post(path_, R"({"email":"denied"})", viewer_).status, 403);
  EXPECT_EQ(events_of_type("consent_changed").size(), 0u);
}

}  // namespace
}  // namespace leadloop
