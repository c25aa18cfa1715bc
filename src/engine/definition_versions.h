// DefinitionVersions runs the life of the lead definition: drafts created
// and edited freely, sign-off of one exact content by marketing and by
// sales, and activation, which re-grades every open lead atomically with a
// grade_changed event for each lead whose grade moved. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "definition/document.h"
#include "domain/clock.h"
#include "engine/active_definition.h"
#include "engine/intake.h"
#include "store/store.h"

namespace leadloop {

// The sides that must both sign a version before it can be activated.
inline constexpr std::string_view kMarketingSide = "marketing";
inline constexpr std::string_view kSalesSide = "sales";

// A document that did not parse: the issues, all of them.
struct DefinitionRejected {
  Status status;  // the first issue as a Status (kInvalidValue)
  std::vector<DefinitionIssue> issues;
};

class DefinitionVersions {
 public:
  DefinitionVersions(Store& store, const Clock& clock, Intake& intake, ActiveDefinition& active)
      : store_(store), clock_(clock), intake_(intake), active_(active) {}

  // Loads the active version, if any, into ActiveDefinition.
  Status load();

  // A new draft from a document (YAML or JSON). On a bad document, fills
  // `rejected` and returns its status.
  Result<DefinitionRecord> create(std::string_view source, const std::string& actor,
                                  DefinitionRejected* rejected = nullptr);
  // Replaces a draft's document; voids its approvals.
  Result<DefinitionRecord> edit(int64_t version, std::string_view source, const std::string& actor,
                                DefinitionRejected* rejected = nullptr);

  // Records `side`'s approval of `hash` (must be the version's current one).
  Status approve(int64_t version, const std::string& hash, std::string_view side, const std::string& actor,
                 const std::string& role);

  // Makes a fully approved draft the active definition and re-grades every
  // open lead with it. kConflict names the side still missing.
  Result<DefinitionRecord> activate(int64_t version, const std::string& actor);

  // The compiled document of a stored version.
  Result<std::shared_ptr<const Definition>> definition(int64_t version);
  // The active version's record; kNotFound when none is active.
  Result<DefinitionRecord> active_record();
  // The active definition these versions keep current.
  const ActiveDefinition& active() const { return active_; }

 private:
  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  ActiveDefinition& active_;
};

}  // namespace leadloop
