// Where and how Leadloop sends mail: the SMTP server (`serve --smtp ...`, or
// the admin setting PUT /api/v1/settings/mail, which the command line
// overrides), the sender, and the public URL that links in mail start with.
// The password is write-only: never shown, never logged.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mail/smtp_mailer.h"
#include "store/store.h"

namespace leadloop {

struct MailSettings {
  SmtpConfig smtp;        // smtp.url empty: mail is not configured
  std::string base_url;   // "https://leads.example.com", links in mail
  std::string mailto;     // optional List-Unsubscribe mailto address
  std::string source;     // "command line", "settings" or "" (none)
  bool configured() const { return !smtp.url.empty(); }
};

// The stored admin setting (source "settings"), or none.
Result<MailSettings> load_mail_settings(Store& store);
Status save_mail_settings(Store& store, const MailSettings& s);

// Reads a PUT body over `current`: {"smtp", "from", "tls", "rate",
// "password" (write-only; "" clears), "base_url", "mailto"}. kUnknownField,
// kWrongType, kInvalidValue naming the field.
Result<MailSettings> parse_mail_settings(const nlohmann::json& body, MailSettings current);

// As the API shows it: the URL with its user, never the password
// ("password_set": true|false).
nlohmann::json mail_settings_json(const MailSettings& s);

// Checks a whole configuration: a sender address, a base URL (http[s]://),
// a rate >= 0, a valid mailto.
Status check_mail_settings(const MailSettings& s);

}  // namespace leadloop
