// Router decides who works a graded lead. By grade first (the definition's
// routing.by_grade): assign, nurture, recycle or queue. To assign, the
// definition's routing rules are tried in order and the first that holds
// names a team or a rep; without one, the team of the lead's region. Inside
// a team, round-robin: the eligible rep (active, not away, under capacity)
// assigned longest ago. It keeps the roster and each rep's open-lead count
// in memory: open() loads them, every writer that changes a lead's owner or
// stage reports it with note_change(). Routing itself writes nothing: it
// changes the lead and appends events for the caller's transaction.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/active_definition.h"
#include "engine/campaign_catalog.h"
#include "store/store.h"

namespace leadloop {

// Events and round-robin updates that a routing decision adds to the
// caller's mutation.
struct RoutingOutput {
  std::vector<LeadEvent>* events;
  std::vector<RepAssignment>* assignments;
  // A lead taken from one owner and given to another tells the new owner
  // ("reassigned"); null: nobody is told.
  std::vector<OutboxMessage>* outbox = nullptr;
};

// Where routing would send a lead: a rep (and the team it came through),
// or nobody, with the reason in words.
struct RouteChoice {
  std::string rep;   // empty: nobody eligible
  std::string team;
  std::string rule;  // "routing.rules[2]", "region EMEA", "rep", "manual"
  std::string why_not;  // when rep is empty
};

class Router {
 public:
  Router(Store& store, const CampaignCatalog& campaigns, const ActiveDefinition& definition)
      : store_(store), campaigns_(campaigns), definition_(definition) {}

  // Loads teams, reps and the open-lead counts. Call again after the roster
  // changed (reload_roster) or when counts may be off (a failed commit).
  Status open();

  // Routes a lead in a pool stage (captured, qualified, nurture, recycled)
  // without an owner, after grading, when the active definition has a
  // routing: section (without one, leads wait in the queue as captured). Leads with an owner, closed ones and
  // those graded unqualified (or not at all) stay where they are. `cause`
  // (e.g. "decayed") replaces "graded <grade>" as the reason of the move and
  // is recorded as its exit reason. Consent is honoured: a lead with every
  // channel denied is never given to a rep but leaves as opted_out, and one
  // with e-mail denied goes to recycle instead of the (e-mail) nurture
  // programme, the event saying why (not_nurtured).
  void route(Lead& lead, TimePoint now, RoutingOutput out, const std::string& cause = "");

  // Where routing would assign this lead now, never to `except`; nobody for
  // a person not to be contacted at all.
  RouteChoice choose(const Lead& lead, TimePoint now, const std::string& except = "");

  // Gives the lead to `to.rep` (stage assigned unless it is further along),
  // starting the SLA clock; appends the assigned event (and stage_changed)
  // and counts the lead for its new owner (no note_change needed).
  void give(Lead& lead, const RouteChoice& to, TimePoint now, const std::string& actor,
            const std::string& reason, RoutingOutput out);

  // The rep, if on the roster.
  std::optional<Rep> find_rep(const std::string& key) const;
  std::optional<Team> find_team(const std::string& key) const;
  std::vector<Rep> reps() const;
  int64_t open_leads(const std::string& rep) const;

  // Keeps the open-lead counts current: the lead as it was and as it is now.
  void note_change(const Lead* before, const Lead& after);

 private:
  struct RepState {
    Rep rep;
    int64_t open = 0;
  };
  bool eligible(const RepState& r) const { return r.rep.active && !r.rep.away && r.open < r.rep.capacity; }
  // REQUIRES: mu_ held.
  std::string pick_in_team(const std::string& team, const std::string& except) const;
  RouteChoice choose_locked(const Lead& lead, TimePoint now, const std::string& except) const;
  void count(const std::string& rep, int64_t delta);

  Store& store_;
  const CampaignCatalog& campaigns_;
  const ActiveDefinition& definition_;
  mutable std::mutex mu_;
  std::map<std::string, RepState> reps_;  // guarded by mu_
  std::map<std::string, Team> teams_;     // guarded by mu_
  int64_t last_assignment_ = 0;           // guarded by mu_
};

}  // namespace leadloop
