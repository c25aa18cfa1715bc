// The JSON contract of the API: what callers may send for a lead, a batch, a
// campaign and a touch, the exact error (code and field) for what they may
// not, and the shape of what we answer.
#include "domain/codec.h"

#include <gtest/gtest.h>

#include <iterator>
#include <optional>
#include <string>

namespace leadloop {
namespace {

struct ErrorCase {
  std::string json;
  ErrorCode code;
  std::string field;
};

std::string describe(const Status& st) { return st.ok() ? "ok" : st.to_string(); }

// --- parse_lead: what is accepted --------------------------------------------

TEST(ParseLead, ReadsEveryCapturableField) {
  auto r = parse_lead(R"({
    "email": "ann.smith@example.com",
    "phone": "+49 30 1234567",
    "first_name": "Ann",
    "last_name": "Smith",
    "company": "Acme GmbH",
    "title": "CTO",
    "industry": "Software",
    "employees": 250,
    "country": "DE",
    "region": "EMEA",
    "source_campaign": "spring-webinar",
    "external_id": "crm-0042",
    "captured_at": "2012-05-05T10:00:00Z",
    "caller": "Maria K.",
    "attributes": {"budget": "50k", "seats": 12, "vip": true, "ratio": 0.5},
    "consent": {"email": "granted", "phone": "denied", "mail": "unknown"}
  })");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  const Lead& l = *r;
  EXPECT_EQ(l.email, "ann.smith@example.com");
  EXPECT_EQ(l.phone, "+49 30 1234567");
  EXPECT_EQ(l.first_name, "Ann");
  EXPECT_EQ(l.last_name, "Smith");
  EXPECT_EQ(l.company, "Acme GmbH");
  EXPECT_EQ(l.title, "CTO");
  EXPECT_EQ(l.industry, "Software");
  EXPECT_EQ(l.employees, 250);
  EXPECT_EQ(l.country, "DE");
  EXPECT_EQ(l.region, "EMEA");
  EXPECT_EQ(l.source_campaign, "spring-webinar");
  EXPECT_EQ(l.external_id, "crm-0042");
  EXPECT_EQ(l.captured_at, std::optional<TimePoint>(1336212000000));
  EXPECT_EQ(l.caller, "Maria K.");
  EXPECT_EQ(l.attributes, (Attributes{{"budget", "50k"}, {"seats", "12"}, {"vip", "true"},
                                      {"ratio", "0.5"}}));
  EXPECT_EQ(l.consent.email, Consent::kGranted);
  EXPECT_EQ(l.consent.phone, Consent::kDenied);
  EXPECT_EQ(l.consent.mail, Consent::kUnknown);
  // Parsing does not validate or derive keys; validate_lead does.
  EXPECT_EQ(l.email_key, "");
  EXPECT_EQ(l.id, 0);
  EXPECT_EQ(l.stage, Stage::kCaptured);
}

TEST(ParseLead, NullAndAbsentFieldsAreEmpty) {
  auto r = parse_lead(R"({"email": "a@example.com", "phone": null, "employees": null,
                          "attributes": null, "consent": null, "company": null})");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  EXPECT_EQ(r->phone, "");
  EXPECT_EQ(r->company, "");
  EXPECT_FALSE(r->employees.has_value());
  EXPECT_TRUE(r->attributes.empty());
  EXPECT_EQ(r->consent.email, Consent::kUnknown);

  auto empty = parse_lead("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->email, "");
}

TEST(ParseLead, AcceptsAPhoneSentAsAJsonInteger) {
  auto r = parse_lead(R"({"phone": 4930123456})");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  EXPECT_EQ(r->phone, "4930123456");
  auto big = parse_lead(R"({"phone": 12125550123})");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->phone, "12125550123");
}

TEST(ParseLead, AcceptsEmployeesAsIntegerOrIntegerText) {
  const struct {
    const char* value;
    std::optional<int64_t> want;
  } cases[] = {
      {"50", 50},     {"\"50\"", 50}, {"\" 1200 \"", 1200}, {"0", 0},
      {"1e3", 1000},  {"12.0", 12},   {"\"\"", std::nullopt}, {"null", std::nullopt},
      {"-5", -5},  // range is validate_lead's business
  };
  for (const auto& c : cases) {
    auto r = parse_lead(std::string(R"({"employees": )") + c.value + "}");
    ASSERT_TRUE(r.ok()) << c.value << ": " << describe(r.status());
    EXPECT_EQ(r->employees, c.want) << c.value;
  }
}

TEST(ParseLead, ConsentAcceptsBooleansAndWords) {
  const struct {
    const char* value;
    Consent want;
  } cases[] = {
      {"true", Consent::kGranted},        {"false", Consent::kDenied},
      {"\"granted\"", Consent::kGranted}, {"\"denied\"", Consent::kDenied},
      {"\"unknown\"", Consent::kUnknown}, {"\"Granted\"", Consent::kGranted},
      {"\"yes\"", Consent::kGranted},     {"\"no\"", Consent::kDenied},
      {"\"opt_out\"", Consent::kDenied},  {"\"unsubscribed\"", Consent::kDenied},
      {"\"\"", Consent::kUnknown},        {"null", Consent::kUnknown},
  };
  for (const auto& c : cases) {
    for (const char* channel : {"email", "phone", "mail"}) {
      auto r = parse_lead(std::string(R"({"consent": {")") + channel + "\": " + c.value + "}}");
      ASSERT_TRUE(r.ok()) << channel << "=" << c.value << ": " << describe(r.status());
      Consent got = std::string(channel) == "email"   ? r->consent.email
                    : std::string(channel) == "phone" ? r->consent.phone
                                                      : r->consent.mail;
      EXPECT_EQ(got, c.want) << channel << "=" << c.value;
    }
  }
}

TEST(ParseLead, AttributeNullsAreDropped) {
  auto r = parse_lead(R"({"attributes": {"a": "1", "b": null}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->attributes, (Attributes{{"a", "1"}}));
}

TEST(ParseLead, KeepsUnicodeTextRawOrEscaped) {
  auto r = parse_lead(
      "{\"last_name\": \"M\\u00fcller\", \"company\": \"\xE2\x82\xAC \\ud83d\\ude00\"}");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  EXPECT_EQ(r->last_name, "M\xC3\xBCller");
  EXPECT_EQ(r->company, "\xE2\x82\xAC \xF0\x9F\x98\x80");
}

// --- parse_lead: every error, with its code and field ------------------------

TEST(ParseLead, ReportsEachProblemWithItsCodeAndField) {
  const ErrorCase cases[] = {
      // Not JSON at all.
      {"", ErrorCode::kInvalidJson, ""},
      {"   ", ErrorCode::kInvalidJson, ""},
      {"{", ErrorCode::kInvalidJson, ""},
      {"{\"email\": }", ErrorCode::kInvalidJson, ""},
      {"{'email': 'a@b.com'}", ErrorCode::kInvalidJson, ""},
      {"{\"email\": \"a@b.com\",}", ErrorCode::kInvalidJson, ""},
      {"email=a@b.com", ErrorCode::kInvalidJson, ""},
      // Bytes that are not UTF-8, inside a string or a key.
      {"{\"last_name\": \"M\xFCller\"}", ErrorCode::kInvalidUtf8, ""},
      {"{\"email\": \"a\xFF@b.com\"}", ErrorCode::kInvalidUtf8, ""},
      {"{\"company\": \"\xC3\"}", ErrorCode::kInvalidUtf8, ""},
      {"{\"company\": \"\xED\xA0\x80\"}", ErrorCode::kInvalidUtf8, ""},
      {"{\"\xFF\": 1}", ErrorCode::kInvalidUtf8, ""},
      // Not an object.
      {"[]", ErrorCode::kWrongType, ""},
      {"\"a@b.com\"", ErrorCode::kWrongType, ""},
      {"42", ErrorCode::kWrongType, ""},
      {"null", ErrorCode::kWrongType, ""},
      // Wrong types.
      {R"({"first_name": 5})", ErrorCode::kWrongType, "first_name"},
      {R"({"email": true})", ErrorCode::kWrongType, "email"},
      {R"({"email": ["a@b.com"]})", ErrorCode::kWrongType, "email"},
      {R"({"company": {"name": "Acme"}})", ErrorCode::kWrongType, "company"},
      {R"({"phone": true})", ErrorCode::kWrongType, "phone"},
      {R"({"phone": 49.5})", ErrorCode::kWrongType, "phone"},
      {R"({"source_campaign": 7})", ErrorCode::kWrongType, "source_campaign"},
      {R"({"employees": "abc"})", ErrorCode::kWrongType, "employees"},
      {R"({"employees": "1,200"})", ErrorCode::kWrongType, "employees"},
      {R"({"employees": "50 people"})", ErrorCode::kWrongType, "employees"},
      {R"({"employees": 12.5})", ErrorCode::kWrongType, "employees"},
      {R"({"employees": true})", ErrorCode::kWrongType, "employees"},
      {R"({"employees": [50]})", ErrorCode::kWrongType, "employees"},
      {R"({"attributes": "vip"})", ErrorCode::kWrongType, "attributes"},
      {R"({"attributes": ["vip"]})", ErrorCode::kWrongType, "attributes"},
      {R"({"attributes": {"x": {"y": 1}}})", ErrorCode::kWrongType, "attributes.x"},
      {R"({"attributes": {"ok": "1", "tags": ["a"]}})", ErrorCode::kWrongType, "attributes.tags"},
      {R"({"consent": "granted"})", ErrorCode::kWrongType, "consent"},
      {R"({"consent": true})", ErrorCode::kWrongType, "consent"},
      {R"({"consent": {"email": 1}})", ErrorCode::kWrongType, "consent.email"},
      {R"({"consent": {"phone": {}}})", ErrorCode::kWrongType, "consent.phone"},
      // Values outside the vocabulary.
      {R"({"consent": {"email": "maybe"}})", ErrorCode::kInvalidValue, "consent.email"},
      {R"({"consent": {"mail": "perhaps"}})", ErrorCode::kInvalidValue, "consent.mail"},
      {R"({"consent": {"sms": true}})", ErrorCode::kUnknownField, "consent.sms"},
      // Unknown and read-only fields.
      {R"({"emial": "a@b.com"})", ErrorCode::kUnknownField, "emial"},
      {R"({"email": "a@b.com", "budget": 5})", ErrorCode::kUnknownField, "budget"},
      {R"({"Email": "a@b.com"})", ErrorCode::kUnknownField, "Email"},
      {R"({"stage": "won"})", ErrorCode::kUnknownField, "stage"},
      {R"({"id": 7})", ErrorCode::kUnknownField, "id"},
      {R"({"grade": "hot"})", ErrorCode::kUnknownField, "grade"},
      {R"({"owner": "rep-1"})", ErrorCode::kUnknownField, "owner"},
      {R"({"created_at": "2026-01-01"})", ErrorCode::kUnknownField, "created_at"},
      {R"({"updated_at": "2026-01-01"})", ErrorCode::kUnknownField, "updated_at"},
      {R"({"last_touch_at": "2026-01-01"})", ErrorCode::kUnknownField, "last_touch_at"},
      {R"({"email_key": "a@b.com"})", ErrorCode::kUnknownField, "email_key"},
  };
  for (const auto& c : cases) {
    auto r = parse_lead(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), c.code) << c.json << " -> " << describe(r.status());
    EXPECT_EQ(r.status().field(), c.field) << c.json << " -> " << describe(r.status());
    EXPECT_FALSE(r.status().message().empty()) << c.json;
  }
}

TEST(ParseLead, ReadOnlyFieldsAreExplainedDifferentlyFromTypos) {
  auto ro = parse_lead(R"({"stage": "won"})");
  EXPECT_NE(ro.status().message().find("set by Leadloop"), std::string::npos)
      << ro.status().message();
  auto typo = parse_lead(R"({"emial": "a@b.com"})");
  EXPECT_NE(typo.status().message().find("attributes"), std::string::npos)
      << typo.status().message();
}

// --- parse_lead_batch --------------------------------------------------------

TEST(ParseLeadBatch, AcceptsAnArrayOrAnObjectWithLeads) {
  for (const char* body : {R"([{"email": "a@example.com"}, {"phone": "212 555 0123"}])",
                           R"({"leads": [{"email": "a@example.com"}, {"phone": "212 555 0123"}]})"}) {
    auto r = parse_lead_batch(body, 10);
    ASSERT_TRUE(r.ok()) << body << ": " << describe(r.status());
    ASSERT_EQ(r->size(), 2u) << body;
    ASSERT_TRUE((*r)[0].ok());
    EXPECT_EQ((*r)[0]->email, "a@example.com");
    ASSERT_TRUE((*r)[1].ok());
    EXPECT_EQ((*r)[1]->phone, "212 555 0123");
  }
  auto empty = parse_lead_batch("[]", 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ParseLeadBatch, ParsesEachElementOnItsOwn) {
  auto r = parse_lead_batch(R"([
    {"email": "a@example.com"},
    {"emial": "b@example.com"},
    5,
    {"employees": "many"},
    {"email": "c@example.com", "attributes": {"x": {"y": 1}}},
    {"email": "d@example.com"}
  ])",
                            100);
  ASSERT_TRUE(r.ok()) << describe(r.status());
  ASSERT_EQ(r->size(), 6u);
  const auto& v = *r;
  EXPECT_TRUE(v[0].ok());
  EXPECT_EQ(v[1].status().code(), ErrorCode::kUnknownField);
  EXPECT_EQ(v[1].status().field(), "emial");
  EXPECT_EQ(v[2].status().code(), ErrorCode::kWrongType);
  EXPECT_EQ(v[3].status().code(), ErrorCode::kWrongType);
  EXPECT_EQ(v[3].status().field(), "employees");
  EXPECT_EQ(v[4].status().code(), ErrorCode::kWrongType);
  EXPECT_EQ(v[4].status().field(), "attributes.x");
  ASSERT_TRUE(v[5].ok());
  EXPECT_EQ(v[5]->email, "d@example.com");
}

TEST(ParseLeadBatch, RejectsAWholeBodyThatIsNotABatch) {
  const ErrorCase cases[] = {
      {"[", ErrorCode::kInvalidJson, ""},
      {"", ErrorCode::kInvalidJson, ""},
      {"[{\"company\": \"M\xFCller\"}]", ErrorCode::kInvalidUtf8, ""},
      {R"({"items": []})", ErrorCode::kMissingField, "leads"},
      {R"({"email": "a@example.com"})", ErrorCode::kMissingField, "leads"},
      {R"({"leads": {"email": "a@example.com"}})", ErrorCode::kWrongType, "leads"},
      {R"({"leads": null})", ErrorCode::kWrongType, "leads"},
      {R"("leads")", ErrorCode::kWrongType, "leads"},
      {"17", ErrorCode::kWrongType, "leads"},
  };
  for (const auto& c : cases) {
    auto r = parse_lead_batch(c.json, 10);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), c.code) << c.json << " -> " << describe(r.status());
    EXPECT_EQ(r.status().field(), c.field) << c.json << " -> " << describe(r.status());
  }
}

TEST(ParseLeadBatch, RefusesMoreThanMaxRecords) {
  const std::string three = R"([{"email":"a@x.com"},{"email":"b@x.com"},{"email":"c@x.com"}])";
  EXPECT_TRUE(parse_lead_batch(three, 3).ok());
  for (const std::string& body : {three, "{\"leads\": " + three + "}"}) {
    auto r = parse_lead_batch(body, 2);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kPayloadTooLarge);
    EXPECT_EQ(r.status().field(), "leads");
    EXPECT_NE(r.status().message().find('2'), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find('3'), std::string::npos) << r.status().message();
  }
}

// --- to_json(Lead) -----------------------------------------------------------

TEST(LeadToJson, RendersEveryFieldWithNullsForEmptyValues) {
  Lead l;
  Json j = to_json(l);
  const char* names[] = {"id",         "email",      "phone",         "first_name", "last_name",
                         "company",    "title",      "industry",      "country",    "region",
                         "source_campaign", "external_id", "caller", "employees", "attributes", "consent", "stage",
                         "grade",      "owner",      "created_at",    "updated_at", "last_touch_at",
                         "touch_count", "data_points", "score", "definition_version", "grading",
                         "assigned_at", "first_response_at", "follow_up"};
  for (const char* n : names) EXPECT_TRUE(j.contains(n)) << n;
  EXPECT_EQ(j.size(), std::size(names)) << j.dump();
  EXPECT_EQ(j["id"], 0);
  for (const char* n : {"email", "phone", "first_name", "last_name", "company", "title",
                        "industry", "country", "region", "source_campaign", "external_id", "caller", "employees", "grade",
                        "owner", "last_touch_at"}) {
    EXPECT_TRUE(j[n].is_null()) << n << " = " << j[n].dump();
  }
  EXPECT_EQ(j["attributes"], Json::object());
  EXPECT_EQ(j["consent"], (Json{{"email", "unknown"}, {"phone", "unknown"}, {"mail", "unknown"}}));
  EXPECT_EQ(j["stage"], "captured");
  EXPECT_EQ(j["created_at"], "1970-01-01T00:00:00.000Z");
  // Internal keys never leave the server.
  EXPECT_FALSE(j.contains("email_key"));
  EXPECT_FALSE(j.contains("phone_key"));
  EXPECT_FALSE(j.contains("name_key"));
}

TEST(LeadToJson, RendersAFullLead) {
  Lead l;
  l.id = 42;
  l.email = "ann@example.com";
  l.phone = "+49 30 1234567";
  l.first_name = "Ann";
  l.company = "Acme";
  l.employees = 250;
  l.country = "DE";
  l.source_campaign = "spring-webinar";
  l.attributes = {{"zeta", "1"}, {"alpha", "2"}};
  l.consent.email = Consent::kGranted;
  l.consent.phone = Consent::kDenied;
  l.stage = Stage::kOpportunity;
  l.grade = Grade::kHot;
  l.owner = "rep-7";
  l.created_at = 1795421700000;
  l.updated_at = 1795421700123;
  l.last_touch_at = -1;
  Json j = to_json(l);
  EXPECT_EQ(j["id"], 42);
  EXPECT_EQ(j["email"], "ann@example.com");
  EXPECT_EQ(j["phone"], "+49 30 1234567");
  EXPECT_EQ(j["first_name"], "Ann");
  EXPECT_TRUE(j["last_name"].is_null());
  EXPECT_EQ(j["employees"], 250);
  EXPECT_EQ(j["attributes"].dump(), R"({"alpha":"2","zeta":"1"})");  // sorted by name
  EXPECT_EQ(j["consent"]["email"], "granted");
  EXPECT_EQ(j["consent"]["phone"], "denied");
  EXPECT_EQ(j["consent"]["mail"], "unknown");
  EXPECT_EQ(j["stage"], "opportunity");
  EXPECT_EQ(j["grade"], "hot");
  EXPECT_EQ(j["owner"], "rep-7");
  EXPECT_EQ(j["created_at"], "2026-11-23T08:15:00.000Z");
  EXPECT_EQ(j["updated_at"], "2026-11-23T08:15:00.123Z");
  EXPECT_EQ(j["last_touch_at"], "1969-12-31T23:59:59.999Z");
}

TEST(LeadToJson, WhatWeRenderForCapturedFieldsParsesBackTheSame) {
  Lead l;
  l.email = "ann@example.com";
  l.phone = "030 1234567";
  l.first_name = "J\xC3\xBCrgen";
  l.last_name = "O\"Brien\\";
  l.company = "Acme";
  l.employees = 12;
  l.source_campaign = "c1";
  l.attributes = {{"budget", "50k"}, {"note", "line1\nline2"}};
  l.consent.mail = Consent::kDenied;
  Json j = to_json(l);
  for (const char* ro : {"id", "stage", "grade", "owner", "created_at", "updated_at", "last_touch_at",
                         "touch_count", "data_points", "score", "definition_version", "grading",
                         "assigned_at", "first_response_at", "follow_up"}) {
    j.erase(ro);
  }
  auto back = parse_lead(dump_json(j));
  ASSERT_TRUE(back.ok()) << describe(back.status());
  EXPECT_EQ(back->email, l.email);
  EXPECT_EQ(back->phone, l.phone);
  EXPECT_EQ(back->first_name, l.first_name);
  EXPECT_EQ(back->last_name, l.last_name);
  EXPECT_EQ(back->title, "");
  EXPECT_EQ(back->employees, l.employees);
  EXPECT_EQ(back->attributes, l.attributes);
  EXPECT_EQ(back->consent.mail, Consent::kDenied);
  EXPECT_EQ(back->consent.email, Consent::kUnknown);
}

TEST(StatusToJson, HasCodeMessageAndField) {
  EXPECT_EQ(to_json(Status(ErrorCode::kMissingField, "needs one", "email")),
            (Json{{"code", "missing_field"}, {"message", "needs one"}, {"field", "email"}}));
  EXPECT_TRUE(to_json(Status(ErrorCode::kInvalidJson, "bad"))["field"].is_null());
}

TEST(DumpJson, ReplacesInvalidUtf8InsteadOfThrowing) {
  Json j = {{"name", std::string("M\xFCller")}};
  std::string out;
  EXPECT_NO_THROW(out = dump_json(j));
  EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos) << out;
}

TEST(AppendJsonString, QuotesAndEscapesLikeAJsonSerializer) {
  const struct {
    std::string text;
    const char* literal;
  } cases[] = {
      {"", R"("")"},
      {"plain", R"("plain")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"back\\slash", R"("back\\slash")"},
      {"a\nb\rc\td", R"("a\nb\rc\td")"},
      {std::string("nul\0x", 5), R"("nul\u0000x")"},
      {"\x01\x1f", R"("\u0001\u001f")"},
      {"M\xC3\xBCller \xE2\x82\xAC", "\"M\xC3\xBCller \xE2\x82\xAC\""},  // UTF-8 as is
      {"</script>", R"("</script>")"},
  };
  for (const auto& c : cases) {
    std::string out = "prefix:";
    append_json_string(out, c.text);
    EXPECT_EQ(out, std::string("prefix:") + c.literal);
    EXPECT_EQ(Json::parse(out.substr(7)).get<std::string>(), c.text);
  }
}

TEST(JsonObject, RendersAStringMapThatParsesBackTheSame) {
  EXPECT_EQ(json_object({}), "{}");
  EXPECT_EQ(json_object({{"b", "2"}, {"a", "1"}}), R"({"a":"1","b":"2"})");
  const Attributes tricky = {{"quote\"key", "line1\nline2"},
                             {"tab\tkey", std::string("nul\0value", 9)},
                             {"city", "K\xC3\xB6ln"},
                             {"empty", ""}};
  std::string text = json_object(tricky);
  Json parsed = Json::parse(text);
  ASSERT_TRUE(parsed.is_object()) << text;
  EXPECT_EQ(parsed.get<Attributes>(), tricky) << text;
  // The same text as the Json serializer would produce for the same map.
  EXPECT_EQ(text, dump_json(Json(tricky)));
}

// --- money -------------------------------------------------------------------

TEST(ParseMoney, ReadsAmountsIntoCents) {
  const struct {
    const char* text;
    int64_t cents;
  } cases[] = {
      {"0", 0},           {"1500", 150000},    {"1500.50", 150050}, {"1500.5", 150050},
      {"1500.05", 150005}, {"0.99", 99},       {"0.1", 10},         {"1.", 100},
      {" 12.34 ", 1234},  {"-12.5", -1250},    {"-0.01", -1},       {"007", 700},
      {"999999999999999", 99999999999999900},
  };
  for (const auto& c : cases) {
    auto r = parse_money(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << describe(r.status());
    EXPECT_EQ(*r, c.cents) << c.text;
  }
}

TEST(ParseMoney, RejectsWhatIsNotAnAmount) {
  for (const char* bad : {"", " ", "-", ".", ".5", "1.234", "1,500.00", "1,5", "abc", "12a",
                          "1e3", "+5", "--5", "$15", "15 EUR", "1.2.3", "1000000000000000"}) {
    auto r = parse_money(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "' -> " << (r.ok() ? std::to_string(*r) : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue) << bad;
    }
  }
}

TEST(FormatMoney, WritesTwoDecimals) {
  const struct {
    int64_t cents;
    const char* text;
  } cases[] = {
      {0, "0.00"},        {5, "0.05"},         {10, "0.10"},      {150050, "1500.50"},
      {150000, "1500.00"}, {-1, "-0.01"},      {-150050, "-1500.50"}, {-100, "-1.00"},
      {INT64_MAX, "92233720368547758.07"},    {INT64_MIN, "-92233720368547758.08"},
  };
  for (const auto& c : cases) EXPECT_EQ(format_money(c.cents), c.text) << c.cents;
  for (int64_t cents : {0LL, 1LL, -1LL, 99LL, 12345LL, -987654LL}) {
    EXPECT_EQ(*parse_money(format_money(cents)), cents) << cents;
  }
}

// --- parse_campaign ----------------------------------------------------------

TEST(ParseCampaign, ReadsAndTidiesACampaign) {
  auto r = parse_campaign(R"({"key": " spring-webinar ", "name": "Spring webinar",
      "channel": "webinar", "owner": " maria ", "vendor": null, "cost": "1500.50",
      "currency": "eur", "starts_on": "2026-03-01", "ends_on": "2026-03-31"})");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  EXPECT_EQ(r->key, "spring-webinar");
  EXPECT_EQ(r->name, "Spring webinar");
  EXPECT_EQ(r->channel, Channel::kWebinar);
  EXPECT_EQ(r->owner, "maria");
  EXPECT_EQ(r->vendor, "");
  EXPECT_EQ(r->cost_cents, 150050);
  EXPECT_EQ(r->currency, "EUR");
  EXPECT_EQ(r->starts_on, days_from_civil(2026, 3, 1));
  EXPECT_EQ(r->ends_on, days_from_civil(2026, 3, 31));
}

TEST(ParseCampaign, DefaultsNameCurrencyAndCost) {
  auto r = parse_campaign(R"({"key": "tm-q1", "channel": "telemarketing"})");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  EXPECT_EQ(r->name, "tm-q1");
  EXPECT_EQ(r->currency, "USD");
  EXPECT_EQ(r->cost_cents, 0);
  EXPECT_FALSE(r->starts_on.has_value());
  EXPECT_FALSE(r->ends_on.has_value());
}

TEST(ParseCampaign, AcceptsCostAsNumberOrText) {
  const struct {
    const char* cost;
    int64_t cents;
  } cases[] = {{"1500", 150000},      {"1500.5", 150050}, {"\"1500.50\"", 150050},
               {"19.99", 1999},       {"0", 0},           {"null", 0},
               {"\" 250 \"", 25000}};
  for (const auto& c : cases) {
    auto r = parse_campaign(std::string(R"({"key": "k", "channel": "email", "cost": )") + c.cost +
                            "}");
    ASSERT_TRUE(r.ok()) << c.cost << ": " << describe(r.status());
    EXPECT_EQ(r->cost_cents, c.cents) << c.cost;
  }
}

TEST(ParseCampaign, AcceptsEveryChannelName) {
  for (const char* ch : {"telemarketing", "email", "web", "webinar", "event", "direct_mail",
                         "social", "referral", "partner"}) {
    auto r = parse_campaign(std::string(R"({"key": "k", "channel": ")") + ch + "\"}");
    ASSERT_TRUE(r.ok()) << ch << ": " << describe(r.status());
    EXPECT_EQ(channel_name(r->channel), ch);
  }
}

TEST(ParseCampaign, ReportsEachProblemWithItsCodeAndField) {
  const ErrorCase cases[] = {
      {"", ErrorCode::kInvalidJson, ""},
      {"{\"key\": \"k\", \"channel\": \"web\", \"name\": \"\xFF\"}", ErrorCode::kInvalidUtf8, ""},
      {"[]", ErrorCode::kWrongType, ""},
      {R"({"key": "k"})", ErrorCode::kMissingField, "channel"},
      {R"({"key": "k", "channel": "fax"})", ErrorCode::kInvalidValue, "channel"},
      {R"({"key": "k", "channel": "Web"})", ErrorCode::kInvalidValue, "channel"},
      {R"({"key": "k", "channel": null})", ErrorCode::kInvalidValue, "channel"},
      {R"({"key": "k", "channel": 3})", ErrorCode::kWrongType, "channel"},
      {R"({"channel": "web"})", ErrorCode::kMissingField, "key"},
      {R"({"key": "  ", "channel": "web"})", ErrorCode::kMissingField, "key"},
      {R"({"key": "spring webinar", "channel": "web"})", ErrorCode::kInvalidValue, "key"},
      {R"({"key": 5, "channel": "web"})", ErrorCode::kWrongType, "key"},
      {R"({"key": "k", "channel": "web", "cost": "1.234"})", ErrorCode::kInvalidValue, "cost"},
      {R"({"key": "k", "channel": "web", "cost": "abc"})", ErrorCode::kInvalidValue, "cost"},
      {R"({"key": "k", "channel": "web", "cost": -5})", ErrorCode::kInvalidValue, "cost"},
      {R"({"key": "k", "channel": "web", "cost": true})", ErrorCode::kWrongType, "cost"},
      {R"({"key": "k", "channel": "web", "cost": [1]})", ErrorCode::kWrongType, "cost"},
      {R"({"key": "k", "channel": "web", "currency": "EURO"})", ErrorCode::kInvalidValue,
       "currency"},
      {R"({"key": "k", "channel": "web", "currency": "E1R"})", ErrorCode::kInvalidValue,
       "currency"},
      {R"({"key": "k", "channel": "web", "currency": "US"})", ErrorCode::kInvalidValue,
       "currency"},
      {R"({"key": "k", "channel": "web", "starts_on": "2026-02-30"})", ErrorCode::kInvalidValue,
       "starts_on"},
      {R"({"key": "k", "channel": "web", "ends_on": "next week"})", ErrorCode::kInvalidValue,
       "ends_on"},
      {R"({"key": "k", "channel": "web", "starts_on": 20260101})", ErrorCode::kWrongType,
       "starts_on"},
      {R"({"key": "k", "channel": "web", "starts_on": "2026-03-31", "ends_on": "2026-03-01"})",
       ErrorCode::kInvalidValue, "ends_on"},
      {R"({"key": "k", "channel": "web", "created_at": "2026-01-01"})", ErrorCode::kUnknownField,
       "created_at"},
      {R"({"key": "k", "channel": "web", "budget": 5})", ErrorCode::kUnknownField, "budget"},
  };
  for (const auto& c : cases) {
    auto r = parse_campaign(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), c.code) << c.json << " -> " << describe(r.status());
    EXPECT_EQ(r.status().field(), c.field) << c.json << " -> " << describe(r.status());
  }
  auto same_day = parse_campaign(
      R"({"key": "k", "channel": "event", "starts_on": "2026-03-01", "ends_on": "2026-03-01"})");
  EXPECT_TRUE(same_day.ok()) << describe(same_day.status());
}

TEST(CampaignToJson, RendersCostAsANumberAndDatesAsText) {
  Campaign c;
  c.key = "spring-webinar";
  c.name = "Spring";
  c.channel = Channel::kDirectMail;
  c.cost_cents = 150050;
  c.currency = "EUR";
  c.starts_on = days_from_civil(2026, 3, 1);
  Json j = to_json(c);
  EXPECT_EQ(j["key"], "spring-webinar");
  EXPECT_EQ(j["channel"], "direct_mail");
  EXPECT_DOUBLE_EQ(j["cost"].get<double>(), 1500.5);
  EXPECT_EQ(j["currency"], "EUR");
  EXPECT_EQ(j["starts_on"], "2026-03-01");
  EXPECT_TRUE(j["ends_on"].is_null());
  EXPECT_TRUE(j["owner"].is_null());
  EXPECT_TRUE(j["vendor"].is_null());
}

// --- parse_touch -------------------------------------------------------------

TEST(ParseTouch, ReadsATouch) {
  auto r = parse_touch(R"({"lead": 42, "campaign": " tm-q1 ", "channel": "call",
      "direction": "inbound", "outcome": " connected ", "actor": "rep-7",
      "at": "2026-11-23T09:15:00+01:00", "notes": "asked for a demo", "caller": " Maria K. ",
      "data_points": {"budget": "50k", "seats": 12}})");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  const Touch& t = r->touch;
  EXPECT_EQ(t.lead_id, 42);
  EXPECT_EQ(t.campaign, "tm-q1");
  EXPECT_EQ(t.channel, Medium::kCall);
  EXPECT_TRUE(r->channel_given);
  EXPECT_EQ(t.direction, Direction::kInbound);
  EXPECT_EQ(t.outcome, "connected");
  EXPECT_EQ(t.actor, "rep-7");
  EXPECT_EQ(t.at, 1795421700000);
  EXPECT_TRUE(r->at_given);
  EXPECT_EQ(t.notes, "asked for a demo");
  EXPECT_EQ(t.caller, "Maria K.");
  EXPECT_EQ(t.data_points, (Attributes{{"budget", "50k"}, {"seats", "12"}}));
  EXPECT_EQ(to_json(t)["caller"], "Maria K.");
}

TEST(ParseTouch, DefaultsToNoLeadOutboundWithChannelAndTimeLeftToTheCaller) {
  auto r = parse_touch(R"({"campaign": "tm-q1"})");
  ASSERT_TRUE(r.ok()) << describe(r.status());
  EXPECT_EQ(r->touch.lead_id, 0);
  EXPECT_EQ(r->touch.direction, Direction::kOutbound);
  EXPECT_FALSE(r->channel_given);
  EXPECT_FALSE(r->at_given);

  auto blanks = parse_touch(R"({"campaign": "tm-q1", "lead": null, "channel": "",
                                "direction": "", "at": ""})");
  ASSERT_TRUE(blanks.ok()) << describe(blanks.status());
  EXPECT_FALSE(blanks->channel_given);
  EXPECT_FALSE(blanks->at_given);

  auto lead_text = parse_touch(R"({"campaign": "tm-q1", "lead": "17"})");
  ASSERT_TRUE(lead_text.ok());
  EXPECT_EQ(lead_text->touch.lead_id, 17);

  // No campaign is left to the routes: the lead's own, or a 422 without a lead.
  for (const char* none : {R"({"lead": 1})", R"({"campaign": "  "})", R"({"campaign": null})", "{}"}) {
    auto r = parse_touch(none);
    ASSERT_TRUE(r.ok()) << none << ": " << describe(r.status());
    EXPECT_EQ(r->touch.campaign, "") << none;
  }
}

TEST(ParseTouch, ReportsEachProblemWithItsCodeAndField) {
  const ErrorCase cases[] = {
      {"{", ErrorCode::kInvalidJson, ""},
      {"[]", ErrorCode::kWrongType, ""},
      {R"({"campaign": 3})", ErrorCode::kWrongType, "campaign"},
      {R"({"campaign": "c", "lead": 0})", ErrorCode::kInvalidValue, "lead"},
      {R"({"campaign": "c", "lead": -3})", ErrorCode::kInvalidValue, "lead"},
      {R"({"campaign": "c", "lead": "abc"})", ErrorCode::kWrongType, "lead"},
      {R"({"campaign": "c", "lead": 1.5})", ErrorCode::kWrongType, "lead"},
      {R"({"campaign": "c", "channel": "fax"})", ErrorCode::kInvalidValue, "channel"},
      {R"({"campaign": "c", "channel": "Call"})", ErrorCode::kInvalidValue, "channel"},
      {R"({"campaign": "c", "direction": "sideways"})", ErrorCode::kInvalidValue, "direction"},
      {R"({"campaign": "c", "direction": "Inbound"})", ErrorCode::kInvalidValue, "direction"},
      {R"({"campaign": "c", "direction": true})", ErrorCode::kWrongType, "direction"},
      {R"({"campaign": "c", "at": "yesterday"})", ErrorCode::kInvalidValue, "at"},
      {R"({"campaign": "c", "at": 1795421700000})", ErrorCode::kWrongType, "at"},
      {R"({"campaign": "c", "data_points": {"q": {"a": 1}}})", ErrorCode::kWrongType,
       "data_points.q"},
      {R"({"campaign": "c", "data_points": "x"})", ErrorCode::kWrongType, "data_points"},
      {R"({"campaign": "c", "lead_id": 5})", ErrorCode::kUnknownField, "lead_id"},
      {R"({"campaign": "c", "id": 5})", ErrorCode::kUnknownField, "id"},
  };
  for (const auto& c : cases) {
    auto r = parse_touch(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), c.code) << c.json << " -> " << describe(r.status());
    EXPECT_EQ(r.status().field(), c.field) << c.json << " -> " << describe(r.status());
  }
  std::string long_outcome = R"({"campaign": "c", "outcome": ")" + std::string(65, 'o') + "\"}";
  auto r = parse_touch(long_outcome);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(r.status().field(), "outcome");
}

TEST(TouchToJson, RendersTheTouch) {
  Touch t;
  t.id = 3;
  t.campaign = "tm-q1";
  t.channel = Medium::kCall;
  t.at = 0;
  t.data_points = {{"budget", "50k"}};
  Json j = to_json(t);
  EXPECT_EQ(j["id"], 3);
  EXPECT_TRUE(j["lead"].is_null());  // a conversation without a lead
  EXPECT_EQ(j["campaign"], "tm-q1");
  EXPECT_EQ(j["channel"], "call");
  EXPECT_EQ(j["direction"], "outbound");
  EXPECT_TRUE(j["outcome"].is_null());
  EXPECT_EQ(j["at"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(j["data_points"], (Json{{"budget", "50k"}}));
  t.lead_id = 9;
  EXPECT_EQ(to_json(t)["lead"], 9);
}

}  // namespace
}  // namespace leadloop
