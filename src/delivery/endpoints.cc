#include "delivery/endpoints.h"

#include "delivery/fan_out.h"
#include "delivery/signature.h"
#include "delivery/ssrf.h"

namespace leadloop::delivery {

Status WebhookEndpoints::apply(WebhookEndpoint& e, const EndpointFields& f) {
  if (f.url) {
    LEADLOOP_RETURN_IF_ERROR(check_webhook_url(*f.url));
    e.url = *f.url;
  }
  if (f.description) e.description = *f.description;
  if (f.event_types) {
    for (const std::string& t : *f.event_types) {
      if (!known_event_type(t)) {
        return Status(ErrorCode::kInvalidValue,
                      "unknown event type '" + t + "' (docs/webhooks.md lists them)",
                      "event_types");
      }
    }
    e.event_types = *f.event_types;
  }
  if (f.enabled) {
    if (*f.enabled && !e.enabled) e.disabled_reason.clear();
    if (!*f.enabled && e.enabled) e.disabled_reason = "disabled by an admin";
    e.enabled = *f.enabled;
  }
  if (f.allow_private) e.allow_private = *f.allow_private;
  return Status();
}

Result<WebhookEndpoint> WebhookEndpoints::create(const EndpointFields& f,
                                                 const std::string& actor) {
  if (!f.url) return Status(ErrorCode::kMissingField, "url is required", "url");
  WebhookEndpoint e;
  LEADLOOP_RETURN_IF_ERROR(apply(e, f));
  e.secret = new_webhook_secret();
  e.created_at = clock_.now();
  e.created_by = actor;
  LEADLOOP_RETURN_IF_ERROR(store_.put_webhook_endpoint(e));
  return e;
}

Result<WebhookEndpoint> WebhookEndpoints::update(int64_t id, const EndpointFields& f) {
  auto e = store_.get_webhook_endpoint(id);
  if (!e.ok()) return e.status();
  LEADLOOP_RETURN_IF_ERROR(apply(*e, f));
  LEADLOOP_RETURN_IF_ERROR(store_.put_webhook_endpoint(*e));
  return e;
}

Result<WebhookEndpoint> WebhookEndpoints::rotate(int64_t id, TimePoint overlap) {
  auto e = store_.get_webhook_endpoint(id);
  if (!e.ok()) return e.status();
  e->previous_secret = e->secret;
  e->previous_secret_expires_at = clock_.now() + overlap;
  e->secret = new_webhook_secret();
  LEADLOOP_RETURN_IF_ERROR(store_.put_webhook_endpoint(*e));
  return e;
}

}  // namespace leadloop::delivery
