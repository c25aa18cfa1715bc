#include "demo/sales_floor.h"

#include <algorithm>
#include <array>

namespace leadloop {

namespace {

constexpr TimePoint kMinute = 60 * kMillisPerSecond;

// How sales judges a lead of each grade (index: Grade): the share it
// accepts at first response, the share of accepted leads that become
// opportunities, and the share of opportunities won. Cold and unqualified
// leads convert now and then: the misses the accuracy review is for.
struct Verdict {
  double accept, opportunity, win;
};
constexpr std::array<Verdict, kGradeCount> kVerdicts = {{
    {0.10, 0.10, 0.20},  // none
    {0.72, 0.45, 0.45},  // hot
    {0.55, 0.30, 0.35},  // warm
    {0.30, 0.15, 0.25},  // cold
    {0.10, 0.10, 0.20},  // unqualified
}};
// At first response, before judging: the rep forgets the lead (the SLA
// catches it), finds it is no lead at all, or the person opts out.
constexpr double kNoAnswer = 0.04;
constexpr double kDisqualify = 0.03;
constexpr double kOptOut = 0.01;

constexpr std::array<std::string_view, 2> kNoProject = {"no_project", "went_dark"};
constexpr std::array<std::string_view, 3> kLostDeal = {"competitor", "no_decision", "price"};

std::string actor_of(const std::string& rep) { return rep.empty() ? "marketing" : "rep:" + rep; }

}  // namespace

SalesFloor::SalesFloor(const FloorServices& services, const Clock& clock, Rng& rng,
                       std::vector<AwayWindow> away)
    : svc_(services), clock_(clock), rng_(rng), away_(std::move(away)) {
  for (const AwayWindow& w : away_) {
    roster_changes_.push_back({w.from, w.rep, true});
    roster_changes_.push_back({w.to, w.rep, false});
  }
  std::stable_sort(roster_changes_.begin(), roster_changes_.end(),
                   [](const RosterChange& a, const RosterChange& b) { return a.at < b.at; });
}

Status SalesFloor::update_roster() {
  const TimePoint now = clock_.now();
  bool changed = false;
  for (; roster_next_ < roster_changes_.size() && roster_changes_[roster_next_].at <= now;
       ++roster_next_) {
    const RosterChange& c = roster_changes_[roster_next_];
    auto rep = svc_.router.find_rep(c.rep);
    if (!rep) continue;
    rep->away = c.away;  // keeps the rep's place in the round-robin
    LEADLOOP_RETURN_IF_ERROR(svc_.store.put_rep(*rep));
    changed = true;
  }
  return changed ? svc_.router.open() : Status();
}

TimePoint SalesFloor::back_at(const std::string& rep, TimePoint t) const {
  for (const AwayWindow& w : away_) {
    if (w.rep == rep && w.from <= t && t < w.to) return w.to;
  }
  return 0;
}

TimePoint SalesFloor::response_delay(Responsiveness r) {
  if (clock_.now() < svc_.pace.slow_until) return rng_.between(24 * 60, 6 * 24 * 60) * kMinute;
  if (r == Responsiveness::kSlow) {
    // Once the SLA is agreed (slow_until passed), slow reps answer within it.
    if (svc_.pace.slow_until > 0) return rng_.between(60, 4 * 60) * kMinute;
    return rng_.between(8 * 60, 30 * 60) * kMinute;
  }
  return rng_.between(5, 60) * kMinute;
}

void SalesFloor::observe(const Lead& lead) {
  const TimePoint now = clock_.now();
  if (lead.stage != Stage::kAssigned) awaiting_.erase(lead.id);
  if (lead.stage == Stage::kAssigned && !lead.owner.empty() && lead.assigned_at) {
    auto [it, fresh] = stints_.try_emplace(lead.id, *lead.assigned_at);
    if (!fresh && it->second == *lead.assigned_at) return;  // planned already
    it->second = *lead.assigned_at;
    if (lead.sla_due_at) {
      awaiting_[lead.id] = *lead.sla_due_at;
    } else {
      awaiting_.erase(lead.id);
    }
    const RepSeed* seed = find_rep_seed(lead.owner);
    Responsiveness r = seed ? seed->responsiveness : Responsiveness::kFast;
    // After an agreed SLA, nobody ignores leads outright.
    if (r == Responsiveness::kNever && svc_.pace.slow_until > 0 && now >= svc_.pace.slow_until) r = Responsiveness::kSlow;
    if (r == Responsiveness::kNever) return;
    plan(now + response_delay(r), {Step::kRespond, lead.id, lead.owner, *lead.assigned_at, 0, "", ""});
    return;
  }
  if (lead.stage == Stage::kNurture && lead.grade == Grade::kWarm && !nurturing_.count(lead.id)) {
    // Most nurtured leads answer an email now and then; the others decay.
    if (!rng_.chance(0.7)) return;
    nurturing_.insert(lead.id);
    plan(now + rng_.between(5, 35) * kMillisPerDay, {Step::kNurtureReply, lead.id, "", 0, 0, "", ""});
  }
}

Status SalesFloor::observe_breached() {
  // Only a lead past its SLA can have been reassigned: the others need no
  // read. Ids first, as observe() changes the map.
  const TimePoint now = clock_.now();
  std::vector<int64_t> due;
  for (const auto& [id, deadline] : awaiting_) {
    if (deadline <= now) due.push_back(id);
  }
  for (int64_t id : due) {
    auto lead = svc_.store.get_lead(id);
    if (!lead.ok()) return lead.status();
    observe(*lead);
  }
  return Status();
}

Status SalesFloor::work_queue() {
  LeadFilter f;
  f.stage = Stage::kQualified;
  f.unowned = true;
  f.limit = 0;
  auto queued = svc_.store.list_leads(f);
  if (!queued.ok()) return queued.status();
  if (queued->empty()) return Status();
  AssignRequest r;
  for (const Lead& l : *queued) r.lead_ids.push_back(l.id);
  auto out = svc_.dispatch.assign(r, "marketing");
  if (!out.ok()) return out.status();
  for (const AssignOutcome& o : *out) {
    if (o.owner.empty()) continue;
    ++counts_.handed_out;
    auto lead = svc_.store.get_lead(o.lead_id);
    if (!lead.ok()) return lead.status();
    observe(*lead);
  }
  return Status();
}

void SalesFloor::hand_out(int64_t lead_id, int days, std::string rep) {
  plan(clock_.now() + days * kMillisPerDay, {Step::kHandOut, lead_id, "", 0, 0, "", std::move(rep)});
}

Status SalesFloor::act() {
  const TimePoint now = clock_.now();
  while (!agenda_.empty() && agenda_.begin()->first <= now) {
    auto node = agenda_.extract(agenda_.begin());
    LEADLOOP_RETURN_IF_ERROR(run(node.mapped(), now));
  }
  return Status();
}

Status SalesFloor::run(const Plan& p, TimePoint now) {
  auto lead = svc_.store.get_lead(p.lead);
  if (!lead.ok()) return lead.status();
  const Lead& l = *lead;
  if (!p.rep.empty()) {
    // Plans of a rep are moot once the lead is someone else's; a rep who
    // is away does them when back.
    if (l.owner != p.rep) return Status();
    if (TimePoint back = back_at(p.rep, now)) {
      plan(back + response_delay(Responsiveness::kFast), p);
      return Status();
    }
  }
  switch (p.step) {
    case Step::kRespond:
      return respond(l, p, now);
    case Step::kWork:
      return work(l, p, now);
    case Step::kQualify:
      return qualify(l, p, now);
    case Step::kClose:
      return close(l, p);
    case Step::kAfterReject:
      return after_reject(l, p);
    case Step::kNurtureReply:
      return nurture_reply(l);
    case Step::kHandOut:
      return hand_out_now(l, p);
  }
  return Status();
}

Status SalesFloor::respond(const Lead& l, const Plan& p, TimePoint now) {
  if (l.stage != Stage::kAssigned || l.assigned_at != p.stint) return Status();
  const Verdict& v = kVerdicts[static_cast<size_t>(l.grade)];
  double u = rng_.unit();
  if (u < kNoAnswer) return Status();
  u -= kNoAnswer;
  TransitionInput in;
  if (u < kDisqualify) {
    in.to = Stage::kDisqualified;
    in.note = "not a company we sell to";
    return move(l.id, in, actor_of(p.rep));
  }
  u -= kDisqualify;
  if (u < kOptOut) {
    in.to = Stage::kOptedOut;
    in.note = "asked not to be contacted";
    return move(l.id, in, actor_of(p.rep));
  }
  // Many reps call before they judge: the call is the first response.
  if (rng_.chance(0.4)) {
    Attributes answers;
    answers["budget"] = rng_.chance(0.4) ? "confirmed" : "unknown";
    answers["decision_maker"] = rng_.chance(0.5) ? "yes" : "no";
    LEADLOOP_RETURN_IF_ERROR(
        touch(l, Medium::kCall, Direction::kOutbound, "connected", answers, actor_of(p.rep)));
  }
  if (rng_.chance(v.accept)) {
    in.to = Stage::kAccepted;
    LEADLOOP_RETURN_IF_ERROR(move(l.id, in, actor_of(p.rep)));
    plan(now + rng_.between(12, 72) * kMillisPerHour, {Step::kWork, l.id, p.rep, 0, 0, "", ""});
    return Status();
  }
  in.to = Stage::kRejected;
  in.reason = svc_.reject_reasons.empty()
                  ? "other"
                  : svc_.reject_reasons[rng_.below(svc_.reject_reasons.size())];
  LEADLOOP_RETURN_IF_ERROR(move(l.id, in, actor_of(p.rep)));
  plan(now + rng_.between(1, 3) * kMillisPerDay, {Step::kAfterReject, l.id, "", 0, 0, in.reason, ""});
  return Status();
}

Status SalesFloor::work(const Lead& l, const Plan& p, TimePoint now) {
  if (l.stage != Stage::kAccepted) return Status();
  TransitionInput in;
  in.to = Stage::kWorking;
  LEADLOOP_RETURN_IF_ERROR(move(l.id, in, actor_of(p.rep)));
  LEADLOOP_RETURN_IF_ERROR(
      touch(l, Medium::kMeeting, Direction::kOutbound, "meeting_set", {}, actor_of(p.rep)));
  plan(now + rng_.between(7, 35) * kMillisPerDay, {Step::kQualify, l.id, p.rep, 0, 0, "", ""});
  return Status();
}

Status SalesFloor::qualify(const Lead& l, const Plan& p, TimePoint now) {
  if (l.stage != Stage::kWorking) return Status();
  const Verdict& v = kVerdicts[static_cast<size_t>(l.grade)];
  TransitionInput in;
  if (rng_.chance(std::min(0.9, v.opportunity * svc_.pace.odds_scale))) {
    in.to = Stage::kOpportunity;
    in.amount_cents = rng_.between(10, 100) * 50000;  // $5,000 to $50,000
    const TimePoint expected = now + rng_.between(svc_.pace.cycle_min_days, svc_.pace.cycle_max_days) * kMillisPerDay;
    in.expected_close = expected;
    LEADLOOP_RETURN_IF_ERROR(move(l.id, in, actor_of(p.rep)));
    // Deals slip, or close a little early.
    plan(expected + rng_.between(-20, 30) * kMillisPerDay,
         {Step::kClose, l.id, p.rep, 0, *in.amount_cents, "", ""});
    return Status();
  }
  if (rng_.chance(0.6)) {
    in.to = Stage::kLost;
    in.reason = std::string(rng_.pick(kNoProject));
  } else {
    in.to = Stage::kNurture;
    in.note = "not now: back to nurture";
  }
  return move(l.id, in, actor_of(p.rep));
}

Status SalesFloor::close(const Lead& l, const Plan& p) {
  if (l.stage != Stage::kOpportunity) return Status();
  const Verdict& v = kVerdicts[static_cast<size_t>(l.grade)];
  TransitionInput in;
  if (rng_.chance(std::min(0.9, v.win * svc_.pace.odds_scale))) {
    in.to = Stage::kWon;
    in.revenue_cents = p.amount_cents / 100 * rng_.between(80, 110);
  } else {
    in.to = Stage::kLost;
    in.reason = std::string(rng_.pick(kLostDeal));
  }
  return move(l.id, in, actor_of(p.rep));
}

Status SalesFloor::after_reject(const Lead& l, const Plan& p) {
  if (l.stage != Stage::kRejected) return Status();
  // Marketing reads the reason: bad timing goes back to nurture, customers
  // and duplicates are no leads, the rest waits in the recycle pool.
  TransitionInput in;
  in.note = "after rejection: " + p.reason;
  if (p.reason == "bad_timing") {
    in.to = Stage::kNurture;
  } else if (p.reason == "existing_customer" || p.reason == "duplicate") {
    in.to = Stage::kDisqualified;
  } else {
    in.to = Stage::kRecycled;
  }
  return move(l.id, in, actor_of(""));
}

Status SalesFloor::nurture_reply(const Lead& l) {
  nurturing_.erase(l.id);
  if (l.stage != Stage::kNurture) return Status();
  if (rng_.chance(0.03)) {
    TransitionInput in;
    in.to = Stage::kOptedOut;
    in.note = "unsubscribed from the nurture emails";
    return move(l.id, in, "nurture");
  }
  // A reply restarts the decay count; some bring news that makes the lead
  // hot, and routing gives it to a rep at once.
  Attributes answers;
  if (rng_.chance(0.25)) answers["budget"] = "confirmed";
  LEADLOOP_RETURN_IF_ERROR(
      touch(l, Medium::kEmail, Direction::kInbound, "replied", answers, "nurture"));
  auto now = svc_.store.get_lead(l.id);
  if (!now.ok()) return now.status();
  observe(*now);
  return Status();
}

Status SalesFloor::hand_out_now(const Lead& l, const Plan& p) {
  if (!l.owner.empty() || !is_open_stage(l.stage) || l.stage == Stage::kRejected) return Status();
  AssignRequest r;
  r.lead_ids = {l.id};
  r.rep = p.to_rep;
  auto out = svc_.dispatch.assign(r, "marketing");
  if (!out.ok()) return out.status();
  if (out->front().owner.empty()) return Status();  // nobody can take it now
  ++counts_.handed_out;
  auto lead = svc_.store.get_lead(l.id);
  if (!lead.ok()) return lead.status();
  observe(*lead);
  return Status();
}

Status SalesFloor::move(int64_t lead, TransitionInput in, const std::string& actor) {
  auto moved = svc_.lifecycle.transition(lead, in, actor);
  if (!moved.ok()) return moved.status();
  ++counts_.moves;
  return Status();
}

Status SalesFloor::touch(const Lead& lead, Medium medium, Direction direction,
                         const std::string& outcome, Attributes data_points,
                         const std::string& actor) {
  TouchInput in;
  in.touch.lead_id = lead.id;
  in.touch.campaign = lead.source_campaign;
  in.touch.channel = medium;
  in.channel_given = true;
  in.touch.direction = direction;
  in.touch.outcome = outcome;
  in.touch.data_points = std::move(data_points);
  auto t = svc_.intake.log_touch(std::move(in), actor);
  if (!t.ok()) return t.status();
  ++counts_.touches;
  return Status();
}

}  // namespace leadloop
