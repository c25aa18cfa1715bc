// Intake: capture with validation, deduplication (stored and in-batch),
// merge as touch + event, rejection without partial writes, touches.
#include "engine/intake.h"

#include <gtest/gtest.h>

#include "test_db.h"

namespace leadloop {
namespace {

using testing::make_lead;
using testing::TempDir;
using testing::TestServices;

class IntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<TestServices>(dir.file("intake.db"));
    svc->add_campaign("web-1", Channel::kWeb);
    svc->add_campaign("tm-1", Channel::kTelemarketing);
  }

  std::vector<CaptureOutcome> capture(std::vector<Lead> leads, bool dry_run = false) {
    std::vector<Result<Lead>> in;
    for (auto& l : leads) in.emplace_back(std::move(l));
    auto out = svc->intake->capture(std::move(in), {"tester", "test", dry_run});
    EXPECT_TRUE(out.ok()) << out.status().to_string();
    return out.ok() ? std::move(out).value() : std::vector<CaptureOutcome>{};
  }

  TempDir dir;
  std::unique_ptr<TestServices> svc;
};

TEST_F(IntakeTest, CreatesLeadWithCaptureEventAtClockTime) {
  Lead l = make_lead("  Ann@Example.COM ");
  l.first_name = "Ann";
  auto out = capture({l});
  ASSERT_EQ(out[0].status, CaptureStatus::kCreated);
  auto stored = svc->store->get_lead(out[0].lead_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->email, "Ann@Example.COM");  // kept as typed, trimmed
  EXPECT_EQ(stored->email_key, "ann@example.com");
  EXPECT_EQ(stored->created_at, testing::kTestStart);
  auto events = svc->store->lead_events(out[0].lead_id);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "captured");
  EXPECT_EQ((*events)[0].actor, "tester");
  EXPECT_NE((*events)[0].payload.find("\"first_name\":\"Ann\""), std::string::npos);
}

TEST_F(IntakeTest, RecaptureInCapsMergesIntoExistingLeadAsTouchAndEvent) {
  Lead first = make_lead("ann@example.com");
  first.title = "CTO";
  auto a = capture({first});
  svc->clock.advance(kMillisPerDay);
  Lead again = make_lead("ANN@EXAMPLE.COM", "tm-1");
  again.phone = "+1 212 555 0100";
  again.title = "CEO";
  auto b = capture({again});
  ASSERT_EQ(b[0].status, CaptureStatus::kMerged);
  EXPECT_EQ(b[0].lead_id, a[0].lead_id);
  EXPECT_EQ(b[0].matched_on, "email");
  EXPECT_EQ(*svc->store->count_leads(), 1);

  auto lead = *svc->store->get_lead(a[0].lead_id);
  EXPECT_EQ(lead.phone, "+1 212 555 0100");   // filled
  EXPECT_EQ(lead.title, "CTO");               // kept, reported as a conflict
  EXPECT_EQ(lead.source_campaign, "web-1");   // first campaign keeps the credit
  EXPECT_EQ(lead.last_touch_at, std::optional<TimePoint>(testing::kTestStart + kMillisPerDay));

  auto touches = *svc->store->lead_touches(lead.id);
  ASSERT_EQ(touches.size(), 1u);
  EXPECT_EQ(touches[0].outcome, "recaptured");
  EXPECT_EQ(touches[0].campaign, "tm-1");
  EXPECT_EQ(touches[0].channel, Medium::kCall);
  EXPECT_EQ(touches[0].direction, Direction::kInbound);

  auto events = *svc->store->lead_events(lead.id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, "recaptured");
  Json payload = Json::parse(events[1].payload);
  EXPECT_EQ(payload["matched_on"], "email");
  EXPECT_EQ(payload["filled"]["phone"], "+1 212 555 0100");
  EXPECT_EQ(payload["conflicts"][0]["field"], "title");
  EXPECT_EQ(payload["conflicts"][0]["kept"], "CTO");
  EXPECT_EQ(payload["conflicts"][0]["offered"], "CEO");
}

TEST_F(IntakeTest, MatchesPhoneAcrossNotationsAndCompanyPlusName) {
  Lead byphone;
  byphone.phone = "(212) 555-0123";
  byphone.country = "US";
  byphone.source_campaign = "tm-1";
  Lead byname = make_lead("jo@acme.example");
  byname.company = "Acme Inc.";
  byname.first_name = "Jo";
  byname.last_name = "Doe";
  auto first = capture({byphone, byname});
  ASSERT_EQ(first[0].status, CaptureStatus::kCreated);
  ASSERT_EQ(first[1].status, CaptureStatus::kCreated);

  Lead phone2;
  phone2.phone = "+1 212-555-0123";
  phone2.source_campaign = "web-1";
  Lead name2 = make_lead("jo.doe@other.example");
  name2.company = "ACME";
  name2.first_name = "jo";
  name2.last_name = "DOE";
  auto second = capture({phone2, name2});
  EXPECT_EQ(second[0].status, CaptureStatus::kMerged);
  EXPECT_EQ(second[0].matched_on, "phone");
  EXPECT_EQ(second[0].lead_id, first[0].lead_id);
  EXPECT_EQ(second[1].status, CaptureStatus::kMerged);
  EXPECT_EQ(second[1].matched_on, "company_name");
  EXPECT_EQ(second[1].lead_id, first[1].lead_id);
  EXPECT_EQ(*svc->store->count_leads(), 2);
}

TEST_F(IntakeTest, DuplicatesWithinOneBatchBecomeOneLead) {
  auto out = capture({make_lead("x@y.com"), make_lead(" X@Y.COM"), make_lead("z@y.com")});
  EXPECT_EQ(out[0].status, CaptureStatus::kCreated);
  EXPECT_EQ(out[1].status, CaptureStatus::kMerged);
  EXPECT_TRUE(out[1].matched_in_batch);
  EXPECT_EQ(out[1].lead_id, out[0].lead_id);
  EXPECT_GT(out[0].lead_id, 0);
  EXPECT_EQ(*svc->store->count_leads(), 2);
}

TEST_F(IntakeTest, RejectsBadRecordsAndStoresTheGoodOnes) {
  Lead unknown = make_lead("a@b.com", "no-such-campaign");
  Lead bad_email = make_lead("not-an-email");
  Lead no_contact;
  no_contact.source_campaign = "web-1";
  std::vector<Result<Lead>> in;
  in.emplace_back(make_lead("good@b.com"));
  in.emplace_back(unknown);
  in.emplace_back(bad_email);
  in.emplace_back(no_contact);
  in.emplace_back(Status(ErrorCode::kWrongType, "expected a string", "email"));
  auto out = svc->intake->capture(std::move(in), {"t", "test", false});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].status, CaptureStatus::kCreated);
  EXPECT_EQ((*out)[1].error.code(), ErrorCode::kUnknownCampaign);
  EXPECT_EQ((*out)[1].error.field(), "source_campaign");
  EXPECT_EQ((*out)[2].error.code(), ErrorCode::kInvalidValue);
  EXPECT_EQ((*out)[2].error.field(), "email");
  EXPECT_EQ((*out)[3].error.code(), ErrorCode::kMissingField);
  EXPECT_EQ((*out)[4].error.code(), ErrorCode::kWrongType);
  for (int i = 1; i < 5; ++i) EXPECT_EQ((*out)[i].status, CaptureStatus::kRejected);
  EXPECT_EQ(*svc->store->count_leads(), 1);
}

TEST_F(IntakeTest, DryRunFindsDuplicatesAndStoresNothing) {
  capture({make_lead("a@b.com")});
  auto out = capture({make_lead("A@B.com"), make_lead("new@b.com")}, true);
  EXPECT_EQ(out[0].status, CaptureStatus::kMerged);
  EXPECT_EQ(out[1].status, CaptureStatus::kCreated);
  EXPECT_EQ(out[1].lead_id, 0);
  EXPECT_EQ(*svc->store->count_leads(), 1);
  EXPECT_EQ(svc->store->lead_events(1)->size(), 1u);
  // Nothing was indexed either: a real capture now creates it.
  EXPECT_EQ(capture({make_lead("new@b.com")})[0].status, CaptureStatus::kCreated);
}

TEST_F(IntakeTest, DedupIndexIsRebuiltFromTheStoreAtStart) {
  capture({make_lead("keep@b.com")});
  svc.reset();
  TestServices reopened(dir.file("intake.db"));
  std::vector<Result<Lead>> in;
  in.emplace_back(make_lead("KEEP@b.com"));
  auto out = reopened.intake->capture(std::move(in), {"t", "test", false});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].status, CaptureStatus::kMerged);
  EXPECT_EQ(*reopened.store->count_leads(), 1);
}

// An external id is an identity key: a row with neither email nor phone
// is a lead, the same id again (in the batch, later, after a restart) is
// the same lead, and it matches before email does.
TEST_F(IntakeTest, AnExternalIdAloneMakesALeadAndFindsItAgain) {
  Lead none;
  none.source_campaign = "tm-1";
  none.attributes["job"] = "admin.";
  auto refused = capture({none});
  ASSERT_EQ(refused[0].status, CaptureStatus::kRejected);
  EXPECT_EQ(refused[0].error.message(), "a lead needs an email, a phone or an external_id");

  Lead call = none;
  call.external_id = " call-0001 ";
  Lead same = none;
  same.external_id = "call-0001";
  same.caller = "Maria";
  auto first = capture({call, same});
  ASSERT_EQ(first[0].status, CaptureStatus::kCreated) << first[0].error.to_string();
  EXPECT_EQ(first[1].status, CaptureStatus::kMerged);
  EXPECT_EQ(first[1].matched_on, "external_id");
  EXPECT_EQ(first[1].lead_id, first[0].lead_id);
  auto stored = svc->store->get_lead(first[0].lead_id);
  EXPECT_EQ(stored->external_id, "call-0001");  // trimmed
  EXPECT_EQ(stored->caller, "Maria");           // filled by the merge

  // The external id wins over an email that names another lead.
  const int64_t ann = capture({make_lead("ann@example.com", "tm-1")})[0].lead_id;
  Lead both = make_lead("ann@example.com", "tm-1");
  both.external_id = "call-0001";
  auto merged = capture({both});
  EXPECT_EQ(merged[0].lead_id, first[0].lead_id);
  EXPECT_EQ(merged[0].matched_on, "external_id");
  EXPECT_NE(merged[0].lead_id, ann);

  svc.reset();
  TestServices reopened(dir.file("intake.db"));
  std::vector<Result<Lead>> in;
  in.emplace_back(same);
  auto after = reopened.intake->capture(std::move(in), {"t", "test", false});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[0].status, CaptureStatus::kMerged);
  EXPECT_EQ((*after)[0].lead_id, first[0].lead_id);
  EXPECT_EQ(reopened.intake->find_key(KeyKind::kExternalId, "call-0001"), first[0].lead_id);
  EXPECT_EQ(*reopened.store->count_leads(), 2);
}

// A lead of a history keeps the time it was captured then: its created_at
// and its captured event; not in the future; a merge keeps the lead's own.
TEST_F(IntakeTest, ALeadOfAHistoryKeepsItsCaptureTime) {
  const TimePoint then = testing::kTestStart - 400 * kMillisPerDay;
  Lead old = make_lead("old@example.com", "tm-1");
  old.captured_at = then;
  Lead later = make_lead("later@example.com", "tm-1");
  later.captured_at = testing::kTestStart + 1;
  auto out = capture({old, later});
  ASSERT_EQ(out[0].status, CaptureStatus::kCreated);
  EXPECT_EQ(out[1].status, CaptureStatus::kRejected);
  EXPECT_EQ(out[1].error.field(), "captured_at");
  auto stored = svc->store->get_lead(out[0].lead_id);
  EXPECT_EQ(stored->created_at, then);
  EXPECT_EQ(stored->updated_at, testing::kTestStart);
  EXPECT_EQ(svc->store->lead_events(out[0].lead_id)->front().at, then);
  Lead again = make_lead("old@example.com", "tm-1");
  again.captured_at = then - kMillisPerDay;
  EXPECT_EQ(capture({again})[0].status, CaptureStatus::kMerged);
  EXPECT_EQ(svc->store->get_lead(out[0].lead_id)->created_at, then);
}

// A touch names the caller who made it; the lead takes the first caller
// named on it.
TEST_F(IntakeTest, ATouchNamesItsCallerAndGivesTheLeadOne) {
  const int64_t id = capture({make_lead("ann@example.com", "tm-1")})[0].lead_id;
  TouchInput in;
  in.touch.lead_id = id;
  in.touch.campaign = "tm-1";
  in.touch.caller = "Maria";
  auto t = svc->intake->log_touch(in, "vendor");
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ(t->caller, "Maria");
  in.touch.caller = "Tom";
  ASSERT_TRUE(svc->intake->log_touch(in, "vendor").ok());
  EXPECT_EQ(svc->store->get_lead(id)->caller, "Maria");
  auto touches = svc->store->lead_touches(id);
  ASSERT_EQ(touches->size(), 2u);
  EXPECT_EQ((*touches)[1].caller, "Tom");
  auto events = svc->store->lead_events(id);
  EXPECT_NE(events->back().payload.find("\"caller\":\"Tom\""), std::string::npos) << events->back().payload;
}

// A caller restricted to some leads (a vendor) neither merges into nor
// learns of another party's lead of the same person: it gets a lead of its
// own, which its later captures find, also after a restart.
TEST_F(IntakeTest, ARestrictedCallerGetsItsOwnLeadOfAPersonAnotherPartyHas) {
  const int64_t theirs = capture({make_lead("ann@example.com", "web-1")})[0].lead_id;
  CaptureContext ctx{"vendor", "test", false};
  ctx.may_merge_into = [](const Lead& l) { return l.source_campaign == "tm-1"; };
  auto as_vendor = [&](Intake& intake, std::vector<Lead> leads) {
    std::vector<Result<Lead>> in;
    for (auto& l : leads) in.emplace_back(std::move(l));
    auto out = intake.capture(std::move(in), ctx);
    EXPECT_TRUE(out.ok()) << out.status().to_string();
    return out.ok() ? std::move(out).value() : std::vector<CaptureOutcome>{};
  };
  auto first = as_vendor(*svc->intake, {make_lead("ANN@example.com", "tm-1"), make_lead("ann@example.com", "tm-1")});
  ASSERT_EQ(first[0].status, CaptureStatus::kCreated);
  EXPECT_NE(first[0].lead_id, theirs);
  EXPECT_EQ(first[1].status, CaptureStatus::kMerged) << "the same batch finds the new lead";
  EXPECT_EQ(first[1].lead_id, first[0].lead_id);
  auto again = as_vendor(*svc->intake, {make_lead("ann@example.com", "tm-1")});
  EXPECT_EQ(again[0].status, CaptureStatus::kMerged);
  EXPECT_EQ(again[0].lead_id, first[0].lead_id);
  EXPECT_EQ(svc->store->lead_events(theirs)->size(), 1u) << "the other party's lead is untouched";
  // Everyone else still merges into the first lead of the person.
  EXPECT_EQ(capture({make_lead("ann@example.com", "web-1")})[0].lead_id, theirs);
  svc.reset();
  TestServices reopened(dir.file("intake.db"));
  auto after = as_vendor(*reopened.intake, {make_lead("ann@example.com", "tm-1")});
  EXPECT_EQ(after[0].lead_id, first[0].lead_id);
  EXPECT_EQ(*reopened.store->count_leads(), 2);
}

// Every holder of a key is a candidate; removing the first makes the next
// one first.
TEST(DedupIndex, KeepsEveryHolderOfAKeyAndPromotesTheNextOnRemoval) {
  DedupIndex index;
  index.add(1, "a@b.io", "", "");
  index.add(2, "a@b.io", "", "");
  index.add(2, "a@b.io", "", "");
  EXPECT_EQ(index.find(KeyKind::kEmail, "a@b.io"), 1);
  EXPECT_EQ(index.find_all(KeyKind::kEmail, "a@b.io"), (std::vector<int64_t>{1, 2}));
  index.remove(1, "a@b.io", "", "");
  EXPECT_EQ(index.find_all(KeyKind::kEmail, "a@b.io"), std::vector<int64_t>{2});
  index.remove(2, "a@b.io", "", "");
  EXPECT_EQ(index.find(KeyKind::kEmail, "a@b.io"), 0);
  EXPECT_TRUE(index.find_all(KeyKind::kEmail, "a@b.io").empty());
}

TEST_F(IntakeTest, TouchOnLeadUpdatesLastTouchAndAppendsEvent) {
  auto out = capture({make_lead("t@b.com")});
  TouchInput in;
  in.touch.lead_id = out[0].lead_id;
  in.touch.campaign = "tm-1";
  in.touch.outcome = "connected";
  in.touch.data_points = {{"budget", "confirmed"}};
  auto t = svc->intake->log_touch(in, "rep-1");
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_GT(t->id, 0);
  EXPECT_EQ(t->channel, Medium::kCall);  // the campaign's default medium
  EXPECT_EQ(t->actor, "rep-1");
  auto lead = *svc->store->get_lead(out[0].lead_id);
  EXPECT_EQ(lead.last_touch_at, std::optional<TimePoint>(testing::kTestStart));
  auto events = *svc->store->lead_events(lead.id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, "touched");
  EXPECT_NE(events[1].payload.find("confirmed"), std::string::npos);
}

TEST_F(IntakeTest, TouchWithoutLeadKeepsItsDataPoints) {
  TouchInput in;
  in.touch.campaign = "tm-1";
  in.touch.outcome = "not_interested";
  in.touch.data_points = {{"current_system", "spreadsheet"}};
  auto t = svc->intake->log_touch(in, "vendor");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->lead_id, 0);
  EXPECT_GT(t->id, 0);
}

TEST_F(IntakeTest, TouchOnUnknownLeadOrCampaignIsRefused) {
  TouchInput in;
  in.touch.lead_id = 4242;
  in.touch.campaign = "tm-1";
  auto t = svc->intake->log_touch(in, "x");
  EXPECT_EQ(t.status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(t.status().field(), "lead");
  in.touch.lead_id = 0;
  in.touch.campaign = "nope";
  EXPECT_EQ(svc->intake->log_touch(in, "x").status().code(), ErrorCode::kUnknownCampaign);
}

}  // namespace
}  // namespace leadloop

namespace leadloop {
namespace {

// Found in review: keys change or appear through merges, and the index and
// the batch must follow, or duplicates are stored.
TEST_F(IntakeTest, IndexFollowsAKeyThatAMergeChanged) {
  Lead a = make_lead("a@x.com");
  a.phone = "212 555 0123";  // no country yet: the key is bare digits
  capture({a});
  Lead with_country = make_lead("a@x.com");
  with_country.country = "US";  // the merge fills the country: key becomes +1...
  ASSERT_EQ(capture({with_country})[0].status, CaptureStatus::kMerged);
  // The old bare-digits key no longer belongs to lead 1. A capture with
  // those bare digits is a new person under that key, once: the next one
  // merges into it instead of piling up duplicates.
  Lead bare;
  bare.phone = "212 555 0123";
  bare.source_campaign = "web-1";
  auto first = capture({bare});
  EXPECT_EQ(first[0].status, CaptureStatus::kCreated);
  for (int i = 0; i < 2; ++i) {
    auto again = capture({bare});
    EXPECT_EQ(again[0].status, CaptureStatus::kMerged) << i;
    EXPECT_EQ(again[0].lead_id, first[0].lead_id) << i;
  }
  Lead us = bare;
  us.country = "US";
  EXPECT_EQ(capture({us})[0].lead_id, 1);  // with the country it is lead 1's number
  EXPECT_EQ(*svc->store->count_leads(), 2);
}

TEST_F(IntakeTest, KeysAStoredLeadGainsAreSeenLaterInTheSameBatch) {
  capture({make_lead("a@x.com")});
  Lead fill = make_lead("a@x.com");
  fill.phone = "+1 212 555 0199";
  Lead by_phone;
  by_phone.phone = "+12125550199";
  by_phone.source_campaign = "web-1";
  auto out = capture({fill, by_phone});
  EXPECT_EQ(out[1].status, CaptureStatus::kMerged);
  EXPECT_EQ(out[1].lead_id, out[0].lead_id);
  EXPECT_EQ(*svc->store->count_leads(), 1);
}

TEST_F(IntakeTest, EmailOutranksPhoneAlsoWithinABatch) {
  auto stored = capture({make_lead("a@x.com")});
  Lead phone_only;
  phone_only.phone = "+44 20 7946 0000";
  phone_only.source_campaign = "web-1";
  Lead both = make_lead("a@x.com");
  both.phone = "+44 20 7946 0000";
  auto out = capture({phone_only, both});
  EXPECT_EQ(out[0].status, CaptureStatus::kCreated);
  EXPECT_EQ(out[1].status, CaptureStatus::kMerged);
  EXPECT_EQ(out[1].matched_on, "email");
  EXPECT_EQ(out[1].lead_id, stored[0].lead_id);
  // No two leads share the email.
  LeadFilter f;
  f.q = "a@x.com";
  EXPECT_EQ(svc->store->list_leads(f)->size(), 1u);
}

}  // namespace
}  // namespace leadloop
