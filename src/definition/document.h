// The universal lead definition as a document: what sales and marketing
// agreed a lead is (required fields, qualification rules, grade rules, score
// signals, decay, follow-up SLAs, reject reasons, the call guide's data
// points). Parsed from YAML or JSON (one parser: JSON is YAML), checked with
// every error located by line and column, compiled once. A Definition is
// immutable after parse and safe to share between threads.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "definition/expr.h"
#include "domain/stage.h"
#include "domain/status.h"

namespace leadloop {

// One condition as written, with its plain-words explanation.
struct Rule {
  std::string when;   // the expression text
  std::string says;   // what it means to people; defaults to `when`
  std::string path;   // where it sits: "grades.hot[1]"
  SourcePos pos;      // where its expression starts in the source
  Expression expr;
};

struct ScoreSignal {
  Rule rule;
  int points = 0;  // -100..100
};

struct RejectReason {
  std::string code;   // stable: what feedback sends, e.g. "no_budget"
  std::string label;  // "No budget this year"
};

// A question the call guide must get answered; its answer is stored as the
// data point `key` on the touch and the lead (data.<key> in expressions).
struct DataPointSpec {
  std::string key;
  std::string question;
  std::string type = "text";  // text, number, yes_no, date, choice
  std::vector<std::string> choices;
};

// What routing does with a lead once it has a grade (routing.by_grade).
enum class GradeAction : uint8_t {
  kAssign,   // to a rep at once, with the grade's SLA clock
  kNurture,  // stage nurture, enrolled in the nurture programme
  kRecycle,  // stage recycled: the recycle pool
  kQueue,    // stage qualified, unowned: the campaign owner's queue
};
std::string_view grade_action_name(GradeAction a);

// One routing rule: when it holds, the lead goes to `team` (round-robin
// inside it) or straight to `rep`. Exactly one of the two is set.
struct RoutingRule {
  Rule rule;
  std::string team;
  std::string rep;
};

struct Routing {
  bool written = false;  // the document has a routing: section
  std::array<GradeAction, 3> by_grade = {GradeAction::kAssign, GradeAction::kNurture, GradeAction::kRecycle};
  // Tried in order; the first that holds decides. When none does, the team
  // whose region is the lead's region takes it; without one, the queue.
  std::vector<RoutingRule> rules;
  // Hours after an SLA breach until the lead is reassigned; 0: the grade's
  // SLA again.
  int reassign_after_hours = 0;
  std::string nurture_programme = "nurture";
};

// Grades that have rules, in the order they are tried.
constexpr std::array<Grade, 3> kRuledGrades = {Grade::kHot, Grade::kWarm, Grade::kCold};

struct Definition {
  std::string name;
  std::string description;
  // Each entry is a list of alternatives ("email or phone"): one must exist.
  std::vector<std::vector<std::string>> required_fields;
  // The same as conditions ("email exists or phone exists"), says "has ...".
  std::vector<Rule> required_rules;
  std::vector<Rule> qualification;  // all must hold to be graded at all
  // Per grade (hot, warm, cold): the conditions that must all hold. A grade
  // with no entry in the document never matches; one with an empty list
  // matches every qualified lead that reaches it.
  std::array<std::optional<std::vector<Rule>>, 3> grades;
  std::vector<ScoreSignal> score;
  int decay_warm_to_cold_days = 0;     // 0: warm leads never decay
  std::array<int, 3> sla_hours = {0, 0, 0};  // hot, warm, cold; 0: no SLA
  std::vector<RejectReason> reject_reasons;
  std::vector<DataPointSpec> call_guide;
  Routing routing;
};

// The action for a graded lead; unqualified and ungraded leads stay put.
std::optional<GradeAction> grade_action(const Definition& d, Grade g);

// One problem found in a document.
struct DefinitionIssue {
  int line = 0;        // 0 when not known (a missing section)
  int column = 0;
  std::string path;    // "grades.hot[1].when"
  std::string message;
};

struct ParsedDefinition {
  std::shared_ptr<const Definition> definition;  // null when issues is not empty
  std::vector<DefinitionIssue> issues;           // every problem found, in order
};

// Parses and checks a document (YAML or JSON text). Never throws.
ParsedDefinition parse_definition(std::string_view text);

// The same as a Status for callers that want one error: kInvalidValue with
// "line L, column C: message" and the path as field.
Status issues_status(const std::vector<DefinitionIssue>& issues);

// The canonical JSON of a definition: fixed key order, what the API serves
// and what the content hash covers. Parsing it gives the same definition.
std::string canonical_json(const Definition& d);
// Hex BLAKE2b-256 of canonical_json(d): what approvers sign.
std::string content_hash(const Definition& d);

// Index into Definition::grades and sla_hours; REQUIRES a ruled grade.
int ruled_grade_index(Grade g);

// The follow-up deadline for a lead graded g at `graded_at`, if the
// definition sets an SLA for that grade.
std::optional<TimePoint> sla_due(const Definition& d, Grade g, TimePoint graded_at);
// True when a warm lead has gone `decay_warm_to_cold_days` without a touch
// (counted from its last touch, or its capture if it has none).
bool warm_has_decayed(const Definition& d, Grade g, std::optional<TimePoint> last_touch,
                      TimePoint created_at, TimePoint now);

bool is_reject_reason(const Definition& d, std::string_view code);

}  // namespace leadloop
