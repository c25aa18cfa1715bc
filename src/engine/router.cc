#include "engine/router.h"

#include "domain/codec.h"
#include "engine/timers.h"

namespace leadloop {

namespace {

constexpr std::string_view kRoutingActor = "routing";

LeadEvent stage_event(const Lead& lead, Stage from, TimePoint now, const std::string& actor, Json payload) {
  payload["from"] = stage_name(from);
  payload["to"] = stage_name(lead.stage);
  return {0, lead.id, std::string(event_type::kStageChanged), now, actor, dump_json(payload)};
}

// Moves a pool lead to `to` if the transition table allows it.
void move(Lead& lead, Stage to, TimePoint now, const std::string& actor, Json payload, RoutingOutput out) {
  if (lead.stage == to || !transition_allowed(lead.stage, to)) return;
  const Stage from = lead.stage;
  lead.stage = to;
  lead.updated_at = now;
  out.events->push_back(stage_event(lead, from, now, actor, std::move(payload)));
}

}  // namespace

Status Router::open() {
  auto teams = store_.list_teams();
  if (!teams.ok()) return teams.status();
  auto reps = store_.list_reps();
  if (!reps.ok()) return reps.status();
  auto counts = store_.open_leads_by_owner();
  if (!counts.ok()) return counts.status();
  std::lock_guard lock(mu_);
  teams_.clear();
  reps_.clear();
  for (const Team& t : *teams) teams_[t.key] = t;
  for (const Rep& r : *reps) {
    last_assignment_ = std::max(last_assignment_, r.last_assignment);
    reps_[r.key] = RepState{r, 0};
  }
  for (const auto& [owner, n] : *counts) {
    if (auto it = reps_.find(owner); it != reps_.end()) it->second.open = n;
  }
  return Status();
}

std::string Router::pick_in_team(const std::string& team, const std::string& except) const {
  const RepState* best = nullptr;
  for (const auto& [key, r] : reps_) {
    if (r.rep.team != team || key == except || !eligible(r)) continue;
    if (!best || r.rep.last_assignment < best->rep.last_assignment) best = &r;
  }
  return best ? best->rep.key : std::string();
}

RouteChoice Router::choose_locked(const Lead& lead, TimePoint now, const std::string& except) const {
  RouteChoice c;
  if (do_not_contact(lead.consent)) {
    c.why_not = "the person asked not to be contacted (every consent channel denied)";
    return c;
  }
  auto active = definition_.get();
  std::string team;
  if (active) {
    std::optional<Campaign> campaign = campaigns_.find(lead.source_campaign);
    const LeadContext ctx{&lead, campaign ? &*campaign : nullptr, now};
    const auto& rules = active->definition->routing.rules;
    for (size_t i = 0; i < rules.size() && c.rule.empty(); ++i) {
      if (!rules[i].rule.expr.matches(ctx)) continue;
      c.rule = rules[i].rule.path;
      if (!rules[i].rep.empty()) {
        auto it = reps_.find(rules[i].rep);
        if (it != reps_.end() && it->first != except && eligible(it->second)) {
          c.rep = it->first;
          c.team = it->second.rep.team;
          return c;
        }
        // The named rep cannot take it now: their team can.
        team = it != reps_.end() ? it->second.rep.team : "";
        if (team.empty()) {
          c.why_not = "rep '" + rules[i].rep + "' of " + c.rule + " is not on the roster or cannot take leads";
          return c;
        }
      } else {
        team = rules[i].team;
      }
    }
  }
  if (c.rule.empty()) {
    for (const auto& [key, t] : teams_) {
      if (!lead.region.empty() && t.region == lead.region) {
        team = key;
        c.rule = "region " + lead.region;
        break;
      }
    }
  }
  if (team.empty()) {
    c.why_not = lead.region.empty() ? "no routing rule matched and the lead has no region"
                                    : "no routing rule matched and no team covers region " + lead.region;
    return c;
  }
  c.team = team;
  c.rep = pick_in_team(team, except);
  if (c.rep.empty()) {
    c.why_not = teams_.count(team) ? "every rep of team " + team + " is away, inactive or at capacity"
                                   : "team '" + team + "' of " + c.rule + " does not exist";
  }
  return c;
}

RouteChoice Router::choose(const Lead& lead, TimePoint now, const std::string& except) {
  std::lock_guard lock(mu_);
  return choose_locked(lead, now, except);
}

void Router::route(Lead& lead, TimePoint now, RoutingOutput out, const std::string& cause) {
  if (!lead.owner.empty() || !(lead.stage == Stage::kCaptured || is_pool_stage(lead.stage))) return;
  if (do_not_contact(lead.consent)) {
    // Nobody calls, mails or e-mails the person: the lead leaves the funnel.
    move(lead, Stage::kOptedOut, now, std::string(kRoutingActor),
         {{"reason", "do not contact"}, {"exit", exit_reason(Stage::kOptedOut, "")}}, out);
    plan_decay(nullptr, lead);
    return;
  }
  auto active = definition_.get();
  // Routing is on when the definition says how: it has a routing: section.
  if (!active || !active->definition->routing.written) return;
  auto action = grade_action(*active->definition, lead.grade);
  if (!action) return;
  const std::string who(kRoutingActor);
  const std::string why = cause.empty() ? "graded " + std::string(grade_name(lead.grade)) : cause;
  Json base = {{"reason", why}};
  if (!cause.empty()) base["exit"] = cause;
  switch (*action) {
    case GradeAction::kAssign: {
      RouteChoice c;
      {
        std::lock_guard lock(mu_);
        c = choose_locked(lead, now, "");
      }
      if (c.rep.empty()) {
        Json p = base;
        p["queued"] = c.why_not;
        move(lead, Stage::kQualified, now, who, p, out);
        return;
      }
      give(lead, c, now, who, why, out);
      return;
    }
    case GradeAction::kNurture: {
      Json p = base;
      if (lead.consent.email == Consent::kDenied) {
        // The nurture programme is e-mail.
        p["not_nurtured"] = "email consent denied";
        move(lead, Stage::kRecycled, now, who, p, out);
        return;
      }
      p["programme"] = active->definition->routing.nurture_programme;
      move(lead, Stage::kNurture, now, who, p, out);
      return;
    }
    case GradeAction::kRecycle:
      move(lead, Stage::kRecycled, now, who, base, out);
      return;
    case GradeAction::kQueue:
      move(lead, Stage::kQualified, now, who, base, out);
      return;
  }
}

void Router::give(Lead& lead, const RouteChoice& to, TimePoint now, const std::string& actor,
                  const std::string& reason, RoutingOutput out) {
  const Lead before = lead;
  auto active = definition_.get();
  lead.owner = to.rep;
  lead.updated_at = now;
  // A lead further along (accepted, working...) keeps its stage: only its
  // owner changes. From a pool, it is assigned and the SLA clock starts.
  const bool to_assigned = lead.stage == Stage::kCaptured || is_pool_stage(lead.stage) ||
                           lead.stage == Stage::kRejected || lead.stage == Stage::kAssigned;
  if (to_assigned) start_sla(active ? active->definition.get() : nullptr, lead, now);
  Json assigned = {{"owner", to.rep}, {"previous_owner", before.owner}, {"team", to.team}, {"rule", to.rule}};
  if (!reason.empty()) assigned["reason"] = reason;
  if (lead.sla_due_at) assigned["sla_due_at"] = format_time(*lead.sla_due_at);
  out.events->push_back({0, lead.id, std::string(event_type::kAssigned), now, actor, dump_json(assigned)});
  if (out.outbox && !before.owner.empty() && before.owner != to.rep) {
    Json message = assigned;
    message["lead"] = lead.id;
    out.outbox->push_back({0, "reassigned", to.rep, lead.id, now, dump_json(message)});
  }
  if (to_assigned && lead.stage != Stage::kAssigned) {
    const Stage from = lead.stage;
    lead.stage = Stage::kAssigned;
    out.events->push_back(stage_event(lead, from, now, actor, {{"owner", to.rep}}));
  }
  std::lock_guard lock(mu_);
  auto it = reps_.find(to.rep);
  if (it != reps_.end()) {
    it->second.rep.last_assignment = ++last_assignment_;
    out.assignments->push_back({to.rep, last_assignment_});
  }
  // Counted here, at the decision, so that the rest of a batch sees it.
  if (is_open_stage(before.stage) && !before.owner.empty()) count(before.owner, -1);
  count(to.rep, +1);
}

std::optional<Rep> Router::find_rep(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = reps_.find(key);
  if (it == reps_.end()) return std::nullopt;
  return it->second.rep;
}

std::optional<Team> Router::find_team(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = teams_.find(key);
  if (it == teams_.end()) return std::nullopt;
  return it->second;
}

std::vector<Rep> Router::reps() const {
  std::lock_guard lock(mu_);
  std::vector<Rep> out;
  for (const auto& [key, r] : reps_) out.push_back(r.rep);
  return out;
}

int64_t Router::open_leads(const std::string& rep) const {
  std::lock_guard lock(mu_);
  auto it = reps_.find(rep);
  return it == reps_.end() ? 0 : it->second.open;
}

void Router::count(const std::string& rep, int64_t delta) {
  if (rep.empty()) return;
  if (auto it = reps_.find(rep); it != reps_.end()) it->second.open += delta;
}

void Router::note_change(const Lead* before, const Lead& after) {
  const bool was = before && !before->owner.empty() && is_open_stage(before->stage);
  const bool is = !after.owner.empty() && is_open_stage(after.stage);
  if (was && is && before->owner == after.owner) return;
  std::lock_guard lock(mu_);
  if (was) count(before->owner, -1);
  if (is) count(after.owner, +1);
}

}  // namespace leadloop
