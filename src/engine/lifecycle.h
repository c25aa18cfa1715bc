// Lifecycle moves a lead through its stages (domain/stage.h holds the one
// transition table): a forbidden move is refused naming the allowed ones; a
// rejection needs a reason code from the active definition; every move is
// a stage_changed event with actor and time, and the exit reason when the
// lead leaves the funnel. The owner's first move stops the follow-up SLA
// clock; a move back to a pool (queue, nurture, recycle) releases the owner.
// Giving a lead an owner is Dispatch's job (dispatch.h). Thread-safe
// (writes go through the intake's write lock).
#pragma once

#include <optional>
#include <string>

#include "domain/clock.h"
#include "engine/active_definition.h"
#include "engine/intake.h"
#include "engine/router.h"
#include "store/store.h"

namespace leadloop {

struct TransitionInput {
  Stage to = Stage::kCaptured;
  std::string reason;  // required for rejected and lost
  std::string note;
  std::optional<int64_t> amount_cents;   // opportunity value
  std::optional<int64_t> revenue_cents;  // won revenue
  std::optional<TimePoint> expected_close;  // opportunity
  // Entered by the actor for this person (a campaign owner for a rep):
  // the event records both.
  std::string on_behalf_of;
  // A feedback link answered by this move: used in the same transaction,
  // which fails with kConflict if the link was used already.
  std::optional<int64_t> feedback_link;
  // The person's own wish (an opt-out), not the owner's move: the owner is
  // released and the move does not count as their response.
  bool release_owner = false;
};

// Moves `lead` to `in.to` as every stage move does: the follow-up clock,
// the owner, the decay timer, and the stage_changed event (with the exit
// reason when the lead leaves the funnel) for the caller's mutation. No
// checks and no write. REQUIRES: transition_allowed(lead.stage, in.to); the
// caller holds the intake's write lock. `definition` may be null.
LeadEvent move_stage(Lead& lead, const TransitionInput& in, const Definition* definition, TimePoint now,
                     const std::string& actor);

// One move of a batch (a history being loaded, or many outcomes at once):
// which lead, the move, and when it happened.
struct RecordedMove {
  int64_t lead_id = 0;
  TransitionInput input;
  std::optional<TimePoint> at;  // when the move happened (not in the future); unset: now
};

struct RecordedOutcome {
  Status error;                   // ok: recorded
  Stage stage = Stage::kCaptured; // the lead's stage after the move
};

class Lifecycle {
 public:
  // `router`, when given, is told of owner and stage changes (capacity).
  Lifecycle(Store& store, const Clock& clock, Intake& intake, const ActiveDefinition& definition,
            Router* router = nullptr)
      : store_(store), clock_(clock), intake_(intake), definition_(definition), router_(router) {}

  // Returns the lead after the move. kNotFound, kInvalidTransition (the
  // message lists the allowed stages), kInvalidValue (reason; a move to
  // assigned, which needs an owner) or kConflict (a used feedback link).
  Result<Lead> transition(int64_t lead_id, const TransitionInput& in, const std::string& actor);

  // Records many moves in one transaction, in order (a lead may move
  // several times), each checked as transition() checks it, plus: `at`
  // not in the future and not before the lead's previous move in this
  // batch. Each move's event carries its own time. One outcome per move: a
  // refused move changes nothing, the others are stored. Fails as a whole
  // only when the store fails (then nothing is stored). Feedback links are
  // not taken here.
  Result<std::vector<RecordedOutcome>> record(const std::vector<RecordedMove>& moves, const std::string& actor);

 private:
  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  const ActiveDefinition& definition_;
  Router* router_;
};

}  // namespace leadloop
