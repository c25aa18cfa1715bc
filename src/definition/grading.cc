#include "definition/grading.h"

#include <algorithm>

#include "domain/codec.h"

namespace leadloop {

namespace {

const Rule* first_failing(const std::vector<Rule>& rules, const LeadContext& ctx) {
  for (const auto& r : rules) {
    if (!r.expr.matches(ctx)) return &r;
  }
  return nullptr;
}

GradeReason reason(const Rule& r, const LeadContext& ctx, bool held) {
  return {r.path, held ? r.says : "not " + r.says, r.expr.describe_inputs(ctx), held, 0};
}

// Why a lead got no grade: the first condition each grade missed.
void explain_no_grade(const Definition& d, const LeadContext& ctx, std::vector<GradeReason>& out) {
  for (Grade g : kRuledGrades) {
    const auto& rules = d.grades[ruled_grade_index(g)];
    if (!rules) continue;
    if (const Rule* miss = first_failing(*rules, ctx)) out.push_back(reason(*miss, ctx, false));
  }
}

Grade first_grade(const Definition& d, const LeadContext& ctx) {
  for (Grade g : kRuledGrades) {
    const auto& rules = d.grades[ruled_grade_index(g)];
    if (rules && first_failing(*rules, ctx) == nullptr) return g;
  }
  return Grade::kUnqualified;
}

void score_lead(const Definition& d, const LeadContext& ctx, Grading& out) {
  int sum = 0;
  for (size_t i = 0; i < d.score.size(); ++i) {
    const ScoreSignal& s = d.score[i];
    if (!s.rule.expr.matches(ctx)) continue;
    GradeReason r = reason(s.rule, ctx, true);
    r.points = s.points;
    sum += s.points;
    out.score_reasons.push_back(std::move(r));
  }
  // The cap is a listed reason too, so the score is always the sum of its
  // reasons' points.
  if (sum > 100) out.score_reasons.push_back({"score", "the score is capped at 100", "", true, 100 - sum});
  if (sum < 0) out.score_reasons.push_back({"score", "the score cannot go below 0", "", true, -sum});
  out.score = std::clamp(sum, 0, 100);
}

}  // namespace

Grade classify(const Definition& d, const LeadContext& ctx) {
  if (first_failing(d.required_rules, ctx) || first_failing(d.qualification, ctx)) return Grade::kUnqualified;
  return first_grade(d, ctx);
}

Grading grade_lead(const Definition& d, const LeadContext& ctx) {
  Grading out;
  score_lead(d, ctx, out);
  for (const auto& r : d.required_rules) {
    if (!r.expr.matches(ctx)) out.reasons.push_back({r.path, "missing: " + r.says.substr(4), "", false, 0});
  }
  for (const auto& r : d.qualification) {
    if (!r.expr.matches(ctx)) out.reasons.push_back(reason(r, ctx, false));
  }
  if (!out.reasons.empty()) return out;  // unqualified: what is missing
  out.grade = first_grade(d, ctx);
  if (out.grade == Grade::kUnqualified) {
    explain_no_grade(d, ctx, out.reasons);
    return out;
  }
  const auto& rules = *d.grades[ruled_grade_index(out.grade)];
  if (rules.empty()) {
    explain_no_grade(d, ctx, out.reasons);  // a catch-all grade: why not a higher one
  }
  for (const auto& r : rules) out.reasons.push_back(reason(r, ctx, true));
  return out;
}

std::string grading_summary(const Grading& g) {
  std::string out(grade_name(g.grade));
  out += ": ";
  bool first = true;
  for (const auto& r : g.reasons) {
    if (!first) out += "; ";
    first = false;
    out += r.says;
    if (!r.inputs.empty()) out += " (" + r.inputs + ")";
  }
  if (g.reasons.empty()) out += "no rule applies";
  return out;
}

std::string grading_json(const Grading& g) {
  // Written by hand: this runs for every lead captured or touched.
  std::string out = "{\"grade\":";
  append_json_string(out, grade_name(g.grade));
  out += ",\"score\":" + std::to_string(g.score) + ",\"summary\":";
  append_json_string(out, grading_summary(g));
  auto list = [&](const char* name, const std::vector<GradeReason>& reasons, bool points) {
    out += ",\"";
    out += name;
    out += "\":[";
    for (size_t i = 0; i < reasons.size(); ++i) {
      const GradeReason& r = reasons[i];
      out += i ? ",{\"rule\":" : "{\"rule\":";
      append_json_string(out, r.rule);
      out += ",\"says\":";
      append_json_string(out, r.says);
      out += ",\"inputs\":";
      append_json_string(out, r.inputs);
      out += points ? ",\"points\":" + std::to_string(r.points) : std::string(",\"held\":") + (r.held ? "true" : "false");
      out += '}';
    }
    out += ']';
  };
  list("reasons", g.reasons, false);
  list("score_reasons", g.score_reasons, true);
  out += '}';
  return out;
}

}  // namespace leadloop
