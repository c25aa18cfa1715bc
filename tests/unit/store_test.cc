// The store on a real database (SQLite, or PostgreSQL under
// LEADLOOP_TEST_PG: test_store.h): schema migrations, atomic commits of lead
// state plus events, filters and pagination, tokens and imports. The
// SqliteStore and PgStore suites test what only that backend has.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "test_db.h"

namespace leadloop {
namespace {

using testing::open_test_store;
using testing::TempDir;

LeadChange new_lead(const std::string& email, const std::string& campaign, TimePoint at) {
  LeadChange c;
  c.lead.email = email;
  c.lead.email_key = email;
  c.lead.source_campaign = campaign;
  c.lead.created_at = c.lead.updated_at = at;
  c.events.push_back({0, 0, "captured", at, "test", "{\"via\":\"test\"}"});
  return c;
}

TEST(Store, CreatesSchemaAndReopens) {
  TempDir dir;
  {
    auto s = open_test_store(dir.file("a.db"));
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    EXPECT_GE((*s)->schema_version(), 1);
  }
  auto again = open_test_store(dir.file("a.db"));
  ASSERT_TRUE(again.ok()) << again.status().to_string();
}

TEST(SqliteStore, RefusesDatabaseFromNewerVersion) {
  TempDir dir;
  { ASSERT_TRUE(SqliteStore::open(dir.file("new.db")).ok()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("new.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = SqliteStore::open(dir.file("new.db"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kSchemaTooNew);
  EXPECT_NE(s.status().message().find("newer Leadloop (schema version 999)"), std::string::npos)
      << s.status().message();
}

TEST(Store, CommitRoundTripsEveryLeadField) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("s.db"))).value();
  Mutation m;
  LeadChange c = new_lead("ann@x.com", "web", 1000);
  Lead& l = c.lead;
  l.phone = "+49 30 1234567";
  l.first_name = "Ann";
  l.last_name = "Müller";
  l.company = "Acme GmbH";
  l.title = "CTO";
  l.industry = "software";
  l.employees = 250;
  l.country = "DE";
  l.region = "EMEA";
  l.attributes = {{"budget", "confirmed"}, {"quote", "say \"hi\""}};
  l.consent.email = Consent::kGranted;
  l.consent.phone = Consent::kDenied;
  l.last_touch_at = 1500;
  l.phone_key = "+49301234567";
  l.name_key = "acme|ann|muller";
  l.external_id = "crm-0042";
  l.caller = "Maria K.";
  Touch t;
  t.campaign = "web";
  t.channel = Medium::kCall;
  t.caller = "Maria K.";
  t.data_points = {{"budget", "yes"}};
  t.at = 1500;
  c.touches.push_back(t);
  m.leads.push_back(c);
  ASSERT_TRUE(s->commit(m).ok());
  const Lead& stored = m.leads[0].lead;
  ASSERT_GT(stored.id, 0);
  EXPECT_EQ(m.leads[0].events[0].lead_id, stored.id);
  EXPECT_EQ(m.leads[0].touches[0].lead_id, stored.id);

  auto got = s->get_lead(stored.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->email, "ann@x.com");
  EXPECT_EQ(got->last_name, "Müller");
  EXPECT_EQ(got->employees, std::optional<int64_t>(250));
  EXPECT_EQ(got->attributes, l.attributes);
  EXPECT_EQ(got->consent.email, Consent::kGranted);
  EXPECT_EQ(got->consent.phone, Consent::kDenied);
  EXPECT_EQ(got->consent.mail, Consent::kUnknown);
  EXPECT_EQ(got->last_touch_at, std::optional<TimePoint>(1500));
  EXPECT_EQ(got->stage, Stage::kCaptured);
  EXPECT_EQ(got->phone_key, "+49301234567");
  EXPECT_EQ(got->external_id, "crm-0042");
  EXPECT_EQ(got->caller, "Maria K.");

  auto touches = s->lead_touches(stored.id);
  ASSERT_TRUE(touches.ok());
  ASSERT_EQ(touches->size(), 1u);
  EXPECT_EQ(touches->front().data_points.at("budget"), "yes");
  EXPECT_EQ(touches->front().channel, Medium::kCall);
  EXPECT_EQ(touches->front().caller, "Maria K.");

  // The external id is an identity key the dedup index is rebuilt from.
  std::vector<LeadKeys> keys;
  ASSERT_TRUE(s->scan_lead_keys([&](const LeadKeys& k) { keys.push_back(k); }).ok());
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].external_id, "crm-0042");
}

// A database written before external ids and callers (schema 7) gains
// them at open; its leads and touches read with neither.
TEST(SqliteStore, ASchema7DatabaseIsMigratedToExternalIdsAndCallers) {
  TempDir dir;
  int64_t id = 0;
  {
    auto s = std::move(SqliteStore::open(dir.file("old.db"))).value();
    Mutation m;
    LeadChange c = new_lead("old@x.com", "web", 1000);
    Touch t;
    t.campaign = "web";
    t.at = 1000;
    c.touches.push_back(t);
    m.leads.push_back(c);
    ASSERT_TRUE(s->commit(m).ok());
    id = m.leads[0].lead.id;
  }
  // Back to the schema of version 7, as an older Leadloop left it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("old.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP INDEX leads_by_external_id; ALTER TABLE leads DROP COLUMN external_id; "
                         "ALTER TABLE leads DROP COLUMN caller; ALTER TABLE touches DROP COLUMN caller; "
                         "DROP TABLE webhook_endpoints; DROP TABLE deliveries; DROP TABLE delivery_attempts; "
                         "DROP TABLE web_forms; "
                         // and of version 11 (e-mail)
                         "ALTER TABLE users DROP COLUMN email; DROP TABLE mail_events; "
                         // and of version 12 (nurture programmes)
                         "DROP TABLE programmes; DROP TABLE enrolments; DROP TABLE nurture_links; "
                         "DROP TABLE nurture_sends; "
                         "PRAGMA user_version=7",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto s = SqliteStore::open(dir.file("old.db"));
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ((*s)->schema_version(), sqlite::latest_schema_version());
  auto old = (*s)->get_lead(id);
  ASSERT_TRUE(old.ok()) << old.status().to_string();
  EXPECT_EQ(old->email, "old@x.com");
  EXPECT_EQ(old->external_id, "");
  old->external_id = "legacy-7";
  old->caller = "Tom";
  Mutation m;
  m.leads.push_back({*old, {{0, 0, "touched", 2000, "test", "{}"}}, {}});
  ASSERT_TRUE((*s)->commit(m).ok());
  EXPECT_EQ((*s)->get_lead(id)->external_id, "legacy-7");
  EXPECT_EQ((*s)->get_lead(id)->caller, "Tom");
  auto touches = (*s)->lead_touches(id);
  ASSERT_TRUE(touches.ok());
  ASSERT_EQ(touches->size(), 1u);
  EXPECT_EQ(touches->front().caller, "");
}

TEST(Store, FailedCommitStoresNothingAndHandsOutNoIds) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("s.db"))).value();
  Mutation m;
  m.leads.push_back(new_lead("a@x.com", "web", 1));
  LeadChange broken = new_lead("b@x.com", "web", 1);
  broken.events.clear();  // every change must carry an event
  m.leads.push_back(broken);
  Status st = s->commit(m);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(m.leads[0].lead.id, 0);
  EXPECT_EQ(*s->count_leads(), 0);
}

// The delivery engine's group commit (record_delivery_attempts): one
// transaction for the batch; a delivery that is not there is reported on its
// own and leaves no attempt row, the others are recorded.
TEST(Store, AttemptsRecordedTogetherAndAMissingDeliveryLeavesNoTrace) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("s.db"))).value();
  auto cursor = s->delivery_cursor();
  ASSERT_TRUE(cursor.ok()) << cursor.status().to_string();
  std::vector<Delivery> made(2);
  for (size_t i = 0; i < made.size(); ++i) {
    made[i].webhook_id = "msg_" + std::to_string(i);
    made[i].message_key = "outbox:" + std::to_string(i + 1);
    made[i].destination = "email:a" + std::to_string(i) + "@x.com";
    made[i].channel = "email";
    made[i].event_type = "reassigned";
    made[i].payload = "{}";
    made[i].next_attempt_at = 1;
    made[i].created_at = 1;
  }
  ASSERT_TRUE(s->add_deliveries(*cursor, *cursor, made).ok());
  const int64_t missing = made[1].id + 1000;
  std::vector<std::pair<int64_t, DeliveryOutcomeRecord>> batch;
  for (int64_t id : {made[0].id, missing, made[1].id}) {
    DeliveryOutcomeRecord r;
    r.state = "delivered";
    r.attempt = {id, 5, 250, "", 2};
    batch.emplace_back(id, r);
  }
  auto written = s->record_delivery_attempts(batch);
  ASSERT_TRUE(written.ok()) << written.status().to_string();
  ASSERT_EQ(written->size(), 3u);
  EXPECT_TRUE((*written)[0].ok());
  EXPECT_EQ((*written)[1].code(), ErrorCode::kNotFound);
  EXPECT_TRUE((*written)[2].ok());
  for (const Delivery& d : made) {
    EXPECT_EQ(s->get_delivery(d.id)->state, "delivered");
    EXPECT_EQ(s->delivery_attempts(d.id)->size(), 1u);
  }
  EXPECT_TRUE(s->delivery_attempts(missing)->empty());
}

TEST(Store, EventsAreKeptInOrderPerLead) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("s.db"))).value();
  Mutation m;
  m.leads.push_back(new_lead("a@x.com", "web", 1));
  ASSERT_TRUE(s->commit(m).ok());
  Lead l = m.leads[0].lead;
  for (int i = 0; i < 3; ++i) {
    Mutation u;
    l.updated_at = 10 + i;
    u.leads.push_back({l, {{0, 0, "touched", 10 + i, "rep", "{}"}}, {}});
    ASSERT_TRUE(s->commit(u).ok());
  }
  auto events = s->lead_events(l.id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[0].type, "captured");
  for (size_t i = 1; i < events->size(); ++i) EXPECT_GT((*events)[i].id, (*events)[i - 1].id);
  EXPECT_EQ(*s->count_leads(), 1);
}

TEST(Store, FiltersAndCursorPagination) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("s.db"))).value();
  Mutation m;
  for (int i = 0; i < 10; ++i) {
    LeadChange c = new_lead("p" + std::to_string(i) + "@x.com", i % 2 ? "odd" : "even", 1000 + i);
    c.lead.region = i < 5 ? "NA" : "EMEA";
    c.lead.company = i == 7 ? "100% Pure_Co" : "Plain";
    m.leads.push_back(c);
  }
  ASSERT_TRUE(s->commit(m).ok());

  LeadFilter f;
  f.campaign = "odd";
  EXPECT_EQ(s->list_leads(f)->size(), 5u);
  f.region = "EMEA";
  EXPECT_EQ(s->list_leads(f)->size(), 3u);  // 5, 7, 9

  LeadFilter range;
  range.created_from = 1002;
  range.created_to = 1005;
  EXPECT_EQ(s->list_leads(range)->size(), 3u);

  LeadFilter text;
  text.q = "100% Pure";  // % is a literal, not a wildcard
  auto found = s->list_leads(text);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().email, "p7@x.com");
  text.q = "0%";
  EXPECT_EQ(s->list_leads(text)->size(), 1u);

  LeadFilter page;
  page.limit = 4;
  std::vector<int64_t> seen;
  while (true) {
    auto leads = s->list_leads(page);
    ASSERT_TRUE(leads.ok());
    for (const Lead& l : *leads) seen.push_back(l.id);
    if (static_cast<int>(leads->size()) < page.limit) break;
    page.after_id = leads->back().id;
  }
  ASSERT_EQ(seen.size(), 10u);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1], seen[i]);
}

TEST(Store, CampaignKeysAreUnique) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("s.db"))).value();
  Campaign c;
  c.key = "web";
  c.name = "Web";
  ASSERT_TRUE(s->put_campaign(c).ok());
  Campaign dup = c;
  Status st = s->put_campaign(dup);
  EXPECT_EQ(st.code(), ErrorCode::kConflict);
  EXPECT_EQ(s->list_campaigns()->size(), 1u);
}

TEST(Store, ImportsAndTheirErrors) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("s.db"))).value();
  ImportRecord r;
  r.source = "a.csv";
  r.campaign = "web";
  ASSERT_TRUE(s->put_import(r).ok());
  r.rows = 3;
  r.rejected = 2;
  ASSERT_TRUE(s->put_import(r).ok());
  ASSERT_TRUE(s->add_import_errors(r.id, {{2, 1, "email", "invalid_value", "bad"},
                                          {5, 0, "", "invalid_csv", "unclosed"}})
                  .ok());
  EXPECT_EQ(s->get_import(r.id)->rejected, 2);
  auto errors = s->import_errors(r.id, 0, 10);
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[1].line, 5);
  EXPECT_EQ(s->import_errors(r.id, 2, 10)->size(), 1u);
  EXPECT_EQ(s->get_import(999).status().code(), ErrorCode::kNotFound);
}

TEST(Store, KeepsMailSettingsNoticesAndUserEmails) {
  TempDir dir;
  auto s = open_test_store(dir.file("mail.db"));
  ASSERT_TRUE(s.ok());
  Store& store = **s;
  ASSERT_TRUE(store.put_setting("mail_settings", "{\"a\":1}").ok());
  ASSERT_TRUE(store.put_setting("mail_settings", "{\"a\":2}").ok());  // replaces
  EXPECT_EQ(store.get_setting("mail_settings").value(), std::optional<std::string>("{\"a\":2}"));
  MailEvent soft{0, 1000, "ann@example.com", "bounce", false, "452 full", "token:1", "[]"};
  MailEvent hard{0, 2000, "ann@example.com", "bounce", true, "550 unknown", "token:1", "[7]"};
  MailEvent other{0, 3000, "bob@example.com", "complaint", true, "", "token:1", "[]"};
  for (MailEvent* e : {&soft, &hard, &other}) ASSERT_TRUE(store.add_mail_event(*e).ok());
  auto ann = store.list_mail_events("ann@example.com", 10);
  ASSERT_TRUE(ann.ok());
  ASSERT_EQ(ann->size(), 2u);
  EXPECT_EQ((*ann)[0].id, hard.id);  // newest first
  EXPECT_TRUE((*ann)[0].permanent);
  EXPECT_EQ((*ann)[0].leads, "[7]");
  EXPECT_EQ((*ann)[1].detail, "452 full");
  EXPECT_EQ(store.list_mail_events("", 0).value().size(), 3u);
  User u;
  u.login = "ann";
  u.email = "ann@corp.example";
  ASSERT_TRUE(store.put_user(u).ok());
  EXPECT_EQ(store.find_user("ann").value().email, "ann@corp.example");
  u.email = "ann@new.example";
  ASSERT_TRUE(store.put_user(u).ok());
  EXPECT_EQ(store.get_user(u.id).value().email, "ann@new.example");
}

}  // namespace
}  // namespace leadloop

namespace leadloop {
namespace {

// Web forms: stored with their settings, found by id and by key; a key is
// unique and an update keeps the row.
TEST(Store, WebFormsRoundTripAndKeysAreUnique) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("forms.db"))).value();
  WebForm f;
  f.key = "k1";
  f.campaign = "web";
  f.title = "Sign up";
  f.fields = {"email", "attributes.budget"};
  f.required = {"email"};
  f.origins = {"https://www.example.com"};
  f.consents = {{"email", "Yes, e-mail me", true}};
  f.double_opt_in = true;
  f.min_fill_seconds = 7;
  f.created_by = "token:1";
  f.created_at = f.updated_at = 1000;
  ASSERT_TRUE(s->put_web_form(f).ok());
  ASSERT_GT(f.id, 0);
  auto by_id = s->get_web_form(f.id);
  auto by_key = s->find_web_form("k1");
  ASSERT_TRUE(by_id.ok() && by_key.ok());
  EXPECT_EQ(web_form_json(*by_id), web_form_json(f));
  EXPECT_EQ(web_form_json(*by_key), web_form_json(f));
  WebForm twin = f;
  twin.id = 0;
  EXPECT_EQ(s->put_web_form(twin).code(), ErrorCode::kConflict);
  f.enabled = false;
  f.title = "Closed";
  ASSERT_TRUE(s->put_web_form(f).ok());
  auto list = s->list_web_forms();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE(list->front().enabled);
  EXPECT_EQ(list->front().title, "Closed");
  EXPECT_EQ(s->find_web_form("nope").status().code(), ErrorCode::kNotFound);
}

// A large change (a CSV batch) goes in by COPY on PostgreSQL: the ids come
// out in commit order and every row reads back as written.
TEST(Store, ALargeChangeKeepsItsOrderAndEveryField) {
  TempDir dir;
  auto s = std::move(open_test_store(dir.file("bulk.db"))).value();
  Mutation first;
  first.leads.push_back(new_lead("old@x.com", "web", 1));
  ASSERT_TRUE(s->commit(first).ok());
  Mutation m;
  m.leads.push_back(first.leads[0]);  // an update among the new leads
  m.leads.back().lead.company = "Renamed \\ Co";
  m.leads.back().events = {{0, 0, "updated", 5, "test", "{}"}};
  for (int i = 0; i < 40; ++i) {
    LeadChange c = new_lead("p" + std::to_string(i) + "@x.com", "web", 10 + i);
    c.lead.company = i % 2 ? "Tab\tand\nnewline" : "";
    c.lead.employees = i % 3 ? std::optional<int64_t>(i) : std::nullopt;
    c.lead.attributes["k"] = "v" + std::to_string(i);
    c.events.push_back({0, 0, "graded", 11 + i, "test", "{\"n\":" + std::to_string(i) + "}"});
    Touch t;
    t.campaign = "web";
    t.at = 12 + i;
    t.notes = "call " + std::to_string(i);
    c.touches.push_back(t);
    m.leads.push_back(std::move(c));
  }
  Touch loose;
  loose.campaign = "web";
  loose.at = 99;
  m.touches.push_back(loose);
  ASSERT_TRUE(s->commit(m).ok());
  EXPECT_EQ(m.leads[0].lead.id, first.leads[0].lead.id);
  int64_t last_lead = m.leads[0].lead.id, last_event = first.leads[0].events[0].id, last_touch = 0;
  for (size_t i = 1; i < m.leads.size(); ++i) {
    const LeadChange& c = m.leads[i];
    EXPECT_GT(c.lead.id, last_lead);
    last_lead = c.lead.id;
    for (const LeadEvent& e : c.events) {
      EXPECT_GT(e.id, last_event);
      EXPECT_EQ(e.lead_id, c.lead.id);
      last_event = e.id;
    }
    EXPECT_GT(c.touches[0].id, last_touch);
    last_touch = c.touches[0].id;
    auto read = s->get_lead(c.lead.id);
    ASSERT_TRUE(read.ok()) << read.status().to_string();
    EXPECT_EQ(read->email, c.lead.email);
    EXPECT_EQ(read->company, c.lead.company);
    EXPECT_EQ(read->employees, c.lead.employees);
    EXPECT_EQ(read->attributes, c.lead.attributes);
    auto events = s->lead_events(c.lead.id);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 2u);
    EXPECT_EQ((*events)[1].payload, c.events[1].payload);
    auto touches = s->lead_touches(c.lead.id);
    ASSERT_TRUE(touches.ok());
    ASSERT_EQ(touches->size(), 1u);
    EXPECT_EQ(touches->front().id, c.touches[0].id);
    EXPECT_EQ(touches->front().notes, c.touches[0].notes);
  }
  EXPECT_GT(m.touches[0].id, last_touch);
  EXPECT_EQ(s->get_lead(first.leads[0].lead.id)->company, "Renamed \\ Co");
  EXPECT_EQ(*s->count_leads(), 41);
  // Ids go on from where the batch left them.
  Mutation after;
  after.leads.push_back(new_lead("next@x.com", "web", 200));
  ASSERT_TRUE(s->commit(after).ok());
  EXPECT_GT(after.leads[0].lead.id, last_lead);
  EXPECT_GT(after.leads[0].events[0].id, last_event);
}

TEST(PgStore, CopyRowsEscapeWhatTheTextFormatReserves) {
  sql::CopyRow row;
  row.bind(1, int64_t{42});
  row.bind_null(2);
  row.bind(3, std::string_view("a\tb\nc\rd\\e"));
  row.bind(4, std::string_view(""));
  std::string out;
  pg::append_copy_row(out, row);
  EXPECT_EQ(out, "42\t\\N\ta\\tb\\nc\\rd\\\\e\t\n");
}

TEST(PgStore, ParametersAreNumberedAsSQLiteNumbersThem) {
  int n = 0;
  EXPECT_EQ(pg::pg_parameters("SELECT ? , ?, ?", n), "SELECT $1 , $2, $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(pg::pg_parameters("WHERE a = ?2 OR b = ?1 OR c = ?", n), "WHERE a = $2 OR b = $1 OR c = $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(pg::pg_parameters("WHERE a = '?' AND \"b?\" = ?", n), "WHERE a = '?' AND \"b?\" = $1");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(pg::pg_parameters("SELECT 1", n), "SELECT 1");
  EXPECT_EQ(n, 0);
}

TEST(PgStore, UrlsInMessagesHideThePassword) {
  EXPECT_EQ(pg::redact_url("postgresql://ann:secret@db:5432/leads"), "postgresql://ann:***@db:5432/leads");
  EXPECT_EQ(pg::redact_url("postgresql://ann@db/leads"), "postgresql://ann@db/leads");
  EXPECT_EQ(pg::redact_url("postgresql://db/leads"), "postgresql://db/leads");
}

TEST(PgStore, SchemaVersionsAgreeWithSqlite) {
  EXPECT_EQ(pg::latest_schema_version(), sqlite::latest_schema_version());
}

TEST(PgStore, RefusesDatabaseFromNewerVersion) {
  if (!testing::on_postgres()) GTEST_SKIP() << "needs LEADLOOP_TEST_PG";
  TempDir dir;
  const std::string url = testing::test_db(dir.file("new.db"));
  { ASSERT_TRUE(PgStore::open(url).ok()); }
  {
    auto db = pg::PgDb::open(url);
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    ASSERT_TRUE((*db)->exec("UPDATE leadloop_schema SET version = 999").ok());
  }
  auto s = PgStore::open(url);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kSchemaTooNew);
  EXPECT_NE(s.status().message().find("newer Leadloop (schema version 999)"), std::string::npos)
      << s.status().message();
}

TEST(PgStore, AuditLogRefusesChanges) {
  if (!testing::on_postgres()) GTEST_SKIP() << "needs LEADLOOP_TEST_PG";
  TempDir dir;
  const std::string url = testing::test_db(dir.file("audit.db"));
  auto s = PgStore::open(url);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  AuditEntry e;
  e.at = 5;
  e.actor = "ann";
  e.action = "POST /api/v1/leads";
  ASSERT_TRUE((*s)->append_audit(e).ok());
  EXPECT_GT(e.id, 0);
  auto db = pg::PgDb::open(url);
  ASSERT_TRUE(db.ok());
  for (const char* sql : {"UPDATE audit_log SET actor = 'eve'", "DELETE FROM audit_log"}) {
    Status st = (*db)->exec(sql);
    ASSERT_FALSE(st.ok()) << sql;
    EXPECT_NE(st.message().find("append-only"), std::string::npos) << st.message();
  }
  auto list = (*s)->list_audit({});
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().actor, "ann");
}

}  // namespace
}  // namespace leadloop
