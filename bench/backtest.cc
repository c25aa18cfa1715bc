// Backtest speed: the demo definition (active) against a draft over N
// generated leads with sales outcomes, through definition/backtest.h, and
// its SQL twin: the same two definitions written as CASE expressions over
// the same rows in a SQLite file. Checks both give the same figures, then
// prints times and the ratio.
//
//   leadloop_bench_backtest --definition src/demo/lead_definition.yaml [--leads N] [--twin-db FILE]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "definition/backtest.h"

namespace leadloop {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

constexpr const char* kTitles[] = {"VP Sales",      "Director of Marketing", "IT Manager", "CFO",
                                   "Head of Ops",   "Procurement Manager",   "CTO",        "Coordinator",
                                   "Sales Director", "Analyst"};
constexpr const char* kBudgets[] = {"confirmed", "unknown", "none"};
constexpr const char* kTimeframes[] = {"30", "60", "90", "180"};
constexpr const char* kReasons[] = {"no_budget", "not_decision_maker", "bad_timing", "wrong_contact"};

struct Generated {
  std::vector<Lead> leads;
  std::vector<Campaign> campaigns;
  std::vector<SalesOutcome> outcomes;
};

Generated generate(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto below = [&](size_t k) { return static_cast<size_t>(rng() % k); };
  auto chance = [&](double p) { return static_cast<double>(rng() >> 11) / 9007199254740992.0 < p; };
  Generated g;
  for (Channel c : {Channel::kWeb, Channel::kWebinar, Channel::kTelemarketing, Channel::kEvent, Channel::kEmail}) {
    Campaign camp;
    camp.key = "c-" + std::string(channel_name(c));
    camp.channel = c;
    g.campaigns.push_back(camp);
  }
  g.leads.resize(n);
  g.outcomes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Lead& l = g.leads[i];
    l.id = static_cast<int64_t>(i + 1);
    l.email = "p" + std::to_string(i) + "@example.com";
    l.company = "Company " + std::to_string(i % 50000);
    l.country = "DE";
    l.title = kTitles[below(std::size(kTitles))];
    l.employees = static_cast<int64_t>(5 + below(5000));
    l.source_campaign = g.campaigns[below(g.campaigns.size())].key;
    l.attributes["budget"] = kBudgets[below(3)];
    l.attributes["timeframe_days"] = kTimeframes[below(4)];
    if (chance(0.4)) l.data_points["budget"] = chance(0.5) ? "confirmed" : "unknown";
    if (chance(0.4)) l.data_points["decision_maker"] = chance(0.5) ? "yes" : "no";
    l.touch_count = static_cast<int64_t>(below(5));
    SalesOutcome& o = g.outcomes[i];
    double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;
    if (u < 0.3) {
      o.apply(Stage::kRejected, kReasons[below(std::size(kReasons))]);
    } else if (u < 0.6) {
      o.apply(Stage::kAccepted, "");
      if (chance(0.3)) o.apply(Stage::kOpportunity, "");
      if (o.opportunity && chance(0.4)) o.apply(Stage::kWon, "");
    }
  }
  return g;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// --- the SQL twin --------------------------------------------------------------

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err ? err : "?");
    std::exit(1);
  }
}

void load_twin(sqlite3* db, const Generated& g) {
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; DROP TABLE IF EXISTS bt;"
           "CREATE TABLE bt (id INTEGER PRIMARY KEY, email TEXT, phone TEXT, company TEXT, country TEXT, title TEXT,"
           " employees INTEGER, channel TEXT, budget TEXT, timeframe TEXT, dp_budget TEXT, decision_maker TEXT,"
           " touches INTEGER, accepted INTEGER, rejected INTEGER, reason TEXT, opportunity INTEGER, won INTEGER)");
  exec(db, "BEGIN");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO bt VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, nullptr);
  for (size_t i = 0; i < g.leads.size(); ++i) {
    const Lead& l = g.leads[i];
    const SalesOutcome& o = g.outcomes[i];
    auto text = [&](int col, const std::string& v) {
      if (v.empty()) {
        sqlite3_bind_null(st, col);
      } else {
        sqlite3_bind_text(st, col, v.c_str(), static_cast<int>(v.size()), SQLITE_STATIC);
      }
    };
    auto attr = [](const Attributes& a, const char* k) {
      auto it = a.find(k);
      return it == a.end() ? std::string() : it->second;
    };
    std::string channel;
    for (const auto& c : g.campaigns) {
      if (c.key == l.source_campaign) channel = std::string(channel_name(c.channel));
    }
    std::string budget = attr(l.attributes, "budget"), timeframe = attr(l.attributes, "timeframe_days");
    std::string dp_budget = attr(l.data_points, "budget"), dm = attr(l.data_points, "decision_maker");
    sqlite3_bind_int64(st, 1, l.id);
    text(2, l.email);
    text(3, l.phone);
    text(4, l.company);
    text(5, l.country);
    text(6, l.title);
    sqlite3_bind_int64(st, 7, *l.employees);
    text(8, channel);
    text(9, budget);
    text(10, timeframe);
    text(11, dp_budget);
    text(12, dm);
    sqlite3_bind_int64(st, 13, l.touch_count);
    sqlite3_bind_int(st, 14, o.accepted);
    sqlite3_bind_int(st, 15, o.rejected);
    text(16, o.reject_reason);
    sqlite3_bind_int(st, 17, o.opportunity);
    sqlite3_bind_int(st, 18, o.won);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  exec(db, "COMMIT");
}

// The demo definition's grade as SQL; `timeframe` is the hot rule's bound
// (90 in the demo, 180 in the draft). LIKE is case-insensitive for ASCII,
// as `matches` is.
std::string grade_sql(int timeframe) {
  const std::string senior =
      "(title LIKE '%vp%' OR title LIKE '%director%' OR title LIKE '%head%' OR title LIKE '%chief%' OR "
      "title LIKE '%cfo%' OR title LIKE '%cto%' OR title LIKE '%ceo%')";
  const std::string budget = "(budget = 'confirmed' OR dp_budget = 'confirmed')";
  return "CASE WHEN company IS NULL OR (email IS NULL AND phone IS NULL) OR country IS NULL "
         "OR NOT (employees >= 50) OR budget IS NULL OR budget = 'none' THEN 'unqualified' "
         "WHEN " + senior + " AND " + budget + " AND CAST(timeframe AS INTEGER) <= " + std::to_string(timeframe) +
         " THEN 'hot' WHEN CAST(timeframe AS INTEGER) <= 90 OR budget = 'confirmed' THEN 'warm' ELSE 'cold' END";
}

struct TwinRow {
  std::string side, grade;
  int64_t leads, accepted, rejected, opportunities, wins;
};

std::vector<TwinRow> run_twin(sqlite3* db, int64_t* changed) {
  std::string sql = "WITH g AS (SELECT " + grade_sql(90) + " AS active, " + grade_sql(180) +
                    " AS draft, accepted, rejected, opportunity, won FROM bt) "
                    "SELECT 'active', active, count(*), sum(accepted), sum(rejected), sum(opportunity), sum(won) "
                    "FROM g GROUP BY active UNION ALL "
                    "SELECT 'draft', draft, count(*), sum(accepted), sum(rejected), sum(opportunity), sum(won) "
                    "FROM g GROUP BY draft UNION ALL "
                    "SELECT 'changed', '', count(*), 0, 0, 0, 0 FROM g WHERE active <> draft";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  std::vector<TwinRow> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    TwinRow r{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
              reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
              sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
              sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6)};
    if (r.side == "changed") {
      *changed = r.leads;
    } else {
      out.push_back(r);
    }
  }
  sqlite3_finalize(st);
  return out;
}

bool same(const BacktestResult& b, const std::vector<TwinRow>& twin, int64_t twin_changed) {
  bool ok = b.changed == twin_changed;
  for (const TwinRow& r : twin) {
    auto g = parse_grade(r.grade);
    const OutcomeCounts& c = (r.side == "active" ? b.active : b.draft)[static_cast<size_t>(*g)];
    if (c.leads != r.leads || c.accepted != r.accepted || c.rejected != r.rejected ||
        c.opportunities != r.opportunities || c.wins != r.wins) {
      std::fprintf(stderr, "mismatch: %s %s: backtest %lld leads, twin %lld\n", r.side.c_str(), r.grade.c_str(),
                   static_cast<long long>(c.leads), static_cast<long long>(r.leads));
      ok = false;
    }
  }
  return ok;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) {
  using namespace leadloop;
  size_t n = 1000000;
  std::string definition_path = "src/demo/lead_definition.yaml";
  std::string twin_path = "/tmp/leadloop-backtest-twin.db";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--leads")) n = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--definition")) definition_path = argv[i + 1];
    if (!std::strcmp(argv[i], "--twin-db")) twin_path = argv[i + 1];
  }
  std::string text = slurp(definition_path);
  ParsedDefinition active = parse_definition(text);
  std::string draft_text = text;
  size_t at = draft_text.find("attributes.timeframe_days <= 90\n      says: buying within 90 days");
  if (!active.definition || at == std::string::npos) {
    std::fprintf(stderr, "cannot use %s as the demo definition\n", definition_path.c_str());
    return 1;
  }
  draft_text.replace(at, std::strlen("attributes.timeframe_days <= 90"), "attributes.timeframe_days <= 180");
  ParsedDefinition draft = parse_definition(draft_text);

  auto t = std::chrono::steady_clock::now();
  Generated g = generate(n, 42);
  std::printf("generated %zu leads with outcomes in %.2f s\n", n, seconds_since(t));
  std::vector<BacktestLead> rows(n);
  for (size_t i = 0; i < n; ++i) {
    const Campaign* c = nullptr;
    for (const auto& camp : g.campaigns) {
      if (camp.key == g.leads[i].source_campaign) c = &camp;
    }
    rows[i] = {&g.leads[i], c, g.outcomes[i]};
  }
  const TimePoint now = *parse_time("2026-06-30");
  BacktestResult result;
  double best = 1e9;
  for (int round = 0; round < 3; ++round) {
    t = std::chrono::steady_clock::now();
    result = backtest(active.definition.get(), *draft.definition, rows, now, 1000);
    best = std::min(best, seconds_since(t));
  }
  double one_thread = 1e9;
  for (int round = 0; round < 2; ++round) {
    t = std::chrono::steady_clock::now();
    backtest(active.definition.get(), *draft.definition, rows, now, 1000, 1);
    one_thread = std::min(one_thread, seconds_since(t));
  }

  std::remove(twin_path.c_str());
  sqlite3* db = nullptr;
  sqlite3_open(twin_path.c_str(), &db);
  t = std::chrono::steady_clock::now();
  load_twin(db, g);
  std::printf("SQLite twin loaded in %.2f s\n", seconds_since(t));
  int64_t twin_changed = 0;
  std::vector<TwinRow> twin;
  double twin_best = 1e9;
  for (int round = 0; round < 2; ++round) {
    t = std::chrono::steady_clock::now();
    twin = run_twin(db, &twin_changed);
    twin_best = std::min(twin_best, seconds_since(t));
  }
  sqlite3_close(db);
  std::remove(twin_path.c_str());

  bool ok = same(result, twin, twin_changed);
  std::printf("backtest, %zu leads, two definitions: %.3f s (%.3f s on one thread); SQLite twin %.3f s; "
              "%.1fx faster; %lld grades change; figures %s\n",
              n, best, one_thread, twin_best, twin_best / best, static_cast<long long>(result.changed),
              ok ? "match" : "DIFFER");
  return ok ? 0 : 1;
}
