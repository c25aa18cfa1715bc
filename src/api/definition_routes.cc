// Routes of the lead definition: versions, sign-off, activation, diff,
// backtest, accuracy review, the published page.

#include <algorithm>
#include <chrono>
#include <cmath>

#include "api/definition_page.h"
#include "api/errors.h"
#include "api/request.h"
#include "api/routes.h"
#include "definition/diff.h"
#include "domain/limits.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

constexpr size_t kMaxBacktestChanges = 1000;
constexpr TimePoint kReviewPeriod = 14 * kMillisPerDay;  // the bi-weekly review

// Roles that may write the definition (draft, edit, activate): admin,
// marketing, sales_manager. Sign-off is by side: marketing, or sales
// (sales_manager, sales_rep).

// The side a caller signs for: marketing, or sales (a sales manager). A
// person holding both says which in the body's "side".
Result<std::string_view> side_of(const Principal& p, const Json& body) {
  const bool marketing = p.has(Role::kMarketing);
  const bool sales = p.has(Role::kSalesManager);
  if (body.contains("side")) {
    if (!body["side"].is_string()) return Status(ErrorCode::kWrongType, "side is a string", "side");
    const std::string side = body["side"].get<std::string>();
    if (side == kMarketingSide && marketing) return kMarketingSide;
    if (side == kSalesSide && sales) return kSalesSide;
    return Status(ErrorCode::kForbidden, "you cannot sign for side '" + side + "'", "side");
  }
  if (marketing && sales) {
    return Status(ErrorCode::kMissingField, "you hold both sides' roles: say which you sign for (side)", "side");
  }
  if (marketing) return kMarketingSide;
  if (sales) return kSalesSide;
  return Status(ErrorCode::kForbidden, "only marketing or a sales manager signs the lead definition");
}

Json issues_json(const std::vector<DefinitionIssue>& issues) {
  Json list = Json::array();
  for (const auto& i : issues) {
    list.push_back({{"line", i.line ? Json(i.line) : Json(nullptr)},
                    {"column", i.column ? Json(i.column) : Json(nullptr)},
                    {"path", i.path},
                    {"message", i.message}});
  }
  return list;
}

// The standard error body plus every issue found in the document.
void send_rejected(Response& res, const DefinitionRejected& r) {
  Json body = {{"error", to_json(r.status)}, {"issues", issues_json(r.issues)}};
  send_json(res, http_status(r.status.code()), body);
}

Json approval_json(const DefinitionApproval& a) {
  Json j = {{"side", a.side}, {"actor", a.actor}, {"role", a.role}, {"hash", a.hash}, {"at", format_time(a.at)}};
  if (a.voided_at) {
    j["voided_at"] = format_time(*a.voided_at);
    j["voided_by"] = a.voided_by;
  }
  return j;
}

Json record_json(RouteContext& ctx, const DefinitionRecord& r, bool with_document) {
  Json approvals = Json::array();
  Json voided = Json::array();
  Json signed_sides = Json::array();
  if (auto list = ctx.services.store.list_approvals(r.version); list.ok()) {
    for (const auto& a : *list) {
      if (!a.counts() || a.hash != r.hash) {
        voided.push_back(approval_json(a));
        continue;
      }
      approvals.push_back(approval_json(a));
      if (std::find(signed_sides.begin(), signed_sides.end(), a.side) == signed_sides.end()) {
        signed_sides.push_back(a.side);
      }
    }
  }
  Json j = {{"version", r.version},
            {"state", r.state},
            {"name", r.name},
            {"hash", r.hash},
            {"created_at", format_time(r.created_at)},
            {"created_by", r.created_by},
            {"updated_at", format_time(r.updated_at)},
            {"updated_by", r.updated_by},
            {"activated_at", r.activated_at ? Json(format_time(*r.activated_at)) : Json(nullptr)},
            {"activated_by", r.activated_by.empty() ? Json(nullptr) : Json(r.activated_by)},
            {"approvals", approvals},
            {"voided_approvals", voided},
            {"signed_by", signed_sides}};
  if (r.activated_at) {
    j["leads_regraded"] = r.leads_regraded;
    j["grades_changed"] = r.grades_changed;
  }
  if (with_document) {
    j["definition"] = Json::parse(r.content, nullptr, false);
    j["source"] = r.source;
  }
  return j;
}

Result<int64_t> version_param(const Request& req, const char* name) {
  if (!req.has_param(name)) return Status(ErrorCode::kMissingField, "say which version", name);
  return int_param(req, name, 0, 1, INT64_MAX);
}

Result<Period> period_params(RouteContext& ctx, const Request& req) {
  Period p;
  p.to = ctx.services.clock.now();
  if (req.has_param("to")) {
    auto t = parse_time(req.get_param_value("to"));
    if (!t.ok()) return t.status().with_field("to");
    p.to = *t;
  }
  p.from = p.to - kReviewPeriod;
  if (req.has_param("from")) {
    auto f = parse_time(req.get_param_value("from"));
    if (!f.ok()) return f.status().with_field("from");
    p.from = *f;
  }
  if (p.from >= p.to) return Status(ErrorCode::kInvalidValue, "the period must start before it ends", "from");
  return p;
}

Json counts_json(const OutcomeCounts& c) {
  Json reasons = Json::object();
  for (const auto& [reason, n] : c.rejected_by_reason) reasons[reason] = n;
  return {{"leads", c.leads},         {"accepted", c.accepted}, {"rejected", c.rejected},
          {"rejected_by_reason", reasons}, {"opportunities", c.opportunities}, {"wins", c.wins}};
}

Json grades_json(const GradeOutcomes& g) {
  Json j = Json::object();
  for (Grade grade : {Grade::kHot, Grade::kWarm, Grade::kCold, Grade::kUnqualified, Grade::kNone}) {
    const auto& c = g[static_cast<size_t>(grade)];
    if (grade == Grade::kNone && c.leads == 0) continue;
    j[grade == Grade::kNone ? "ungraded" : std::string(grade_name(grade))] = counts_json(c);
  }
  return j;
}

// ---- versions -------------------------------------------------------------

void get_active(RouteContext& ctx, const Request&, Response& res) {
  auto r = ctx.services.definitions.active_record();
  if (!r.ok()) return send_error(res, r.status());
  send_json(res, 200, record_json(ctx, *r, true));
}

void get_versions(RouteContext& ctx, const Request&, Response& res) {
  auto all = ctx.services.store.list_definitions();
  if (!all.ok()) return send_error(res, all.status());
  Json list = Json::array();
  for (const auto& r : *all) list.push_back(record_json(ctx, r, false));
  send_json(res, 200, {{"versions", list}});
}

void get_version(RouteContext& ctx, const Request& req, Response& res) {
  auto v = path_id(req, 1, "definition version");
  if (!v.ok()) return send_error(res, v.status());
  auto r = ctx.services.store.get_definition(*v);
  if (!r.ok()) return send_error(res, r.status());
  send_json(res, 200, record_json(ctx, *r, true));
}

void post_version(RouteContext& ctx, const Request& req, Response& res) {
  DefinitionRejected rejected;
  auto r = ctx.services.definitions.create(req.body, ctx.principal.actor(), &rejected);
  if (!r.ok()) return rejected.issues.empty() ? send_error(res, r.status()) : send_rejected(res, rejected);
  res.set_header("Location", "/api/v1/definition/versions/" + std::to_string(r->version));
  send_json(res, 201, record_json(ctx, *r, true));
}

void put_version(RouteContext& ctx, const Request& req, Response& res) {
  auto v = path_id(req, 1, "definition version");
  if (!v.ok()) return send_error(res, v.status());
  DefinitionRejected rejected;
  auto r = ctx.services.definitions.edit(*v, req.body, ctx.principal.actor(), &rejected);
  if (!r.ok()) return rejected.issues.empty() ? send_error(res, r.status()) : send_rejected(res, rejected);
  send_json(res, 200, record_json(ctx, *r, true));
}

void post_check(RouteContext&, const Request& req, Response& res) {
  ParsedDefinition p = parse_definition(req.body);
  Json body = {{"valid", p.definition != nullptr}, {"issues", issues_json(p.issues)}};
  if (p.definition) body["hash"] = content_hash(*p.definition);
  send_json(res, 200, body);
}

void post_approval(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto v = path_id(req, 1, "definition version");
  if (!v.ok()) return send_error(res, v.status());
  auto parsed = parse_json_object(req.body, "the body must be a JSON object with the hash you approve");
  if (!parsed.ok()) return send_error(res, parsed.status());
  Json body = std::move(*parsed);
  auto side = side_of(ctx.principal, body);
  if (!side.ok()) return send_error(res, side.status());
  if (!body.contains("hash") || !body["hash"].is_string()) {
    return send_error(res, Status(ErrorCode::kMissingField, "say which content you approve: its hash", "hash"));
  }
  const std::string role = *side == kMarketingSide ? "marketing" : "sales_manager";
  Status st = ctx.services.definitions.approve(*v, body["hash"].get<std::string>(), *side, ctx.principal.actor(), role);
  if (!st.ok()) return send_error(res, st);
  auto r = ctx.services.store.get_definition(*v);
  if (!r.ok()) return send_error(res, r.status());
  send_json(res, 201, record_json(ctx, *r, false));
}

void post_activate(RouteContext& ctx, const Request& req, Response& res) {
  auto v = path_id(req, 1, "definition version");
  if (!v.ok()) return send_error(res, v.status());
  auto r = ctx.services.definitions.activate(*v, ctx.principal.actor());
  if (!r.ok()) return send_error(res, r.status());
  // The new version may route differently: waiting leads go where it says.
  auto routed = ctx.services.dispatch.route_waiting();
  if (!routed.ok()) return send_error(res, routed.status());
  Json body = record_json(ctx, *r, false);
  body["leads_routed"] = *routed;
  send_json(res, 200, body);
}

void get_diff(RouteContext& ctx, const Request& req, Response& res) {
  auto from = version_param(req, "from");
  if (!from.ok()) return send_error(res, from.status());
  auto to = version_param(req, "to");
  if (!to.ok()) return send_error(res, to.status());
  auto a = ctx.services.definitions.definition(*from);
  if (!a.ok()) return send_error(res, a.status().with_field("from"));
  auto b = ctx.services.definitions.definition(*to);
  if (!b.ok()) return send_error(res, b.status().with_field("to"));
  Json changes = Json::array();
  for (const auto& c : diff_definitions(**a, **b)) {
    changes.push_back({{"section", c.section}, {"change", c.change}, {"from", c.from}, {"to", c.to}});
  }
  send_json(res, 200, {{"from", *from}, {"to", *to}, {"changes", changes}});
}

// ---- backtest and accuracy ------------------------------------------------

// Whether a row about lead `id` may be listed to the caller: never to a
// viewer (figures only), and only a lead in scope to a team's manager.
bool lists_lead(const RouteContext& ctx, int64_t id) {
  if (!ctx.services.policy.sees_lead_rows(ctx.principal)) return false;
  if (ctx.services.policy.lead_scope(ctx.principal).all) return true;
  return visible_lead(ctx, id).ok();
}

void get_backtest(RouteContext& ctx, const Request& req, Response& res) {
  auto v = path_id(req, 1, "definition version");
  if (!v.ok()) return send_error(res, v.status());
  auto period = period_params(ctx, req);
  if (!period.ok()) return send_error(res, period.status());
  auto draft = ctx.services.definitions.definition(*v);
  if (!draft.ok()) return send_error(res, draft.status());
  auto run = ctx.services.review.backtest(**draft, *period, kMaxBacktestChanges);
  if (!run.ok()) return send_error(res, run.status());
  const BacktestResult& b = run->result;
  Json changes = Json::array();
  for (const auto& c : b.changes) {
    if (!lists_lead(ctx, c.lead_id)) continue;
    changes.push_back({{"lead", c.lead_id}, {"from", grade_name(c.from)}, {"to", grade_name(c.to)}});
  }
  send_json(res, 200,
            {{"version", *v},
             {"compared_with", run->active_version ? Json(run->active_version) : Json("recorded grades")},
             {"from", format_time(period->from)},
             {"to", format_time(period->to)},
             {"leads", b.leads},
             {"active", grades_json(b.active)},
             {"draft", grades_json(b.draft)},
             {"changed", b.changed},
             {"changes", changes},
             {"changes_truncated", b.changed > static_cast<int64_t>(b.changes.size())},
             {"seconds", {{"load", run->load_seconds}, {"evaluate", run->eval_seconds}}}});
}

Json disagreement_json(const Disagreement& d) {
  Json j = {{"lead", d.lead_id},     {"grade", grade_name(d.grade)}, {"kind", d.kind},
            {"outcome", d.detail},   {"grading", d.summary}};
  if (d.answer) {
    j["answer"] = {{"was_lead", d.answer->was_lead},
                   {"note", d.answer->note},
                   {"reviewer", d.answer->reviewer},
                   {"at", format_time(d.answer->at)}};
  }
  return j;
}

// One page of a list of disagreements: those after lead `after`, in lead
// order, at most `limit`; `next` is the cursor of the page after, or null.
struct DisagreementPage {
  Json items = Json::array();
  Json next = nullptr;
};

DisagreementPage disagreement_page(std::vector<Disagreement> list, int64_t after, int64_t limit) {
  std::sort(list.begin(), list.end(), [](const Disagreement& a, const Disagreement& b) { return a.lead_id < b.lead_id; });
  DisagreementPage page;
  auto it = std::upper_bound(list.begin(), list.end(), after,
                             [](int64_t id, const Disagreement& d) { return id < d.lead_id; });
  for (; it != list.end() && static_cast<int64_t>(page.items.size()) < limit; ++it) {
    page.items.push_back(disagreement_json(*it));
  }
  if (it != list.end()) page.next = std::to_string(std::prev(it)->lead_id);
  return page;
}

Result<int64_t> cursor_param(const Request& req, const char* name) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) return int64_t{0};
  auto c = int_param(req, name, 0, 0, INT64_MAX);
  if (!c.ok()) return Status(ErrorCode::kInvalidValue, "not a cursor from a previous page", name);
  return c;
}

// Without `from` and `to`, the review opens on the latest period that has
// an outcome to judge: the last 14 days, else 90, else 365, else every lead.
struct AccuracyRun {
  Period period;
  AccuracyReport report;
  Json default_period = nullptr;  // its name, when the caller named no period
};

Result<AccuracyRun> accuracy_run(RouteContext& ctx, const Request& req, UngradedLeads ungraded) {
  auto period = period_params(ctx, req);
  if (!period.ok()) return period.status();
  const TimePoint to = period->to;
  // The periods to try, in order; the last is taken whatever it holds.
  std::vector<std::pair<Json, Period>> tries;
  if (req.has_param("from") || req.has_param("to")) {
    tries = {{nullptr, *period}};
  } else {
    tries = {{"last_14_days", {to - kReviewPeriod, to}},
             {"last_90_days", {to - 90 * kMillisPerDay, to}},
             {"last_365_days", {to - 365 * kMillisPerDay, to}},
             {"everything", {0, to}}};
  }
  for (size_t i = 0;; ++i) {
    auto r = ctx.services.review.accuracy(tries[i].second, ungraded);
    if (!r.ok()) return r.status();
    if (i + 1 == tries.size() || has_outcomes(r->by_grade)) {
      return AccuracyRun{tries[i].second, std::move(*r), std::move(tries[i].first)};
    }
  }
}

Json rate_json(std::optional<double> v) { return v ? Json(*v) : Json(nullptr); }

// The review queue and the reviewed list are paged alike: `limit` for both,
// `cursor` for the queue, `reviewed_cursor` for the reviewed.
void get_accuracy(RouteContext& ctx, const Request& req, Response& res) {
  auto limit = int_param(req, "limit", 100, 1, limits::kMaxPageSize);
  if (!limit.ok()) return send_error(res, limit.status());
  auto cursor = cursor_param(req, "cursor");
  if (!cursor.ok()) return send_error(res, cursor.status());
  auto reviewed_cursor = cursor_param(req, "reviewed_cursor");
  if (!reviewed_cursor.ok()) return send_error(res, reviewed_cursor.status());
  // Leads closed before any definition graded them (a loaded history):
  // ungraded as on record, or as the active version would have graded them.
  const std::string ungraded = req.has_param("ungraded") ? req.get_param_value("ungraded") : "recorded";
  if (ungraded != "recorded" && ungraded != "active") {
    return send_error(res, Status(ErrorCode::kInvalidValue, "ungraded is recorded or active", "ungraded"));
  }
  auto run = accuracy_run(ctx, req, ungraded == "active" ? UngradedLeads::kGradeWithActive : UngradedLeads::kAsRecorded);
  if (!run.ok()) return send_error(res, run.status());
  const Period* period = &run->period;
  AccuracyReport* r = &run->report;
  const AccuracyRates rates = accuracy_rates(r->by_grade);
  const auto& hot = r->by_grade[static_cast<size_t>(Grade::kHot)];
  const auto& warm = r->by_grade[static_cast<size_t>(Grade::kWarm)];
  // The counts are for everyone who reads the report; the rows name leads,
  // so they are the caller's own only, then paged.
  const size_t queued = r->queue.size();
  const size_t reviewed = r->answered.size();
  auto visible = [&](std::vector<Disagreement> list) {
    std::erase_if(list, [&](const Disagreement& d) { return !lists_lead(ctx, d.lead_id); });
    return list;
  };
  DisagreementPage queue = disagreement_page(visible(std::move(r->queue)), *cursor, *limit);
  DisagreementPage answered =
      disagreement_page(visible(std::move(r->answered)), *reviewed_cursor, *limit);
  send_json(res, 200,
            {{"from", format_time(period->from)},
             {"to", format_time(period->to)},
             {"default_period", std::move(run->default_period)},
             {"by_grade", grades_json(r->by_grade)},
             {"precision",
              {{"hot", {{"accepted", share(hot.accepted, hot.leads)}, {"opportunity", share(hot.opportunities, hot.leads)}}},
               {"warm",
                {{"accepted", share(warm.accepted, warm.leads)}, {"opportunity", share(warm.opportunities, warm.leads)}}}}},
             {"base_rate", {{"accepted", rate_json(rates.base_accepted)}, {"converted", rate_json(rates.base_converted)}}},
             {"recall", {{"hot", rate_json(rates.recall_hot)}, {"hot_or_warm", rate_json(rates.recall_hot_or_warm)}}},
             {"lift",
              {{"hot", {{"accepted", rate_json(rates.lift_hot.accepted)}, {"converted", rate_json(rates.lift_hot.converted)}}},
               {"warm",
                {{"accepted", rate_json(rates.lift_warm.accepted)}, {"converted", rate_json(rates.lift_warm.converted)}}}}},
             {"misses", r->misses},
             {"review_queue", std::move(queue.items)},
             {"review_queue_total", queued},
             {"next_cursor", std::move(queue.next)},
             {"reviewed", std::move(answered.items)},
             {"reviewed_total", reviewed},
             {"reviewed_next_cursor", std::move(answered.next)},
             {"answers", {{"was_lead", r->answered_was_lead}, {"not_a_lead", r->answered_not_lead}}}});
}

void post_review(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto parsed = parse_json_object(req.body);
  if (!parsed.ok()) return send_error(res, parsed.status());
  Json body = std::move(*parsed);
  if (!body.contains("lead") || !body["lead"].is_number_integer()) {
    return send_error(res, Status(ErrorCode::kMissingField, "say which lead (its id)", "lead"));
  }
  if (!body.contains("was_lead") || !body["was_lead"].is_boolean()) {
    return send_error(res, Status(ErrorCode::kMissingField, "answer was_lead: true or false", "was_lead"));
  }
  std::string note = body.value("note", "");
  if (auto seen = visible_lead(ctx, body["lead"].get<int64_t>()); !seen.ok()) {
    return send_error(res, seen.status().with_field("lead"));
  }
  Status st = ctx.services.review.answer(body["lead"].get<int64_t>(), body["was_lead"].get<bool>(), note,
                                         ctx.principal.actor());
  if (!st.ok()) return send_error(res, st.code() == ErrorCode::kNotFound ? st.with_field("lead") : st);
  send_json(res, 201, {{"lead", body["lead"]}, {"was_lead", body["was_lead"]}, {"note", note}});
}

// ---- the published page ----------------------------------------------------

void get_page(RouteContext& ctx, const Request&, Response& res) {
  auto r = ctx.services.definitions.active_record();
  if (!r.ok() && r.status().code() != ErrorCode::kNotFound) return send_error(res, r.status());
  std::vector<DefinitionApproval> approvals;
  std::shared_ptr<const Definition> d;
  if (r.ok()) {
    if (auto a = ctx.services.store.list_approvals(r->version); a.ok()) approvals = *a;
    auto parsed = ctx.services.definitions.definition(r->version);
    if (!parsed.ok()) return send_error(res, parsed.status());
    d = *parsed;
  }
  res.status = 200;
  res.set_content(definition_page(r.ok() ? &*r : nullptr, d.get(), approvals), "text/html; charset=utf-8");
}

}  // namespace

std::vector<Route> definition_routes() {
  return {
      {{"GET", "/definition", false}, get_page},
      {{"GET", "/api/v1/definition", true}, get_active},
      {{"POST", "/api/v1/definition/check", true}, post_check},
      {{"GET", "/api/v1/definition/diff", true}, get_diff},
      {{"GET", "/api/v1/definition/accuracy", true}, get_accuracy},
      {{"POST", "/api/v1/definition/reviews", true}, post_review},
      {{"GET", "/api/v1/definition/versions", true}, get_versions},
      {{"POST", "/api/v1/definition/versions", true}, post_version},
      {{"GET", "/api/v1/definition/versions/{version}", true}, get_version},
      {{"PUT", "/api/v1/definition/versions/{version}", true}, put_version},
      {{"POST", "/api/v1/definition/versions/{version}/approvals", true}, post_approval},
      {{"POST", "/api/v1/definition/versions/{version}/activate", true}, post_activate},
      {{"GET", "/api/v1/definition/versions/{version}/backtest", true}, get_backtest},
  };
}

}  // namespace leadloop::api
