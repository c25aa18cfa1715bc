// The reports over the in-memory projection against their SQL twins on the
// same SQLite file: generated programmes of several seeds and sizes, the
// projection loaded from the file and kept current commit by commit, with
// filters, groups, an empty period, a segment matching nothing and an
// erased lead.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "demo/demo_data.h"
#include "engine/privacy.h"
#include "measure/reports.h"
#include "store/sqlite/sqlite_db.h"
#include "test_db.h"

namespace leadloop {
namespace {

using testing::TempDir;
using testing::TestServices;

// step -> reached, by group, as the projection says.
using FunnelCounts = std::map<std::string, std::vector<int64_t>>;
// "stage|reason" -> count
using LeakCounts = std::map<std::string, int64_t>;

FunnelCounts funnel_counts(const Reports& r, const ReportFilter& f, GroupBy by = GroupBy::kNone) {
  FunnelCounts out;
  for (const Funnel& fu : r.funnel(f, by)) {
    std::vector<int64_t> v;
    for (const auto& s : fu.steps) v.push_back(s.reached);
    out[fu.group] = v;
  }
  return out;
}

LeakCounts leak_counts(const Reports& r, const ReportFilter& f) {
  LeakCounts out;
  for (const Leak& l : r.leaks(f).rows) out[std::string(stage_name(l.from)) + "|" + l.reason] = l.count;
  return out;
}

// The SQL twin: the same questions asked of the SQLite file.
class SqlTwin {
 public:
  explicit SqlTwin(const std::string& path) : db_(sqlite::SqliteDb::open(path, true).value()) {}

  // `where` filters leads l (and campaigns c); `group` is an SQL expression
  // over them or "''".
  FunnelCounts funnel(const std::string& where, const std::string& group = "''") {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id, " + group + " AS g, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE " + where + " GROUP BY l.id) "
        "SELECT g, steps.k, (SELECT count(*) FROM reach r2 WHERE r2.g = groups.g AND r2.k >= steps.k) "
        "FROM (SELECT DISTINCT g FROM reach) groups, steps ORDER BY g, steps.k";
    FunnelCounts out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)].push_back(s.int64(2)); }).ok());
    return out;
  }

  // campaign -> leads, qualified, hot, warm, cold, accepted, opportunities,
  // won, revenue cents
  std::map<std::string, std::vector<int64_t>> campaigns(const std::string& where) {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id, l.source_campaign AS camp, l.grade AS grade, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE " + where + " GROUP BY l.id), "
        "rev AS (SELECT lead_id, json_extract(payload, '$.revenue_cents') AS cents, MAX(id) FROM lead_events "
        "WHERE type = 'stage_changed' AND json_extract(payload, '$.to') = 'won' GROUP BY lead_id) "
        "SELECT camp, count(*), SUM(k >= 1), SUM(grade = 'hot'), SUM(grade = 'warm'), SUM(grade = 'cold'), "
        "SUM(k >= 3), SUM(k >= 5), SUM(k >= 6), SUM(CASE WHEN k >= 6 THEN COALESCE(rev.cents, 0) ELSE 0 END) "
        "FROM reach LEFT JOIN rev ON rev.lead_id = reach.id GROUP BY camp";
    std::map<std::string, std::vector<int64_t>> out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) {
                  for (int i = 1; i <= 9; ++i) out[s.text(0)].push_back(s.int64(i));
                }).ok());
    return out;
  }

  LeakCounts leaks(const std::string& where) {
    const std::string sql =
        "SELECT json_extract(e.payload, '$.from') || '|' || json_extract(e.payload, '$.exit'), count(*) "
        "FROM lead_events e JOIN leads l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "WHERE e.type = 'stage_changed' AND json_extract(e.payload, '$.exit') IS NOT NULL AND " + where +
        " GROUP BY 1";
    LeakCounts out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)] = s.int64(1); }).ok());
    return out;
  }

 private:
  std::unique_ptr<sqlite::SqliteDb> db_;
};

struct Case {
  const char* name;
  ReportFilter filter;
  std::string where;
};

std::vector<Case> cases(const std::string& region, const std::string& campaign) {
  std::vector<Case> out;
  out.push_back({"everything", {}, "1"});
  ReportFilter spring;
  spring.from = *parse_time("2026-03-01");
  spring.to = *parse_time("2026-06-01");
  out.push_back({"a capture period", spring,
                 "l.created_at >= " + std::to_string(*spring.from) + " AND l.created_at < " + std::to_string(*spring.to)});
  ReportFilter hot_region;
  hot_region.regions = {region};
  hot_region.grade = Grade::kHot;
  out.push_back({"region and grade", hot_region, "l.region = '" + region + "' AND l.grade = 'hot'"});
  ReportFilter one;
  one.campaigns = {campaign};
  one.channels = {"telemarketing", "web", "event", "email", "webinar", "social", "paid_search", "partner", "content"};
  out.push_back({"a campaign", one, "l.source_campaign = '" + campaign + "'"});
  ReportFilter empty;
  empty.from = *parse_time("2030-01-01");
  out.push_back({"an empty period", empty, "l.created_at >= " + std::to_string(*empty.from)});
  ReportFilter nobody;
  nobody.owners = {"nobody-at-all"};
  out.push_back({"a segment matching nothing", nobody, "l.owner = 'nobody-at-all'"});
  return out;
}

void expect_twins_agree(const Reports& reports, const std::string& path, const std::string& when) {
  SqlTwin twin(path);
  TestServices probe(path);
  auto leads = probe.store->list_leads([] {
    LeadFilter f;
    f.limit = 1;
    return f;
  }());
  ASSERT_TRUE(leads.ok() && !leads->empty());
  for (const Case& c : cases(leads->front().region, leads->front().source_campaign)) {
    FunnelCounts mine = funnel_counts(reports, c.filter);
    FunnelCounts sql = twin.funnel(c.where);
    if (sql.empty()) sql[""] = std::vector<int64_t>(kFunnelStepCount, 0);
    EXPECT_EQ(mine, sql) << when << ": funnel, " << c.name;
    EXPECT_EQ(leak_counts(reports, c.filter), twin.leaks(c.where)) << when << ": leaks, " << c.name;
    std::map<std::string, std::vector<int64_t>> mine_campaigns;
    for (const CampaignResult& r : reports.campaigns(c.filter)) {
      if (r.leads == 0) continue;
      mine_campaigns[r.campaign] = {r.leads, r.qualified, r.hot, r.warm, r.cold, r.accepted, r.opportunities, r.won,
                                    r.revenue_cents};
    }
    EXPECT_EQ(mine_campaigns, twin.campaigns(c.where)) << when << ": campaigns, " << c.name;
  }
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kChannel), twin.funnel("1", "COALESCE(c.channel, '')"))
      << when << ": funnel by channel";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kRegion), twin.funnel("1", "l.region")) << when << ": by region";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kCaptureWeek),
            twin.funnel("1", "date((l.created_at / 86400000 - ((l.created_at / 86400000) % 7 + 3) % 7) * 86400, "
                             "'unixepoch')"))
      << when << ": by capture week";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kCampaign), twin.funnel("1", "l.source_campaign")) << when;
}

class MeasureTwins : public ::testing::TestWithParam<std::pair<uint64_t, int>> {};

TEST_P(MeasureTwins, ProjectionReportsEqualTheirSqlTwinsLoadedAndLive) {
  const auto [seed, size] = GetParam();
  TempDir dir;
  const std::string path = dir.file("m.db");
  {
    TestServices svc(path);
    // Live: the projection follows every commit of the generation.
    LeadProjection live(*svc.store);
    ASSERT_TRUE(live.load().ok());
    DemoOptions opt;
    opt.seed = seed;
    opt.leads = size;
    opt.start = *parse_date("2026-01-05");
    auto s = generate_demo({*svc.store, *svc.campaigns, *svc.intake, svc.definitions.get(), svc.lifecycle.get()},
                           svc.clock, opt);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    // Close some deals with revenue (the demo's cycles are long).
    LeadFilter open;
    open.stages = {Stage::kAccepted, Stage::kWorking, Stage::kOpportunity};
    open.limit = 6;
    auto deals = svc.store->list_leads(open);
    ASSERT_TRUE(deals.ok());
    ASSERT_FALSE(deals->empty()) << "the demo has leads being worked";
    int64_t cents = 100000;
    for (const Lead& d : *deals) {
      if (d.stage == Stage::kAccepted) {
        TransitionInput work;
        work.to = Stage::kWorking;
        ASSERT_TRUE(svc.lifecycle->transition(d.id, work, "test").ok());
      }
      if (d.stage != Stage::kOpportunity) {
        TransitionInput opp;
        opp.to = Stage::kOpportunity;
        opp.amount_cents = cents * 2;
        opp.expected_close = svc.clock.now() + 30 * kMillisPerDay;
        auto moved = svc.lifecycle->transition(d.id, opp, "test");
        ASSERT_TRUE(moved.ok()) << moved.status().to_string();
      }
      TransitionInput won;
      won.to = Stage::kWon;
      won.revenue_cents = cents += 12345;
      auto closed = svc.lifecycle->transition(d.id, won, "test");
      ASSERT_TRUE(closed.ok()) << closed.status().to_string();
    }
    Reports reports(live, *svc.campaigns);
    EXPECT_GT(reports.leaks({}).exits, 0) << "the demo has exits";
    int64_t revenue = 0;
    for (const CampaignResult& r : reports.campaigns({})) revenue += r.revenue_cents;
    EXPECT_GT(revenue, 0);
    expect_twins_agree(reports, path, "live");

    // An erased lead keeps its place in the counts.
    auto some = svc.store->list_leads(LeadFilter{});
    ASSERT_TRUE(some.ok());
    auto person = std::find_if(some->begin(), some->end(), [](const Lead& l) { return !l.email.empty(); });
    ASSERT_NE(person, some->end());
    Privacy privacy(*svc.store, svc.clock, *svc.intake);
    auto erased = privacy.erase(person->email, "test", "request");
    ASSERT_TRUE(erased.ok()) << erased.status().to_string();
    expect_twins_agree(reports, path, "live after an erasure");
  }
  // Loaded: a fresh projection of the same file says the same.
  TestServices svc(path);
  LeadProjection loaded(*svc.store);
  ASSERT_TRUE(loaded.load().ok());
  Reports reports(loaded, *svc.campaigns);
  expect_twins_agree(reports, path, "loaded");
}

INSTANTIATE_TEST_SUITE_P(SeedsAndSizes, MeasureTwins,
                         ::testing::Values(std::pair<uint64_t, int>{3, 300}, std::pair<uint64_t, int>{11, 900}));

TEST(Measure, AFunnelStepCountsLeadsThatWentFurther) {
  EXPECT_EQ(funnel_step(Stage::kCaptured), 0);
  EXPECT_EQ(funnel_step(Stage::kWon), 6);
  EXPECT_EQ(funnel_step(Stage::kRejected), -1);
  EXPECT_EQ(parse_group_by("week"), GroupBy::kCaptureWeek);
  EXPECT_FALSE(parse_group_by("colour"));
}

}  // namespace
}  // namespace leadloop
