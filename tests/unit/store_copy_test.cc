// Copying a whole database (SqlStore::copy_to, `leadloop migrate --from
// --to`): on SQLite, the test database is copied into a second file; under
// LEADLOOP_TEST_PG, from PostgreSQL into an SQLite file and back into a
// fresh PostgreSQL schema, so both directions run.
#include <gtest/gtest.h>

#include "demo/demo_data.h"
#include "measure/report_compare.h"
#include "store/open_store.h"
#include "store/sql/sql_store.h"
#include "test_db.h"

namespace leadloop {
namespace {

using testing::open_test_store;
using testing::TempDir;

SqlStore& sql_of(Store& s) { return dynamic_cast<SqlStore&>(s); }

LeadChange captured(const std::string& email, TimePoint at) {
  LeadChange c;
  c.lead.email = email;
  c.lead.email_key = email;
  c.lead.source_campaign = "web";
  c.lead.created_at = c.lead.updated_at = at;
  c.lead.attributes["street"] = "1 Long Road";
  c.events.push_back({0, 0, "captured", at, "test", "{\"via\":\"test\"}"});
  c.events.push_back({0, 0, "graded", at + 1, "test", "{\"grade\":\"warm\"}"});
  Touch t;
  t.campaign = "web";
  t.at = at + 2;
  t.channel = Medium::kEmail;
  c.touches.push_back(t);
  return c;
}

// Copies `from` into `to` and checks the copy's own verification: the
// target read back holds the rows and digests the copy read.
std::vector<TableCopy> copy_checked(Store& from, Store& to) {
  auto copied = sql_of(from).copy_to(sql_of(to), nullptr);
  EXPECT_TRUE(copied.ok()) << copied.status().to_string();
  if (!copied.ok()) return {};
  auto again = sql_of(to).digest_tables(*copied);
  EXPECT_TRUE(again.ok()) << again.status().to_string();
  if (!again.ok()) return {};
  EXPECT_EQ(again->size(), copied->size());
  for (size_t i = 0; i < copied->size() && i < again->size(); ++i) {
    EXPECT_EQ((*again)[i].table, (*copied)[i].table);
    EXPECT_EQ((*again)[i].rows, (*copied)[i].rows) << (*copied)[i].table;
    EXPECT_EQ((*again)[i].digest, (*copied)[i].digest) << (*copied)[i].table;
  }
  return *copied;
}

int64_t rows_of(const std::vector<TableCopy>& copied, const std::string& table) {
  for (const TableCopy& c : copied) {
    if (c.table == table) return c.rows;
  }
  ADD_FAILURE() << "no table " << table;
  return -1;
}

TEST(StoreCopy, EveryTableTravelsWithItsIdsAndNewIdsFollowThem) {
  TempDir dir;
  auto src = std::move(open_test_store(dir.file("src.db"))).value();
  Campaign web;
  web.key = "web";
  web.name = "Web";
  ASSERT_TRUE(src->put_campaign(web).ok());
  Mutation m;
  for (int i = 0; i < 3; ++i)
    m.leads.push_back(captured("p" + std::to_string(i) + "@example.com", 1000 * (i + 1)));
  ASSERT_TRUE(src->commit(m).ok());
  Mutation later;
  later.leads.push_back(captured("late@example.com", 9000));
  ASSERT_TRUE(src->commit(later).ok());
  ImportRecord imp;
  imp.source = "a.csv";
  imp.campaign = "web";
  ASSERT_TRUE(src->put_import(imp).ok());
  ASSERT_TRUE(
      src->add_import_errors(imp.id, {{7, 2, "email", "invalid_value", "bad \"quoted\"\ttab\nline"},
                                      {3, 0, "", "invalid_csv", "back\\slash"}})
          .ok());
  ASSERT_TRUE(src->put_setting("copy.test", "value with ümlaut").ok());
  // A table of more than two batches (5,000 rows: a PostgreSQL cursor's
  // fetch and a COPY's).
  ImportRecord big;
  big.source = "big.csv";
  ASSERT_TRUE(src->put_import(big).ok());
  std::vector<ImportError> many;
  for (int i = 0; i < 12001; ++i) many.push_back({i + 2, 1, "email", "invalid_value", "row " + std::to_string(i)});
  ASSERT_TRUE(src->add_import_errors(big.id, many).ok());

  // Through an SQLite file, then into the test database's own kind.
  auto mid = std::move(open_store(dir.file("mid.db"))).value();
  const std::vector<TableCopy> first = copy_checked(*src, *mid);
  EXPECT_EQ(rows_of(first, "leads"), 4);
  EXPECT_EQ(rows_of(first, "lead_events"), 8);
  EXPECT_EQ(rows_of(first, "touches"), 4);
  EXPECT_EQ(rows_of(first, "import_errors"), 12003);
  auto dst = std::move(open_test_store(dir.file("dst.db"))).value();
  const std::vector<TableCopy> second = copy_checked(*mid, *dst);
  ASSERT_EQ(first.size(), second.size());
  for (const TableCopy& t : first) EXPECT_EQ(rows_of(second, t.table), t.rows) << t.table;

  // The same records under the same ids.
  for (int64_t id : {m.leads[0].lead.id, later.leads[0].lead.id}) {
    auto a = src->get_lead(id);
    auto b = dst->get_lead(id);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(b->email, a->email);
    EXPECT_EQ(b->attributes, a->attributes);
    auto ea = src->lead_events(id);
    auto eb = dst->lead_events(id);
    ASSERT_TRUE(ea.ok() && eb.ok());
    ASSERT_EQ(eb->size(), ea->size());
    for (size_t i = 0; i < ea->size(); ++i) {
      EXPECT_EQ((*eb)[i].id, (*ea)[i].id);
      EXPECT_EQ((*eb)[i].payload, (*ea)[i].payload);
    }
  }
  auto errors = dst->import_errors(imp.id, 0, 10);
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0].reason, "back\\slash");
  EXPECT_EQ((*errors)[1].reason, "bad \"quoted\"\ttab\nline");
  EXPECT_EQ(dst->get_setting("copy.test")->value_or(""), "value with ümlaut");
  auto tail = dst->import_errors(big.id, 12000, 10);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ(tail->back().reason, "row 12000");

  // New records follow the copied ids on the target.
  Mutation next;
  next.leads.push_back(captured("next@example.com", 20000));
  ASSERT_TRUE(dst->commit(next).ok());
  EXPECT_GT(next.leads[0].lead.id, later.leads[0].lead.id);
  auto events = dst->lead_events(next.leads[0].lead.id);
  ASSERT_TRUE(events.ok() && !events->empty());
  auto last_copied = dst->lead_events(later.leads[0].lead.id);
  EXPECT_GT(events->front().id, last_copied->back().id);
  ImportRecord imp2;
  imp2.source = "b.csv";
  ASSERT_TRUE(dst->put_import(imp2).ok());
  EXPECT_GT(imp2.id, imp.id);
  ASSERT_TRUE(dst->add_import_errors(imp2.id, {{2, 1, "email", "invalid_value", "x"}}).ok());
  EXPECT_EQ(dst->import_errors(imp2.id, 0, 10)->size(), 1u);
}

TEST(StoreCopy, ATargetThatHoldsRowsIsRefusedAndKeepsThem) {
  TempDir dir;
  auto src = std::move(open_test_store(dir.file("src.db"))).value();
  Mutation m;
  m.leads.push_back(captured("a@example.com", 1000));
  ASSERT_TRUE(src->commit(m).ok());
  auto dst = std::move(open_store(dir.file("dst.db"))).value();
  Campaign own;
  own.key = "own";
  own.name = "Own";
  ASSERT_TRUE(dst->put_campaign(own).ok());
  auto copied = sql_of(*src).copy_to(sql_of(*dst), nullptr);
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.status().code(), ErrorCode::kConflict);
  EXPECT_NE(copied.status().message().find("already holds 1 rows in campaigns"), std::string::npos)
      << copied.status().message();
  EXPECT_EQ(*dst->count_leads(), 0);
  ASSERT_EQ(dst->list_campaigns()->size(), 1u);
  EXPECT_EQ(dst->list_campaigns()->front().key, "own");
  EXPECT_EQ(sql_of(*src).copy_to(sql_of(*src), nullptr).status().code(), ErrorCode::kInvalidValue);
}

TEST(StoreCopy, EveryReportOfACopiedDemoAgreesAndOneMoreLeadShows) {
  TempDir dir;
  testing::TestServices svc(dir.file("demo.db"));
  DemoOptions opt;
  opt.seed = 11;
  opt.leads = 300;
  opt.start = *parse_date("2026-01-05");
  auto demo = generate_demo(
      {*svc.store, *svc.campaigns, *svc.intake, svc.definitions.get(), svc.lifecycle.get()},
      svc.clock, opt);
  ASSERT_TRUE(demo.ok()) << demo.status().to_string();
  auto copy = std::move(open_store(dir.file("copy.db"))).value();
  copy_checked(*svc.store, *copy);

  CampaignCatalog copied_campaigns(*copy, svc.clock);
  ASSERT_TRUE(copied_campaigns.load().ok());
  LeadProjection a(*svc.store), b(*copy);
  ASSERT_TRUE(a.load().ok());
  ASSERT_TRUE(b.load().ok());
  Reports ra(a, *svc.campaigns), rb(b, copied_campaigns);
  ReportComparison same = compare_reports(ra, rb, svc.clock.now());
  EXPECT_GT(same.asked, 60);
  EXPECT_TRUE(same.differ.empty()) << same.differ.front();

  Mutation m;
  m.leads.push_back(captured("one-more@example.com", svc.clock.now()));
  m.leads[0].lead.source_campaign = svc.campaigns->list().front().key;
  ASSERT_TRUE(copy->commit(m).ok());
  LeadProjection c(*copy);
  ASSERT_TRUE(c.load().ok());
  Reports rc(c, copied_campaigns);
  ReportComparison changed = compare_reports(ra, rc, svc.clock.now());
  EXPECT_EQ(changed.asked, same.asked);
  ASSERT_FALSE(changed.differ.empty());
  EXPECT_EQ(changed.differ.front(), "funnel");
}

}  // namespace
}  // namespace leadloop
