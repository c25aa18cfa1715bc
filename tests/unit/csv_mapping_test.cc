// How a CSV file's columns become lead fields: the built-in presets for the
// exports of Salesforce, HubSpot and Mautic (detected from the header row),
// YAML mapping files, and the per-row conversion of values.
#include "io/csv_mapping.h"

#include <gtest/gtest.h>

#include "test_files.h"

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "domain/validate.h"
#include "io/csv_export.h"
#include "io/csv_reader.h"
#include "io/text_encoding.h"

namespace leadloop {
namespace {

using Headers = std::vector<std::string>;

const Headers kSalesforceHeaders = {
    "Lead ID", "First Name",    "Last Name",   "Title",           "Company",
    "Email",   "Phone",         "Lead Source", "Email Opt Out",   "Do Not Call",
    "No. of Employees", "Country", "State/Province"};
const Headers kHubspotHeaders = {
    "Record ID",      "First Name",     "Last Name",    "Email",
    "Phone Number",   "Company Name",   "Job Title",    "Country/Region",
    "State/Region",   "Lifecycle Stage", "Contact owner", "Number of Employees"};
const Headers kMauticHeaders = {"id",       "firstname", "lastname", "email",
                                "company",  "position",  "phone",    "mobile",
                                "points",   "country",   "city"};

ColumnMapping resolve_ok(const std::string& spec_name, const Headers& headers) {
  auto spec = load_mapping(spec_name);
  EXPECT_TRUE(spec.ok()) << spec.status().to_string();
  if (!spec.ok()) return {};
  auto m = resolve_mapping(*spec, headers);
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  return m.ok() ? *m : ColumnMapping{};
}

std::vector<std::string> targets(const ColumnMapping& m) {
  std::vector<std::string> out;
  for (const auto& c : m.columns) out.push_back(c.describe());
  return out;
}

// A YAML mapping file in the test's temp directory, removed afterwards.
class MappingFile {
 public:
  explicit MappingFile(const std::string& yaml) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = ::testing::TempDir() + "leadloop_mapping_" + info->test_suite_name() + "_" +
            info->name() + ".yaml";
    std::ofstream(path_, std::ios::binary) << yaml;
  }
  ~MappingFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// --- header_key / parse_target -----------------------------------------------

TEST(HeaderKey, IgnoresCaseSpacesUnderscoresAndHyphens) {
  const struct {
    const char* header;
    const char* key;
  } cases[] = {
      {"First Name", "firstname"},   {"first_name", "firstname"},  {"FirstName", "firstname"},
      {"FIRST-NAME", "firstname"},   {"  First Name  ", "firstname"}, {"E-mail", "email"},
      {"No. of Employees", "no.ofemployees"}, {"State/Province", "state/province"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(header_key(c.header), c.key) << c.header;
}

TEST(ParseTarget, KnowsEveryKindOfTarget) {
  const struct {
    const char* text;
    TargetKind kind;
    const char* name;
    const char* described;
  } cases[] = {
      {"email", TargetKind::kTextField, "email", "email"},
      {" source_campaign ", TargetKind::kTextField, "source_campaign", "source_campaign"},
      {"employees", TargetKind::kEmployees, "", "employees"},
      {"attributes", TargetKind::kAttributes, "", "attributes"},
      {"attributes.customer_no", TargetKind::kAttribute, "customer_no", "attributes.customer_no"},
      {"consent.email", TargetKind::kConsent, "email", "consent.email"},
      {"consent.mail", TargetKind::kConsent, "mail", "consent.mail"},
      {"optout.phone", TargetKind::kOptOut, "phone", "optout.phone"},
      {"full_name", TargetKind::kFullName, "", "full_name"},
      {"ignore", TargetKind::kIgnore, "", "ignore"},
      {"", TargetKind::kIgnore, "", "ignore"},
  };
  for (const auto& c : cases) {
    auto t = parse_target(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().to_string();
    EXPECT_EQ(t->kind, c.kind) << c.text;
    EXPECT_EQ(t->name, c.name) << c.text;
    EXPECT_EQ(t->describe(), c.described) << c.text;
  }
  for (const char* bad : {"phone_number", "Email", "attributes.", "consent.sms", "optout.",
                          "optout.fax", "stage", "id"}) {
    auto t = parse_target(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), ErrorCode::kInvalidValue) << bad;
    }
  }
}

// --- load_mapping ------------------------------------------------------------

TEST(LoadMapping, KnowsThePresetsAndAuto) {
  for (const char* name : {"auto", "salesforce", "hubspot", "mautic"}) {
    auto spec = load_mapping(name);
    ASSERT_TRUE(spec.ok()) << name;
    EXPECT_EQ(spec->name, name);
    EXPECT_EQ(spec->preset, name);
    EXPECT_TRUE(spec->own.empty()) << name;
  }
  auto empty = load_mapping("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->name, "auto");
}

TEST(LoadMapping, AnUnknownNameThatIsNoFileIsAnError) {
  auto spec = load_mapping("pipedrive");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(spec.status().field(), "mapping");
  EXPECT_NE(spec.status().message().find("pipedrive"), std::string::npos);
}

TEST(LoadMapping, APresetsOwnHeadersWinOverGenericOnes) {
  // "Status" is Salesforce's lead status; elsewhere it is just a column.
  EXPECT_EQ(targets(resolve_ok("salesforce", {"Email", "Status", "Lead Owner"})),
            (std::vector<std::string>{"email", "attributes.salesforce_status",
                                      "attributes.salesforce_owner"}));
  EXPECT_EQ(targets(resolve_ok("hubspot", {"Email", "Status", "Lead Status"})),
            (std::vector<std::string>{"email", "attributes.status",
                                      "attributes.hubspot_lead_status"}));
  // "id" belongs to whichever CRM the preset says.
  EXPECT_EQ(targets(resolve_ok("mautic", {"email", "id"}))[1], "attributes.mautic_id");
  EXPECT_EQ(targets(resolve_ok("salesforce", {"email", "id"}))[1], "attributes.salesforce_id");
}

// --- resolve_mapping: detection ----------------------------------------------

TEST(ResolveMapping, DetectsASalesforceExport) {
  ColumnMapping m = resolve_ok("auto", kSalesforceHeaders);
  EXPECT_EQ(m.spec_name, "auto (salesforce)");
  EXPECT_EQ(m.headers, kSalesforceHeaders);
  EXPECT_EQ(targets(m), (std::vector<std::string>{
                            "attributes.salesforce_id", "first_name", "last_name", "title",
                            "company", "email", "phone", "attributes.lead_source", "optout.email",
                            "optout.phone", "employees", "country", "attributes.state"}));
  EXPECT_FALSE(m.has_campaign_column);
}

TEST(ResolveMapping, DetectsAHubspotExport) {
  ColumnMapping m = resolve_ok("auto", kHubspotHeaders);
  EXPECT_EQ(m.spec_name, "auto (hubspot)");
  EXPECT_EQ(targets(m),
            (std::vector<std::string>{"attributes.hubspot_id", "first_name", "last_name", "email",
                                      "phone", "company", "title", "country", "attributes.state",
                                      "attributes.hubspot_lifecycle_stage",
                                      "attributes.hubspot_owner", "employees"}));
}

TEST(ResolveMapping, DetectsAMauticExport) {
  ColumnMapping m = resolve_ok("auto", kMauticHeaders);
  EXPECT_EQ(m.spec_name, "auto (mautic)");
  EXPECT_EQ(targets(m), (std::vector<std::string>{
                            "attributes.mautic_id", "first_name", "last_name", "email", "company",
                            "title", "phone", "attributes.mobile", "attributes.mautic_points",
                            "country", "attributes.city"}));
}

TEST(ResolveMapping, AnIdColumnAloneDoesNotMakeAFileLookLikeACrmExport) {
  ColumnMapping m = resolve_ok("auto", {"id", "email", "name"});
  EXPECT_EQ(m.spec_name, "auto");
  const std::string id_target = targets(m)[0];
  EXPECT_EQ(id_target.find("salesforce"), std::string::npos) << id_target;
  EXPECT_EQ(id_target.find("mautic"), std::string::npos) << id_target;
}

TEST(ResolveMapping, AFileWithCanonicalNamesNeedsNoPreset) {
  ColumnMapping m = resolve_ok("auto", {"email", "phone", "company", "title", "source_campaign",
                                        "employees", "consent_email", "attributes"});
  EXPECT_EQ(targets(m),
            (std::vector<std::string>{"email", "phone", "company", "title", "source_campaign",
                                      "employees", "consent.email", "attributes"}));
  EXPECT_TRUE(m.has_campaign_column);
}

TEST(ResolveMapping, LeadloopsOwnExportIsNotTakenForAnotherCrm) {
  const Headers headers = {"id", "email", "phone", "first_name", "last_name", "company",
                           "title", "industry", "employees", "country", "region",
                           "source_campaign", "stage", "grade", "owner", "consent_email",
                           "consent_phone", "consent_mail", "created_at", "updated_at",
                           "last_touch_at", "attributes"};
  ColumnMapping m = resolve_ok("auto", headers);
  EXPECT_EQ(m.spec_name, "auto");
  for (const auto& t : targets(m)) EXPECT_EQ(t.find("mautic"), std::string::npos) << t;
}

TEST(ResolveMapping, UnknownColumnsBecomeAttributesNamedAfterTheHeader) {
  ColumnMapping m = resolve_ok(
      "auto", {"Email", "Favourite Colour", "  Budget (EUR) ", "Größe", "---", "Website"});
  EXPECT_EQ(targets(m), (std::vector<std::string>{"email", "attributes.favourite_colour",
                                                  "attributes.budget_eur",
                                                  "attributes.gr\xC3\xB6\xC3\x9F" "e", "ignore",
                                                  "attributes.website"}));
}

TEST(ResolveMapping, ASecondColumnForTheSameFieldIsKeptAsAnAttribute) {
  ColumnMapping m = resolve_ok("auto", {"Email", "Work Email", "Phone", "Business Phone"});
  EXPECT_EQ(targets(m), (std::vector<std::string>{"email", "attributes.work_email", "phone",
                                                  "attributes.business_phone"}));
}

TEST(ResolveMapping, FailsWhenNoColumnGivesAnEmailOrPhone) {
  for (const char* name : {"auto", "salesforce", "hubspot", "mautic"}) {
    auto spec = load_mapping(name);
    ASSERT_TRUE(spec.ok());
    auto m = resolve_mapping(*spec, {"First Name", "Last Name", "Company", "Mobile"});
    ASSERT_FALSE(m.ok()) << name;
    EXPECT_EQ(m.status().code(), ErrorCode::kMissingField) << name;
    EXPECT_EQ(m.status().field(), "email") << name;
    EXPECT_NE(m.status().message().find("First Name, Last Name, Company, Mobile"),
              std::string::npos)
        << m.status().message();
    EXPECT_NE(m.status().message().find("--mapping"), std::string::npos);
  }
  // A phone alone is enough, and so is an external id.
  EXPECT_TRUE(resolve_mapping(*load_mapping("auto"), {"Name", "Telephone"}).ok());
  EXPECT_TRUE(resolve_mapping(*load_mapping("auto"), {"External ID", "age"}).ok());
}

TEST(ResolveMapping, NotesACampaignColumn) {
  EXPECT_TRUE(resolve_ok("auto", {"email", "Campaign"}).has_campaign_column);
  EXPECT_FALSE(resolve_ok("auto", {"email", "Campaign"}).campaign_column_named);
  EXPECT_FALSE(resolve_ok("auto", {"email", "Campaign Name"}).has_campaign_column);
}

TEST(ResolveMapping, KnowsExternalIdsAndCallers) {
  EXPECT_EQ(targets(resolve_ok("auto", {"external_id", "External ID", "caller", "Agent", "phone"})),
            (std::vector<std::string>{"external_id", "attributes.external_id", "caller", "attributes.agent", "phone"}));
}

// A request's campaign takes the place of a column an alias took for it,
// which stays as an attribute; a column a mapping names is kept.
TEST(YieldCampaignColumn, KeepsAnAliasedColumnAsAnAttributeAndANamedOneAsTheCampaign) {
  ColumnMapping aliased = resolve_ok("auto", {"phone", "campaign"});
  yield_campaign_column(aliased);
  EXPECT_FALSE(aliased.has_campaign_column);
  EXPECT_EQ(targets(aliased), (std::vector<std::string>{"phone", "attributes.campaign"}));
  auto spec = parse_mapping("columns: {Kampagne: source_campaign}");
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  auto named = resolve_mapping(*spec, {"phone", "Kampagne"});
  ASSERT_TRUE(named.ok());
  EXPECT_TRUE(named->campaign_column_named);
  yield_campaign_column(*named);
  EXPECT_TRUE(named->has_campaign_column);
  EXPECT_EQ(targets(*named), (std::vector<std::string>{"phone", "source_campaign"}));
}

TEST(ParseMapping, ReadsAMappingSentAsTextWithinLimits) {
  auto spec = parse_mapping("preset: hubspot\ncolumns:\n  call_id: external_id\n  y: attributes.subscribed\n");
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  EXPECT_EQ(spec->name, "request");
  EXPECT_EQ(spec->preset, "hubspot");
  ASSERT_EQ(spec->own.size(), 2u);
  EXPECT_EQ(spec->own[0].first, "callid");
  EXPECT_EQ(spec->own[0].second.describe(), "external_id");
  // Nothing else: no anchors, no depth, no megabytes.
  for (const std::string& text : {std::string("a: &x {columns: {}}\nb: *x\n"),
                                  std::string("columns: {a: {b: {c: {d: {e: {f: {g: {h: {i: 1}}}}}}}}}"),
                                  "columns:\n" + std::string(70000, ' ') + "  a: email\n", std::string("")}) {
    auto refused = parse_mapping(text);
    ASSERT_FALSE(refused.ok()) << text.substr(0, 80);
    EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidValue);
    EXPECT_EQ(refused.status().field(), "mapping");
  }
}

TEST(ColumnMapping, ColumnOfNamesTheOneBasedColumnFeedingAField) {
  ColumnMapping m = resolve_ok("salesforce", {"Name", "Email", "Email Opt Out", "Attributes",
                                              "No. of Employees", "City"});
  EXPECT_EQ(m.column_of("email"), 2);
  EXPECT_EQ(m.column_of("first_name"), 1);  // from the full name
  EXPECT_EQ(m.column_of("last_name"), 1);
  EXPECT_EQ(m.column_of("consent.email"), 3);
  EXPECT_EQ(m.column_of("attributes.budget"), 4);
  EXPECT_EQ(m.column_of("employees"), 5);
  EXPECT_EQ(m.column_of("phone"), 0);
}

// --- map_record --------------------------------------------------------------

TEST(MapRecord, CopiesTextFieldsAndAttributes) {
  ColumnMapping m = resolve_ok("auto", {"Email", "First Name", "Company", "City", "Website"});
  auto l = map_record(m, {"ann@example.com", "Ann", "Acme", "  Berlin ", ""});
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ(l->email, "ann@example.com");
  EXPECT_EQ(l->first_name, "Ann");
  EXPECT_EQ(l->company, "Acme");
  // Attribute values are trimmed; empty ones are left out.
  EXPECT_EQ(l->attributes, (Attributes{{"city", "Berlin"}}));
}

TEST(MapRecord, ReadsEmployeesAsWrittenInExports) {
  ColumnMapping m = resolve_ok("auto", {"Email", "Employees"});
  const struct {
    const char* text;
    std::optional<int64_t> employees;
    const char* range;  // attributes.employees_range, or nullptr
  } cases[] = {
      {"250", 250, nullptr},          {"1,200", 1200, nullptr},    {"1.200", 1200, nullptr},
      {"1 200", 1200, nullptr},       {"1'200", 1200, nullptr},    {" 42 ", 42, nullptr},
      {"51-200", 51, "51-200"},       {"51 - 200", 51, "51 - 200"},
      {"1,001-5,000", 1001, "1,001-5,000"}, {"10000+", 10000, "10000+"},
      {"", std::nullopt, nullptr},    {"  ", std::nullopt, nullptr},
  };
  for (const auto& c : cases) {
    auto l = map_record(m, {"a@example.com", c.text});
    ASSERT_TRUE(l.ok()) << c.text << ": " << l.status().to_string();
    EXPECT_EQ(l->employees, c.employees) << c.text;
    if (c.range) {
      EXPECT_EQ(l->attributes, (Attributes{{"employees_range", c.range}})) << c.text;
    } else {
      EXPECT_TRUE(l->attributes.empty()) << c.text;
    }
  }
  for (const char* bad : {"many", "about 50", "50 people", "n/a", "-5", "1234567890"}) {
    auto l = map_record(m, {"a@example.com", bad});
    ASSERT_FALSE(l.ok()) << bad;
    EXPECT_EQ(l.status().code(), ErrorCode::kInvalidValue) << bad;
    EXPECT_EQ(l.status().field(), "employees") << bad;
  }
}

TEST(MapRecord, OptOutColumnsDenyConsentOnlyWhenSet) {
  ColumnMapping m = resolve_ok("salesforce", {"Email", "Email Opt Out", "Do Not Call"});
  const struct {
    const char* value;
    Consent want;
  } cases[] = {
      {"1", Consent::kDenied},     {"true", Consent::kDenied},  {"TRUE", Consent::kDenied},
      {"Yes", Consent::kDenied},   {"y", Consent::kDenied},     {"x", Consent::kDenied},
      {"checked", Consent::kDenied}, {"0", Consent::kUnknown},  {"false", Consent::kUnknown},
      {"no", Consent::kUnknown},   {"", Consent::kUnknown},
  };
  for (const auto& c : cases) {
    auto l = map_record(m, {"a@example.com", c.value, c.value});
    ASSERT_TRUE(l.ok()) << c.value;
    EXPECT_EQ(l->consent.email, c.want) << c.value;
    EXPECT_EQ(l->consent.phone, c.want) << c.value;
    EXPECT_EQ(l->consent.mail, Consent::kUnknown) << c.value;
  }
}

TEST(MapRecord, ConsentColumnsTakeConsentWords) {
  ColumnMapping m = resolve_ok("auto", {"Email", "consent_email", "consent_phone", "consent_mail"});
  auto l = map_record(m, {"a@example.com", "yes", "Denied", ""});
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ(l->consent.email, Consent::kGranted);
  EXPECT_EQ(l->consent.phone, Consent::kDenied);
  EXPECT_EQ(l->consent.mail, Consent::kUnknown);

  auto bad = map_record(m, {"a@example.com", "maybe", "", ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(bad.status().field(), "consent.email");
}

TEST(MapRecord, SplitsAFullNameWhenFirstAndLastAreAbsent) {
  ColumnMapping m = resolve_ok("auto", {"Email", "Full Name"});
  const struct {
    const char* full;
    const char* first;
    const char* last;
  } cases[] = {
      {"Ann Smith", "Ann", "Smith"},
      {"  Ann Smith  ", "Ann", "Smith"},
      {"Mary Ann Smith", "Mary Ann", "Smith"},
      {"Madonna", "", "Madonna"},
      {"", "", ""},
  };
  for (const auto& c : cases) {
    auto l = map_record(m, {"a@example.com", c.full});
    ASSERT_TRUE(l.ok()) << c.full;
    EXPECT_EQ(l->first_name, c.first) << c.full;
    EXPECT_EQ(l->last_name, c.last) << c.full;
  }
  // Given first or last name columns win over the full name.
  ColumnMapping both = resolve_ok("auto", {"Name", "Email", "First Name", "Last Name"});
  auto l = map_record(both, {"Ann Smith", "a@example.com", "Annie", ""});
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->first_name, "Annie");
  EXPECT_EQ(l->last_name, "");
  auto split = map_record(both, {"Ann Smith", "a@example.com", "", ""});
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->first_name, "Ann");
  EXPECT_EQ(split->last_name, "Smith");
}

TEST(MapRecord, AnAttributesColumnHoldsAJsonObject) {
  ColumnMapping m = resolve_ok("auto", {"Email", "City", "Attributes"});
  auto l = map_record(
      m, {"a@example.com", "Berlin", R"({"budget": "50k", "seats": 12, "vip": true})"});
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ(l->attributes, (Attributes{{"budget", "50k"}, {"city", "Berlin"}, {"seats", "12"},
                                       {"vip", "true"}}));
  auto empty = map_record(m, {"a@example.com", "", ""});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->attributes.empty());
  for (const char* bad : {"not json", "[1, 2]", "\"text\"", "{\"a\": "}) {
    auto r = map_record(m, {"a@example.com", "", bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue) << bad;
    EXPECT_EQ(r.status().field(), "attributes") << bad;
  }
}

TEST(MapRecord, ExtraNonEmptyFieldsAreAnError) {
  ColumnMapping m = resolve_ok("auto", {"Email", "Company"});
  auto extra = map_record(m, {"a@example.com", "Acme", "surprise"});
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.status().code(), ErrorCode::kInvalidCsv);
  EXPECT_NE(extra.status().message().find('3'), std::string::npos) << extra.status().message();
  EXPECT_NE(extra.status().message().find('2'), std::string::npos) << extra.status().message();
  // Trailing empty fields (a stray delimiter) are harmless, and short rows
  // just lack the last columns.
  EXPECT_TRUE(map_record(m, {"a@example.com", "Acme", "", " "}).ok());
  auto short_row = map_record(m, {"a@example.com"});
  ASSERT_TRUE(short_row.ok());
  EXPECT_EQ(short_row->company, "");
}

TEST(MapRecord, ReimportsLeadloopsOwnExportRow) {
  const Headers headers = {"id", "email", "first_name", "source_campaign", "employees",
                           "consent_email", "consent_phone", "consent_mail", "attributes"};
  ColumnMapping m = resolve_ok("auto", headers);
  auto l = map_record(m, {"17", "ann@example.com", "Ann", "spring-webinar", "250", "denied",
                          "granted", "unknown", R"({"budget":"50k"})"});
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ(l->email, "ann@example.com");
  EXPECT_EQ(l->first_name, "Ann");
  EXPECT_EQ(l->source_campaign, "spring-webinar");
  EXPECT_EQ(l->employees, 250);
  EXPECT_EQ(l->consent.email, Consent::kDenied);
  EXPECT_EQ(l->consent.phone, Consent::kGranted);
  EXPECT_EQ(l->consent.mail, Consent::kUnknown);
  EXPECT_EQ(l->attributes.at("budget"), "50k");
}

// --- YAML mapping files ------------------------------------------------------

TEST(MappingFile, NamesCustomColumnsOnTopOfAPreset) {
  MappingFile file(R"(# Our trade-show scanner export
preset: salesforce
columns:
  "E-Mail Adresse": email
  "Firma": company
  "Mitarbeiter": employees
  "Kundennummer": attributes.customer_no
  "Newsletter": consent.email
  "Kein Anruf": optout.phone
  "Kontakt": full_name
  "Interne Notiz": ignore
  "Phone": attributes.switchboard
  "Mobil": phone
)");
  auto spec = load_mapping(file.path());
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  EXPECT_EQ(spec->name, file.path());
  auto m = resolve_mapping(*spec, {"E-Mail Adresse", "Firma", "Mitarbeiter", "Kundennummer",
                                   "Newsletter", "Kein Anruf", "Kontakt", "Interne Notiz",
                                   "Phone", "Mobil", "Lead ID", "Messe"});
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_EQ(m->spec_name, file.path());
  EXPECT_EQ(targets(*m),
            (std::vector<std::string>{"email", "company", "employees", "attributes.customer_no",
                                      "consent.email", "optout.phone", "full_name", "ignore",
                                      "attributes.switchboard", "phone",
                                      "attributes.salesforce_id", "attributes.messe"}));
  auto l = map_record(*m, {"j.mueller@example.de", "M\xC3\xBCller GmbH", "1.200", "K-4711", "ja",
                           "x", "J\xC3\xBCrgen M\xC3\xBCller", "VIP!", "+49 30 1234560",
                           "0171 1234567", "00Q5e00000AbCdE", "CeBIT"});
  // "ja" is not a consent word.
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().field(), "consent.email");
  l = map_record(*m, {"j.mueller@example.de", "M\xC3\xBCller GmbH", "1.200", "K-4711", "yes",
                      "x", "J\xC3\xBCrgen M\xC3\xBCller", "VIP!", "+49 30 1234560",
                      "0171 1234567", "00Q5e00000AbCdE", "CeBIT"});
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ(l->email, "j.mueller@example.de");
  EXPECT_EQ(l->company, "M\xC3\xBCller GmbH");
  EXPECT_EQ(l->employees, 1200);
  EXPECT_EQ(l->consent.email, Consent::kGranted);
  EXPECT_EQ(l->consent.phone, Consent::kDenied);
  EXPECT_EQ(l->first_name, "J\xC3\xBCrgen");
  EXPECT_EQ(l->last_name, "M\xC3\xBCller");
  EXPECT_EQ(l->phone, "0171 1234567");
  EXPECT_EQ(l->attributes, (Attributes{{"customer_no", "K-4711"},
                                       {"messe", "CeBIT"},
                                       {"salesforce_id", "00Q5e00000AbCdE"},
                                       {"switchboard", "+49 30 1234560"}}));
}

TEST(MappingFile, WithoutAPresetStillKnowsTheGenericHeaders) {
  MappingFile file("columns:\n  Kundennummer: attributes.customer_no\n");
  auto spec = load_mapping(file.path());
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  auto m = resolve_mapping(*spec, {"Email", "Kundennummer", "Job Title"});
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_EQ(targets(*m),
            (std::vector<std::string>{"email", "attributes.customer_no", "title"}));
}

TEST(MappingFile, WithoutAPresetDetectsTheExportLikeAuto) {
  MappingFile file("columns:\n  Kundennummer: attributes.customer_no\n");
  auto spec = load_mapping(file.path());
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  Headers headers = kMauticHeaders;
  headers.push_back("Kundennummer");
  auto m = resolve_mapping(*spec, headers);
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_EQ(targets(*m)[0], "attributes.mautic_id");
}

TEST(MappingFile, ABadTargetIsAnErrorNamingTheColumn) {
  MappingFile file("preset: hubspot\ncolumns:\n  Email: email\n  Handy: phone_number\n");
  auto spec = load_mapping(file.path());
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(spec.status().field(), "mapping");
  const std::string& msg = spec.status().message();
  EXPECT_NE(msg.find(file.path()), std::string::npos) << msg;
  EXPECT_NE(msg.find("Handy"), std::string::npos) << msg;
  EXPECT_NE(msg.find("phone_number"), std::string::npos) << msg;
}

TEST(MappingFile, MalformedFilesAreErrors) {
  const struct {
    const char* yaml;
    const char* mentions;
  } cases[] = {
      {"preset: zoho\ncolumns:\n  Email: email\n", "zoho"},
      {"- email\n- phone\n", "columns"},
      {"preset: hubspot\n", "columns"},
      {"columns: [email, phone]\n", "columns"},
      {"columns: {Email: email, Phone: [phone\n", "line"},
      {"", "columns"},
  };
  for (const auto& c : cases) {
    MappingFile file(c.yaml);
    auto spec = load_mapping(file.path());
    ASSERT_FALSE(spec.ok()) << c.yaml;
    EXPECT_EQ(spec.status().code(), ErrorCode::kInvalidValue) << c.yaml;
    EXPECT_EQ(spec.status().field(), "mapping") << c.yaml;
    EXPECT_NE(spec.status().message().find(c.mentions), std::string::npos)
        << c.yaml << " -> " << spec.status().message();
  }
}

// --- whole exports, from bytes to validated leads ----------------------------

struct ImportedFile {
  std::string spec_name;
  std::vector<Lead> leads;
};

// Decodes, reads, maps and validates a fixture the way an import does.
ImportedFile import_fixture(const std::string& name) {
  ImportedFile out;
  DecodedText decoded = decode_to_utf8(testing::fixture("domain/" + name));
  CsvReader reader(decoded.text);
  CsvRecord rec;
  Status err;
  EXPECT_TRUE(reader.next(rec, err)) << name;
  auto m = resolve_mapping(*load_mapping("auto"), rec.fields);
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  if (!m.ok()) return out;
  out.spec_name = m->spec_name;
  while (reader.next(rec, err)) {
    EXPECT_TRUE(err.ok()) << err.to_string();
    auto lead = map_record(*m, rec.fields);
    EXPECT_TRUE(lead.ok()) << name << " line " << rec.line << ": " << lead.status().to_string();
    if (!lead.ok()) continue;
    lead->source_campaign = "import";
    Status st = validate_lead(*lead);
    EXPECT_TRUE(st.ok()) << name << " line " << rec.line << ": " << st.to_string();
    out.leads.push_back(*lead);
  }
  return out;
}

TEST(ExportFiles, ASalesforceLeadReportImports) {
  ImportedFile f = import_fixture("salesforce_leads.csv");
  EXPECT_EQ(f.spec_name, "auto (salesforce)");
  ASSERT_EQ(f.leads.size(), 3u);
  const Lead& ann = f.leads[0];
  EXPECT_EQ(ann.company, "Acme, Inc.");
  EXPECT_EQ(ann.employees, 1200);
  EXPECT_EQ(ann.phone_key, "+12125550123");
  EXPECT_EQ(ann.name_key, "acme|ann|smith");
  EXPECT_EQ(ann.consent.email, Consent::kUnknown);
  EXPECT_EQ(ann.attributes, (Attributes{{"lead_source", "Webinar"},
                                        {"salesforce_id", "00Q5e00000AbCdE"},
                                        {"state", "NY"}}));
  const Lead& juergen = f.leads[1];
  EXPECT_EQ(juergen.first_name, "J\xC3\xBCrgen");
  EXPECT_EQ(juergen.title, "Leiter \"Einkauf\"");
  EXPECT_EQ(juergen.email_key, "j.mueller@mueller.example");
  EXPECT_EQ(juergen.phone_key, "+49301234567");
  EXPECT_EQ(juergen.consent.email, Consent::kDenied);
  EXPECT_EQ(juergen.employees, 51);
  EXPECT_EQ(juergen.attributes.at("employees_range"), "51-200");
  const Lead& li = f.leads[2];
  EXPECT_EQ(li.email, "");
  EXPECT_EQ(li.phone_key, "+442079460018");
  EXPECT_EQ(li.consent.phone, Consent::kDenied);
  EXPECT_FALSE(li.employees.has_value());
  EXPECT_EQ(li.attributes.count("state"), 0u);
}

TEST(ExportFiles, AHubspotContactExportImports) {
  ImportedFile f = import_fixture("hubspot_contacts.csv");
  EXPECT_EQ(f.spec_name, "auto (hubspot)");
  ASSERT_EQ(f.leads.size(), 2u);
  const Lead& maria = f.leads[0];
  EXPECT_EQ(maria.first_name, "Mar\xC3\xAD" "a");
  EXPECT_EQ(maria.country, "Spain");
  EXPECT_EQ(maria.phone_key, "+34912345678");
  EXPECT_EQ(maria.title, "CMO");
  EXPECT_EQ(maria.employees, 25);
  EXPECT_EQ(maria.attributes, (Attributes{{"hubspot_id", "5101"},
                                          {"hubspot_lifecycle_stage", "lead"},
                                          {"hubspot_owner", "Pat Rep"},
                                          {"state", "Madrid"}}));
  const Lead& tom = f.leads[1];
  EXPECT_EQ(tom.company, "O'Neil & Sons");
  EXPECT_EQ(tom.employees, 10000);
  EXPECT_EQ(tom.attributes.at("employees_range"), "10000+");
}

TEST(ExportFiles, AMauticContactExportImports) {
  ImportedFile f = import_fixture("mautic_contacts.csv");
  EXPECT_EQ(f.spec_name, "auto (mautic)");
  ASSERT_EQ(f.leads.size(), 2u);
  const Lead& sophie = f.leads[0];
  EXPECT_EQ(sophie.title, "Directrice");
  EXPECT_EQ(sophie.phone_key, "+33123456789");
  EXPECT_EQ(sophie.name_key, "exemple|sophie|martin");
  EXPECT_EQ(sophie.attributes, (Attributes{{"city", "Paris"},
                                           {"mautic_id", "1"},
                                           {"mautic_points", "25"},
                                           {"mobile", "06 12 34 56 78"}}));
  const Lead& lars = f.leads[1];
  EXPECT_EQ(lars.email, "");
  EXPECT_EQ(lars.phone_key, "+46812345678");
  EXPECT_EQ(lars.attributes.at("mautic_points"), "0");
}

}  // namespace
}  // namespace leadloop

namespace leadloop {
namespace {

std::vector<std::string> parse_csv_line_for_test(const std::string& line) {
  CsvReader reader(line, ',');
  CsvRecord record;
  Status error;
  EXPECT_TRUE(reader.next(record, error));
  EXPECT_TRUE(error.ok()) << error.to_string();
  return record.fields;
}

// OWASP CSV injection: a cell a spreadsheet would run as a formula leaves
// an export with a leading quote, and reads back as it was written.
TEST(CsvInjection, ExportsNeutraliseFormulasAndImportsTakeTheQuoteOff) {
  const std::vector<std::string> values = {"=HYPERLINK(\"http://x\")", "+49 30 1234567", "-2+3", "@SUM(A1)",
                                           "\tcmd",  "\rcmd",        "plain", "a=b", ""};
  std::string row;
  for (const std::string& v : values) {
    if (!row.empty()) row += ',';
    append_csv_cell(row, v);
  }
  EXPECT_EQ(row.find(",="), std::string::npos) << row;
  EXPECT_NE(row.find("'=HYPERLINK"), std::string::npos) << row;
  EXPECT_NE(row.find("'+49 30 1234567"), std::string::npos) << row;
  EXPECT_NE(row.find("'@SUM"), std::string::npos) << row;
  EXPECT_NE(row.find(",plain,a=b,"), std::string::npos) << row;
  for (const std::string& v : values) EXPECT_EQ(formula_like(v), !v.empty() && std::string("=+-@\t\r").find(v[0]) != std::string::npos) << v;

  auto m = resolve_mapping(*load_mapping("auto"), {"email", "first_name", "company", "title", "phone", "industry"});
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  std::string line;
  for (const std::string& v :
       std::vector<std::string>{"a@b.io", "=1+2", "@acme", "-cold", "+49 30 1234567", "'quoted by its owner"}) {
    if (!line.empty()) line += ',';
    append_csv_cell(line, v);
  }
  auto fields = parse_csv_line_for_test(line);
  auto lead = map_record(*m, fields);
  ASSERT_TRUE(lead.ok()) << lead.status().to_string();
  EXPECT_EQ(lead->first_name, "=1+2");
  EXPECT_EQ(lead->company, "@acme");
  EXPECT_EQ(lead->title, "-cold");
  EXPECT_EQ(lead->phone, "+49 30 1234567");
  EXPECT_EQ(lead->industry, "'quoted by its owner") << "a quote before no formula is the value's own";
}

}  // namespace
}  // namespace leadloop
