// What changed between two definitions, rule by rule: conditions matched by
// their text within each section, score signals by text (points changed),
// and every policy value (decay, SLAs, reject reasons, call guide). Pure.
#pragma once

#include <string>
#include <vector>

#include "definition/document.h"

namespace leadloop {

struct DefinitionChange {
  std::string section;  // "grades.hot", "score", "sla_hours.hot", "reject_reasons"
  std::string change;   // "added", "removed", "changed"
  std::string from;     // the old rule or value; empty when added
  std::string to;       // the new one; empty when removed
};

std::vector<DefinitionChange> diff_definitions(const Definition& from, const Definition& to);

}  // namespace leadloop
