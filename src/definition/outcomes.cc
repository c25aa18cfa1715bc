#include "definition/outcomes.h"

namespace leadloop {

void SalesOutcome::apply(Stage to, const std::string& reason) {
  if (to == Stage::kRejected) {
    rejected = true;
    reject_reason = reason;
    return;
  }
  const bool accepts = to == Stage::kAccepted || to == Stage::kWorking || to == Stage::kOpportunity || to == Stage::kWon;
  if (!accepts) return;
  // Sales changed its mind: the last verdict counts.
  accepted = true;
  rejected = false;
  reject_reason.clear();
  opportunity = opportunity || to == Stage::kOpportunity || to == Stage::kWon;
  won = won || to == Stage::kWon;
}

void OutcomeCounts::add(const SalesOutcome& o) {
  ++leads;
  accepted += o.accepted;
  rejected += o.rejected;
  opportunities += o.opportunity;
  wins += o.won;
  if (o.rejected) ++rejected_by_reason[o.reject_reason.empty() ? "unspecified" : o.reject_reason];
}

void OutcomeCounts::merge(const OutcomeCounts& other) {
  leads += other.leads;
  accepted += other.accepted;
  rejected += other.rejected;
  opportunities += other.opportunities;
  wins += other.wins;
  for (const auto& [reason, n] : other.rejected_by_reason) rejected_by_reason[reason] += n;
}

}  // namespace leadloop
