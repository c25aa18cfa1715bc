// Lifecycle moves a lead through its stages (domain/stage.h holds the one
// transition table): a forbidden move is refused naming the allowed ones; a
// rejection needs a reason code from the active definition; every move is
// a stage_changed event with actor and time. Thread-safe (writes go through
// the intake's write lock).
#pragma once

#include <optional>
#include <string>

#include "domain/clock.h"
#include "engine/active_definition.h"
#include "engine/intake.h"
#include "store/store.h"

namespace leadloop {

struct TransitionInput {
  Stage to = Stage::kCaptured;
  std::string reason;  // required for rejected and lost
  std::string note;
  std::optional<int64_t> amount_cents;   // opportunity value
  std::optional<int64_t> revenue_cents;  // won revenue
};

class Lifecycle {
 public:
  Lifecycle(Store& store, const Clock& clock, Intake& intake, const ActiveDefinition& definition)
      : store_(store), clock_(clock), intake_(intake), definition_(definition) {}

  // Returns the lead after the move. kNotFound, kInvalidTransition (the
  // message lists the allowed stages) or kInvalidValue (reason).
  Result<Lead> transition(int64_t lead_id, const TransitionInput& in, const std::string& actor);

 private:
  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  const ActiveDefinition& definition_;
};

}  // namespace leadloop
