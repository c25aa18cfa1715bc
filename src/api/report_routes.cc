// Reports under /api/v1/reports (docs/reports.md): the funnel, stage times,
// leaks, speed to lead, stalled leads and campaigns, scanned from the in-memory projection (measure/), filtered by the query
// and narrowed to what the caller may see.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "api/request.h"
#include "api/routes.h"
#include "measure/reports.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

Result<ReportFilter> report_filter(const RouteContext& ctx, const Request& req) {
  ReportFilter f;
  for (const char* name : {"from", "to"}) {
    if (!req.has_param(name)) continue;
    auto t = parse_time(req.get_param_value(name));
    if (!t.ok()) return t.status().with_field(name);
    (std::string_view(name) == "from" ? f.from : f.to) = *t;
  }
  f.campaigns = list_param(req, "campaign");
  f.channels = list_param(req, "channel");
  for (const std::string& c : f.channels) {
    if (!parse_channel(c)) return Status(ErrorCode::kInvalidValue, "no channel '" + c + "'", "channel");
  }
  f.vendors = list_param(req, "vendor");
  f.regions = list_param(req, "region");
  f.owners = list_param(req, "owner");
  // A team is its reps.
  std::vector<std::string> teams = list_param(req, "team");
  if (!teams.empty()) {
    std::vector<std::string> members;
    for (const std::string& t : teams) {
      if (!ctx.services.router.find_team(t)) return Status(ErrorCode::kInvalidValue, "no team '" + t + "'", "team");
    }
    for (const Rep& r : ctx.services.router.reps()) {
      if (std::find(teams.begin(), teams.end(), r.team) == teams.end()) continue;
      if (f.owners.empty() || std::find(f.owners.begin(), f.owners.end(), r.key) != f.owners.end()) {
        members.push_back(r.key);
      }
    }
    // Nobody in the team (or in both filters): match no owner at all.
    f.owners = members.empty() ? std::vector<std::string>{"\x01no owner"} : members;
  }
  if (req.has_param("grade")) {
    auto g = parse_grade(req.get_param_value("grade"));
    if (!g) return Status(ErrorCode::kInvalidValue, "grade is hot, warm, cold or unqualified", "grade");
    f.grade = *g;
  }
  if (req.has_param("segment")) {
    auto segment = compile_segment(req.get_param_value("segment"));
    if (!segment.ok()) return segment.status();
    f.segment = *segment;
  }
  if (req.has_param("version")) {
    auto v = int_param(req, "version", 0, 1, INT32_MAX);
    if (!v.ok()) return v.status();
    f.definition_version = *v;
  }
  restrict_report(ctx, f);
  return f;
}

Json period_json(const ReportFilter& f) {
  return {{"from", f.from ? Json(format_time(*f.from)) : Json(nullptr)},
          {"to", f.to ? Json(format_time(*f.to)) : Json(nullptr)}};
}

Result<GroupBy> group_by(const Request& req) {
  auto by = parse_group_by(req.get_param_value("by"));
  if (!by) return Status(ErrorCode::kInvalidValue, "by is " + std::string(group_by_names()), "by");
  return *by;
}

Json durations_json(const Durations& d) {
  auto hours = [](int64_t ms) { return Json(static_cast<double>(ms) / 3600000.0); };
  return {{"count", d.count},
          {"median_hours", d.count ? hours(d.median_ms) : Json(nullptr)},
          {"p90_hours", d.count ? hours(d.p90_ms) : Json(nullptr)}};
}

void get_funnel(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  auto by = group_by(req);
  if (!by.ok()) return send_error(res, by.status());
  Json groups = Json::array();
  for (const Funnel& fu : ctx.services.reports.funnel(*f, *by)) {
    Json steps = Json::array();
    for (size_t i = 0; i < fu.steps.size(); ++i) {
      Json s = {{"stage", stage_name(fu.steps[i].stage)}, {"reached", fu.steps[i].reached}};
      s["conversion"] = i == 0 ? Json(nullptr) : share(fu.steps[i].reached, fu.steps[i - 1].reached);
      s["of_leads"] = share(fu.steps[i].reached, fu.leads);
      steps.push_back(s);
    }
    groups.push_back({{"group", fu.group}, {"leads", fu.leads}, {"steps", steps}});
  }
  Json body = {{"period", period_json(*f)}, {"by", req.get_param_value("by")}, {"groups", groups}};
  send_json(res, 200, body);
}

// How long leads take from one funnel step to the next.
void get_stage_times(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  auto by = group_by(req);
  if (!by.ok()) return send_error(res, by.status());
  Json groups = Json::array();
  for (const StageTimes& t : ctx.services.reports.stage_times(*f, *by)) {
    Json steps = Json::array();
    Stage from = Stage::kCaptured;
    for (const auto& [stage, d] : t.steps) {
      Json s = durations_json(d);
      s["from"] = stage_name(from);
      s["to"] = stage_name(stage);
      steps.push_back(s);
      from = stage;
    }
    groups.push_back({{"group", t.group}, {"steps", steps}});
  }
  send_json(res, 200, {{"period", period_json(*f)}, {"by", req.get_param_value("by")}, {"groups", groups}});
}

// How fast an owner first answers the leads they are given.
void get_speed_to_lead(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  auto by = group_by(req);
  if (!by.ok()) return send_error(res, by.status());
  const std::string start = req.has_param("start") ? req.get_param_value("start") : "capture";
  if (start != "capture" && start != "qualification") {
    return send_error(res, Status(ErrorCode::kInvalidValue, "start is capture or qualification", "start"));
  }
  Json groups = Json::array();
  for (const SpeedToLead& s : ctx.services.reports.speed_to_lead(*f, *by, start == "qualification")) {
    groups.push_back({{"group", s.group},
                      {"assigned", s.assigned},
                      {"responded", s.responded},
                      {"awaiting", s.assigned - s.responded},
                      {"sla_breached", s.breached},
                      {"sla_breached_share", share(s.breached, s.assigned)},
                      {"response", durations_json(s.response)}});
  }
  send_json(res, 200,
            {{"period", period_json(*f)}, {"by", req.get_param_value("by")}, {"start", start}, {"groups", groups}});
}

// Leads whose open stage has not moved for longer than `days`.
void get_stalled(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  auto by = group_by(req);
  if (!by.ok()) return send_error(res, by.status());
  auto days = int_param(req, "days", 7, 0, 3650);
  if (!days.ok()) return send_error(res, days.status());
  auto limit = int_param(req, "limit", 50, 0, 1000);
  if (!limit.ok()) return send_error(res, limit.status());
  const TimePoint now = ctx.services.clock.now();
  const TimePoint before = now - *days * kMillisPerDay;
  Stalled st = ctx.services.reports.stalled(*f, before, *by, static_cast<size_t>(*limit));
  Json groups = Json::array();
  for (const StalledGroup& g : st.groups) {
    groups.push_back({{"group", g.group},
                      {"stage", stage_name(g.stage)},
                      {"count", g.count},
                      {"oldest_since", format_time(g.oldest_since)},
                      {"oldest_days", static_cast<double>(now - g.oldest_since) / kMillisPerDay}});
  }
  // A viewer gets the figures, never the leads themselves.
  Json leads = Json::array();
  if (!ctx.services.policy.sees_lead_rows(ctx.principal)) st.oldest.clear();
  for (const StalledLead& l : st.oldest) {
    Json row = {{"id", l.id},
                {"stage", stage_name(l.stage)},
                {"owner", l.owner.empty() ? Json(nullptr) : Json(l.owner)},
                {"owner_name", nullptr},
                {"region", l.region},
                {"campaign", l.campaign},
                {"since", format_time(l.since)},
                {"days", static_cast<double>(now - l.since) / kMillisPerDay}};
    // Named as on every other page: the person, the company, the rep.
    if (auto rep = ctx.services.router.find_rep(l.owner)) row["owner_name"] = rep->name.empty() ? l.owner : rep->name;
    if (auto lead = ctx.services.store.get_lead(l.id); lead.ok()) {
      const std::pair<const char*, const std::string*> names[] = {
          {"first_name", &lead->first_name}, {"last_name", &lead->last_name},
          {"company", &lead->company},       {"email", &lead->email}};
      for (const auto& [key, value] : names) row[key] = value->empty() ? Json(nullptr) : Json(*value);
      row["grade"] = lead->grade == Grade::kNone ? Json(nullptr) : Json(grade_name(lead->grade));
    }
    leads.push_back(std::move(row));
  }
  send_json(res, 200,
            {{"period", period_json(*f)},
             {"by", req.get_param_value("by")},
             {"days", *days},
             {"as_of", format_time(now)},
             {"stalled", st.total},
             {"groups", groups},
             {"leads", leads}});
}

void get_leaks(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  const std::string period = req.has_param("period") ? req.get_param_value("period") : "capture";
  if (period != "capture" && period != "event") {
    return send_error(res, Status(ErrorCode::kInvalidValue, "period is capture or event", "period"));
  }
  f->exits_by_event_time = period == "event";
  Leaks l = ctx.services.reports.leaks(*f);
  Json rows = Json::array();
  for (const Leak& r : l.rows) {
    rows.push_back({{"stage", stage_name(r.from)}, {"reason", r.reason}, {"count", r.count}, {"share", share(r.count, l.exits)}});
  }
  send_json(res, 200, {{"period", period_json(*f)}, {"period_by", period}, {"exits", l.exits}, {"leaks", rows}});
}

Json money(int64_t cents) { return Json(static_cast<double>(cents) / 100.0); }

// cost / count in currency units, or null when nothing to divide by.
Json per(int64_t cost_cents, int64_t count) {
  if (count == 0) return nullptr;
  return Json(static_cast<double>(cost_cents) / 100.0 / static_cast<double>(count));
}

// Campaign evaluation: judged on qualified leads and return, not raw counts.
void get_campaign_report(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  std::map<std::string, CampaignResult> results;
  for (CampaignResult& r : ctx.services.reports.campaigns(*f)) results[r.campaign] = std::move(r);
  const bool revenue = ctx.services.policy.sees_revenue(ctx.principal);
  Json rows = Json::array();
  for (const Campaign& c : ctx.services.campaigns.list()) {
    if (!ctx.services.policy.can_see_campaign(ctx.principal, c) || !campaign_matches(*f, c)) continue;
    CampaignResult r = results.count(c.key) ? results[c.key] : CampaignResult{};
    r.cost_cents = c.cost_cents;
    Json row = {{"campaign", c.key},
                {"name", c.name},
                {"channel", channel_name(c.channel)},
                {"vendor", c.vendor.empty() ? Json(nullptr) : Json(c.vendor)},
                {"currency", c.currency},
                {"leads", r.leads},
                {"qualified", r.qualified},
                {"grades", {{"hot", r.hot}, {"warm", r.warm}, {"cold", r.cold}}},
                {"accepted", r.accepted},
                {"opportunities", r.opportunities},
                {"won", r.won},
                {"cost", money(r.cost_cents)},
                {"cost_per_lead", per(r.cost_cents, r.leads)},
                {"cost_per_qualified_lead", per(r.cost_cents, r.qualified)},
                {"cost_per_won_deal", per(r.cost_cents, r.won)},
                {"qualified_share", share(r.qualified, r.leads)},
                {"touches", r.touches},
                {"touches_without_lead", r.touches_without_lead},
                {"data_points", r.data_points},
                {"attended", r.attended},
                {"revenue", revenue ? money(r.revenue_cents) : Json(nullptr)},
                {"roi", revenue && r.cost_cents > 0
                            ? Json(static_cast<double>(r.revenue_cents - r.cost_cents) / static_cast<double>(r.cost_cents))
                            : Json(nullptr)}};
    rows.push_back(row);
  }
  send_json(res, 200, {{"period", period_json(*f)}, {"campaigns", rows}});
}

// Open opportunities weighted by the win rate of the closed ones, per group
// and week of expected close.
void get_forecast(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  auto by = group_by(req);
  if (!by.ok()) return send_error(res, by.status());
  std::optional<double> probability;
  if (req.has_param("probability")) {
    char* end = nullptr;
    const std::string text = req.get_param_value("probability");
    const double p = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(p >= 0 && p <= 1)) {
      return send_error(res, Status(ErrorCode::kInvalidValue, "probability is a number from 0 to 1", "probability"));
    }
    probability = p;
  }
  const bool amounts = ctx.services.policy.sees_revenue(ctx.principal);
  std::vector<ForecastGroup> groups = ctx.services.reports.forecast(*f, *by);
  int64_t won = 0, lost = 0;
  for (const ForecastGroup& g : groups) {
    won += g.won;
    lost += g.lost;
  }
  // A group's own win rate once it has closed ten opportunities; the
  // overall rate before; none without history (then no weighting).
  const std::optional<double> overall =
      won + lost > 0 ? std::optional<double>(static_cast<double>(won) / static_cast<double>(won + lost)) : std::nullopt;
  auto money_or_null = [&](std::optional<double> cents) {
    return amounts && cents ? Json(std::round(*cents) / 100.0) : Json(nullptr);
  };
  Json rows = Json::array();
  for (const ForecastGroup& g : groups) {
    std::optional<double> rate = probability;
    std::string basis = "given";
    if (!rate) {
      if (g.won + g.lost >= 10) {
        rate = static_cast<double>(g.won) / static_cast<double>(g.won + g.lost);
        basis = "group";
      } else {
        rate = overall;
        basis = overall ? "overall" : "none";
      }
    }
    auto weighted = [&](int64_t cents) {
      return rate ? std::optional<double>(static_cast<double>(cents) * *rate) : std::nullopt;
    };
    Json weeks = Json::array();
    for (const ForecastWeek& w : g.weeks) {
      weeks.push_back({{"week", w.week.empty() ? Json(nullptr) : Json(w.week)},
                       {"opportunities", w.opportunities},
                       {"amount", money_or_null(static_cast<double>(w.amount_cents))},
                       {"weighted", money_or_null(weighted(w.amount_cents))}});
    }
    rows.push_back({{"group", g.group},
                    {"opportunities", g.opportunities},
                    {"amount", money_or_null(static_cast<double>(g.amount_cents))},
                    {"closed", {{"won", g.won}, {"lost", g.lost}}},
                    {"win_rate", rate ? Json(*rate) : Json(nullptr)},
                    {"win_rate_basis", basis},
                    {"weighted", money_or_null(weighted(g.amount_cents))},
                    {"weeks", weeks}});
  }
  send_json(res, 200, {{"period", period_json(*f)}, {"by", req.get_param_value("by")}, {"groups", rows}});
}

// Revenue of won leads credited to the campaigns that touched them.
void get_attribution(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  const bool amounts = ctx.services.policy.sees_revenue(ctx.principal);
  auto money_or_null = [&](double cents) { return amounts ? Json(std::round(cents) / 100.0) : Json(nullptr); };
  Json rows = Json::array();
  double total = 0;
  for (const Attribution& a : ctx.services.reports.attribution(*f)) {
    total += static_cast<double>(a.first_cents);
    // Credit to a campaign the caller may not see stays in the total only.
    auto campaign = ctx.services.campaigns.find(a.campaign);
    if (!campaign || !ctx.services.policy.can_see_campaign(ctx.principal, *campaign)) continue;
    rows.push_back({{"campaign", a.campaign},
                    {"deals", a.deals},
                    {"first_touch", money_or_null(static_cast<double>(a.first_cents))},
                    {"last_touch", money_or_null(static_cast<double>(a.last_cents))},
                    {"linear", money_or_null(a.linear_cents)}});
  }
  send_json(res, 200, {{"period", period_json(*f)}, {"revenue", money_or_null(total)}, {"campaigns", rows}});
}

// Who sees the callers' leaderboard: the vendor (its own callers, by its
// scope) and the client's people; a sales rep does not.
constexpr RoleSet kCallerBoard = {Role::kAdmin, Role::kMarketing, Role::kSalesManager, Role::kVendor, Role::kViewer};

// The vendor's callers by the leads sales accepted (or by won deals): each
// caller is named within its vendor, as leads and touches name them.
Json caller_rows(RouteContext& ctx, const ReportFilter& f) {
  const size_t accepted_step = static_cast<size_t>(funnel_step(Stage::kAccepted));
  const size_t won_step = static_cast<size_t>(funnel_step(Stage::kWon));
  const size_t qualified_step = static_cast<size_t>(funnel_step(Stage::kQualified));
  Json rows = Json::array();
  for (const Funnel& fu : ctx.services.reports.funnel(f, GroupBy::kCaller)) {
    const size_t sep = fu.group.find('\x1f');
    if (sep == std::string::npos) continue;  // no caller named
    const std::string vendor = fu.group.substr(0, sep);
    rows.push_back({{"caller", fu.group.substr(sep + 1)},
                    {"vendor", vendor.empty() ? Json(nullptr) : Json(vendor)},
                    {"leads", fu.leads},
                    {"qualified", fu.steps[qualified_step].reached},
                    {"accepted", fu.steps[accepted_step].reached},
                    {"accepted_share", share(fu.steps[accepted_step].reached, fu.leads)},
                    {"won", fu.steps[won_step].reached}});
  }
  return rows;
}

// Leaderboards for contests and incentives: vendors, campaigns or the
// vendors' callers by the leads sales accepted; reps by follow-up speed or
// conversion.
void get_leaderboard(RouteContext& ctx, const Request& req, Response& res) {
  auto f = report_filter(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  const std::string of = req.has_param("of") ? req.get_param_value("of") : "vendors";
  if (of != "vendors" && of != "campaigns" && of != "reps" && of != "callers") {
    return send_error(res, Status(ErrorCode::kInvalidValue, "of is vendors, campaigns, reps or callers", "of"));
  }
  if (of == "callers") {
    if (Status st = require_role(ctx, kCallerBoard); !st.ok()) return send_error(res, st.with_field("of"));
  }
  const std::string rank = req.has_param("rank") ? req.get_param_value("rank") : (of == "reps" ? "conversion" : "accepted");
  const bool rank_ok = of == "reps"      ? (rank == "conversion" || rank == "speed" || rank == "accepted")
                       : of == "callers" ? (rank == "accepted" || rank == "won")
                                         : rank == "accepted";
  if (!rank_ok) {
    return send_error(res, Status(ErrorCode::kInvalidValue,
                                  of == "reps"      ? "rank is conversion, speed or accepted"
                                  : of == "callers" ? "rank is accepted or won"
                                                    : "rank is accepted",
                                  "rank"));
  }
  const size_t accepted_step = static_cast<size_t>(funnel_step(Stage::kAccepted));
  const size_t won_step = static_cast<size_t>(funnel_step(Stage::kWon));
  const size_t qualified_step = static_cast<size_t>(funnel_step(Stage::kQualified));
  Json rows = Json::array();
  if (of == "callers") {
    rows = caller_rows(ctx, *f);
    const char* key = rank == "won" ? "won" : "accepted";
    std::stable_sort(rows.begin(), rows.end(), [&](const Json& a, const Json& b) {
      return a[key].get<int64_t>() > b[key].get<int64_t>();
    });
  } else if (of != "reps") {
    for (const Funnel& fu : ctx.services.reports.funnel(*f, of == "vendors" ? GroupBy::kVendor : GroupBy::kCampaign)) {
      if (fu.group.empty()) continue;  // no vendor
      rows.push_back({{of == "vendors" ? "vendor" : "campaign", fu.group},
                      {"leads", fu.leads},
                      {"qualified", fu.steps[qualified_step].reached},
                      {"accepted", fu.steps[accepted_step].reached},
                      {"accepted_share", share(fu.steps[accepted_step].reached, fu.leads)},
                      {"won", fu.steps[won_step].reached}});
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
      return a["accepted"].get<int64_t>() > b["accepted"].get<int64_t>();
    });
  } else {
    std::map<std::string, Funnel> funnels;
    for (Funnel& fu : ctx.services.reports.funnel(*f, GroupBy::kOwner)) funnels[fu.group] = std::move(fu);
    for (const SpeedToLead& s : ctx.services.reports.speed_to_lead(*f, GroupBy::kOwner)) {
      if (s.group.empty()) continue;  // nobody's
      const Funnel& fu = funnels[s.group];
      const int64_t accepted = fu.steps.empty() ? 0 : fu.steps[accepted_step].reached;
      const int64_t won = fu.steps.empty() ? 0 : fu.steps[won_step].reached;
      auto rep = ctx.services.router.find_rep(s.group);
      rows.push_back({{"rep", s.group},
                      {"team", rep && !rep->team.empty() ? Json(rep->team) : Json(nullptr)},
                      {"assigned", s.assigned},
                      {"responded", s.responded},
                      {"response", durations_json(s.response)},
                      {"sla_breached", s.breached},
                      {"accepted", accepted},
                      {"won", won},
                      {"conversion", share(won, s.assigned)}});
    }
    auto number = [](const Json& v, double none) { return v.is_null() ? none : v.get<double>(); };
    std::stable_sort(rows.begin(), rows.end(), [&](const Json& a, const Json& b) {
      if (rank == "speed") {
        return number(a["response"]["median_hours"], 1e300) < number(b["response"]["median_hours"], 1e300);
      }
      if (rank == "accepted") return a["accepted"].get<int64_t>() > b["accepted"].get<int64_t>();
      return number(a["conversion"], -1) > number(b["conversion"], -1);
    });
  }
  int64_t place = 0;
  for (Json& r : rows) r["rank"] = ++place;
  send_json(res, 200, {{"period", period_json(*f)}, {"of", of}, {"rank_by", rank}, {"rows", rows}});
}

}  // namespace

void restrict_report(const RouteContext& ctx, ReportFilter& f) {
  // Viewers read every report; others see what their scope holds.
  if (ctx.principal.has(Role::kViewer)) return;
  LeadScope scope = ctx.services.policy.lead_scope(ctx.principal);
  if (scope.all) return;
  f.scoped = true;
  f.scope_owners = scope.owners;
  f.scope_campaigns = scope.campaigns;
  f.scope_unowned = scope.unowned;
  f.scope_unowned_regions = scope.unowned_regions;
}

std::vector<Route> report_routes() {
  return {
      {{"GET", "/api/v1/reports/funnel", true}, get_funnel},
      {{"GET", "/api/v1/reports/stage-times", true}, get_stage_times},
      {{"GET", "/api/v1/reports/leaks", true}, get_leaks},
      {{"GET", "/api/v1/reports/speed-to-lead", true}, get_speed_to_lead},
      {{"GET", "/api/v1/reports/stalled", true}, get_stalled},
      {{"GET", "/api/v1/reports/forecast", true}, get_forecast},
      {{"GET", "/api/v1/reports/leaderboard", true}, get_leaderboard},
      {{"GET", "/api/v1/reports/attribution", true}, get_attribution},
      {{"GET", "/api/v1/reports/campaigns", true}, get_campaign_report},
  };
}

}  // namespace leadloop::api
