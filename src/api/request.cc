#include "api/request.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "api/errors.h"

namespace leadloop::api {

void send_json_text(http::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void send_json(http::Response& res, int status, const Json& body) {
  send_json_text(res, status, dump_json(body));
}

void send_error(http::Response& res, const Status& status) {
  send_json_text(res, http_status(status.code()), error_body(status));
  if (status.code() == ErrorCode::kUnauthorized) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"leadloop\"");
  }
}

Status require_json(const http::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  if (type.empty() || type.rfind("application/json", 0) == 0 ||
      type.find("+json") != std::string::npos) {
    return Status();
  }
  return Status(ErrorCode::kUnsupportedMediaType,
                "send the body as JSON with 'Content-Type: application/json' (got '" + type + "')");
}

namespace {
Result<int64_t> parse_int(std::string_view s, const char* name) {
  int64_t v;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return Status(ErrorCode::kInvalidValue, "'" + std::string(s) + "' is not an integer", name);
  }
  return v;
}
}  // namespace

Result<Json> json_body(const http::Request& req) {
  LEADLOOP_RETURN_IF_ERROR(require_json(req));
  auto body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Status(ErrorCode::kInvalidJson, "the body must be a JSON object");
  return body;
}

Status check_fields(const Json& body, std::initializer_list<std::pair<const char*, Kind>> fields) {
  for (auto& [key, value] : body.items()) {
    const std::pair<const char*, Kind>* spec = nullptr;
    for (const auto& f : fields) {
      if (key == f.first) spec = &f;
    }
    if (!spec) return Status(ErrorCode::kUnknownField, "unknown field '" + key + "'", key);
    bool ok = false;
    switch (spec->second) {
      case Kind::kString: ok = value.is_string(); break;
      case Kind::kNumber: ok = value.is_number(); break;
      case Kind::kBool: ok = value.is_boolean(); break;
      case Kind::kIdList:
        ok = value.is_array() && std::all_of(value.begin(), value.end(), [](const Json& v) {
               return v.is_number_integer() && v.get<int64_t>() > 0;
             });
        break;
      case Kind::kStringList:
        ok = value.is_array() && std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); });
        break;
    }
    if (!ok) {
      const char* what[] = {"a string", "a number", "true or false", "a list of lead ids", "a list of strings"};
      return Status(ErrorCode::kWrongType, key + " must be " + what[static_cast<int>(spec->second)], key);
    }
  }
  return Status();
}

Result<int64_t> int_param(const http::Request& req, const char* name, int64_t fallback,
                          int64_t min, int64_t max) {
  if (!req.has_param(name)) return fallback;
  auto v = parse_int(req.get_param_value(name), name);
  if (!v.ok()) return v;
  if (*v < min || *v > max) {
    return Status(ErrorCode::kInvalidValue,
                  "must be between " + std::to_string(min) + " and " + std::to_string(max), name);
  }
  return v;
}

std::vector<std::string> list_param(const http::Request& req, const char* name) {
  std::vector<std::string> out;
  const size_t n = req.get_param_value_count(name);
  for (size_t i = 0; i < n; ++i) {
    std::stringstream parts(req.get_param_value(name, i));
    std::string part;
    while (std::getline(parts, part, ',')) {
      if (!part.empty()) out.push_back(part);
    }
  }
  return out;
}

bool bool_param(const http::Request& req, const char* name) {
  if (!req.has_param(name)) return false;
  std::string v = req.get_param_value(name);
  return v.empty() || v == "1" || v == "true" || v == "yes";
}

Result<LeadFilter> lead_filter(const http::Request& req, int default_limit, int max_limit,
                               TimePoint now) {
  LeadFilter f;
  f.campaign = req.get_param_value("campaign");
  f.owner = req.get_param_value("owner");
  f.region = req.get_param_value("region");
  f.q = req.get_param_value("q");
  f.contactable = req.get_param_value("contactable");
  if (!f.contactable.empty() && f.contactable != "email" && f.contactable != "phone" && f.contactable != "mail") {
    return Status(ErrorCode::kInvalidValue, "contactable is email, phone or mail", "contactable");
  }
  if (req.has_param("follow_up")) {
    if (req.get_param_value("follow_up") != "overdue") {
      return Status(ErrorCode::kInvalidValue, "follow_up is overdue (leads past their follow-up SLA)",
                    "follow_up");
    }
    f.overdue_at = now;
  }
  if (req.has_param("stage")) {
    auto s = parse_stage(req.get_param_value("stage"));
    if (!s) {
      return Status(ErrorCode::kInvalidValue,
                    "unknown stage; use captured, qualified, assigned, accepted, rejected, "
                    "working, opportunity, won, lost, nurture, recycled, disqualified or opted_out",
                    "stage");
    }
    f.stage = *s;
  }
  if (req.has_param("grade")) {
    auto g = parse_grade(req.get_param_value("grade"));
    if (!g || *g == Grade::kNone) {
      return Status(ErrorCode::kInvalidValue, "unknown grade; use hot, warm, cold or unqualified",
                    "grade");
    }
    f.grade = *g;
  }
  for (const char* name : {"created_from", "created_to"}) {
    if (!req.has_param(name)) continue;
    auto t = parse_time(req.get_param_value(name));
    if (!t.ok()) return t.status().with_field(name);
    (std::string_view(name) == "created_from" ? f.created_from : f.created_to) = *t;
  }
  if (req.has_param("cursor") && !req.get_param_value("cursor").empty()) {
    auto c = parse_int(req.get_param_value("cursor"), "cursor");
    if (!c.ok() || *c < 0) {
      return Status(ErrorCode::kInvalidValue, "not a cursor from a previous page", "cursor");
    }
    f.after_id = *c;
  }
  auto limit = int_param(req, "limit", default_limit, 1, max_limit);
  if (!limit.ok()) return limit.status();
  f.limit = static_cast<int>(*limit);
  return f;
}

Result<int64_t> path_id(const http::Request& req, size_t index, const char* what) {
  std::string s = req.matches[static_cast<int>(index)];
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) {
    return Status(ErrorCode::kNotFound, std::string("no ") + what + " '" + s + "'", "id");
  }
  return v;
}

Json share(int64_t part, int64_t whole) {
  return whole == 0 ? Json(nullptr) : Json(static_cast<double>(part) / static_cast<double>(whole));
}

}  // namespace leadloop::api
