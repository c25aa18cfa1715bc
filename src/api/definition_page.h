// The published lead definition as a readable HTML page: every rule in plain
// words with its exact condition, the policies, who signed it and when.
#pragma once

#include <string>
#include <vector>

#include "definition/document.h"
#include "store/store.h"

namespace leadloop::api {

// record and definition are null when no version is active yet.
std::string definition_page(const DefinitionRecord* record, const Definition* definition,
                            const std::vector<DefinitionApproval>& approvals);

}  // namespace leadloop::api
