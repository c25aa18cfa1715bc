// Nurture programmes: the document's parser and checks, waits, and the
// engine on a real SQLite file with the lifecycle's test definition (warm
// leads go to programme "warm-drip") and a manual clock: enrolment from
// routing, sends as delivery records once per (enrolment, step), exits,
// branches, set, notify, the frequency cap and the hold-out.
#include <gtest/gtest.h>

#include <sodium.h>

#include "engine/consent.h"
#include "lifecycle_fixture.h"
#include "mail/mail_channel.h"
#include "nurture/nurture_engine.h"
#include "nurture/programme.h"

namespace leadloop::testing {
namespace {

constexpr const char* kDrip = R"(name: Warm drip
goal: 'attributes.booked = "yes"'
frequency_cap: {sends: 5, days: 7}
steps:
  - key: welcome
    send: nurture.welcome
  - wait: {days: 2}
  - key: check
    branch: {engaged: [opened, clicked], within_days: 3, then: thanks, else: nudge}
  - key: nudge
    send: nurture.nudge
  - exit: no_reply
  - key: thanks
    set: {field: attributes.engaged, value: "yes"}
  - set: {score: "+10"}
  - notify: "engaged with the drip"
  - exit: engaged
)";

TEST(ProgrammeDocument, ParsesEveryStepKind) {
  ParsedProgramme p = parse_programme(kDrip);
  ASSERT_TRUE(p.programme) << issues_status(p.issues).to_string();
  const Programme& g = *p.programme;
  EXPECT_EQ(g.name, "Warm drip");
  ASSERT_EQ(g.steps.size(), 9u);
  EXPECT_EQ(g.steps[0].kind, StepKind::kSend);
  EXPECT_EQ(g.steps[0].template_name, "nurture.welcome");
  EXPECT_EQ(g.steps[1].kind, StepKind::kWait);
  EXPECT_EQ(g.steps[1].wait.millis, 2 * kMillisPerDay);
  EXPECT_EQ(g.steps[1].key, "step2");
  EXPECT_EQ(g.steps[2].branch.then_index, 5);
  EXPECT_EQ(g.steps[2].branch.else_index, 3);
  EXPECT_EQ(g.steps[6].set.score, 10);
  EXPECT_TRUE(g.steps[6].set.relative);
  EXPECT_EQ(g.steps[8].text, "engaged");
  EXPECT_EQ(g.cap_sends, 5);
  ASSERT_TRUE(g.goal);
}

TEST(ProgrammeDocument, SaysWhatIsWrongAndWhere) {
  auto issues = [](const std::string& text) {
    ParsedProgramme p = parse_programme(text);
    EXPECT_FALSE(p.programme);
    return p.issues;
  };
  auto a = issues("name: x\nsteps:\n  - mail: nurture.a\n");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].line, 3);
  EXPECT_NE(a[0].message.find("unknown step 'mail'"), std::string::npos);
  auto b = issues("name: x\nsteps:\n  - branch: {engaged: opened, then: nowhere}\n");
  ASSERT_FALSE(b.empty());
  EXPECT_NE(b[0].message.find("no step with key 'nowhere'"), std::string::npos);
  auto c = issues("name: x\nsteps:\n  - branch: {when: 'titel = \"VP\"'}\n");
  ASSERT_FALSE(c.empty());
  EXPECT_NE(c[0].message.find("titel"), std::string::npos);
  auto d = issues("steps:\n  - send: welcome\n");
  ASSERT_EQ(d.size(), 2u);  // no name; not a nurture template
  auto e = issues("name: x\nholdout: 80\nsteps:\n  - exit: done\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].path, "holdout");
}

TEST(ProgrammeDocument, WaitsEndOnBusinessDaysDatesAndOutsideQuietHours) {
  Lead l;
  l.country = "DE";  // UTC+1 in the table
  WaitSpec w;
  w.kind = WaitSpec::Kind::kBusinessDays;
  w.business_days = 2;
  // Friday 2026-03-06 10:00 UTC + 2 business days = Tuesday 2026-03-10 10:00.
  const TimePoint friday = *parse_time("2026-03-06T10:00:00.000Z");
  EXPECT_EQ(format_time(wait_end(w, l, friday)), "2026-03-10T10:00:00.000Z");
  w.kind = WaitSpec::Kind::kQuietHours;  // 21:00 to 08:00 local
  EXPECT_EQ(wait_end(w, l, friday), friday);  // 11:00 in Berlin: not quiet
  const TimePoint late = *parse_time("2026-03-06T21:30:00Z");  // 22:30 local
  EXPECT_EQ(format_time(wait_end(w, l, late)), "2026-03-07T07:00:00.000Z");  // 08:00 local
  w.kind = WaitSpec::Kind::kUntil;
  w.until = *parse_time("2026-04-01T00:00:00.000Z");
  EXPECT_EQ(format_time(wait_end(w, l, friday)), "2026-04-01T00:00:00.000Z");
}

class NurtureEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    svc = std::make_unique<LifecycleServices>(dir.file("nurture.db"));
    unsubscribe = std::make_unique<UnsubscribeLinks>(*svc->store);
    ASSERT_TRUE(unsubscribe->open().ok());
    engine = std::make_unique<NurtureEngine>(*svc->store, svc->clock, *svc->intake, *svc->campaigns, *unsubscribe,
                                             NurtureConfig{"https://leads.example.com", {"Acme", "news@acme.example"}});
    ASSERT_TRUE(engine->open().ok());
    ASSERT_TRUE(run().enrolled == 0);  // sets the cursor before any lead
  }

  void programme(const std::string& key, const std::string& text) {
    ProgrammeRecord r;
    r.key = key;
    r.name = key;
    r.source = text;
    r.created_at = svc->clock.now();
    r.created_by = "test";
    ASSERT_TRUE(svc->store->put_programme(r).ok());
    ASSERT_TRUE(svc->store->activate_programme(key, r.version, "test", svc->clock.now()).ok());
  }

  NurtureRun run() {
    auto r = engine->run_once();
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : NurtureRun{};
  }

  Lead warm(const std::string& email, Consent c = Consent::kGranted) {
    Lead l = make_lead(email);
    l.title = "Manager";
    l.first_name = "Wanda";
    l.consent.email = c;
    return svc->capture(l);
  }

  std::vector<Delivery> mails() {
    DeliveryFilter f;
    f.limit = 1000;
    auto d = svc->store->list_deliveries(f);
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : std::vector<Delivery>{};
  }

  TempDir dir;
  std::unique_ptr<LifecycleServices> svc;
  std::unique_ptr<UnsubscribeLinks> unsubscribe;
  std::unique_ptr<NurtureEngine> engine;
};

TEST_F(NurtureEngineTest, ARoutedWarmLeadIsEnrolledAndEachStepSendsOnce) {
  programme("warm-drip", kDrip);
  Lead l = warm("wanda@example.com");
  ASSERT_EQ(l.stage, Stage::kNurture);
  NurtureRun r = run();
  EXPECT_EQ(r.enrolled, 1);
  EXPECT_EQ(r.sent, 1);
  auto d = mails();
  ASSERT_EQ(d.size(), 1u);
  auto enrolments = svc->store->lead_enrolments(l.id);
  ASSERT_TRUE(enrolments.ok());
  ASSERT_EQ(enrolments->size(), 1u);
  const Enrolment& e = enrolments->front();
  EXPECT_EQ(d[0].message_key, "nurture:" + std::to_string(e.id) + ":0");
  EXPECT_EQ(d[0].destination, "email:wanda@example.com");
  auto mail = parse_mail_payload(d[0].payload);
  ASSERT_TRUE(mail.ok());
  EXPECT_NE(mail->text.find("Hello Wanda"), std::string::npos);
  EXPECT_NE(mail->html.find("/t/o/tro_"), std::string::npos);  // consent granted: tracked
  EXPECT_EQ(e.step, 2);  // past the send and into the wait
  EXPECT_EQ(e.next_at, svc->clock.now() + 2 * kMillisPerDay);
  EXPECT_EQ(run().sent, 0);  // nothing due: no second mail
  EXPECT_EQ(mails().size(), 1u);
  ASSERT_EQ(svc->events(l.id, "enrolled").size(), 1u);
  ASSERT_EQ(svc->events(l.id, "step_sent").size(), 1u);
  // Two days on, no engagement: the nudge, then the exit.
  svc->clock.advance(2 * kMillisPerDay);
  r = run();
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(mails().size(), 2u);
  auto after = svc->store->get_enrolment(e.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, "exited");
  EXPECT_EQ(after->exit_reason, "no_reply");
  EXPECT_EQ(after->sends, 2);
}

TEST_F(NurtureEngineTest, AnOpenTakesTheOtherBranchSetsFieldsAndNotifiesTheOwner) {
  programme("warm-drip", kDrip);
  Lead l = warm("otto@example.com");
  run();
  auto e = svc->store->lead_enrolments(l.id)->front();
  auto tracked = engine->verify(engine->open_token(e.id, 0));
  ASSERT_TRUE(tracked.ok());
  EXPECT_EQ(tracked->link, -1);
  EXPECT_FALSE(engine->verify(engine->open_token(e.id, 0) + "x").ok());
  ASSERT_TRUE(engine->track(*tracked).ok());
  auto touches = svc->store->lead_touches(l.id);
  ASSERT_EQ(touches->size(), 1u);
  EXPECT_EQ(touches->front().outcome, "opened");
  svc->clock.advance(2 * kMillisPerDay);
  run();
  auto after = svc->store->get_enrolment(e.id);
  EXPECT_EQ(after->exit_reason, "engaged");
  Lead now = svc->get(l.id);
  EXPECT_EQ(now.attributes["engaged"], "yes");
  EXPECT_EQ(now.score, l.score + 10 > 100 ? 100 : l.score + 10);
  auto outbox = svc->store->list_outbox("", 0, 100);
  ASSERT_TRUE(outbox.ok());
  bool notified = false;
  for (const auto& m : *outbox) notified = notified || (m.kind == "nurture_notify" && m.lead_id == l.id);
  EXPECT_TRUE(notified);
  EXPECT_EQ(mails().size(), 1u);  // no nudge
}

TEST_F(NurtureEngineTest, OptingOutOrTurningHotExitsAtOnce) {
  programme("warm-drip", kDrip);
  Lead a = warm("ann@example.com");
  Lead b = warm("bob@example.com");
  run();
  ConsentDesk desk(*svc->store, svc->clock, *svc->intake, *svc->definition, svc->router.get());
  ConsentInput no;
  no.email = Consent::kDenied;
  ASSERT_TRUE(desk.set(a.id, no, "test").ok());
  Lead hot = make_lead("bob@example.com");
  hot.attributes["intent"] = "high";
  svc->capture(hot);  // the re-capture re-grades bob hot and routes him
  run();
  EXPECT_EQ(svc->store->lead_enrolments(a.id)->front().exit_reason, "opted_out");
  auto eb = svc->store->lead_enrolments(b.id)->front();
  EXPECT_EQ(eb.exit_reason, "hot");
  EXPECT_TRUE(eb.turned_hot);
  svc->clock.advance(3 * kMillisPerDay);
  run();
  EXPECT_EQ(mails().size(), 2u);  // the two welcomes only
  auto report = svc->store->programme_report("warm-drip");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->enrolled, 2);
  EXPECT_EQ(report->opted_out, 1);
  EXPECT_EQ(report->turned_hot, 1);
}

TEST_F(NurtureEngineTest, TheFrequencyCapHoldsAcrossProgrammesAndConsentIsCheckedAtSendTime) {
  programme("warm-drip", "name: one\nfrequency_cap: {sends: 1, days: 7}\nsteps:\n  - send: nurture\n  - send: nurture\n");
  programme("other", "name: two\nfrequency_cap: {sends: 1, days: 7}\nsteps:\n  - send: nurture\n");
  Lead l = warm("cap@example.com", Consent::kUnknown);
  run();
  ASSERT_TRUE(engine->enrol(l.id, "other", "marketing:mia").ok());
  EXPECT_EQ(engine->enrol(l.id, "other", "marketing:mia").status().code(), ErrorCode::kConflict);
  run();
  EXPECT_EQ(mails().size(), 1u);
  auto deferred = svc->events(l.id, "step_deferred");
  ASSERT_EQ(deferred.size(), 2u);
  auto mail = parse_mail_payload(mails()[0].payload);
  EXPECT_EQ(mail->html.find("/t/o/"), std::string::npos);  // consent unknown: not tracked
}

TEST_F(NurtureEngineTest, AHoldoutIsCountedButNeverSent) {
  programme("warm-drip", "name: half\nholdout: 50\nsteps:\n  - send: nurture\n");
  for (int i = 0; i < 20; ++i) warm("h" + std::to_string(i) + "@example.com");
  NurtureRun r = run();
  EXPECT_EQ(r.enrolled, 20);
  auto report = svc->store->programme_report("warm-drip");
  ASSERT_TRUE(report.ok());
  EXPECT_GT(report->holdout, 0);
  EXPECT_LT(report->holdout, 20);
  EXPECT_EQ(static_cast<int64_t>(mails().size()), 20 - report->holdout);
}

TEST_F(NurtureEngineTest, MeetingTheGoalExitsAndAHandEnrolmentFromAnotherStageStays) {
  programme("warm-drip", kDrip);
  Lead l = warm("goal@example.com");
  run();
  Lead booked = make_lead("goal@example.com");
  booked.attributes["booked"] = "yes";
  svc->capture(booked);
  run();
  EXPECT_EQ(svc->store->lead_enrolments(l.id)->front().exit_reason, "goal");
  // A cold lead sits in the recycle pool; marketing enrols it by hand.
  Lead cold = make_lead("cold@example.com");
  cold.title = "Analyst";
  cold = svc->capture(cold);
  ASSERT_EQ(cold.stage, Stage::kRecycled);
  auto e = engine->enrol(cold.id, "warm-drip", "marketing:mia");
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  run();
  auto after = svc->store->get_enrolment(e->id);
  EXPECT_EQ(after->state, "active");
  EXPECT_EQ(after->sends, 1);
  EXPECT_EQ(engine->enrol(424242, "warm-drip", "x").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine->enrol(cold.id, "no-such", "x").status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace leadloop::testing
