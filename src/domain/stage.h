// Lifecycle stages and lead grades, with their stable names. The names are
// stored in the database and shown in the API; the enums are for code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadloop {

enum class Stage : uint8_t {
  kCaptured,
  kQualified,
  kAssigned,
  kAccepted,
  kRejected,
  kWorking,
  kOpportunity,
  kWon,
  kLost,
  kNurture,
  kRecycled,
  kDisqualified,
  kOptedOut,
};
constexpr int kStageCount = 13;

enum class Grade : uint8_t { kNone, kHot, kWarm, kCold, kUnqualified };
constexpr int kGradeCount = 5;

std::string_view stage_name(Stage s);
std::optional<Stage> parse_stage(std::string_view name);
// The lifecycle's allowed transitions, one table (stage.cc): whether a lead
// may move from `from` to `to`, and every stage it may move to from `from`.
bool transition_allowed(Stage from, Stage to);
std::vector<Stage> transitions_from(Stage from);
// Stages where a lead is still in play and follows the active definition;
// won, lost, disqualified and opted-out leads keep the grade they left with.
bool is_open_stage(Stage s);

// Moves that need a reason code: rejected and lost.
bool transition_needs_reason(Stage to);

// Stages where a lead waits without an owner: the queue (qualified), the
// nurture programme and the recycle pool.
bool is_pool_stage(Stage s);

// Why a lead leaves the funnel with a move to `to`, as the leak reports count
// it: "rejected:<reason>", "lost:<reason>", "disqualified", "opted_out";
// "" when the move keeps it in the funnel.
std::string exit_reason(Stage to, std::string_view reason);

std::string_view grade_name(Grade g);  // kNone -> ""
std::optional<Grade> parse_grade(std::string_view name);

}  // namespace leadloop
