// `leadloop simulate --months 9 --seed N [--leads-per-day 40] [--db PATH |
// --keep-db] [--json]`: runs a synthetic programme and prints its funnel,
// exits, follow-up figures and reps as tables (or the report as JSON).
// Progress and timing go to stderr.
#include "cli/simulate_command.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/progress.h"
#include "demo/simulation.h"
#include "store/open_store.h"

namespace leadloop::cli {

namespace {

struct SimulateArgs {
  uint64_t seed = 1;
  int months = 9;
  int leads_per_day = 40;
  std::string start = "2026-01-05";
  std::string db;
  bool keep_db = false;
  bool json = false;
};

std::string dollars(int64_t cents) { return "$" + with_commas(cents / 100); }

std::string percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string duration(int64_t minutes) {
  if (minutes < 120) return std::to_string(minutes) + " min";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f h", static_cast<double>(minutes) / 60.0);
  return buf;
}

// One row of a table: a label padded to `width`, then right-aligned cells.
void row(const std::string& label, size_t width, std::initializer_list<std::string> cells) {
  std::string line = label;
  if (line.size() < width) line.append(width - line.size(), ' ');
  for (const std::string& c : cells) {
    std::string cell = c.size() < 12 ? std::string(12 - c.size(), ' ') + c : " " + c;
    line += cell;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  std::cout << line << "\n";
}

void print_report(const SimulationReport& r) {
  const SimulationOptions& o = r.options;
  std::cout << "Simulated programme " << r.from << " to " << r.to << " (" << o.months
            << " months), seed " << o.seed << ", " << o.leads_per_day
            << " leads per business day\n";
  std::cout << with_commas(r.captured) << " leads captured, " << with_commas(r.merged)
            << " re-captures merged; graded at capture:";
  for (const char* g : {"hot", "warm", "cold", "unqualified", "none"}) {
    auto it = r.grades.find(g);
    if (it != r.grades.end()) std::cout << " " << g << " " << with_commas(it->second);
  }
  std::cout << "\n\n";

  row("funnel", 14, {"leads", "of previous"});
  int64_t previous = 0;
  for (size_t i = 0; i < r.funnel.size(); ++i) {
    const FunnelStage& s = r.funnel[i];
    row(s.stage, 14, {with_commas(s.leads), i == 0 ? "" : percent(s.leads, previous)});
    previous = s.leads;
  }

  std::cout << "\n";
  row("exits (times a lead left)", 30, {"leads"});
  for (const auto& [reason, n] : r.exits) row(reason, 30, {with_commas(n)});

  std::cout << "\n";
  row("follow-up", 30, {""});
  row("assignments", 30, {with_commas(r.assignments)});
  row("SLA breaches", 30, {with_commas(r.sla_breaches)});
  row("reassigned after a breach", 30, {with_commas(r.reassignments)});
  row("requeued after a breach", 30, {with_commas(r.requeues)});
  row("warm leads decayed", 30, {with_commas(r.decays)});
  row("first responses", 30, {with_commas(r.responded)});
  row("  median time to respond", 30, {duration(r.response_median_minutes)});
  row("  90th percentile", 30, {duration(r.response_p90_minutes)});
  row("  within the grade's SLA", 30, {percent(r.responded_within_sla, r.responded)});
  row("still awaiting a response", 30, {with_commas(r.awaiting_response)});

  std::cout << "\n";
  row("pipeline", 30, {""});
  row("won revenue", 30, {dollars(r.won_revenue_cents)});
  row("open opportunities", 30, {with_commas(r.open_opportunities)});
  row("open pipeline", 30, {dollars(r.open_pipeline_cents)});

  std::cout << "\n";
  row("rep", 12, {"follows up", "assigned", "breaches", "lost to SLA", "won"});
  for (const RepFigures& f : r.reps) {
    row(f.rep, 12,
        {f.responsiveness, with_commas(f.assigned), with_commas(f.breaches),
         with_commas(f.lost_to_breach), with_commas(f.won)});
  }
  for (const AwayWindow& w : r.away) {
    std::cout << w.rep << " was away " << format_time_for_people(w.from) << " to "
              << format_time_for_people(w.to) << "\n";
  }
}

// Flag names for the fields check_simulation_options names.
std::string flag_of(const std::string& field) {
  std::string flag = "--" + field;
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

int run_simulate(const SimulateArgs& a) {
  SimulationOptions o;
  o.seed = a.seed;
  o.months = a.months;
  o.leads_per_day = a.leads_per_day;
  auto start = parse_date(a.start);
  if (!start.ok()) return fail(Status(start.status().code(), start.status().message(), "--start"));
  o.start = *start;
  o.db = a.db.empty() && a.keep_db ? temp_simulation_db(a.seed) : a.db;
  if (is_postgres_url(o.db)) {
    // A simulation writes a scratch file as fast as it can (Durability::kProcess).
    fail(Status(ErrorCode::kInvalidValue, "simulate writes a new SQLite file; give a path, not a URL", "--db"));
    return 2;
  }
  if (Status st = check_simulation_options(o); !st.ok()) {
    fail(Status(st.code(), st.message(), flag_of(st.field())));
    return 2;
  }
  SystemClock wall;
  const TimePoint began = wall.now();
  ProgressBar bar("simulating", wall);
  auto report = simulate(o, [&](int day, int days, int64_t leads) {
    bar.update(static_cast<size_t>(day), static_cast<size_t>(days),
               "day " + std::to_string(day) + "/" + std::to_string(days) + ", " +
                   with_commas(leads) + " leads");
  });
  bar.finish();
  if (!report.ok()) return fail(report.status());
  if (a.json) {
    std::cout << to_json(*report).dump(2) << "\n";
  } else {
    print_report(*report);
  }
  std::cout.flush();
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f", static_cast<double>(wall.now() - began) / 1000.0);
  std::cerr << "simulated in " << secs << " s; "
            << (o.db.empty() ? std::string("its database was removed") : "database kept in " + o.db)
            << "\n";
  return 0;
}

}  // namespace

void add_simulate_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SimulateArgs>();
  auto* s = app.add_subcommand("simulate",
                               "Run a synthetic lead programme through the real engine with a "
                               "virtual clock; print the funnel");
  s->add_option("--months", args->months, "How long the programme runs (1 to 36)")
      ->capture_default_str();
  s->add_option("--seed", args->seed, "Random seed (same seed, same report)")
      ->capture_default_str();
  s->add_option("--leads-per-day", args->leads_per_day,
                "Leads arriving per business day, on average")
      ->capture_default_str();
  s->add_option("--start", args->start, "First day of the programme (YYYY-MM-DD)")
      ->capture_default_str();
  auto* db = s->add_option("--db", args->db,
                           "Write the simulation to this new database file, and keep it");
  s->add_flag("--keep-db", args->keep_db, "Keep the temporary database and print where it is")
      ->excludes(db);
  s->add_flag("--json", args->json, "Print the report as JSON");
  s->callback([args, exit_code] { *exit_code = run_simulate(*args); });
}

}  // namespace leadloop::cli
