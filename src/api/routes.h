// The route table: each route's method, OpenAPI path, whether it needs a
// token, and its handler. server.cc registers it; tests iterate it.
#pragma once

#include "api/http/message.h"

#include <functional>
#include <vector>

#include "access/tokens.h"
#include "api/server.h"

namespace leadloop::api {

struct RouteContext {
  Services& services;
  const ServerConfig& config;
  const Principal& principal;  // empty for public routes
  RateLimiter* form_posts = nullptr;  // web form posts per address (form_routes.cc)
};

using RouteHandler =
    std::function<void(RouteContext&, const http::Request&, http::Response&)>;

struct Route {
  RouteInfo info;
  RouteHandler handler;
};

const std::vector<Route>& route_table();

// The cookie that carries a signed-in session.
inline constexpr std::string_view kSessionCookie = "leadloop_session";

// ok when the caller holds one of `roles`; else kForbidden naming them.
// Routes are checked against route_policy.cc before their handler runs;
// this is for a finer rule inside one (entering feedback on behalf of a rep).
Status require_role(const RouteContext& ctx, RoleSet roles);
// ok when the caller may see the lead (access/policy.h); else kNotFound, as
// for a lead that does not exist, so a scope's edges reveal nothing.
Status require_lead(const RouteContext& ctx, const Lead& lead);
// kForbidden when the caller captures for some campaigns only (a vendor)
// and `campaign` is not one of them.
Status require_own_campaign(const RouteContext& ctx, const std::string& campaign);
// The campaign a touch on a lead the caller may see is logged for: any
// campaign the caller may see (a rep's touch on their own lead, whatever
// its campaign; a vendor's on its own campaigns only); kForbidden else.
// A touch without a lead needs require_own_campaign instead.
Status require_touch_campaign(const RouteContext& ctx, const std::string& campaign);
// Reads a lead the caller may see: kNotFound otherwise.
Result<Lead> visible_lead(const RouteContext& ctx, int64_t id);
// Sessions, users and API tokens (access_routes.cc).
std::vector<Route> access_routes();
// Reports over the in-memory projection (report_routes.cc).
std::vector<Route> report_routes();
// Narrows a report to the caller's lead scope (access/policy.h); a viewer
// reads every report.
void restrict_report(const RouteContext& ctx, ReportFilter& f);
// Goals with approval, pace and projection (goal_routes.cc).
std::vector<Route> goal_routes();
// E-mail settings, templates, notification choices, bounces, unsubscribe
// (mail_routes.cc).
std::vector<Route> mail_routes();
// The lead definition's routes (definition_routes.cc).
std::vector<Route> definition_routes();
// Transitions, touches on a lead, queue and assignment, teams and reps,
// outbox and follow-up timers (lifecycle_routes.cc).
std::vector<Route> lifecycle_routes();
// The manager's desk and the rep's home (desk_routes.cc).
std::vector<Route> desk_routes();
// {"at", "breached", "reassigned", "requeued", "decayed"} of a timer run.
Json follow_up_json(const FollowUpRun& r, TimePoint now);
// Nurture programmes, a lead's enrolments and the tracking links
// (nurture_routes.cc).
std::vector<Route> nurture_routes();
// Feedback links and the campaign feedback view (feedback_routes.cc).
std::vector<Route> feedback_routes();
// Subject access and erasure, admins only (privacy_routes.cc).
std::vector<Route> privacy_routes();
// The audit log (audit_routes.cc): GET /api/v1/audit for admins; whether a
// route leaves a row (every write, bulk reads and exports of personal
// data); and record_audit, which completes `entry` (who) with what, which
// record, the status and where from, and appends it; for a streamed body
// (an export) it appends when the stream ends, with the bytes sent and
// whether it was cut short. A failed append is logged, never thrown: the
// request has already been answered.
std::vector<Route> audit_routes();
// The web app's page and assets, public (web_routes.cc).
std::vector<Route> web_routes();
// Webhook endpoints and deliveries, admins only (webhook_routes.cc).
std::vector<Route> webhook_routes();
// Server-sent events when the leads change (stream_routes.cc).
std::vector<Route> stream_routes();
// Web forms: their settings for marketing, and the public form, its
// posts, CORS and double opt-in confirmation (form_routes.cc).
std::vector<Route> form_routes();
bool audited_route(const RouteInfo& route);
void record_audit(Store& store, AuditEntry entry, const RouteInfo& route, const http::Request& req,
                  http::Response& res);

}  // namespace leadloop::api
