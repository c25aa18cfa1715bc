// The simulation runs a programme through the real engine and reports what
// the engine recorded: one seed gives one report, its SLA breaches,
// reassignments and decay are the engine's own, and the store's events
// agree with the report. The demo data, built on the same sales floor, is as
// deterministic and has real follow-up in it.
#include "demo/simulation.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <map>
#include <memory>
#include <set>

#include "demo/demo_data.h"
#include "io/csv_export.h"
#include "store/sqlite/sqlite_store.h"
#include "test_files.h"

namespace leadloop {
namespace {

using testing::TempDir;

// Sanitizer builds run the same checks on smaller programmes.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kLeadsPerDay = 8;
#else
constexpr int kLeadsPerDay = 20;
#endif

SimulationReport run(SimulationOptions o) {
  auto r = simulate(o);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : SimulationReport{};
}

Json payload(const LeadEvent& e) { return Json::parse(e.payload); }

std::vector<LeadEvent> events(Store& store, std::string_view type) {
  std::vector<LeadEvent> out;
  EXPECT_TRUE(store.scan_events(type, [&](const LeadEvent& e) { out.push_back(e); }).ok());
  return out;
}

TEST(Simulation, OneSeedOneReport) {
  SimulationOptions o;
  o.months = 2;
  o.leads_per_day = kLeadsPerDay;
  o.seed = 3;
  SimulationReport a = run(o);
  SimulationReport b = run(o);
  o.seed = 4;
  SimulationReport c = run(o);
  EXPECT_GT(a.captured, 0);
  EXPECT_EQ(a, b);
  EXPECT_EQ(to_json(a).dump(), to_json(b).dump());
  EXPECT_NE(a, c);
}

TEST(Simulation, RefusesBadOptions) {
  TempDir dir;
  const std::string taken = dir.file("taken.db");
  { auto store = SqliteStore::open(taken); }
  struct Case {
    SimulationOptions options;
    const char* field;
  };
  const Case cases[] = {
      {{1, 0, 40, 20458, ""}, "months"},       {{1, 37, 40, 20458, ""}, "months"},
      {{1, 9, 0, 20458, ""}, "leads_per_day"}, {{1, 9, 10001, 20458, ""}, "leads_per_day"},
      {{1, 9, 40, 20458, taken}, "db"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    auto r = simulate(c.options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().field(), c.field);
  }
  EXPECT_EQ(SimulationOptions{}.start, *parse_date("2026-01-05"));
}

// One three-month programme, kept on disk, that the tests below read.
class ThreeMonths : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    SimulationOptions o;
    o.seed = 11;
    o.months = 3;
    o.leads_per_day = kLeadsPerDay;
    o.db = dir_->file("sim.db");
    report_ = new SimulationReport(run(o));
    auto store = SqliteStore::open(o.db);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value().release();
  }
  static void TearDownTestSuite() {
    delete store_;
    delete report_;
    delete dir_;
  }

  static TempDir* dir_;
  static SimulationReport* report_;
  static SqliteStore* store_;
};
TempDir* ThreeMonths::dir_ = nullptr;
SimulationReport* ThreeMonths::report_ = nullptr;
SqliteStore* ThreeMonths::store_ = nullptr;

TEST_F(ThreeMonths, BreachesReassignsAndDecays) {
  const SimulationReport& r = *report_;
  EXPECT_GT(r.sla_breaches, 0);
  EXPECT_GT(r.reassignments, 0);
  EXPECT_GT(r.decays, 0);
  EXPECT_GT(r.responded, 0);
  EXPECT_LE(r.response_median_minutes, r.response_p90_minutes);
  // The report is what the store holds.
  EXPECT_EQ(static_cast<int64_t>(events(*store_, event_type::kSlaBreached).size()), r.sla_breaches);
  EXPECT_EQ(static_cast<int64_t>(events(*store_, event_type::kDecayed).size()), r.decays);
  EXPECT_EQ(*store_->count_leads(), r.captured);
  // A rep who never answers loses every lead given to them, after a breach.
  for (const RepFigures& f : r.reps) {
    if (f.responsiveness != "never" || f.assigned == 0) continue;
    EXPECT_GT(f.breaches, 0) << f.rep;
    EXPECT_GT(f.lost_to_breach, 0) << f.rep;
  }
}

TEST_F(ThreeMonths, EachOwnerStintBreachesAtMostOnce) {
  std::map<int64_t, std::vector<LeadEvent>> by_lead;
  for (auto type : {event_type::kAssigned, event_type::kSlaBreached}) {
    for (LeadEvent& e : events(*store_, type)) by_lead[e.lead_id].push_back(std::move(e));
  }
  int64_t breaches = 0;
  for (auto& [lead, list] : by_lead) {
    std::sort(list.begin(), list.end(),
              [](const LeadEvent& a, const LeadEvent& b) { return a.id < b.id; });
    std::string owner;
    int in_stint = 0;
    for (const LeadEvent& e : list) {
      if (e.type == event_type::kAssigned) {
        owner = payload(e)["owner"];
        in_stint = 0;
        continue;
      }
      ++breaches;
      EXPECT_EQ(payload(e)["owner"], owner) << "lead " << lead;
      EXPECT_LE(++in_stint, 1) << "lead " << lead << " breached twice for " << owner;
    }
  }
  EXPECT_EQ(breaches, report_->sla_breaches);
}

TEST_F(ThreeMonths, FunnelNarrowsStageByStage) {
  const auto& f = report_->funnel;
  const std::vector<std::string> stages = {"captured", "qualified",   "assigned", "accepted",
                                           "working",  "opportunity", "won"};
  ASSERT_EQ(f.size(), stages.size());
  for (size_t i = 0; i < f.size(); ++i) {
    EXPECT_EQ(f[i].stage, stages[i]);
    if (i > 0) {
      EXPECT_GE(f[i - 1].leads, f[i].leads) << f[i].stage;
    }
  }
  EXPECT_EQ(f.front().leads, report_->captured);
  EXPECT_GT(f[3].leads, 0);  // some leads are accepted
}

TEST_F(ThreeMonths, NoLeadGoesToARepWhoIsAway) {
  ASSERT_FALSE(report_->away.empty());
  int64_t during = 0;  // assignments while someone was away
  for (const LeadEvent& e : events(*store_, event_type::kAssigned)) {
    const std::string owner = payload(e)["owner"];
    for (const AwayWindow& w : report_->away) {
      if (e.at < w.from || e.at >= w.to) continue;
      ++during;
      EXPECT_NE(owner, w.rep) << "lead " << e.lead_id << " at " << format_time(e.at);
    }
  }
  EXPECT_GT(during, 0);
}

TEST_F(ThreeMonths, OpportunitiesCloseSixToNineMonthsOut) {
  int opportunities = 0;
  for (const LeadEvent& e : events(*store_, event_type::kStageChanged)) {
    Json p = payload(e);
    if (p["to"] != "opportunity") continue;
    ++opportunities;
    ASSERT_TRUE(p.contains("expected_close")) << e.payload;
    ASSERT_TRUE(p.contains("amount_cents")) << e.payload;
    auto close = parse_time(p["expected_close"].get<std::string>());
    ASSERT_TRUE(close.ok());
    const double months = static_cast<double>(*close - e.at) / kMillisPerDay / (365.25 / 12);
    EXPECT_GE(months, 6.0) << e.payload;
    EXPECT_LE(months, 9.0) << e.payload;
  }
  EXPECT_GT(opportunities, 0);
  // Three months are too short for a six-month cycle: all still open.
  EXPECT_EQ(report_->open_opportunities, opportunities);
  EXPECT_EQ(report_->funnel.back().leads, 0);
}

// Long enough for deals to close: won revenue is the revenue of the moves
// to won, and the open pipeline is what is left.
TEST(Simulation, WonRevenueIsTheRevenueOfTheWins) {
  TempDir dir;
  SimulationOptions o;
  o.seed = 5;
  o.months = 9;
  o.leads_per_day = kLeadsPerDay / 2;
  o.db = dir.file("long.db");
  SimulationReport r = run(o);
  auto store = SqliteStore::open(o.db);
  ASSERT_TRUE(store.ok());
  int64_t revenue = 0;
  std::set<int64_t> won;
  for (const LeadEvent& e : events(**store, event_type::kStageChanged)) {
    Json p = payload(e);
    if (p["to"] != "won") continue;
    revenue += p.value("revenue_cents", int64_t{0});
    won.insert(e.lead_id);
  }
  EXPECT_GT(revenue, 0);
  EXPECT_EQ(r.won_revenue_cents, revenue);
  EXPECT_EQ(r.funnel.back().leads, static_cast<int64_t>(won.size()));
  EXPECT_GT(r.open_opportunities, 0);  // some close after the programme ends
  EXPECT_GT(r.open_pipeline_cents, 0);
}

// The demo on the sales floor, with a router and follow-up.
struct DemoEngine {
  explicit DemoEngine(const std::string& path)
      : e(std::move(ScratchEngine::open(path, clock)).value()) {
    EXPECT_TRUE(e->router.open().ok());
    EXPECT_TRUE(e->intake.open().ok());
  }

  Result<DemoSummary> generate(uint64_t seed, int leads) {
    DemoOptions opt;
    opt.seed = seed;
    opt.leads = leads;
    opt.start = *parse_date("2026-01-05");
    return generate_demo({*e->store, e->campaigns, e->intake, &e->versions, &e->lifecycle,
                          &e->router, &e->follow_up},
                         clock, opt);
  }

  std::string export_csv() {
    std::string csv;
    LeadFilter all;
    all.limit = 0;
    EXPECT_TRUE(export_leads_csv(*e->store, all, [&](std::string_view c) {
                  csv.append(c);
                  return true;
                }).ok());
    return csv;
  }

  ManualClock clock;
  std::unique_ptr<ScratchEngine> e;
};

TEST(DemoOnTheSalesFloor, SameSeedSameDataWithRealFollowUp) {
  TempDir dir;
  const int leads = kLeadsPerDay * 30;
  DemoEngine a(dir.file("a.db")), b(dir.file("b.db")), c(dir.file("c.db"));
  auto sa = a.generate(7, leads);
  auto sb = b.generate(7, leads);
  auto sc = c.generate(8, leads);
  ASSERT_TRUE(sa.ok()) << sa.status().to_string();
  ASSERT_TRUE(sb.ok() && sc.ok());
  EXPECT_EQ(a.export_csv(), b.export_csv());
  EXPECT_NE(a.export_csv(), c.export_csv());
  EXPECT_EQ(sa->transitions, sb->transitions);
  EXPECT_EQ(sa->sla_breaches, sb->sla_breaches);
  // Leads were routed to reps, breached, reassigned and decayed by the engine.
  EXPECT_GT(events(*a.e->store, event_type::kAssigned).size(), 0u);
  EXPECT_GT(sa->sla_breaches, 0);
  EXPECT_GT(sa->reassignments, 0);
  EXPECT_GT(sa->decays, 0);
  EXPECT_GT(sa->transitions, 0);
  EXPECT_EQ(static_cast<int64_t>(events(*a.e->store, event_type::kSlaBreached).size()),
            sa->sla_breaches);
}

// The demo tells the articles' story: before marketing and sales co-sign
// the definition, leads are answered in days; after it, hot leads within
// hours, and nine months end with wins (100 or more in the default 5,000).
TEST(DemoOnTheSalesFloor, SlowBeforeTheSignedDefinitionFastAfter) {
  TempDir dir;
  DemoEngine a(dir.file("story.db"));
  auto s = a.generate(42, kLeadsPerDay * 273);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  const TimePoint signed_at = (int64_t{*parse_date("2026-01-05")} + DemoOptions{}.sign_day) * kMillisPerDay;
  EXPECT_EQ(s->signed_at, signed_at);
  EXPECT_EQ(s->definition_version, 1);
  LeadFilter all;
  all.limit = 0;
  auto leads = a.e->store->list_leads(all);
  ASSERT_TRUE(leads.ok());
  std::vector<double> before, after;
  int64_t won = 0;
  for (const Lead& l : *leads) {
    if (l.stage == Stage::kWon) ++won;
    if (!l.first_response_at) continue;
    const double hours = static_cast<double>(*l.first_response_at - l.created_at) / kMillisPerHour;
    if (l.created_at < signed_at) {
      before.push_back(hours);
    } else if (l.grade == Grade::kHot) {
      after.push_back(hours);
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? -1.0 : v[v.size() / 2];
  };
  ASSERT_GT(before.size(), 50u);
  ASSERT_GT(after.size(), 50u);
  EXPECT_GE(median(before), 48.0) << "before the definition: answered in days";
  EXPECT_LE(median(after), 4.0) << "hot leads after it: within the SLA";
  EXPECT_GE(won, static_cast<int64_t>(leads->size()) / 50) << won << " wins in " << leads->size() << " leads";
}

}  // namespace
}  // namespace leadloop
