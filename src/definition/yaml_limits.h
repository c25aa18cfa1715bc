// Checks a YAML (or JSON) text against the limits before yaml-cpp builds a
// tree of it: its size, its nesting depth and its node count with every
// alias expanded (so a "billion laughs" document is refused after reading a
// few hundred bytes of events, not after building billions of nodes), and
// aliases that point into their own anchor (a cycle). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leadloop {

struct YamlLimits {
  size_t max_bytes;
  int max_depth;
  size_t max_nodes;    // scalars, nulls and collections, aliases expanded
  size_t max_aliases;
};

// The limits for definition documents (limits.h).
YamlLimits definition_yaml_limits();

// Why the text is refused, at which place (1-based line and column; 0 when
// the whole text is at fault), naming the limit.
struct YamlRefusal {
  int line = 0;
  int column = 0;
  std::string message;
};

// Reads the first document's events only. Syntax errors are left to the
// loader (nullopt), which reports them with their place.
std::optional<YamlRefusal> check_yaml_limits(std::string_view text, const YamlLimits& limits);

}  // namespace leadloop
