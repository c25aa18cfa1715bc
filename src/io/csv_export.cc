#include "io/csv_export.h"

#include <nlohmann/json.hpp>

#include "io/csv_reader.h"

namespace leadloop {

namespace {
constexpr size_t kChunkBytes = 256 * 1024;
constexpr const char* kHeader =
    "id,email,phone,first_name,last_name,company,title,industry,employees,country,region,"
    "source_campaign,stage,grade,owner,consent_email,consent_phone,consent_mail,created_at,"
    "updated_at,last_touch_at,attributes\r\n";
}  // namespace

Status export_leads_csv(Store& store, const LeadFilter& filter,
                        const std::function<bool(std::string_view)>& sink) {
  std::string buf = kHeader;
  bool open = true;
  Status st = store.scan_leads(filter, [&](const Lead& l) {
    buf += std::to_string(l.id);
    for (const auto& f : lead_text_fields()) {
      buf += ',';
      append_csv_field(buf, l.*(f.member));
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
    append_csv_field(buf, l.owner);
    for (Consent c : {l.consent.email, l.consent.phone, l.consent.mail}) {
      buf += ',';
      buf += consent_name(c);
    }
    buf += ',' + format_time(l.created_at) + ',' + format_time(l.updated_at) + ',';
    if (l.last_touch_at) buf += format_time(*l.last_touch_at);
    buf += ',';
    if (!l.attributes.empty()) {
      nlohmann::json a(l.attributes);
      append_csv_field(buf, a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    buf += "\r\n";
    if (buf.size() >= kChunkBytes) {
      open = sink(buf);
      buf.clear();
    }
    return open;
  });
  if (!st.ok()) return st;
  if (open && !buf.empty()) sink(buf);
  return Status();
}

}  // namespace leadloop
