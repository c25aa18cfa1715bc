// The demo data set: campaigns of every channel (one run by a telemarketing
// vendor), teams and reps in three regions, and leads captured day by day
// over nine months with touches, call data points (also from conversations
// that produced no lead) and re-captures that merge. Deterministic: the same
// seed and options give the same database. Everything goes through Intake,
// so demo data gets the validation and history of real capture. The cast and
// the reps' behaviour are the simulation's (programme.h, sales_floor.h).
#pragma once

#include <cstdint>
#include <functional>

#include "domain/clock.h"
#include "engine/definition_versions.h"
#include "engine/follow_up.h"
#include "engine/intake.h"
#include "engine/lifecycle.h"
#include "engine/router.h"
#include "measure/goals.h"

namespace leadloop {

struct DemoOptions {
  uint64_t seed = 42;
  int leads = 5000;
  Days start = 0;   // first day; the programme runs nine months from it
  int days = 273;   // nine months
  // The day (counted from `start`) marketing and sales co-sign the lead
  // definition and agree the programme's goals. Before it there is no
  // definition: leads stay ungraded, marketing hands them to reps by hand,
  // no SLA is tracked and reps answer in days. After it, leads are graded
  // and routed at once, with SLAs. 0: signed on the first day.
  int sign_day = 91;
  // Opportunities close this many days after they open, and leads become
  // opportunities and are won more often than in the simulation's programme
  // (six to nine months; sales_floor.h, FloorPace), so that nine months
  // show their wins.
  int cycle_min_days = 14;
  int cycle_max_days = 60;
  double odds_scale = 1.5;
};

struct DemoSummary {
  int campaigns = 0;
  int teams = 0;
  int reps = 0;
  int64_t created = 0;
  int64_t merged = 0;
  int64_t rejected = 0;
  int64_t touches = 0;
  int64_t definition_version = 0;  // the signed, active demo definition
  TimePoint signed_at = 0;         // when it was signed and activated
  int goals = 0;                   // goals agreed by both sides
  int64_t transitions = 0;         // sales feedback and outcomes
  // With a router and follow-up (DemoServices): what FollowUp fired.
  int64_t sla_breaches = 0;
  int64_t reassignments = 0;
  int64_t requeues = 0;
  int64_t decays = 0;
};

// The services the demo writes through. definitions and lifecycle may be
// null: then no definition is signed and sales gives no feedback. With a
// router (the one `intake` and `lifecycle` were built with) and follow_up
// too, leads are routed as they arrive, the clock moves hour by hour with
// FollowUp firing what is due, and the sales floor (sales_floor.h) answers
// leads as its reps do: real assignments, SLA breaches, reassignments and
// decay. Without them, sales answers each new lead at once.
struct DemoServices {
  Store& store;
  CampaignCatalog& campaigns;
  Intake& intake;
  DefinitionVersions* definitions = nullptr;
  Lifecycle* lifecycle = nullptr;
  Router* router = nullptr;
  FollowUp* follow_up = nullptr;
  Goals* goals = nullptr;  // with definitions: the goals agreed at signing
};

// REQUIRES: `clock` is the clock the services were built with; the
// generator moves it through the programme.
Result<DemoSummary> generate_demo(const DemoServices& services, ManualClock& clock, const DemoOptions& options,
                                  const std::function<void(int64_t, int64_t)>& progress = {});

// The demo's lead definition document (src/demo/lead_definition.yaml).
std::string_view demo_definition_document();

}  // namespace leadloop
