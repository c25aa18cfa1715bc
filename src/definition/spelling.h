// Suggestions for misspelt names ("did you mean 'title'?") in definition
// documents and expressions. Pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace leadloop {

// Levenshtein distance: insertions, deletions and substitutions.
size_t edit_distance(std::string_view a, std::string_view b);

// Whether a name this far from a known one is likely a typo of it.
inline bool close_enough(size_t distance, std::string_view name) {
  return distance <= (name.size() >= 5 ? 2u : 1u);
}

}  // namespace leadloop
