// Reports from the in-memory projection against their SQL twins on the same
// SQLite file, at scale:
//  1. generate a seeded programme straight into a real SQLite file: N leads
//     over 200 campaigns (20 of them run by vendors), 12 regions, 300 reps,
//     nine months, each lead walking the funnel with the exits a real one
//     has (disqualified, rejected:<reason>, sla_breach, lost:<reason>,
//     decayed);
//  2. load the projection (time, bytes per lead and per event, peak RSS);
//  3. run each report warm, best of R, on the projection and as SQL on the
//     file; check both give the same figures; print the table.
//
//   leadloop_bench_reports [--leads N] [--db FILE] [--runs R] [--sql-runs R]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>

#include "engine/campaign_catalog.h"
#include "measure/reports.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace leadloop {
namespace {

constexpr TimePoint kStart = 1767571200000;  // 2026-01-05
constexpr int kCampaigns = 200, kRegions = 12, kReps = 300;
constexpr const char* kChannels[] = {"web",    "email",       "event",  "webinar", "telemarketing",
                                     "social", "direct_mail", "referral", "partner"};
constexpr const char* kRejects[] = {"no_budget", "bad_timing", "not_decision_maker", "duplicate", "wrong_contact"};
constexpr const char* kLosses[] = {"no_project", "went_dark", "competitor", "price"};

void check(const Status& st) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    std::exit(1);
  }
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::string move_payload(Stage from, Stage to, const std::string& exit = "") {
  std::string p = "{\"from\":\"" + std::string(stage_name(from)) + "\",\"to\":\"" + std::string(stage_name(to)) + "\"";
  if (!exit.empty()) p += ",\"exit\":\"" + exit + "\"";
  return p + "}";
}

// Writes the programme; returns the number of events.
int64_t generate(SqliteStore& store, int64_t leads, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  for (int c = 0; c < kCampaigns; ++c) {
    Campaign k;
    k.key = "c" + std::to_string(c);
    k.name = k.key;
    k.channel = parse_channel(kChannels[c % 9]).value();
    if (c % 10 == 4) k.vendor = "Vendor " + std::to_string(c % 7);
    k.created_at = kStart;
    check(store.put_campaign(k));
  }
  int64_t events = 0;
  const TimePoint span = 270LL * kMillisPerDay;
  Mutation m;
  for (int64_t i = 0; i < leads; ++i) {
    LeadChange c;
    Lead& l = c.lead;
    l.email = "lead" + std::to_string(i) + "@example.com";
    l.email_key = l.email;
    l.source_campaign = "c" + std::to_string(pick(kCampaigns));
    l.region = "R" + std::to_string(pick(kRegions));
    l.created_at = l.updated_at = kStart + static_cast<TimePoint>(rng() % static_cast<uint64_t>(span));
    const int g = pick(10);
    l.grade = g < 2 ? Grade::kHot : g < 5 ? Grade::kWarm : g < 9 ? Grade::kCold : Grade::kUnqualified;
    TimePoint t = l.created_at;
    c.events.push_back({0, 0, "captured", t, "bench", "{}"});
    Stage at = Stage::kCaptured;
    auto step = [&](Stage to, const std::string& exit = "") {
      t += 1 + static_cast<TimePoint>(rng() % (5 * kMillisPerDay));
      c.events.push_back({0, 0, "stage_changed", t, "bench", move_payload(at, to, exit)});
      at = to;
    };
    if (chance(0.75)) {
      step(Stage::kQualified);
      if (chance(0.1)) {
        step(Stage::kDisqualified, "disqualified");
      } else if (l.grade == Grade::kWarm && chance(0.5)) {
        step(Stage::kNurture);
        if (chance(0.3)) step(Stage::kRecycled, "decayed");
      } else {
        l.owner = "rep" + std::to_string(pick(kReps));
        step(Stage::kAssigned);
        if (chance(0.08)) {
          step(Stage::kQualified, "sla_breach");
          l.owner.clear();
        } else if (chance(0.2)) {
          step(Stage::kRejected, std::string("rejected:") + kRejects[pick(5)]);
        } else {
          step(Stage::kAccepted);
          step(Stage::kWorking);
          if (chance(0.45)) {
            step(Stage::kOpportunity);
            if (chance(0.45)) {
              step(Stage::kWon);
            } else if (chance(0.7)) {
              step(Stage::kLost, std::string("lost:") + kLosses[pick(4)]);
            }
          } else if (chance(0.3)) {
            step(Stage::kLost, std::string("lost:") + kLosses[pick(4)]);
          }
        }
      }
    }
    l.stage = at;
    l.updated_at = t;
    events += static_cast<int64_t>(c.events.size());
    m.leads.push_back(std::move(c));
    if (m.leads.size() == 20000 || i + 1 == leads) {
      check(store.commit(m));
      m = Mutation();
      std::fprintf(stderr, "\r  generated %lld leads", static_cast<long long>(i + 1));
    }
  }
  std::fprintf(stderr, "\n");
  return events;
}

// The SQL twins: the questions of measure_test.cc asked of the file.
struct Twin {
  std::unique_ptr<sqlite::SqliteDb> db;
  std::map<std::string, std::vector<int64_t>> funnel(const std::string& where, const std::string& group) {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id, " + group + " AS g, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE " + where + " GROUP BY l.id), "
        "per AS (SELECT g, k, count(*) AS n FROM reach GROUP BY g, k) "
        "SELECT groups.g, steps.k, (SELECT COALESCE(SUM(n), 0) FROM per WHERE per.g = groups.g AND per.k >= steps.k) "
        "FROM (SELECT DISTINCT g FROM per) groups, steps ORDER BY groups.g, steps.k";
    std::map<std::string, std::vector<int64_t>> out;
    auto st = db->prepare(sql);
    check(st.status());
    check((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)].push_back(s.int64(2)); }));
    return out;
  }
  std::map<std::string, int64_t> leaks(const std::string& where) {
    const std::string sql =
        "SELECT json_extract(e.payload, '$.from') || '|' || json_extract(e.payload, '$.exit'), count(*) "
        "FROM lead_events e JOIN leads l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "WHERE e.type = 'stage_changed' AND json_extract(e.payload, '$.exit') IS NOT NULL AND " + where +
        " GROUP BY 1";
    std::map<std::string, int64_t> out;
    auto st = db->prepare(sql);
    check(st.status());
    check((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)] = s.int64(1); }));
    return out;
  }
};

double best_of(int runs, const std::function<void()>& fn) {
  double best = 1e18;
  for (int i = 0; i < runs; ++i) {
    auto t = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, ms_since(t));
  }
  return best;
}

int run(int argc, char** argv) {
  int64_t leads = 1000000;
  std::string db = "/tmp/leadloop-bench-reports.db";
  int runs = 5, sql_runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--leads")) leads = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--sql-runs")) sql_runs = std::atoi(argv[i + 1]);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  auto store = std::move(SqliteStore::open(db, Durability::kProcess)).value();
  auto t = std::chrono::steady_clock::now();
  const int64_t events = generate(*store, leads, 42);
  std::printf("== reports: %lld leads, %lld events, %d campaigns, %d regions, %d reps (generated in %.1f s)\n",
              static_cast<long long>(leads), static_cast<long long>(events), kCampaigns, kRegions, kReps,
              ms_since(t) / 1000);
  ManualClock clock(kStart);
  CampaignCatalog catalog(*store, clock);
  check(catalog.load());
  LeadProjection projection(*store);
  t = std::chrono::steady_clock::now();
  check(projection.load());
  const double load_ms = ms_since(t);
  const size_t bytes = projection.memory_bytes();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("projection load %.0f ms; %.1f bytes per lead+exit columns (%.1f bytes per event); peak RSS %ld MB\n",
              load_ms, static_cast<double>(bytes) / static_cast<double>(leads),
              static_cast<double>(bytes) / static_cast<double>(events), ru.ru_maxrss / 1024);
  Reports reports(projection, catalog);
  Twin twin{std::move(sqlite::SqliteDb::open(db, true)).value()};

  const TimePoint q2 = kStart + 90LL * kMillisPerDay, q3 = kStart + 180LL * kMillisPerDay;
  struct Row {
    const char* name;
    std::function<bool()> agree;
    std::function<void()> mine;
    std::function<void()> sql;
  };
  auto funnel_map = [&](const ReportFilter& f, GroupBy by) {
    std::map<std::string, std::vector<int64_t>> out;
    for (const Funnel& fu : reports.funnel(f, by)) {
      for (const auto& s : fu.steps) out[fu.group].push_back(s.reached);
    }
    return out;
  };
  auto leak_map = [&](const ReportFilter& f) {
    std::map<std::string, int64_t> out;
    for (const Leak& l : reports.leaks(f).rows) out[std::string(stage_name(l.from)) + "|" + l.reason] = l.count;
    return out;
  };
  ReportFilter cohort;
  cohort.from = q2;
  cohort.to = q3;
  const std::string cohort_sql = "l.created_at >= " + std::to_string(q2) + " AND l.created_at < " + std::to_string(q3);
  ReportFilter segment;
  segment.regions = {"R1", "R2", "R3"};
  segment.grade = Grade::kHot;
  segment.channels = {"telemarketing", "event"};
  const std::string segment_sql = "l.region IN ('R1','R2','R3') AND l.grade = 'hot' AND c.channel IN ('telemarketing','event')";
  ReportFilter by_event;
  by_event.from = q2;
  by_event.to = q3;
  by_event.exits_by_event_time = true;
  std::vector<Row> rows = {
      {"funnel, all leads", [&] { return funnel_map({}, GroupBy::kNone) == twin.funnel("1", "''"); },
       [&] { reports.funnel({}, GroupBy::kNone); }, [&] { twin.funnel("1", "''"); }},
      {"funnel by channel, capture cohort", [&] { return funnel_map(cohort, GroupBy::kChannel) == twin.funnel(cohort_sql, "c.channel"); },
       [&] { reports.funnel(cohort, GroupBy::kChannel); }, [&] { twin.funnel(cohort_sql, "c.channel"); }},
      {"funnel by region", [&] { return funnel_map({}, GroupBy::kRegion) == twin.funnel("1", "l.region"); },
       [&] { reports.funnel({}, GroupBy::kRegion); }, [&] { twin.funnel("1", "l.region"); }},
      {"funnel of a segment (3 fields)", [&] { return funnel_map(segment, GroupBy::kNone) == twin.funnel(segment_sql, "''"); },
       [&] { reports.funnel(segment, GroupBy::kNone); }, [&] { twin.funnel(segment_sql, "''"); }},
      {"leaks, stage x reason", [&] { return leak_map({}) == twin.leaks("1"); }, [&] { reports.leaks({}); },
       [&] { twin.leaks("1"); }},
      {"leaks of a quarter (exit time)",
       [&] {
         return leak_map(by_event) == twin.leaks("e.at >= " + std::to_string(q2) + " AND e.at < " + std::to_string(q3));
       },
       [&] { reports.leaks(by_event); },
       [&] { twin.leaks("e.at >= " + std::to_string(q2) + " AND e.at < " + std::to_string(q3)); }},
  };
  std::printf("%-36s %12s %12s %10s  %s\n", "report", "Leadloop ms", "SQLite ms", "ratio", "same figures");
  bool all_agree = true;
  for (const Row& r : rows) {
    const bool same = r.agree();
    all_agree = all_agree && same;
    const double mine = best_of(runs, r.mine);
    const double sql = best_of(sql_runs, r.sql);
    std::printf("%-36s %12.2f %12.1f %9.0fx  %s\n", r.name, mine, sql, sql / mine, same ? "yes" : "NO");
  }
  std::printf("(warm, best of %d for Leadloop and %d for SQLite; DuckDB twin: not yet, see docs/reports.md)\n", runs,
              sql_runs);
  return all_agree ? 0 : 1;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) { return leadloop::run(argc, argv); }
