#include "measure/goals.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace leadloop {

double expected_share(const std::vector<int>& curve, double elapsed) {
  elapsed = std::clamp(elapsed, 0.0, 1.0);
  if (curve.empty()) return elapsed;
  // Piecewise linear through (0, 0), (1/n, c1), ..., (1, cn).
  const double n = static_cast<double>(curve.size());
  const double x = elapsed * n;
  const auto slice = std::min(static_cast<size_t>(x), curve.size() - 1);
  const double before = slice == 0 ? 0.0 : curve[slice - 1];
  const double after = curve[slice];
  return (before + (after - before) * (x - static_cast<double>(slice))) / 100.0;
}

GoalProgress goal_progress(const Goal& g, int64_t actual, TimePoint now) {
  GoalProgress p;
  p.actual = actual;
  const double length = static_cast<double>(g.ends_at - g.starts_at);
  p.elapsed = length > 0 ? std::clamp(static_cast<double>(now - g.starts_at) / length, 0.0, 1.0) : 1.0;
  if (lower_is_better(g.metric)) {
    // A ceiling holds all period long: expected and projected are the
    // target and the figure now; at risk within 25% over it.
    p.expected = static_cast<double>(g.target);
    p.projected = static_cast<double>(actual);
  } else {
    p.expected = static_cast<double>(g.target) * expected_share(g.curve, p.elapsed);
    if (p.elapsed > 0) p.projected = static_cast<double>(actual) / p.elapsed;
  }
  const bool within = lower_is_better(g.metric) ? actual <= g.target : actual >= g.target;
  if (!goal_active(g)) {
    p.status = "awaiting_approval";
  } else if (now < g.starts_at) {
    p.status = "not_started";
  } else if (now >= g.ends_at) {
    p.status = within ? "met" : "missed";
  } else if (lower_is_better(g.metric)) {
    p.status = within ? "on_track" : static_cast<double>(actual) <= 1.25 * p.expected ? "at_risk" : "behind";
  } else if (static_cast<double>(actual) >= std::floor(p.expected)) {
    // Whole units: 0.4 leads due in a goal's first hour is none due yet,
    // so a new goal is not behind (nor messaged) before one unit is late.
    p.status = "on_track";
  } else if (static_cast<double>(actual) >= 0.8 * std::floor(p.expected)) {
    p.status = "at_risk";
  } else {
    p.status = "behind";
  }
  return p;
}

Result<Goal> Goals::create(Goal g, const std::string& actor) {
  g.id = 0;
  g.created_by = actor;
  g.created_at = clock_.now();
  g.client_approved_by.clear();
  g.client_approved_at.reset();
  g.vendor_approved_by.clear();
  g.vendor_approved_at.reset();
  g.behind_at.reset();
  LEADLOOP_RETURN_IF_ERROR(validate_goal(g));
  LEADLOOP_RETURN_IF_ERROR(store_.put_goal(g));
  return g;
}

Result<Goal> Goals::approve(int64_t id, GoalSide side, const std::string& actor) {
  auto g = store_.get_goal(id);
  if (!g.ok()) return g.status();
  if (side == GoalSide::kVendor) {
    if (g->vendor.empty()) {
      return Status(ErrorCode::kInvalidValue, "goal " + std::to_string(id) + " has no vendor to approve it", "side");
    }
    if (g->vendor_approved_at) {
      return Status(ErrorCode::kConflict, "the vendor approved goal " + std::to_string(id) + " already");
    }
    g->vendor_approved_by = actor;
    g->vendor_approved_at = clock_.now();
  } else {
    if (g->client_approved_at) {
      return Status(ErrorCode::kConflict, "the client side approved goal " + std::to_string(id) + " already");
    }
    g->client_approved_by = actor;
    g->client_approved_at = clock_.now();
  }
  LEADLOOP_RETURN_IF_ERROR(store_.put_goal(*g));
  return *std::move(g);
}

int64_t Goals::actual(const Goal& g) const {
  ReportFilter f;
  f.from = g.starts_at;
  f.to = g.ends_at;
  if (!g.campaign.empty()) f.campaigns = {g.campaign};
  if (!g.vendor.empty()) f.vendors = {g.vendor};
  if (!g.region.empty()) f.regions = {g.region};
  if (!g.rep.empty()) f.owners = {g.rep};
  if (g.metric == GoalMetric::kSpeedToLead) {
    // Minutes, to the nearest; the leads still waiting count their wait.
    const Durations d = reports_.response_or_wait(f, clock_.now());
    return (d.median_ms + kMillisPerMinute / 2) / kMillisPerMinute;
  }
  if (g.metric == GoalMetric::kRevenue || g.metric == GoalMetric::kTouches || g.metric == GoalMetric::kDataPoints ||
      g.metric == GoalMetric::kAttendees) {
    // Touches count by their day in the period, for the scope's campaigns
    // (a region or rep in the scope does not narrow them).
    int64_t sum = 0;
    for (const CampaignResult& r : reports_.campaigns(f)) {
      switch (g.metric) {
        case GoalMetric::kRevenue: sum += r.revenue_cents; break;
        case GoalMetric::kTouches: sum += r.touches; break;
        case GoalMetric::kDataPoints: sum += r.data_points; break;
        default: sum += r.attended; break;
      }
    }
    return sum;
  }
  if (g.metric == GoalMetric::kHotLeads) f.grade = Grade::kHot;
  const std::vector<Funnel> funnel = reports_.funnel(f);
  if (funnel.empty()) return 0;
  const Funnel& fu = funnel.front();
  auto reached = [&](Stage s) { return fu.steps[static_cast<size_t>(funnel_step(s))].reached; };
  switch (g.metric) {
    case GoalMetric::kLeads:
    case GoalMetric::kHotLeads: return fu.leads;
    case GoalMetric::kQualifiedLeads: return reached(Stage::kQualified);
    case GoalMetric::kAcceptedLeads: return reached(Stage::kAccepted);
    case GoalMetric::kOpportunities: return reached(Stage::kOpportunity);
    case GoalMetric::kWonDeals: return reached(Stage::kWon);
    case GoalMetric::kRevenue:
    case GoalMetric::kTouches:
    case GoalMetric::kDataPoints:
    case GoalMetric::kAttendees:
    case GoalMetric::kSpeedToLead: break;
  }
  return 0;
}

GoalView Goals::view_of(Goal g) const {
  GoalView v;
  v.progress = goal_progress(g, actual(g), clock_.now());
  v.goal = std::move(g);
  return v;
}

Result<GoalView> Goals::view(int64_t id) const {
  auto g = store_.get_goal(id);
  if (!g.ok()) return g.status();
  return view_of(*std::move(g));
}

Result<std::vector<GoalView>> Goals::list() const {
  auto goals = store_.list_goals();
  if (!goals.ok()) return goals.status();
  std::vector<GoalView> out;
  for (Goal& g : *goals) out.push_back(view_of(std::move(g)));
  return out;
}

Result<int> Goals::check_behind() {
  auto goals = store_.list_goals();
  if (!goals.ok()) return goals.status();
  const TimePoint now = clock_.now();
  int sent = 0;
  for (const Goal& g : *goals) {
    if (g.behind_at || !goal_active(g) || now < g.starts_at || now >= g.ends_at) continue;
    GoalProgress p = goal_progress(g, actual(g), now);
    if (p.status != "behind") continue;
    nlohmann::json payload = {{"goal", g.id},
                              {"name", g.name},
                              {"metric", goal_metric_name(g.metric)},
                              {"target", g.target},
                              {"actual", p.actual},
                              {"expected", std::round(p.expected * 100) / 100},
                              {"projected", p.projected ? nlohmann::json(std::round(*p.projected * 100) / 100)
                                                        : nlohmann::json(nullptr)},
                              {"ends_at", format_time(g.ends_at)}};
    OutboxMessage m;
    m.kind = "goal_behind";
    m.recipient = g.created_by;
    m.at = now;
    m.payload = payload.dump();
    // Marked and sent in one transaction, only if not marked before.
    auto marked = store_.mark_goal_behind(g.id, now, std::move(m));
    if (!marked.ok()) return marked.status();
    sent += *marked ? 1 : 0;
  }
  return sent;
}

}  // namespace leadloop
