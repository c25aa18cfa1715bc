// Reports from the in-memory projection against their SQL twins on the same
// data, at scale:
//  1. generate a seeded programme straight into a real SQLite file: N leads
//     over 200 campaigns (20 of them run by vendors), 12 regions, 300 reps,
//     nine months, each lead walking the funnel with the exits a real one
//     has (disqualified, rejected:<reason>, sla_breach, lost:<reason>,
//     decayed);
//  2. load the projection (time, bytes per lead and per event, peak RSS);
//  3. run each report warm, best of R, on the projection and as SQL on the
//     file (SQLite);
//  4. ask the same questions of DuckDB, through bench/duckdb_twin.mjs (Node
//     and the npm package @duckdb/node-api, which `npm ci` installs) on a CSV
//     export of the file; skipped, with a note, when either is missing;
//  5. check all of them give the same figures; print the table. The exit
//     status is 1 when any figures differ or the DuckDB twin fails.
//
//   leadloop_bench_reports [--leads N] [--db FILE] [--runs R] [--sql-runs R] [--duckdb-runs R]
#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

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

using Json = nlohmann::json;

// One row of the table: a report asked of the projection, and the same
// question for both SQL twins (SQLite here, DuckDB in bench/duckdb_twin.mjs)
// as SQL fragments over l (leads), c (campaigns) and e (a stage change).
// A new row is one more entry in report_rows(); a new kind of report is one
// more Kind, answered in ask(), Twin::ask() and the script's kQuestions.
enum class Kind : uint8_t { kFunnel, kLeaks };
constexpr const char* kKindNames[] = {"funnel", "leaks"};  // as the script knows them

struct Row {
  const char* name;  // as printed
  const char* key;   // the row's name in the DuckDB twin's output
  Kind kind;
  ReportFilter filter;
  GroupBy by = GroupBy::kNone;
  std::string where = "true";
  std::string group = "''";  // funnel: the SQL of the group
};

std::vector<Row> report_rows() {
  const TimePoint q2 = kStart + 90LL * kMillisPerDay, q3 = kStart + 180LL * kMillisPerDay;
  ReportFilter cohort;
  cohort.from = q2;
  cohort.to = q3;
  ReportFilter segment;
  segment.regions = {"R1", "R2", "R3"};
  segment.grade = Grade::kHot;
  segment.channels = {"telemarketing", "event"};
  ReportFilter by_event;
  by_event.from = q2;
  by_event.to = q3;
  by_event.exits_by_event_time = true;
  auto between = [&](const char* column) {
    return std::string(column) + " >= " + std::to_string(q2) + " AND " + column + " < " + std::to_string(q3);
  };
  return {
      {"funnel, all leads", "funnel_all", Kind::kFunnel, {}},
      {"funnel by channel, capture cohort", "funnel_channel_cohort", Kind::kFunnel, cohort, GroupBy::kChannel,
       between("l.created_at"), "c.channel"},
      {"funnel by region", "funnel_region", Kind::kFunnel, {}, GroupBy::kRegion, "true", "l.region"},
      {"funnel of a segment (3 fields)", "funnel_segment", Kind::kFunnel, segment, GroupBy::kNone,
       "l.region IN ('R1','R2','R3') AND l.grade = 'hot' AND c.channel IN ('telemarketing','event')"},
      {"leaks, stage x reason", "leaks_all", Kind::kLeaks, {}},
      {"leaks of a quarter (exit time)", "leaks_quarter_exit_time", Kind::kLeaks, by_event, GroupBy::kNone,
       between("e.at")},
  };
}

// The canonical figures all three answers compare in: a funnel is
// {group: [leads reaching each step]}, leaks are {"from|reason": count}.
using Answer = std::variant<std::vector<Funnel>, Leaks>;

Answer ask(const Reports& reports, const Row& row) {
  if (row.kind == Kind::kFunnel) return reports.funnel(row.filter, row.by);
  return reports.leaks(row.filter);
}

Json figures(const Answer& answer) {
  Json out = Json::object();
  if (const auto* funnels = std::get_if<std::vector<Funnel>>(&answer)) {
    for (const Funnel& f : *funnels) {
      for (const FunnelStepCount& s : f.steps) out[f.group].push_back(s.reached);
    }
  } else {
    for (const Leak& l : std::get<Leaks>(answer).rows) out[std::string(stage_name(l.from)) + "|" + l.reason] = l.count;
  }
  return out;
}

// The SQLite twin: the questions of measure_test.cc asked of the file.
struct Twin {
  std::unique_ptr<sqlite::SqliteDb> db;

  Json ask(const Row& row) { return row.kind == Kind::kFunnel ? funnel(row.where, row.group) : leaks(row.where); }

  Json funnel(const std::string& where, const std::string& group) {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id, " + group + " AS g, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE (" + where + ") GROUP BY l.id), "
        "per AS (SELECT g, k, count(*) AS n FROM reach GROUP BY g, k) "
        "SELECT groups.g, steps.k, (SELECT COALESCE(SUM(n), 0) FROM per WHERE per.g = groups.g AND per.k >= steps.k) "
        "FROM (SELECT DISTINCT g FROM per) groups, steps ORDER BY groups.g, steps.k";
    Json out = Json::object();
    auto st = db->prepare(sql);
    check(st.status());
    check((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)].push_back(s.int64(2)); }));
    return out;
  }

  Json leaks(const std::string& where) {
    const std::string sql =
        "SELECT json_extract(e.payload, '$.from') || '|' || json_extract(e.payload, '$.exit'), count(*) "
        "FROM lead_events e JOIN leads l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "WHERE e.type = 'stage_changed' AND json_extract(e.payload, '$.exit') IS NOT NULL AND (" + where +
        ") GROUP BY 1";
    Json out = Json::object();
    auto st = db->prepare(sql);
    check(st.status());
    check((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)] = s.int64(1); }));
    return out;
  }
};

// The DuckDB twin: Node runs bench/duckdb_twin.mjs, which loads a CSV export
// of the file into DuckDB and answers the rows' questions. It is unavailable,
// not failed, without node or the npm package (`npm ci` installs it).
struct DuckdbRun {
  enum State : uint8_t { kRan, kUnavailable, kFailed };
  State state = kUnavailable;
  std::string note;  // why it did not run
  Json out;          // the script's output, described in its header
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

std::string read_all(FILE* f) {
  std::string out;
  char buf[1 << 14];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  return out;
}

DuckdbRun run_duckdb(const std::string& db, const std::vector<Row>& rows, int runs) {
  namespace fs = std::filesystem;
  const fs::path source = LEADLOOP_SOURCE_DIR;
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    return {DuckdbRun::kUnavailable, "no `node` on the PATH (Debian package nodejs; scripts/setup.sh installs it)", {}};
  }
  if (!fs::exists(source / "node_modules/@duckdb/node-api")) {
    return {DuckdbRun::kUnavailable, "no node_modules/@duckdb/node-api: run `npm ci` in " + source.string(), {}};
  }
  std::string dir = (fs::absolute(db).parent_path() / "duckdb-twin.XXXXXX").string();
  if (!mkdtemp(dir.data())) return {DuckdbRun::kFailed, "mkdtemp " + dir + ": " + std::strerror(errno), {}};
  Json questions = Json::array();
  for (const Row& r : rows) {
    questions.push_back({{"key", r.key}, {"kind", kKindNames[static_cast<int>(r.kind)]}, {"where", r.where},
                         {"group", r.group}});
  }
  const fs::path queries = fs::path(dir) / "queries.json";
  std::ofstream(queries) << Json{{"reports", questions}}.dump(2) << "\n";
  const std::string command = "node " + shell_quote((source / "bench/duckdb_twin.mjs").string()) + " --db " +
                              shell_quote(db) + " --queries " + shell_quote(queries.string()) + " --dir " +
                              shell_quote(dir) + " --runs " + std::to_string(runs);
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    fs::remove_all(dir);
    return {DuckdbRun::kFailed, "popen: " + std::string(std::strerror(errno)), {}};
  }
  const std::string output = read_all(pipe);
  const int status = pclose(pipe);
  fs::remove_all(dir);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return {DuckdbRun::kFailed, "bench/duckdb_twin.mjs failed (exit code " +
                                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ", see above)", {}};
  }
  Json out = Json::parse(output, nullptr, false);
  if (out.is_discarded() || !out.contains("reports")) {
    return {DuckdbRun::kFailed, "bench/duckdb_twin.mjs printed no readable JSON", {}};
  }
  return {DuckdbRun::kRan, "", std::move(out)};
}

double best_of(int runs, const std::function<void()>& fn) {
  double best = 1e18;
  for (int i = 0; i < runs; ++i) {
    auto t = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, ms_since(t));
  }
  return best;
}

// A report's time and figures on one engine.
struct Measured {
  double ms = 0;
  Json figures;
};

std::string ratio(double twin_ms, double mine_ms) {
  char buf[32];
  const double r = twin_ms / mine_ms;
  std::snprintf(buf, sizeof buf, r < 10 ? "%.1fx" : "%.0fx", r);
  return buf;
}

// "yes" when every twin that ran gives Leadloop's figures, else which did not.
std::string verdict(const Measured& mine, const Measured& sqlite, const Measured* duckdb) {
  std::string differ;
  if (sqlite.figures != mine.figures) differ += " SQLite";
  if (duckdb && duckdb->figures != mine.figures) differ += " DuckDB";
  return differ.empty() ? "yes" : "NO:" + differ;
}

// Prints the table; returns whether all figures agree.
bool print_table(const std::vector<Row>& rows, const std::vector<Measured>& mine, const std::vector<Measured>& sqlite,
                 const DuckdbRun& duckdb) {
  std::printf("%-36s %12s %10s %10s %16s %16s  %s\n", "report", "Leadloop ms", "SQLite ms", "DuckDB ms",
              "SQLite/Leadloop", "DuckDB/Leadloop", "same figures");
  bool all_agree = duckdb.state != DuckdbRun::kFailed;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::optional<Measured> duck;
    if (duckdb.state == DuckdbRun::kRan) {
      const Json r = duckdb.out.at("reports").value(rows[i].key, Json::object());
      duck = Measured{r.value("best_ms", 0.0), r.value("figures", Json())};
    }
    const std::string same = verdict(mine[i], sqlite[i], duck ? &*duck : nullptr);
    all_agree = all_agree && same == "yes";
    char duck_ms[32] = "-";
    if (duck) std::snprintf(duck_ms, sizeof duck_ms, "%.1f", duck->ms);
    std::printf("%-36s %12.2f %10.1f %10s %16s %16s  %s\n", rows[i].name, mine[i].ms, sqlite[i].ms, duck_ms,
                ratio(sqlite[i].ms, mine[i].ms).c_str(), duck ? ratio(duck->ms, mine[i].ms).c_str() : "-",
                same.c_str());
  }
  return all_agree;
}

void print_duckdb_note(const DuckdbRun& duckdb) {
  if (duckdb.state != DuckdbRun::kRan) {
    std::printf("DuckDB twin %s: %s\n", duckdb.state == DuckdbRun::kFailed ? "FAILED" : "not run", duckdb.note.c_str());
    return;
  }
  const Json& o = duckdb.out;
  const Json rows = o.value("rows", Json::object());
  std::printf("DuckDB %s (@duckdb/node-api %s, in memory, %d threads) on a CSV export of the file: export %.0f ms "
              "(sqlite3 CLI), load %.0f ms (%lld leads, %lld stage changes, %lld campaigns)\n",
              o.value("duckdb", "?").c_str(), o.value("package", "?").c_str(), o.value("threads", 0),
              o.value("export_ms", 0.0), o.value("load_ms", 0.0), rows.value("leads", 0LL),
              rows.value("stage_changes", 0LL), rows.value("campaigns", 0LL));
}

int run(int argc, char** argv) {
  int64_t leads = 1000000;
  std::string db = "/tmp/leadloop-bench-reports.db";
  int runs = 5, sql_runs = 3, duckdb_runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--leads")) leads = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--sql-runs")) sql_runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--duckdb-runs")) duckdb_runs = std::atoi(argv[i + 1]);
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

  // Figures first (which also warms each side), then the best of the runs.
  const std::vector<Row> rows = report_rows();
  std::vector<Measured> mine, sqlite;
  for (const Row& r : rows) {
    Json f = figures(ask(reports, r));
    mine.push_back({best_of(runs, [&] { ask(reports, r); }), std::move(f)});
    f = twin.ask(r);
    sqlite.push_back({best_of(sql_runs, [&] { twin.ask(r); }), std::move(f)});
  }
  const DuckdbRun duckdb = run_duckdb(db, rows, duckdb_runs);
  const bool all_agree = print_table(rows, mine, sqlite, duckdb);
  std::printf("(warm, best of %d for Leadloop (1 thread), %d for SQLite, %d for DuckDB (2 threads))\n", runs, sql_runs,
              duckdb_runs);
  print_duckdb_note(duckdb);
  return all_agree ? 0 : 1;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) { return leadloop::run(argc, argv); }
