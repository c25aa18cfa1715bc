// Feedback links: a signed, expiring, single-lead token that answers once.
// Forged, altered, truncated, expired, reused and other-lead tokens are
// refused; the key lives in the database and never in a token. And the
// campaign feedback view computed from the answers.
#include "access/feedback_links.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <thread>

#include "engine/campaign_feedback.h"
#include "test_db.h"

namespace leadloop {
namespace {

using testing::make_lead;
using testing::TempDir;
using testing::TestServices;

constexpr int kB64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr const char* kB64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64(const unsigned char* bytes, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, kB64), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, kB64);
  out.pop_back();  // the terminating NUL
  return out;
}

// A token in the documented format for (id, expires_at), signed with `key`.
std::string sign(int64_t id, TimePoint expires_at, const unsigned char* key) {
  std::array<unsigned char, 16> payload{};
  for (int i = 0; i < 8; ++i) {
    payload[i] = static_cast<unsigned char>(static_cast<uint64_t>(id) >> (56 - 8 * i));
    payload[8 + i] = static_cast<unsigned char>(static_cast<uint64_t>(expires_at) >> (56 - 8 * i));
  }
  unsigned char tag[crypto_auth_BYTES];
  crypto_auth(tag, payload.data(), payload.size(), key);
  return "flk_" + b64(payload.data(), payload.size()) + "." + b64(tag, sizeof tag);
}

class FeedbackLinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<TestServices>(dir.file("links.db"));
    svc->add_campaign("web-1");
    links = std::make_unique<FeedbackLinks>(*svc->store, svc->clock, *svc->lifecycle);
    ASSERT_TRUE(links->open().ok());
  }

  int64_t capture(const std::string& email, const std::string& first_name = "") {
    Lead l = make_lead(email);
    l.first_name = first_name;
    std::vector<Result<Lead>> in;
    in.emplace_back(std::move(l));
    auto out = svc->intake->capture(std::move(in), {"tester", "test", false});
    EXPECT_TRUE(out.ok() && (*out)[0].status == CaptureStatus::kCreated);
    return out.ok() ? (*out)[0].lead_id : 0;
  }

  IssuedFeedbackLink issue(int64_t lead, TimePoint valid_for = kMillisPerDay, const std::string& rep = "Rita") {
    auto issued = links->create(lead, rep, svc->clock.now() + valid_for, "token:1:owner");
    EXPECT_TRUE(issued.ok()) << issued.status().to_string();
    return issued.ok() ? *issued : IssuedFeedbackLink{};
  }

  int64_t stage_changes(int64_t lead) {
    int64_t n = 0;
    for (const auto& e : svc->store->lead_events(lead).value()) n += e.type == event_type::kStageChanged;
    return n;
  }

  TempDir dir;
  std::unique_ptr<TestServices> svc;
  std::unique_ptr<FeedbackLinks> links;
};

TEST_F(FeedbackLinksTest, CreatedLinkVerifiesAndNamesItsLeadAndRep) {
  int64_t lead = capture("ann@example.com");
  IssuedFeedbackLink issued = issue(lead, 72 * kMillisPerHour, "  Rita Reyes ");
  EXPECT_EQ(issued.token.rfind("flk_", 0), 0u);
  EXPECT_EQ(issued.token.size(), 4u + 22 + 1 + 43);
  auto link = links->verify(issued.token);
  ASSERT_TRUE(link.ok()) << link.status().to_string();
  EXPECT_EQ(link->id, issued.link.id);
  EXPECT_EQ(link->lead_id, lead);
  EXPECT_EQ(link->rep, "Rita Reyes");
  EXPECT_EQ(link->created_by, "token:1:owner");
  EXPECT_EQ(link->expires_at, testing::kTestStart + 72 * kMillisPerHour);
  EXPECT_FALSE(link->used_at);
}

TEST_F(FeedbackLinksTest, CreateRefusesUnknownOrClosedLeadsPastExpiriesAndNoRep) {
  int64_t lead = capture("ann@example.com");
  const TimePoint later = svc->clock.now() + kMillisPerDay;
  EXPECT_EQ(links->create(999, "Rita", later, "x").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(links->create(lead, "Rita", svc->clock.now(), "x").status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(links->create(lead, "  ", later, "x").status().code(), ErrorCode::kMissingField);
  EXPECT_EQ(links->create(lead, std::string(201, 'r'), later, "x").status().code(), ErrorCode::kInvalidValue);
  TransitionInput out;
  out.to = Stage::kDisqualified;
  ASSERT_TRUE(svc->lifecycle->transition(lead, out, "tester").ok());
  EXPECT_EQ(links->create(lead, "Rita", later, "x").status().code(), ErrorCode::kInvalidValue);
}

TEST_F(FeedbackLinksTest, EveryAlteredForgedOrMalformedTokenIsUnauthorized) {
  const std::string good = issue(capture("ann@example.com")).token;
  std::vector<std::string> bad = {"",
                                  "flk_",
                                  good.substr(0, good.size() - 1),  // truncated
                                  good + "A",                       // extended
                                  good + "=",                       // padded
                                  "llt_" + good.substr(4),          // another prefix
                                  "FLK_" + good.substr(4),
                                  " " + good,
                                  good.substr(0, 26) + good.substr(27),  // no separator
                                  std::string(good.size(), 'A')};
  // Every single character changed, in the signed part and in the tag.
  for (size_t i = 4; i < good.size(); ++i) {
    if (good[i] == '.') continue;
    std::string t = good;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    bad.push_back(t);
  }
  for (const std::string& t : bad) {
    auto r = links->verify(t);
    EXPECT_EQ(r.status().code(), ErrorCode::kUnauthorized) << t;
    EXPECT_EQ(r.status().message(), "this feedback link is not valid");
  }
  EXPECT_TRUE(links->verify(good).ok());
}

TEST_F(FeedbackLinksTest, ATokenSignedWithoutTheKeyCannotNameAnotherLink) {
  int64_t a = capture("ann@example.com");
  int64_t b = capture("bob@example.com");
  IssuedFeedbackLink for_a = issue(a);
  IssuedFeedbackLink for_b = issue(b);
  // The format is public; the key is not. A guessed key signs nothing.
  unsigned char guess[crypto_auth_KEYBYTES];
  crypto_auth_keygen(guess);
  for (int64_t id : {for_a.link.id, for_b.link.id, for_b.link.id + 1}) {
    std::string forged = sign(id, for_b.link.expires_at, guess);
    EXPECT_EQ(links->verify(forged).status().code(), ErrorCode::kUnauthorized);
    EXPECT_EQ(links->answer(forged, {Stage::kAccepted, "", ""}).status().code(), ErrorCode::kUnauthorized);
  }
  EXPECT_EQ(stage_changes(b), 0);
}

TEST_F(FeedbackLinksTest, AnExpiredLinkIsForbiddenAndSaysWhoToAsk) {
  IssuedFeedbackLink issued = issue(capture("ann@example.com"), 2 * kMillisPerHour);
  svc->clock.advance(2 * kMillisPerHour - 1);
  EXPECT_TRUE(links->verify(issued.token).ok());
  svc->clock.advance(1);
  auto r = links->verify(issued.token);
  EXPECT_EQ(r.status().code(), ErrorCode::kForbidden);
  EXPECT_EQ(r.status().message(), "this feedback link expired on 2026-03-02 12:00 UTC; ask token:1:owner for a new one");
  EXPECT_EQ(links->answer(issued.token, {Stage::kAccepted, "", ""}).status().code(), ErrorCode::kForbidden);
  EXPECT_EQ(stage_changes(issued.link.lead_id), 0);
}

TEST_F(FeedbackLinksTest, ALinkAnswersOnceAsTheRep) {
  int64_t lead = capture("ann@example.com");
  IssuedFeedbackLink issued = issue(lead);
  auto answered = links->answer(issued.token, {Stage::kRejected, "no_budget", "cut in March"});
  ASSERT_TRUE(answered.ok()) << answered.status().to_string();
  EXPECT_EQ(answered->stage, Stage::kRejected);
  auto events = svc->store->lead_events(lead).value();
  EXPECT_EQ(events.back().actor, "link:Rita");
  EXPECT_NE(events.back().payload.find("\"reason\":\"no_budget\""), std::string::npos);
  EXPECT_NE(events.back().payload.find("\"note\":\"cut in March\""), std::string::npos);

  auto again = links->answer(issued.token, {Stage::kAccepted, "", ""});
  EXPECT_EQ(again.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(again.status().message(), "this feedback link has been answered already");
  EXPECT_EQ(links->verify(issued.token).status().code(), ErrorCode::kConflict);
  EXPECT_EQ(stage_changes(lead), 1);
  EXPECT_EQ(svc->store->get_lead(lead)->stage, Stage::kRejected);
}

TEST_F(FeedbackLinksTest, AnAnswerThatFailsDoesNotUseTheLink) {
  IssuedFeedbackLink issued = issue(capture("ann@example.com"));
  EXPECT_EQ(links->answer(issued.token, {Stage::kRejected, "", ""}).status().code(), ErrorCode::kMissingField);
  EXPECT_EQ(links->answer(issued.token, {Stage::kWon, "", ""}).status().code(), ErrorCode::kInvalidValue);
  EXPECT_TRUE(links->verify(issued.token).ok());
  EXPECT_TRUE(links->answer(issued.token, {Stage::kAccepted, "", ""}).ok());
}

TEST_F(FeedbackLinksTest, TwoAnswersAtOnceOneWins) {
  int64_t lead = capture("ann@example.com");
  IssuedFeedbackLink issued = issue(lead);
  std::array<Status, 2> results;
  std::thread first([&] { results[0] = links->answer(issued.token, {Stage::kAccepted, "", ""}).status(); });
  std::thread second([&] { results[1] = links->answer(issued.token, {Stage::kRejected, "no_budget", ""}).status(); });
  first.join();
  second.join();
  EXPECT_EQ(results[0].ok() + results[1].ok(), 1) << results[0].to_string() << " / " << results[1].to_string();
  for (const Status& st : results) {
    if (!st.ok()) {
      EXPECT_TRUE(st.code() == ErrorCode::kConflict || st.code() == ErrorCode::kInvalidTransition);
    }
  }
  EXPECT_EQ(stage_changes(lead), 1);
}

TEST_F(FeedbackLinksTest, ALeadsLinkOnlyEverChangesThatLead) {
  int64_t a = capture("ann@example.com");
  int64_t b = capture("bob@example.com");
  IssuedFeedbackLink for_a = issue(a);
  IssuedFeedbackLink for_b = issue(b);
  ASSERT_TRUE(links->answer(for_a.token, {Stage::kAccepted, "", ""}).ok());
  EXPECT_EQ(svc->store->get_lead(a)->stage, Stage::kAccepted);
  EXPECT_EQ(svc->store->get_lead(b)->stage, Stage::kCaptured);
  EXPECT_EQ(stage_changes(b), 0);
  EXPECT_TRUE(links->verify(for_b.token).ok());  // b's own link is untouched
}

TEST_F(FeedbackLinksTest, TheKeyStaysInTheDatabaseAndOutOfTheToken) {
  IssuedFeedbackLink issued = issue(capture("ann@example.com"));
  // Another process on the same database agrees on the key.
  FeedbackLinks other(*svc->store, svc->clock, *svc->lifecycle);
  ASSERT_TRUE(other.open().ok());
  EXPECT_TRUE(other.verify(issued.token).ok());
  // A different database has its own key.
  TestServices elsewhere(dir.file("other.db"));
  FeedbackLinks stranger(*elsewhere.store, elsewhere.clock, *elsewhere.lifecycle);
  ASSERT_TRUE(stranger.open().ok());
  EXPECT_EQ(stranger.verify(issued.token).status().code(), ErrorCode::kUnauthorized);

  auto hex = svc->store->get_setting("feedback_link_key").value();
  ASSERT_TRUE(hex.has_value());
  ASSERT_EQ(hex->size(), 2u * crypto_auth_KEYBYTES);
  unsigned char key[crypto_auth_KEYBYTES];
  ASSERT_EQ(sodium_hex2bin(key, sizeof key, hex->data(), hex->size(), nullptr, nullptr, nullptr), 0);
  // The token carries only the link id, the expiry and the tag.
  const std::string key_b64 = b64(key, sizeof key);
  EXPECT_EQ(issued.token.find(key_b64.substr(0, 8)), std::string::npos);
  EXPECT_EQ(issued.token.find(*hex), std::string::npos);
  // The format is as documented: the stored key signs exactly this token.
  EXPECT_EQ(sign(issued.link.id, issued.link.expires_at, key), issued.token);
}

TEST_F(FeedbackLinksTest, CampaignFeedbackCountsAnswersReasonsAndOutcomes) {
  svc->add_campaign("tm-1");
  auto move = [&](int64_t lead, Stage to, const std::string& reason = "", const std::string& on_behalf = "") {
    TransitionInput in;
    in.to = to;
    in.reason = reason;
    in.on_behalf_of = on_behalf;
    if (to == Stage::kWon) in.revenue_cents = 150050;
    auto r = svc->lifecycle->transition(lead, in, "token:2:owner");
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    svc->clock.advance(60 * kMillisPerSecond);
  };
  int64_t a = capture("a@example.com"), b = capture("b@example.com"), c = capture("c@example.com"),
          d = capture("d@example.com"), e = capture("e@example.com");
  capture("untouched@example.com");
  Lead other = make_lead("other@example.com", "tm-1");
  ASSERT_TRUE(svc->intake->capture({Result<Lead>(other)}, {"tester", "test", false}).ok());

  ASSERT_TRUE(links->answer(issue(a).token, {Stage::kAccepted, "", "calling Monday"}).ok());
  svc->clock.advance(60 * kMillisPerSecond);
  move(b, Stage::kRejected, "no_budget");
  move(c, Stage::kRejected, "bad_timing", "Rita");
  move(d, Stage::kRejected, "no_budget");
  move(e, Stage::kAccepted);
  move(e, Stage::kOpportunity);
  move(e, Stage::kWon);
  move(c, Stage::kRecycled);  // the rejection stands: no new answer

  auto f = campaign_feedback(*svc->store, "web-1", 3);
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  EXPECT_EQ(f->leads, 6);
  EXPECT_EQ(f->answered, 5);
  EXPECT_EQ(f->accepted, 2);
  EXPECT_EQ(f->rejected, 3);
  ASSERT_EQ(f->reject_reasons.size(), 2u);
  EXPECT_EQ(f->reject_reasons[0].code, "no_budget");
  EXPECT_EQ(f->reject_reasons[0].count, 2);
  EXPECT_EQ(f->reject_reasons[1].code, "bad_timing");
  EXPECT_EQ(f->reject_reasons[1].count, 1);
  EXPECT_EQ(f->won, 1);
  EXPECT_EQ(f->working + f->opportunity + f->lost, 0);
  EXPECT_EQ(f->revenue_cents, 150050);
  // The latest answers, newest first: e accepted, d rejected, c rejected for Rita.
  ASSERT_EQ(f->recent.size(), 3u);
  EXPECT_EQ(f->recent[0].lead_id, e);
  EXPECT_EQ(f->recent[0].to, Stage::kAccepted);
  EXPECT_EQ(f->recent[1].lead_id, d);
  EXPECT_EQ(f->recent[2].lead_id, c);
  EXPECT_EQ(f->recent[2].reason, "bad_timing");
  EXPECT_EQ(f->recent[2].actor, "token:2:owner");
  EXPECT_EQ(f->recent[2].on_behalf_of, "Rita");

  auto all = campaign_feedback(*svc->store, "web-1", 20);
  ASSERT_EQ(all->recent.size(), 5u);
  EXPECT_EQ(all->recent.back().lead_id, a);
  EXPECT_EQ(all->recent.back().actor, "link:Rita");
  EXPECT_EQ(all->recent.back().note, "calling Monday");

  auto none = campaign_feedback(*svc->store, "tm-1", 20);
  EXPECT_EQ(none->leads, 1);
  EXPECT_EQ(none->answered, 0);
  EXPECT_TRUE(none->recent.empty());
}

}  // namespace
}  // namespace leadloop
