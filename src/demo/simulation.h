// A synthetic lead programme run through the real engine on a real SQLite
// file with a virtual clock: the campaigns and sales floor of programme.h
// and sales_floor.h, leads arriving through Intake on business days, the
// clock moving in 15-minute steps with FollowUp firing what is due at each
// step. The report is read back from the store's leads and events at the
// end, so it shows what the engine recorded. Deterministic: one seed, one
// report. `leadloop simulate` prints it; tests and the demo data use it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "demo/programme.h"
#include "domain/codec.h"
#include "engine/definition_versions.h"
#include "engine/dispatch.h"
#include "engine/follow_up.h"
#include "engine/lifecycle.h"
#include "store/sqlite/sqlite_store.h"

namespace leadloop {

// The engine wired as the server wires it: campaigns, the active
// definition, the router (which intake and lifecycle report to), definition
// versions, dispatch and follow-up, on one store and a clock. What the
// simulation and the demo's tests run on. Not movable: services refer to
// each other.
struct ScratchEngine {
  ScratchEngine(std::unique_ptr<SqliteStore> s, const Clock& clock);
  // Opens (creating) a scratch database, written without an fsync per
  // commit (Durability::kProcess), and loads campaigns and the active
  // definition. REQUIRES: router.open() and intake.open() once the roster
  // and the definition are in place.
  static Result<std::unique_ptr<ScratchEngine>> open(const std::string& path, const Clock& clock);

  std::unique_ptr<SqliteStore> store;
  CampaignCatalog campaigns;
  ActiveDefinition definition;
  Router router;
  Intake intake;
  DefinitionVersions versions;
  Lifecycle lifecycle;
  Dispatch dispatch;
  FollowUp follow_up;
};

struct SimulationOptions {
  uint64_t seed = 1;
  int months = 9;          // 1 to 36
  int leads_per_day = 40;  // on average per business day; 1 to 10,000
  Days start = 20458;      // 2026-01-05, a Monday
  // The database to write, which must not exist yet, and is kept. Empty: a
  // temporary file, removed after the run (see temp_simulation_db).
  std::string db;
  bool operator==(const SimulationOptions&) const = default;
};

// Checks the options: kInvalidValue naming the field at fault.
Status check_simulation_options(const SimulationOptions& o);

// A free temporary database path for a run with this seed.
std::string temp_simulation_db(uint64_t seed);

// How many leads reached a stage of the funnel, or further.
struct FunnelStage {
  std::string stage;  // captured, qualified, assigned, accepted, working, opportunity, won
  int64_t leads = 0;
  bool operator==(const FunnelStage&) const = default;
};

// What happened to the leads of one rep.
struct RepFigures {
  std::string rep;
  std::string responsiveness;  // fast, slow, never ("" for a manager)
  int64_t assigned = 0;        // times given a lead
  int64_t breaches = 0;        // SLA breaches on their leads
  int64_t lost_to_breach = 0;  // leads taken from them after a breach
  int64_t won = 0;
  bool operator==(const RepFigures&) const = default;
};

struct SimulationReport {
  SimulationOptions options;
  std::string from, to;                   // the programme's first and last day
  int64_t captured = 0;                   // leads created
  int64_t merged = 0;                     // re-captures merged into a lead
  std::map<std::string, int64_t> grades;  // grade at capture -> leads
  std::vector<FunnelStage> funnel;        // in funnel order
  // Why leads left the funnel, each time one did: "rejected:no_budget",
  // "lost:competitor", "decayed", "sla_breach", "disqualified", "opted_out".
  std::map<std::string, int64_t> exits;
  int64_t assignments = 0;        // assigned events: routing, desk and reassignment
  int64_t sla_breaches = 0;       // sla_breached events
  int64_t reassignments = 0;      // leads given to another rep after a breach
  int64_t requeues = 0;           // leads sent back to the queue after a breach
  int64_t decays = 0;             // warm leads that turned cold
  int64_t awaiting_response = 0;  // assigned leads whose owner has not answered yet
  // Speed to first response, assigned_at -> first_response_at of the
  // owner who answered, over `responded` leads; in minutes.
  int64_t responded = 0;
  int64_t response_median_minutes = 0;
  int64_t response_p90_minutes = 0;
  int64_t responded_within_sla = 0;  // of `responded`, answered before the grade's SLA
  int64_t won_revenue_cents = 0;     // revenue_cents of the moves to won
  int64_t open_opportunities = 0;
  int64_t open_pipeline_cents = 0;  // amount_cents of the open opportunities
  std::vector<RepFigures> reps;     // in rep key order
  std::vector<AwayWindow> away;     // when reps were away
  bool operator==(const SimulationReport&) const = default;
};

// Days done and the leads captured so far; called once per simulated day.
using SimulationProgress = std::function<void(int day, int days, int64_t leads)>;

Result<SimulationReport> simulate(const SimulationOptions& options,
                                  const SimulationProgress& progress = {});

// Reads the report of a programme from its store: `options` and `away` are
// copied in as they were run.
Result<SimulationReport> read_simulation_report(Store& store, const SimulationOptions& options,
                                                std::vector<AwayWindow> away);

// The one JSON mapping of a report.
Json to_json(const SimulationReport& r);

}  // namespace leadloop
