// The bi-weekly accuracy review of the definition: for a period's leads, per
// grade what sales did with them, the precision of hot and warm, the misses
// (cold or unqualified leads that still converted), and the queue of
// disagreements (hot but rejected, cold or unqualified but converted) with
// the review's answers to "was this a lead?". Pure.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "definition/outcomes.h"
#include "domain/lead.h"

namespace leadloop {

struct ReviewAnswer {
  int64_t lead_id = 0;
  bool was_lead = false;
  std::string note;
  std::string reviewer;
  TimePoint at = 0;
};

struct AccuracyLead {
  int64_t lead_id = 0;
  Grade grade = Grade::kNone;  // as graded on record
  std::string summary;         // the grading summary, for the queue
  SalesOutcome outcome;
};

struct Disagreement {
  int64_t lead_id = 0;
  Grade grade = Grade::kNone;
  std::string kind;    // "hot_rejected" or "cold_converted"
  std::string detail;  // "rejected: no_budget", "won"
  std::string summary;
  std::optional<ReviewAnswer> answer;
};

struct AccuracyReport {
  GradeOutcomes by_grade;
  int64_t misses = 0;                 // cold/unqualified that converted
  std::vector<Disagreement> queue;     // not answered yet
  std::vector<Disagreement> answered;  // with their answers
  int64_t answered_was_lead = 0;
  int64_t answered_not_lead = 0;
};

// `answers`: the latest review answer per lead. Past the request's budget
// (domain/budget.h) it stops early; the caller answers the budget's error.
AccuracyReport accuracy_report(std::span<const AccuracyLead> leads, const std::map<int64_t, ReviewAnswer>& answers);

// How well grades sort leads, beyond precision (docs/definition.md,
// "Accuracy"). A rate is absent (nullopt) when its denominator is zero.
struct AccuracyRates {
  // Of every lead of the period: the share sales accepted, and the share
  // that converted (reached opportunity or won). The base rates.
  std::optional<double> base_accepted, base_converted;
  // Recall: of every converted lead, the share graded hot, and hot or warm.
  std::optional<double> recall_hot, recall_hot_or_warm;
  // Lift: a grade's rate over the base rate; 2.0 means twice as likely.
  struct Lift {
    std::optional<double> accepted, converted;
  };
  Lift lift_hot, lift_warm;
};
AccuracyRates accuracy_rates(const GradeOutcomes& by_grade);

// Whether any lead of the report has an outcome (accepted, rejected or
// converted): a period without one has nothing to judge.
bool has_outcomes(const GradeOutcomes& by_grade);

// The disagreement kind of one lead, or "" when grade and outcome agree.
std::string disagreement_kind(Grade grade, const SalesOutcome& o);

}  // namespace leadloop
