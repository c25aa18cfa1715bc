#include "engine/follow_up.h"

#include "domain/codec.h"
#include "engine/timers.h"

namespace leadloop {

namespace {

constexpr std::string_view kActor = "follow_up";
constexpr int kBatch = 500;

// The grading JSON with decay put first among the reasons: the lead is cold
// because of it. The score and its reasons are unchanged.
std::string decayed_grading(const std::string& grading, int days, const Lead& l) {
  Json g = Json::parse(grading, nullptr, false);
  if (!g.is_object()) g = Json::object();
  const std::string says = "warm lead with no touch for " + std::to_string(days) + " days";
  Json reason = {{"rule", "decay.warm_to_cold_days"},
                 {"says", says},
                 {"inputs", "last touch = " + (l.last_touch_at ? format_time(*l.last_touch_at) : std::string("none"))},
                 {"held", true},
                 {"points", 0}};
  Json reasons = Json::array({reason});
  if (g.contains("reasons") && g["reasons"].is_array()) {
    for (auto& r : g["reasons"]) reasons.push_back(r);
  }
  g["grade"] = "cold";
  g["reasons"] = reasons;
  g["summary"] = "cold: " + says;
  return dump_json(g);
}

}  // namespace

Result<FollowUpRun> FollowUp::run_due() {
  FollowUpRun run;
  const TimePoint now = clock_.now();
  while (true) {
    // The write lock is taken per batch, so that a run over many timers
    // lets captures in between.
    auto lock = intake_.lock_writes();
    auto due = store_.due_leads(now, kBatch);
    if (!due.ok()) return due.status();
    if (due->empty()) break;
    Mutation m;
    for (int64_t id : *due) {
      auto lead = store_.get_lead(id);
      if (!lead.ok()) return lead.status();
      LeadChange c{std::move(lead).value(), {}, {}};
      fire(c, m, now, run);
      // A timer no longer due clears without an event; its lead is still
      // written so that the timer never comes back.
      if (c.events.empty()) {
        c.events.push_back({0, id, std::string(event_type::kTimerCleared), now, std::string(kActor), "{}"});
      }
      m.leads.push_back(std::move(c));
    }
    if (Status st = store_.commit(m); !st.ok()) {
      (void)router_.open();  // the decisions counted leads that were not stored
      return st;
    }
  }
  return run;
}

bool FollowUp::fire(LeadChange& c, Mutation& m, TimePoint now, FollowUpRun& run) {
  Lead& l = c.lead;
  auto active = definition_.get();
  const Definition* d = active ? active->definition.get() : nullptr;
  bool fired = false;
  // A lead can be due on both timers; each is applied, in order.
  for (int round = 0; round < 3; ++round) {
    if (l.sla_due_at && *l.sla_due_at <= now) {
      fired = true;
      if (l.owner.empty() || l.stage != Stage::kAssigned) {
        l.sla_due_at.reset();  // answered or moved since: nothing to do
        l.sla_level = 0;
      } else if (l.sla_level == 0) {
        breach(c, m, now, d);
        ++run.breached;
      } else {
        reassign(c, m, now, run);
      }
      continue;
    }
    if (l.decay_at && *l.decay_at <= now) {
      fired = true;
      if (l.grade == Grade::kWarm && is_open_stage(l.stage)) {
        decay(c, m, now, d);
        ++run.decayed;
      } else {
        l.decay_at.reset();
      }
      continue;
    }
    break;
  }
  // Each round moves a timer past now or clears it, so three rounds do;
  // should one still be due, it is cleared rather than fired forever.
  if (l.sla_due_at && *l.sla_due_at <= now) l.sla_due_at.reset();
  if (l.decay_at && *l.decay_at <= now) l.decay_at.reset();
  if (fired) l.updated_at = now;
  return fired;
}

void FollowUp::breach(LeadChange& c, Mutation& m, TimePoint now, const Definition* d) {
  Lead& l = c.lead;
  const TimePoint due = *l.sla_due_at;
  std::string team, manager;
  if (auto rep = router_.find_rep(l.owner)) {
    team = rep->team;
    if (auto t = router_.find_team(team)) manager = t->manager;
  }
  const TimePoint reassign_at = reassign_due(d, l, due);
  Json payload = {{"owner", l.owner},       {"team", team},
                  {"manager", manager},     {"grade", grade_name(l.grade)},
                  {"due_at", format_time(due)}, {"reassign_at", format_time(reassign_at)}};
  c.events.push_back({0, l.id, std::string(event_type::kSlaBreached), now, std::string(kActor), dump_json(payload)});
  Json message = payload;
  message["lead"] = l.id;
  message["name"] = l.first_name + (l.first_name.empty() || l.last_name.empty() ? "" : " ") + l.last_name;
  message["company"] = l.company;
  message["text"] = "Lead " + std::to_string(l.id) + " (" + l.company + ") was not followed up by " + l.owner +
                    " within its SLA (due " + format_time(due) + "); it is reassigned at " +
                    format_time(reassign_at) + " unless " + l.owner + " acts.";
  m.outbox.push_back({0, "sla_breach", manager.empty() ? "team:" + team : manager, l.id, now, dump_json(message)});
  l.sla_level = 1;
  l.sla_due_at = reassign_at;
}

void FollowUp::reassign(LeadChange& c, Mutation& m, TimePoint now, FollowUpRun& run) {
  Lead& l = c.lead;
  RouteChoice to = router_.choose(l, now, l.owner);
  if (!to.rep.empty()) {
    router_.give(l, to, now, std::string(kActor), "sla_breach", {&c.events, &m.assignments, &m.outbox});
    ++run.reassigned;
    return;
  }
  // Nobody else can take it: back to the queue, where the campaign owner
  // sees it. The owner lost it by not following up.
  const Lead before = l;
  const std::string owner = l.owner;
  l.stage = Stage::kQualified;
  clear_owner(l);
  router_.note_change(&before, l);
  Json payload = {{"from", "assigned"}, {"to", "qualified"},     {"reason", "sla_breach"},
                  {"exit", "sla_breach"}, {"previous_owner", owner}, {"queued", to.why_not}};
  c.events.push_back({0, l.id, std::string(event_type::kStageChanged), now, std::string(kActor), dump_json(payload)});
  ++run.requeued;
}

void FollowUp::decay(LeadChange& c, Mutation& m, TimePoint now, const Definition* d) {
  Lead& l = c.lead;
  const int days = d ? d->decay_warm_to_cold_days : 0;
  Json payload = {{"from", "warm"},
                  {"to", "cold"},
                  {"days", days},
                  {"last_touch_at", l.last_touch_at ? Json(format_time(*l.last_touch_at)) : Json(nullptr)},
                  {"stage", stage_name(l.stage)}};
  c.events.push_back({0, l.id, std::string(event_type::kDecayed), now, std::string(kActor), dump_json(payload)});
  l.grade = Grade::kCold;
  l.grading = decayed_grading(l.grading, days, l);
  l.decay_at.reset();
  router_.route(l, now, {&c.events, &m.assignments}, "decayed");
}

}  // namespace leadloop
