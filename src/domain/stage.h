// Lifecycle stages and lead grades, with their stable names. The names are
// stored in the database and shown in the API; the enums are for code.
#pragma once

#include <optional>
#include <string_view>

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
std::string_view grade_name(Grade g);  // kNone -> ""
std::optional<Grade> parse_grade(std::string_view name);

}  // namespace leadloop
