// A lead captured again: the stored record keeps what it has, gains what it
// lacked, honours a new opt-out, and reports (never applies) differing values.
#include "domain/merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/validate.h"

namespace leadloop {
namespace {

Lead validated(Lead l) {
  if (l.source_campaign.empty()) l.source_campaign = "first-campaign";
  Status st = validate_lead(l);
  EXPECT_TRUE(st.ok()) << st.to_string();
  return l;
}

Lead with_email(const std::string& email) {
  Lead l;
  l.email = email;
  return validated(l);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const MergeConflict* conflict_on(const MergeReport& r, const std::string& field) {
  for (const auto& c : r.conflicts) {
    if (c.field == field) return &c;
  }
  return nullptr;
}

TEST(MergeLead, FillsOnlyTheFieldsThatWereEmpty) {
  Lead existing;
  existing.email = "ann@example.com";
  existing.first_name = "Ann";
  existing = validated(existing);
  Lead incoming;
  incoming.email = "ann@example.com";
  incoming.first_name = "Ann";
  incoming.last_name = "Smith";
  incoming.company = "Acme";
  incoming.title = "CTO";
  incoming.industry = "Software";
  incoming.region = "EMEA";
  incoming.employees = 250;
  incoming = validated(incoming);

  MergeReport r = merge_lead(existing, incoming);
  EXPECT_TRUE(r.changed());
  EXPECT_TRUE(r.conflicts.empty());
  for (const char* f : {"last_name", "company", "title", "industry", "region", "employees"}) {
    EXPECT_TRUE(contains(r.filled, f)) << f;
  }
  EXPECT_FALSE(contains(r.filled, "email"));
  EXPECT_FALSE(contains(r.filled, "first_name"));
  EXPECT_EQ(existing.last_name, "Smith");
  EXPECT_EQ(existing.company, "Acme");
  EXPECT_EQ(existing.title, "CTO");
  EXPECT_EQ(existing.industry, "Software");
  EXPECT_EQ(existing.region, "EMEA");
  EXPECT_EQ(existing.employees, 250);
}

TEST(MergeLead, ReportsDifferingValuesWithoutOverwritingThem) {
  Lead existing;
  existing.email = "ann@example.com";
  existing.company = "Acme";
  existing.title = "CTO";
  existing.employees = 250;
  existing = validated(existing);
  Lead incoming;
  incoming.email = "ann@example.com";
  incoming.company = "Acme Europe";
  incoming.title = "CTO";  // same: no conflict
  incoming.employees = 300;
  incoming = validated(incoming);

  MergeReport r = merge_lead(existing, incoming);
  EXPECT_FALSE(r.changed());
  EXPECT_TRUE(r.filled.empty());
  ASSERT_EQ(r.conflicts.size(), 2u);
  const MergeConflict* company = conflict_on(r, "company");
  ASSERT_NE(company, nullptr);
  EXPECT_EQ(company->kept, "Acme");
  EXPECT_EQ(company->offered, "Acme Europe");
  const MergeConflict* employees = conflict_on(r, "employees");
  ASSERT_NE(employees, nullptr);
  EXPECT_EQ(employees->kept, "250");
  EXPECT_EQ(employees->offered, "300");
  EXPECT_EQ(existing.company, "Acme");
  EXPECT_EQ(existing.employees, 250);
}

TEST(MergeLead, AnEmptyOfferNeitherFillsNorConflicts) {
  Lead existing;
  existing.email = "ann@example.com";
  existing.company = "Acme";
  existing.employees = 10;
  existing.attributes = {{"budget", "50k"}};
  existing = validated(existing);
  Lead incoming = with_email("ann@example.com");

  MergeReport r = merge_lead(existing, incoming);
  EXPECT_TRUE(r.filled.empty());
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ(existing.company, "Acme");
  EXPECT_EQ(existing.employees, 10);
  EXPECT_EQ(existing.attributes.at("budget"), "50k");
}

TEST(MergeLead, TheSameEmailInAnotherCaseIsNoConflict) {
  Lead existing = with_email("ann.smith@example.com");
  Lead incoming = with_email("Ann.Smith@EXAMPLE.com");
  MergeReport r = merge_lead(existing, incoming);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ(existing.email, "ann.smith@example.com");
}

TEST(MergeLead, ADifferentEmailIsAConflict) {
  Lead existing;
  existing.email = "ann@example.com";
  existing.phone = "+1 212 555 0123";
  existing = validated(existing);
  Lead incoming;
  incoming.email = "ann.smith@example.com";
  incoming.phone = "+1 212 555 0123";
  incoming = validated(incoming);
  MergeReport r = merge_lead(existing, incoming);
  const MergeConflict* c = conflict_on(r, "email");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kept, "ann@example.com");
  EXPECT_EQ(c->offered, "ann.smith@example.com");
  EXPECT_EQ(existing.email, "ann@example.com");
  EXPECT_EQ(existing.email_key, "ann@example.com");
}

TEST(MergeLead, TheSamePhoneInAnotherNotationIsNoConflict) {
  Lead existing;
  existing.phone = "+1 212 555 0123";
  existing.country = "US";
  existing = validated(existing);
  Lead incoming;
  incoming.phone = "(212) 555-0123";
  incoming.country = "US";
  incoming = validated(incoming);
  ASSERT_EQ(existing.phone_key, incoming.phone_key);
  MergeReport r = merge_lead(existing, incoming);
  EXPECT_EQ(conflict_on(r, "phone"), nullptr);
}

TEST(MergeLead, TheFirstCampaignKeepsTheCredit) {
  Lead existing;
  existing.email = "ann@example.com";
  existing.source_campaign = "spring-webinar";
  existing = validated(existing);
  Lead incoming;
  incoming.email = "ann@example.com";
  incoming.source_campaign = "autumn-tradeshow";
  incoming = validated(incoming);
  MergeReport r = merge_lead(existing, incoming);
  EXPECT_EQ(existing.source_campaign, "spring-webinar");
  EXPECT_FALSE(contains(r.filled, "source_campaign"));
  EXPECT_EQ(conflict_on(r, "source_campaign"), nullptr);
}

TEST(MergeLead, ConsentAnOptOutAlwaysWinsAGrantOnlyFillsUnknown) {
  const struct {
    Consent kept;
    Consent offered;
    Consent result;
    bool filled;
  } cases[] = {
      {Consent::kUnknown, Consent::kUnknown, Consent::kUnknown, false},
      {Consent::kUnknown, Consent::kGranted, Consent::kGranted, true},
      {Consent::kUnknown, Consent::kDenied, Consent::kDenied, true},
      {Consent::kGranted, Consent::kUnknown, Consent::kGranted, false},
      {Consent::kGranted, Consent::kGranted, Consent::kGranted, false},
      {Consent::kGranted, Consent::kDenied, Consent::kDenied, true},
      {Consent::kDenied, Consent::kUnknown, Consent::kDenied, false},
      {Consent::kDenied, Consent::kGranted, Consent::kDenied, false},  // no silent re-opt-in
      {Consent::kDenied, Consent::kDenied, Consent::kDenied, false},
  };
  for (const auto& c : cases) {
    for (const char* channel : {"email", "phone", "mail"}) {
      SCOPED_TRACE(std::string(channel) + ": kept " + std::string(consent_name(c.kept)) +
                   ", offered " + std::string(consent_name(c.offered)));
      auto slot = [&](Lead& l) -> Consent& {
        return std::string(channel) == "email"   ? l.consent.email
               : std::string(channel) == "phone" ? l.consent.phone
                                                 : l.consent.mail;
      };
      Lead existing = with_email("ann@example.com");
      Lead incoming = with_email("ann@example.com");
      slot(existing) = c.kept;
      slot(incoming) = c.offered;
      MergeReport r = merge_lead(existing, incoming);
      EXPECT_EQ(slot(existing), c.result);
      EXPECT_EQ(contains(r.filled, std::string("consent.") + channel), c.filled);
      EXPECT_EQ(r.changed(), c.filled);
      EXPECT_TRUE(r.conflicts.empty());
    }
  }
}

TEST(MergeLead, AttributesAreAddedOrReportedAsConflicts) {
  Lead existing;
  existing.email = "ann@example.com";
  existing.attributes = {{"budget", "50k"}, {"city", "Berlin"}};
  existing = validated(existing);
  Lead incoming;
  incoming.email = "ann@example.com";
  incoming.attributes = {{"budget", "80k"}, {"city", "Berlin"}, {"seats", "12"}};
  incoming = validated(incoming);

  MergeReport r = merge_lead(existing, incoming);
  EXPECT_EQ(existing.attributes,
            (Attributes{{"budget", "50k"}, {"city", "Berlin"}, {"seats", "12"}}));
  EXPECT_TRUE(contains(r.filled, "attributes.seats"));
  EXPECT_FALSE(contains(r.filled, "attributes.city"));
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].field, "attributes.budget");
  EXPECT_EQ(r.conflicts[0].kept, "50k");
  EXPECT_EQ(r.conflicts[0].offered, "80k");
}

TEST(MergeLead, KeysAreDerivedAgainAfterAFill) {
  Lead existing;
  existing.phone = "030 1234567";  // no country yet: the key is the digits
  existing.first_name = "Ann";
  existing.last_name = "Smith";
  existing = validated(existing);
  ASSERT_EQ(existing.phone_key, "0301234567");
  ASSERT_EQ(existing.name_key, "");
  ASSERT_EQ(existing.email_key, "");

  Lead incoming;
  incoming.phone = "030 1234567";
  incoming.email = "Ann.Smith@Acme.de";
  incoming.country = "de";
  incoming.company = "Acme GmbH";
  incoming = validated(incoming);

  MergeReport r = merge_lead(existing, incoming);
  EXPECT_TRUE(contains(r.filled, "country"));
  EXPECT_TRUE(contains(r.filled, "email"));
  EXPECT_TRUE(contains(r.filled, "company"));
  EXPECT_EQ(existing.country, "DE");
  EXPECT_EQ(existing.phone_key, "+49301234567");
  EXPECT_EQ(existing.email_key, "ann.smith@acme.de");
  EXPECT_EQ(existing.name_key, "acme|ann|smith");
}

TEST(MergeLead, EachConsentChannelMergesOnItsOwn) {
  Lead existing = with_email("ann@example.com");
  existing.consent = {Consent::kGranted, Consent::kUnknown, Consent::kDenied};
  Lead incoming = with_email("ann@example.com");
  incoming.consent = {Consent::kDenied, Consent::kGranted, Consent::kGranted};
  MergeReport r = merge_lead(existing, incoming);
  EXPECT_EQ(existing.consent.email, Consent::kDenied);
  EXPECT_EQ(existing.consent.phone, Consent::kGranted);
  EXPECT_EQ(existing.consent.mail, Consent::kDenied);
  EXPECT_EQ(r.filled, (std::vector<std::string>{"consent.email", "consent.phone"}));
}

}  // namespace
}  // namespace leadloop
