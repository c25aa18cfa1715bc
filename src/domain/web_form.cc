#include "domain/web_form.h"

#include <algorithm>
#include <charconv>
#include <array>
#include <set>

#include "domain/lead.h"
#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr std::string_view kAttributePrefix = "attributes.";
constexpr size_t kMaxAttributeName = 64;
constexpr size_t kMaxAttributeValue = 1000;
constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxFields = 30;
constexpr size_t kMaxOrigins = 20;
constexpr size_t kMaxOriginLength = 200;
constexpr size_t kMaxWording = 1000;
constexpr size_t kMaxThankYou = 2000;
constexpr size_t kMaxUrl = 2000;
constexpr int kMaxMinFillSeconds = 3600;

// The lead text fields a form may set, with their labels.
struct FieldLabel {
  std::string_view name;
  std::string_view label;
};
constexpr std::array<FieldLabel, 10> kFormFields = {{
    {"email", "Email"},
    {"phone", "Phone"},
    {"first_name", "First name"},
    {"last_name", "Last name"},
    {"company", "Company"},
    {"title", "Job title"},
    {"industry", "Industry"},
    {"country", "Country"},
    {"region", "Region"},
    {"employees", "Employees"},
}};

bool is_attribute_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxAttributeName) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool is_channel(std::string_view c) {
  const auto channels = consent_channels();
  return std::any_of(channels.begin(), channels.end(), [&](const ConsentChannel& ch) { return ch.name == c; });
}

// "https://host[:port]" with nothing after: what a browser sends as Origin.
bool is_origin(std::string_view o) {
  std::string_view rest;
  if (o.starts_with("https://")) {
    rest = o.substr(8);
  } else if (o.starts_with("http://")) {
    rest = o.substr(7);
  } else {
    return false;
  }
  if (rest.empty() || o.size() > kMaxOriginLength) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '[' ||
           c == ']';
  });
}

bool is_http_url(std::string_view u) {
  return (u.starts_with("https://") || u.starts_with("http://")) && u.size() <= kMaxUrl &&
         std::none_of(u.begin(), u.end(), [](char c) { return c <= ' ' || c == '"' || c == '<' || c == '>'; });
}

Status invalid(const std::string& message, const std::string& field) {
  return Status(ErrorCode::kInvalidValue, message, field);
}

Status check_text(const std::string& value, size_t max, const std::string& field) {
  if (value.size() > max || !is_valid_utf8(value)) {
    return invalid(field + " must be UTF-8 text of at most " + std::to_string(max) + " bytes", field);
  }
  return Status();
}

Status check_fields(const WebForm& f) {
  if (f.fields.empty()) return Status(ErrorCode::kMissingField, "a form asks for at least one field", "fields");
  if (f.fields.size() > kMaxFields) return invalid("a form asks for at most " + std::to_string(kMaxFields) + " fields", "fields");
  std::set<std::string> seen;
  for (const auto& name : f.fields) {
    if (!is_form_field(name)) {
      return invalid("'" + name + "' is not a field a form may ask for (email, phone, first_name, last_name, "
                     "company, title, industry, country, region, employees, attributes.<name>)",
                     "fields");
    }
    if (!seen.insert(name).second) return invalid("'" + name + "' is asked for twice", "fields");
  }
  for (const auto& name : f.required) {
    if (!seen.count(name)) return invalid("required field '" + name + "' is not one of the form's fields", "required");
  }
  return Status();
}

Status check_consents(const WebForm& f) {
  std::set<std::string> channels;
  for (const auto& box : f.consents) {
    if (!is_channel(box.channel)) return invalid("a consent box is for email, phone or mail", "consents");
    if (!channels.insert(box.channel).second) return invalid("one consent box per channel", "consents");
    if (trim(box.wording).empty()) {
      return Status(ErrorCode::kMissingField, "a consent box needs the wording shown beside it", "consents");
    }
    LEADLOOP_RETURN_IF_ERROR(check_text(box.wording, kMaxWording, "consents"));
  }
  if (f.double_opt_in) {
    if (std::find(f.fields.begin(), f.fields.end(), "email") == f.fields.end() || !channels.count("email")) {
      return invalid("double opt-in needs the email field and an email consent box", "double_opt_in");
    }
  }
  return Status();
}

}  // namespace

bool is_form_field(std::string_view name) {
  if (name.starts_with(kAttributePrefix)) return is_attribute_name(name.substr(kAttributePrefix.size()));
  return std::any_of(kFormFields.begin(), kFormFields.end(), [&](const FieldLabel& f) { return f.name == name; });
}

std::string form_field_label(std::string_view name) {
  for (const auto& f : kFormFields) {
    if (f.name == name) return std::string(f.label);
  }
  std::string label(name.starts_with(kAttributePrefix) ? name.substr(kAttributePrefix.size()) : name);
  std::replace(label.begin(), label.end(), '_', ' ');
  if (!label.empty() && label[0] >= 'a' && label[0] <= 'z') label[0] = static_cast<char>(label[0] - 32);
  return label;
}

size_t form_field_max_length(std::string_view name) {
  for (const auto& f : lead_text_fields()) {
    if (f.name == name) return f.max_length;
  }
  return name == "employees" ? 12 : kMaxAttributeValue;
}

Status check_web_form(const WebForm& f) {
  if (trim(f.campaign).empty()) return Status(ErrorCode::kMissingField, "say which campaign the form is for", "campaign");
  if (trim(f.title).empty()) return Status(ErrorCode::kMissingField, "a form needs a title", "title");
  LEADLOOP_RETURN_IF_ERROR(check_text(f.title, kMaxTitle, "title"));
  LEADLOOP_RETURN_IF_ERROR(check_fields(f));
  if (f.origins.size() > kMaxOrigins) return invalid("at most " + std::to_string(kMaxOrigins) + " origins", "origins");
  for (const auto& o : f.origins) {
    if (!is_origin(o)) {
      return invalid("'" + o + "' is not an origin: scheme and host (and port), as https://www.example.com",
                     "origins");
    }
  }
  LEADLOOP_RETURN_IF_ERROR(check_consents(f));
  if (!f.redirect_url.empty() && !is_http_url(f.redirect_url)) {
    return invalid("redirect_url must be an http(s) URL", "redirect_url");
  }
  LEADLOOP_RETURN_IF_ERROR(check_text(f.thank_you, kMaxThankYou, "thank_you"));
  if (f.min_fill_seconds < 0 || f.min_fill_seconds > kMaxMinFillSeconds) {
    return invalid("min_fill_seconds must be between 0 and " + std::to_string(kMaxMinFillSeconds),
                   "min_fill_seconds");
  }
  return Status();
}

Json web_form_json(const WebForm& f) {
  Json consents = Json::array();
  for (const auto& b : f.consents) {
    consents.push_back({{"channel", b.channel}, {"wording", b.wording}, {"required", b.required}});
  }
  return {{"id", f.id},
          {"key", f.key},
          {"campaign", f.campaign},
          {"title", f.title},
          {"fields", f.fields},
          {"required", f.required},
          {"origins", f.origins},
          {"consents", consents},
          {"double_opt_in", f.double_opt_in},
          {"redirect_url", f.redirect_url},
          {"thank_you", f.thank_you},
          {"min_fill_seconds", f.min_fill_seconds},
          {"enabled", f.enabled},
          {"created_by", f.created_by},
          {"created_at", format_time(f.created_at)},
          {"updated_at", format_time(f.updated_at)}};
}

namespace {

Status read_strings(const Json& value, const std::string& key, std::vector<std::string>& out) {
  if (!value.is_array()) return Status(ErrorCode::kWrongType, key + " must be a list of strings", key);
  out.clear();
  for (const auto& v : value) {
    if (!v.is_string()) return Status(ErrorCode::kWrongType, key + " must be a list of strings", key);
    out.push_back(std::string(trim(v.get<std::string>())));
  }
  return Status();
}

Status read_consents(const Json& value, std::vector<FormConsentBox>& out) {
  const Status wrong(ErrorCode::kWrongType,
                     "consents must be a list of {\"channel\", \"wording\", \"required\"}", "consents");
  if (!value.is_array()) return wrong;
  out.clear();
  for (const auto& v : value) {
    if (!v.is_object()) return wrong;
    FormConsentBox box;
    for (const auto& [k, x] : v.items()) {
      if (k == "channel" && x.is_string()) {
        box.channel = x.get<std::string>();
      } else if (k == "wording" && x.is_string()) {
        box.wording = std::string(trim(x.get<std::string>()));
      } else if (k == "required" && x.is_boolean()) {
        box.required = x.get<bool>();
      } else {
        return wrong;
      }
    }
    out.push_back(std::move(box));
  }
  return Status();
}

Status read_text(const Json& value, const std::string& key, std::string& out) {
  if (!value.is_string()) return Status(ErrorCode::kWrongType, key + " must be a string", key);
  out = std::string(trim(value.get<std::string>()));
  return Status();
}

Status read_bool(const Json& value, const std::string& key, bool& out) {
  if (!value.is_boolean()) return Status(ErrorCode::kWrongType, key + " must be true or false", key);
  out = value.get<bool>();
  return Status();
}

}  // namespace

Status parse_web_form(const Json& j, WebForm& f) {
  if (!j.is_object()) return Status(ErrorCode::kWrongType, "a form is a JSON object");
  for (const auto& [key, value] : j.items()) {
    Status st;
    if (key == "campaign") {
      st = read_text(value, key, f.campaign);
    } else if (key == "title") {
      st = read_text(value, key, f.title);
    } else if (key == "fields") {
      st = read_strings(value, key, f.fields);
    } else if (key == "required") {
      st = read_strings(value, key, f.required);
    } else if (key == "origins") {
      st = read_strings(value, key, f.origins);
    } else if (key == "consents") {
      st = read_consents(value, f.consents);
    } else if (key == "double_opt_in") {
      st = read_bool(value, key, f.double_opt_in);
    } else if (key == "enabled") {
      st = read_bool(value, key, f.enabled);
    } else if (key == "redirect_url") {
      st = read_text(value, key, f.redirect_url);
    } else if (key == "thank_you") {
      st = read_text(value, key, f.thank_you);
    } else if (key == "min_fill_seconds") {
      if (!value.is_number_integer()) return Status(ErrorCode::kWrongType, "min_fill_seconds must be an integer", key);
      const auto s = value.get<int64_t>();
      f.min_fill_seconds = static_cast<int>(std::clamp<int64_t>(s, -1, kMaxMinFillSeconds + 1));
    } else {
      return Status(ErrorCode::kUnknownField, "unknown field '" + key + "'", key);
    }
    LEADLOOP_RETURN_IF_ERROR(st);
  }
  return Status();
}

namespace {

// Sets one form field on the lead; an error message for the person, or "".
std::string put_field(Lead& lead, const std::string& name, const std::string& value) {
  if (name == "employees") {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < 0) return "Enter a whole number";
    lead.employees = n;
    return "";
  }
  if (name.starts_with(kAttributePrefix)) {
    lead.attributes[name.substr(kAttributePrefix.size())] = value;
    return "";
  }
  for (const auto& f : lead_text_fields()) {
    if (f.name == name) lead.*f.member = value;
  }
  return "";
}

// The lead a submission describes, or the problems with it.
}  // namespace

Lead form_lead(const WebForm& form, const FormSubmission& in, std::vector<FormFieldError>& errors) {
  Lead lead;
  lead.source_campaign = form.campaign;
  for (const auto& name : form.fields) {
    auto it = in.values.find(name);
    const std::string value = it == in.values.end() ? std::string() : std::string(trim(it->second));
    const std::string label = form_field_label(name);
    if (!is_valid_utf8(value)) {
      errors.push_back({name, label + " is not valid text"});
    } else if (value.size() > form_field_max_length(name)) {
      errors.push_back({name, label + " is longer than " + std::to_string(form_field_max_length(name)) + " characters"});
    } else if (value.empty()) {
      if (std::find(form.required.begin(), form.required.end(), name) != form.required.end()) {
        errors.push_back({name, "Please fill in " + label});
      }
    } else if (std::string problem = put_field(lead, name, value); !problem.empty()) {
      errors.push_back({name, label + ": " + problem});
    }
  }
  for (const auto& box : form.consents) {
    if (box.required && !in.consents.count(box.channel)) {
      errors.push_back({"consent_" + box.channel, "Please tick this box to send the form"});
    }
  }
  return lead;
}

}  // namespace leadloop
