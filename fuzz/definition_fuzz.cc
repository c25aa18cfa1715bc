// The definition document (YAML or JSON) on arbitrary bytes: parsed and
// checked; a document that parses has a canonical form that parses to the
// same canonical form.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "definition/document.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  leadloop::ParsedDefinition parsed = leadloop::parse_definition(text);
  FUZZ_CHECK(parsed.definition == nullptr || parsed.issues.empty());
  if (!parsed.definition) {
    FUZZ_CHECK(!parsed.issues.empty());
    FUZZ_CHECK(!leadloop::issues_status(parsed.issues).ok());
    return 0;
  }
  const std::string canonical = leadloop::canonical_json(*parsed.definition);
  leadloop::ParsedDefinition again = leadloop::parse_definition(canonical);
  FUZZ_CHECK(again.definition != nullptr);
  FUZZ_CHECK(leadloop::canonical_json(*again.definition) == canonical);
  return 0;
}
