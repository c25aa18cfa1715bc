// What happens to a lead that is captured again: the existing record keeps
// its values, gains the ones it lacked, and honours a new opt-out. Values that
// differ are reported, not overwritten (sales may have corrected them).
#pragma once

#include <string>
#include <vector>

#include "domain/lead.h"

namespace leadloop {

struct MergeConflict {
  std::string field;
  std::string kept;
  std::string offered;
};

struct MergeReport {
  std::vector<std::string> filled;  // fields that were empty and got a value
  std::vector<MergeConflict> conflicts;
  bool changed() const { return !filled.empty(); }
};

// Merges `incoming` into `existing`; REQUIRES both validated.
MergeReport merge_lead(Lead& existing, const Lead& incoming);

}  // namespace leadloop
