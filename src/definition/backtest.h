// The backtest: "what if we had used this definition?" Grades a period's
// leads under the active definition and a draft, and counts per grade what
// sales did with them (accepted, rejected by reason, opportunities, wins),
// plus the leads whose grade would change. Pure; splits the leads across
// threads. Leads are evaluated with their stored facts and `now` = the end
// of the period, so days_since() measures from there.
#pragma once

#include <span>
#include <vector>

#include "definition/document.h"
#include "definition/outcomes.h"

namespace leadloop {

struct BacktestLead {
  const Lead* lead = nullptr;
  const Campaign* campaign = nullptr;  // may be null
  SalesOutcome outcome;
};

struct BacktestChange {
  int64_t lead_id = 0;
  Grade from = Grade::kNone;
  Grade to = Grade::kNone;
};

struct BacktestResult {
  int64_t leads = 0;
  GradeOutcomes active;  // under the active definition (or the recorded grades)
  GradeOutcomes draft;
  int64_t changed = 0;
  std::vector<BacktestChange> changes;  // the first `max_changes`, in lead order
};

// Counts leads one at a time, for callers that stream them from a store
// instead of holding them all. `active` null: recorded grades stand for it.
class BacktestTally {
 public:
  BacktestTally(const Definition* active, const Definition& draft, TimePoint now, size_t max_changes)
      : active_(active), draft_(draft), now_(now), max_changes_(max_changes) {}
  void add(const BacktestLead& row);
  const BacktestResult& result() const { return result_; }
  BacktestResult take() { return std::move(result_); }

 private:
  const Definition* active_;
  const Definition& draft_;
  TimePoint now_;
  size_t max_changes_;
  BacktestResult result_;
};

// `active` null: the grades the leads have on record stand for it. Past
// the request's budget (domain/budget.h) it stops early with a partial
// result; the caller answers the budget's error instead.
BacktestResult backtest(const Definition* active, const Definition& draft, std::span<const BacktestLead> leads,
                        TimePoint now, size_t max_changes, unsigned threads = 0);

}  // namespace leadloop
