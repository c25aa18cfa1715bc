#include "domain/codec.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "domain/limits.h"
#include "domain/normalize.h"

namespace leadloop {

namespace dom = simdjson::dom;

std::string dump_json(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string json_object(const Attributes& map) {
  std::string out = "{";
  for (const auto& [k, v] : map) {
    if (out.size() > 1) out += ',';
    append_json_string(out, k);
    out += ':';
    append_json_string(out, v);
  }
  out += '}';
  return out;
}

namespace {

Json text_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json attributes_json(const Attributes& a) {
  Json o = Json::object();
  for (const auto& [k, v] : a) o[k] = v;
  return o;
}

Status parse_error(simdjson::error_code err) {
  if (err == simdjson::UTF8_ERROR) {
    return Status(ErrorCode::kInvalidUtf8, "the body is not valid UTF-8");
  }
  if (err == simdjson::EMPTY) return Status(ErrorCode::kInvalidJson, "the body is empty");
  return Status(ErrorCode::kInvalidJson,
                std::string("the body is not valid JSON: ") + simdjson::error_message(err));
}

// simdjson wants padding after the buffer; parse() copies when it must.
// Callers check the limits first (check_json_limits).
simdjson::simdjson_result<dom::element> parse_doc(std::string_view json) {
  thread_local dom::parser parser;
  return parser.parse(json.data(), json.size(), true);
}

// The deepest nesting of [ and { outside strings, stopping early past `stop`.
int json_depth(std::string_view json, int stop) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > stop) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

const char* type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "true/false";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

Status wrong_type(std::string_view field, const char* expected, dom::element e) {
  return Status(ErrorCode::kWrongType,
                std::string("expected ") + expected + ", got " + type_name(e.type()),
                std::string(field));
}

// Strings, numbers and booleans become text; null is "absent".
Status scalar_text(std::string_view field, dom::element e, std::string* out) {
  switch (e.type()) {
    case dom::element_type::STRING: *out = std::string(std::string_view(e.get_string().value())); return Status();
    case dom::element_type::INT64: *out = std::to_string(int64_t(e.get_int64().value())); return Status();
    case dom::element_type::UINT64: *out = std::to_string(uint64_t(e.get_uint64().value())); return Status();
    case dom::element_type::DOUBLE: {
      Json j = double(e.get_double().value());
      *out = j.dump();
      return Status();
    }
    case dom::element_type::BOOL: *out = e.get_bool().value() ? "true" : "false"; return Status();
    case dom::element_type::NULL_VALUE: out->clear(); return Status();
    default: return wrong_type(field, "a string, number or boolean", e);
  }
}

Status string_field(std::string_view field, dom::element e, std::string* out) {
  if (e.is_null()) {
    out->clear();
    return Status();
  }
  if (!e.is_string()) return wrong_type(field, "a string", e);
  *out = std::string(std::string_view(e.get_string().value()));
  return Status();
}

// A time as text (YYYY-MM-DD or ISO 8601); null or "" is absent.
Status time_field(std::string_view field, dom::element e, std::optional<TimePoint>* out) {
  std::string text;
  LEADLOOP_RETURN_IF_ERROR(string_field(field, e, &text));
  if (text.empty()) return Status();
  auto at = parse_time(text);
  if (!at.ok()) return at.status().with_field(std::string(field));
  *out = *at;
  return Status();
}

Status key_values(std::string_view field, dom::element e, Attributes* out) {
  if (e.is_null()) return Status();
  if (!e.is_object()) return wrong_type(field, "an object of names to values", e);
  dom::object fields_of_e = e.get_object().value();
  for (auto [k, v] : fields_of_e) {
    std::string value;
    std::string name = std::string(field) + "." + std::string(k);
    LEADLOOP_RETURN_IF_ERROR(scalar_text(name, v, &value));
    if (!v.is_null()) (*out)[std::string(k)] = std::move(value);
  }
  return Status();
}

Status consent_value(std::string_view field, dom::element e, Consent* out) {
  if (e.is_null()) return Status();
  if (e.is_bool()) {
    *out = e.get_bool().value() ? Consent::kGranted : Consent::kDenied;
    return Status();
  }
  if (e.is_string()) {
    auto c = parse_consent(std::string_view(e.get_string().value()));
    if (!c) {
      return Status(ErrorCode::kInvalidValue, "use granted, denied or unknown (or true/false)",
                    std::string(field));
    }
    *out = *c;
    return Status();
  }
  return wrong_type(field, "true/false or \"granted\"/\"denied\"", e);
}

Status integer_field(std::string_view field, dom::element e, std::optional<int64_t>* out) {
  if (e.is_null()) return Status();
  if (e.is_int64()) {
    *out = e.get_int64().value();
    return Status();
  }
  if (e.is_double()) {
    double d = e.get_double().value();
    if (std::floor(d) == d && std::fabs(d) < 9e15) {
      *out = static_cast<int64_t>(d);
      return Status();
    }
  }
  if (e.is_string()) {
    std::string_view s = trim(std::string_view(e.get_string().value()));
    if (s.empty()) return Status();
    int64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) {
      *out = v;
      return Status();
    }
  }
  return wrong_type(field, "an integer", e);
}

const std::string_view kReadOnlyLeadFields[] = {
    "id",         "stage",         "grade",       "owner",        "created_at",
    "updated_at", "last_touch_at", "touch_count", "data_points",  "score",
    "grading",    "definition_version", "assigned_at", "first_response_at", "follow_up"};

Status lead_from_element(dom::element e, Lead* lead) {
  if (!e.is_object()) return wrong_type("", "a lead object", e);
  dom::object fields_of_e = e.get_object().value();
  for (auto [key, value] : fields_of_e) {
    bool known = false;
    for (const auto& f : lead_text_fields()) {
      if (f.name != key) continue;
      known = true;
      if (key == "phone" && (value.is_int64() || value.is_uint64())) {
        LEADLOOP_RETURN_IF_ERROR(scalar_text(key, value, &(lead->*(f.member))));
      } else {
        LEADLOOP_RETURN_IF_ERROR(string_field(key, value, &(lead->*(f.member))));
      }
      break;
    }
    if (known) continue;
    if (key == "employees") {
      LEADLOOP_RETURN_IF_ERROR(integer_field(key, value, &lead->employees));
    } else if (key == "captured_at") {
      LEADLOOP_RETURN_IF_ERROR(time_field(key, value, &lead->captured_at));
    } else if (key == "attributes") {
      LEADLOOP_RETURN_IF_ERROR(key_values(key, value, &lead->attributes));
    } else if (key == "consent") {
      if (value.is_null()) continue;
      if (!value.is_object()) return wrong_type(key, "an object {email, phone, mail}", value);
      dom::object fields_of_value = value.get_object().value();
      for (auto [ck, cv] : fields_of_value) {
        std::string name = "consent." + std::string(ck);
        if (ck == "email") {
          LEADLOOP_RETURN_IF_ERROR(consent_value(name, cv, &lead->consent.email));
        } else if (ck == "phone") {
          LEADLOOP_RETURN_IF_ERROR(consent_value(name, cv, &lead->consent.phone));
        } else if (ck == "mail") {
          LEADLOOP_RETURN_IF_ERROR(consent_value(name, cv, &lead->consent.mail));
        } else {
          return Status(ErrorCode::kUnknownField, "consent has the channels email, phone and mail",
                        name);
        }
      }
    } else {
      for (std::string_view ro : kReadOnlyLeadFields) {
        if (ro == key) {
          return Status(ErrorCode::kUnknownField,
                        "'" + std::string(key) + "' is set by Leadloop and cannot be captured",
                        std::string(key));
        }
      }
      return Status(ErrorCode::kUnknownField,
                    "unknown field '" + std::string(key) +
                        "'; custom data goes in \"attributes\"",
                    std::string(key));
    }
  }
  return Status();
}

}  // namespace

Json to_json(const Lead& l) {
  Json j;
  j["id"] = l.id;
  for (const auto& f : lead_text_fields()) j[std::string(f.name)] = text_or_null(l.*(f.member));
  j["employees"] = l.employees ? Json(*l.employees) : Json(nullptr);
  j["attributes"] = attributes_json(l.attributes);
  j["consent"] = {{"email", consent_name(l.consent.email)},
                  {"phone", consent_name(l.consent.phone)},
                  {"mail", consent_name(l.consent.mail)}};
  j["stage"] = stage_name(l.stage);
  j["grade"] = l.grade == Grade::kNone ? Json(nullptr) : Json(grade_name(l.grade));
  j["owner"] = text_or_null(l.owner);
  j["created_at"] = format_time(l.created_at);
  j["updated_at"] = format_time(l.updated_at);
  j["last_touch_at"] = l.last_touch_at ? Json(format_time(*l.last_touch_at)) : Json(nullptr);
  j["touch_count"] = l.touch_count;
  j["data_points"] = attributes_json(l.data_points);
  j["score"] = l.score;
  j["definition_version"] = l.definition_version ? Json(l.definition_version) : Json(nullptr);
  Json grading = l.grading.empty() ? Json(nullptr) : Json::parse(l.grading, nullptr, false);
  j["grading"] = grading.is_discarded() ? Json(nullptr) : grading;
  auto time_or_null = [](const std::optional<TimePoint>& t) { return t ? Json(format_time(*t)) : Json(nullptr); };
  j["assigned_at"] = time_or_null(l.assigned_at);
  j["first_response_at"] = time_or_null(l.first_response_at);
  // The lead's timers: the next follow-up deadline (the SLA, or after a
  // breach the reassignment) and when a warm lead turns cold.
  j["follow_up"] = {{"due_at", time_or_null(l.sla_due_at)},
                    {"breached", l.sla_level > 0},
                    {"decays_at", time_or_null(l.decay_at)}};
  return j;
}

Json to_json(const Campaign& c) {
  return {{"key", c.key},
          {"name", c.name},
          {"channel", channel_name(c.channel)},
          {"owner", text_or_null(c.owner)},
          {"vendor", text_or_null(c.vendor)},
          {"cost", std::stod(format_money(c.cost_cents))},
          {"currency", c.currency},
          {"starts_on", c.starts_on ? Json(format_date(*c.starts_on)) : Json(nullptr)},
          {"ends_on", c.ends_on ? Json(format_date(*c.ends_on)) : Json(nullptr)},
          {"created_at", format_time(c.created_at)}};
}

Json to_json(const Touch& t) {
  return {{"id", t.id},
          {"lead", t.lead_id ? Json(t.lead_id) : Json(nullptr)},
          {"campaign", t.campaign},
          {"channel", medium_name(t.channel)},
          {"direction", direction_name(t.direction)},
          {"outcome", text_or_null(t.outcome)},
          {"actor", text_or_null(t.actor)},
          {"caller", text_or_null(t.caller)},
          {"at", format_time(t.at)},
          {"notes", text_or_null(t.notes)},
          {"data_points", attributes_json(t.data_points)}};
}

Json to_json(const LeadEvent& e) {
  Json payload = Json::parse(e.payload, nullptr, false);
  if (payload.is_discarded()) payload = Json::object();
  return {{"id", e.id},
          {"lead", e.lead_id},
          {"type", e.type},
          {"at", format_time(e.at)},
          {"actor", e.actor},
          {"payload", payload}};
}

Json to_json(const Rep& r) {
  return {{"key", r.key},   {"name", r.name},         {"email", text_or_null(r.email)},
          {"team", r.team}, {"region", r.region},     {"capacity", r.capacity},
          {"away", r.away}, {"active", r.active}};
}

Json to_json(const Team& t) {
  return {{"key", t.key}, {"name", t.name}, {"region", t.region}, {"manager", text_or_null(t.manager)}};
}

Json to_json(const Status& s) {
  return {{"code", error_code_name(s.code())},
          {"message", s.message()},
          {"field", s.field().empty() ? Json(nullptr) : Json(s.field())}};
}

Status check_json_limits(std::string_view json) {
  if (json.size() > limits::kMaxJsonBytes) {
    return Status(ErrorCode::kPayloadTooLarge,
                  "the JSON is " + std::to_string(json.size()) + " bytes, more than " +
                      std::to_string(limits::kMaxJsonBytes) + limits::limit_note("max_json_bytes"));
  }
  if (json_depth(json, limits::kMaxJsonDepth) > limits::kMaxJsonDepth) {
    return Status(ErrorCode::kInvalidJson, "the JSON nests arrays and objects deeper than " +
                                               std::to_string(limits::kMaxJsonDepth) + " levels" +
                                               limits::limit_note("max_json_depth"));
  }
  return Status();
}

Result<Json> parse_json_object(std::string_view json, std::string_view not_object) {
  LEADLOOP_RETURN_IF_ERROR(check_json_limits(json));
  Json value = Json::parse(json, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return Status(ErrorCode::kInvalidJson, std::string(not_object));
  return value;
}

Result<Lead> parse_lead(std::string_view json) {
  LEADLOOP_RETURN_IF_ERROR(check_json_limits(json));
  auto doc = parse_doc(json);
  if (doc.error()) return parse_error(doc.error());
  Lead lead;
  LEADLOOP_RETURN_IF_ERROR(lead_from_element(doc.value(), &lead));
  return lead;
}

Result<std::vector<Result<Lead>>> parse_lead_batch(std::string_view json, size_t max_records) {
  LEADLOOP_RETURN_IF_ERROR(check_json_limits(json));
  auto doc = parse_doc(json);
  if (doc.error()) return parse_error(doc.error());
  dom::element root = doc.value();
  dom::element list = root;
  if (root.is_object()) {
    auto leads = root["leads"];
    if (leads.error()) {
      return Status(ErrorCode::kMissingField, "expected an array of leads or {\"leads\": [...]}",
                    "leads");
    }
    list = leads.value();
  }
  if (!list.is_array()) return wrong_type("leads", "an array of lead objects", list);
  dom::array arr = list.get_array().value();
  if (arr.size() > max_records) {
    return Status(ErrorCode::kPayloadTooLarge,
                  "a batch holds at most " + std::to_string(max_records) + " leads, this one has " +
                      std::to_string(arr.size()),
                  "leads");
  }
  std::vector<Result<Lead>> out;
  out.reserve(arr.size());
  for (dom::element e : arr) {
    Lead lead;
    Status st = lead_from_element(e, &lead);
    if (st.ok()) {
      out.emplace_back(std::move(lead));
    } else {
      out.emplace_back(std::move(st));
    }
  }
  return out;
}

Result<int64_t> parse_money(std::string_view text) {
  std::string_view s = trim(text);
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 15 || frac.size() > 2) {
    return Status(ErrorCode::kInvalidValue, "'" + std::string(text) + "' is not an amount such as 1500.50");
  }
  int64_t w = 0, f = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return Status(ErrorCode::kInvalidValue, "'" + std::string(text) + "' is not an amount such as 1500.50");
    w = w * 10 + (c - '0');
  }
  for (char c : frac) {
    if (c < '0' || c > '9') return Status(ErrorCode::kInvalidValue, "'" + std::string(text) + "' is not an amount such as 1500.50");
    f = f * 10 + (c - '0');
  }
  if (frac.size() == 1) f *= 10;
  int64_t cents = w * 100 + f;
  return neg ? -cents : cents;
}

std::string format_money(int64_t cents) {
  bool neg = cents < 0;
  uint64_t a = neg ? uint64_t(-(cents + 1)) + 1 : uint64_t(cents);
  std::string frac = std::to_string(a % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (neg ? "-" : "") + std::to_string(a / 100) + "." + frac;
}

Result<Campaign> parse_campaign(std::string_view json) {
  LEADLOOP_RETURN_IF_ERROR(check_json_limits(json));
  auto doc = parse_doc(json);
  if (doc.error()) return parse_error(doc.error());
  dom::element root = doc.value();
  if (!root.is_object()) return wrong_type("", "a campaign object", root);
  Campaign c;
  bool has_channel = false;
  dom::object fields_of_root = root.get_object().value();
  for (auto [key, v] : fields_of_root) {
    if (key == "key") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &c.key));
    } else if (key == "name") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &c.name));
    } else if (key == "owner") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &c.owner));
    } else if (key == "vendor") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &c.vendor));
    } else if (key == "currency") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &c.currency));
    } else if (key == "channel") {
      std::string ch;
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &ch));
      auto parsed = parse_channel(ch);
      if (!parsed) {
        return Status(ErrorCode::kInvalidValue,
                      "'" + ch + "' is not a channel; use telemarketing, email, web, webinar, "
                      "event, direct_mail, social, referral or partner",
                      "channel");
      }
      c.channel = *parsed;
      has_channel = true;
    } else if (key == "cost") {
      if (v.is_null()) continue;
      std::string text;
      if (!v.is_number() && !v.is_string()) return wrong_type(key, "a number", v);
      LEADLOOP_RETURN_IF_ERROR(scalar_text(key, v, &text));
      auto cents = parse_money(text);
      if (!cents.ok()) return cents.status().with_field("cost");
      c.cost_cents = *cents;
    } else if (key == "starts_on" || key == "ends_on") {
      std::string text;
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &text));
      if (text.empty()) continue;
      auto d = parse_date(text);
      if (!d.ok()) return d.status().with_field(std::string(key));
      (key == "starts_on" ? c.starts_on : c.ends_on) = *d;
    } else if (key == "created_at") {
      return Status(ErrorCode::kUnknownField, "'created_at' is set by Leadloop", "created_at");
    } else {
      return Status(ErrorCode::kUnknownField, "unknown field '" + std::string(key) + "'",
                    std::string(key));
    }
  }
  if (!has_channel) {
    return Status(ErrorCode::kMissingField,
                  "a campaign needs a channel: telemarketing, email, web, webinar, event, "
                  "direct_mail, social, referral or partner",
                  "channel");
  }
  LEADLOOP_RETURN_IF_ERROR(validate_campaign(c));
  return c;
}

Result<TouchInput> parse_touch(std::string_view json) {
  LEADLOOP_RETURN_IF_ERROR(check_json_limits(json));
  auto doc = parse_doc(json);
  if (doc.error()) return parse_error(doc.error());
  dom::element root = doc.value();
  if (!root.is_object()) return wrong_type("", "a touch object", root);
  TouchInput in;
  Touch& t = in.touch;
  dom::object fields_of_root = root.get_object().value();
  for (auto [key, v] : fields_of_root) {
    if (key == "lead") {
      std::optional<int64_t> id;
      LEADLOOP_RETURN_IF_ERROR(integer_field(key, v, &id));
      if (id && *id <= 0) return Status(ErrorCode::kInvalidValue, "must be a lead id", "lead");
      t.lead_id = id.value_or(0);
    } else if (key == "campaign") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &t.campaign));
    } else if (key == "channel") {
      std::string m;
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &m));
      if (m.empty()) continue;
      auto parsed = parse_medium(m);
      if (!parsed) {
        return Status(ErrorCode::kInvalidValue,
                      "'" + m + "' is not a touch channel; use call, email, mail, webinar, "
                      "meeting, visit, web, event, social or other",
                      "channel");
      }
      t.channel = *parsed;
      in.channel_given = true;
    } else if (key == "direction") {
      std::string d;
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &d));
      if (d.empty()) continue;
      auto parsed = parse_direction(d);
      if (!parsed) return Status(ErrorCode::kInvalidValue, "use inbound or outbound", "direction");
      t.direction = *parsed;
    } else if (key == "outcome") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &t.outcome));
    } else if (key == "actor") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &t.actor));
    } else if (key == "caller") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &t.caller));
    } else if (key == "notes") {
      LEADLOOP_RETURN_IF_ERROR(string_field(key, v, &t.notes));
    } else if (key == "at") {
      std::optional<TimePoint> at;
      LEADLOOP_RETURN_IF_ERROR(time_field(key, v, &at));
      in.at_given = at.has_value();
      t.at = at.value_or(0);
    } else if (key == "data_points") {
      LEADLOOP_RETURN_IF_ERROR(key_values(key, v, &t.data_points));
    } else {
      return Status(ErrorCode::kUnknownField, "unknown field '" + std::string(key) + "'",
                    std::string(key));
    }
  }
  // No campaign: the routes take the lead's own, or refuse a touch without a lead.
  t.campaign = std::string(trim(t.campaign));
  LEADLOOP_RETURN_IF_ERROR(validate_touch(t));
  return in;
}

}  // namespace leadloop
