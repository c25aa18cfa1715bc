#include "demo/demo_data.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "demo/programme.h"
#include "demo/rng.h"
#include "demo/sales_floor.h"
#include "engine/dispatch.h"

namespace leadloop {

namespace {

constexpr size_t kRecentLeads = 500;  // the people re-captures and touches find again

constexpr std::array<std::string_view, 6> kRejects = {
    "no_budget", "not_decision_maker", "bad_timing", "wrong_contact", "existing_customer", "duplicate"};

// The reject reason codes of the signed definition; without one, the demo's.
Result<std::vector<std::string>> reject_codes(DefinitionVersions* definitions, int64_t version) {
  std::vector<std::string> codes;
  if (!definitions || version == 0) {
    for (std::string_view r : kRejects) codes.emplace_back(r);
    return codes;
  }
  auto d = definitions->definition(version);
  if (!d.ok()) return d.status();
  for (const RejectReason& r : (*d)->reject_reasons) codes.push_back(r.code);
  return codes;
}

// Without a sales floor: what sales does with a new lead at once, by its
// grade: accept or reject (with a reason), then some accepted leads become
// opportunities, won or lost. Cold and unqualified leads convert now and
// then: the misses the accuracy review is for.
Status sales_feedback(Rng& rng, Lifecycle& lifecycle, const Lead& lead, int64_t* transitions) {
  struct Odds {
    double accept, reject, opportunity;
  };
  Odds o = lead.grade == Grade::kHot    ? Odds{0.75, 0.2, 0.35}
           : lead.grade == Grade::kWarm ? Odds{0.45, 0.3, 0.2}
           : lead.grade == Grade::kCold ? Odds{0.15, 0.4, 0.1}
                                        : Odds{0.05, 0.4, 0.1};
  double u = rng.unit();
  auto move = [&](Stage to, std::string reason = {}) {
    TransitionInput in;
    in.to = to;
    in.reason = std::move(reason);
    if (to == Stage::kOpportunity) in.amount_cents = static_cast<int64_t>(5000 + rng.below(45000)) * 100;
    if (to == Stage::kWon) in.revenue_cents = static_cast<int64_t>(5000 + rng.below(45000)) * 100;
    ++*transitions;
    return lifecycle.transition(lead.id, in, "rep:demo").status();
  };
  if (u < o.reject) return move(Stage::kRejected, std::string(rng.pick(kRejects)));
  if (u >= o.reject + o.accept) return Status();  // no answer yet
  LEADLOOP_RETURN_IF_ERROR(move(Stage::kAccepted));
  if (!rng.chance(o.opportunity)) return Status();
  LEADLOOP_RETURN_IF_ERROR(move(Stage::kOpportunity));
  double close = rng.unit();
  if (close < 0.4) return move(Stage::kWon);
  if (close < 0.7) return move(Stage::kLost, rng.chance(0.5) ? "competitor" : "no_decision");
  return Status();
}

// The share of the leads routing leaves in a pool (index: Grade) that a
// campaign owner hands to sales anyway, a few days after capture; once the
// definition is signed (kHandOutSigned) marketing trusts the grades more.
constexpr std::array<double, kGradeCount> kHandOut = {0.15, 0.0, 0.3, 0.25, 0.15};
constexpr std::array<double, kGradeCount> kHandOutSigned = {0.05, 0.0, 0.15, 0.1, 0.05};
// Before there is a definition: the share of new leads marketing passes on.
constexpr double kHandOutBefore = 0.5;

// The day's generator: leads, re-captures and touches, and with a sales
// floor, the clock moving hour by hour through FollowUp and the floor.
class DemoDay {
 public:
  // `reject_reasons`: the codes the floor's reps reject with.
  // `reject_reasons`: the codes the floor's reps reject with. `signed_from`:
  // when the definition is signed (0: already).
  DemoDay(const DemoServices& svc, ManualClock& clock, const DemoOptions& opt, Rng& rng, DemoSummary& s,
          std::vector<std::string> reject_reasons, TimePoint signed_from)
      : svc_(svc), clock_(clock), opt_(opt), rng_(rng), s_(s), signed_from_(signed_from) {
    if (svc.lifecycle && svc.router && svc.follow_up) {
      dispatch_.emplace(svc.store, clock, svc.intake, *svc.router);
      const TimePoint start = int64_t{opt.start} * kMillisPerDay;
      const FloorPace pace{signed_from, opt.cycle_min_days, opt.cycle_max_days, opt.odds_scale};
      floor_ = std::make_unique<SalesFloor>(FloorServices{svc.store, svc.intake, *svc.lifecycle, *dispatch_,
                                                          *svc.router, std::move(reject_reasons), pace},
                                            clock, rng, away_schedule(start, start + int64_t{opt.days} * kMillisPerDay));
    }
  }

  Status run(int d, int64_t due) {
    const Days day = opt_.start + d;
    std::vector<Result<Lead>> batch = make_batch(day, due);
    const TimePoint midnight = int64_t{day} * kMillisPerDay;
    const TimePoint capture_at = midnight + 9 * kMillisPerHour + static_cast<int64_t>(rng_.below(8)) * kMillisPerHour;
    if (!floor_) {
      clock_.set(capture_at);
      LEADLOOP_RETURN_IF_ERROR(capture(std::move(batch)));
      return touch_recent(due);
    }
    for (TimePoint t = midnight; t < midnight + kMillisPerDay; t += kMillisPerHour) {
      clock_.set(t);
      LEADLOOP_RETURN_IF_ERROR(follow_up());
      if (t == midnight + 9 * kMillisPerHour) LEADLOOP_RETURN_IF_ERROR(floor_->work_queue());
      if (t == capture_at) {
        LEADLOOP_RETURN_IF_ERROR(capture(std::move(batch)));
        LEADLOOP_RETURN_IF_ERROR(touch_recent(due));
      }
      LEADLOOP_RETURN_IF_ERROR(floor_->act());
    }
    return Status();
  }

  int64_t floor_moves() const { return floor_ ? floor_->counts().moves : 0; }

 private:
  std::vector<Result<Lead>> make_batch(Days day, int64_t due) {
    std::vector<Result<Lead>> batch;
    for (int64_t k = 0; k < due; ++k) {
      const CampaignSeed& c = pick_campaign(rng_, day, opt_.start);
      if (!recent_.empty() && rng_.chance(0.03)) {
        batch.emplace_back(recapture(recent_[rng_.below(recent_.size())], c));
        continue;
      }
      batch.emplace_back(make_lead(rng_, c, made_ + k + 1));
    }
    made_ += due;
    return batch;
  }

  Status follow_up() {
    LEADLOOP_RETURN_IF_ERROR(floor_->update_roster());
    auto fired = svc_.follow_up->run_due();
    if (!fired.ok()) return fired.status();
    s_.sla_breaches += fired->breached;
    s_.reassignments += fired->reassigned;
    s_.requeues += fired->requeued;
    s_.decays += fired->decayed;
    if (fired->reassigned > 0) return floor_->observe_breached();
    return Status();
  }

  Status capture(std::vector<Result<Lead>> batch) {
    CaptureContext ctx{"demo", "demo", false, svc_.lifecycle != nullptr};
    std::vector<Lead> inputs;
    for (auto& b : batch) inputs.push_back(*b);
    auto out = svc_.intake.capture(std::move(batch), ctx);
    if (!out.ok()) return out.status();
    for (size_t i = 0; i < out->size(); ++i) {
      const CaptureOutcome& o = (*out)[i];
      if (o.status == CaptureStatus::kCreated) {
        ++s_.created;
        LEADLOOP_RETURN_IF_ERROR(answer(o.lead));
        if (recent_.size() < kRecentLeads) {
          recent_.push_back(inputs[i]);
          recent_ids_.push_back(o.lead_id);
        } else {
          size_t slot = rng_.below(recent_.size());
          recent_[slot] = inputs[i];
          recent_ids_[slot] = o.lead_id;
        }
      } else if (o.status == CaptureStatus::kMerged) {
        ++s_.merged;
        if (floor_) floor_->observe(o.lead);
      } else {
        ++s_.rejected;
      }
    }
    return Status();
  }

  // Sales' answer to a new lead: at once without a floor; with one, the
  // owner's in their own time, or a campaign owner hands a pool lead over.
  // Before the definition is signed, marketing hands some leads (kHandOutBefore)
  // to a rep of their region by hand, a few days after capture; the rest
  // wait, unanswered.
  Status answer(const Lead& lead) {
    if (!svc_.lifecycle) return Status();
    if (!floor_) return sales_feedback(rng_, *svc_.lifecycle, lead, &s_.transitions);
    floor_->observe(lead);
    if (clock_.now() < signed_from_) {
      if (lead.owner.empty() && rng_.chance(kHandOutBefore)) {
        floor_->hand_out(lead.id, static_cast<int>(rng_.between(1, 5)), rep_for(lead));
      }
      return Status();
    }
    const auto& share = signed_from_ > 0 ? kHandOutSigned : kHandOut;
    if (lead.owner.empty() && rng_.chance(share[static_cast<size_t>(lead.grade)])) {
      floor_->hand_out(lead.id, static_cast<int>(rng_.between(1, 10)));
    }
    return Status();
  }

  // Follow-up calls and emails on recent leads, and vendor conversations
  // that produced no lead but still yield data. With a floor, a lead
  // waiting for its owner's first response is left to the owner.
  Status touch_recent(int64_t due) {
    int touches_today = static_cast<int>(due / 2) + 1;
    for (int k = 0; k < touches_today && !recent_ids_.empty(); ++k) {
      size_t idx = rng_.below(recent_ids_.size());
      TouchInput in;
      in.touch.lead_id = recent_ids_[idx];
      in.touch.campaign = recent_[idx].source_campaign;
      bool call = rng_.chance(0.6);
      in.touch.channel = call ? Medium::kCall : Medium::kEmail;
      in.channel_given = true;
      in.touch.direction = rng_.chance(0.8) ? Direction::kOutbound : Direction::kInbound;
      static constexpr std::array<std::string_view, 5> kOutcomes = {
          "connected", "voicemail", "no_answer", "meeting_set", "replied"};
      in.touch.outcome = std::string(rng_.pick(kOutcomes));
      in.touch.at = clock_.now() + static_cast<int64_t>(rng_.below(6)) * kMillisPerHour;
      in.at_given = true;
      if (call && in.touch.outcome == "connected") {
        in.touch.data_points["budget"] = rng_.chance(0.4) ? "confirmed" : "unknown";
        in.touch.data_points["decision_maker"] = rng_.chance(0.5) ? "yes" : "no";
      }
      if (floor_) {
        auto lead = svc_.store.get_lead(in.touch.lead_id);
        if (!lead.ok()) return lead.status();
        if (lead->stage == Stage::kAssigned) continue;
      }
      auto t = svc_.intake.log_touch(std::move(in), "demo");
      if (!t.ok()) return t.status();
      ++s_.touches;
      if (floor_) {
        // A touch can make a pooled lead hot, and routing gives it out.
        auto lead = svc_.store.get_lead(recent_ids_[idx]);
        if (!lead.ok()) return lead.status();
        floor_->observe(*lead);
      }
    }
    if (rng_.chance(0.7)) {
      TouchInput in;
      in.touch.campaign = "tm-callpro-q1";
      in.touch.channel = Medium::kCall;
      in.channel_given = true;
      in.touch.outcome = "not_interested";
      in.touch.actor = "vendor:CallPro Inc";
      in.touch.data_points["current_system"] = rng_.chance(0.5) ? "spreadsheet" : "competitor";
      in.touch.data_points["company_size"] = std::to_string(10 + rng_.below(500));
      auto t = svc_.intake.log_touch(std::move(in), "demo");
      if (!t.ok()) return t.status();
      ++s_.touches;
    }
    return Status();
  }

  // A rep of the lead's region, as marketing picks one by hand: anyone
  // active and not managing a team.
  std::string rep_for(const Lead& lead) {
    std::vector<std::string> region, any;
    for (const Rep& r : svc_.router->reps()) {
      if (!r.active) continue;
      auto team = svc_.router->find_team(r.team);
      if (team && team->manager == r.key) continue;
      any.push_back(r.key);
      if (r.region == lead.region) region.push_back(r.key);
    }
    const auto& from = region.empty() ? any : region;
    return from.empty() ? std::string() : from[rng_.below(from.size())];
  }

  const DemoServices& svc_;
  ManualClock& clock_;
  const DemoOptions& opt_;
  Rng& rng_;
  DemoSummary& s_;
  TimePoint signed_from_ = 0;
  std::optional<Dispatch> dispatch_;
  std::unique_ptr<SalesFloor> floor_;
  std::vector<Lead> recent_;  // recent leads, re-captured and touched now and then
  std::vector<int64_t> recent_ids_;
  int64_t made_ = 0;
};

// The goals marketing, sales and the telemarketing vendor agree when the
// definition is signed, each approved by every side it needs: qualified
// leads and the vendor's accepted leads for the next quarter, and won deals
// to the programme's end. The targets follow the programme's size.
Status agree_goals(Goals& goals, const DemoOptions& opt, TimePoint from, DemoSummary& s) {
  const TimePoint quarter = from + 91 * kMillisPerDay;
  const TimePoint end = (int64_t{opt.start} + opt.days) * kMillisPerDay;
  const double per_day = static_cast<double>(opt.leads) / opt.days;
  struct Plan {
    const char* name;
    GoalMetric metric;
    double target;
    TimePoint ends_at;
    const char* vendor;
  };
  const Plan plans[] = {
      {"Qualified leads this quarter", GoalMetric::kQualifiedLeads, per_day * 91 * 0.30, quarter, ""},
      {"Won deals by the end of the programme", GoalMetric::kWonDeals, per_day * (end - from) / kMillisPerDay * 0.03,
       end, ""},
      {"CallPro: leads sales accepted this quarter", GoalMetric::kAcceptedLeads, per_day * 91 * 0.04, quarter,
       "CallPro Inc"},
  };
  for (const Plan& p : plans) {
    Goal g;
    g.name = p.name;
    g.metric = p.metric;
    g.target = std::max<int64_t>(1, static_cast<int64_t>(p.target));
    g.starts_at = from;
    g.ends_at = p.ends_at;
    g.vendor = p.vendor;
    auto made = goals.create(g, "Maria Lopez");
    if (!made.ok()) return made.status();
    LEADLOOP_RETURN_IF_ERROR(goals.approve(made->id, GoalSide::kClient, "Sam Chen").status());
    if (!g.vendor.empty()) {
      LEADLOOP_RETURN_IF_ERROR(goals.approve(made->id, GoalSide::kVendor, "vendor:" + g.vendor).status());
    }
    ++s.goals;
  }
  return Status();
}

}  // namespace

Result<DemoSummary> generate_demo(const DemoServices& svc, ManualClock& clock, const DemoOptions& opt,
                                  const std::function<void(int64_t, int64_t)>& progress) {
  Rng rng(opt.seed);
  DemoSummary s;
  clock.set(int64_t{opt.start} * kMillisPerDay);
  auto campaigns = create_campaigns(svc.campaigns, opt.start, opt.days);
  if (!campaigns.ok()) return campaigns.status();
  s.campaigns = *campaigns;
  LEADLOOP_RETURN_IF_ERROR(seed_roster(svc.store, &s.teams, &s.reps));
  if (svc.router) LEADLOOP_RETURN_IF_ERROR(svc.router->open());
  // Signed on the first day, or on sign_day (a day's midnight, before that
  // day's work).
  const bool later = svc.definitions && opt.sign_day > 0 && opt.sign_day < opt.days &&
                     !svc.definitions->active_record().ok();
  const TimePoint sign_at = later ? (int64_t{opt.start} + opt.sign_day) * kMillisPerDay : 0;
  auto sign = [&]() -> Status {
    auto version = sign_demo_definition(*svc.definitions);
    if (!version.ok()) return version.status();
    s.definition_version = *version;
    s.signed_at = clock.now();
    if (svc.goals) return agree_goals(*svc.goals, opt, clock.now(), s);
    return Status();
  };
  if (svc.definitions && !later) LEADLOOP_RETURN_IF_ERROR(sign());

  // The demo definition's reject codes are the floor's before it is signed too.
  auto reject_reasons = reject_codes(svc.definitions, s.definition_version);
  if (!reject_reasons.ok()) return reject_reasons.status();
  DemoDay days(svc, clock, opt, rng, s, std::move(reject_reasons).value(), sign_at);
  int64_t made = 0;
  for (int d = 0; d < opt.days && made < opt.leads; ++d) {
    if (later && d == opt.sign_day) {
      clock.set(sign_at);
      LEADLOOP_RETURN_IF_ERROR(sign());
    }
    // Spread the leads evenly over the days.
    int64_t due = (int64_t{opt.leads} * (d + 1)) / opt.days - made;
    if (d == opt.days - 1) due = opt.leads - made;
    LEADLOOP_RETURN_IF_ERROR(days.run(d, due));
    made += due;
    if (progress) progress(made, opt.leads);
  }
  s.transitions += days.floor_moves();
  return s;
}

}  // namespace leadloop
