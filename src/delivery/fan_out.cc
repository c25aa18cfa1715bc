#include "delivery/fan_out.h"

#include <algorithm>

#include "delivery/signature.h"
#include "domain/codec.h"
#include "domain/event.h"

namespace leadloop::delivery {

bool known_event_type(std::string_view type) {
  return std::find(std::begin(kEventTypes), std::end(kEventTypes), type) != std::end(kEventTypes);
}

std::string_view webhook_event_type(const DeliverySource& s) {
  if (s.outbox) {
    if (s.type == "goal_behind") return "goal.behind";
    if (s.type == "definition_activated") return "definition.activated";
    return "";
  }
  if (s.type == event_type::kCaptured) return "lead.captured";
  if (s.type == event_type::kGradeChanged) return "lead.graded";
  if (s.type == event_type::kAssigned) return "lead.assigned";
  if (s.type == event_type::kStageChanged) return "lead.stage_changed";
  if (s.type == event_type::kSlaBreached) return "lead.sla_breached";
  return "";
}

std::string webhook_body(const DeliverySource& s, std::string_view type,
                         const std::optional<Lead>& lead) {
  Json payload = Json::object();
  if (auto parsed = parse_json_object(s.payload, "not an object"); parsed.ok())
    payload = *std::move(parsed);
  Json data = Json::object();
  if (s.lead_id != 0) data["lead_id"] = s.lead_id;
  data[s.outbox ? "message_id" : "event_id"] = s.id;
  data[s.outbox ? "message" : "event"] = std::move(payload);
  if (lead) data["lead"] = to_json(*lead);
  return dump_json({{"type", type}, {"timestamp", format_time(s.at)}, {"data", std::move(data)}});
}

bool endpoint_wants(const WebhookEndpoint& e, std::string_view type) {
  if (!e.enabled) return false;
  if (e.event_types.empty()) return true;
  return std::find(e.event_types.begin(), e.event_types.end(), type) != e.event_types.end();
}

Result<int64_t> fan_out(Store& store, TimePoint now, int batch,
                        const std::vector<FanOutSource*>& extra) {
  int64_t made = 0;
  for (;;) {
    auto cursor = store.delivery_cursor();
    if (!cursor.ok()) return cursor.status();
    auto sources = store.delivery_sources(*cursor, batch);
    if (!sources.ok()) return sources.status();
    if (sources->empty()) return made;
    auto endpoints = store.list_webhook_endpoints();
    if (!endpoints.ok()) return endpoints.status();
    DeliveryCursor to = *cursor;
    std::vector<Delivery> deliveries;
    for (const DeliverySource& s : *sources) {
      (s.outbox ? to.outbox_id : to.event_id) =
          std::max(s.outbox ? to.outbox_id : to.event_id, s.id);
      for (FanOutSource* e : extra) {
        auto more = e->deliveries_for(s, now);
        if (!more.ok()) return more.status();
        for (Delivery& d : *more) deliveries.push_back(std::move(d));
      }
      const std::string_view type = webhook_event_type(s);
      if (type.empty()) continue;
      std::optional<Lead> lead;
      std::string body;
      for (const WebhookEndpoint& e : *endpoints) {
        if (!endpoint_wants(e, type)) continue;
        if (body.empty()) {
          if (s.lead_id != 0) {
            if (auto l = store.get_lead(s.lead_id); l.ok()) lead = *std::move(l);
          }
          body = webhook_body(s, type, lead);
        }
        Delivery d;
        d.webhook_id = new_webhook_id();
        d.message_key = s.key;
        d.destination = "webhook:" + std::to_string(e.id);
        d.channel = "webhook";
        d.endpoint_id = e.id;
        d.event_type = std::string(type);
        d.payload = body;
        d.state = "pending";
        d.next_attempt_at = now;
        d.created_at = now;
        deliveries.push_back(std::move(d));
      }
    }
    Status st = store.add_deliveries(*cursor, to, deliveries);
    if (!st.ok()) return st;
    for (const Delivery& d : deliveries) made += d.id != 0 ? 1 : 0;
  }
}

}  // namespace leadloop::delivery
