// Consent per channel and do-not-contact (docs/privacy.md). ConsentDesk
// records what a person said about being contacted: the lead and a
// consent_changed event in one transaction, with what it means for where the
// lead stands (honour_consent): a person not to be contacted at all leaves
// the funnel as opted_out; one who denied e-mail leaves the nurture
// programme. Intake honours the consent a re-capture brings the same way.
// Thread-safe (writes go through the intake's write lock).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "engine/active_definition.h"
#include "engine/intake.h"
#include "engine/router.h"
#include "store/store.h"

namespace leadloop {

// A change of consent: a value per channel (nullopt: as it is) and/or
// do_not_contact, which denies every channel.
struct ConsentInput {
  std::optional<Consent> email;
  std::optional<Consent> phone;
  std::optional<Consent> mail;
  bool do_not_contact = false;
  std::string source;  // where the wish came from: "unsubscribe link", "call"
  std::string note;
};

struct ConsentAnswer {
  Lead lead;                         // after the change
  std::vector<std::string> changed;  // channels that changed; empty: nothing was written
};

// The consent_changed event of a change from `before` to `lead.consent`:
// {"channels": {name: {"from", "to"}}, "source", "note"} with only the
// channels that changed (note left out when empty); nullopt when none did.
std::optional<LeadEvent> consent_event(const ConsentFlags& before, const Lead& lead, TimePoint now,
                                       const std::string& actor, std::string_view source,
                                       std::string_view note);

// What the lead's consent means for where it stands: with every channel
// denied an open lead leaves as opted_out (owner released, follow-up timers
// cleared, not counted as the owner's response); with e-mail denied a lead
// in the nurture programme (e-mail) moves to the recycle pool. Appends the
// stage_changed event (Lifecycle's move_stage) and tells `router` (may be
// null) of the released owner at once, as Router::give counts at the
// decision: after a failed commit the caller reopens the router. Returns
// whether the lead moved. Costs three compares when there is nothing to do.
// REQUIRES: the caller holds the intake's write lock.
bool honour_consent(Lead& lead, const Definition* definition, TimePoint now,
                    const std::string& actor, std::vector<LeadEvent>& events, Router* router);

class ConsentDesk {
 public:
  // `router`, when given, is told of owners released (capacity).
  ConsentDesk(Store& store, const Clock& clock, Intake& intake, const ActiveDefinition& definition,
              Router* router = nullptr)
      : store_(store), clock_(clock), intake_(intake), definition_(definition), router_(router) {}

  // Sets the lead's consent as `in` says, by `actor`. Idempotent: when no
  // channel changes and the lead need not move, nothing is written and
  // `changed` is empty. kNotFound; kInvalidValue (field do_not_contact) when
  // do_not_contact comes with a channel granted.
  Result<ConsentAnswer> set(int64_t lead_id, const ConsentInput& in, const std::string& actor);

 private:
  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  const ActiveDefinition& definition_;
  Router* router_;
};

}  // namespace leadloop
