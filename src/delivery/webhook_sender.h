// The webhook channel: POSTs a delivery's body to its endpoint with libcurl,
// signed per Standard Webhooks (signature.h), through the SSRF guard
// (ssrf.h) with the checked address pinned. 15 s timeout; redirects are not
// followed (a 3xx is a failure); 2xx delivered, 410 gone, 429/502/504
// throttle (Retry-After honoured), anything else a retry.
#pragma once

#include "delivery/channel.h"
#include "domain/clock.h"

namespace leadloop::delivery {

struct WebhookConfig {
  // Every endpoint may reach private targets (`serve --allow-private-webhooks`,
  // for tests); otherwise only those an admin allowed one by one.
  bool allow_private = false;
  long timeout_ms = 15000;
};

class WebhookSender final : public Channel {
 public:
  WebhookSender(Store& store, const Clock& clock, WebhookConfig config);
  std::string_view name() const override { return "webhook"; }
  SendOutcome send(const Delivery& d) override;

 private:
  Store& store_;
  const Clock& clock_;
  WebhookConfig config_;
};

}  // namespace leadloop::delivery
