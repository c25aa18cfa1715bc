#include "definition/accuracy.h"

#include "domain/budget.h"

namespace leadloop {

std::string disagreement_kind(Grade grade, const SalesOutcome& o) {
  if (grade == Grade::kHot && o.rejected && !o.converted()) return "hot_rejected";
  if ((grade == Grade::kCold || grade == Grade::kUnqualified) && o.converted()) return "cold_converted";
  return "";
}

namespace {

std::optional<double> rate(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

}  // namespace

AccuracyRates accuracy_rates(const GradeOutcomes& by_grade) {
  OutcomeCounts all;
  for (const OutcomeCounts& c : by_grade) all.merge(c);
  const OutcomeCounts& hot = by_grade[static_cast<size_t>(Grade::kHot)];
  const OutcomeCounts& warm = by_grade[static_cast<size_t>(Grade::kWarm)];
  AccuracyRates r;
  r.base_accepted = rate(all.accepted, all.leads);
  r.base_converted = rate(all.opportunities, all.leads);
  r.recall_hot = rate(hot.opportunities, all.opportunities);
  r.recall_hot_or_warm = rate(hot.opportunities + warm.opportunities, all.opportunities);
  r.lift_hot = {ratio(rate(hot.accepted, hot.leads), r.base_accepted),
                ratio(rate(hot.opportunities, hot.leads), r.base_converted)};
  r.lift_warm = {ratio(rate(warm.accepted, warm.leads), r.base_accepted),
                 ratio(rate(warm.opportunities, warm.leads), r.base_converted)};
  return r;
}

bool has_outcomes(const GradeOutcomes& by_grade) {
  for (const OutcomeCounts& c : by_grade) {
    if (c.accepted + c.rejected + c.opportunities > 0) return true;
  }
  return false;
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
