// Row mapping shared by every SQL backend: the column lists, and a
// statement's row to Lead, LeadEvent, Touch, Campaign, ApiToken,
// DefinitionRecord (and back, for leads).
#include "store/sql/rows.h"

#include <nlohmann/json.hpp>

#include "domain/codec.h"

namespace leadloop::sql {

std::string encode_map(const Attributes& a) { return json_object(a); }

Attributes decode_map(std::string_view text) {
  Attributes a;
  if (text.size() <= 2) return a;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return a;
  for (auto& [k, v] : j.items()) a[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return a;
}

void bind_lead(Binder& s, const Lead& l, const std::string& attributes, const std::string& data_points,
               int first) {
  int i = first;
  for (const auto& f : lead_text_fields()) {
    // Columns added by a later migration come last (below).
    if (f.name == "external_id" || f.name == "caller") continue;
    s.bind_static(i++, l.*(f.member));
    if (f.name == "industry") s.bind(i++, l.employees);
  }
  s.bind_static(i++, attributes);
  s.bind(i++, static_cast<int64_t>(l.consent.email));
  s.bind(i++, static_cast<int64_t>(l.consent.phone));
  s.bind(i++, static_cast<int64_t>(l.consent.mail));
  s.bind_static(i++, stage_name(l.stage));
  s.bind_static(i++, grade_name(l.grade));
  s.bind_static(i++, l.owner);
  s.bind(i++, l.created_at);
  s.bind(i++, l.updated_at);
  s.bind(i++, l.last_touch_at);
  s.bind_static(i++, l.email_key);
  s.bind_static(i++, l.phone_key);
  s.bind_static(i++, l.name_key);
  s.bind(i++, l.touch_count);
  s.bind_static(i++, data_points);
  s.bind(i++, l.definition_version);
  s.bind(i++, static_cast<int64_t>(l.score));
  s.bind_static(i++, l.grading);
  s.bind(i++, l.assigned_at);
  s.bind(i++, l.first_response_at);
  s.bind(i++, l.sla_due_at);
  s.bind(i++, static_cast<int64_t>(l.sla_level));
  s.bind(i++, l.decay_at);
  s.bind_static(i++, l.external_id);
  s.bind_static(i++, l.caller);
}


void bind_event(Binder& s, const LeadEvent& e, int first) {
  s.bind(first, e.lead_id);
  s.bind_static(first + 1, e.type);
  s.bind(first + 2, e.at);
  s.bind_static(first + 3, e.actor);
  s.bind_static(first + 4, e.payload);
}

void bind_touch(Binder& s, const Touch& t, int first) {
  if (t.lead_id) {
    s.bind(first, t.lead_id);
  } else {
    s.bind_null(first);
  }
  s.bind(first + 1, t.campaign);
  s.bind(first + 2, medium_name(t.channel));
  s.bind(first + 3, direction_name(t.direction));
  s.bind(first + 4, t.outcome);
  s.bind(first + 5, t.actor);
  s.bind(first + 6, t.at);
  s.bind(first + 7, t.notes);
  s.bind(first + 8, encode_map(t.data_points));
  s.bind(first + 9, t.caller);
}

Lead read_lead(const Stmt& s) {
  Lead l;
  l.id = s.int64(0);
  l.email = s.text(1);
  l.phone = s.text(2);
  l.first_name = s.text(3);
  l.last_name = s.text(4);
  l.company = s.text(5);
  l.title = s.text(6);
  l.industry = s.text(7);
  if (!s.is_null(8)) l.employees = s.int64(8);
  l.country = s.text(9);
  l.region = s.text(10);
  l.source_campaign = s.text(11);
  l.attributes = decode_map(s.text_view(12));
  l.consent.email = static_cast<Consent>(s.int64(13));
  l.consent.phone = static_cast<Consent>(s.int64(14));
  l.consent.mail = static_cast<Consent>(s.int64(15));
  l.stage = parse_stage(s.text_view(16)).value_or(Stage::kCaptured);
  l.grade = parse_grade(s.text_view(17)).value_or(Grade::kNone);
  l.owner = s.text(18);
  l.created_at = s.int64(19);
  l.updated_at = s.int64(20);
  if (!s.is_null(21)) l.last_touch_at = s.int64(21);
  l.email_key = s.text(22);
  l.phone_key = s.text(23);
  l.name_key = s.text(24);
  l.touch_count = s.int64(25);
  l.data_points = decode_map(s.text_view(26));
  l.definition_version = s.int64(27);
  l.score = static_cast<int>(s.int64(28));
  l.grading = s.text(29);
  l.assigned_at = s.optional_int64(30);
  l.first_response_at = s.optional_int64(31);
  l.sla_due_at = s.optional_int64(32);
  l.sla_level = static_cast<int>(s.int64(33));
  l.decay_at = s.optional_int64(34);
  l.external_id = s.text(35);
  l.caller = s.text(36);
  return l;
}

LeadEvent read_event(const Stmt& s) {
  return {s.int64(0), s.int64(1), s.text(2), s.int64(3), s.text(4), s.text(5)};
}

Touch read_touch(const Stmt& s) {
  Touch t;
  t.id = s.int64(0);
  t.lead_id = s.is_null(1) ? 0 : s.int64(1);
  t.campaign = s.text(2);
  t.channel = parse_medium(s.text_view(3)).value_or(Medium::kOther);
  t.direction = parse_direction(s.text_view(4)).value_or(Direction::kOutbound);
  t.outcome = s.text(5);
  t.actor = s.text(6);
  t.at = s.int64(7);
  t.notes = s.text(8);
  t.data_points = decode_map(s.text_view(9));
  t.caller = s.text(10);
  return t;
}

Campaign read_campaign(const Stmt& s) {
  Campaign c;
  c.id = s.int64(0);
  c.key = s.text(1);
  c.name = s.text(2);
  c.channel = parse_channel(s.text_view(3)).value_or(Channel::kWeb);
  c.owner = s.text(4);
  c.vendor = s.text(5);
  c.cost_cents = s.int64(6);
  c.currency = s.text(7);
  if (!s.is_null(8)) c.starts_on = static_cast<Days>(s.int64(8));
  if (!s.is_null(9)) c.ends_on = static_cast<Days>(s.int64(9));
  c.created_at = s.int64(10);
  return c;
}

ApiToken read_token(const Stmt& s) {
  ApiToken t;
  t.id = s.int64(0);
  t.hash = s.text(1);
  t.role = s.text(2);
  t.label = s.text(3);
  t.created_at = s.int64(4);
  if (!s.is_null(5)) t.expires_at = s.int64(5);
  if (!s.is_null(6)) t.revoked_at = s.int64(6);
  t.binding = {s.text(7), s.text(8), s.text(9)};
  return t;
}

DefinitionRecord read_definition(const Stmt& s) {
  DefinitionRecord d;
  d.version = s.int64(0);
  d.state = s.text(1);
  d.name = s.text(2);
  d.source = s.text(3);
  d.content = s.text(4);
  d.hash = s.text(5);
  d.created_at = s.int64(6);
  d.created_by = s.text(7);
  d.updated_at = s.int64(8);
  d.updated_by = s.text(9);
  if (!s.is_null(10)) d.activated_at = s.int64(10);
  d.activated_by = s.text(11);
  d.leads_regraded = s.int64(12);
  d.grades_changed = s.int64(13);
  return d;
}


Result<std::optional<int64_t>> read_setting_int(Db& db, const char* key) {
  auto st = db.cached("SELECT value FROM settings WHERE key = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, std::string_view(key));
  std::optional<int64_t> value;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { value = std::stoll(s.text(0)); }));
  return value;
}

Status write_setting_int(Db& db, const char* key, int64_t value) {
  auto st = db.cached(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st.ok()) return st.status();
  (*st)->bind(1, std::string_view(key));
  (*st)->bind(2, std::to_string(value));
  return (*st)->run();
}

}  // namespace leadloop::sql
