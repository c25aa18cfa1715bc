// The follow-up timers a lead carries (Lead::sla_due_at, Lead::decay_at), set
// in one place for every writer: grading plans decay, routing starts the SLA
// clock, the owner's first response stops it. FollowUp (follow_up.h) fires
// them. Pure functions.
#pragma once

#include "definition/document.h"
#include "domain/lead.h"

namespace leadloop {

// decay_at for the lead as it now stands: a warm lead in play decays
// `decay.warm_to_cold_days` after its last touch (or its capture); any other
// lead has no decay timer. `d` may be null (no active definition).
void plan_decay(const Definition* d, Lead& l);

// The lead was just given to its owner: the grade's SLA clock starts (no
// timer when the definition sets no SLA for the grade).
void start_sla(const Definition* d, Lead& l, TimePoint now);

// The owner responded (accept, reject or touch): the clock stops for good.
void stop_sla(Lead& l, TimePoint now);

// The lead goes back to a pool (queue, nurture, recycle): no owner, no clock.
void clear_owner(Lead& l);

// When the lead is reassigned after a breach at `breached_at`.
TimePoint reassign_due(const Definition* d, const Lead& l, TimePoint breached_at);

}  // namespace leadloop
