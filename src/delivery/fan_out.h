// Fan-out: lead events and outbox messages past the delivery cursor become
// one delivery per enabled endpoint whose filter matches, inserted in the
// transaction that moves the cursor (Store::add_deliveries), so a crash at
// any point neither loses a message nor makes a second record.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/lead.h"
#include "store/store.h"

namespace leadloop::delivery {

// The webhook event types, in the order documented (docs/webhooks.md).
inline constexpr std::string_view kEventTypes[] = {
    "lead.captured",     "lead.graded", "lead.assigned",       "lead.stage_changed",
    "lead.sla_breached", "goal.behind", "definition.activated"};
bool known_event_type(std::string_view type);

// The webhook event type of a lead event or outbox message; "" when it is
// not one that webhooks carry.
std::string_view webhook_event_type(const DeliverySource& s);

// The body (Standard Webhooks): {"type","timestamp","data":{...}}; data
// holds the lead id, the event's payload and, when there is one, the
// lead's fields as they are at fan-out.
std::string webhook_body(const DeliverySource& s, std::string_view type,
                         const std::optional<Lead>& lead);

// Whether the endpoint takes this type (an empty filter takes all).
bool endpoint_wants(const WebhookEndpoint& e, std::string_view type);

// Fans out everything past the cursor, `batch` sources a transaction, the
// first attempt due at `now`. Returns the deliveries made.
Result<int64_t> fan_out(Store& store, TimePoint now, int batch = 1000);

}  // namespace leadloop::delivery
