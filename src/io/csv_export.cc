#include "io/csv_export.h"

#include <nlohmann/json.hpp>

#include "domain/budget.h"
#include "domain/event.h"
#include "io/csv_reader.h"

namespace leadloop {

namespace {
constexpr size_t kChunkBytes = 256 * 1024;
constexpr const char* kHeader =
    "id,email,phone,first_name,last_name,company,title,industry,employees,country,region,"
    "source_campaign,external_id,caller,stage,grade,owner,consent_email,consent_phone,consent_mail,created_at,"
    "updated_at,last_touch_at,attributes\r\n";
// Ends a row and hands the text to the sink once a chunk is full; false
// when the sink wants no more.
bool end_row(std::string& buf, const std::function<bool(std::string_view)>& sink) {
  buf += "\r\n";
  if (buf.size() < kChunkBytes) return true;
  const bool open = sink(buf);
  buf.clear();
  return open;
}

}  // namespace

void append_csv_cell(std::string& out, std::string_view value, char delimiter) {
  if (!formula_like(value)) return append_csv_field(out, value, delimiter);
  std::string quoted;
  quoted.reserve(value.size() + 1);
  quoted += '\'';
  quoted += value;
  append_csv_field(out, quoted, delimiter);
}

Status export_leads_csv(Store& store, const LeadFilter& filter,
                        const std::function<bool(std::string_view)>& sink) {
  std::string buf = kHeader;
  bool open = true;
  Status budget;
  Status st = store.scan_leads(filter, [&](const Lead& l) {
    if (budget = check_budget(); !budget.ok()) return false;
    buf += std::to_string(l.id);
    for (const auto& f : lead_text_fields()) {
      buf += ',';
      append_csv_cell(buf, l.*(f.member));
      if (f.name == "industry") {
        buf += ',';
        if (l.employees) buf += std::to_string(*l.employees);
      }
    }
    buf += ',';
    buf += stage_name(l.stage);
    buf += ',';
    buf += grade_name(l.grade);
    buf += ',';
    append_csv_cell(buf, l.owner);
    for (Consent c : {l.consent.email, l.consent.phone, l.consent.mail}) {
      buf += ',';
      buf += consent_name(c);
    }
    buf += ',' + format_time(l.created_at) + ',' + format_time(l.updated_at) + ',';
    if (l.last_touch_at) buf += format_time(*l.last_touch_at);
    buf += ',';
    if (!l.attributes.empty()) {
      nlohmann::json a(l.attributes);
      append_csv_cell(buf, a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    open = end_row(buf, sink);
    return open;
  });
  if (!st.ok()) return st;
  LEADLOOP_RETURN_IF_ERROR(budget);
  if (open && !buf.empty()) sink(buf);
  return Status();
}

Status export_events_csv(Store& store, const EventFilter& filter, const std::function<bool(std::string_view)>& sink,
                         int64_t* written, bool with_money) {
  std::string buf = "event_id,lead_id,campaign,type,at,actor,from,to,exit,reason,payload\r\n";
  bool open = true;
  int64_t n = 0;
  Status budget;
  Status st = store.scan_lead_events(filter, [&](const LeadEvent& e, std::string_view campaign) {
    if (budget = check_budget(); !budget.ok()) return false;
    buf += std::to_string(e.id);
    buf += ',';
    buf += std::to_string(e.lead_id);
    buf += ',';
    append_csv_cell(buf, campaign);
    buf += ',';
    append_csv_cell(buf, e.type);
    buf += ',';
    buf += format_time(e.at);
    buf += ',';
    append_csv_cell(buf, e.actor);
    // Top-level string fields only: a consent change's nested from/to
    // are not stages.
    auto payload = nlohmann::json::parse(e.payload, nullptr, false);
    for (const char* key : {"from", "to", "exit", "reason"}) {
      buf += ',';
      if (payload.is_object()) {
        auto it = payload.find(key);
        if (it != payload.end() && it->is_string()) append_csv_cell(buf, it->get_ref<const std::string&>());
      }
    }
    buf += ',';
    if (with_money || !payload.is_object()) {
      append_csv_cell(buf, e.payload);
    } else {
      for (std::string_view key : kMoneyPayloadKeys) payload.erase(std::string(key));
      append_csv_cell(buf, payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    ++n;
    open = end_row(buf, sink);
    return open;
  });
  if (!st.ok()) return st;
  LEADLOOP_RETURN_IF_ERROR(budget);
  if (open && !buf.empty()) sink(buf);
  if (written) *written = n;
  return Status();
}

}  // namespace leadloop
