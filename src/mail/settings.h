// Where and how Leadloop sends mail: the SMTP server (`serve --smtp ...`, or
// the admin setting PUT /api/v1/settings/mail, which the command line
// overrides), the sender, and the public URL that links in mail start with.
// The password is write-only: never shown, never logged.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
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

// The sender of `s` (its smtp.from), or `fallback` when it has none that
// parses.
MailAddress sender_of(const MailSettings& s, const MailAddress& fallback);

// The mail settings in force while the server runs: the command line's,
// fixed for the process's life, else the stored admin setting, which
// PUT /api/v1/settings/mail replaces at once. The mail channel, its fan-out
// and the nurture engine read it at each use. Thread-safe.
class LiveMailSettings {
 public:
  LiveMailSettings(MailSettings initial, bool fixed) : settings_(std::move(initial)), fixed_(fixed) {}
  MailSettings get() const {
    std::lock_guard lock(mu_);
    return settings_;
  }
  // Changes with every replacement.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // A new stored setting: in force now, unless the command line's are
  // (then nothing changes and the answer is false).
  bool replace(const MailSettings& s) {
    if (fixed_) return false;
    std::lock_guard lock(mu_);
    settings_ = s;
    version_.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }

 private:
  mutable std::mutex mu_;
  MailSettings settings_;
  const bool fixed_;
  std::atomic<uint64_t> version_{1};
};

}  // namespace leadloop
