#include "domain/stage.h"

#include <array>

namespace leadloop {

namespace {
constexpr std::array<std::string_view, kStageCount> kStageNames = {
    "captured", "qualified", "assigned", "accepted",     "rejected",  "working",  "opportunity",
    "won",      "lost",      "nurture",  "recycled",     "disqualified", "opted_out"};
constexpr std::array<std::string_view, kGradeCount> kGradeNames = {"", "hot", "warm", "cold",
                                                                   "unqualified"};

// Row: from; the stages it may move to. Sales may pick up a lead straight
// from the queue (captured or qualified -> accepted or rejected); every
// stage but opted_out may go to opted_out, and most open ones to nurture
// or disqualified (an opportunity only closes: won, lost or opted_out).
using S = Stage;
struct TransitionRow {
  Stage from;
  std::vector<Stage> to;
};
const std::vector<TransitionRow>& transition_table() {
  static const std::vector<TransitionRow> kTable = {
      {S::kCaptured, {S::kQualified, S::kAssigned, S::kAccepted, S::kRejected, S::kNurture, S::kRecycled,
                      S::kDisqualified, S::kOptedOut}},
      {S::kQualified, {S::kAssigned, S::kAccepted, S::kRejected, S::kNurture, S::kRecycled, S::kDisqualified,
                       S::kOptedOut}},
      {S::kAssigned, {S::kAccepted, S::kRejected, S::kQualified, S::kNurture, S::kRecycled, S::kDisqualified,
                     S::kOptedOut}},
      {S::kAccepted, {S::kWorking, S::kOpportunity, S::kLost, S::kNurture, S::kDisqualified, S::kOptedOut}},
      {S::kRejected, {S::kRecycled, S::kNurture, S::kAssigned, S::kDisqualified, S::kOptedOut}},
      {S::kWorking, {S::kOpportunity, S::kLost, S::kNurture, S::kDisqualified, S::kOptedOut}},
      {S::kOpportunity, {S::kWon, S::kLost, S::kOptedOut}},
      {S::kWon, {S::kOptedOut}},
      {S::kLost, {S::kRecycled, S::kNurture, S::kOptedOut}},
      {S::kNurture, {S::kQualified, S::kAssigned, S::kAccepted, S::kRejected, S::kRecycled, S::kDisqualified,
                     S::kOptedOut}},
      {S::kRecycled, {S::kQualified, S::kAssigned, S::kAccepted, S::kRejected, S::kNurture, S::kDisqualified,
                      S::kOptedOut}},
      {S::kDisqualified, {S::kRecycled, S::kOptedOut}},
      {S::kOptedOut, {}},
  };
  return kTable;
}

}  // namespace

bool transition_allowed(Stage from, Stage to) {
  for (const auto& row : transition_table()) {
    if (row.from != from) continue;
    for (Stage s : row.to) {
      if (s == to) return true;
    }
  }
  return false;
}

std::vector<Stage> transitions_from(Stage from) {
  for (const auto& row : transition_table()) {
    if (row.from == from) return row.to;
  }
  return {};
}

bool is_open_stage(Stage s) {
  return s != Stage::kWon && s != Stage::kLost && s != Stage::kDisqualified && s != Stage::kOptedOut;
}

bool transition_needs_reason(Stage to) { return to == Stage::kRejected || to == Stage::kLost; }

bool is_pool_stage(Stage s) { return s == Stage::kQualified || s == Stage::kNurture || s == Stage::kRecycled; }

std::string exit_reason(Stage to, std::string_view reason) {
  switch (to) {
    case Stage::kRejected:
    case Stage::kLost: return std::string(stage_name(to)) + ":" + std::string(reason);
    case Stage::kDisqualified:
    case Stage::kOptedOut: return std::string(stage_name(to));
    default: return "";
  }
}

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
