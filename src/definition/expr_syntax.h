// The syntax of the definition language: a lexer and a recursive-descent
// parser that turn condition text into a syntax tree with byte offsets. No
// types yet; expr_compile.cc checks those. Pure functions, thread-safe.
//
//   condition  := or
//   or         := and ("or" and)*
//   and        := not ("and" not)*
//   not        := "not" not | predicate
//   predicate  := operand [ compare operand | ["not"] "in" list
//                         | "matches" string | "contains" string | ["not"] "exists" ]
//   operand    := literal | field | name "(" [operand ("," operand)*] ")" | "(" or ")"
//   list       := "[" literal ("," literal)* "]"
// Keywords are case-insensitive. Comparisons bind tighter than "not".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "definition/expr.h"

namespace leadloop::expr {

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view compare_op_text(CompareOp op);  // "=", "!=", ...

// One node of the syntax tree. `offset`/`length` span its text, so messages
// can quote it ("days_since(last_touch)").
struct Syntax {
  enum class Kind : uint8_t {
    kOr,
    kAnd,
    kNot,      // kids: the operands
    kCompare,  // kids: left, right; op
    kIn,       // kids: left, list; negated
    kMatches,
    kContains,  // kids: left, a kString
    kExists,    // kids: operand; negated
    kNumber,
    kString,
    kBool,
    kDate,
    kDuration,
    kList,   // kids: literals
    kField,  // text: the name as written
    kCall,   // text: the function name; kids: arguments
  };
  Kind kind = Kind::kNumber;
  size_t offset = 0;
  size_t length = 0;
  std::string text;    // kString: the decoded text; kField, kCall: the name
  double number = 0;   // kNumber
  int64_t millis = 0;  // kDate: ms since epoch; kDuration: ms
  bool flag = false;   // kBool: the value; kDate: a bare date (no time);
                       // kIn, kExists: negated ("not in", "not exists")
  CompareOp op = CompareOp::kEq;
  std::vector<Syntax> kids;
};

// ASCII case folding, shared by the lexer (keywords), compiler and evaluator.
inline char fold_char(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool equals_folded(std::string_view a, std::string_view b);

// True for the kinds that are yes/no conditions by construction.
bool is_condition(Syntax::Kind kind);

struct ParseError {
  size_t offset = 0;
  std::string message;
};

// Parses a whole condition; the first error wins.
std::variant<Syntax, ParseError> parse_condition(std::string_view text);

// Where `offset` of `text` is in the file, when text starts at `origin`
// (the origin's column applies to the first line only).
SourcePos position_of(std::string_view text, size_t offset, SourcePos origin);

// "90d", "12h", "2w", "30m" (also "90 days", "1.5h"); with bare_is_days a
// plain number counts days. Case-insensitive, no surrounding spaces.
bool parse_duration(std::string_view text, bool bare_is_days, int64_t* millis);

// n units of `unit_millis` as milliseconds; false when that is not a number
// or longer than kMaxDurationMillis either way (10,000 years), which keeps
// date arithmetic on durations far from overflowing.
inline constexpr int64_t kMaxDurationMillis = int64_t{100} * 36525 * 86400000;  // 100 x 100 years
bool duration_millis(double n, int64_t unit_millis, int64_t* millis);

}  // namespace leadloop::expr
