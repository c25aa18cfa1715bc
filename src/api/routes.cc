#include "api/routes.h"

#include <algorithm>
#include <functional>

#include "api/errors.h"
#include "api/request.h"
#include "domain/budget.h"
#include "domain/limits.h"
#include "domain/normalize.h"
#include "engine/dedup_index.h"
#include "io/csv_export.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

constexpr int kMaxInlineImportErrors = 1000;

// ---- health and documents -------------------------------------------------

void get_health(RouteContext& ctx, const Request&, Response& res) {
  send_json(res, 200,
            {{"status", "ok"},
             {"version", ctx.config.version},
             {"schema_version", ctx.services.store.schema_version()},
             {"time", format_time(ctx.services.clock.now())}});
}

void get_openapi(RouteContext&, const Request&, Response& res) {
  res.set_content(openapi_document(), "application/json");
}

// ---- leads ------------------------------------------------------------------

Json outcome_json(const CaptureOutcome& o, bool with_lead) {
  Json j = {{"status", capture_status_name(o.status)}};
  if (o.status == CaptureStatus::kRejected) {
    j["error"] = to_json(o.error);
    return j;
  }
  j["id"] = o.lead_id;
  if (o.status == CaptureStatus::kMerged) j["matched_on"] = o.matched_on;
  if (with_lead) j["lead"] = to_json(o.lead);
  return j;
}

// The campaigns a caller may capture into: all (nullopt) for marketing, sales
// managers and admins; a vendor its own.
std::optional<std::vector<std::string>> capture_campaigns(const RouteContext& ctx) {
  if (ctx.principal.roles.any_of({Role::kAdmin, Role::kMarketing, Role::kSalesManager})) return std::nullopt;
  return ctx.services.policy.lead_scope(ctx.principal).campaigns;
}

bool listed(const std::vector<std::string>& list, const std::string& key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

// Refuses, lead by lead, captures into campaigns the caller does not work.
void restrict_capture(const RouteContext& ctx, std::vector<Result<Lead>>& batch) {
  auto only = capture_campaigns(ctx);
  if (!only) return;
  for (auto& lead : batch) {
    // A lead without a campaign is refused by validation, as for anyone.
    if (lead.ok() && !lead->source_campaign.empty() && !listed(*only, lead->source_campaign)) {
      lead = Status(ErrorCode::kForbidden, "campaign '" + lead->source_campaign + "' is not one of yours",
                    "source_campaign");
    }
  }
}

// A lead's history as the caller may see it: no deal amounts or revenue
// for a vendor.
Json event_json(const RouteContext& ctx, const LeadEvent& e) {
  Json j = to_json(e);
  if (j.contains("payload")) ctx.services.policy.redact_money(ctx.principal, j["payload"]);
  return j;
}

// For a caller restricted to some campaigns: merges only into leads they
// may see, so capturing a person twice neither reads nor writes another
// vendor's lead.
std::function<bool(const Lead&)> merge_guard(const RouteContext& ctx) {
  if (!capture_campaigns(ctx)) return nullptr;
  const Policy* policy = &ctx.services.policy;
  const Principal principal = ctx.principal;
  return [policy, principal](const Lead& existing) { return policy->can_see_lead(principal, existing); };
}

CaptureContext capture_context(RouteContext& ctx, const Request& req) {
  CaptureContext c;
  c.may_merge_into = merge_guard(ctx);
  c.actor = ctx.principal.actor();
  c.via = "api";
  c.dry_run = bool_param(req, "dry_run");
  c.return_leads = false;
  return c;
}

void post_lead(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto lead = parse_lead(req.body);
  if (!lead.ok()) return send_error(res, lead.status());
  std::vector<Result<Lead>> batch;
  batch.push_back(std::move(lead));
  restrict_capture(ctx, batch);
  CaptureContext cc = capture_context(ctx, req);
  cc.return_leads = true;
  auto out = ctx.services.intake.capture(std::move(batch), cc);
  if (!out.ok()) return send_error(res, out.status());
  const CaptureOutcome& o = out->front();
  if (o.status == CaptureStatus::kRejected) return send_error(res, o.error);
  if (o.status == CaptureStatus::kCreated && o.lead_id) {
    res.set_header("Location", "/api/v1/leads/" + std::to_string(o.lead_id));
  }
  send_json(res, o.status == CaptureStatus::kCreated ? 201 : 200, outcome_json(o, true));
}

void post_leads_bulk(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto batch = parse_lead_batch(req.body, ctx.config.max_batch);
  if (!batch.ok()) return send_error(res, batch.status());
  restrict_capture(ctx, *batch);
  auto out = ctx.services.intake.capture(std::move(batch).value(), capture_context(ctx, req));
  if (!out.ok()) return send_error(res, out.status());
  // Written by hand: this answer is on the bulk hot path.
  int64_t counts[3] = {0, 0, 0};
  std::string results;
  results.reserve(out->size() * 48);
  for (size_t i = 0; i < out->size(); ++i) {
    const CaptureOutcome& o = (*out)[i];
    counts[static_cast<int>(o.status)]++;
    if (i) results += ',';
    results += "{\"index\":" + std::to_string(i) + ",\"status\":\"";
    results += capture_status_name(o.status);
    results += '"';
    if (o.status == CaptureStatus::kRejected) {
      results += ",\"error\":" + dump_json(to_json(o.error));
    } else {
      results += ",\"id\":" + std::to_string(o.lead_id);
      if (o.status == CaptureStatus::kMerged) {
        results += ",\"matched_on\":\"" + o.matched_on + "\"";
      }
    }
    results += '}';
  }
  std::string body = "{\"created\":" + std::to_string(counts[0]) +
                     ",\"merged\":" + std::to_string(counts[1]) +
                     ",\"rejected\":" + std::to_string(counts[2]) +
                     ",\"dry_run\":" + (bool_param(req, "dry_run") ? "true" : "false") +
                     ",\"results\":[" + results + "]}";
  send_json_text(res, 200, std::move(body));
}

void get_lead(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  auto lead = visible_lead(ctx, *id);
  if (!lead.ok()) return send_error(res, lead.status());
  send_json(res, 200, to_json(*lead));
}

// A search for a whole email address finds that person through the dedup
// index (in any case, as deduplication matches it) instead of scanning for
// the text: the one lead of theirs the caller may see, or none. A caller who
// sees several (each party has its own lead of the person) gets the scan.
Status resolve_email_search(RouteContext& ctx, LeadFilter& f) {
  const std::string q(trim(f.q));
  if (q.find('@') == std::string::npos || !is_valid_email(q)) return Status();
  const std::string key = email_key(q);
  std::vector<int64_t> seen;
  for (int64_t id : ctx.services.intake.find_keys(KeyKind::kEmail, key)) {
    auto lead = ctx.services.store.get_lead(id);
    if (!lead.ok() && lead.status().code() != ErrorCode::kNotFound) return lead.status();
    if (lead.ok() && lead->email_key == key && ctx.services.policy.can_see_lead(ctx.principal, *lead)) {
      seen.push_back(id);
    }
  }
  if (seen.size() > 1) return Status();
  f.q.clear();
  f.id = seen.empty() ? 0 : seen.front();
  return Status();
}

void get_leads(RouteContext& ctx, const Request& req, Response& res) {
  auto filter = lead_filter(req, 50, 1000, ctx.services.clock.now());
  if (!filter.ok()) return send_error(res, filter.status());
  if (Status st = resolve_email_search(ctx, *filter); !st.ok()) return send_error(res, st);
  ctx.services.policy.lead_scope(ctx.principal).restrict(*filter);
  auto leads = ctx.services.store.list_leads(*filter);
  if (!leads.ok()) return send_error(res, leads.status());
  Json list = Json::array();
  for (const Lead& l : *leads) list.push_back(to_json(l));
  Json next = nullptr;
  if (static_cast<int>(leads->size()) == filter->limit) next = std::to_string(leads->back().id);
  send_json(res, 200, {{"leads", list}, {"next_cursor", next}});
}

void get_timeline(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  auto lead = visible_lead(ctx, *id);
  if (!lead.ok()) return send_error(res, lead.status());
  // Paged like the lead list: `limit` events after the `cursor` event id.
  auto limit = int_param(req, "limit", limits::kMaxPageSize, 1, limits::kMaxPageSize);
  if (!limit.ok()) return send_error(res, limit.status());
  auto after = int_param(req, "cursor", 0, 0, INT64_MAX);
  if (!after.ok()) return send_error(res, Status(ErrorCode::kInvalidValue, "not a cursor from a previous page", "cursor"));
  auto events = ctx.services.store.lead_events(*id);
  if (!events.ok()) return send_error(res, events.status());
  Json list = Json::array();
  Json next = nullptr;
  int64_t last = 0;
  for (const LeadEvent& e : *events) {
    if (e.id <= *after) continue;
    if (static_cast<int64_t>(list.size()) == *limit) {
      next = std::to_string(last);
      break;
    }
    list.push_back(event_json(ctx, e));
    last = e.id;
  }
  send_json(res, 200, {{"lead", *id}, {"stage", stage_name(lead->stage)}, {"events", list}, {"next_cursor", next}});
}

// ---- campaigns and touches -------------------------------------------------

void post_campaign(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto c = parse_campaign(req.body);
  if (!c.ok()) return send_error(res, c.status());
  auto stored = ctx.services.campaigns.create(std::move(c).value());
  if (!stored.ok()) return send_error(res, stored.status());
  res.set_header("Location", "/api/v1/campaigns/" + stored->key);
  send_json(res, 201, to_json(*stored));
}

void get_campaigns(RouteContext& ctx, const Request&, Response& res) {
  Json list = Json::array();
  for (const Campaign& c : ctx.services.campaigns.list()) {
    if (ctx.services.policy.can_see_campaign(ctx.principal, c)) list.push_back(to_json(c));
  }
  send_json(res, 200, {{"campaigns", list}});
}

void get_campaign(RouteContext& ctx, const Request& req, Response& res) {
  std::string key = req.matches[1];
  auto c = ctx.services.campaigns.find(key);
  if (!c || !ctx.services.policy.can_see_campaign(ctx.principal, *c)) {
    return send_error(res, Status(ErrorCode::kNotFound, "no campaign '" + key + "'", "key"));
  }
  send_json(res, 200, to_json(*c));
}

void post_touch(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto in = parse_touch(req.body);
  if (!in.ok()) return send_error(res, in.status());
  // A touch without a lead is a conversation that did not become one:
  // counted for its campaign. One on a lead defaults to the lead's campaign.
  if (in->touch.lead_id != 0) {
    // A lead out of scope is answered as one that does not exist.
    auto seen = visible_lead(ctx, in->touch.lead_id);
    if (!seen.ok()) {
      if (seen.status().code() != ErrorCode::kNotFound) return send_error(res, seen.status());
      return send_error(res, Status(ErrorCode::kInvalidValue, "no lead with id " + std::to_string(in->touch.lead_id),
                                    "lead"));
    }
    if (in->touch.campaign.empty()) in->touch.campaign = seen->source_campaign;
  }
  if (in->touch.campaign.empty()) {
    return send_error(res, Status(ErrorCode::kMissingField,
                                  "a touch without a lead needs the key of its campaign", "campaign"));
  }
  Status own = in->touch.lead_id != 0 ? require_touch_campaign(ctx, in->touch.campaign)
                                      : require_own_campaign(ctx, in->touch.campaign);
  if (!own.ok()) return send_error(res, own);
  auto t = ctx.services.intake.log_touch(std::move(in).value(), ctx.principal.actor());
  if (!t.ok()) return send_error(res, t.status());
  send_json(res, 201, to_json(*t));
}

// ---- imports and exports ---------------------------------------------------

Json import_json(const ImportRecord& r) {
  return {{"id", r.id ? Json(r.id) : Json(nullptr)},
          {"source", r.source},
          {"campaign", r.campaign.empty() ? Json(nullptr) : Json(r.campaign)},
          {"mapping", r.mapping},
          {"actor", r.actor},
          {"dry_run", r.dry_run},
          {"started_at", format_time(r.started_at)},
          {"finished_at", format_time(r.finished_at)},
          {"rows", r.rows},
          {"created", r.created},
          {"merged", r.merged},
          {"rejected", r.rejected},
          {"notes", r.notes}};
}

Json import_error_json(const ImportError& e) {
  return {{"line", e.line},
          {"column", e.column ? Json(e.column) : Json(nullptr)},
          {"field", e.field.empty() ? Json(nullptr) : Json(e.field)},
          {"code", e.code},
          {"reason", e.reason}};
}

void post_import(RouteContext& ctx, const Request& req, Response& res) {
  std::string type = req.get_header_value("Content-Type");
  if (!type.empty() && type.rfind("text/csv", 0) != 0 && type.rfind("text/plain", 0) != 0 &&
      type.rfind("application/csv", 0) != 0 && type.rfind("application/octet-stream", 0) != 0) {
    return send_error(res, Status(ErrorCode::kUnsupportedMediaType,
                                  "send the file as the body with 'Content-Type: text/csv'"));
  }
  ImportOptions opt;
  opt.campaign = req.get_param_value("campaign");
  // A preset by name, or the text of a mapping file (YAML or JSON):
  // never a path on the server.
  opt.mapping = req.has_param("mapping") ? req.get_param_value("mapping") : "auto";
  if (opt.mapping != "auto" && opt.mapping != "salesforce" && opt.mapping != "hubspot" &&
      opt.mapping != "mautic") {
    opt.mapping_text = std::move(opt.mapping);
    opt.mapping = "request";
  }
  opt.dry_run = bool_param(req, "dry_run");
  opt.source = req.has_param("filename") ? req.get_param_value("filename") : "api";
  opt.actor = ctx.principal.actor();
  opt.only_campaigns = capture_campaigns(ctx);
  opt.may_merge_into = merge_guard(ctx);
  if (opt.only_campaigns && !listed(*opt.only_campaigns, opt.campaign)) {
    return send_error(res, Status(ErrorCode::kForbidden, "name one of your campaigns: campaign", "campaign"));
  }
  auto report = ctx.services.importer.run(req.body, opt);
  if (!report.ok()) return send_error(res, report.status());
  Json errors = Json::array();
  for (size_t i = 0; i < report->errors.size() && i < kMaxInlineImportErrors; ++i) {
    errors.push_back(import_error_json(report->errors[i]));
  }
  Json columns = Json::array();
  for (const auto& [h, t] : report->columns) columns.push_back({{"header", h}, {"target", t}});
  Json body = {{"import", import_json(report->record)},
               {"encoding", report->encoding},
               {"columns", columns},
               {"errors", errors},
               {"errors_total", report->errors.size()}};
  if (report->record.id) {
    body["errors_url"] = "/api/v1/imports/" + std::to_string(report->record.id) + "/errors";
    res.set_header("Location", "/api/v1/imports/" + std::to_string(report->record.id));
  }
  send_json(res, report->record.dry_run ? 200 : 201, body);
}

// An import the caller may see: every import for those who see every
// lead; else a vendor's into its own campaigns and the caller's own (a
// team's manager: its rejected rows are no other team's business).
Result<ImportRecord> visible_import(const RouteContext& ctx, int64_t id) {
  auto rec = ctx.services.store.get_import(id);
  if (!rec.ok()) return rec.status();
  if (ctx.services.policy.lead_scope(ctx.principal).all) return rec;
  auto only = capture_campaigns(ctx);
  const bool own_campaign = only && listed(*only, rec->campaign);
  if (!own_campaign && rec->actor != ctx.principal.actor()) {
    return Status(ErrorCode::kNotFound, "no import with id " + std::to_string(id), "id");
  }
  return rec;
}

void get_import(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "import");
  if (!id.ok()) return send_error(res, id.status());
  auto rec = visible_import(ctx, *id);
  if (!rec.ok()) return send_error(res, rec.status());
  send_json(res, 200, import_json(*rec));
}

void get_import_errors(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "import");
  if (!id.ok()) return send_error(res, id.status());
  auto rec = visible_import(ctx, *id);
  if (!rec.ok()) return send_error(res, rec.status());
  auto after = int_param(req, "after_line", 0, 0, INT64_MAX);
  auto limit = int_param(req, "limit", 1000, 1, 10000);
  if (!after.ok()) return send_error(res, after.status());
  if (!limit.ok()) return send_error(res, limit.status());
  auto errors = ctx.services.store.import_errors(*id, *after, static_cast<int>(*limit));
  if (!errors.ok()) return send_error(res, errors.status());
  Json list = Json::array();
  for (const ImportError& e : *errors) list.push_back(import_error_json(e));
  Json next = nullptr;
  if (static_cast<int64_t>(errors->size()) == *limit) next = errors->back().line;
  send_json(res, 200, {{"import", *id}, {"errors", list}, {"next_after_line", next}});
}

using CsvSink = std::function<bool(std::string_view)>;

// Answers with a CSV file written in chunks as `write` produces them, on a
// worker that waits while the client reads slowly, under the request's
// budget (the producer runs after the handler has returned). A client that
// goes away, or the budget running out, ends the export (the HTTP layer
// logs it as cut short).
void stream_csv(Response& res, const std::string& filename, std::function<Status(const CsvSink&)> write) {
  res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  res.set_chunked_content_provider("text/csv; charset=utf-8",
                                   [write = std::move(write), budget = current_budget()](const CsvSink& sink) {
                                     ScopedBudget scope(budget);
                                     return write(sink);
                                   });
}

void get_export(RouteContext& ctx, const Request& req, Response& res) {
  auto filter = lead_filter(req, 0, INT32_MAX, ctx.services.clock.now());
  if (!filter.ok()) return send_error(res, filter.status());
  LeadFilter f = *filter;
  if (Status st = resolve_email_search(ctx, f); !st.ok()) return send_error(res, st);
  if (!req.has_param("limit")) f.limit = 0;
  ctx.services.policy.lead_scope(ctx.principal).restrict(f);
  stream_csv(res, "leads.csv", [store = &ctx.services.store, f](const CsvSink& sink) {
    return export_leads_csv(*store, f, sink);
  });
}

// The raw history for any BI tool: every event of the leads the caller may
// see, filtered by the lead filters, the event types and the event time.
void get_events_export(RouteContext& ctx, const Request& req, Response& res) {
  auto filter = lead_filter(req, 0, INT32_MAX, ctx.services.clock.now());
  if (!filter.ok()) return send_error(res, filter.status());
  EventFilter f;
  f.leads = *filter;
  if (Status st = resolve_email_search(ctx, f.leads); !st.ok()) return send_error(res, st);
  f.leads.limit = 0;
  ctx.services.policy.lead_scope(ctx.principal).restrict(f.leads);
  for (const char* name : {"from", "to"}) {
    if (!req.has_param(name)) continue;
    auto t = parse_time(req.get_param_value(name));
    if (!t.ok()) return send_error(res, t.status().with_field(name));
    (std::string_view(name) == "from" ? f.from : f.to) = *t;
  }
  f.types = list_param(req, "type");
  const bool with_money = ctx.services.policy.sees_revenue(ctx.principal);
  stream_csv(res, "events.csv", [store = &ctx.services.store, f, with_money](const CsvSink& sink) {
    return export_events_csv(*store, f, sink, nullptr, with_money);
  });
}

}  // namespace

Status require_role(const RouteContext& ctx, RoleSet roles) {
  if (ctx.principal.roles.any_of(roles)) return Status();
  return Status(ErrorCode::kForbidden,
                "this needs one of the roles " + roles.text() + "; the caller has " + ctx.principal.roles.text());
}

Status require_lead(const RouteContext& ctx, const Lead& lead) {
  if (ctx.services.policy.can_see_lead(ctx.principal, lead)) return Status();
  return Status(ErrorCode::kNotFound, "no lead with id " + std::to_string(lead.id));
}

Status require_own_campaign(const RouteContext& ctx, const std::string& campaign) {
  auto only = capture_campaigns(ctx);
  if (!only || listed(*only, campaign)) return Status();
  return Status(ErrorCode::kForbidden, "campaign '" + campaign + "' is not one of yours", "campaign");
}

Status require_touch_campaign(const RouteContext& ctx, const std::string& campaign) {
  auto c = ctx.services.campaigns.find(campaign);
  // An unknown campaign is the intake's to refuse, with its own message.
  if (!c || ctx.services.policy.can_see_campaign(ctx.principal, *c)) return Status();
  return Status(ErrorCode::kForbidden, "campaign '" + campaign + "' is not one of yours", "campaign");
}

Result<Lead> visible_lead(const RouteContext& ctx, int64_t id) {
  auto lead = ctx.services.store.get_lead(id);
  if (!lead.ok()) return lead.status();
  LEADLOOP_RETURN_IF_ERROR(require_lead(ctx, *lead));
  return lead;
}

const std::vector<Route>& route_table() {
  static const std::vector<Route> kRoutes = [] {
    std::vector<Route> routes = {
      {{"GET", "/api/v1/health", false}, get_health},
      {{"GET", "/api/v1/openapi.json", true}, get_openapi},
      {{"POST", "/api/v1/leads", true}, post_lead},
      {{"GET", "/api/v1/leads", true}, get_leads},
      {{"POST", "/api/v1/leads/bulk", true}, post_leads_bulk},
      {{"GET", "/api/v1/leads/{id}", true}, get_lead},
      {{"GET", "/api/v1/leads/{id}/timeline", true}, get_timeline},
      {{"POST", "/api/v1/campaigns", true}, post_campaign},
      {{"GET", "/api/v1/campaigns", true}, get_campaigns},
      {{"GET", "/api/v1/campaigns/{key}", true}, get_campaign},
      {{"POST", "/api/v1/touches", true}, post_touch},
      {{"POST", "/api/v1/imports", true}, post_import},
      {{"GET", "/api/v1/imports/{id}", true}, get_import},
      {{"GET", "/api/v1/imports/{id}/errors", true}, get_import_errors},
      {{"GET", "/api/v1/exports/leads.csv", true}, get_export},
      {{"GET", "/api/v1/exports/events.csv", true}, get_events_export},
    };
    for (auto& r : definition_routes()) routes.push_back(std::move(r));
    for (auto& r : lifecycle_routes()) routes.push_back(std::move(r));
    for (auto& r : desk_routes()) routes.push_back(std::move(r));
    for (auto& r : feedback_routes()) routes.push_back(std::move(r));
    for (auto& r : privacy_routes()) routes.push_back(std::move(r));
    for (auto& r : audit_routes()) routes.push_back(std::move(r));
    for (auto& r : access_routes()) routes.push_back(std::move(r));
    for (auto& r : stream_routes()) routes.push_back(std::move(r));
    for (auto& r : web_routes()) routes.push_back(std::move(r));
    for (auto& r : report_routes()) routes.push_back(std::move(r));
    for (auto& r : goal_routes()) routes.push_back(std::move(r));
    for (auto& r : webhook_routes()) routes.push_back(std::move(r));
    for (auto& r : form_routes()) routes.push_back(std::move(r));
    for (auto& r : mail_routes()) routes.push_back(std::move(r));
    for (auto& r : nurture_routes()) routes.push_back(std::move(r));
    return routes;
  }();
  return kRoutes;
}

std::vector<RouteInfo> api_routes() {
  std::vector<RouteInfo> out;
  for (const Route& r : route_table()) out.push_back(r.info);
  return out;
}

}  // namespace leadloop::api
