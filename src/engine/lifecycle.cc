#include "engine/lifecycle.h"

#include <unordered_map>

#include "domain/codec.h"
#include "engine/timers.h"

namespace leadloop {

namespace {

std::string stage_list(const std::vector<Stage>& stages) {
  std::string out;
  for (Stage s : stages) out += (out.empty() ? "" : ", ") + std::string(stage_name(s));
  return out.empty() ? "none" : out;
}

Status check_reason(const TransitionInput& in, const ActiveDefinition& definition) {
  if (!transition_needs_reason(in.to)) return Status();
  if (in.reason.empty()) {
    return Status(ErrorCode::kMissingField, "a move to " + std::string(stage_name(in.to)) + " needs a reason code",
                  "reason");
  }
  if (in.to != Stage::kRejected) return Status();
  auto active = definition.get();
  if (!active || is_reject_reason(*active->definition, in.reason)) return Status();
  std::string codes;
  for (const auto& r : active->definition->reject_reasons) codes += (codes.empty() ? "" : ", ") + r.code;
  return Status(ErrorCode::kInvalidValue,
                "'" + in.reason + "' is not a reject reason of the lead definition; use one of: " + codes, "reason");
}

// What every move is checked for before its lead is read.
Status check_move(const TransitionInput& in, const ActiveDefinition& definition) {
  LEADLOOP_RETURN_IF_ERROR(check_reason(in, definition));
  if (in.to == Stage::kAssigned) {
    return Status(ErrorCode::kInvalidValue,
                  "a lead is assigned by giving it an owner: POST /api/v1/leads/{id}/assignment {\"rep\": ...}", "to");
  }
  return Status();
}

Status check_allowed(Stage from, Stage to) {
  if (transition_allowed(from, to)) return Status();
  return Status(ErrorCode::kInvalidTransition,
                "a lead cannot move from " + std::string(stage_name(from)) + " to " + std::string(stage_name(to)) +
                    "; from " + std::string(stage_name(from)) + " it can move to: " + stage_list(transitions_from(from)),
                "to");
}

}  // namespace

LeadEvent move_stage(Lead& l, const TransitionInput& in, const Definition* definition, TimePoint now,
                     const std::string& actor) {
  const Stage from = l.stage;
  Json payload = {{"from", stage_name(from)}, {"to", stage_name(in.to)}};
  if (!in.reason.empty()) payload["reason"] = in.reason;
  if (!in.note.empty()) payload["note"] = in.note;
  if (in.amount_cents) payload["amount_cents"] = *in.amount_cents;
  if (in.revenue_cents) payload["revenue_cents"] = *in.revenue_cents;
  if (in.expected_close) payload["expected_close"] = format_time(*in.expected_close);
  if (!in.on_behalf_of.empty()) payload["on_behalf_of"] = in.on_behalf_of;
  if (in.feedback_link) payload["feedback_link"] = *in.feedback_link;
  if (std::string exit = exit_reason(in.to, in.reason); !exit.empty()) payload["exit"] = exit;
  if (!l.owner.empty()) payload["owner"] = l.owner;
  l.stage = in.to;
  l.updated_at = now;
  // Any move out of assigned is the owner's response; closing or pooling
  // the lead ends its follow-up, and a pool has no owner.
  if (!in.release_owner && (from == Stage::kAssigned || !is_open_stage(in.to))) stop_sla(l, now);
  if (in.release_owner || is_pool_stage(in.to)) clear_owner(l);
  plan_decay(definition, l);
  return {0, l.id, std::string(event_type::kStageChanged), now, actor, dump_json(payload)};
}

Result<Lead> Lifecycle::transition(int64_t lead_id, const TransitionInput& in, const std::string& actor) {
  LEADLOOP_RETURN_IF_ERROR(check_move(in, definition_));
  auto lock = intake_.lock_writes();
  auto lead = store_.get_lead(lead_id);
  if (!lead.ok()) return lead.status();
  LEADLOOP_RETURN_IF_ERROR(check_allowed(lead->stage, in.to));
  const Lead before = *lead;
  Mutation m;
  LeadChange c{std::move(lead).value(), {}, {}};
  auto active = definition_.get();
  c.events.push_back(move_stage(c.lead, in, active ? active->definition.get() : nullptr, clock_.now(), actor));
  m.leads.push_back(std::move(c));
  if (in.feedback_link) m.feedback_links_used.push_back(*in.feedback_link);
  LEADLOOP_RETURN_IF_ERROR(store_.commit(m));
  if (router_) router_->note_change(&before, m.leads.front().lead);
  return std::move(m.leads.front().lead);
}

Result<std::vector<RecordedOutcome>> Lifecycle::record(const std::vector<RecordedMove>& moves,
                                                       const std::string& actor) {
  std::vector<RecordedOutcome> out(moves.size());
  auto lock = intake_.lock_writes();
  const TimePoint now = clock_.now();
  auto active = definition_.get();
  const Definition* definition = active ? active->definition.get() : nullptr;
  // Each lead is read once and changed by its moves in order.
  struct Changed {
    Lead before;
    LeadChange change;
    TimePoint last_at = INT64_MIN;
  };
  std::vector<Changed> changed;
  std::unordered_map<int64_t, size_t> index_of;
  for (size_t i = 0; i < moves.size(); ++i) {
    const RecordedMove& mv = moves[i];
    const TimePoint at = mv.at.value_or(now);
    Status st = check_move(mv.input, definition_);
    if (st.ok() && at > now) {
      st = Status(ErrorCode::kInvalidValue, "at is in the future; a move is recorded when it happened", "at");
    }
    if (!st.ok()) {
      out[i].error = std::move(st);
      continue;
    }
    auto found = index_of.find(mv.lead_id);
    if (found == index_of.end()) {
      auto lead = store_.get_lead(mv.lead_id);
      if (!lead.ok()) {
        if (lead.status().code() != ErrorCode::kNotFound) return lead.status();
        out[i].error = Status(ErrorCode::kNotFound, "no lead with id " + std::to_string(mv.lead_id), "lead");
        continue;
      }
      found = index_of.emplace(mv.lead_id, changed.size()).first;
      Lead before = *lead;
      changed.push_back({std::move(before), LeadChange{std::move(lead).value(), {}, {}}, INT64_MIN});
    }
    Changed& c = changed[found->second];
    if (at < c.last_at) {
      out[i].error = Status(ErrorCode::kInvalidValue,
                            "at is before the lead's previous move in this request (" + format_time(c.last_at) +
                                "); send each lead's moves in the order they happened",
                            "at");
      continue;
    }
    if (Status allowed = check_allowed(c.change.lead.stage, mv.input.to); !allowed.ok()) {
      out[i].error = std::move(allowed);
      continue;
    }
    c.change.events.push_back(move_stage(c.change.lead, mv.input, definition, at, actor));
    c.change.lead.updated_at = now;
    c.last_at = at;
    out[i].stage = c.change.lead.stage;
  }
  Mutation m;
  for (Changed& c : changed) {
    if (!c.change.events.empty()) m.leads.push_back(std::move(c.change));
  }
  if (m.leads.empty()) return out;
  if (Status st = store_.commit(m); !st.ok()) {
    if (router_) (void)router_->open();
    return st;
  }
  if (router_) {
    size_t k = 0;
    for (const Changed& c : changed) {
      if (k < m.leads.size() && m.leads[k].lead.id == c.before.id) router_->note_change(&c.before, m.leads[k++].lead);
    }
  }
  return out;
}

}  // namespace leadloop
