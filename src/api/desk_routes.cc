// The two working views of the sales side (docs/api.md, "The desk and the
// rep's home"):
//   GET /api/v1/desk      the manager's desk: the leads waiting for an owner
//                         or past their follow-up SLA, hot first and most
//                         urgent first, with totals per grade and pages;
//                         unqualified leads only when asked for by grade;
//   GET /api/v1/me/leads  the signed-in rep's home: their leads due now by
//                         the SLA clock, today's follow-ups, the recently
//                         assigned, and their acceptance rate and speed next
//                         to their team's.
// Both read under the caller's lead scope (access/policy.h), so a team's
// manager gets the team's leads only, and both name the leads and reps.

#include <algorithm>
#include <array>
#include <tuple>

#include "api/errors.h"
#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

// The desk's order of grades: hot first; unqualified leads are kept off
// the sales desk unless asked for (grade=unqualified).
constexpr std::array<Grade, 5> kDeskGrades = {Grade::kHot, Grade::kWarm, Grade::kCold, Grade::kNone,
                                              Grade::kUnqualified};

int desk_rank(Grade g) {
  return static_cast<int>(std::find(kDeskGrades.begin(), kDeskGrades.end(), g) - kDeskGrades.begin());
}

std::string_view grade_key(Grade g) { return g == Grade::kNone ? "ungraded" : grade_name(g); }

// A rep's display name: the roster's name, else the key.
Json rep_name(const RouteContext& ctx, const std::string& key) {
  if (key.empty()) return nullptr;
  auto rep = ctx.services.router.find_rep(key);
  return rep && !rep->name.empty() ? rep->name : key;
}

// A lead as the desk and the home list it: the lead, and its owner's name.
Json named_lead(const RouteContext& ctx, const Lead& l) {
  Json j = to_json(l);
  j["owner_name"] = rep_name(ctx, l.owner);
  return j;
}

struct DeskEntry {
  int rank = 0;
  TimePoint urgency = 0;  // sooner is more urgent
  int64_t id = 0;
};

// ?list=waiting|overdue&campaign=&grade=&limit=&cursor=
void get_desk(RouteContext& ctx, const Request& req, Response& res) {
  const std::string list = req.has_param("list") ? req.get_param_value("list") : "waiting";
  if (list != "waiting" && list != "overdue") {
    return send_error(res, Status(ErrorCode::kInvalidValue, "list is waiting or overdue", "list"));
  }
  auto limit = int_param(req, "limit", 25, 1, 200);
  if (!limit.ok()) return send_error(res, limit.status());
  auto offset = int_param(req, "cursor", 0, 0, INT64_MAX);
  if (!offset.ok()) return send_error(res, Status(ErrorCode::kInvalidValue, "not a cursor from a previous page", "cursor"));
  std::optional<Grade> only;
  if (req.has_param("grade")) {
    only = req.get_param_value("grade") == "ungraded" ? std::optional(Grade::kNone)
                                                      : parse_grade(req.get_param_value("grade"));
    if (!only) return send_error(res, Status(ErrorCode::kInvalidValue, "grade is hot, warm, cold, ungraded or unqualified", "grade"));
  }
  const std::string campaign = req.get_param_value("campaign");
  if (!campaign.empty() && !ctx.services.campaigns.contains(campaign)) {
    return send_error(res, Status(ErrorCode::kUnknownCampaign, "no campaign with key '" + campaign + "'", "campaign"));
  }
  const TimePoint now = ctx.services.clock.now();
  LeadFilter f;
  if (list == "waiting") {
    f = Dispatch::queue_filter(campaign);
  } else {
    f.campaign = campaign;
    f.overdue_at = now;
  }
  f.limit = 0;
  ctx.services.policy.lead_scope(ctx.principal).restrict(f);

  std::array<int64_t, kDeskGrades.size()> by_grade{};
  std::vector<DeskEntry> shown;
  Status scanned = ctx.services.store.scan_leads(f, [&](const Lead& l) {
    const int rank = desk_rank(l.grade);
    by_grade[static_cast<size_t>(rank)]++;
    const bool listed = only ? l.grade == *only : l.grade != Grade::kUnqualified;
    if (!listed) return true;
    // Waiting: the longest waiting first. Overdue: the earliest deadline.
    const TimePoint urgency = list == "waiting" ? l.created_at : l.sla_due_at.value_or(l.assigned_at.value_or(l.created_at));
    shown.push_back({rank, urgency, l.id});
    return true;
  });
  if (!scanned.ok()) return send_error(res, scanned);
  std::sort(shown.begin(), shown.end(), [](const DeskEntry& a, const DeskEntry& b) {
    return std::tie(a.rank, a.urgency, a.id) < std::tie(b.rank, b.urgency, b.id);
  });

  Json leads = Json::array();
  const auto total = static_cast<int64_t>(shown.size());
  for (int64_t i = *offset; i < total && i < *offset + *limit; ++i) {
    auto lead = ctx.services.store.get_lead(shown[static_cast<size_t>(i)].id);
    if (!lead.ok()) return send_error(res, lead.status());
    leads.push_back(named_lead(ctx, *lead));
  }
  Json grades = Json::object();
  for (size_t i = 0; i < kDeskGrades.size(); ++i) grades[std::string(grade_key(kDeskGrades[i]))] = by_grade[i];
  Json next = *offset + *limit < total ? Json(std::to_string(*offset + *limit)) : Json(nullptr);
  send_json(res, 200,
            {{"list", list},
             {"as_of", format_time(now)},
             {"total", total},
             {"by_grade", grades},
             {"offset", *offset},
             {"leads", leads},
             {"next_cursor", next}});
}

// ---- the rep's home -----------------------------------------------------------

constexpr TimePoint kRecentDays = 7;
constexpr TimePoint kQuietDays = 7;    // an open lead untouched this long is due a follow-up
constexpr TimePoint kStatsDays = 90;   // the period of the acceptance rate and speed
constexpr size_t kHomeRows = 50;

bool in_play(Stage s) { return s == Stage::kAccepted || s == Stage::kWorking || s == Stage::kOpportunity; }

// Accepted leads over assigned ones, and the median first answer, of
// these reps' leads captured in the last kStatsDays; null without any.
Json rep_figures(const RouteContext& ctx, std::vector<std::string> owners, TimePoint now) {
  ReportFilter f;
  f.from = now - kStatsDays * kMillisPerDay;
  f.owners = owners.empty() ? std::vector<std::string>{"\x01no owner"} : std::move(owners);
  const auto funnel = ctx.services.reports.funnel(f);
  const auto speed = ctx.services.reports.speed_to_lead(f);
  const int64_t assigned = speed.empty() ? 0 : speed.front().assigned;
  const size_t step = static_cast<size_t>(funnel_step(Stage::kAccepted));
  const int64_t accepted = funnel.empty() || funnel.front().steps.size() <= step ? 0 : funnel.front().steps[step].reached;
  const Durations none;
  const Durations& d = speed.empty() ? none : speed.front().response;
  return {{"assigned", assigned},
          {"accepted", accepted},
          {"acceptance_rate", share(accepted, assigned)},
          {"responded", d.count},
          {"median_response_hours", d.count ? Json(static_cast<double>(d.median_ms) / kMillisPerHour) : Json(nullptr)}};
}

void get_my_leads(RouteContext& ctx, const Request&, Response& res) {
  const std::string me = ctx.principal.binding.rep;
  if (me.empty()) {
    return send_error(res, Status(ErrorCode::kForbidden, "this is the home of a sales rep; the caller is bound to no rep"));
  }
  const TimePoint now = ctx.services.clock.now();
  const TimePoint day_end = (now / kMillisPerDay + 1) * kMillisPerDay;
  LeadFilter f;
  f.owner = me;
  f.limit = 0;
  std::vector<Lead> due, follow, recent;
  int64_t open = 0;
  Status scanned = ctx.services.store.scan_leads(f, [&](const Lead& l) {
    const bool waiting = l.stage == Stage::kAssigned && !l.first_response_at;
    if (waiting || in_play(l.stage)) ++open;
    if (waiting) due.push_back(l);
    const TimePoint last = l.last_touch_at.value_or(l.assigned_at.value_or(l.created_at));
    if (in_play(l.stage) && ((l.decay_at && *l.decay_at < day_end) || now - last >= kQuietDays * kMillisPerDay)) {
      follow.push_back(l);
    }
    if (l.assigned_at && now - *l.assigned_at <= kRecentDays * kMillisPerDay) recent.push_back(l);
    return true;
  });
  if (!scanned.ok()) return send_error(res, scanned);
  auto due_at = [](const Lead& l) { return l.sla_due_at.value_or(INT64_MAX); };
  std::stable_sort(due.begin(), due.end(), [&](const Lead& a, const Lead& b) { return due_at(a) < due_at(b); });
  auto touched = [](const Lead& l) { return l.last_touch_at.value_or(l.assigned_at.value_or(l.created_at)); };
  std::stable_sort(follow.begin(), follow.end(), [&](const Lead& a, const Lead& b) { return touched(a) < touched(b); });
  std::stable_sort(recent.begin(), recent.end(), [](const Lead& a, const Lead& b) { return *a.assigned_at > *b.assigned_at; });
  auto rows = [&](const std::vector<Lead>& leads) {
    Json out = Json::array();
    for (size_t i = 0; i < leads.size() && i < kHomeRows; ++i) out.push_back(named_lead(ctx, leads[i]));
    return out;
  };
  auto rep = ctx.services.router.find_rep(me);
  const std::string team = rep ? rep->team : "";
  std::vector<std::string> members;
  for (const Rep& r : ctx.services.router.reps()) {
    if (!team.empty() && r.team == team) members.push_back(r.key);
  }
  Json team_json = nullptr;
  if (!team.empty()) {
    auto t = ctx.services.router.find_team(team);
    team_json = rep_figures(ctx, members, now);
    team_json["key"] = team;
    team_json["name"] = t && !t->name.empty() ? t->name : team;
    team_json["reps"] = static_cast<int64_t>(members.size());
  }
  send_json(res, 200,
            {{"rep", {{"key", me}, {"name", rep_name(ctx, me)}, {"team", team.empty() ? Json(nullptr) : Json(team)}}},
             {"as_of", format_time(now)},
             {"open", open},
             {"due_now", {{"total", static_cast<int64_t>(due.size())}, {"leads", rows(due)}}},
             {"follow_ups_today", {{"total", static_cast<int64_t>(follow.size())}, {"leads", rows(follow)}}},
             {"recently_assigned", {{"total", static_cast<int64_t>(recent.size())}, {"leads", rows(recent)}}},
             {"figures", {{"days", kStatsDays}, {"mine", rep_figures(ctx, {me}, now)}, {"team", team_json}}}});
}

}  // namespace

std::vector<Route> desk_routes() {
  return {
      {{"GET", "/api/v1/desk", true}, get_desk},
      {{"GET", "/api/v1/me/leads", true}, get_my_leads},
  };
}

}  // namespace leadloop::api
