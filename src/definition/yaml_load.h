// Reading a YAML (or JSON) document under the definition's limits
// (yaml_limits.h): shared by the lead definition and nurture programmes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>
#include <vector>

#include "definition/document.h"

namespace leadloop {

// The document's root map. When the text is over a limit, is not YAML or
// JSON, or its root is not a map, appends the issue (with `expected`, e.g.
// "expected a programme with name: and steps:", for a root that is no map)
// and returns nullopt. Never throws.
std::optional<YAML::Node> load_yaml_map(std::string_view text, std::string_view expected,
                                        std::vector<DefinitionIssue>& issues);

}  // namespace leadloop
