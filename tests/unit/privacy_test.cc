// Privacy: subject access finds everything about a person; erasure leaves
// none of their email, phone or name in the database file (the bytes are
// scanned) while the counts reports need stay; retention erases closed
// leads past their period.
#include "engine/privacy.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "domain/normalize.h"
#include "lifecycle_fixture.h"

namespace leadloop {
namespace {

using testing::LifecycleServices;
using testing::TempDir;

// The person, in the forms their data takes: as typed, in capitals, as keys.
constexpr const char* kEmail = "Zebulon.Quagmirexyl@Example-Privacy.COM";
constexpr const char* kPhone = "+49 30 98765432";
// Lower-case pieces none of which may be left in the file after erasure:
// the contact fields, and values that repeat none of them (a street, a
// social handle, an answer on a call) but are the person's all the same.
const char* const kTraces[] = {"zebulon", "quagmirexyl", "example-privacy", "98765432",
                               "12 rue xylophage", "@zq_handle", "drives a red tractor"};

// Which traces the database file (and its WAL, when there is one) holds,
// compared without case.
std::vector<std::string> traces_in(const std::string& db) {
  std::string bytes = testing::read_file(db);
  if (std::filesystem::exists(db + "-wal")) bytes += testing::read_file(db + "-wal");
  const std::string lower = to_lower_ascii(bytes);
  std::vector<std::string> found;
  for (const char* t : kTraces) {
    if (lower.find(t) != std::string::npos) found.emplace_back(t);
  }
  return found;
}

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("privacy.db");
    svc = std::make_unique<LifecycleServices>(path);
    Campaign tm;
    tm.key = "tm-1";
    tm.channel = Channel::kTelemarketing;
    ASSERT_TRUE(svc->campaigns->create(tm).ok());
    privacy = std::make_unique<Privacy>(*svc->store, svc->clock, *svc->intake, svc->router.get());
  }

  Lead person() {
    Lead l = testing::make_lead(kEmail);
    l.phone = kPhone;
    l.first_name = "Zebulon";
    l.last_name = "Quagmirexyl";
    l.company = "Acme";
    l.title = "VP";
    l.country = "DE";
    l.attributes["profile"] = "linkedin.com/in/zebulon-quagmirexyl";
    l.attributes["intent"] = "high";
    l.attributes["street"] = "12 Rue Xylophage";
    l.attributes["twitter"] = "@zq_handle";
    return l;
  }

  Touch touch(int64_t lead, const std::string& notes, Attributes data) {
    TouchInput in;
    in.touch.lead_id = lead;
    in.touch.campaign = "tm-1";
    in.touch.notes = notes;
    in.touch.data_points = std::move(data);
    auto t = svc->intake->log_touch(in, "rep:e1");
    EXPECT_TRUE(t.ok()) << t.status().to_string();
    return t.ok() ? *t : Touch{};
  }

  // The person's whole story: captured hot and assigned, an SLA breach (a
  // message naming them), a touch with notes and answers, a re-capture in
  // capitals, an accepted move with a note, a touch without a lead and a
  // rejected import row that mention them; and someone else beside them.
  int64_t capture_story() {
    Lead l = svc->capture(person());
    EXPECT_EQ(l.stage, Stage::kAssigned);
    svc->clock.advance(5 * kMillisPerHour);
    EXPECT_TRUE(svc->follow_up->run_due().ok());
    touch(l.id, "Zebulon Quagmirexyl asked us to call +49 30 98765432 on Friday",
          {{"contact", "Zebulon Quagmirexyl"}, {"budget", "yes"}, {"remark", "drives a red tractor"}});
    Lead again = person();
    again.email = "ZEBULON.QUAGMIREXYL@EXAMPLE-PRIVACY.COM";
    again.source_campaign = "tm-1";
    again.title = "VP of Sales";
    svc->capture(again);
    TransitionInput accept;
    accept.to = Stage::kAccepted;
    accept.note = "Zebulon is keen";
    auto moved = svc->lifecycle->transition(l.id, accept, svc->get(l.id).owner);
    EXPECT_TRUE(moved.ok()) << moved.status().to_string();
    touch(0, "walk-in, said to be zebulon.quagmirexyl@example-privacy.com", {});
    ImportRecord rec;
    rec.source = "leads.csv";
    rec.campaign = "web-1";
    EXPECT_TRUE(svc->store->put_import(rec).ok());
    EXPECT_TRUE(svc->store
                    ->add_import_errors(rec.id, {{2, 4, "phone", "invalid_value",
                                                  "row of zebulon.quagmirexyl@example-privacy.com: '+49 30 98765432 "
                                                  "ext' is not a phone number"}})
                    .ok());
    Lead other = testing::make_lead("keep.me@example.org");
    other.first_name = "Control";
    other.title = "VP";
    other.country = "DE";
    svc->capture(other);
    return l.id;
  }

  TempDir dir;
  std::string path;
  std::unique_ptr<LifecycleServices> svc;
  std::unique_ptr<Privacy> privacy;
};

TEST_F(PrivacyTest, SubjectAccessFindsTheLeadItsHistoryAndImportRowsByEmailOrPhone) {
  const int64_t id = capture_story();
  for (const std::string& who : {std::string("zebulon.quagmirexyl@example-privacy.com"), std::string(kPhone)}) {
    auto out = privacy->subject_access(who);
    ASSERT_TRUE(out.ok()) << out.status().to_string();
    ASSERT_EQ((*out)["leads"].size(), 1u) << who;
    const Json& l = (*out)["leads"][0];
    EXPECT_EQ(l["lead"]["id"], id);
    EXPECT_EQ(l["lead"]["email"], kEmail);
    EXPECT_GE(l["events"].size(), 5u);  // captured, assigned, sla_breached, touched, recaptured, ...
    EXPECT_EQ(l["touches"].size(), 2u);
    EXPECT_EQ((*out)["import_errors"].size(), 1u);
  }
  auto none = privacy->subject_access("nobody@example.org");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE((*none)["leads"].empty());
  EXPECT_EQ(privacy->subject_access("hello").status().code(), ErrorCode::kInvalidValue);
}

TEST_F(PrivacyTest, ErasureLeavesNoTraceInTheFileAndKeepsTheCounts) {
  if (testing::on_postgres()) GTEST_SKIP() << "reads the SQLite file's bytes";
  const int64_t id = capture_story();
  ASSERT_EQ(traces_in(path).size(), std::size(kTraces));  // the scan sees them before
  const Lead before = svc->get(id);
  const size_t events_before = svc->events(id).size();

  auto report = privacy->erase("ZEBULON.quagmirexyl@example-privacy.com", "admin:ann", "subject request");
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->leads, std::vector<int64_t>{id});
  EXPECT_EQ(report->counts.events, static_cast<int64_t>(events_before));
  EXPECT_EQ(report->counts.touches, 3);  // the two on the lead and the one without a lead
  EXPECT_EQ(report->counts.messages, 1);  // the SLA breach message
  EXPECT_EQ(report->counts.import_errors, 1);
  EXPECT_TRUE(report->counts.wal_truncated);

  // What reports count stays; the lead left the funnel as opted out.
  const Lead after = svc->get(id);
  EXPECT_EQ(after.email, "erased:" + std::to_string(id));
  EXPECT_EQ(after.first_name, after.email);
  EXPECT_TRUE(after.email_key.empty() && after.phone_key.empty() && after.name_key.empty());
  EXPECT_EQ(after.stage, Stage::kOptedOut);
  EXPECT_EQ(after.grade, before.grade);
  EXPECT_EQ(after.source_campaign, "web-1");
  EXPECT_EQ(after.company, "Acme");
  EXPECT_EQ(after.owner, before.owner);
  EXPECT_EQ(after.touch_count, before.touch_count);
  // By rule, not by matching: no free attribute stays, every answer goes
  // while its question stays (data points are counted).
  EXPECT_EQ(after.attributes, Attributes{});
  EXPECT_EQ(after.data_points,
            (Attributes{{"budget", "[erased]"}, {"contact", "[erased]"}, {"remark", "[erased]"}}));
  EXPECT_EQ(*svc->store->count_leads(), 2);
  auto erased = svc->events(id, event_type::kErased);
  ASSERT_EQ(erased.size(), 1u);
  EXPECT_EQ(erased[0].actor, "admin:ann");
  auto exits = svc->events(id, event_type::kStageChanged);
  EXPECT_NE(exits.back().payload.find("\"exit\":\"opted_out\""), std::string::npos);
  EXPECT_EQ(svc->events(id, event_type::kRecaptured).size(), 1u);

  // Subject access finds nobody now; the other person is untouched.
  auto out = privacy->subject_access(kEmail);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*out)["leads"].empty());
  EXPECT_TRUE((*out)["import_errors"].empty());
  EXPECT_EQ(privacy->erase(kEmail, "admin:ann", "again").status().code(), ErrorCode::kNotFound);

  // Not in the file nor its WAL, while the store is open and after.
  EXPECT_EQ(traces_in(path), std::vector<std::string>{});
  EXPECT_NE(to_lower_ascii(testing::read_file(path) + testing::read_file(path + "-wal")).find("keep.me@example.org"),
            std::string::npos);
  svc.reset();
  EXPECT_EQ(traces_in(path), std::vector<std::string>{});
}

TEST_F(PrivacyTest, AnErasedPersonCapturedAgainIsANewLead) {
  const Lead first = svc->capture(person());
  ASSERT_TRUE(privacy->erase(kPhone, "admin:ann", "subject request").ok());
  const Lead again = svc->capture(person());
  EXPECT_NE(again.id, first.id);
  EXPECT_EQ(*svc->store->count_leads(), 2);
  // And after a restart (the dedup index rebuilt from the store).
  svc->restart();
  std::vector<Result<Lead>> in;
  in.emplace_back(person());
  auto out = svc->intake->capture(std::move(in), {"tester", "test"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->front().lead_id, again.id);
}

// An external id points at the person in another system: erasure clears it
// (a later capture with it is a new lead) and retention reaches a lead that
// has nothing else.
TEST_F(PrivacyTest, ErasureClearsTheExternalIdAndRetentionReachesLeadsKnownOnlyByIt) {
  Lead known = person();
  known.external_id = "crm-zebulon-77";
  const Lead first = svc->capture(known);
  ASSERT_EQ(first.external_id, "crm-zebulon-77");
  ASSERT_TRUE(privacy->erase(kPhone, "admin:ann", "subject request").ok());
  EXPECT_EQ(svc->get(first.id).external_id, "");
  for (const LeadEvent& e : svc->events(first.id)) {
    EXPECT_EQ(e.payload.find("crm-zebulon-77"), std::string::npos) << e.type << ": " << e.payload;
  }
  Lead by_id;
  by_id.source_campaign = known.source_campaign;
  by_id.external_id = "crm-zebulon-77";
  EXPECT_NE(svc->capture(by_id).id, first.id);

  Lead call;
  call.source_campaign = known.source_campaign;
  call.external_id = "call-0001";
  const Lead only_id = svc->capture(call);
  TransitionInput out;
  out.to = Stage::kDisqualified;
  ASSERT_TRUE(svc->lifecycle->transition(only_id.id, out, "tester").ok());
  svc->clock.advance(40 * kMillisPerDay);
  auto n = privacy->erase_closed_before(svc->clock.now() - 30 * kMillisPerDay, "retention");
  ASSERT_TRUE(n.ok()) << n.status().to_string();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(svc->get(only_id.id).external_id, "");
  EXPECT_EQ(*privacy->erase_closed_before(svc->clock.now() - 30 * kMillisPerDay, "retention"), 0);
}

TEST_F(PrivacyTest, RetentionErasesOnlyClosedLeadsPastThePeriod) {
  auto close = [&](int64_t id) {
    TransitionInput out;
    out.to = Stage::kOptedOut;
    ASSERT_TRUE(svc->lifecycle->transition(id, out, "tester").ok());
  };
  Lead old_closed = svc->capture(testing::make_lead("old.closed@example.org"));
  Lead old_open = svc->capture(testing::make_lead("old.open@example.org"));
  close(old_closed.id);
  svc->clock.advance(40 * kMillisPerDay);
  Lead new_closed = svc->capture(testing::make_lead("new.closed@example.org"));
  close(new_closed.id);
  svc->clock.advance(10 * kMillisPerDay);

  auto n = privacy->erase_closed_before(svc->clock.now() - 30 * kMillisPerDay, "retention");
  ASSERT_TRUE(n.ok()) << n.status().to_string();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(svc->get(old_closed.id).email, "erased:" + std::to_string(old_closed.id));
  EXPECT_EQ(svc->get(old_closed.id).stage, Stage::kOptedOut);
  EXPECT_EQ(svc->get(old_open.id).email, "old.open@example.org");
  EXPECT_EQ(svc->get(new_closed.id).email, "new.closed@example.org");
  ASSERT_EQ(svc->events(old_closed.id, event_type::kErased).size(), 1u);
  EXPECT_NE(svc->events(old_closed.id, event_type::kErased)[0].payload.find("retention"), std::string::npos);
  // Run again: nothing left to do.
  EXPECT_EQ(*privacy->erase_closed_before(svc->clock.now() - 30 * kMillisPerDay, "retention"), 0);
}

TEST(RedactPayload, KeepsWhatReportsReadAndDropsFieldValuesAndFreeText) {
  EXPECT_EQ(redact_payload(R"({"from":"assigned","to":"lost","reason":"price","exit":"lost:price","note":"Ann said no",)"
                           R"("revenue_cents":100,"owner":"e1"})"),
            R"({"from":"assigned","to":"lost","reason":"price","exit":"lost:price","revenue_cents":100,"owner":"e1",)"
            R"("redacted":true})");
  EXPECT_EQ(redact_payload(R"({"via":"api","lead":{"email":"a@b.c"},"grade":"hot","score":40})"),
            R"({"via":"api","grade":"hot","score":40,"redacted":true})");
  EXPECT_EQ(redact_payload("not json"), R"({"redacted":true})");
}

}  // namespace
}  // namespace leadloop
