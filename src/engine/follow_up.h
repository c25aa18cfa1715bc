// FollowUp fires the timers that leads carry (timers.h): the follow-up SLA
// breach (a sla_breached event and an outbox message to the manager of the
// owner's team), the reassignment after the second threshold (to another rep
// by the routing rules, or back to the queue with exit reason sla_breach),
// and warm-to-cold decay (a decayed event; the cold lead is then routed as
// the definition says, usually to the recycle pool). A timer fires in the
// transaction that applies its effect and clears or moves it, under the
// intake's write lock after re-reading the lead, so each fires exactly once,
// also across a crash or a restart, at the injected clock's time.
// Thread-safe; the server calls run_due() every second.
#pragma once

#include "domain/clock.h"
#include "engine/active_definition.h"
#include "engine/intake.h"
#include "engine/router.h"
#include "store/store.h"

namespace leadloop {

struct FollowUpRun {
  int64_t breached = 0;    // SLA breaches escalated
  int64_t reassigned = 0;  // leads given to another rep
  int64_t requeued = 0;    // leads sent back to the queue (nobody to take them)
  int64_t decayed = 0;     // warm leads turned cold
  int64_t fired() const { return breached + reassigned + requeued + decayed; }
};

class FollowUp {
 public:
  FollowUp(Store& store, const Clock& clock, Intake& intake, Router& router, const ActiveDefinition& definition)
      : store_(store), clock_(clock), intake_(intake), router_(router), definition_(definition) {}

  // Fires every timer due at the clock's now, in due order.
  Result<FollowUpRun> run_due();

 private:
  // Applies the lead's due timers to `c`; false when none was due anymore.
  bool fire(LeadChange& c, Mutation& m, TimePoint now, FollowUpRun& run);
  void breach(LeadChange& c, Mutation& m, TimePoint now, const Definition* d);
  void reassign(LeadChange& c, Mutation& m, TimePoint now, FollowUpRun& run);
  void decay(LeadChange& c, Mutation& m, TimePoint now, const Definition* d);

  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  Router& router_;
  const ActiveDefinition& definition_;
};

}  // namespace leadloop
