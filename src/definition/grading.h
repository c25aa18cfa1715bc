// Grading: a lead judged by a definition. The grade is the first of hot,
// warm, cold whose conditions all hold (else unqualified); the score is the
// sum of the points of the signals that hold, and every grade and score
// comes with the reasons that produced it, in plain words. The score always
// equals the sum of the points of its listed reasons. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "definition/document.h"

namespace leadloop {

struct GradeReason {
  std::string rule;    // "grades.hot[0]", "score[2]", "required_fields[1]"
  std::string says;    // "decision maker"
  std::string inputs;  // `title = "VP Sales"`
  bool held = true;    // false: a condition that failed (why a lead is not hot)
  int points = 0;      // for score reasons
};

struct Grading {
  Grade grade = Grade::kUnqualified;
  int score = 0;
  std::vector<GradeReason> reasons;        // why this grade
  std::vector<GradeReason> score_reasons;  // sum of points == score
};

// The grade alone, without building reasons: the backtest's hot path.
Grade classify(const Definition& d, const LeadContext& ctx);

// The grade, score and reasons.
Grading grade_lead(const Definition& d, const LeadContext& ctx);

// "hot: decision maker; budget confirmed (data.budget = "yes")"
std::string grading_summary(const Grading& g);

// {"grade":..,"score":..,"summary":..,"reasons":[..],"score_reasons":[..]}:
// what Lead::grading holds and the API shows.
std::string grading_json(const Grading& g);

}  // namespace leadloop
