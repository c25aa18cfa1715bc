// Goals: targets for the figures that measure a programme (qualified
// leads, accepted leads, revenue, ...) over a period and a scope, agreed by
// the client side and, when a vendor is in the scope, by the vendor. Each
// goal's progress is counted from the lead projection (the leads captured
// in its period and scope), compared with where it should be by now
// (linear pace, or a curve) and projected to the period's end at the
// current rate. An active goal that falls behind sends one outbox message.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/goal.h"
#include "measure/reports.h"
#include "store/store.h"

namespace leadloop {

// Where a goal stands at a moment.
struct GoalProgress {
  int64_t actual = 0;
  double elapsed = 0;             // share of the period gone, 0..1
  double expected = 0;            // where it should be by now
  std::optional<double> projected;  // at the period's end at the current rate
  // awaiting_approval, not_started, on_track, at_risk, behind, met, missed
  std::string status;
};

// The pace arithmetic, without the store: exposed for tests.
// Expected share (0..1) of the target at `elapsed` (0..1) on the curve.
double expected_share(const std::vector<int>& curve, double elapsed);
// On track: at or above the expected figure; at risk: at least 80% of it;
// behind: less.
GoalProgress goal_progress(const Goal& g, int64_t actual, TimePoint now);

struct GoalView {
  Goal goal;
  GoalProgress progress;
};

enum class GoalSide : uint8_t { kClient, kVendor };

class Goals {
 public:
  Goals(Store& store, const Clock& clock, const Reports& reports) : store_(store), clock_(clock), reports_(reports) {}

  // Validates and stores a new goal (not yet approved).
  Result<Goal> create(Goal g, const std::string& actor);
  // Records one side's approval; kConflict when that side approved
  // already, kInvalidValue for the vendor side of a goal without one.
  Result<Goal> approve(int64_t id, GoalSide side, const std::string& actor);
  Result<GoalView> view(int64_t id) const;
  Result<std::vector<GoalView>> list() const;
  // The goal's figure now, from the projection.
  int64_t actual(const Goal& g) const;
  // Finds the active goals that are behind and sends each one's message
  // once (kind "goal_behind", to the goal's creator); returns how many
  // were sent now.
  Result<int> check_behind();

 private:
  GoalView view_of(Goal g) const;

  Store& store_;
  const Clock& clock_;
  const Reports& reports_;
};

}  // namespace leadloop
