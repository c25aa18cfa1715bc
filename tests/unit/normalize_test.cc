// Normalisation and the identity keys that deduplication relies on: the same
// person typed differently must give the same key, different people must not.
#include "domain/normalize.h"

#include <gtest/gtest.h>

#include <string>

namespace leadloop {
namespace {

#define NBSP "\xC2\xA0"

// --- trim --------------------------------------------------------------------

TEST(Trim, RemovesAsciiWhitespaceAndNoBreakSpaces) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"", ""},
      {"   ", ""},
      {"ann", "ann"},
      {"  ann  ", "ann"},
      {"\t\r\n ann \f\v", "ann"},
      {NBSP "ann" NBSP, "ann"},
      {NBSP NBSP "ann" NBSP NBSP, "ann"},
      {" " NBSP "ann" NBSP " ", "ann"},
      {"ann " NBSP " smith", "ann " NBSP " smith"},  // inner space kept
      {NBSP, ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(trim(c.in), c.out) << "'" << c.in << "'";
  }
}

TEST(Trim, RemovesWhitespaceInAnyMixOfSpacesAndNoBreakSpaces) {
  EXPECT_EQ(trim(NBSP " ann"), "ann");
  EXPECT_EQ(trim("ann " NBSP), "ann");
  EXPECT_EQ(trim(NBSP " " NBSP "ann"), "ann");
}

TEST(ToLowerAscii, LowersOnlyAsciiLetters) {
  EXPECT_EQ(to_lower_ascii("Ann@EXAMPLE.Com"), "ann@example.com");
  EXPECT_EQ(to_lower_ascii("M\xC3\x9CLLER 123-[Z]"), "m\xC3\x9Cller 123-[z]");
}

// --- email -------------------------------------------------------------------

TEST(EmailKey, IgnoresCaseAndSurroundingSpaces) {
  const char* same[] = {
      "ann.smith@example.com",   "Ann.Smith@Example.COM", "  ann.smith@example.com  ",
      "\tANN.SMITH@EXAMPLE.COM\r\n", NBSP "Ann.Smith@example.com" NBSP,
  };
  for (const char* e : same) EXPECT_EQ(email_key(e), "ann.smith@example.com") << "'" << e << "'";
  EXPECT_NE(email_key("ann.smith@example.com"), email_key("annsmith@example.com"));
  EXPECT_NE(email_key("ann+promo@example.com"), email_key("ann@example.com"));
}

TEST(EmailKey, IgnoresANoBreakSpaceNextToAnOrdinarySpace) {
  EXPECT_EQ(email_key(NBSP " Ann@Example.com"), "ann@example.com");
  EXPECT_EQ(email_key("Ann@Example.com " NBSP), "ann@example.com");
}

TEST(IsValidEmail, AcceptsOrdinaryAddresses) {
  const char* good[] = {
      "ann@example.com",
      "Ann.Smith@Example.COM",
      "ann+leads@example.co.uk",
      "o'brien@example.ie",
      "ann_smith-99@sub.example-domain.com",
      "a@b.co",
      "ann@xn--mller-kva.de",
      "j\xC3\xBCrgen@m\xC3\xBCller.de",  // internationalised
      "x@x.io",
  };
  for (const char* e : good) EXPECT_TRUE(is_valid_email(e)) << e;
  std::string local64(64, 'a');
  EXPECT_TRUE(is_valid_email(local64 + "@example.com"));
}

TEST(IsValidEmail, RejectsWhatCannotBeAnAddress) {
  const char* bad[] = {
      "",
      "ann",
      "ann@",
      "@example.com",
      "ann@example",
      "ann@.com",
      "ann@example.com.",
      "ann@-example.com",
      "ann@example..com",
      "ann@ex ample.com",
      "ann@exam_ple.com",
      "ann smith@example.com",
      "ann@@example.com",
      "ann@b@example.com",
      ".ann@example.com",
      "ann.@example.com",
      "ann..smith@example.com",
      "<ann@example.com>",
      "ann,smith@example.com",
      "ann;smith@example.com",
      "\"ann\"@example.com",
      "ann@e.c@",
      "ann\t@example.com",
  };
  for (const char* e : bad) EXPECT_FALSE(is_valid_email(e)) << e;
  std::string local65(65, 'a');
  EXPECT_FALSE(is_valid_email(local65 + "@example.com"));
  std::string long_domain(250, 'a');
  EXPECT_FALSE(is_valid_email("a@" + long_domain + ".com"));  // 256 bytes
}

// --- phone -------------------------------------------------------------------

TEST(PhoneKey, OneUsNumberInEveryNotationGivesOneKey) {
  const char* notations[] = {
      "(212) 555-0123",      "212-555-0123",        "212.555.0123",
      "212 555 0123",        "2125550123",          "1-212-555-0123",
      "1 (212) 555-0123",    "12125550123",         "+1 212 555 0123",
      "+1 (212) 555-0123",   "+12125550123",        "+1-212-555-0123",
      "001 212 555 0123",    "  (212) 555-0123  ",  "212-555-0123 x123",
      "212-555-0123 ext. 5", "212-555-0123 Ext 42", "(212) 555-0123 #7",
      "+1 212 555 0123 X9",  "212/555-0123",
  };
  for (const char* p : notations) {
    EXPECT_EQ(phone_key(p, "US"), "+12125550123") << "'" << p << "'";
  }
  // The country may be written out, in any case.
  for (const char* c : {"us", "USA", "United States", "united states of america", "U.S.", "CA",
                        "Canada"}) {
    EXPECT_EQ(phone_key("(212) 555-0123", c), "+12125550123") << c;
  }
}

TEST(PhoneKey, InternationalPrefixWinsOverTheCountry) {
  EXPECT_EQ(phone_key("+49 30 1234567", "US"), "+49301234567");
  EXPECT_EQ(phone_key("0049 30 1234567", "US"), "+49301234567");
  EXPECT_EQ(phone_key("+1 212 555 0123", "DE"), "+12125550123");
  EXPECT_EQ(phone_key("+44 20 7946 0018", ""), "+442079460018");
  EXPECT_EQ(phone_key("0044 20 7946 0018", "unknown land"), "+442079460018");
}

TEST(PhoneKey, GermanNumberNationalAndInternationalAreEqual) {
  const char* notations[] = {
      "+49 30 1234567", "+49 (30) 1234567", "+49-30-1234567", "+4930 1234567",
      "0049 30 1234567", "0049301234567",  "030 1234567",    "030/1234567",
      "(030) 123 45 67", "030-1234567",    "49 30 1234567",  "030 1234567 ext. 12",
  };
  for (const char* p : notations) {
    EXPECT_EQ(phone_key(p, "DE"), "+49301234567") << "'" << p << "'";
  }
  for (const char* c : {"de", "Germany", "GERMANY", "Deutschland"}) {
    EXPECT_EQ(phone_key("030 1234567", c), "+49301234567") << c;
  }
}

TEST(PhoneKey, OtherCountriesDropTheTrunkPrefix) {
  const struct {
    const char* phone;
    const char* country;
    const char* key;
  } cases[] = {
      {"020 7946 0018", "GB", "+442079460018"},
      {"020 7946 0018", "United Kingdom", "+442079460018"},
      {"020 7946 0018", "England", "+442079460018"},
      {"+44 20 7946 0018", "GB", "+442079460018"},
      {"01 23 45 67 89", "FR", "+33123456789"},
      {"+33 1 23 45 67 89", "FR", "+33123456789"},
      {"020-123 4567", "NL", "+31201234567"},
      {"044 668 18 00", "CH", "+41446681800"},
      {"(02) 9876 5432", "AU", "+61298765432"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(phone_key(c.phone, c.country), c.key) << c.phone << " / " << c.country;
  }
}

TEST(PhoneKey, NationalNumberWhoseDigitsStartLikeTheCountryCodeKeepsItsAreaCode) {
  EXPECT_EQ(phone_key("03 31 23 45 67", "FR"), phone_key("+33 3 31 23 45 67", "FR"));
  EXPECT_EQ(phone_key("03 31 23 45 67", "FR"), "+33331234567");
  EXPECT_EQ(phone_key("0491 1234567", "DE"), "+494911234567");
  EXPECT_EQ(phone_key("0491 1234567", "DE"), phone_key("+49 491 1234567", "DE"));
}

TEST(PhoneKey, ItalianNumbersKeepTheirLeadingZero) {
  EXPECT_EQ(phone_key("06 1234 5678", "IT"), phone_key("+39 06 1234 5678", "IT"));
  EXPECT_EQ(phone_key("06 1234 5678", "IT"), "+390612345678");
}

TEST(PhoneKey, TheBracketedTrunkZeroOfInternationalNotationIsIgnored) {
  EXPECT_EQ(phone_key("+49 (0)30 1234567", "DE"), "+49301234567");
  EXPECT_EQ(phone_key("+44 (0)20 7946 0018", "GB"), "+442079460018");
}

TEST(PhoneKey, UnknownOrMissingCountryKeepsTheDigits) {
  EXPECT_EQ(phone_key("(212) 555-0123", ""), "2125550123");
  EXPECT_EQ(phone_key("030 1234567", ""), "0301234567");
  EXPECT_EQ(phone_key("030 1234567", "Atlantis"), "0301234567");
  EXPECT_EQ(phone_key("030 1234567", "XX"), "0301234567");
  // A US country with a number that is not 10 or 11 digits: digits only.
  EXPECT_EQ(phone_key("555-0123", "US"), "5550123");
}

TEST(PhoneKey, NoDigitsNoKey) {
  EXPECT_EQ(phone_key("", "US"), "");
  EXPECT_EQ(phone_key("   ", "DE"), "");
  EXPECT_EQ(phone_key("n/a", "US"), "");
  EXPECT_EQ(phone_key("+", ""), "");
}

TEST(PhoneKey, DifferentNumbersGiveDifferentKeys) {
  EXPECT_NE(phone_key("(212) 555-0123", "US"), phone_key("(212) 555-0124", "US"));
  EXPECT_NE(phone_key("030 1234567", "DE"), phone_key("030 1234567", "AT"));
  EXPECT_NE(phone_key("212-555-0123 x1", "US"), phone_key("212-555-0199 x1", "US"));
}

TEST(PhoneDigitCount, CountsDigitsAsTyped) {
  EXPECT_EQ(phone_digit_count(""), 0);
  EXPECT_EQ(phone_digit_count("+1 (212) 555-0123"), 11);
  EXPECT_EQ(phone_digit_count("call me"), 0);
}

TEST(CallingCode, KnowsIsoCodesAndNames) {
  EXPECT_EQ(calling_code("DE"), "49");
  EXPECT_EQ(calling_code(" germany "), "49");
  EXPECT_EQ(calling_code("uk"), "44");
  EXPECT_EQ(calling_code("Scotland"), "44");
  EXPECT_EQ(calling_code("USA"), "1");
  EXPECT_EQ(calling_code("Hong Kong"), "852");
  EXPECT_EQ(calling_code("Atlantis"), "");
  EXPECT_EQ(calling_code(""), "");
}

// --- name_key ----------------------------------------------------------------

TEST(NameKey, IgnoresCasePunctuationSpacingAndLegalForm) {
  const struct {
    const char* company;
    const char* first;
    const char* last;
  } same[] = {
      {"Acme", "Ann", "Smith"},
      {"ACME", "ANN", "SMITH"},
      {"Acme Inc.", "Ann", "Smith"},
      {"Acme, Inc.", "ann", "smith"},
      {"Acme Incorporated", "Ann", "Smith"},
      {"Acme LLC", "Ann", "Smith"},
      {"Acme GmbH", "Ann", "Smith"},
      {"Acme Ltd", "Ann", "Smith"},
      {"Acme Limited", "Ann", "Smith"},
      {"Acme Corp.", "Ann", "Smith"},
      {"Acme Corporation", "Ann", "Smith"},
      {"Acme Co., Ltd.", "Ann", "Smith"},
      {"Acme AG", "Ann", "Smith"},
      {"Acme SAS", "Ann", "Smith"},
      {"Acme BV", "Ann", "Smith"},
      {"Acme plc", "Ann", "Smith"},
      {"  Acme  ", "  Ann ", " Smith  "},
      {"Acme!", "Ann.", "Smith,"},
  };
  const std::string want = name_key("Acme", "Ann", "Smith");
  EXPECT_EQ(want, "acme|ann|smith");
  for (const auto& c : same) {
    EXPECT_EQ(name_key(c.company, c.first, c.last), want)
        << c.company << " / " << c.first << " / " << c.last;
  }
}

TEST(NameKey, KeepsWordsThatOnlyLookLikeSuffixes) {
  EXPECT_EQ(name_key("Costco", "Ann", "Smith"), "costco|ann|smith");
  EXPECT_EQ(name_key("Inc", "Ann", "Smith"), "inc|ann|smith");
  EXPECT_EQ(name_key("Big Co Group", "Ann", "Smith"), "big co group|ann|smith");
  EXPECT_EQ(name_key("Acme Widgets Inc", "Ann", "Smith"), "acme widgets|ann|smith");
}

TEST(NameKey, DistinguishesDifferentPeopleAndCompanies) {
  EXPECT_NE(name_key("Acme", "Ann", "Smith"), name_key("Acme", "Anne", "Smith"));
  EXPECT_NE(name_key("Acme", "Ann", "Smith"), name_key("Acme", "Smith", "Ann"));
  EXPECT_NE(name_key("Acme", "Ann", "Smith"), name_key("Apex", "Ann", "Smith"));
  EXPECT_NE(name_key("Acme Labs", "Ann", "Smith"), name_key("Acme", "Ann", "Smith"));
}

TEST(NameKey, IsEmptyWhenAPartIsMissing) {
  EXPECT_EQ(name_key("", "Ann", "Smith"), "");
  EXPECT_EQ(name_key("Acme", "", "Smith"), "");
  EXPECT_EQ(name_key("Acme", "Ann", ""), "");
  EXPECT_EQ(name_key("Acme", "  ", "Smith"), "");   // blank is missing
  EXPECT_EQ(name_key("...", "Ann", "Smith"), "");  // punctuation only is missing
  EXPECT_EQ(name_key("", "", ""), "");
}

TEST(NameKey, KeepsNonAsciiLetters) {
  EXPECT_EQ(name_key("M\xC3\xBCller GmbH", "J\xC3\xBCrgen", "Stra\xC3\x9F" "e"),
            "m\xC3\xBCller|j\xC3\xBCrgen|stra\xC3\x9F" "e");
  EXPECT_NE(name_key("M\xC3\xBCller", "Ann", "Smith"), name_key("Muller", "Ann", "Smith"));
}

// --- is_valid_utf8 -----------------------------------------------------------

TEST(IsValidUtf8, AcceptsWellFormedText) {
  const char* good[] = {
      "",
      "plain ascii",
      "M\xC3\xBCller",          // 2 bytes: ü
      "\xE2\x82\xAC 100",       // 3 bytes: €
      "\xF0\x9F\x98\x80",       // 4 bytes: U+1F600
      "\xF4\x8F\xBF\xBF",       // U+10FFFF, the last code point
      "\xED\x9F\xBF",           // U+D7FF, just below the surrogates
      "\xEE\x80\x80",           // U+E000, just above them
      "\xC2\x80",               // U+0080, smallest 2-byte
      "\xE0\xA0\x80",           // U+0800, smallest 3-byte
      "\xF0\x90\x80\x80",       // U+10000, smallest 4-byte
      "\xEF\xBB\xBF" "bom",     // a BOM is a valid character
  };
  for (const char* s : good) EXPECT_TRUE(is_valid_utf8(s)) << s;
  EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10)));
}

TEST(IsValidUtf8, RejectsMalformedSequences) {
  const struct {
    const char* bytes;
    const char* why;
  } bad[] = {
      {"\xFF", "never valid"},
      {"\xFE", "never valid"},
      {"M\xFCller", "Latin-1 byte"},
      {"\x80", "lone continuation"},
      {"a\xBF", "lone continuation"},
      {"\xC0\x80", "overlong NUL"},
      {"\xC1\xBF", "overlong 2-byte"},
      {"\xE0\x80\x80", "overlong 3-byte"},
      {"\xE0\x9F\xBF", "overlong 3-byte (U+07FF)"},
      {"\xF0\x80\x80\x80", "overlong 4-byte"},
      {"\xF0\x8F\xBF\xBF", "overlong 4-byte (U+FFFF)"},
      {"\xED\xA0\x80", "high surrogate U+D800"},
      {"\xED\xBF\xBF", "low surrogate U+DFFF"},
      {"\xED\xA0\xBD\xED\xB8\x80", "surrogate pair (CESU-8)"},
      {"\xF4\x90\x80\x80", "past U+10FFFF"},
      {"\xF5\x80\x80\x80", "past U+10FFFF"},
      {"\xF8\x88\x80\x80\x80", "5-byte form"},
      {"\xC3", "truncated 2-byte"},
      {"\xE2\x82", "truncated 3-byte"},
      {"\xF0\x9F\x98", "truncated 4-byte"},
      {"\xE2\x82" "A", "continuation replaced by ASCII"},
      {"\xC3\xC3\xBC", "lead byte where continuation expected"},
      {"ok \xF0\x9F\x98 then more", "truncated in the middle"},
  };
  for (const auto& c : bad) EXPECT_FALSE(is_valid_utf8(c.bytes)) << c.why;
}

}  // namespace
}  // namespace leadloop
