// Consent per channel and do-not-contact: a change is one consent_changed
// event naming only the channels that changed; nothing changes, nothing is
// written; a person not to be contacted leaves the funnel as opted_out with
// the owner released and the timers cleared; routing never nurtures by
// e-mail against a denial nor gives a do-not-contact lead to a rep; an
// opt-out brought by a re-capture is an event too.
#include "engine/consent.h"

#include <gtest/gtest.h>

#include "domain/codec.h"
#include "lifecycle_fixture.h"

namespace leadloop {
namespace {

using testing::LifecycleServices;
using testing::make_lead;
using testing::TempDir;

constexpr ConsentFlags kDoNotContact = {Consent::kDenied, Consent::kDenied, Consent::kDenied};

class ConsentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<LifecycleServices>(dir.file("consent.db"));
    desk = std::make_unique<ConsentDesk>(*svc->store, svc->clock, *svc->intake, *svc->definition,
                                         svc->router.get());
  }

  ConsentAnswer set(int64_t id, const ConsentInput& in) {
    auto out = desk->set(id, in, "marketing:mia");
    EXPECT_TRUE(out.ok()) << out.status().to_string();
    return out.ok() ? *out : ConsentAnswer{};
  }

  Lead warm(const std::string& email) {
    Lead l = make_lead(email);
    l.title = "Manager";
    return l;
  }

  Lead hot_lead(const std::string& email) {
    Lead l = make_lead(email);
    l.title = "VP";
    l.country = "DE";
    return l;
  }

  // A re-capture of `email` bringing `consent`.
  void recapture(const std::string& email, ConsentFlags consent) {
    Lead again = make_lead(email);
    again.consent = consent;
    svc->clock.advance(kMillisPerHour);
    svc->capture(again);
  }

  Json payload(const LeadEvent& e) { return Json::parse(e.payload); }

  TempDir dir;
  std::unique_ptr<LifecycleServices> svc;
  std::unique_ptr<ConsentDesk> desk;
};

TEST_F(ConsentTest, AChangeIsOneEventNamingOnlyTheChannelsThatChanged) {
  Lead l = make_lead("ann@example.com");
  l.consent.mail = Consent::kGranted;
  l = svc->capture(l);
  svc->clock.advance(60 * kMillisPerSecond);

  ConsentInput in;
  in.email = Consent::kDenied;
  in.phone = Consent::kGranted;
  in.mail = Consent::kGranted;  // as it was
  in.source = "unsubscribe link";
  in.note = "newsletter footer";
  ConsentAnswer a = set(l.id, in);
  EXPECT_EQ(a.changed, (std::vector<std::string>{"email", "phone"}));
  EXPECT_EQ(a.lead.consent.email, Consent::kDenied);
  EXPECT_EQ(a.lead.consent.phone, Consent::kGranted);
  EXPECT_EQ(a.lead.stage, l.stage);  // one channel denied: still in play

  const Lead stored = svc->get(l.id);
  EXPECT_EQ(stored.consent.email, Consent::kDenied);
  EXPECT_EQ(stored.updated_at, svc->clock.now());
  auto events = svc->events(l.id, event_type::kConsentChanged);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "marketing:mia");
  EXPECT_EQ(payload(events[0]),
            Json::parse(R"({"channels": {"email": {"from": "unknown", "to": "denied"},
                                                              "phone": {"from": "unknown", "to": "granted"}},
                                                 "source": "unsubscribe link", "note": "newsletter footer"})"));
}

TEST_F(ConsentTest, SayingWhatIsAlreadyRecordedWritesNothing) {
  Lead l = make_lead("ann@example.com");
  l.consent.email = Consent::kDenied;
  l = svc->capture(l);
  const size_t events_before = svc->events(l.id).size();
  svc->clock.advance(60 * kMillisPerSecond);

  ConsentInput in;
  in.email = Consent::kDenied;
  ConsentAnswer a = set(l.id, in);
  EXPECT_TRUE(a.changed.empty());
  EXPECT_EQ(svc->events(l.id).size(), events_before);
  EXPECT_EQ(svc->get(l.id).updated_at, l.updated_at);
}

TEST_F(ConsentTest, DoNotContactMovesAnOpenLeadToOptedOutReleasingItsOwner) {
  const Lead l = svc->capture(hot_lead("vp@example.com"));
  ASSERT_EQ(l.owner, "e1");
  ASSERT_TRUE(l.sla_due_at);
  ASSERT_EQ(svc->router->open_leads("e1"), 1);
  svc->clock.advance(kMillisPerHour);

  ConsentInput in;
  in.do_not_contact = true;
  in.source = "call";
  ConsentAnswer a = set(l.id, in);
  EXPECT_EQ(a.changed, (std::vector<std::string>{"email", "phone", "mail"}));

  const Lead after = svc->get(l.id);
  EXPECT_EQ(after.stage, Stage::kOptedOut);
  EXPECT_EQ(after.owner, "");
  EXPECT_FALSE(after.sla_due_at);
  EXPECT_FALSE(after.decay_at);
  EXPECT_FALSE(after.first_response_at);  // the person's wish, not the rep's response
  EXPECT_EQ(svc->router->open_leads("e1"), 0);
  // Both events, in this order, in the one transaction.
  auto events = svc->events(l.id);
  ASSERT_GE(events.size(), 2u);
  const LeadEvent& consent = events[events.size() - 2];
  const LeadEvent& moved = events.back();
  EXPECT_EQ(consent.type, event_type::kConsentChanged);
  EXPECT_EQ(moved.type, event_type::kStageChanged);
  EXPECT_EQ(moved.id, consent.id + 1);
  EXPECT_EQ(payload(moved)["exit"], "opted_out");
  EXPECT_EQ(payload(moved)["from"], "assigned");
  EXPECT_EQ(payload(moved)["owner"], "e1");
  EXPECT_EQ(moved.actor, "marketing:mia");

  // The follow-up timers have nothing left to fire on it.
  svc->clock.advance(10 * kMillisPerDay);
  ASSERT_TRUE(svc->follow_up->run_due().ok());
  EXPECT_EQ(svc->get(l.id).stage, Stage::kOptedOut);
  EXPECT_TRUE(svc->events(l.id, event_type::kSlaBreached).empty());
}

TEST_F(ConsentTest, DeniedEmailTakesALeadOutOfNurtureAndClosedLeadsStayClosed) {
  const Lead l = svc->capture(warm("mgr@example.com"));
  ASSERT_EQ(l.stage, Stage::kNurture);
  ASSERT_TRUE(l.decay_at);
  ConsentInput in;
  in.email = Consent::kDenied;
  EXPECT_EQ(set(l.id, in).lead.stage, Stage::kRecycled);
  EXPECT_EQ(payload(svc->events(l.id, event_type::kStageChanged).back())["reason"],
            "email consent denied");
  EXPECT_TRUE(svc->get(l.id).decay_at);  // still warm in the recycle pool

  TransitionInput disqualify;
  disqualify.to = Stage::kDisqualified;
  ASSERT_TRUE(svc->lifecycle->transition(l.id, disqualify, "tester").ok());
  ConsentInput all;
  all.do_not_contact = true;
  EXPECT_EQ(set(l.id, all).lead.stage, Stage::kDisqualified);
  EXPECT_EQ(svc->events(l.id, event_type::kConsentChanged).size(), 2u);
}

TEST_F(ConsentTest, ContradictionsAndUnknownLeadsAreRefused) {
  const Lead l = svc->capture(make_lead("ann@example.com"));
  ConsentInput in;
  in.do_not_contact = true;
  in.phone = Consent::kGranted;
  auto refused = desk->set(l.id, in, "tester");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(refused.status().field(), "do_not_contact");
  EXPECT_EQ(desk->set(l.id + 100, ConsentInput{}, "tester").status().code(), ErrorCode::kNotFound);
}

TEST_F(ConsentTest, RoutingDoesNotNurtureByEmailAgainstADenial) {
  Lead l = warm("mgr@example.com");
  l.consent.email = Consent::kDenied;
  l = svc->capture(l);
  EXPECT_EQ(l.stage, Stage::kRecycled);
  Json p = payload(svc->events(l.id, event_type::kStageChanged).back());
  EXPECT_EQ(p["not_nurtured"], "email consent denied");
  EXPECT_EQ(p["reason"], "graded warm");
}

TEST_F(ConsentTest, RoutingNeverGivesADoNotContactLeadToARep) {
  Lead l = hot_lead("vp@example.com");
  l.consent = kDoNotContact;
  l = svc->capture(l);
  EXPECT_EQ(l.stage, Stage::kOptedOut);
  EXPECT_EQ(l.owner, "");
  EXPECT_TRUE(svc->events(l.id, event_type::kAssigned).empty());
  EXPECT_EQ(svc->router->open_leads("e1"), 0);
  EXPECT_EQ(payload(svc->events(l.id, event_type::kStageChanged).back())["exit"], "opted_out");

  // A lead stored before consent was honoured, waiting in the queue: no rep
  // is chosen for it, manual assignment refuses it, and routing sends it out.
  Mutation m;
  LeadChange legacy{
      svc->capture(make_lead("old@example.com")), {}, {}};  // ungraded: waits as captured
  legacy.lead.consent = kDoNotContact;  // as a re-capture merged it before consent was honoured
  legacy.events.push_back(
      {0, legacy.lead.id, std::string(event_type::kRecaptured), svc->clock.now(), "tester", "{}"});
  m.leads.push_back(legacy);
  Status committed = svc->store->commit(m);
  ASSERT_TRUE(committed.ok()) << committed.to_string();
  Lead waiting = svc->get(legacy.lead.id);
  ASSERT_EQ(waiting.stage, Stage::kCaptured);
  RouteChoice c = svc->router->choose(waiting, svc->clock.now());
  EXPECT_EQ(c.rep, "");
  EXPECT_NE(c.why_not.find("not to be contacted"), std::string::npos);
  auto assigned = svc->dispatch->assign({{waiting.id}, "e2", ""}, "manager:max");
  ASSERT_TRUE(assigned.ok()) << assigned.status().to_string();
  EXPECT_FALSE(assigned->front().error.ok());
  EXPECT_EQ(svc->get(waiting.id).owner, "");
  std::vector<LeadEvent> events;
  std::vector<RepAssignment> assignments;
  svc->router->route(waiting, svc->clock.now(), {&events, &assignments});
  EXPECT_EQ(waiting.stage, Stage::kOptedOut);
  EXPECT_EQ(waiting.owner, "");
  EXPECT_TRUE(assignments.empty());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(payload(events[0])["exit"], "opted_out");
}

TEST_F(ConsentTest, AnOptOutBroughtByARecaptureIsAnEventAndStopsTheCalls) {
  const Lead l = svc->capture(hot_lead("vp@example.com"));
  ASSERT_EQ(l.owner, "e1");

  recapture("vp@example.com", {Consent::kDenied, Consent::kUnknown, Consent::kUnknown});
  auto changed = svc->events(l.id, event_type::kConsentChanged);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(payload(changed[0])["source"], "capture");
  EXPECT_EQ(payload(changed[0])["channels"],
            Json::parse(R"({"email": {"from": "unknown", "to": "denied"}})"));
  EXPECT_EQ(svc->get(l.id).owner, "e1");  // the phone may still ring

  recapture("vp@example.com", kDoNotContact);
  changed = svc->events(l.id, event_type::kConsentChanged);
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(payload(changed[1])["channels"].size(), 2u);  // phone and mail
  const Lead after = svc->get(l.id);
  EXPECT_EQ(after.stage, Stage::kOptedOut);
  EXPECT_EQ(after.owner, "");
  EXPECT_FALSE(after.sla_due_at);
  EXPECT_EQ(svc->router->open_leads("e1"), 0);

  // The same again changes nothing: no event.
  recapture("vp@example.com", kDoNotContact);
  EXPECT_EQ(svc->events(l.id, event_type::kConsentChanged).size(), 2u);
}

}  // namespace
}  // namespace leadloop
