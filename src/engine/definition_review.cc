#include "engine/definition_review.h"

#include <chrono>

#include "definition/grading.h"
#include "domain/budget.h"
#include "domain/codec.h"

namespace leadloop {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

LeadFilter period_filter(Period p) {
  LeadFilter f;
  f.created_from = p.from;
  f.created_to = p.to;
  f.limit = 0;
  return f;
}

std::string summary_of(const Lead& l) {
  if (l.grading.empty()) return "";
  auto j = Json::parse(l.grading, nullptr, false);
  return j.is_object() && j.contains("summary") ? j["summary"].get<std::string>() : "";
}

}  // namespace

Result<std::map<int64_t, SalesOutcome>> DefinitionReview::outcomes() {
  std::map<int64_t, SalesOutcome> out;
  // scan_events cannot stop early: past the budget, the rest is skipped.
  Status budget;
  Status st = store_.scan_events(event_type::kStageChanged, [&](const LeadEvent& e) {
    if (!budget.ok() || !(budget = check_budget()).ok()) return;
    auto j = Json::parse(e.payload, nullptr, false);
    if (!j.is_object()) return;
    auto to = parse_stage(j.value("to", ""));
    if (to) out[e.lead_id].apply(*to, j.value("reason", ""));
  });
  if (!st.ok()) return st;
  LEADLOOP_RETURN_IF_ERROR(budget);
  return out;
}

Result<std::map<int64_t, ReviewAnswer>> DefinitionReview::answers() {
  std::map<int64_t, ReviewAnswer> out;
  Status st = store_.scan_events(event_type::kReviewed, [&](const LeadEvent& e) {
    auto j = Json::parse(e.payload, nullptr, false);
    if (!j.is_object()) return;
    out[e.lead_id] = {e.lead_id, j.value("was_lead", false), j.value("note", ""), e.actor, e.at};
  });
  if (!st.ok()) return st;
  return out;
}

Result<BacktestRun> DefinitionReview::backtest(const Definition& draft, Period p, size_t max_changes) {
  // Leads are graded as they stream out of the store: no copy of a million
  // leads is held, and reading and grading overlap.
  BacktestRun run;
  auto start = std::chrono::steady_clock::now();
  auto outcome = outcomes();
  if (!outcome.ok()) return outcome.status();
  std::map<std::string, Campaign> campaigns;
  for (auto& c : campaigns_.list()) campaigns.emplace(c.key, c);
  auto active = active_.get();
  run.active_version = active ? active->version : 0;
  BacktestTally tally(active ? active->definition.get() : nullptr, draft, p.to, max_changes);
  double grading = 0;
  Status budget;
  LEADLOOP_RETURN_IF_ERROR(store_.scan_leads(period_filter(p), [&](const Lead& l) {
    if (budget = check_budget(); !budget.ok()) return false;
    auto c = campaigns.find(l.source_campaign);
    auto o = outcome->find(l.id);
    auto t = std::chrono::steady_clock::now();
    tally.add({&l, c == campaigns.end() ? nullptr : &c->second, o == outcome->end() ? SalesOutcome{} : o->second});
    grading += seconds_since(t);
    return true;
  }));
  LEADLOOP_RETURN_IF_ERROR(budget);
  run.result = tally.take();
  run.eval_seconds = grading;
  run.load_seconds = seconds_since(start) - grading;
  return run;
}

Result<AccuracyReport> DefinitionReview::accuracy(Period p, UngradedLeads ungraded) {
  auto outcome = outcomes();
  if (!outcome.ok()) return outcome.status();
  auto answered = answers();
  if (!answered.ok()) return answered.status();
  const auto active = ungraded == UngradedLeads::kGradeWithActive ? active_.get() : nullptr;
  std::vector<AccuracyLead> rows;
  Status budget;
  LEADLOOP_RETURN_IF_ERROR(store_.scan_leads(period_filter(p), [&](const Lead& l) {
    if (budget = check_budget(); !budget.ok()) return false;
    auto o = outcome->find(l.id);
    // Graded as at its capture, on a copy: the stored lead keeps its record.
    Lead graded;
    if (active && l.definition_version == 0) {
      graded = l;
      active_.grade(*active, graded, l.created_at);
    }
    const Lead& as = graded.id ? graded : l;
    AccuracyLead row{l.id, as.grade, "", o == outcome->end() ? SalesOutcome{} : o->second};
    if (!disagreement_kind(row.grade, row.outcome).empty()) row.summary = summary_of(as);
    rows.push_back(std::move(row));
    return true;
  }));
  LEADLOOP_RETURN_IF_ERROR(budget);
  return accuracy_report(rows, *answered);
}

Status DefinitionReview::answer(int64_t lead_id, bool was_lead, const std::string& note, const std::string& reviewer) {
  auto lock = intake_.lock_writes();
  auto lead = store_.get_lead(lead_id);
  if (!lead.ok()) return lead.status();
  const TimePoint now = clock_.now();
  Json payload = {{"was_lead", was_lead}, {"note", note}, {"grade", grade_name(lead->grade)},
                  {"definition_version", lead->definition_version}};
  Mutation m;
  LeadChange c{std::move(lead).value(), {}, {}};
  c.lead.updated_at = now;
  c.events.push_back({0, lead_id, std::string(event_type::kReviewed), now, reviewer, dump_json(payload)});
  m.leads.push_back(std::move(c));
  return store_.commit(m);
}

}  // namespace leadloop
