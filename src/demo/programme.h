// The cast of a synthetic lead programme, shared by the demo data and the
// simulation: campaigns of every channel (two run by the telemarketing
// vendor CallPro), three regional sales teams whose reps each follow up in
// their own way (fast, slow, never; one is away part of the time), and the
// people the campaigns find. Plain data and generators driven by a seeded
// Rng (rng.h); only the set-up functions write, through the given services.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "demo/rng.h"
#include "domain/campaign.h"
#include "domain/lead.h"
#include "engine/campaign_catalog.h"
#include "engine/definition_versions.h"
#include "store/store.h"

namespace leadloop {

struct CampaignSeed {
  std::string_view key, name;
  Channel channel;
  std::string_view owner, vendor;
  int64_t cost_cents;
  int weight;       // share of the leads
  int starts_after;  // days after the programme's start
};
std::span<const CampaignSeed> programme_campaigns();

// Creates the programme's campaigns that do not exist yet, running from
// `start` for `days` (but not those that would start after it); returns how
// many it created.
Result<int> create_campaigns(CampaignCatalog& campaigns, Days start, int days);

// The campaign of the next lead captured on `day`, by the campaigns' weights
// (a campaign that has not started yet finds nobody).
const CampaignSeed& pick_campaign(Rng& rng, Days day, Days start);

// A new person found by campaign `c`; `serial` keeps emails unique.
Lead make_lead(Rng& rng, const CampaignSeed& c, int64_t serial);

// `l` found again by campaign `c`: the same person, the email in capitals,
// no title. Intake merges it into the lead it already has.
Lead recapture(Lead l, const CampaignSeed& c);

// How a rep follows up a lead given to them.
enum class Responsiveness : uint8_t {
  kFast,   // answers within the hour
  kSlow,   // answers after 8 to 30 hours: usually past the hot SLA
  kNever,  // never answers: every lead breaches and is reassigned
};
std::string_view responsiveness_name(Responsiveness r);

struct RepSeed {
  std::string_view key, name, team, region;
  int capacity;
  Responsiveness responsiveness;
  bool part_time_away;  // away two weeks in every eight (away_schedule)
};
std::span<const RepSeed> programme_reps();
// The rep's seed, or null for a rep not in the programme (a manager).
const RepSeed* find_rep_seed(std::string_view key);

// Creates or updates the teams (each with its manager, a rep with no
// capacity) and the reps. Counts what it wrote into *teams and *reps.
Status seed_roster(Store& store, int* teams, int* reps);

// When a rep is away: [from, to).
struct AwayWindow {
  std::string rep;
  TimePoint from = 0;
  TimePoint to = 0;
  bool operator==(const AwayWindow&) const = default;
};
// The away windows of the part-time-away reps between start and end: two
// weeks, every eight weeks, the first three weeks in.
std::vector<AwayWindow> away_schedule(TimePoint start, TimePoint end);

// Marketing and sales sign the demo definition (demo_definition_document())
// and activate it, as two people would, unless a definition is active
// already. Returns the active version.
Result<int64_t> sign_demo_definition(DefinitionVersions& definitions);

}  // namespace leadloop
