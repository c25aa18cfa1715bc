#include "definition/outcomes.h"

namespace leadloop {

void SalesOutcome::apply(Stage to, const std::string& reason) {
  switch (to) {
    case Stage::kAccepted:
    case Stage::kWorking:
      // Sales changed its mind: the last verdict counts.
      accepted = true;
      rejected = false;
      reject_reason.clear();
      break;
    case Stage::kRejected:
      rejected = true;
      reject_reason = reason;
      break;
    case Stage::kOpportunity:
      accepted = opportunity = true;
      rejected = false;
      reject_reason.clear();
      break;
    case Stage::kWon:
      accepted = opportunity = won = true;
      rejected = false;
      reject_reason.clear();
      break;
    default:
      break;
  }
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
