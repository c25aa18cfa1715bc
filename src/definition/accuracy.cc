#include "definition/accuracy.h"

#include "domain/budget.h"

namespace leadloop {

std::string disagreement_kind(Grade grade, const SalesOutcome& o) {
  if (grade == Grade::kHot && o.rejected && !o.converted()) return "hot_rejected";
  if ((grade == Grade::kCold || grade == Grade::kUnqualified) && o.converted()) return "cold_converted";
  return "";
}

AccuracyReport accuracy_report(std::span<const AccuracyLead> leads, const std::map<int64_t, ReviewAnswer>& answers) {
  AccuracyReport r;
  for (const AccuracyLead& l : leads) {
    if (!check_budget().ok()) break;  // the caller answers the budget's error
    r.by_grade[static_cast<size_t>(l.grade)].add(l.outcome);
    if ((l.grade == Grade::kCold || l.grade == Grade::kUnqualified) && l.outcome.converted()) ++r.misses;
    std::string kind = disagreement_kind(l.grade, l.outcome);
    if (kind.empty()) continue;
    Disagreement d{l.lead_id, l.grade, kind, "", l.summary, std::nullopt};
    if (l.outcome.won) {
      d.detail = "won";
    } else if (l.outcome.opportunity) {
      d.detail = "opportunity";
    } else {
      d.detail = "rejected: " + (l.outcome.reject_reason.empty() ? std::string("unspecified") : l.outcome.reject_reason);
    }
    auto it = answers.find(l.lead_id);
    if (it == answers.end()) {
      r.queue.push_back(std::move(d));
      continue;
    }
    d.answer = it->second;
    (it->second.was_lead ? r.answered_was_lead : r.answered_not_lead) += 1;
    r.answered.push_back(std::move(d));
  }
  return r;
}

}  // namespace leadloop
