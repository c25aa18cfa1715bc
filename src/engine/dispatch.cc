#include "engine/dispatch.h"

#include <set>

namespace leadloop {

LeadFilter Dispatch::queue_filter(const std::string& campaign) {
  LeadFilter f;
  f.campaign = campaign;
  f.stages = {Stage::kCaptured, Stage::kQualified};
  f.unowned = true;
  return f;
}

Result<std::vector<Lead>> Dispatch::queue(const std::string& campaign, int64_t after_id, int limit) {
  LeadFilter f = queue_filter(campaign);
  f.after_id = after_id;
  f.limit = limit;
  return store_.list_leads(f);
}

Result<std::vector<AssignOutcome>> Dispatch::assign(const AssignRequest& r, const std::string& actor) {
  if (r.lead_ids.empty()) return Status(ErrorCode::kMissingField, "give the ids of the leads to assign", "leads");
  if (!r.rep.empty()) {
    auto rep = router_.find_rep(r.rep);
    if (!rep) return Status(ErrorCode::kInvalidValue, "no rep '" + r.rep + "' on the roster", "rep");
    if (!rep->active) return Status(ErrorCode::kInvalidValue, "rep '" + r.rep + "' is not active", "rep");
  }
  auto lock = intake_.lock_writes();
  const TimePoint now = clock_.now();
  std::vector<AssignOutcome> out(r.lead_ids.size());
  Mutation m;
  std::set<int64_t> seen;
  for (size_t i = 0; i < r.lead_ids.size(); ++i) {
    const int64_t id = r.lead_ids[i];
    out[i].lead_id = id;
    if (!seen.insert(id).second) {
      out[i].error = Status(ErrorCode::kInvalidValue, "lead " + std::to_string(id) + " is listed twice", "leads");
      continue;
    }
    auto lead = store_.get_lead(id);
    if (!lead.ok()) {
      out[i].error = lead.status();
      continue;
    }
    if (!is_open_stage(lead->stage)) {
      out[i].error = Status(ErrorCode::kInvalidTransition,
                            "lead " + std::to_string(id) + " is " + std::string(stage_name(lead->stage)) +
                                ": a closed lead is not assigned",
                            "leads");
      continue;
    }
    if (do_not_contact(lead->consent)) {
      out[i].error = Status(ErrorCode::kInvalidValue,
                            "lead " + std::to_string(id) + " asked not to be contacted: it is not given to a rep",
                            "leads");
      continue;
    }
    if (!lead->owner.empty() && r.reason.empty()) {
      out[i].error = Status(ErrorCode::kMissingField,
                            "lead " + std::to_string(id) + " belongs to " + lead->owner +
                                "; a reassignment needs a reason",
                            "reason");
      continue;
    }
    RouteChoice choice;
    if (r.rep.empty()) {
      choice = router_.choose(*lead, now, lead->owner);
      if (choice.rep.empty()) {
        out[i].error = Status(ErrorCode::kConflict, "no rep to take lead " + std::to_string(id) + ": " + choice.why_not,
                              "rep");
        continue;
      }
    } else {
      if (lead->owner == r.rep) {
        out[i].error = Status(ErrorCode::kConflict, "lead " + std::to_string(id) + " belongs to " + r.rep + " already",
                              "rep");
        continue;
      }
      auto rep = router_.find_rep(r.rep);
      choice = {r.rep, rep ? rep->team : "", "manual", ""};
    }
    LeadChange c{std::move(lead).value(), {}, {}};
    router_.give(c.lead, choice, now, actor, r.reason, {&c.events, &m.assignments, &m.outbox});
    out[i].owner = choice.rep;
    m.leads.push_back(std::move(c));
  }
  if (m.leads.empty()) return out;
  if (Status st = store_.commit(m); !st.ok()) {
    // give() counted the leads for their new owners: count again.
    (void)router_.open();
    return st;
  }
  return out;
}

Result<int64_t> Dispatch::route_waiting() {
  constexpr int kBatch = 1000;
  int64_t moved = 0;
  LeadFilter f;
  f.stages = {Stage::kCaptured, Stage::kQualified, Stage::kNurture, Stage::kRecycled};
  f.unowned = true;
  f.limit = kBatch;
  while (true) {
    // The lock is taken per batch, so that captures go on meanwhile.
    auto lock = intake_.lock_writes();
    auto leads = store_.list_leads(f);
    if (!leads.ok()) return leads.status();
    if (leads->empty()) break;
    f.after_id = leads->back().id;
    const TimePoint now = clock_.now();
    Mutation m;
    for (Lead& l : *leads) {
      LeadChange c{std::move(l), {}, {}};
      router_.route(c.lead, now, {&c.events, &m.assignments});
      if (!c.events.empty()) m.leads.push_back(std::move(c));
    }
    if (m.leads.empty()) continue;
    if (Status st = store_.commit(m); !st.ok()) {
      (void)router_.open();
      return st;
    }
    moved += static_cast<int64_t>(m.leads.size());
  }
  return moved;
}

}  // namespace leadloop
