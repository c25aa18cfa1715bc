// Dispatch is the campaign owner's dissemination desk: the queue of leads
// waiting for an owner, and manual, bulk and re-assignment. Giving a lead
// to a rep starts its follow-up SLA clock; taking it from one (a
// reassignment) needs a reason, recorded on the assigned event. Writes go
// through the intake's write lock, one transaction per call. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "domain/clock.h"
#include "engine/intake.h"
#include "engine/router.h"
#include "store/store.h"

namespace leadloop {

struct AssignRequest {
  std::vector<int64_t> lead_ids;
  std::string rep;     // empty: the routing rules choose (never the current owner)
  std::string reason;  // required when a lead already has an owner
};

struct AssignOutcome {
  int64_t lead_id = 0;
  std::string owner;  // the new owner when assigned
  Status error;       // why this lead was not assigned
};

class Dispatch {
 public:
  Dispatch(Store& store, const Clock& clock, Intake& intake, Router& router)
      : store_(store), clock_(clock), intake_(intake), router_(router) {}

  // Leads waiting for an owner (captured or qualified, no owner), oldest
  // first; campaign "" means every campaign.
  Result<std::vector<Lead>> queue(const std::string& campaign, int64_t after_id, int limit);
  // The queue's filter (leads without an owner, captured or qualified, of
  // `campaign` or any), for callers that narrow it to a scope first.
  static LeadFilter queue_filter(const std::string& campaign);

  // Assigns each lead; one outcome per id, in order. The leads that can be
  // assigned are committed together; the others say why not. Fails as a
  // whole only for a bad rep (kInvalidValue) or a store failure.
  Result<std::vector<AssignOutcome>> assign(const AssignRequest& r, const std::string& actor);

  // Routes every lead without an owner in a pool stage (captured, qualified,
  // nurture, recycled) as the active definition says now: after a version is
  // activated, leads it graded hot go to reps, warm ones to nurture, and so
  // on. Commits in batches; returns how many leads moved.
  Result<int64_t> route_waiting();

 private:
  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  Router& router_;
};

}  // namespace leadloop
