// The two working views of the sales side (docs/api.md, "The desk and the
// rep's home"):
//   GET /api/v1/desk      the manager's desk: the leads waiting for an owner,
//                         past their follow-up SLA or stalled, hot first
//                         and most urgent first, with totals per grade and
//                         pages; unqualified leads only when asked for;
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
  return static_cast<int>(std::find(kDeskGrades.begin(), kDeskGrades.end(), g) -
                          kDeskGrades.begin());
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

// One list of the desk as asked for, and what it holds.
struct DeskQuery {
  std::string list;  // waiting, overdue or stalled
  std::string campaign;
  std::optional<Grade> only;  // else every grade but unqualified
  int64_t days = 14;          // stalled: no stage change for longer than this
  TimePoint now = 0;
  size_t needed = 0;  // entries the page needs at the most (cursor + limit)

  bool listed(Grade g) const { return only ? g == *only : g != Grade::kUnqualified; }
};
struct DeskList {
  std::array<int64_t, kDeskGrades.size()> by_grade{};
  int64_t total = 0;               // of the listed grades
  std::vector<DeskEntry> entries;  // at least the first `needed` of them
};

// Waiting (the queue's filter) and overdue (past the SLA) from the store.
Result<DeskList> scanned_list(const RouteContext& ctx, const DeskQuery& q) {
  LeadFilter f;
  if (q.list == "waiting") {
    f = Dispatch::queue_filter(q.campaign);
  } else {
    f.campaign = q.campaign;
    f.overdue_at = q.now;
  }
  f.limit = 0;
  ctx.services.policy.lead_scope(ctx.principal).restrict(f);
  DeskList out;
  LEADLOOP_RETURN_IF_ERROR(ctx.services.store.scan_leads(f, [&](const Lead& l) {
    const int rank = desk_rank(l.grade);
    out.by_grade[static_cast<size_t>(rank)]++;
    if (!q.listed(l.grade)) return true;
    // Waiting: the longest waiting first. Overdue: the earliest deadline.
    const TimePoint urgency = q.list == "waiting"
                                  ? l.created_at
                                  : l.sla_due_at.value_or(l.assigned_at.value_or(l.created_at));
    out.entries.push_back({rank, urgency, l.id});
    return true;
  }));
  out.total = static_cast<int64_t>(out.entries.size());
  return out;
}

// Stalled: open leads whose stage has not moved for longer than `days`,
// from the report projection grade by grade, the longest stalled first.
DeskList stalled_list(const RouteContext& ctx, const DeskQuery& q) {
  ReportFilter f;
  if (!q.campaign.empty()) f.campaigns = {q.campaign};
  restrict_report(ctx, f);
  DeskList out;
  for (size_t rank = 0; rank < kDeskGrades.size(); ++rank) {
    f.grade = kDeskGrades[rank];
    const bool listed = q.listed(kDeskGrades[rank]);
    Stalled st = ctx.services.reports.stalled(f, q.now - q.days * kMillisPerDay, GroupBy::kNone,
                                              listed ? q.needed : 0);
    out.by_grade[rank] = st.total;
    if (!listed) continue;
    out.total += st.total;
    for (const StalledLead& l : st.oldest)
      out.entries.push_back({static_cast<int>(rank), l.since, l.id});
  }
  return out;
}

// ?list=waiting|overdue|stalled&campaign=&grade=&days=&limit=&cursor=
void get_desk(RouteContext& ctx, const Request& req, Response& res) {
  DeskQuery q;
  q.list = req.has_param("list") ? req.get_param_value("list") : "waiting";
  if (q.list != "waiting" && q.list != "overdue" && q.list != "stalled") {
    return send_error(
        res, Status(ErrorCode::kInvalidValue, "list is waiting, overdue or stalled", "list"));
  }
  auto limit = int_param(req, "limit", 25, 1, 200);
  if (!limit.ok()) return send_error(res, limit.status());
  auto offset = int_param(req, "cursor", 0, 0, 1000000);
  if (!offset.ok())
    return send_error(
        res, Status(ErrorCode::kInvalidValue, "not a cursor from a previous page", "cursor"));
  auto days = int_param(req, "days", 14, 0, 3650);
  if (!days.ok()) return send_error(res, days.status());
  q.days = *days;
  if (req.has_param("grade")) {
    const std::string g = req.get_param_value("grade");
    q.only = g == "ungraded" ? std::optional(Grade::kNone) : parse_grade(g);
    if (!q.only || g.empty()) {
      return send_error(res, Status(ErrorCode::kInvalidValue,
                                    "grade is hot, warm, cold, ungraded or unqualified", "grade"));
    }
  }
  q.campaign = req.get_param_value("campaign");
  if (!q.campaign.empty() && !ctx.services.campaigns.contains(q.campaign)) {
    return send_error(res, Status(ErrorCode::kUnknownCampaign,
                                  "no campaign with key '" + q.campaign + "'", "campaign"));
  }
  q.now = ctx.services.clock.now();
  q.needed = static_cast<size_t>(*offset + *limit);
  Result<DeskList> found =
      q.list == "stalled" ? Result<DeskList>(stalled_list(ctx, q)) : scanned_list(ctx, q);
  if (!found.ok()) return send_error(res, found.status());
  std::vector<DeskEntry>& shown = found->entries;
  std::sort(shown.begin(), shown.end(), [](const DeskEntry& a, const DeskEntry& b) {
    return std::tie(a.rank, a.urgency, a.id) < std::tie(b.rank, b.urgency, b.id);
  });

  Json leads = Json::array();
  for (size_t i = static_cast<size_t>(*offset); i < shown.size() && i < q.needed; ++i) {
    auto lead = ctx.services.store.get_lead(shown[i].id);
    if (!lead.ok()) return send_error(res, lead.status());
    Json row = named_lead(ctx, *lead);
    if (q.list == "stalled") {
      row["stalled_since"] = format_time(shown[i].urgency);
      row["stalled_days"] = static_cast<double>(q.now - shown[i].urgency) / kMillisPerDay;
    }
    leads.push_back(std::move(row));
  }
  Json grades = Json::object();
  for (size_t i = 0; i < kDeskGrades.size(); ++i)
    grades[std::string(grade_key(kDeskGrades[i]))] = found->by_grade[i];
  const int64_t total = found->total;
  Json next = *offset + *limit < total ? Json(std::to_string(*offset + *limit)) : Json(nullptr);
  Json body = {{"list", q.list},     {"as_of", format_time(q.now)}, {"total", total},
               {"by_grade", grades}, {"offset", *offset},           {"leads", leads},
               {"next_cursor", next}};
  if (q.list == "stalled") body["days"] = q.days;
  send_json(res, 200, body);
}

// ---- the rep's home -----------------------------------------------------------

constexpr TimePoint kRecentDays = 7;
constexpr TimePoint kQuietDays = 7;   // an open lead untouched this long is due a follow-up
constexpr TimePoint kStatsDays = 90;  // the period of the acceptance rate and speed
constexpr size_t kHomeRows = 50;

bool in_play(Stage s) {
  return s == Stage::kAccepted || s == Stage::kWorking || s == Stage::kOpportunity;
}

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
  const int64_t accepted = funnel.empty() || funnel.front().steps.size() <= step
                               ? 0
                               : funnel.front().steps[step].reached;
  const Durations none;
  const Durations& d = speed.empty() ? none : speed.front().response;
  return {{"assigned", assigned},
          {"accepted", accepted},
          {"acceptance_rate", share(accepted, assigned)},
          {"responded", d.count},
          {"median_response_hours",
           d.count ? Json(static_cast<double>(d.median_ms) / kMillisPerHour) : Json(nullptr)}};
}

void get_my_leads(RouteContext& ctx, const Request&, Response& res) {
  const std::string me = ctx.principal.binding.rep;
  if (me.empty()) {
    return send_error(res,
                      Status(ErrorCode::kForbidden,
                             "this is the home of a sales rep; the caller is bound to no rep"));
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
    if (in_play(l.stage) &&
        ((l.decay_at && *l.decay_at < day_end) || now - last >= kQuietDays * kMillisPerDay)) {
      follow.push_back(l);
    }
    if (l.assigned_at && now - *l.assigned_at <= kRecentDays * kMillisPerDay) recent.push_back(l);
    return true;
  });
  if (!scanned.ok()) return send_error(res, scanned);
  auto due_at = [](const Lead& l) { return l.sla_due_at.value_or(INT64_MAX); };
  std::stable_sort(due.begin(), due.end(),
                   [&](const Lead& a, const Lead& b) { return due_at(a) < due_at(b); });
  auto touched = [](const Lead& l) {
    return l.last_touch_at.value_or(l.assigned_at.value_or(l.created_at));
  };
  std::stable_sort(follow.begin(), follow.end(),
                   [&](const Lead& a, const Lead& b) { return touched(a) < touched(b); });
  std::stable_sort(recent.begin(), recent.end(),
                   [](const Lead& a, const Lead& b) { return *a.assigned_at > *b.assigned_at; });
  auto rows = [&](const std::vector<Lead>& leads) {
    Json out = Json::array();
    for (size_t i = 0; i < leads.size() && i < kHomeRows; ++i)
      out.push_back(named_lead(ctx, leads[i]));
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
            {{"rep",
              {{"key", me},
               {"name", rep_name(ctx, me)},
               {"team", team.empty() ? Json(nullptr) : Json(team)}}},
             {"as_of", format_time(now)},
             {"open", open},
             {"due_now", {{"total", static_cast<int64_t>(due.size())}, {"leads", rows(due)}}},
             {"follow_ups_today",
              {{"total", static_cast<int64_t>(follow.size())}, {"leads", rows(follow)}}},
             {"recently_assigned",
              {{"total", static_cast<int64_t>(recent.size())}, {"leads", rows(recent)}}},
             {"figures",
              {{"days", kStatsDays}, {"mine", rep_figures(ctx, {me}, now)}, {"team", team_json}}}});
}

}  // namespace

std::vector<Route> desk_routes() {
  return {
      {{"GET", "/api/v1/desk", true}, get_desk},
      {{"GET", "/api/v1/me/leads", true}, get_my_leads},
  };
}

}  // namespace leadloop::api
