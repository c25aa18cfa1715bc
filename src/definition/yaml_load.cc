#include "definition/yaml_load.h"

#include <string>

#include "definition/yaml_limits.h"

namespace leadloop {

std::optional<YAML::Node> load_yaml_map(std::string_view text, std::string_view expected,
                                        std::vector<DefinitionIssue>& issues) {
  if (auto refused = check_yaml_limits(text, definition_yaml_limits())) {
    issues.push_back({refused->line, refused->column, "", refused->message});
    return std::nullopt;
  }
  YAML::Node root;
  try {
    // reset() rebinds the node; assigning would write into the document.
    root.reset(YAML::Load(std::string(text)));
  } catch (const YAML::ParserException& e) {
    issues.push_back({e.mark.line + 1, e.mark.column + 1, "", "the file is not valid YAML or JSON: " + e.msg});
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    issues.push_back({0, 0, "", std::string("the file could not be read: ") + e.what()});
    return std::nullopt;
  }
  if (!root.IsMap()) {
    issues.push_back({1, 1, "", std::string(expected)});
    return std::nullopt;
  }
  return root;
}

}  // namespace leadloop
