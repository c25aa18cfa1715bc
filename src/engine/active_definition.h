// ActiveDefinition holds the lead definition that grades leads now (version
// and compiled document) and grades leads with it. Swapped atomically when
// a version is activated; readers keep the one they took. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "definition/grading.h"
#include "domain/event.h"
#include "engine/campaign_catalog.h"

namespace leadloop {

struct DefinitionVersion {
  int64_t version = 0;
  std::shared_ptr<const Definition> definition;
};

class ActiveDefinition {
 public:
  explicit ActiveDefinition(const CampaignCatalog& campaigns) : campaigns_(campaigns) {}

  // Null until a version is active.
  std::shared_ptr<const DefinitionVersion> get() const;
  void set(std::shared_ptr<const DefinitionVersion> v);

  // Grades `lead` with the active definition (if any): sets grade, score,
  // grading and definition_version. Returns the grade_changed event to
  // append when its grade changed (none for a lead not graded before and
  // still without a grade).
  std::optional<LeadEvent> regrade(Lead& lead, TimePoint now, const std::string& actor) const;

  // The same with a given version (activation grades with the new one).
  std::optional<LeadEvent> regrade_with(const DefinitionVersion& v, Lead& lead, TimePoint now,
                                        const std::string& actor) const;

  // Grades `lead` with `v` and returns the grade it had before; no event
  // (a new lead's first grade is part of its captured event).
  Grade grade(const DefinitionVersion& v, Lead& lead, TimePoint now) const;

 private:
  // Grades `lead` with `v`, stores the result on it and returns it.
  Grading apply(const DefinitionVersion& v, Lead& lead, TimePoint now) const;

  const CampaignCatalog& campaigns_;
  mutable std::mutex mu_;
  std::shared_ptr<const DefinitionVersion> active_;  // guarded by mu_
};

}  // namespace leadloop
