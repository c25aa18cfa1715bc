// Webhook endpoints as the API manages them: created with a fresh secret,
// edited (URL, filter, enabled), and rotated (a new secret; the previous
// one stays valid for an overlap). The secret leaves the server only in
// the answers to create and rotate.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "store/store.h"

namespace leadloop::delivery {

// What a create or an edit sets; unset fields stay as they are (on create:
// their defaults).
struct EndpointFields {
  std::optional<std::string> url;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> event_types;
  std::optional<bool> enabled;
  std::optional<bool> allow_private;
};

class WebhookEndpoints {
 public:
  WebhookEndpoints(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<WebhookEndpoint> create(const EndpointFields& f, const std::string& actor);
  // Re-enabling clears the disabled reason; disabling cancels pending deliveries.
  Result<WebhookEndpoint> update(int64_t id, const EndpointFields& f);
  // A new secret; the current one stays valid for `overlap` ms.
  Result<WebhookEndpoint> rotate(int64_t id, TimePoint overlap);

 private:
  Status apply(WebhookEndpoint& e, const EndpointFields& f);

  Store& store_;
  const Clock& clock_;
};

}  // namespace leadloop::delivery
