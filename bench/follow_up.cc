// Routing and follow-up speed on a real SQLite file with a manual clock:
//  1. capture N leads through Intake with the routing of the definition
//     below, against the same capture with routing off (no routing:
//     section): the cost of routing at capture;
//  2. fire the SLA breaches of every hot lead (events, outbox, timers) with
//     FollowUp::run_due(), against its SQL twin: the same events, outbox
//     rows and timer updates as three set-based statements in one
//     transaction on a copy of the file.
//
//   leadloop_bench_follow_up [--leads N] [--dir DIR]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "engine/follow_up.h"
#include "store/sqlite/sqlite_store.h"

namespace leadloop {
namespace {

constexpr const char* kRouting = R"(routing:
  by_grade: {hot: assign, warm: nurture, cold: recycle}
  rules:
    - when: employees >= 5000
      team: enterprise
)";

constexpr const char* kDefinition = R"(name: Bench definition
required_fields: [email]
grades:
  hot:
    - when: title matches "VP|Director|Head"
  warm:
    - when: title matches "Manager"
  cold: []
decay: {warm_to_cold_days: 30}
sla_hours: {hot: 4, warm: 48}
)";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void check(const Status& st) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    std::exit(1);
  }
}

struct Programme {
  explicit Programme(const std::string& path, bool routing) : clock(1772445600000) {
    store = std::move(SqliteStore::open(path)).value();
    campaigns = std::make_unique<CampaignCatalog>(*store, clock);
    check(campaigns->load());
    Campaign c;
    c.key = "web";
    c.channel = Channel::kWeb;
    check(campaigns->create(c).status());
    const char* regions[] = {"NA", "EMEA", "APAC"};
    for (const char* region : regions) check(store->put_team({region, region, region, std::string("mgr-") + region}));
    check(store->put_team({"enterprise", "Enterprise", "", "mgr-ent"}));
    for (int i = 0; i < 40; ++i) {
      Rep r;
      r.key = "rep" + std::to_string(i);
      r.team = i < 10 ? "enterprise" : regions[i % 3];
      r.capacity = 1000000;
      check(store->put_rep(r));
    }
    definition = std::make_unique<ActiveDefinition>(*campaigns);
    auto parsed = parse_definition(std::string(kDefinition) + (routing ? kRouting : ""));
    if (!parsed.definition) check(issues_status(parsed.issues));
    definition->set(std::make_shared<DefinitionVersion>(DefinitionVersion{1, parsed.definition}));
    router = std::make_unique<Router>(*store, *campaigns, *definition);
    check(router->open());
    intake = std::make_unique<Intake>(*store, clock, *campaigns, definition.get(), router.get());
    check(intake->open());
    follow_up = std::make_unique<FollowUp>(*store, clock, *intake, *router, *definition);
  }

  // Captures n leads in batches of 10,000; returns the seconds taken.
  double capture(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    const char* titles[] = {"VP Sales", "IT Manager", "Analyst", "Head of Ops", "Coordinator", "Sales Manager"};
    const char* regions[] = {"NA", "EMEA", "APAC"};
    auto t0 = std::chrono::steady_clock::now();
    for (size_t done = 0; done < n;) {
      std::vector<Result<Lead>> batch;
      for (size_t i = 0; i < 10000 && done < n; ++i, ++done) {
        Lead l;
        l.email = "p" + std::to_string(done) + "@example.com";
        l.title = titles[rng() % 6];
        l.region = regions[rng() % 3];
        l.employees = static_cast<int64_t>(rng() % 10000);
        l.source_campaign = "web";
        batch.emplace_back(std::move(l));
      }
      check(intake->capture(std::move(batch), {"bench", "bench"}).status());
    }
    return seconds_since(t0);
  }

  ManualClock clock;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<CampaignCatalog> campaigns;
  std::unique_ptr<ActiveDefinition> definition;
  std::unique_ptr<Router> router;
  std::unique_ptr<Intake> intake;
  std::unique_ptr<FollowUp> follow_up;
};

// The breach as SQL: the events, the outbox messages and the timers' next
// state for every lead due, in one transaction.
double sql_twin_breach(const std::string& path, TimePoint now, int64_t* rows) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  const std::string t = std::to_string(now);
  const std::string sql =
      "BEGIN IMMEDIATE;"
      "INSERT INTO lead_events (lead_id, type, at, actor, payload) SELECT id, 'sla_breached', " + t +
      ", 'follow_up', json_object('owner', owner, 'due_at', sla_due_at, 'grade', grade) FROM leads "
      "WHERE sla_due_at <= " + t + " AND sla_level = 0 AND stage = 'assigned';"
      "INSERT INTO outbox (kind, recipient, lead_id, at, payload) SELECT 'sla_breach', t.manager, l.id, " + t +
      ", json_object('owner', l.owner) FROM leads l JOIN reps r ON r.key = l.owner JOIN teams t ON t.key = r.team "
      "WHERE l.sla_due_at <= " + t + " AND l.sla_level = 0 AND l.stage = 'assigned';"
      "UPDATE leads SET sla_level = 1, sla_due_at = sla_due_at + 7200000, updated_at = " + t +
      " WHERE sla_due_at <= " + t + " AND sla_level = 0 AND stage = 'assigned';"
      "COMMIT;";
  auto t0 = std::chrono::steady_clock::now();
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "twin: %s\n", err);
    std::exit(1);
  }
  double s = seconds_since(t0);
  *rows = sqlite3_total_changes(db);
  sqlite3_close(db);
  return s;
}

int run(size_t n, const std::string& dir) {
  std::filesystem::create_directories(dir);
  const std::string routed_path = dir + "/routed.db", plain_path = dir + "/plain.db", twin_path = dir + "/twin.db";
  for (const auto& p : {routed_path, plain_path, twin_path}) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  }
  std::printf("== routing and follow-up: %zu leads, 40 reps in 4 teams\n", n);
  double plain = Programme(plain_path, false).capture(n, 7);
  Programme routed(routed_path, true);
  double with_routing = routed.capture(n, 7);
  std::printf("capture without routing   %8.2f s  %9.0f leads/s\n", plain, n / plain);
  std::printf("capture with routing      %8.2f s  %9.0f leads/s  (%.2fx the time)\n", with_routing, n / with_routing,
              with_routing / plain);

  routed.clock.advance(4 * kMillisPerHour);
  for (const char* suffix : {"", "-wal"}) {
    if (std::filesystem::exists(routed_path + suffix)) std::filesystem::copy_file(routed_path + suffix, twin_path + suffix);
  }
  auto t0 = std::chrono::steady_clock::now();
  auto breaches = routed.follow_up->run_due();
  check(breaches.status());
  double engine = seconds_since(t0);
  int64_t twin_rows = 0;
  double twin = sql_twin_breach(twin_path, routed.clock.now(), &twin_rows);
  std::printf("SLA breaches fired        %8.2f s  %9.0f timers/s  (%lld breaches, each an event + outbox message)\n",
              engine, breaches->breached / engine, static_cast<long long>(breaches->breached));
  std::printf("  SQLite twin (set-based) %8.2f s  (%lld rows written)  engine/twin = %.2fx\n", twin,
              static_cast<long long>(twin_rows), engine / twin);

  routed.clock.advance(4 * kMillisPerHour);  // reassign_after_hours: the hot SLA again
  t0 = std::chrono::steady_clock::now();
  auto reassigned = routed.follow_up->run_due();
  check(reassigned.status());
  double r = seconds_since(t0);
  std::printf("reassignments fired       %8.2f s  %9.0f timers/s  (%lld leads)\n", r, reassigned->reassigned / r,
              static_cast<long long>(reassigned->reassigned));
  routed.clock.advance(31 * kMillisPerDay);
  t0 = std::chrono::steady_clock::now();
  auto decayed = routed.follow_up->run_due();
  check(decayed.status());
  double d = seconds_since(t0);
  std::printf("decay and later timers    %8.2f s  %9.0f timers/s  (%lld decayed, %lld breached again)\n", d,
              decayed->fired() / d, static_cast<long long>(decayed->decayed), static_cast<long long>(decayed->breached));
  return 0;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) {
  size_t leads = 100000;
  std::string dir = "/tmp/leadloop-bench-follow-up";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--leads")) leads = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  return leadloop::run(leads, dir);
}
