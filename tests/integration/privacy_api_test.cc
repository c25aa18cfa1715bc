// Privacy over HTTP against the real server and a real SQLite file: subject
// access and erasure for admins only, the answer's counts, and the file
// scanned for the person's data once the server has stopped.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "server_process.h"
#include "test_store.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

TEST(PrivacyApi, AdminErasesAPersonAndTheFileKeepsNoTrace) {
  TempDir dir;
  const std::string db = dir.file("privacy.db");
  const std::string admin = testing::create_token(db, "admin");
  const std::string marketing = testing::create_token(db, "marketing");
  auto server = std::make_unique<ServerProcess>(db);
  auto as = [&](const std::string& token) { return server->client(token); };
  ASSERT_EQ(reply_of(as(admin)->Post("/api/v1/campaigns", R"({"key":"web-1","channel":"web"})", "application/json"))
                .status,
            201);
  Reply lead = reply_of(as(admin)->Post("/api/v1/leads",
                                        R"({"email":"Yolanda.Wexworth@Privacy-Test.ORG","phone":"+44 20 7946 0321",)"
                                        R"("first_name":"Yolanda","last_name":"Wexworth","company":"Initech",)"
                                        R"("source_campaign":"web-1"})",
                                        "application/json"));
  ASSERT_EQ(lead.status, 201) << lead.text;
  const int64_t id = lead.body["id"];
  Reply touch = reply_of(as(admin)->Post(
      "/api/v1/touches",
      R"({"lead":)" + std::to_string(id) + R"(,"campaign":"web-1","notes":"Yolanda Wexworth wants a demo"})",
      "application/json"));
  ASSERT_EQ(touch.status, 201) << touch.text;

  // Subject access: admins only.
  EXPECT_EQ(reply_of(as(marketing)->Get("/api/v1/privacy/subjects?email=yolanda.wexworth@privacy-test.org")).status,
            403);
  Reply access = reply_of(as(admin)->Get("/api/v1/privacy/subjects?email=yolanda.wexworth@privacy-test.org"));
  ASSERT_EQ(access.status, 200) << access.text;
  ASSERT_EQ(access.body["leads"].size(), 1u);
  EXPECT_EQ(access.body["leads"][0]["touches"].size(), 1u);
  EXPECT_EQ(reply_of(as(admin)->Get("/api/v1/privacy/subjects")).status, 422);

  // Erasure: admins only, with a reason.
  const std::string body = R"({"phone":"+44 20 7946 0321","reason":"subject request"})";
  EXPECT_EQ(reply_of(as(marketing)->Post("/api/v1/privacy/erasures", body, "application/json")).status, 403);
  EXPECT_EQ(reply_of(as(admin)->Post("/api/v1/privacy/erasures", R"({"phone":"+44 20 7946 0321"})", "application/json"))
                .status,
            422);
  Reply erased = reply_of(as(admin)->Post("/api/v1/privacy/erasures", body, "application/json"));
  ASSERT_EQ(erased.status, 200) << erased.text;
  EXPECT_EQ(erased.body["leads"], json::array({id}));
  EXPECT_EQ(erased.body["touches_redacted"], 1);
  EXPECT_EQ(reply_of(as(admin)->Post("/api/v1/privacy/erasures", body, "application/json")).status, 404);
  Reply after = reply_of(as(admin)->Get("/api/v1/leads/" + std::to_string(id)));
  EXPECT_EQ(after.body["email"], "erased:" + std::to_string(id));
  EXPECT_EQ(after.body["stage"], "opted_out");
  EXPECT_EQ(after.body["company"], "Initech");

  EXPECT_EQ(server->terminate(), 0);
  server.reset();
  // On PostgreSQL old row versions stay until VACUUM (docs/deployment.md).
  if (testing::on_postgres()) return;
  const std::string bytes = lower(testing::read_file(db) + testing::read_file(db + "-wal"));
  for (const char* trace : {"yolanda", "wexworth", "privacy-test", "7946", "initech"}) {
    const bool expected = std::string(trace) == "initech";  // the company stays
    EXPECT_EQ(bytes.find(trace) != std::string::npos, expected) << trace;
  }
}

// serve --retention-days: a closed lead past the period is erased by the
// server's own timer run; an open one and a recent closed one stay.
TEST(PrivacyApi, TheServerAppliesRetentionToClosedLeadsOnly) {
  TempDir dir;
  const std::string db = dir.file("retention.db");
  const std::string admin = testing::create_token(db, "admin");
  auto server = std::make_unique<ServerProcess>(
      db, std::vector<std::string>{"--manual-clock", "2026-03-02T09:00:00Z", "--retention-days", "30"});
  auto client = server->client(admin);
  auto post = [&](const std::string& path, const std::string& body) {
    return reply_of(client->Post(path, body, "application/json"));
  };
  ASSERT_EQ(post("/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
  auto capture = [&](const std::string& email) {
    Reply r = post("/api/v1/leads", json{{"email", email}, {"source_campaign", "web-1"}}.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body["id"].get<int64_t>();
  };
  const int64_t closed = capture("old.deal@example.com");
  const int64_t open = capture("still.open@example.com");
  ASSERT_EQ(post("/api/v1/leads/" + std::to_string(closed) + "/transitions", R"({"to":"disqualified"})").status, 200);
  // 20 days on: nothing is old enough.
  ASSERT_EQ(post("/api/v1/clock", R"({"now":"2026-03-22T09:00:00Z"})").status, 200);
  const int64_t recent = capture("recent.close@example.com");
  ASSERT_EQ(post("/api/v1/leads/" + std::to_string(recent) + "/transitions", R"({"to":"disqualified"})").status, 200);
  EXPECT_EQ(reply_of(client->Get(("/api/v1/leads/" + std::to_string(closed)).c_str())).body["email"],
            "old.deal@example.com");
  // 31 days after the first close: it goes, the others stay.
  ASSERT_EQ(post("/api/v1/clock", R"({"now":"2026-04-02T10:00:00Z"})").status, 200);
  EXPECT_EQ(reply_of(client->Get(("/api/v1/leads/" + std::to_string(closed)).c_str())).body["email"],
            "erased:" + std::to_string(closed));
  EXPECT_EQ(reply_of(client->Get(("/api/v1/leads/" + std::to_string(open)).c_str())).body["email"],
            "still.open@example.com");
  EXPECT_EQ(reply_of(client->Get(("/api/v1/leads/" + std::to_string(recent)).c_str())).body["email"],
            "recent.close@example.com");
  Reply timeline = reply_of(client->Get(("/api/v1/leads/" + std::to_string(closed) + "/timeline").c_str()));
  EXPECT_EQ(timeline.body["events"].back()["type"], "erased");
  EXPECT_EQ(timeline.body["events"].back()["actor"], "retention");
}

}  // namespace
}  // namespace leadloop
