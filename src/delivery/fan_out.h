// Fan-out: lead events and outbox messages past the delivery cursor become
// one delivery per enabled endpoint whose filter matches, inserted in the
// transaction that moves the cursor (Store::add_deliveries), so a crash at
// any point neither loses a message nor makes a second record.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Another channel's deliveries (e-mail: mail/mail_channel.h), made by the
// engine's run (one at a time).
class FanOutSource {
 public:
  virtual ~FanOutSource() = default;
  // The deliveries a lead event or outbox message becomes, inserted in the
  // transaction that moves the cursor past it; none when not its kind.
  virtual Result<std::vector<Delivery>> deliveries_for(const DeliverySource& s, TimePoint now) = 0;
  // Deliveries due on the clock rather than made from a source (the daily
  // digest), keyed so that a second call makes no second record.
  virtual Result<std::vector<Delivery>> scheduled(TimePoint now) = 0;
  // What scheduled(now) returned (maybe nothing) is stored.
  virtual void scheduled_done(TimePoint now) = 0;
};

// Fans out everything past the cursor, `batch` sources a transaction, the
// first attempt due at `now`; `extra` adds other channels' deliveries in
// the same transactions. Returns the deliveries made.
Result<int64_t> fan_out(Store& store, TimePoint now, int batch = 1000,
                        const std::vector<FanOutSource*>& extra = {});

}  // namespace leadloop::delivery
