// Webhooks through the real `leadloop serve`: the endpoint and delivery
// routes (admins only, the secret shown once), delivery on the manual
// clock, replay, and kill -9 of the server in the middle of a large send:
// after a restart every event is delivered, each webhook-id always with the
// same body, and no (event, endpoint) under two webhook-ids.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "server_process.h"
#include "webhook_receiver.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Received;
using testing::ServerProcess;
using testing::TempDir;
using testing::WebhookReceiver;

json post(ServerProcess& s, const std::string& token, const std::string& path, const json& body,
          int expect) {
  auto r = s.client(token)->Post(path.c_str(), body.dump(), "application/json");
  EXPECT_TRUE(r) << path;
  if (!r) return json();
  EXPECT_EQ(r->status, expect) << path << " " << r->body;
  return json::parse(r->body, nullptr, false);
}

json get(ServerProcess& s, const std::string& token, const std::string& path, int expect = 200) {
  auto r = s.client(token)->Get(path.c_str());
  EXPECT_TRUE(r) << path;
  if (!r) return json();
  EXPECT_EQ(r->status, expect) << path << " " << r->body;
  return json::parse(r->body, nullptr, false);
}

TEST(WebhookApi, EndpointsDeliveriesAndReplayForAdminsOnly) {
  TempDir dir;
  const std::string db = dir.file("api.db");
  const std::string admin = testing::create_token(db);
  const std::string marketing = testing::create_token(db, "marketing");
  WebhookReceiver receiver;
  ServerProcess server(db, {"--manual-clock", "2026-03-02T10:00:00Z", "--allow-private-webhooks"});
  post(server, admin, "/api/v1/campaigns", {{"key", "web-1"}, {"channel", "web"}}, 201);

  json made = post(
      server, admin, "/api/v1/webhooks",
      {{"url", receiver.url("/ok")}, {"description", "CRM"}, {"event_types", {"lead.captured"}}},
      201);
  ASSERT_TRUE(made.contains("secret"));
  EXPECT_EQ(made["secret"].get<std::string>().rfind("whsec_", 0), 0u);
  const int64_t id = made["id"];
  json listed = get(server, admin, "/api/v1/webhooks");
  ASSERT_EQ(listed["webhooks"].size(), 1u);
  EXPECT_FALSE(listed["webhooks"][0].contains("secret"));
  EXPECT_EQ(listed["webhooks"][0]["event_types"], json({"lead.captured"}));
  EXPECT_FALSE(get(server, admin, "/api/v1/webhooks/" + std::to_string(id)).contains("secret"));
  get(server, marketing, "/api/v1/webhooks", 403);
  post(server, marketing, "/api/v1/webhooks", {{"url", receiver.url("/ok")}}, 403);
  post(server, admin, "/api/v1/webhooks", {{"url", "ftp://example.com/x"}}, 422);
  post(server, admin, "/api/v1/webhooks",
       {{"url", receiver.url("/ok")}, {"event_types", {"lead.eaten"}}}, 422);

  post(server, admin, "/api/v1/leads", {{"email", "ada@example.com"}, {"source_campaign", "web-1"}},
       201);
  json tick = post(server, admin, "/api/v1/clock", {{"now", "2026-03-02T10:00:01Z"}}, 200);
  // The worker may have sent it already; either way it is delivered once.
  json list = get(server, admin, "/api/v1/deliveries?endpoint=" + std::to_string(id));
  ASSERT_EQ(list["deliveries"].size(), 1u) << list.dump();
  const json& d = list["deliveries"][0];
  EXPECT_EQ(d["state"], "delivered");
  EXPECT_EQ(d["type"], "lead.captured");
  ASSERT_EQ(receiver.count(), 1u);
  EXPECT_EQ(receiver.received()[0].id, d["webhook_id"]);
  json one = get(server, admin, "/api/v1/deliveries/" + std::to_string(d["id"].get<int64_t>()));
  ASSERT_EQ(one["attempt_log"].size(), 1u);
  EXPECT_EQ(one["attempt_log"][0]["status"], 200);
  EXPECT_EQ(one["payload"]["data"]["lead"]["email"], "ada@example.com");
  EXPECT_EQ(get(server, admin, "/api/v1/deliveries?state=dead")["deliveries"].size(), 0u);
  get(server, admin, "/api/v1/deliveries?state=lost", 422);

  json replay = post(server, admin, "/api/v1/deliveries/replay", {{"ids", {d["id"]}}}, 200);
  EXPECT_EQ(replay["replayed"], json({d["id"]}));
  post(server, admin, "/api/v1/clock", {{"now", "2026-03-02T10:00:02Z"}}, 200);
  ASSERT_EQ(receiver.count(), 2u);
  EXPECT_EQ(receiver.received()[1].id, d["webhook_id"]);
  EXPECT_EQ(receiver.received()[1].body, receiver.received()[0].body);
  EXPECT_EQ(get(server, admin,
                "/api/v1/deliveries/" + std::to_string(d["id"].get<int64_t>()))["attempt_log"]
                .size(),
            2u);
  // By time range too.
  json ranged = post(
      server, admin, "/api/v1/deliveries/replay",
      {{"from", "2026-03-02T00:00:00Z"}, {"to", "2026-03-03T00:00:00Z"}, {"endpoint", id}}, 200);
  EXPECT_EQ(ranged["replayed"].size(), 1u);

  json rotated = post(server, admin, "/api/v1/webhooks/" + std::to_string(id) + "/rotate",
                      json::object(), 200);
  EXPECT_NE(rotated["secret"], made["secret"]);
  EXPECT_EQ(rotated["previous_secret_valid_until"], "2026-03-03T10:00:02.000Z");
  auto put = server.client(admin)->Put(("/api/v1/webhooks/" + std::to_string(id)).c_str(),
                                       R"({"enabled":false})", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200);
  EXPECT_EQ(json::parse(put->body)["enabled"], false);
  EXPECT_EQ(json::parse(put->body)["disabled_reason"], "disabled by an admin");
  // An erasure empties the stored bodies that held the person.
  auto put_on = server.client(admin)->Put(("/api/v1/webhooks/" + std::to_string(id)).c_str(),
                                          R"({"enabled":true})", "application/json");
  ASSERT_TRUE(put_on);
  post(server, admin, "/api/v1/leads",
       {{"email", "bo@example.com"}, {"phone", "+44 20 7946 0321"}, {"source_campaign", "web-1"}}, 201);
  post(server, admin, "/api/v1/clock", {{"now", "2026-03-02T10:00:03Z"}}, 200);
  ASSERT_EQ(get(server, admin, "/api/v1/deliveries")["deliveries"].size(), 2u);
  ASSERT_NE(receiver.received().back().body.find("bo@example.com"), std::string::npos);
  post(server, admin, "/api/v1/privacy/erasures",
       {{"phone", "+44 20 7946 0321"}, {"reason", "subject request"}}, 200);
  const json after_erasure = get(server, admin, "/api/v1/deliveries");
  for (const json& each : after_erasure["deliveries"]) {
    json full = get(server, admin, "/api/v1/deliveries/" + std::to_string(each["id"].get<int64_t>()));
    EXPECT_EQ(full["payload"].dump().find("bo@example.com"), std::string::npos) << full.dump();
  }
  // Every write is in the audit log under its record.
  json audit = get(server, admin, "/api/v1/audit?record=webhook:" + std::to_string(id));
  EXPECT_GE(audit["entries"].size(), 2u) << audit.dump();
}

TEST(WebhookApi, WithoutTheFlagALoopbackEndpointIsRefused) {
  TempDir dir;
  const std::string db = dir.file("ssrf.db");
  const std::string admin = testing::create_token(db);
  WebhookReceiver receiver;
  ServerProcess server(db, {"--manual-clock", "2026-03-02T10:00:00Z"});
  post(server, admin, "/api/v1/campaigns", {{"key", "web-1"}, {"channel", "web"}}, 201);
  post(server, admin, "/api/v1/webhooks", {{"url", receiver.url("/ok")}}, 201);
  post(server, admin, "/api/v1/leads", {{"email", "x@example.com"}, {"source_campaign", "web-1"}},
       201);
  post(server, admin, "/api/v1/clock", {{"now", "2026-03-02T10:00:01Z"}}, 200);
  json list = get(server, admin, "/api/v1/deliveries");
  ASSERT_EQ(list["deliveries"].size(), 1u);
  EXPECT_EQ(list["deliveries"][0]["state"], "pending");
  EXPECT_NE(list["deliveries"][0]["last_error"].get<std::string>().find("refused"),
            std::string::npos);
  EXPECT_EQ(receiver.count(), 0u);
}

TEST(WebhookApi, Kill9DuringALargeSendLosesNoneAndDuplicatesNoRecord) {
  TempDir dir;
  const std::string db = dir.file("kill.db");
  const std::string admin = testing::create_token(db);
  WebhookReceiver receiver;
  const std::vector<std::string> flags = {"--allow-private-webhooks"};
  auto server = std::make_unique<ServerProcess>(db, flags);
  post(*server, admin, "/api/v1/campaigns", {{"key", "list"}, {"channel", "telemarketing"}}, 201);
  post(*server, admin, "/api/v1/webhooks",
       {{"url", receiver.url("/slow/2")}, {"event_types", {"lead.captured"}}}, 201);
  constexpr int kLeads = 2000;
  for (int b = 0; b < kLeads / 500; ++b) {
    json batch = json::array();
    for (int i = 0; i < 500; ++i) {
      batch.push_back({{"email", "k" + std::to_string(b * 500 + i) + "@kill.example"},
                       {"source_campaign", "list"}});
    }
    post(*server, admin, "/api/v1/leads/bulk", batch, 200);
  }
  // Kill while the engine is sending.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (receiver.count() < 300 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const size_t before_kill = receiver.count();
  server->kill9();
  ASSERT_GE(before_kill, 300u);
  ASSERT_LT(before_kill, static_cast<size_t>(kLeads))
      << "the send finished before the kill; make it larger";

  const auto t0 = std::chrono::steady_clock::now();
  server = std::make_unique<ServerProcess>(db, flags);
  std::set<std::string> ids;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    ids.clear();
    for (const Received& r : receiver.received()) ids.insert(r.id);
    if (ids.size() >= static_cast<size_t>(kLeads)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::map<std::string, std::string> body_of;             // webhook-id -> body
  std::map<int64_t, std::set<std::string>> ids_of_event;  // event -> webhook-ids
  std::set<int64_t> leads;
  size_t differing = 0;
  const auto got = receiver.received();
  for (const Received& r : got) {
    auto [it, fresh] = body_of.emplace(r.id, r.body);
    if (!fresh && it->second != r.body) ++differing;
    json body = json::parse(r.body);
    ids_of_event[body["data"]["event_id"].get<int64_t>()].insert(r.id);
    leads.insert(body["data"]["lead_id"].get<int64_t>());
  }
  size_t split = 0;
  for (const auto& [event, set] : ids_of_event) split += set.size() > 1;
  EXPECT_EQ(body_of.size(), static_cast<size_t>(kLeads));
  EXPECT_EQ(leads.size(), static_cast<size_t>(kLeads));
  EXPECT_EQ(differing, 0u);
  EXPECT_EQ(split, 0u);
  std::cout << "[ figures ] " << before_kill << " received before kill -9; " << got.size()
            << " requests for " << body_of.size() << " webhook-ids (" << got.size() - body_of.size()
            << " retries of the same id); the rest delivered " << ms.count()
            << " ms after the restart\n";
  json dead = get(*server, admin, "/api/v1/deliveries?state=pending");
  EXPECT_EQ(dead["deliveries"].size(), 0u);
}

}  // namespace
}  // namespace leadloop
