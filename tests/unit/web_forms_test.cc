// A public form post (access/web_forms.h) on a real SQLite file: the lead,
// the consent_changed events of its ticked boxes and the double opt-in
// message are one transaction, so a store failure at any of them leaves
// nothing at all; and a confirm link applies only while the lead still
// holds the address it was sent to.
#include "access/web_forms.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "domain/codec.h"
#include "domain/normalize.h"
#include "lifecycle_fixture.h"
#include "store/postgres/pg_db.h"

namespace leadloop {
namespace {

using testing::LifecycleServices;
using testing::TempDir;

class WebFormsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<LifecycleServices>(dir.file("forms.db"));
    forms = std::make_unique<WebForms>(*svc->store, svc->clock, *svc->intake, *svc->campaigns, *svc->definition,
                                       svc->router.get());
    ASSERT_TRUE(forms->open().ok());
    WebForm f;
    f.campaign = "web-1";
    f.title = "Webinar";
    f.fields = {"email", "first_name", "last_name", "company"};
    f.required = {"email"};
    f.consents = {{"email", "Yes, e-mail me about webinars", false}, {"phone", "You may call me", false}};
    f.double_opt_in = true;
    auto made = forms->create(f, "marketing:mia");
    ASSERT_TRUE(made.ok()) << made.status().to_string();
    form = *made;
  }

  FormSubmission person(const std::string& email) {
    FormSubmission in;
    in.values = {{"email", email}, {"first_name", "Ann"}, {"last_name", "Lee"}, {"company", "Acme"}};
    in.consents = {"email", "phone"};
    return in;
  }

  std::vector<OutboxMessage> outbox() {
    auto all = svc->store->list_outbox("", 0, 1000);
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<OutboxMessage>{};
  }

  int64_t lead_count() {
    auto n = svc->store->count_leads();
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  // Makes the database itself refuse inserts into `table` (those where
  // `when` holds, if given), as a full disk would: a trigger named `name`.
  void fail_writes(const std::string& name, const std::string& table, const std::string& when = "") {
    if (testing::on_postgres()) {
      database_exec("CREATE OR REPLACE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$; CREATE TRIGGER " + name +
                    " BEFORE INSERT ON " + table + " FOR EACH ROW" + (when.empty() ? "" : " WHEN (" + when + ")") +
                    " EXECUTE FUNCTION " + name + "()");
    } else {
      database_exec("CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + (when.empty() ? "" : " WHEN " + when) +
                    " BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    }
  }
  void allow_writes(const std::string& name, const std::string& table) {
    database_exec("DROP TRIGGER " + name + (testing::on_postgres() ? " ON " + table : ""));
  }
  // Runs SQL on the test's database beside the store's connections.
  void database_exec(const std::string& sql) {
    if (testing::on_postgres()) {
      auto db = pg::PgDb::open(testing::test_db(svc->path));
      ASSERT_TRUE(db.ok()) << db.status().to_string();
      Status st = (*db)->exec(sql);
      ASSERT_TRUE(st.ok()) << st.to_string();
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(svc->path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }

  std::string token_of(const OutboxMessage& m) {
    const std::string url = Json::parse(m.payload)["confirm_url"];
    return url.substr(std::string("/f/confirm/").size());
  }

  TempDir dir;
  std::unique_ptr<LifecycleServices> svc;
  std::unique_ptr<WebForms> forms;
  WebForm form;
};

TEST_F(WebFormsTest, TheLeadItsConsentEventsAndTheConfirmMessageAreOneCommit) {
  auto out = forms->submit(form, person("ann@example.com"));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_TRUE(out->errors.empty());
  EXPECT_EQ(out->status, CaptureStatus::kCreated);
  EXPECT_EQ(out->consents_granted, std::vector<std::string>{"phone"});
  EXPECT_TRUE(out->confirmation_sent);
  // One transaction: the captured event and the consent event follow one
  // another, and the message names the new lead's id.
  auto events = svc->events(out->lead_id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, event_type::kCaptured);
  EXPECT_EQ(events[1].type, event_type::kConsentChanged);
  EXPECT_EQ(events[1].id, events[0].id + 1);
  const Json consent = Json::parse(events[1].payload);
  EXPECT_EQ(consent["source"], "web form " + form.key);
  EXPECT_EQ(consent["note"], "You may call me");
  EXPECT_EQ(consent["channels"]["phone"]["to"], "granted");
  EXPECT_FALSE(consent["channels"].contains("email"));  // waits for the link
  auto messages = outbox();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].kind, "double_opt_in");
  EXPECT_EQ(messages[0].recipient, "ann@example.com");
  EXPECT_EQ(messages[0].lead_id, out->lead_id);
  const Lead lead = svc->get(out->lead_id);
  EXPECT_EQ(lead.consent.phone, Consent::kGranted);
  EXPECT_EQ(lead.consent.email, Consent::kUnknown);
  // The link it carries confirms that lead.
  auto done = forms->confirm(token_of(messages[0]));
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  EXPECT_TRUE(done->granted_now);
  EXPECT_EQ(done->lead.id, out->lead_id);
}

TEST_F(WebFormsTest, AStoreFailureAtTheMessageLeavesNoLeadAndNoEvent) {
  fail_writes("no_outbox", "outbox");
  auto out = forms->submit(form, person("bob@example.com"));
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("disk full"), std::string::npos) << out.status().to_string();
  EXPECT_EQ(lead_count(), 0);
  EXPECT_EQ(svc->intake->find_key(KeyKind::kEmail, "bob@example.com"), 0);
  EXPECT_TRUE(outbox().empty());
}

TEST_F(WebFormsTest, AStoreFailureAtAConsentEventLeavesNoLeadAndNoMessage) {
  fail_writes("no_consent", "lead_events", "NEW.type = 'consent_changed'");
  auto out = forms->submit(form, person("cy@example.com"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(lead_count(), 0);
  EXPECT_TRUE(outbox().empty());
  // A known person's lead keeps its state too: the merge is rolled back.
  allow_writes("no_consent", "lead_events");
  FormSubmission plain = person("cy@example.com");
  plain.consents.clear();
  auto first = forms->submit(form, plain);
  ASSERT_TRUE(first.ok() && first->errors.empty());
  const int64_t touches_before = svc->get(first->lead_id).touch_count;
  fail_writes("no_consent", "lead_events", "NEW.type = 'consent_changed'");
  svc->clock.advance(kMillisPerHour);
  ASSERT_FALSE(forms->submit(form, person("cy@example.com")).ok());
  EXPECT_EQ(svc->events(first->lead_id).size(), 1u);
  EXPECT_EQ(svc->get(first->lead_id).consent.phone, Consent::kUnknown);
  EXPECT_EQ(svc->get(first->lead_id).touch_count, touches_before);
  EXPECT_TRUE(outbox().empty());
}

TEST_F(WebFormsTest, AConfirmLinkNoLongerAppliesOnceTheLeadsAddressChanged) {
  auto out = forms->submit(form, person("dee@example.com"));
  ASSERT_TRUE(out.ok() && out->errors.empty());
  auto messages = outbox();
  ASSERT_EQ(messages.size(), 1u);
  // The address on the lead is changed (as an edit would).
  LeadChange c{svc->get(out->lead_id), {}, {}};
  c.lead.email = "dee@other.example";
  c.lead.email_key = email_key(c.lead.email);
  c.events.push_back({0, 0, std::string(event_type::kRecaptured), svc->clock.now(), "test", "{}"});
  Mutation m;
  m.leads.push_back(std::move(c));
  ASSERT_TRUE(svc->store->commit(m).ok());
  auto done = forms->confirm(token_of(messages[0]));
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), ErrorCode::kConflict);
  EXPECT_NE(done.status().message().find("e-mail address we hold for you has changed"), std::string::npos);
  EXPECT_EQ(svc->get(out->lead_id).consent.email, Consent::kUnknown);
  // A letter-case difference is the same address.
  LeadChange back{svc->get(out->lead_id), {}, {}};
  back.lead.email = "Dee@Example.com";
  back.lead.email_key = email_key(back.lead.email);
  back.events.push_back({0, 0, std::string(event_type::kRecaptured), svc->clock.now(), "test", "{}"});
  Mutation m2;
  m2.leads.push_back(std::move(back));
  ASSERT_TRUE(svc->store->commit(m2).ok());
  auto again = forms->confirm(token_of(messages[0]));
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_TRUE(again->granted_now);
}

}  // namespace
}  // namespace leadloop
