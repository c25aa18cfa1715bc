// Goals under /api/v1/goals (docs/goals.md): set a target for a figure
// over a period and a scope, approve it from both sides, and read its
// progress, expected-by-now, projection and status.

#include <cmath>

#include "api/request.h"
#include "api/routes.h"
#include "measure/goals.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

bool revenue_goal(const Goal& g) { return g.metric == GoalMetric::kRevenue; }

Json optional_time_json(const std::optional<TimePoint>& t) { return t ? Json(format_time(*t)) : Json(nullptr); }

// Revenue goals are in currency units on the wire and cents inside.
Json amount_json(const Goal& g, double value) {
  return revenue_goal(g) ? Json(std::round(value) / 100.0) : Json(std::round(value * 100) / 100.0);
}

Json goal_json(const GoalView& v) {
  const Goal& g = v.goal;
  const GoalProgress& p = v.progress;
  Json curve = Json::array();
  for (int c : g.curve) curve.push_back(c);
  auto text_or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return {{"id", g.id},
          {"name", g.name},
          {"metric", goal_metric_name(g.metric)},
          {"target", amount_json(g, static_cast<double>(g.target))},
          {"unit", revenue_goal(g) ? "currency" : g.metric == GoalMetric::kSpeedToLead ? "minutes" : "count"},
          {"at_most", lower_is_better(g.metric)},
          {"starts_at", format_time(g.starts_at)},
          {"ends_at", format_time(g.ends_at)},
          {"scope",
           {{"campaign", text_or_null(g.campaign)},
            {"vendor", text_or_null(g.vendor)},
            {"region", text_or_null(g.region)},
            {"rep", text_or_null(g.rep)}}},
          {"curve", g.curve.empty() ? Json("linear") : curve},
          {"created_by", g.created_by},
          {"created_at", format_time(g.created_at)},
          {"approvals",
           {{"client", {{"by", text_or_null(g.client_approved_by)}, {"at", optional_time_json(g.client_approved_at)}}},
            {"vendor", g.vendor.empty() ? Json(nullptr)
                                        : Json({{"by", text_or_null(g.vendor_approved_by)},
                                                {"at", optional_time_json(g.vendor_approved_at)}})}}},
          {"active", goal_active(g)},
          {"progress",
           {{"actual", amount_json(g, static_cast<double>(p.actual))},
            {"share_of_target", static_cast<double>(p.actual) / static_cast<double>(g.target)},
            {"elapsed", p.elapsed},
            {"expected", amount_json(g, p.expected)},
            {"projected", p.projected ? amount_json(g, *p.projected) : Json(nullptr)},
            {"status", p.status}}},
          {"behind_at", optional_time_json(g.behind_at)}};
}

// A vendor sees the goals of its vendor; a rep the goals of nobody in
// particular and their own; everyone else every goal. A revenue goal is
// money: only for those who see revenue (not a vendor).
bool can_see_goal(const RouteContext& ctx, const Goal& g) {
  const Principal& p = ctx.principal;
  if (revenue_goal(g) && !ctx.services.policy.sees_revenue(p)) return false;
  if (p.has(Role::kAdmin) || p.has(Role::kMarketing) || p.has(Role::kSalesManager) || p.has(Role::kViewer)) {
    return true;
  }
  if (p.has(Role::kVendor) && !g.vendor.empty() && same_vendor(g.vendor, p.binding.vendor)) return true;
  if (p.has(Role::kSalesRep) && (g.rep.empty() || g.rep == p.binding.rep) && g.vendor.empty()) return true;
  return false;
}

Result<TimePoint> time_field(const Json& body, const char* name) {
  if (!body.contains(name)) return Status(ErrorCode::kMissingField, std::string(name) + " is required", name);
  auto t = parse_time(body[name].get<std::string>());
  if (!t.ok()) return t.status().with_field(name);
  return *t;
}

void post_goal(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  const Json& b = *body;
  if (Status st = check_fields(b, {{"name", Kind::kString},
                                   {"metric", Kind::kString},
                                   {"target", Kind::kNumber},
                                   {"starts_at", Kind::kString},
                                   {"ends_at", Kind::kString},
                                   {"campaign", Kind::kString},
                                   {"vendor", Kind::kString},
                                   {"region", Kind::kString},
                                   {"rep", Kind::kString},
                                   {"curve", Kind::kIdList}});
      !st.ok()) {
    return send_error(res, st);
  }
  Goal g;
  g.name = b.value("name", "");
  if (!b.contains("metric")) return send_error(res, Status(ErrorCode::kMissingField, "metric is required", "metric"));
  auto metric = parse_goal_metric(b["metric"].get<std::string>());
  if (!metric) {
    return send_error(res, Status(ErrorCode::kInvalidValue, "metric is " + std::string(goal_metric_names()), "metric"));
  }
  g.metric = *metric;
  if (revenue_goal(g) && !ctx.services.policy.sees_revenue(ctx.principal)) {
    return send_error(res, Status(ErrorCode::kForbidden, "revenue goals are not for vendors", "metric"));
  }
  if (!b.contains("target")) return send_error(res, Status(ErrorCode::kMissingField, "target is required", "target"));
  const double target = b["target"].get<double>();
  const double scaled = revenue_goal(g) ? std::round(target * 100) : target;
  if (!std::isfinite(scaled) || scaled != std::floor(scaled) || scaled > 9e15) {
    return send_error(res, Status(ErrorCode::kInvalidValue,
                                  revenue_goal(g) ? "target is an amount with at most two decimals" : "target is a whole number",
                                  "target"));
  }
  g.target = static_cast<int64_t>(scaled);
  auto starts = time_field(b, "starts_at");
  if (!starts.ok()) return send_error(res, starts.status());
  auto ends = time_field(b, "ends_at");
  if (!ends.ok()) return send_error(res, ends.status());
  g.starts_at = *starts;
  g.ends_at = *ends;
  g.campaign = b.value("campaign", "");
  g.vendor = b.value("vendor", "");
  g.region = b.value("region", "");
  g.rep = b.value("rep", "");
  if (b.contains("curve")) {
    for (const Json& c : b["curve"]) {
      if (c.get<int64_t>() > 100) {
        return send_error(res, Status(ErrorCode::kInvalidValue, "a curve is percentages up to 100", "curve"));
      }
      g.curve.push_back(static_cast<int>(c.get<int64_t>()));
    }
  }
  // A vendor sets goals for itself only.
  const Principal& p = ctx.principal;
  if (p.has(Role::kVendor) && !p.has(Role::kAdmin) && !p.has(Role::kMarketing) && !p.has(Role::kSalesManager)) {
    if (!g.vendor.empty() && !same_vendor(g.vendor, p.binding.vendor)) {
      return send_error(res, Status(ErrorCode::kForbidden, "a vendor sets goals for its own vendor only", "vendor"));
    }
    g.vendor = p.binding.vendor;
  }
  if (!g.campaign.empty() && !ctx.services.campaigns.find(g.campaign)) {
    return send_error(res, Status(ErrorCode::kInvalidValue, "no campaign '" + g.campaign + "'", "campaign"));
  }
  if (!g.rep.empty() && !ctx.services.router.find_rep(g.rep)) {
    return send_error(res, Status(ErrorCode::kInvalidValue, "no rep '" + g.rep + "'", "rep"));
  }
  auto made = ctx.services.goals.create(std::move(g), p.actor());
  if (!made.ok()) return send_error(res, made.status());
  auto v = ctx.services.goals.view(made->id);
  if (!v.ok()) return send_error(res, v.status());
  res.set_header("Location", "/api/v1/goals/" + std::to_string(made->id));
  send_json(res, 201, goal_json(*v));
}

void get_goals(RouteContext& ctx, const Request&, Response& res) {
  auto all = ctx.services.goals.list();
  if (!all.ok()) return send_error(res, all.status());
  Json goals = Json::array();
  for (const GoalView& v : *all) {
    if (can_see_goal(ctx, v.goal)) goals.push_back(goal_json(v));
  }
  send_json(res, 200, {{"as_of", format_time(ctx.services.clock.now())}, {"goals", goals}});
}

Result<GoalView> visible_goal(RouteContext& ctx, const Request& req) {
  auto id = path_id(req, 1, "goal");
  if (!id.ok()) return id.status();
  auto v = ctx.services.goals.view(*id);
  if (!v.ok()) return v.status();
  if (!can_see_goal(ctx, v->goal)) return Status(ErrorCode::kNotFound, "no goal with id " + std::to_string(*id));
  return v;
}

void get_goal(RouteContext& ctx, const Request& req, Response& res) {
  auto v = visible_goal(ctx, req);
  if (!v.ok()) return send_error(res, v.status());
  send_json(res, 200, goal_json(*v));
}

// The client side (admin, marketing, sales manager) or the goal's vendor
// approves; the goal is active once every party has.
void post_approval(RouteContext& ctx, const Request& req, Response& res) {
  auto v = visible_goal(ctx, req);
  if (!v.ok()) return send_error(res, v.status());
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, {{"side", Kind::kString}}); !st.ok()) return send_error(res, st);
  const std::string side = body->value("side", "");
  const Principal& p = ctx.principal;
  GoalSide which;
  if (side == "client") {
    if (!p.has(Role::kAdmin) && !p.has(Role::kMarketing) && !p.has(Role::kSalesManager)) {
      return send_error(res, Status(ErrorCode::kForbidden, "the client side is admin, marketing or sales_manager"));
    }
    which = GoalSide::kClient;
  } else if (side == "vendor") {
    if (!p.has(Role::kVendor) || !same_vendor(v->goal.vendor, p.binding.vendor)) {
      return send_error(res, Status(ErrorCode::kForbidden, "only the goal's vendor approves for the vendor side"));
    }
    which = GoalSide::kVendor;
  } else {
    return send_error(res, Status(ErrorCode::kInvalidValue, "side is client or vendor", "side"));
  }
  auto approved = ctx.services.goals.approve(v->goal.id, which, p.actor());
  if (!approved.ok()) return send_error(res, approved.status());
  auto now = ctx.services.goals.view(v->goal.id);
  if (!now.ok()) return send_error(res, now.status());
  send_json(res, 200, goal_json(*now));
}

}  // namespace

std::vector<Route> goal_routes() {
  return {
      {{"GET", "/api/v1/goals", true}, get_goals},
      {{"POST", "/api/v1/goals", true}, post_goal},
      {{"GET", "/api/v1/goals/{id}", true}, get_goal},
      {{"POST", "/api/v1/goals/{id}/approvals", true}, post_approval},
  };
}

}  // namespace leadloop::api
