#include "definition/backtest.h"

#include <algorithm>
#include <thread>

#include "definition/grading.h"
#include "domain/budget.h"

namespace leadloop {

namespace {

void run_slice(const Definition* active, const Definition& draft, std::span<const BacktestLead> leads, TimePoint now,
               size_t max_changes, BacktestResult& out) {
  BacktestTally tally(active, draft, now, max_changes);
  // Past the request's budget the slice stops; the caller answers its error.
  for (const BacktestLead& row : leads) {
    if (!check_budget().ok()) break;
    tally.add(row);
  }
  out = tally.take();
}

}  // namespace

void BacktestTally::add(const BacktestLead& row) {
  LeadContext ctx{row.lead, row.campaign, now_};
  Grade before = active_ ? classify(*active_, ctx) : row.lead->grade;
  Grade after = classify(draft_, ctx);
  result_.active[static_cast<size_t>(before)].add(row.outcome);
  result_.draft[static_cast<size_t>(after)].add(row.outcome);
  ++result_.leads;
  if (before != after) {
    ++result_.changed;
    if (result_.changes.size() < max_changes_) result_.changes.push_back({row.lead->id, before, after});
  }
}

BacktestResult backtest(const Definition* active, const Definition& draft, std::span<const BacktestLead> leads,
                        TimePoint now, size_t max_changes, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Small sets are not worth a thread.
  threads = static_cast<unsigned>(std::min<size_t>(threads, leads.size() / 10000 + 1));
  std::vector<BacktestResult> parts(threads);
  std::vector<std::thread> workers;
  const size_t per = (leads.size() + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    size_t begin = std::min(leads.size(), t * per);
    size_t end = std::min(leads.size(), begin + per);
    auto slice = leads.subspan(begin, end - begin);
    if (t + 1 == threads) {
      run_slice(active, draft, slice, now, max_changes, parts[t]);
    } else {
      workers.emplace_back([&, slice, t, budget = current_budget()] {
        ScopedBudget scope(budget);
        run_slice(active, draft, slice, now, max_changes, parts[t]);
      });
    }
  }
  for (auto& w : workers) w.join();
  BacktestResult out;
  for (const auto& p : parts) {
    out.leads += p.leads;
    out.changed += p.changed;
    for (size_t g = 0; g < kGradeCount; ++g) {
      out.active[g].merge(p.active[g]);
      out.draft[g].merge(p.draft[g]);
    }
    for (const auto& c : p.changes) {
      if (out.changes.size() < max_changes) out.changes.push_back(c);
    }
  }
  return out;
}

}  // namespace leadloop
