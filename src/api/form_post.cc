#include "api/form_post.h"

#include <algorithm>

#include "api/http/parsing.h"
#include "domain/codec.h"

namespace leadloop::api {

namespace {

// A checked box: "yes"/"on"/"true" from a form, true from a script.
bool checked(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  return s == "yes" || s == "on" || s == "true" || s == "1";
}

}  // namespace

Result<FormPost> parse_form_post(const WebForm& form, bool urlencoded, std::string_view text) {
  Json body = Json::object();
  if (urlencoded) {
    http::Params params;
    http::parse_query(text, params);
    for (const auto& [k, v] : params) body[k] = v;
  } else {
    auto parsed = parse_json_object(text);
    if (!parsed.ok()) return parsed.status();
    body = std::move(*parsed);
  }
  FormPost out;
  for (const auto& [key, value] : body.items()) {
    if (key == kStampInput && value.is_string()) {
      out.stamp = value.get<std::string>();
    } else if (key == kHoneypotInput) {
      out.honeypot = value.is_string() ? value.get<std::string>() : value.dump();
    } else if (key.starts_with(kConsentInputPrefix)) {
      if (checked(value)) out.submission.consents.insert(key.substr(std::string_view(kConsentInputPrefix).size()));
    } else if (std::find(form.fields.begin(), form.fields.end(), key) != form.fields.end()) {
      if (!value.is_string() && !value.is_number()) {
        return Status(ErrorCode::kWrongType, key + " must be a string", key);
      }
      out.submission.values[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return out;
}

}  // namespace leadloop::api
