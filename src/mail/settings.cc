#include "mail/settings.h"

#include <fstream>

#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr const char* kSetting = "mail_settings";

Status wrong_type(const std::string& field, const char* what) {
  return Status(ErrorCode::kWrongType, field + " must be " + what, field);
}

}  // namespace

Status check_mail_settings(const MailSettings& s) {
  if (!s.configured()) return Status();
  if (s.smtp.from.empty()) return Status(ErrorCode::kMissingField, "say who the mail is from", "from");
  auto from = parse_mail_address(s.smtp.from);
  if (!from.ok()) return from.status();
  if (s.smtp.rate < 0 || s.smtp.rate > 100000) {
    return Status(ErrorCode::kInvalidValue, "rate must be 0 (no limit) to 100000 messages per second", "rate");
  }
  if (!s.base_url.empty() && s.base_url.rfind("http://", 0) != 0 && s.base_url.rfind("https://", 0) != 0) {
    return Status(ErrorCode::kInvalidValue, "base_url must start with http:// or https://", "base_url");
  }
  if (s.base_url.find_first_of(" \r\n<>\"") != std::string::npos || (!s.base_url.empty() && s.base_url.back() == '/')) {
    return Status(ErrorCode::kInvalidValue, "base_url must be a URL without spaces or a trailing /", "base_url");
  }
  if (!s.mailto.empty() && !parse_mail_address(s.mailto).ok()) {
    return Status(ErrorCode::kInvalidValue, "mailto must be an e-mail address", "mailto");
  }
  if (!s.smtp.ca_file.empty()) {
    std::ifstream in(s.smtp.ca_file);
    std::string first;
    if (!in || !std::getline(in, first) || first.rfind("-----BEGIN ", 0) != 0) {
      return Status(ErrorCode::kInvalidValue,
                    "ca_file must name a readable PEM file of certificates on the server (" + s.smtp.ca_file + ")",
                    "ca_file");
    }
  }
  return Status();
}

Result<MailSettings> parse_mail_settings(const nlohmann::json& body, MailSettings s) {
  if (!body.is_object()) return Status(ErrorCode::kWrongType, "the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key == "rate") {
      if (!value.is_number()) return wrong_type(key, "a number");
      s.smtp.rate = value.get<double>();
      continue;
    }
    if (!value.is_string()) return wrong_type(key, "a string");
    const std::string v = value.get<std::string>();
    if (key == "smtp") {
      if (v.empty()) {
        s.smtp = SmtpConfig{};
        continue;
      }
      auto parsed = parse_smtp_url(v);
      if (!parsed.ok()) return parsed.status();
      const std::string password = parsed->password.empty() ? s.smtp.password : parsed->password;
      parsed->from = s.smtp.from;
      parsed->tls = s.smtp.tls;
      parsed->rate = s.smtp.rate;
      parsed->ca_file = s.smtp.ca_file;
      parsed->password = parsed->user.empty() ? "" : password;
      s.smtp = *parsed;
    } else if (key == "from") {
      s.smtp.from = v;
    } else if (key == "tls") {
      auto tls = parse_smtp_tls(v);
      if (!tls.ok()) return tls.status();
      s.smtp.tls = *tls;
    } else if (key == "password") {
      s.smtp.password = v;
    } else if (key == "ca_file") {
      s.smtp.ca_file = v;
    } else if (key == "base_url") {
      s.base_url = v;
    } else if (key == "mailto") {
      s.mailto = v;
    } else {
      return Status(ErrorCode::kUnknownField,
                    "unknown field '" + key +
                        "'; mail settings have smtp, from, tls, ca_file, rate, password, base_url, mailto",
                    key);
    }
  }
  LEADLOOP_RETURN_IF_ERROR(check_mail_settings(s));
  return s;
}

nlohmann::json mail_settings_json(const MailSettings& s) {
  return {{"smtp", s.smtp.redacted_url()},
          {"from", s.smtp.from},
          {"tls", smtp_tls_name(s.smtp.tls)},
          {"ca_file", s.smtp.ca_file},
          {"rate", s.smtp.rate},
          {"password_set", !s.smtp.password.empty()},
          {"base_url", s.base_url},
          {"mailto", s.mailto},
          {"source", s.source},
          {"configured", s.configured()}};
}

Result<MailSettings> load_mail_settings(Store& store) {
  MailSettings s;
  auto text = store.get_setting(kSetting);
  if (!text.ok()) return text.status();
  if (!*text) return s;
  auto j = nlohmann::json::parse(**text, nullptr, false);
  if (!j.is_object()) return Status(ErrorCode::kInternal, "the stored mail settings are not JSON");
  s.smtp.url = j.value("url", "");
  s.smtp.user = j.value("user", "");
  s.smtp.password = j.value("password", "");
  s.smtp.from = j.value("from", "");
  auto tls = parse_smtp_tls(j.value("tls", "try"));
  s.smtp.tls = tls.ok() ? *tls : SmtpTls::kTry;
  s.smtp.ca_file = j.value("ca_file", "");
  s.smtp.rate = j.value("rate", 0.0);
  s.base_url = j.value("base_url", "");
  s.mailto = j.value("mailto", "");
  s.source = s.configured() ? "settings" : "";
  return s;
}

Status save_mail_settings(Store& store, const MailSettings& s) {
  nlohmann::json j = {{"url", s.smtp.url},   {"user", s.smtp.user},   {"password", s.smtp.password},
                      {"from", s.smtp.from}, {"tls", smtp_tls_name(s.smtp.tls)}, {"ca_file", s.smtp.ca_file},
                      {"rate", s.smtp.rate},
                      {"base_url", s.base_url}, {"mailto", s.mailto}};
  return store.put_setting(kSetting, j.dump());
}

MailAddress sender_of(const MailSettings& s, const MailAddress& fallback) {
  auto from = parse_mail_address(s.smtp.from);
  return from.ok() && !from->email.empty() ? *from : fallback;
}

}  // namespace leadloop
