#include "domain/validate.h"

#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr int64_t kMaxEmployees = 10'000'000;
constexpr size_t kMaxAttributes = 100;

Status check_text(std::string_view field, const std::string& value, size_t max_length) {
  if (!is_valid_utf8(value)) {
    return Status(ErrorCode::kInvalidUtf8, "text is not valid UTF-8", std::string(field));
  }
  if (value.size() > max_length) {
    return Status(ErrorCode::kInvalidValue,
                  "longer than " + std::to_string(max_length) + " bytes", std::string(field));
  }
  if (value.find('\0') != std::string::npos) {
    return Status(ErrorCode::kInvalidValue, "contains a NUL character", std::string(field));
  }
  return Status();
}

}  // namespace

void derive_keys(Lead& l) {
  l.email_key = l.email.empty() ? std::string() : email_key(l.email);
  l.phone_key = l.phone.empty() ? std::string() : phone_key(l.phone, l.country);
  l.name_key = name_key(l.company, l.first_name, l.last_name);
}

Status validate_attribute(std::string_view prefix, const std::string& key,
                          const std::string& value) {
  std::string field = std::string(prefix) + "." + key;
  if (key.empty() || key.size() > 100) {
    return Status(ErrorCode::kInvalidValue, "a name must be 1 to 100 characters",
                  std::string(prefix));
  }
  LEADLOOP_RETURN_IF_ERROR(check_text(prefix, key, 100));
  return check_text(field, value, 2000);
}

Status validate_lead(Lead& l) {
  for (const auto& f : lead_text_fields()) {
    std::string& v = l.*(f.member);
    LEADLOOP_RETURN_IF_ERROR(check_text(f.name, v, 4 * f.max_length));
    std::string_view t = trim(v);
    if (t.size() != v.size()) v = std::string(t);
    if (v.size() > f.max_length) {
      return Status(ErrorCode::kInvalidValue,
                    "longer than " + std::to_string(f.max_length) + " bytes", std::string(f.name));
    }
  }
  if (l.email.empty() && l.phone.empty() && l.external_id.empty()) {
    return Status(ErrorCode::kMissingField, "a lead needs an email, a phone or an external_id", "email");
  }
  if (!l.email.empty() && !is_valid_email(l.email)) {
    return Status(ErrorCode::kInvalidValue, "'" + l.email + "' is not a valid email address",
                  "email");
  }
  if (!l.phone.empty()) {
    // Counted without an extension ("x123") and the international "+".
    std::string key = phone_key(l.phone, l.country);
    size_t digits = key.size() - (!key.empty() && key[0] == '+');
    if (digits < 5 || digits > 15) {
      return Status(ErrorCode::kInvalidValue,
                    "'" + l.phone + "' is not a phone number (5 to 15 digits expected)", "phone");
    }
  }
  if (l.source_campaign.empty()) {
    return Status(ErrorCode::kMissingField, "a lead needs the key of the campaign that found it",
                  "source_campaign");
  }
  if (l.employees && (*l.employees < 0 || *l.employees > kMaxEmployees)) {
    return Status(ErrorCode::kInvalidValue, "must be between 0 and 10000000", "employees");
  }
  if (l.country.size() == 2) {
    for (char& c : l.country) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
  }
  if (l.attributes.size() > kMaxAttributes) {
    return Status(ErrorCode::kInvalidValue, "more than 100 attributes", "attributes");
  }
  for (const auto& [k, v] : l.attributes) {
    LEADLOOP_RETURN_IF_ERROR(validate_attribute("attributes", k, v));
  }
  derive_keys(l);
  return Status();
}

}  // namespace leadloop
