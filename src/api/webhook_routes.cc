// Webhook endpoints and their deliveries under /api/v1/webhooks and
// /api/v1/deliveries (docs/webhooks.md), admins only. A secret is in the
// answers to create and rotate, never elsewhere.

#include "api/request.h"
#include "api/routes.h"
#include "delivery/endpoints.h"
#include "delivery/engine.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

constexpr TimePoint kDefaultOverlap = 24 * kMillisPerHour;

Json optional_time(const std::optional<TimePoint>& t) {
  return t ? Json(format_time(*t)) : Json(nullptr);
}

Json endpoint_json(const WebhookEndpoint& e, TimePoint now) {
  const bool overlap = !e.previous_secret.empty() && e.previous_secret_expires_at &&
                       *e.previous_secret_expires_at > now;
  return {{"id", e.id},
          {"url", e.url},
          {"description", e.description},
          {"event_types", e.event_types},
          {"enabled", e.enabled},
          {"disabled_reason", e.disabled_reason.empty() ? Json(nullptr) : Json(e.disabled_reason)},
          {"allow_private", e.allow_private},
          {"previous_secret_valid_until",
           overlap ? optional_time(e.previous_secret_expires_at) : Json(nullptr)},
          {"created_at", format_time(e.created_at)},
          {"created_by", e.created_by}};
}

Json attempt_json(const DeliveryAttempt& a) {
  return {{"at", format_time(a.at)},
          {"status", a.status == 0 ? Json(nullptr) : Json(a.status)},
          {"error", a.error.empty() ? Json(nullptr) : Json(a.error)},
          {"duration_ms", a.duration_ms}};
}

Json delivery_json(const Delivery& d) {
  return {{"id", d.id},
          {"webhook_id", d.webhook_id},
          {"endpoint", d.endpoint_id},
          {"channel", d.channel},
          {"destination", d.destination},
          {"type", d.event_type},
          {"message", d.message_key},
          {"state", d.state},
          {"attempts", d.attempts},
          {"next_attempt_at", optional_time(d.next_attempt_at)},
          {"last_status", d.last_status == 0 ? Json(nullptr) : Json(d.last_status)},
          {"last_error", d.last_error.empty() ? Json(nullptr) : Json(d.last_error)},
          {"created_at", format_time(d.created_at)},
          {"delivered_at", optional_time(d.delivered_at)}};
}

Status services_ready(const RouteContext& ctx) {
  if (ctx.services.webhooks && ctx.services.deliveries) return Status();
  return Status(ErrorCode::kNotFound, "webhooks are not served by this process");
}

Result<delivery::EndpointFields> endpoint_fields(const Request& req) {
  auto body = json_body(req);
  if (!body.ok()) return body.status();
  const Json& b = *body;
  if (Status st = check_fields(b, {{"url", Kind::kString},
                                   {"description", Kind::kString},
                                   {"event_types", Kind::kStringList},
                                   {"enabled", Kind::kBool},
                                   {"allow_private", Kind::kBool}});
      !st.ok()) {
    return st;
  }
  delivery::EndpointFields f;
  if (b.contains("url")) f.url = b["url"].get<std::string>();
  if (b.contains("description")) f.description = b["description"].get<std::string>();
  if (b.contains("event_types")) f.event_types = b["event_types"].get<std::vector<std::string>>();
  if (b.contains("enabled")) f.enabled = b["enabled"].get<bool>();
  if (b.contains("allow_private")) f.allow_private = b["allow_private"].get<bool>();
  return f;
}

void get_webhooks(RouteContext& ctx, const Request&, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  auto all = ctx.services.store.list_webhook_endpoints();
  if (!all.ok()) return send_error(res, all.status());
  Json out = Json::array();
  for (const WebhookEndpoint& e : *all) out.push_back(endpoint_json(e, ctx.services.clock.now()));
  send_json(res, 200, {{"webhooks", out}});
}

void post_webhook(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  auto f = endpoint_fields(req);
  if (!f.ok()) return send_error(res, f.status());
  auto made = ctx.services.webhooks->create(*f, ctx.principal.actor());
  if (!made.ok()) return send_error(res, made.status());
  Json out = endpoint_json(*made, ctx.services.clock.now());
  out["secret"] = made->secret;
  res.set_header("Location", "/api/v1/webhooks/" + std::to_string(made->id));
  send_json(res, 201, out);
}

void get_webhook(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  auto id = path_id(req, 1, "webhook");
  if (!id.ok()) return send_error(res, id.status());
  auto e = ctx.services.store.get_webhook_endpoint(*id);
  if (!e.ok()) return send_error(res, e.status());
  send_json(res, 200, endpoint_json(*e, ctx.services.clock.now()));
}

void put_webhook(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  auto id = path_id(req, 1, "webhook");
  if (!id.ok()) return send_error(res, id.status());
  auto f = endpoint_fields(req);
  if (!f.ok()) return send_error(res, f.status());
  auto e = ctx.services.webhooks->update(*id, *f);
  if (!e.ok()) return send_error(res, e.status());
  send_json(res, 200, endpoint_json(*e, ctx.services.clock.now()));
}

void post_rotate(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  auto id = path_id(req, 1, "webhook");
  if (!id.ok()) return send_error(res, id.status());
  TimePoint overlap = kDefaultOverlap;
  if (!req.body.empty()) {
    auto body = json_body(req);
    if (!body.ok()) return send_error(res, body.status());
    if (Status st = check_fields(*body, {{"overlap_hours", Kind::kNumber}}); !st.ok())
      return send_error(res, st);
    if (body->contains("overlap_hours")) {
      const double hours = (*body)["overlap_hours"].get<double>();
      if (!(hours >= 0 && hours <= 24 * 30)) {
        return send_error(
            res, Status(ErrorCode::kInvalidValue, "overlap_hours is 0 to 720", "overlap_hours"));
      }
      overlap = static_cast<TimePoint>(hours * static_cast<double>(kMillisPerHour));
    }
  }
  auto e = ctx.services.webhooks->rotate(*id, overlap);
  if (!e.ok()) return send_error(res, e.status());
  Json out = endpoint_json(*e, ctx.services.clock.now());
  out["secret"] = e->secret;
  send_json(res, 200, out);
}

Result<std::optional<TimePoint>> time_param(const Request& req, const char* name) {
  if (!req.has_param(name)) return std::optional<TimePoint>();
  auto t = parse_time(req.get_param_value(name));
  if (!t.ok()) return t.status().with_field(name);
  return std::optional<TimePoint>(*t);
}

void get_deliveries(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  DeliveryFilter f;
  auto endpoint = int_param(req, "endpoint", 0, 1, INT64_MAX);
  if (!endpoint.ok()) return send_error(res, endpoint.status());
  auto after = int_param(req, "after", 0, 1, INT64_MAX);
  if (!after.ok()) return send_error(res, after.status());
  auto limit = int_param(req, "limit", 100, 1, 1000);
  if (!limit.ok()) return send_error(res, limit.status());
  auto from = time_param(req, "from");
  if (!from.ok()) return send_error(res, from.status());
  auto to = time_param(req, "to");
  if (!to.ok()) return send_error(res, to.status());
  f.endpoint_id = *endpoint;
  f.after_id = *after;
  f.limit = static_cast<int>(*limit);
  f.from = *from;
  f.to = *to;
  f.state = req.get_param_value("state");
  if (!f.state.empty() && f.state != "pending" && f.state != "delivered" && f.state != "dead" &&
      f.state != "cancelled") {
    return send_error(res, Status(ErrorCode::kInvalidValue,
                                  "state is pending, delivered, dead or cancelled", "state"));
  }
  f.channel = req.get_param_value("channel");
  if (!f.channel.empty() && f.channel != "webhook" && f.channel != "email") {
    return send_error(res, Status(ErrorCode::kInvalidValue, "channel is webhook or email", "channel"));
  }
  auto list = ctx.services.store.list_deliveries(f);
  if (!list.ok()) return send_error(res, list.status());
  Json out = Json::array();
  for (const Delivery& d : *list) out.push_back(delivery_json(d));
  const bool more = static_cast<int>(list->size()) == f.limit;
  send_json(res, 200,
            {{"deliveries", out}, {"next", more ? Json(list->back().id) : Json(nullptr)}});
}

void get_delivery(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  auto id = path_id(req, 1, "delivery");
  if (!id.ok()) return send_error(res, id.status());
  auto d = ctx.services.store.get_delivery(*id);
  if (!d.ok()) return send_error(res, d.status());
  auto attempts = ctx.services.store.delivery_attempts(*id);
  if (!attempts.ok()) return send_error(res, attempts.status());
  Json out = delivery_json(*d);
  out["payload"] = Json::parse(d->payload, nullptr, false);
  Json list = Json::array();
  for (const DeliveryAttempt& a : *attempts) list.push_back(attempt_json(a));
  out["attempt_log"] = list;
  send_json(res, 200, out);
}

// {ids:[...]} or {from, to, endpoint}: a new attempt cycle on the same
// records, with the same webhook-ids (receivers dedupe on them).
void post_replay(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = services_ready(ctx); !st.ok()) return send_error(res, st);
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  const Json& b = *body;
  if (Status st = check_fields(b, {{"ids", Kind::kIdList},
                                   {"from", Kind::kString},
                                   {"to", Kind::kString},
                                   {"endpoint", Kind::kNumber},
                                   {"state", Kind::kString}});
      !st.ok()) {
    return send_error(res, st);
  }
  std::vector<int64_t> ids;
  DeliveryFilter f;
  if (b.contains("ids")) {
    ids = b["ids"].get<std::vector<int64_t>>();
    if (ids.empty())
      return send_error(res, Status(ErrorCode::kMissingField, "ids is empty", "ids"));
  } else {
    if (!b.contains("from") || !b.contains("to")) {
      return send_error(res, Status(ErrorCode::kMissingField, "send ids, or from and to", "from"));
    }
    auto from = parse_time(b["from"].get<std::string>());
    if (!from.ok()) return send_error(res, from.status().with_field("from"));
    auto to = parse_time(b["to"].get<std::string>());
    if (!to.ok()) return send_error(res, to.status().with_field("to"));
    f.from = *from;
    f.to = *to;
    f.endpoint_id = b.value("endpoint", int64_t{0});
    f.state = b.value("state", "");
  }
  auto replayed = ctx.services.store.replay_deliveries(ids, f, ctx.services.clock.now());
  if (!replayed.ok()) return send_error(res, replayed.status());
  ctx.services.deliveries->wake();
  send_json(res, 200, {{"replayed", *replayed}});
}

}  // namespace

std::vector<Route> webhook_routes() {
  return {
      {{"GET", "/api/v1/webhooks", true}, get_webhooks},
      {{"POST", "/api/v1/webhooks", true}, post_webhook},
      {{"GET", "/api/v1/webhooks/{id}", true}, get_webhook},
      {{"PUT", "/api/v1/webhooks/{id}", true}, put_webhook},
      {{"POST", "/api/v1/webhooks/{id}/rotate", true}, post_rotate},
      {{"GET", "/api/v1/deliveries", true}, get_deliveries},
      {{"GET", "/api/v1/deliveries/{id}", true}, get_delivery},
      {{"POST", "/api/v1/deliveries/replay", true}, post_replay},
  };
}

}  // namespace leadloop::api
