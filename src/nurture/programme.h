// A nurture programme (docs/nurture.md): a versioned document, YAML or JSON
// like the lead definition and read under the same limits, that says what a
// warm lead in stage nurture is sent and when. Steps run in order unless a
// branch jumps; each step has a key (given, or "step<N>"):
//   - send: nurture.welcome          an e-mail template (mail/templates.h)
//   - wait: {days: 3}                or {hours: N}, {business_days: N},
//                                    {until: "2026-03-01"},
//                                    {quiet_hours: {from: 21, to: 8}}
//   - branch: {engaged: [opened, clicked], within_days: 5,
//              then: nudge, else: exit}
//     branch: {when: 'score >= 60', then: ..., else: ...}  (expr.h)
//   - set: {field: attributes.segment, value: "x"} or {score: "+10"}
//   - notify: "text for the owner"
//   - exit: done
// and, at the top: name, description, goal (a condition: met -> exit),
// holdout (percent of enrolments that are only counted, never sent) and
// frequency_cap {sends, days} (per lead, across programmes). Pure; the
// parsed Programme is immutable and safe to share between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "definition/document.h"  // DefinitionIssue, issues_status
#include "definition/expr.h"
#include "domain/lead.h"

namespace leadloop {

enum class StepKind : uint8_t { kSend, kWait, kBranch, kSet, kNotify, kExit };
std::string_view step_kind_name(StepKind k);

// The engagements a branch can look for: touches the lead made since.
inline constexpr std::string_view kEngagements[] = {"opened", "clicked", "replied", "touched", "form"};

struct WaitSpec {
  enum class Kind : uint8_t { kDuration, kBusinessDays, kUntil, kQuietHours };
  Kind kind = Kind::kDuration;
  TimePoint millis = 0;     // kDuration
  int business_days = 0;    // kBusinessDays: Monday to Friday, UTC days
  TimePoint until = 0;      // kUntil: midnight UTC of the date
  int quiet_from = 21;      // kQuietHours: local hours [from, to) are quiet
  int quiet_to = 8;
};

struct BranchSpec {
  std::vector<std::string> engaged;  // any of these (kEngagements); empty: `when`
  int within_days = 7;
  std::shared_ptr<const Expression> when;
  std::string when_text;
  std::string then_key, else_key;  // a step key, "next" or "exit"
  int then_index = -1, else_index = -1;  // resolved: -1 next, -2 exit
};

struct SetSpec {
  std::string field;  // a lead text field or "attributes.<key>"; "" when score
  std::string value;
  std::optional<int> score;  // the new score, or the change when relative
  bool relative = false;
};

struct ProgrammeStep {
  std::string key;
  StepKind kind = StepKind::kExit;
  std::string template_name;  // kSend
  WaitSpec wait;
  BranchSpec branch;
  SetSpec set;
  std::string text;  // kNotify: the message; kExit: the reason
};

struct Programme {
  std::string name;
  std::string description;
  std::vector<ProgrammeStep> steps;
  std::shared_ptr<const Expression> goal;  // null: none
  std::string goal_text;
  int holdout_percent = 0;  // 0..50
  int cap_sends = 3;        // at most this many programme mails a lead ...
  int cap_days = 7;         // ... in this many days, across programmes
};

struct ParsedProgramme {
  std::shared_ptr<const Programme> programme;  // null when issues is not empty
  std::vector<DefinitionIssue> issues;
};

// Parses and checks a programme document. Never throws.
ParsedProgramme parse_programme(std::string_view text);

// A programme key: 1..64 of [a-z0-9_-], starting with a letter or digit.
bool valid_programme_key(std::string_view key);

// When a wait that starts at `now` ends for this lead (quiet hours use the
// offset of the lead's country, docs/nurture.md).
TimePoint wait_end(const WaitSpec& w, const Lead& lead, TimePoint now);

// The UTC offset in minutes of an ISO alpha-2 country (standard time of
// its capital; a table in the code), 0 when not known.
int country_utc_offset_minutes(std::string_view country);

// Index of the step with this key, or -1.
int step_index(const Programme& p, std::string_view key);

}  // namespace leadloop
