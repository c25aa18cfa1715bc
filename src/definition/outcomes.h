// What sales did with a lead, folded from its stage_changed events, and
// counts of those outcomes per grade: the facts the backtest and the
// accuracy review judge a definition by. Plain values.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "domain/stage.h"

namespace leadloop {

struct SalesOutcome {
  bool accepted = false;     // reached accepted (or any stage past it)
  bool rejected = false;     // rejected, and not accepted since

  std::string reject_reason;
  bool opportunity = false;  // reached opportunity or won
  bool won = false;

  // Folds one transition in, in event order.
  void apply(Stage to, const std::string& reason);
  bool converted() const { return opportunity || won; }
};

struct OutcomeCounts {
  int64_t leads = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t opportunities = 0;
  int64_t wins = 0;
  std::map<std::string, int64_t> rejected_by_reason;

  void add(const SalesOutcome& o);
  void merge(const OutcomeCounts& other);
};

// Indexed by Grade (kNone .. kUnqualified).
using GradeOutcomes = std::array<OutcomeCounts, kGradeCount>;

}  // namespace leadloop
