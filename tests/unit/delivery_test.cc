// Delivery's pure parts: the Standard Webhooks signature against the
// specification's published test vector, the retry schedule and its
// jitter, Retry-After, and the SSRF guard's refusals.
#include <gtest/gtest.h>

#include <set>

#include "delivery/schedule.h"
#include "delivery/signature.h"
#include "delivery/ssrf.h"

namespace leadloop::delivery {
namespace {

// The test vector of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/*/ tests).
TEST(WebhookSignature, MatchesTheSpecificationsTestVector) {
  auto sig = sign_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                          1614265330, R"({"test": 2432232314})");
  ASSERT_TRUE(sig.ok()) << sig.status().to_string();
  EXPECT_EQ(*sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, ChangesWithEveryPartAndListsEverySecret) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string base = *sign_webhook(secret, "msg_1", 100, "{}");
  EXPECT_NE(*sign_webhook(secret, "msg_2", 100, "{}"), base);
  EXPECT_NE(*sign_webhook(secret, "msg_1", 101, "{}"), base);
  EXPECT_NE(*sign_webhook(secret, "msg_1", 100, "{ }"), base);
  const std::string other = new_webhook_secret();
  auto header = signature_header({other, secret}, "msg_1", 100, "{}");
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*header, *sign_webhook(other, "msg_1", 100, "{}") + " " + base);
}

TEST(WebhookSignature, RefusesASecretWithoutPrefixOrBase64) {
  EXPECT_EQ(sign_webhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, "").status().code(),
            ErrorCode::kInvalidValue);
  EXPECT_EQ(sign_webhook("whsec_!!!", "m", 1, "").status().code(), ErrorCode::kInvalidValue);
}

TEST(WebhookSignature, SecretsAndIdsAreFreshAndWellFormed) {
  const std::string a = new_webhook_secret(), b = new_webhook_secret();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  EXPECT_EQ(a.size(), 6u + 44u);  // base64 of 32 bytes
  const std::string id = new_webhook_id();
  EXPECT_EQ(id.rfind("msg_", 0), 0u);
  EXPECT_EQ(id.size(), 4u + 24u);
  EXPECT_NE(id, new_webhook_id());
}

TEST(RetrySchedule, IsTheStandardWebhooksScheduleThenDead) {
  const TimePoint s = 1000, m = 60 * s, h = 60 * m;
  const TimePoint expected[] = {5 * s, 5 * m, 30 * m, 2 * h, 5 * h, 10 * h, 14 * h, 20 * h, 24 * h};
  for (int attempts = 1; attempts <= 9; ++attempts) {
    EXPECT_EQ(retry_delay(attempts), expected[attempts - 1]) << attempts;
  }
  EXPECT_EQ(retry_delay(10), std::nullopt);
  EXPECT_EQ(jittered_retry_delay(10), std::nullopt);
}

TEST(RetrySchedule, JitterStaysWithinTenPercentAndVaries) {
  std::set<TimePoint> seen;
  for (int i = 0; i < 200; ++i) {
    const TimePoint d = *jittered_retry_delay(3);  // 30 min
    EXPECT_GE(d, 1620000);
    EXPECT_LE(d, 1980000);
    seen.insert(d);
  }
  EXPECT_GT(seen.size(), 50u);
}

TEST(RetryAfter, SecondsAndHttpDates) {
  const TimePoint now = 1614265330000;  // 2021-02-25T15:02:10Z
  EXPECT_EQ(parse_retry_after("120", now), 120000);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0);
  EXPECT_EQ(parse_retry_after("Thu, 25 Feb 2021 15:03:10 GMT", now), 60000);
  EXPECT_EQ(parse_retry_after("Thu, 25 Feb 2021 15:00:00 GMT", now), 0);  // past: no wait
  EXPECT_EQ(parse_retry_after("99999999", now), 24 * 3600 * 1000);        // capped at a day
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
}

TEST(SsrfGuard, RefusesPrivateLoopbackLinkLocalAndTheirMappedForms) {
  for (const char* a : {"10.0.0.1",
                        "127.0.0.1",
                        "127.9.9.9",
                        "169.254.169.254",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.168.1.1",
                        "100.64.0.1",
                        "100.127.255.255",
                        "0.0.0.0",
                        "0.1.2.3",
                        "224.0.0.1",
                        "255.255.255.255",
                        "198.18.0.1",
                        "::",
                        "::1",
                        "fc00::1",
                        "fd12:3456::1",
                        "fe80::1",
                        "ff02::1",
                        "::ffff:127.0.0.1",
                        "::ffff:10.1.2.3",
                        "::ffff:169.254.169.254",
                        "::127.0.0.1",
                        "64:ff9b::a00:1",
                        "not an address"}) {
    EXPECT_TRUE(refused_address(a)) << a;
  }
  for (const char* a : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                        "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    EXPECT_FALSE(refused_address(a)) << a;
  }
}

TEST(SsrfGuard, RefusesPrivateTargetsUnlessAllowed) {
  for (const char* url :
       {"http://10.0.0.1/hook", "http://127.0.0.1:8080/hook", "http://169.254.169.254/latest",
        "http://[::1]:9000/hook", "http://localhost:9000/hook", "https://0x7f.0.0.1/hook"}) {
    auto t = resolve_target(url, false);
    ASSERT_FALSE(t.ok()) << url;
    EXPECT_EQ(t.status().code(), ErrorCode::kForbidden) << url;
    EXPECT_NE(t.status().message().find("refused"), std::string::npos) << t.status().message();
  }
  auto allowed = resolve_target("http://localhost:9000/hook", true);
  ASSERT_TRUE(allowed.ok()) << allowed.status().to_string();
  EXPECT_EQ(allowed->host, "localhost");
  EXPECT_EQ(allowed->port, 9000);
  EXPECT_FALSE(allowed->literal);
  EXPECT_TRUE(allowed->address == "127.0.0.1" || allowed->address == "::1") << allowed->address;
  auto v6 = resolve_target("http://[::1]:9000/hook", true);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->address, "::1");
  EXPECT_TRUE(v6->literal);
}

TEST(SsrfGuard, OnlyHttpAndHttpsWithAHost) {
  EXPECT_TRUE(check_webhook_url("https://hooks.example.com/leadloop").ok());
  EXPECT_TRUE(check_webhook_url("http://hooks.example.com:8080/x?y=1").ok());
  for (const char* url : {"ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/",
                          "example.com/x", "http://", ""}) {
    EXPECT_EQ(check_webhook_url(url).code(), ErrorCode::kInvalidValue) << url;
  }
}

}  // namespace
}  // namespace leadloop::delivery
