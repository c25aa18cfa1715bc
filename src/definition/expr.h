// The definition language's expressions: conditions over one lead's fields,
// attributes, call-guide data points, touch aggregates and campaign, such as
//   title matches "VP|Director" and data.budget = "confirmed"
//   days_since(last_touch) <= 30d or touches.count >= 3
// An Expression is parsed and type-checked once (compile) into an immutable
// form that is evaluated without re-parsing. Safe to evaluate from many
// threads at once. The language is documented in docs/definition.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/campaign.h"
#include "domain/lead.h"
#include "domain/limits.h"
#include "domain/status.h"
#include "domain/time.h"

namespace leadloop {

// Everything an expression may read about one lead. REQUIRES: lead set;
// campaign may be null (then campaign.* is missing).
struct LeadContext {
  const Lead* lead = nullptr;
  const Campaign* campaign = nullptr;
  TimePoint now = 0;  // for days_since(), hours_since()
};

// A place in a source text; both 1-based.
struct SourcePos {
  int line = 1;
  int column = 1;
};

// A compile error: where, and a message a marketing person can read
// ("unknown field 'titel'; did you mean 'title'?").
struct ExprError {
  SourcePos pos;
  std::string message;
};

// What the patterns (`matches "..."`) of one expression, or of every
// expression of one definition, may take together: RE2 compiles a pattern in
// time proportional to its program, so many large patterns in one text would
// otherwise take seconds (limits::kMaxPatternMemory, shared).
struct PatternBudget {
  int64_t bytes_left = limits::kMaxPatternMemory;
};

class Expression {
 public:
  // Parses and type-checks `text` as a condition (its value must be a
  // yes/no). `origin` is where text starts in its file, so that positions in
  // errors point into the file (a YAML document, say).
  // `budget` is shared by several compiles (a definition's rules); without
  // one, the expression has limits::kMaxPatternMemory of its own.
  static std::variant<Expression, ExprError> compile(std::string_view text, SourcePos origin = {},
                                                     PatternBudget* budget = nullptr);

  // True when the condition holds for the lead. Missing values make
  // comparisons false (see docs/definition.md, "missing values"): two-valued
  // logic, so `title != "CEO"` is false without a title while
  // `not (title = "CEO")` is true. Details in definition/expr_program.h.
  bool matches(const LeadContext& ctx) const;

  // The values the expression read, for reasons shown to people:
  // `title = "VP Sales", data.timeframe = 60d`. Missing ones say "missing".
  std::string describe_inputs(const LeadContext& ctx) const;

  // The work one evaluation may do, for bounds (limits::kMaxSegmentCost):
  // its compiled steps, a pattern counting as kPatternCost steps (lists are
  // binary-searched and count as one).
  size_t cost() const;
  static constexpr size_t kPatternCost = 16;

  // The text as written (trimmed).
  const std::string& source() const;
  // The names of the fields it reads, in order of first use, e.g. "title",
  // "data.budget", "touches.count".
  const std::vector<std::string>& inputs() const;

  struct Program;  // the compiled form; defined in the implementation

 private:
  explicit Expression(std::shared_ptr<const Program> p) : program_(std::move(p)) {}
  std::shared_ptr<const Program> program_;
};

// The field names an expression may read, for docs, errors and UIs:
// {"title", "string"}, {"employees", "number"}, {"attributes.<name>", "text"}, ...
struct FieldInfo {
  std::string_view name;
  std::string_view type;
  std::string_view about;
};
std::span<const FieldInfo> expression_fields();

}  // namespace leadloop
