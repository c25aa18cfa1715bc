// The compiled form of an expression and the field table it is resolved
// against. A Program is a flat vector of nodes (children by index) with
// field accessors resolved, literals pre-folded and regular expressions
// pre-compiled; it is immutable after compile, so evaluation from many
// threads is safe.
//
// Semantics the evaluator implements (two-valued logic):
//  * A value is missing when a text field is empty (after trimming spaces),
//    an attribute or data point is absent or empty, employees or last_touch
//    is unset, there is no campaign, or a dynamic text cannot be read as the
//    type it is compared with (data.size = "lots" compared with 500).
//  * Every comparison, `in`, `not in`, `matches`, `contains` with a missing
//    value is false, including `!=`. `not (...)` of a false is true, so
//    `not (title = "CEO")` holds for a lead without a title while
//    `title != "CEO"` does not. `exists` is false, `not exists` true.
//  * Text comparisons (=, !=, in, <, <=, >, >=, contains, matches) fold
//    ASCII case and ignore leading/trailing spaces of the value; ordering of
//    texts is lexicographic on the folded bytes. Hence lower() changes no
//    result; it is accepted for readability.
//  * A date compared with a bare date literal (2026-01-31, no time) is
//    compared by day: `created_at = 2026-01-31` holds all that day (UTC).
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "definition/expr.h"
#include "definition/expr_syntax.h"

namespace leadloop::expr {

// Static types. kText is dynamic: attributes and data points are strings
// read as whatever they are compared with.
enum class Type : uint8_t { kNumber, kString, kBool, kDate, kDuration, kText };
std::string_view type_name(Type t);  // "number", "string", ... as in FieldInfo

// How a comparison reads its operands.
enum class As : uint8_t { kString, kNumber, kDate, kDuration, kBool };

enum class FieldKind : uint8_t {
  kLeadText,  // a std::string member of Lead
  kEmployees,
  kStage,
  kCreatedAt,
  kLastTouch,
  kTouchCount,
  kAttribute,  // lead.attributes[key]
  kDataPoint,  // lead.data_points[key]
  kCampaignKey,
  kCampaignChannel,
  kCampaignVendor,
  kCampaignOwner,
  kConsentEmail,
  kConsentPhone,
  kConsentMail,
};

// One entry of the field table the compiler resolves names from.
struct FieldSpec {
  std::string_view name;
  Type type;
  std::string_view about;
  FieldKind kind;
  std::string Lead::*member = nullptr;            // kLeadText
  std::span<const std::string_view> values = {};  // the only values, if an enum
  std::string_view values_name = {};              // "stage", "channel"
};

// Fixed fields (not the attributes./data. patterns), lower-case names.
std::span<const FieldSpec> field_specs();
const FieldSpec* find_field(std::string_view name);  // exact, lower-case

enum class Op : uint8_t {
  kOr,
  kAnd,       // kids[a, b)
  kNot,       // a
  kTruthy,    // a: a yes/no value used as a condition
  kCompare,   // a cmp b, read as `as`
  kIn,        // a in lists[b] (negate: not in)
  kMatches,   // a matches patterns[b]
  kContains,  // a contains text
  kExists,    // a (negate: not exists)
  kLiteral,
  kField,
  kDaysSince,
  kHoursSince,  // now - a (a date)
  kLower,       // a
};

struct Node {
  Op op = Op::kLiteral;
  As as = As::kString;
  CompareOp cmp = CompareOp::kEq;
  bool negate = false;
  bool by_day = false;  // dates compared by UTC day (against a bare date)
  uint32_t a = 0;
  uint32_t b = 0;
  // kField
  FieldKind field = FieldKind::kLeadText;
  std::string Lead::*member = nullptr;
  std::string key;  // attribute / data point name
  // kLiteral, kContains (text: folded)
  Type type = Type::kBool;
  double number = 0;
  int64_t millis = 0;
  bool boolean = false;
  std::string text;
};

// The constants of one `in` list, sorted for binary search.
struct ValueList {
  std::vector<std::string> texts;  // folded, trimmed, sorted by bytes
  std::vector<double> numbers;
  std::vector<int64_t> millis;  // dates (day starts when by day) or durations
  bool has_true = false;
  bool has_false = false;
};

// An input field and how describe_inputs shows it.
struct InputUse {
  uint32_t node = 0;  // a kField node reading it
  As shown = As::kString;
  bool shown_set = false;
};

// Helpers shared by compiler and evaluator.
inline int64_t floor_to_day(int64_t millis) {
  int64_t d = millis / kMillisPerDay;
  if (millis % kMillisPerDay < 0) --d;
  return d * kMillisPerDay;
}
std::string_view trim_spaces(std::string_view s);
std::string fold_text(std::string_view s);  // lower-cased ASCII
bool parse_number_text(std::string_view s, double* out);
bool parse_bool_text(std::string_view s, bool* out);
bool parse_date_text(std::string_view s, int64_t* out);

}  // namespace leadloop::expr

namespace leadloop {

struct Expression::Program {
  std::string source;
  std::vector<std::string> inputs;
  std::vector<expr::InputUse> uses;  // parallel to inputs
  std::vector<expr::Node> nodes;
  std::vector<uint32_t> kids;
  std::vector<expr::ValueList> lists;
  std::vector<std::unique_ptr<const RE2>> patterns;
  uint32_t root = 0;
};

namespace expr {
// The evaluator (expr_eval.cc).
bool evaluate(const Expression::Program& p, const LeadContext& ctx);
std::string describe(const Expression::Program& p, const LeadContext& ctx);
// The compiler (expr_compile.cc): fills p from a parsed tree; its patterns
// take their memory from `budget`.
std::optional<ParseError> compile_program(const Syntax& root, std::string_view text, PatternBudget* budget,
                                          Expression::Program* p);
}  // namespace expr

}  // namespace leadloop
