// The bounds on the work one input may cause, in one place: every parser and
// evaluator checks its own against these, and each refusal names the limit
// with limit_note() ("... (limit: max_json_depth)"), so callers and
// docs/security.md ("Limits") share the names. Constants only; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace leadloop::limits {

// JSON bodies: the lead codec, bulk captures, every route's json body and
// a definition sent as JSON.
inline constexpr size_t kMaxJsonBytes = size_t{32} << 20;  // max_json_bytes
inline constexpr int kMaxJsonDepth = 64;                   // max_json_depth

// Definition documents (YAML or JSON). Nodes are counted with every alias
// expanded, as the checker would walk them ("billion laughs").
inline constexpr size_t kMaxDefinitionBytes = size_t{1} << 20;  // max_definition_bytes
inline constexpr int kMaxYamlDepth = 64;                        // max_yaml_depth
inline constexpr size_t kMaxYamlNodes = 100000;                 // max_yaml_nodes
inline constexpr size_t kMaxYamlAliases = 1000;                 // max_yaml_aliases

// The expression language (definition rules and report segments).
inline constexpr size_t kMaxExpressionBytes = 4096;  // max_expression_bytes
inline constexpr int kMaxExpressionDepth = 64;       // max_expression_depth
inline constexpr size_t kMaxPatternBytes = 1000;     // max_pattern_bytes
inline constexpr int64_t kMaxPatternMemory = int64_t{1} << 20;  // max_pattern_memory (RE2 max_mem)
// A segment runs once per distinct combination of the fields it reads over
// every lead of a report: its cost is its compiled size (see
// Expression::cost()).
inline constexpr size_t kMaxSegmentCost = 256;  // max_segment_cost

// CSV imports: a field, a record's bytes and its number of columns.
inline constexpr size_t kMaxCsvFieldBytes = size_t{256} << 10;  // max_csv_field_bytes
inline constexpr size_t kMaxCsvRowBytes = size_t{1} << 20;      // max_csv_row_bytes
inline constexpr size_t kMaxCsvColumns = 1000;                  // max_csv_columns

// Lists in answers: the largest page a caller may ask for.
inline constexpr int kMaxPageSize = 1000;  // max_page_size

// " (limit: max_json_depth)": appended to a refusal's message.
inline std::string limit_note(std::string_view name) { return " (limit: " + std::string(name) + ")"; }

}  // namespace leadloop::limits
