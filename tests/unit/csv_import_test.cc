// CSV import through the real intake and store: golden files in
// tests/data/import, every rejected row reported with line and column,
// re-import without duplicates, presets of other CRMs, encodings.
#include "io/csv_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_db.h"

namespace leadloop {
namespace {

using testing::TempDir;
using testing::TestServices;

class CsvImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<TestServices>(dir.file("import.db"));
    svc->add_campaign("list-1", Channel::kTelemarketing);
    svc->add_campaign("web-1", Channel::kWeb);
  }
  ImportReport run(const std::string& file, ImportOptions opt) {
    opt.source = file;
    auto r = svc->importer->run(testing::fixture("import/" + file), opt);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? std::move(r).value() : ImportReport{};
  }
  Lead lead_by_email(const std::string& email) {
    LeadFilter f;
    f.q = email;
    auto leads = svc->store->list_leads(f);
    EXPECT_TRUE(leads.ok() && leads->size() == 1) << email;
    return leads.ok() && !leads->empty() ? leads->front() : Lead{};
  }
  TempDir dir;
  std::unique_ptr<TestServices> svc;
};

struct ExpectedError {
  int64_t line;
  int column;
  const char* code;
  const char* field;
};

TEST_F(CsvImportTest, MixedFileReportsEveryRejectedRowWithLineAndColumn) {
  ImportOptions opt;
  opt.campaign = "list-1";
  ImportReport r = run("mixed.csv", opt);
  EXPECT_EQ(r.record.rows, 7);
  EXPECT_EQ(r.record.created, 3);
  EXPECT_EQ(r.record.merged, 1);
  EXPECT_EQ(r.record.rejected, 3);
  const ExpectedError expected[] = {
      {5, 1, "invalid_value", "email"},  // the quoted note spans lines 3-4
      {6, 1, "missing_field", "email"},
      {8, 7, "invalid_value", "employees"},
  };
  ASSERT_EQ(r.errors.size(), std::size(expected));
  for (size_t i = 0; i < r.errors.size(); ++i) {
    EXPECT_EQ(r.errors[i].line, expected[i].line) << i;
    EXPECT_EQ(r.errors[i].column, expected[i].column) << i;
    EXPECT_EQ(r.errors[i].code, expected[i].code) << i;
    EXPECT_EQ(r.errors[i].field, expected[i].field) << i;
  }
  // Stored with the import and readable afterwards.
  auto stored = svc->store->import_errors(r.record.id, 0, 100);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 3u);

  Lead bob = lead_by_email("bob@beta.example");
  EXPECT_EQ(bob.employees, std::optional<int64_t>(1200));
  EXPECT_EQ(bob.attributes.at("notes"), "a note\r\nover two lines");
  EXPECT_EQ(bob.source_campaign, "list-1");
  Lead ann = lead_by_email("ann@acme.example");
  EXPECT_EQ(ann.phone, "+1 (212) 555-0100");  // filled by the re-capture
  Lead fay = lead_by_email("fay@phi.example");
  EXPECT_EQ(fay.employees, std::optional<int64_t>(51));
  EXPECT_EQ(fay.attributes.at("employees_range"), "51-200");
}

TEST_F(CsvImportTest, ReimportingTheSameFileMakesNoDuplicates) {
  ImportOptions opt;
  opt.campaign = "list-1";
  ImportReport first = run("mixed.csv", opt);
  int64_t leads = *svc->store->count_leads();
  ImportReport second = run("mixed.csv", opt);
  EXPECT_EQ(second.record.created, 0);
  EXPECT_EQ(second.record.merged, first.record.created + first.record.merged);
  EXPECT_EQ(*svc->store->count_leads(), leads);
}

TEST_F(CsvImportTest, SmallBatchesStillDeduplicateAcrossBatches) {
  ImportOptions opt;
  opt.campaign = "list-1";
  opt.batch_size = 1;
  ImportReport r = run("mixed.csv", opt);
  EXPECT_EQ(r.record.created, 3);
  EXPECT_EQ(r.record.merged, 1);
  EXPECT_EQ(*svc->store->count_leads(), 3);
}

TEST_F(CsvImportTest, DryRunStoresNothing) {
  ImportOptions opt;
  opt.campaign = "list-1";
  opt.dry_run = true;
  ImportReport r = run("mixed.csv", opt);
  EXPECT_EQ(r.record.id, 0);
  EXPECT_EQ(r.record.created, 3);
  EXPECT_EQ(r.record.rejected, 3);
  EXPECT_EQ(*svc->store->count_leads(), 0);
}

TEST_F(CsvImportTest, SalesforceExportIsDetectedAndOptOutsHonoured) {
  ImportOptions opt;
  opt.campaign = "list-1";
  ImportReport r = run("salesforce_leads.csv", opt);
  EXPECT_EQ(r.mapping, "auto (salesforce)");
  EXPECT_EQ(r.record.created, 3);
  EXPECT_EQ(r.record.rejected, 0);
  Lead maria = lead_by_email("maria.garcia@orionhealth.example");
  EXPECT_EQ(maria.consent.phone, Consent::kDenied);  // Do Not Call = 1
  EXPECT_EQ(maria.consent.email, Consent::kUnknown);
  EXPECT_EQ(maria.attributes.at("salesforce_id"), "00Q5g000001AbC1");
  EXPECT_EQ(maria.attributes.at("state"), "NY");
  EXPECT_EQ(maria.phone_key, "+12125550134");
  Lead liam = lead_by_email("liam.smith@vertexcapital.example");
  EXPECT_EQ(liam.consent.email, Consent::kDenied);
  EXPECT_EQ(liam.employees, std::optional<int64_t>(1200));
}

TEST_F(CsvImportTest, HubspotAndMauticExportsMapTheirColumns) {
  ImportOptions opt;
  opt.campaign = "web-1";
  ImportReport h = run("hubspot_contacts.csv", opt);
  EXPECT_EQ(h.mapping, "auto (hubspot)");
  EXPECT_EQ(h.record.created, 2);
  Lead elena = lead_by_email("elena.rossi@redwood.example");
  EXPECT_EQ(elena.country, "Italy");
  EXPECT_EQ(elena.title, "Head of Operations");
  EXPECT_EQ(elena.attributes.at("hubspot_id"), "501");
  EXPECT_EQ(elena.phone_key, "+390612345678");

  opt.mapping = "mautic";
  ImportReport m = run("mautic_contacts.csv", opt);
  EXPECT_EQ(m.record.created, 2);
  Lead zoe = lead_by_email("zoe.bakker@lumen.example");
  EXPECT_EQ(zoe.title, "Analyst");
  EXPECT_EQ(zoe.attributes.at("mautic_points"), "10");
  EXPECT_EQ(zoe.attributes.at("mobile"), "+31 6 1234 5678");
}

TEST_F(CsvImportTest, Windows1252SemicolonFileIsDecoded) {
  ImportOptions opt;
  opt.campaign = "web-1";
  ImportReport r = run("windows1252_semicolon.csv", opt);
  EXPECT_EQ(r.encoding, "windows-1252");
  ASSERT_EQ(r.record.created, 1) << (r.errors.empty() ? "" : r.errors[0].reason);
  Lead l = svc->store->get_lead(1).value();
  EXPECT_EQ(l.first_name, "J\xC3\xBCrgen");
  EXPECT_EQ(l.last_name, "M\xC3\xBCller");
  EXPECT_EQ(l.company, "M\xC3\xBCller \xE2\x82\xAC Co");
}

TEST_F(CsvImportTest, FileLevelProblemsFailTheImportClearly) {
  struct Case {
    std::string csv;
    std::string campaign;
    ErrorCode code;
  };
  const Case cases[] = {
      {"", "list-1", ErrorCode::kInvalidCsv},
      {"first_name,company\nAnn,Acme\n", "list-1", ErrorCode::kMissingField},
      {"email\na@b.com\n", "", ErrorCode::kMissingField},
      {"email\na@b.com\n", "no-such", ErrorCode::kUnknownCampaign},
  };
  for (const Case& c : cases) {
    ImportOptions opt;
    opt.campaign = c.campaign;
    auto r = svc->importer->run(c.csv, opt);
    ASSERT_FALSE(r.ok()) << c.csv;
    EXPECT_EQ(r.status().code(), c.code) << c.csv << " " << r.status().to_string();
  }
  EXPECT_EQ(*svc->store->count_leads(), 0);
}

TEST_F(CsvImportTest, CampaignColumnOverridesTheDefault) {
  ImportOptions opt;  // no default campaign: the column must say
  auto r = svc->importer->run("email,campaign\na@b.com,web-1\nc@d.com,nope\ne@f.com,\n", opt);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->record.created, 1);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].code, "unknown_campaign");
  EXPECT_EQ(r->errors[0].column, 2);
  EXPECT_EQ(r->errors[1].code, "missing_field");
  EXPECT_EQ(r->errors[1].line, 4);
}

// The request's campaign wins over a file column that only a header alias
// took for the campaign: in a telemarketing history, "campaign" was the
// number of calls. The column is kept as an attribute.
TEST_F(CsvImportTest, TheRequestsCampaignWinsOverACampaignColumn) {
  ImportOptions opt;
  opt.campaign = "list-1";
  auto r = svc->importer->run("phone,campaign\n+49 30 1234567,3\n+49 30 7654321,1\n", opt);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->record.created, 2);
  EXPECT_TRUE(r->errors.empty());
  ASSERT_EQ(r->columns.size(), 2u);
  EXPECT_EQ(r->columns[1], (std::pair<std::string, std::string>{"campaign", "attributes.campaign"}));
  auto leads = svc->store->list_leads({});
  ASSERT_EQ(leads->size(), 2u);
  EXPECT_EQ((*leads)[0].source_campaign, "list-1");
  EXPECT_EQ((*leads)[0].attributes.at("campaign"), "3");
}

// A mapping that names the column as the campaign keeps it the campaign;
// the request's campaign fills the rows where it is empty.
TEST_F(CsvImportTest, AMappingThatNamesTheCampaignColumnKeepsIt) {
  ImportOptions opt;
  opt.campaign = "list-1";
  opt.mapping_text = "columns:\n  Kampagne: source_campaign\n  Telefon: phone\n";
  auto r = svc->importer->run("Telefon,Kampagne\n+49 30 1234567,web-1\n+49 30 7654321,\n", opt);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->mapping, "request");
  EXPECT_EQ(r->record.created, 2);
  auto leads = svc->store->list_leads({});
  ASSERT_EQ(leads->size(), 2u);
  EXPECT_EQ((*leads)[0].source_campaign, "web-1");
  EXPECT_EQ((*leads)[1].source_campaign, "list-1");
}

// A history without email or phone: each row has its own external id, and
// loading the file again finds every lead instead of making new ones.
TEST_F(CsvImportTest, RowsWithOnlyAnExternalIdAreImportedOnceAndNamedByCaller) {
  const std::string file =
      "external_id,age,job,caller,campaign,captured_at\n"
      "c-1,41,admin.,Maria,2,2012-05-05\n"
      "c-2,37,technician,Tom,1,\n"
      ",50,retired,Tom,1,2012-05-06\n";
  ImportOptions opt;
  opt.campaign = "list-1";
  auto first = svc->importer->run(file, opt);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->record.created, 2);
  ASSERT_EQ(first->errors.size(), 1u);
  EXPECT_EQ(first->errors[0].line, 4);
  EXPECT_EQ(first->errors[0].code, "missing_field");
  auto again = svc->importer->run(file, opt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->record.created, 0);
  EXPECT_EQ(again->record.merged, 2);
  EXPECT_EQ(*svc->store->count_leads(), 2);
  auto leads = svc->store->list_leads({});
  EXPECT_EQ((*leads)[0].external_id, "c-1");
  EXPECT_EQ((*leads)[0].caller, "Maria");
  EXPECT_EQ((*leads)[0].attributes.at("job"), "admin.");
  EXPECT_EQ(format_time((*leads)[0].created_at), "2012-05-05T00:00:00.000Z");
  EXPECT_EQ((*leads)[1].created_at, testing::kTestStart);  // no date: now
}

TEST_F(CsvImportTest, AMappingSentWithTheRequestIsCheckedLikeAFile) {
  const std::pair<const char*, const char*> cases[] = {
      {"columns: [email]", "expected a map with 'columns"},
      {"columns: {Mail: nowhere}", "column 'Mail': 'nowhere' is not a target"},
      {"columns: {Mail: email}\npreset: zoho", "unknown preset 'zoho'"},
      {"columns: {Mail: [email]}", "a target is one name"},
      {"columns: {Mail: email", "the mapping: line"},
  };
  ImportOptions opt;
  opt.campaign = "list-1";
  for (const auto& [text, message] : cases) {
    opt.mapping_text = text;
    auto r = svc->importer->run("Mail\na@b.com\n", opt);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue) << text;
    EXPECT_EQ(r.status().field(), "mapping");
    EXPECT_NE(r.status().message().find(message), std::string::npos) << r.status().message();
  }
  opt.mapping_text = "{\"columns\": {\"Mail\": \"email\"}}";  // JSON is YAML too
  auto ok = svc->importer->run("Mail\na@b.com\n", opt);
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->record.created, 1);
  EXPECT_EQ(*svc->store->count_leads(), 1);
}

}  // namespace
}  // namespace leadloop
