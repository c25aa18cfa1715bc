// E-mail through the delivery engine (src/delivery): MailFanOut renders
// outbox messages (sla_breach, reassigned, goal_behind, feedback_link, nurture_notify,
// double_opt_in) into one "email" delivery per recipient address when the
// engine fans out, in the transaction that moves the cursor, and makes each
// rep's daily digest once a day at the configured hour (the engine's clock);
// MailChannel sends a delivery through SmtpMailer. A delivery's destination
// is "email:<address>", its payload the rendered message as JSON
// (mail_payload), so every attempt sends the same mail. docs/email.md.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "delivery/channel.h"
#include "delivery/fan_out.h"
#include "mail/message.h"
#include "mail/notifications.h"
#include "mail/settings.h"
#include "mail/smtp_mailer.h"

namespace leadloop {

// {"from":{"name","email"},"to":{...},"subject","text","html",
//  "headers":[[name,value]...],"kind"}.
std::string mail_payload(const MailMessage& m);
// kInvalidValue when the text is not such an object.
Result<MailMessage> parse_mail_payload(const std::string& text);

// The outbox kinds that become mail.
bool mailed_outbox_kind(std::string_view kind);

// "digest:<rep>:<YYYY-MM-DD>".
std::string digest_key(const std::string& rep, Days day);

class MailFanOut : public delivery::FanOutSource {
 public:
  // digest_hour: 0..23, UTC, the hour from which the day's digest goes out.
  // With `live`, mail is made only while it names an SMTP server, with its
  // base URL and sender at that moment (ctx's are replaced); an outbox
  // message passed meanwhile is not mailed later.
  MailFanOut(NotificationContext ctx, int digest_hour = 7, std::shared_ptr<const LiveMailSettings> live = nullptr);
  Result<std::vector<Delivery>> deliveries_for(const DeliverySource& s, TimePoint now) override;
  Result<std::vector<Delivery>> scheduled(TimePoint now) override;
  void scheduled_done(TimePoint now) override;

 private:
  // False while `live` names no SMTP server; else ctx_ is brought up to it.
  bool refresh();

  NotificationContext ctx_;
  int digest_hour_;
  std::shared_ptr<const LiveMailSettings> live_;
  std::optional<Days> digest_done_;  // the last day whose digests are stored
  bool digest_mailed_ = false;       // the latest scheduled() had a server to mail through
};

// The "email" channel: one SmtpMailer per concurrent send, kept in a pool
// so connections are reused across rounds; all share the sender's
// TokenBucket. 2xx: delivered; 4xx or no connection: retry on the
// schedule; 5xx for the address: dead (only this delivery). With no SMTP
// server in the live settings: retry on the schedule, so that a delivery
// made before the server was taken away goes out once one is back.
class MailChannel : public delivery::Channel {
 public:
  MailChannel(SmtpConfig config, const Clock& clock);
  // Follows the settings: a change closes the pooled connections and takes
  // the new server, sender and rate from the next send on.
  MailChannel(std::shared_ptr<const LiveMailSettings> live, const Clock& clock);
  std::string_view name() const override { return "email"; }
  delivery::SendOutcome send(const Delivery& d) override;

 private:
  // Brings config_, bucket_ and idle_ up to the live settings; returns the
  // former pool, to be closed once mu_ is released. REQUIRES: mu_ held.
  std::vector<std::unique_ptr<SmtpMailer>> sync_locked();

  std::shared_ptr<const LiveMailSettings> live_;
  const Clock& clock_;
  std::mutex mu_;
  uint64_t version_ = 0;  // of live_, that config_, bucket_ and idle_ belong to
  SmtpConfig config_;
  std::shared_ptr<TokenBucket> bucket_;
  std::vector<std::unique_ptr<SmtpMailer>> idle_;
};

}  // namespace leadloop
