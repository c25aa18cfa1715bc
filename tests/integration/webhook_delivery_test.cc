// The delivery engine on a real SQLite file, sending over real HTTP (libcurl)
// to a real receiver on 127.0.0.1 (webhook_receiver.h), on a manual clock:
// signatures, the retry schedule, the dead letter and replay, 410, 429 with
// Retry-After, 3xx, a stall past the timeout, rotation, the SSRF guard, and
// fan-out that never makes a second record.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "delivery/endpoints.h"
#include "delivery/engine.h"
#include "delivery/fan_out.h"
#include "delivery/signature.h"
#include "delivery/webhook_sender.h"
#include "test_store.h"
#include "test_files.h"
#include "webhook_receiver.h"

namespace leadloop {
namespace {

using delivery::DeliveryEngine;
using delivery::EndpointFields;
using nlohmann::json;
using testing::Received;
using testing::TempDir;
using testing::WebhookReceiver;

constexpr TimePoint kStart = 1772445600000;  // 2026-03-02T10:00:00Z
constexpr TimePoint kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute;

class WebhookDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::open_test_store(dir.file("hooks.db"));
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    store = std::move(*s);
    endpoints = std::make_unique<delivery::WebhookEndpoints>(*store, clock);
    make_engine(true, 1);
  }

  void make_engine(bool allow_private, int in_flight, long timeout_ms = 500, int senders = 8) {
    engine = std::make_unique<DeliveryEngine>(*store, clock,
                                              delivery::EngineConfig{in_flight, 256, 1000, 5000, senders});
    engine->add_channel(std::make_unique<delivery::WebhookSender>(
        *store, clock, delivery::WebhookConfig{allow_private, timeout_ms}));
  }

  WebhookEndpoint endpoint(const std::string& path, std::vector<std::string> types = {}) {
    EndpointFields f;
    f.url = receiver.url(path);
    f.event_types = std::move(types);
    auto e = endpoints->create(f, "tester");
    EXPECT_TRUE(e.ok()) << e.status().to_string();
    return *e;
  }

  int64_t capture(const std::string& email) {
    Mutation m;
    LeadChange c;
    c.lead.email = email;
    c.lead.source_campaign = "web-1";
    c.lead.created_at = c.lead.updated_at = clock.now();
    c.events.push_back({0, 0, "captured", clock.now(), "tester", R"({"campaign":"web-1"})"});
    m.leads.push_back(std::move(c));
    EXPECT_TRUE(store->commit(m).ok());
    return m.leads[0].lead.id;
  }

  delivery::RunStats run() {
    auto r = engine->run_once();
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : delivery::RunStats{};
  }

  std::vector<Delivery> deliveries() {
    DeliveryFilter f;
    f.limit = 0;
    return *store->list_deliveries(f);
  }

  TempDir dir;
  ManualClock clock{kStart};
  WebhookReceiver receiver;
  std::unique_ptr<Store> store;
  std::unique_ptr<delivery::WebhookEndpoints> endpoints;
  std::unique_ptr<DeliveryEngine> engine;
};

TEST_F(WebhookDelivery, DeliversOneSignedStandardWebhookPerEventAndEndpoint) {
  const WebhookEndpoint e = endpoint("/ok");
  ASSERT_TRUE(store->delivery_cursor().ok());  // delivery starts here: history before is not sent
  const int64_t lead = capture("ada@example.com");
  auto stats = run();
  EXPECT_EQ(stats.fanned_out, 1);
  EXPECT_EQ(stats.delivered, 1);
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  const Received& r = got[0];
  EXPECT_EQ(r.id.rfind("msg_", 0), 0u);
  EXPECT_EQ(r.timestamp, std::to_string(kStart / 1000));
  EXPECT_EQ(r.signature, *delivery::sign_webhook(e.secret, r.id, kStart / 1000, r.body));
  json body = json::parse(r.body);
  EXPECT_EQ(body["type"], "lead.captured");
  EXPECT_EQ(body["timestamp"], "2026-03-02T10:00:00.000Z");
  EXPECT_EQ(body["data"]["lead_id"], lead);
  EXPECT_EQ(body["data"]["event"]["campaign"], "web-1");
  EXPECT_EQ(body["data"]["lead"]["email"], "ada@example.com");
  auto ds = deliveries();
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].state, "delivered");
  EXPECT_EQ(ds[0].webhook_id, r.id);
  EXPECT_EQ(ds[0].delivered_at, kStart);
  // Nothing new: nothing sent again, no second record.
  EXPECT_EQ(run().attempts, 0);
  EXPECT_EQ(receiver.count(), 1u);
  EXPECT_EQ(deliveries().size(), 1u);
}

TEST_F(WebhookDelivery, FilterAndStaleCursorMakeNoSecondRecord) {
  endpoint("/ok", {"lead.stage_changed"});
  endpoint("/ok");
  auto cursor = store->delivery_cursor();
  ASSERT_TRUE(cursor.ok());
  capture("a@example.com");
  capture("b@example.com");
  auto made = delivery::fan_out(*store, clock.now());
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(*made, 2);  // the second endpoint only: the first takes stage changes
  // A fan-out that read before the cursor moved cannot commit its copy.
  std::vector<Delivery> stale(1);
  stale[0].webhook_id = "msg_stale";
  stale[0].message_key = "event:1";
  stale[0].destination = "webhook:2";
  EXPECT_EQ(store->add_deliveries(*cursor, {*cursor}, stale).code(), ErrorCode::kConflict);
  EXPECT_EQ(*delivery::fan_out(*store, clock.now()), 0);
  EXPECT_EQ(deliveries().size(), 2u);
}

TEST_F(WebhookDelivery, RetriesOnTheScheduleWithTheSameIdAndBody) {
  endpoint("/fail/3");
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("retry@example.com");
  run();
  ASSERT_EQ(receiver.count(), 1u);
  Delivery d = deliveries()[0];
  EXPECT_EQ(d.state, "pending");
  EXPECT_EQ(d.last_status, 500);
  // 5 s ±10%, then 5 min, then 30 min.
  const TimePoint waits[] = {5 * kSecond, 5 * kMinute, 30 * kMinute};
  TimePoint at = kStart;
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(d.next_attempt_at.has_value());
    const TimePoint wait = *d.next_attempt_at - at;
    EXPECT_GE(wait, waits[i] * 9 / 10) << i;
    EXPECT_LE(wait, waits[i] * 11 / 10) << i;
    clock.set(at + waits[i] * 9 / 10 - 1);
    EXPECT_EQ(run().attempts, 0) << "not due before the jitter's earliest";
    at = *d.next_attempt_at;
    clock.set(at);
    EXPECT_EQ(run().attempts, 1);
    d = *store->get_delivery(d.id);
  }
  EXPECT_EQ(d.state, "delivered");
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 4u);
  for (const Received& r : got) {
    EXPECT_EQ(r.id, got[0].id);
    EXPECT_EQ(r.body, got[0].body);
  }
  auto attempts = *store->delivery_attempts(d.id);
  ASSERT_EQ(attempts.size(), 4u);
  EXPECT_EQ(attempts[0].status, 500);
  EXPECT_EQ(attempts[3].status, 200);
  EXPECT_EQ(attempts[3].at, at);
}

TEST_F(WebhookDelivery, DeadAfterTheTenthAttemptThenReplayedWithTheSameId) {
  endpoint("/fail/100");
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("dead@example.com");
  run();
  for (int i = 0; i < 12; ++i) {
    clock.advance(27 * kHour);
    run();
  }
  Delivery d = deliveries()[0];
  EXPECT_EQ(d.state, "dead");
  EXPECT_EQ(d.attempts, 10);
  EXPECT_FALSE(d.next_attempt_at.has_value());
  EXPECT_EQ(receiver.count(), 10u);
  auto replayed = store->replay_deliveries({d.id}, {}, clock.now());
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, std::vector<int64_t>{d.id});
  EXPECT_EQ(run().attempts, 1);
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 11u);
  EXPECT_EQ(got.back().id, d.webhook_id);
  d = *store->get_delivery(d.id);
  EXPECT_EQ(d.state, "pending");
  EXPECT_EQ(d.attempts, 1);  // a new cycle
  EXPECT_EQ(store->delivery_attempts(d.id)->size(), 11u);
  // A pending delivery is not replayed twice.
  EXPECT_TRUE(store->replay_deliveries({d.id}, {}, clock.now())->empty());
}

TEST_F(WebhookDelivery, GoneDisablesTheEndpointAndCancelsItsPendingDeliveries) {
  const WebhookEndpoint e = endpoint("/gone");
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("one@example.com");
  capture("two@example.com");
  run();
  EXPECT_EQ(receiver.count(), 1u);  // one at a time (in_flight 1): the second is not sent
  for (const Delivery& d : deliveries()) EXPECT_EQ(d.state, "cancelled") << d.id;
  auto after = *store->get_webhook_endpoint(e.id);
  EXPECT_FALSE(after.enabled);
  EXPECT_NE(after.disabled_reason.find("410"), std::string::npos) << after.disabled_reason;
  // A disabled endpoint gets nothing new, and cannot be replayed to.
  capture("three@example.com");
  EXPECT_EQ(run().fanned_out, 0);
  EXPECT_TRUE(store->replay_deliveries({deliveries()[0].id}, {}, clock.now())->empty());
}

// In the engine's window (32 sent and not yet recorded) a 410 is recorded
// at once: the next send to that endpoint sees it disabled and sends nothing.
TEST_F(WebhookDelivery, GoneIsRecordedAtOnceInAWideWindow) {
  make_engine(true, 32, 500, 1);
  const WebhookEndpoint e = endpoint("/gone");
  ASSERT_TRUE(store->delivery_cursor().ok());
  for (int i = 0; i < 10; ++i) capture("gone" + std::to_string(i) + "@example.com");
  run();
  EXPECT_EQ(receiver.count(), 1u);
  EXPECT_EQ(deliveries().size(), 10u);
  for (const Delivery& d : deliveries()) EXPECT_EQ(d.state, "cancelled") << d.id;
  EXPECT_FALSE(store->get_webhook_endpoint(e.id)->enabled);
}

TEST_F(WebhookDelivery, ThrottleWaitsForRetryAfter) {
  endpoint("/throttle/3600");
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("slow@example.com");
  run();
  Delivery d = deliveries()[0];
  EXPECT_EQ(d.state, "pending");
  EXPECT_EQ(d.last_status, 429);
  EXPECT_EQ(d.next_attempt_at, kStart + kHour);  // longer than the schedule's 5 s
  clock.set(kStart + kHour - 1);
  EXPECT_EQ(run().attempts, 0);
  clock.set(kStart + kHour);
  EXPECT_EQ(run().attempts, 1);
}

TEST_F(WebhookDelivery, RedirectAndStallAreFailures) {
  endpoint("/redirect");
  endpoint("/stall/1500");  // past the 500 ms timeout of this engine
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("x@example.com");
  run();
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);  // the redirect's target (/ok) was never asked
  for (const Received& r : got) EXPECT_NE(r.path, "/ok");
  for (const Delivery& d : deliveries()) {
    EXPECT_EQ(d.state, "pending");
    if (d.endpoint_id == 1) {
      EXPECT_EQ(d.last_status, 302);
      EXPECT_NE(d.last_error.find("redirect"), std::string::npos) << d.last_error;
    } else {
      EXPECT_EQ(d.last_status, 0);
      EXPECT_NE(d.last_error.find("Timeout"), std::string::npos) << d.last_error;
    }
  }
}

TEST_F(WebhookDelivery, RotationSignsWithBothSecretsDuringTheOverlap) {
  const WebhookEndpoint before = endpoint("/ok");
  auto rotated = endpoints->rotate(before.id, 24 * kHour);
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(rotated->secret, before.secret);
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("rot@example.com");
  run();
  clock.set(kStart + 25 * kHour);  // past the overlap
  capture("rot2@example.com");
  run();
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  const int64_t t0 = kStart / 1000;
  EXPECT_EQ(got[0].signature,
            *delivery::sign_webhook(rotated->secret, got[0].id, t0, got[0].body) + " " +
                *delivery::sign_webhook(before.secret, got[0].id, t0, got[0].body));
  const int64_t t1 = (kStart + 25 * kHour) / 1000;
  EXPECT_EQ(got[1].signature, *delivery::sign_webhook(rotated->secret, got[1].id, t1, got[1].body));
}

TEST_F(WebhookDelivery, SsrfGuardRefusesLoopbackUntilAnAdminAllowsIt) {
  make_engine(false, 1);
  const WebhookEndpoint e = endpoint("/ok");
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("ssrf@example.com");
  run();
  EXPECT_EQ(receiver.count(), 0u);
  Delivery d = deliveries()[0];
  EXPECT_EQ(d.state, "pending");
  EXPECT_NE(d.last_error.find("refused"), std::string::npos) << d.last_error;
  EndpointFields allow;
  allow.allow_private = true;
  ASSERT_TRUE(endpoints->update(e.id, allow).ok());
  clock.advance(6 * kSecond);
  run();
  EXPECT_EQ(receiver.count(), 1u);
  EXPECT_EQ(store->get_delivery(d.id)->state, "delivered");
}

TEST_F(WebhookDelivery, GoalBehindAndDefinitionActivatedComeFromTheOutbox) {
  endpoint("/ok", {"goal.behind", "definition.activated"});
  ASSERT_TRUE(store->delivery_cursor().ok());
  capture("not-sent@example.com");  // lead.captured: not in this endpoint's filter
  Goal g;
  g.name = "spring";
  g.target = 10;
  g.starts_at = kStart;
  g.ends_at = kStart + 30 * 24 * kHour;
  ASSERT_TRUE(store->put_goal(g).ok());
  ASSERT_TRUE(*store->mark_goal_behind(
      g.id, kStart, {0, "goal_behind", "marketing", 0, kStart, R"({"goal":1})"}));
  DefinitionRecord d;
  d.name = "v1";
  d.source = d.content = "{}";
  d.hash = "h1";
  d.created_at = d.updated_at = kStart;
  ASSERT_TRUE(store->put_definition(d).ok());
  d.activated_at = kStart;
  d.activated_by = "tester";
  std::vector<Regrade> none;
  ASSERT_TRUE(store->activate_definition(d, none).ok());
  EXPECT_EQ(run().delivered, 2);
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  json goal = json::parse(got[0].body), activated = json::parse(got[1].body);
  EXPECT_EQ(goal["type"], "goal.behind");
  EXPECT_EQ(goal["data"]["message"]["goal"], 1);
  EXPECT_EQ(activated["type"], "definition.activated");
  EXPECT_EQ(activated["data"]["message"]["version"], d.version);
  EXPECT_EQ(activated["data"]["message"]["activated_by"], "tester");
}

TEST_F(WebhookDelivery, SendsSeveralAtOnce) {
  make_engine(true, 8, 5000);
  endpoint("/slow/200");
  ASSERT_TRUE(store->delivery_cursor().ok());
  for (int i = 0; i < 16; ++i) capture("p" + std::to_string(i) + "@example.com");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(run().delivered, 16);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  EXPECT_LT(ms.count(), 16 * 200 * 3 / 4)
      << "16 sends of 200 ms each (3,200 ms one by one) took " << ms.count() << " ms";
}

}  // namespace
}  // namespace leadloop
