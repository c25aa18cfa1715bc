#include "engine/active_definition.h"

#include "domain/codec.h"
#include "engine/timers.h"

namespace leadloop {

std::shared_ptr<const DefinitionVersion> ActiveDefinition::get() const {
  std::lock_guard lock(mu_);
  return active_;
}

void ActiveDefinition::set(std::shared_ptr<const DefinitionVersion> v) {
  std::lock_guard lock(mu_);
  active_ = std::move(v);
}

std::optional<LeadEvent> ActiveDefinition::regrade(Lead& lead, TimePoint now, const std::string& actor) const {
  auto v = get();
  if (!v) return std::nullopt;
  return regrade_with(*v, lead, now, actor);
}

Grading ActiveDefinition::apply(const DefinitionVersion& v, Lead& lead, TimePoint now) const {
  std::optional<Campaign> campaign = campaigns_.find(lead.source_campaign);
  Grading g = grade_lead(*v.definition, {&lead, campaign ? &*campaign : nullptr, now});
  lead.grade = g.grade;
  lead.score = g.score;
  lead.definition_version = v.version;
  lead.grading = grading_json(g);
  plan_decay(v.definition.get(), lead);
  return g;
}

Grade ActiveDefinition::grade(const DefinitionVersion& v, Lead& lead, TimePoint now) const {
  const Grade before = lead.grade;
  apply(v, lead, now);
  return before;
}

std::optional<LeadEvent> ActiveDefinition::regrade_with(const DefinitionVersion& v, Lead& lead, TimePoint now,
                                                        const std::string& actor) const {
  const Grade before = lead.grade;
  const Grading g = apply(v, lead, now);
  if (before == g.grade) return std::nullopt;
  Json payload = {{"from", grade_name(before)},
                  {"to", grade_name(lead.grade)},
                  {"score", lead.score},
                  {"definition_version", v.version},
                  {"summary", grading_summary(g)}};
  return LeadEvent{0, lead.id, std::string(event_type::kGradeChanged), now, actor, dump_json(payload)};
}

}  // namespace leadloop
