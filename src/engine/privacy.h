// Privacy answers a person's requests about the data Leadloop holds on them:
// subject access (everything about the person, as JSON) and erasure (the
// person's email, phone and name replaced by a tombstone, every free
// attribute and every answer gone, in current state, events, touches,
// messages and rejected import rows, while stage, grade, campaign and
// firmographics stay for the reports; the rule is in docs/privacy.md). Retention erases closed
// leads the same way once a period has passed. Thread-safe (writes go
// through the intake's write lock).
#pragma once

#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/codec.h"
#include "engine/intake.h"
#include "engine/router.h"
#include "store/store.h"

namespace leadloop {

struct ErasureReport {
  std::vector<int64_t> leads;  // the erased leads
  ErasureCounts counts;
};

// The tombstone that replaces a personal field of erased lead `id`.
std::string erasure_tombstone(int64_t id);
// The payload of an event of an erased lead: the keys reports read (stage
// moves, exits, owners, grades, amounts) and no free text or field value.
std::string redact_payload(const std::string& payload);

class Privacy {
 public:
  // `router`, when given, is told of leads the erasure closes (capacity).
  Privacy(Store& store, const Clock& clock, Intake& intake, Router* router = nullptr)
      : store_(store), clock_(clock), intake_(intake), router_(router) {}

  // Everything held about the person with this email or phone:
  // {"query", "leads": [{"lead", "events", "touches"}], "import_errors"}.
  // kInvalidValue when the text is neither an email nor a phone number.
  Result<Json> subject_access(const std::string& email_or_phone);

  // Erases every lead of the person in one transaction; open leads leave
  // the funnel as opted_out. Each lead gets an `erased` event naming
  // `actor` and `reason`. kNotFound when no lead holds the email or phone.
  Result<ErasureReport> erase(const std::string& email_or_phone, const std::string& actor,
                              const std::string& reason);

  // Retention: erases leads in a closed stage not updated since `cutoff`,
  // in batches. Returns how many were erased.
  Result<int64_t> erase_closed_before(TimePoint cutoff, const std::string& actor);

 private:
  Result<std::vector<Lead>> find(const std::string& email_or_phone);
  Result<ErasureReport> erase_leads(std::vector<Lead> leads, const std::vector<std::string>& needles,
                                    const std::string& actor, const std::string& reason);

  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  Router* router_;
};

}  // namespace leadloop
