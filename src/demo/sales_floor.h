// The sales floor of a synthetic programme: the reps of programme.h follow
// up the leads they are given, each in their own way (fast, slow, never;
// away part of the time), accept or reject with the definition's reason
// codes, work what they accept and win or lose opportunities on a six to
// nine month cycle; marketing nurtures warm leads, recycles rejected ones
// and works the dissemination queue. The floor only decides what happens
// and when: every move goes through the engine (Lifecycle, Intake touches,
// Dispatch) at the clock's time, so SLA breaches, reassignments and decay
// are the engine's own. Deterministic for its Rng. Not thread-safe: one
// driver steps the clock and calls act().
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "demo/programme.h"
#include "demo/rng.h"
#include "domain/clock.h"
#include "engine/dispatch.h"
#include "engine/lifecycle.h"
#include "engine/router.h"

namespace leadloop {

// How fast the floor moves. Before `slow_until` every rep answers a new
// lead in one to six days, as a floor with no SLA and no agreed definition
// does; after it, fast reps within the hour and the others within the SLA
// (1 to 4 hours). With no `slow_until` (0), each rep at their own pace:
// fast, slow (8 to 30 hours) or never. An opportunity is expected to
// close `cycle_min_days` to `cycle_max_days` after it opens. A worked lead
// becomes an opportunity, and an opportunity is won, with its grade's odds
// times `odds_scale` (at most 0.9).
struct FloorPace {
  TimePoint slow_until = 0;
  int cycle_min_days = 183;
  int cycle_max_days = 273;
  double odds_scale = 1.0;
};

struct FloorServices {
  Store& store;
  Intake& intake;  // routes with `router`
  Lifecycle& lifecycle;
  Dispatch& dispatch;
  Router& router;
  std::vector<std::string> reject_reasons;  // the codes reps reject with: the definition's
  FloorPace pace = {};
};

// What the floor did, for summaries; reports read the store instead.
struct FloorCounts {
  int64_t moves = 0;       // lifecycle transitions
  int64_t touches = 0;     // calls, meetings and nurture replies logged
  int64_t handed_out = 0;  // leads given to sales from the queue or a pool
};

class SalesFloor {
 public:
  // `away`: when reps are away (programme.h's away_schedule).
  SalesFloor(const FloorServices& services, const Clock& clock, Rng& rng,
             std::vector<AwayWindow> away);

  // Marks reps away and back, as the schedule says, up to the clock's now.
  Status update_roster();

  // A lead as it now stands (after a capture, touch or assignment): when it
  // was just given to a rep, plans that rep's first response; when it was
  // just put in nurture, maybe plans the nurture programme's next reply.
  void observe(const Lead& lead);
  // Observes again the leads given to a rep whose SLA has run out: call
  // after FollowUp reassigned leads, to plan the new owners' responses.
  Status observe_breached();

  // The dissemination desk: every lead waiting in the queue (qualified, no
  // owner) goes to a rep by the routing rules, if one can take it.
  Status work_queue();
  // A campaign owner gives a lead that routing left in a pool (nurture,
  // recycle) or unqualified to sales, `days` from now: to `rep`, or to the
  // rep the routing rules choose when empty.
  void hand_out(int64_t lead_id, int days, std::string rep = "");

  // Does everything planned up to the clock's now, in the planned order.
  Status act();

  const FloorCounts& counts() const { return counts_; }

 private:
  enum class Step : uint8_t {
    kRespond,
    kWork,
    kQualify,
    kClose,
    kAfterReject,
    kNurtureReply,
    kHandOut
  };
  struct Plan {
    Step step;
    int64_t lead = 0;
    std::string rep;      // who acts ("" for marketing)
    TimePoint stint = 0;  // kRespond: the assignment (assigned_at) it answers
    int64_t amount_cents = 0;
    std::string reason;  // kAfterReject: the reject reason
    std::string to_rep;  // kHandOut: the rep to give the lead to ("" for routing)
  };

  void plan(TimePoint at, Plan p) { agenda_.emplace(at, std::move(p)); }
  // When `rep` is back if away at `t`; 0 when present.
  TimePoint back_at(const std::string& rep, TimePoint t) const;
  TimePoint response_delay(Responsiveness r);
  Status run(const Plan& p, TimePoint now);
  Status respond(const Lead& lead, const Plan& p, TimePoint now);
  Status work(const Lead& lead, const Plan& p, TimePoint now);
  Status qualify(const Lead& lead, const Plan& p, TimePoint now);
  Status close(const Lead& lead, const Plan& p);
  Status after_reject(const Lead& lead, const Plan& p);
  Status nurture_reply(const Lead& lead);
  Status hand_out_now(const Lead& lead, const Plan& p);
  Status move(int64_t lead, TransitionInput in, const std::string& actor);
  Status touch(const Lead& lead, Medium medium, Direction direction, const std::string& outcome,
               Attributes data_points, const std::string& actor);

  FloorServices svc_;
  const Clock& clock_;
  Rng& rng_;
  std::vector<AwayWindow> away_;
  struct RosterChange {
    TimePoint at;
    std::string rep;
    bool away;
  };
  std::vector<RosterChange> roster_changes_;  // in time order
  size_t roster_next_ = 0;
  // Ordered by time, then by when planned: a fixed order for one seed.
  std::multimap<TimePoint, Plan> agenda_;
  std::map<int64_t, TimePoint> stints_;    // lead -> the assignment whose response is planned
  std::map<int64_t, TimePoint> awaiting_;  // assigned lead, not answered yet -> its SLA deadline
  std::set<int64_t> nurturing_;            // leads with a nurture reply planned
  FloorCounts counts_;
};

}  // namespace leadloop
