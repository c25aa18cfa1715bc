#include "domain/stage.h"

#include <array>

namespace leadloop {

namespace {
constexpr std::array<std::string_view, kStageCount> kStageNames = {
    "captured", "qualified", "assigned", "accepted",     "rejected",  "working",  "opportunity",
    "won",      "lost",      "nurture",  "recycled",     "disqualified", "opted_out"};
constexpr std::array<std::string_view, kGradeCount> kGradeNames = {"", "hot", "warm", "cold",
                                                                   "unqualified"};
}  // namespace

std::string_view stage_name(Stage s) { return kStageNames[static_cast<size_t>(s)]; }

std::optional<Stage> parse_stage(std::string_view name) {
  for (size_t i = 0; i < kStageNames.size(); ++i) {
    if (kStageNames[i] == name) return static_cast<Stage>(i);
  }
  return std::nullopt;
}

std::string_view grade_name(Grade g) { return kGradeNames[static_cast<size_t>(g)]; }

std::optional<Grade> parse_grade(std::string_view name) {
  for (size_t i = 0; i < kGradeNames.size(); ++i) {
    if (kGradeNames[i] == name) return static_cast<Grade>(i);
  }
  return std::nullopt;
}

}  // namespace leadloop
