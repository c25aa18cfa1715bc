// validate_lead: the one gate every captured lead passes, from the API, a
// CSV import, the CLI or the demo generator.
#include "domain/validate.h"

#include <gtest/gtest.h>

#include <string>

namespace leadloop {
namespace {

Lead minimal_lead() {
  Lead l;
  l.email = "ann.smith@example.com";
  l.source_campaign = "spring-webinar";
  return l;
}

void expect_error(Lead l, ErrorCode code, const std::string& field, const std::string& why) {
  Status st = validate_lead(l);
  EXPECT_EQ(st.code(), code) << why << ": " << st.to_string();
  EXPECT_EQ(st.field(), field) << why << ": " << st.to_string();
  EXPECT_FALSE(st.message().empty()) << why;
}

TEST(ValidateLead, AcceptsALeadWithEmailAndCampaign) {
  Lead l = minimal_lead();
  EXPECT_TRUE(validate_lead(l).ok());
}

TEST(ValidateLead, AcceptsALeadWithOnlyAPhone) {
  Lead l = minimal_lead();
  l.email.clear();
  l.phone = "(212) 555-0123";
  l.country = "US";
  ASSERT_TRUE(validate_lead(l).ok());
  EXPECT_EQ(l.phone_key, "+12125550123");
  EXPECT_EQ(l.email_key, "");
}

TEST(ValidateLead, NeedsAnEmailOrAPhone) {
  Lead l = minimal_lead();
  l.email.clear();
  expect_error(l, ErrorCode::kMissingField, "email", "neither email nor phone");
  l.email = "   ";
  expect_error(l, ErrorCode::kMissingField, "email", "blank email, no phone");
  l.phone = " \t ";
  expect_error(l, ErrorCode::kMissingField, "email", "blank email and blank phone");
}

TEST(ValidateLead, NeedsTheSourceCampaign) {
  Lead l = minimal_lead();
  l.source_campaign.clear();
  expect_error(l, ErrorCode::kMissingField, "source_campaign", "no campaign");
  l.source_campaign = "  ";
  expect_error(l, ErrorCode::kMissingField, "source_campaign", "blank campaign");
}

TEST(ValidateLead, RejectsAMalformedEmailNamingTheField) {
  for (const char* bad : {"ann", "ann@", "ann@example", "ann smith@example.com", "@example.com",
                          "ann@@example.com"}) {
    Lead l = minimal_lead();
    l.email = bad;
    expect_error(l, ErrorCode::kInvalidValue, "email", bad);
  }
}

TEST(ValidateLead, RejectsAPhoneWithTooFewOrTooManyDigits) {
  const struct {
    const char* phone;
    bool ok;
  } cases[] = {
      {"1234", false},        {"12345", true},         {"call me", false},
      {"+1 (212) 555-0123", true}, {"1234567890123456", false},  // 16 digits: past E.164
      {"123456789012345", true},                                // 15 digits
      {"+1 212 555 0123 ext. 99999", true},                     // the extension is no digit
  };
  for (const auto& c : cases) {
    Lead l = minimal_lead();
    l.phone = c.phone;
    if (c.ok) {
      EXPECT_TRUE(validate_lead(l).ok()) << c.phone;
    } else {
      expect_error(l, ErrorCode::kInvalidValue, "phone", c.phone);
    }
  }
}

TEST(ValidateLead, TrimsEveryTextField) {
  Lead l;
  l.email = "  Ann.Smith@Example.com\t";
  l.phone = " 030 1234567 ";
  l.first_name = "\xC2\xA0" "Ann ";
  l.last_name = " Smith\r\n";
  l.company = "  Acme GmbH  ";
  l.title = " CTO ";
  l.industry = " Software ";
  l.country = " de ";
  l.region = " Berlin ";
  l.source_campaign = " spring-webinar ";
  ASSERT_TRUE(validate_lead(l).ok());
  EXPECT_EQ(l.email, "Ann.Smith@Example.com");  // case kept in the field, folded in the key
  EXPECT_EQ(l.phone, "030 1234567");
  EXPECT_EQ(l.first_name, "Ann");
  EXPECT_EQ(l.last_name, "Smith");
  EXPECT_EQ(l.company, "Acme GmbH");
  EXPECT_EQ(l.title, "CTO");
  EXPECT_EQ(l.industry, "Software");
  EXPECT_EQ(l.country, "DE");  // trimmed first, so it is a 2-letter code
  EXPECT_EQ(l.region, "Berlin");
  EXPECT_EQ(l.source_campaign, "spring-webinar");
}

TEST(ValidateLead, UpperCasesTwoLetterCountriesOnly) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {{"de", "DE"}, {"De", "DE"}, {"US", "US"}, {"germany", "germany"},
               {"usa", "usa"}, {"d", "d"}, {"", ""}};
  for (const auto& c : cases) {
    Lead l = minimal_lead();
    l.country = c.in;
    ASSERT_TRUE(validate_lead(l).ok()) << c.in;
    EXPECT_EQ(l.country, c.out);
  }
}

TEST(ValidateLead, EnforcesTheLengthOfEachTextField) {
  const struct {
    const char* field;
    std::string Lead::*member;
    size_t max;
  } limits[] = {
      {"first_name", &Lead::first_name, 200}, {"last_name", &Lead::last_name, 200},
      {"company", &Lead::company, 300},       {"title", &Lead::title, 300},
      {"industry", &Lead::industry, 200},     {"country", &Lead::country, 100},
      {"region", &Lead::region, 100},         {"source_campaign", &Lead::source_campaign, 64},
  };
  for (const auto& f : limits) {
    Lead at_limit = minimal_lead();
    at_limit.*(f.member) = std::string(f.max, 'a');
    EXPECT_TRUE(validate_lead(at_limit).ok()) << f.field << " at its limit";

    Lead over = minimal_lead();
    over.*(f.member) = std::string(f.max + 1, 'a');
    expect_error(over, ErrorCode::kInvalidValue, f.field, std::string(f.field) + " over");

    // Padding does not count: the limit applies after trimming.
    Lead padded = minimal_lead();
    padded.*(f.member) = "  " + std::string(f.max, 'a') + "  ";
    EXPECT_TRUE(validate_lead(padded).ok()) << f.field << " padded";
  }
  Lead long_email = minimal_lead();
  long_email.email = std::string(64, 'a') + "@" + std::string(186, 'b') + ".com";  // 255
  expect_error(long_email, ErrorCode::kInvalidValue, "email", "email over 254");
  Lead long_phone = minimal_lead();
  long_phone.phone = "+1 212 555 0123" + std::string(30, ' ') + "ext 1";  // 50 bytes
  expect_error(long_phone, ErrorCode::kInvalidValue, "phone", "phone over 40");
}

TEST(ValidateLead, RejectsTextThatIsNotUtf8OrHoldsNul) {
  Lead bad_utf8 = minimal_lead();
  bad_utf8.company = "M\xFCller GmbH";
  expect_error(bad_utf8, ErrorCode::kInvalidUtf8, "company", "Latin-1 company");

  Lead nul = minimal_lead();
  nul.last_name = std::string("Smi\0th", 6);
  expect_error(nul, ErrorCode::kInvalidValue, "last_name", "NUL in last_name");
}

TEST(ValidateLead, KeepsEmployeesBetweenZeroAndTenMillion) {
  const struct {
    int64_t employees;
    bool ok;
  } cases[] = {{0, true}, {1, true}, {10'000'000, true}, {-1, false}, {10'000'001, false}};
  for (const auto& c : cases) {
    Lead l = minimal_lead();
    l.employees = c.employees;
    if (c.ok) {
      EXPECT_TRUE(validate_lead(l).ok()) << c.employees;
    } else {
      expect_error(l, ErrorCode::kInvalidValue, "employees", std::to_string(c.employees));
    }
  }
}

TEST(ValidateLead, LimitsAttributes) {
  Lead hundred = minimal_lead();
  for (int i = 0; i < 100; ++i) hundred.attributes["a" + std::to_string(i)] = "v";
  EXPECT_TRUE(validate_lead(hundred).ok());
  Lead too_many = hundred;
  too_many.attributes["one_more"] = "v";
  expect_error(too_many, ErrorCode::kInvalidValue, "attributes", "101 attributes");

  Lead empty_name = minimal_lead();
  empty_name.attributes[""] = "v";
  expect_error(empty_name, ErrorCode::kInvalidValue, "attributes", "empty name");

  Lead long_name = minimal_lead();
  long_name.attributes[std::string(100, 'k')] = "v";
  EXPECT_TRUE(validate_lead(long_name).ok());
  long_name.attributes[std::string(101, 'k')] = "v";
  expect_error(long_name, ErrorCode::kInvalidValue, "attributes", "101-byte name");

  Lead long_value = minimal_lead();
  long_value.attributes["budget"] = std::string(2000, 'v');
  EXPECT_TRUE(validate_lead(long_value).ok());
  long_value.attributes["budget"] = std::string(2001, 'v');
  expect_error(long_value, ErrorCode::kInvalidValue, "attributes.budget", "2001-byte value");

  Lead bad_value = minimal_lead();
  bad_value.attributes["city"] = "K\xF6ln";
  expect_error(bad_value, ErrorCode::kInvalidUtf8, "attributes.city", "Latin-1 value");

  Lead bad_name = minimal_lead();
  bad_name.attributes["st\xE4" "dt"] = "x";
  expect_error(bad_name, ErrorCode::kInvalidUtf8, "attributes", "Latin-1 name");
}

TEST(ValidateLead, DerivesTheIdentityKeys) {
  Lead l;
  l.email = " Ann.Smith@Example.COM ";
  l.phone = "030 1234567";
  l.country = "de";
  l.first_name = "Ann";
  l.last_name = "Smith";
  l.company = "Acme GmbH";
  l.source_campaign = "spring-webinar";
  ASSERT_TRUE(validate_lead(l).ok());
  EXPECT_EQ(l.email_key, "ann.smith@example.com");
  EXPECT_EQ(l.phone_key, "+49301234567");
  EXPECT_EQ(l.name_key, "acme|ann|smith");
}

TEST(ValidateLead, LeavesKeysEmptyForMissingFields) {
  Lead l = minimal_lead();
  l.email_key = "stale";
  l.phone_key = "stale";
  l.name_key = "stale";
  ASSERT_TRUE(validate_lead(l).ok());
  EXPECT_EQ(l.email_key, "ann.smith@example.com");
  EXPECT_EQ(l.phone_key, "");
  EXPECT_EQ(l.name_key, "");
}

TEST(ValidateLead, ReportsTheFirstProblemInFieldOrder) {
  Lead l;  // no email, no phone, no campaign, bad employees
  l.employees = -5;
  expect_error(l, ErrorCode::kMissingField, "email", "contact checked before campaign");
}

TEST(DeriveKeys, RecomputesFromTheCurrentFields) {
  Lead l = minimal_lead();
  ASSERT_TRUE(validate_lead(l).ok());
  l.email = "Bob@Example.com";
  l.phone = "212 555 0123";
  l.country = "US";
  l.company = "Acme";
  l.first_name = "Bob";
  l.last_name = "Jones";
  derive_keys(l);
  EXPECT_EQ(l.email_key, "bob@example.com");
  EXPECT_EQ(l.phone_key, "+12125550123");
  EXPECT_EQ(l.name_key, "acme|bob|jones");
}

TEST(ValidateAttribute, NamesTheFieldWithItsPrefix) {
  EXPECT_TRUE(validate_attribute("data_points", "budget", "50k").ok());
  Status st = validate_attribute("data_points", "budget", std::string(2001, 'x'));
  EXPECT_EQ(st.code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(st.field(), "data_points.budget");
  st = validate_attribute("data_points", "", "x");
  EXPECT_EQ(st.code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(st.field(), "data_points");
}

}  // namespace
}  // namespace leadloop
