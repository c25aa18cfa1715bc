#include "mail/mail_channel.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>

#include "delivery/signature.h"
#include "domain/normalize.h"

namespace leadloop {

namespace {

using MailJson = nlohmann::json;

MailJson address_json(const MailAddress& a) { return {{"name", a.name}, {"email", a.email}}; }

MailAddress address_of(const MailJson& j) {
  if (!j.is_object()) return {};
  return {j.value("name", ""), j.value("email", "")};
}

Delivery email_delivery(const std::string& key, const MailMessage& m, TimePoint now) {
  Delivery d;
  d.webhook_id = delivery::new_webhook_id();  // the record's stable id (the Message-ID is per attempt)
  d.message_key = key;
  d.destination = "email:" + email_key(m.to.email);
  d.channel = "email";
  d.event_type = m.kind;
  d.payload = mail_payload(m);
  d.state = "pending";
  d.next_attempt_at = now;
  d.created_at = now;
  return d;
}

}  // namespace

std::string mail_payload(const MailMessage& m) {
  MailJson headers = MailJson::array();
  for (const auto& [k, v] : m.headers) headers.push_back({k, v});
  return MailJson{{"from", address_json(m.from)}, {"to", address_json(m.to)}, {"subject", m.subject},
                  {"text", m.text},           {"html", m.html},          {"headers", headers},
                  {"kind", m.kind}}
      .dump();
}

Result<MailMessage> parse_mail_payload(const std::string& text) {
  const MailJson j = MailJson::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("to") || !j["subject"].is_string()) {
    return Status(ErrorCode::kInvalidValue, "the delivery holds no mail message", "payload");
  }
  MailMessage m;
  m.from = address_of(j.value("from", MailJson::object()));
  m.to = address_of(j["to"]);
  m.subject = j.value("subject", "");
  m.text = j.value("text", "");
  m.html = j.value("html", "");
  m.kind = j.value("kind", "");
  for (const MailJson& h : j.value("headers", MailJson::array())) {
    if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string()) {
      m.headers.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
    }
  }
  return m;
}

bool mailed_outbox_kind(std::string_view kind) {
  return kind == "sla_breach" || kind == "reassigned" || kind == "goal_behind" || kind == "feedback_link" ||
         kind == "double_opt_in" || kind == "nurture_notify";
}

std::string digest_key(const std::string& rep, Days day) { return "digest:" + rep + ":" + format_date(day); }

MailFanOut::MailFanOut(NotificationContext ctx, int digest_hour, std::shared_ptr<const LiveMailSettings> live)
    : ctx_(std::move(ctx)), digest_hour_(std::clamp(digest_hour, 0, 23)), live_(std::move(live)) {}

bool MailFanOut::refresh() {
  if (!live_) return true;
  const MailSettings s = live_->get();
  if (!s.configured()) return false;
  ctx_.base_url = s.base_url;
  ctx_.from = sender_of(s, ctx_.from);
  return true;
}

Result<std::vector<Delivery>> MailFanOut::deliveries_for(const DeliverySource& s, TimePoint now) {
  std::vector<Delivery> out;
  if (!s.outbox || !mailed_outbox_kind(s.type) || !refresh()) return out;
  const OutboxMessage m{s.id, s.type, s.recipient, s.lead_id, s.at, s.payload};
  auto mails = render(m, ctx_);
  if (!mails.ok()) {
    // A message that cannot be rendered (its lead erased...) must not hold
    // the cursor back: it is skipped, and said so.
    spdlog::warn("mail: outbox message {} ({}) not mailed: {}", s.id, s.type, mails.status().to_string());
    return out;
  }
  for (const MailMessage& mail : *mails) out.push_back(email_delivery(s.key, mail, now));
  return out;
}

Result<std::vector<Delivery>> MailFanOut::scheduled(TimePoint now) {
  std::vector<Delivery> out;
  const Days day = day_of(now);
  // Once a day per process; a restart renders the day again and the
  // unique (message_key, destination) constraint keeps what exists.
  if (digest_done_ == day) return out;
  if (now < static_cast<TimePoint>(day) * kMillisPerDay + digest_hour_ * kMillisPerHour) return out;
  digest_mailed_ = refresh();
  if (!digest_mailed_) return out;
  auto reps = ctx_.store.list_reps();
  if (!reps.ok()) return reps.status();
  for (const Rep& rep : *reps) {
    if (!rep.active) continue;
    auto mails = daily_digest(ctx_, rep.key, day);
    if (!mails.ok()) {  // one rep's trouble holds back no one else's mail
      spdlog::warn("mail: no digest for rep {} on {}: {}", rep.key, format_date(day), mails.status().to_string());
      continue;
    }
    for (const MailMessage& mail : *mails) out.push_back(email_delivery(digest_key(rep.key, day), mail, now));
  }
  return out;
}

void MailFanOut::scheduled_done(TimePoint now) {
  // Without a server the day's digests were not made: they are, once one
  // is configured (later that day).
  if (!digest_mailed_) return;
  const Days day = day_of(now);
  if (now >= static_cast<TimePoint>(day) * kMillisPerDay + digest_hour_ * kMillisPerHour) digest_done_ = day;
}

MailChannel::MailChannel(SmtpConfig config, const Clock& clock)
    : MailChannel(std::make_shared<const LiveMailSettings>(MailSettings{std::move(config), "", "", "command line"},
                                                           true),
                  clock) {}

MailChannel::MailChannel(std::shared_ptr<const LiveMailSettings> live, const Clock& clock)
    : live_(std::move(live)), clock_(clock) {}

std::vector<std::unique_ptr<SmtpMailer>> MailChannel::sync_locked() {
  const uint64_t v = live_->version();
  if (v == version_) return {};
  config_ = live_->get().smtp;
  auto from = parse_mail_address(config_.from);
  bucket_ = sender_bucket(from.ok() ? from->email : config_.from, config_.rate);
  version_ = v;
  return std::exchange(idle_, {});  // connections to the former server
}

delivery::SendOutcome MailChannel::send(const Delivery& d) {
  using Kind = delivery::SendOutcome::Kind;
  delivery::SendOutcome out;
  auto m = parse_mail_payload(d.payload);
  if (!m.ok()) {
    out.kind = Kind::kDead;
    out.error = m.status().message();
    return out;
  }
  std::unique_ptr<SmtpMailer> mailer;
  uint64_t version = 0;
  std::vector<std::unique_ptr<SmtpMailer>> former;  // closed (QUIT) after the lock
  {
    std::lock_guard lock(mu_);
    former = sync_locked();
    if (config_.url.empty()) {
      out.kind = Kind::kRetry;
      out.error = "no SMTP server is configured (serve --smtp, or PUT /api/v1/settings/mail)";
      return out;
    }
    if (!idle_.empty()) {
      mailer = std::move(idle_.back());
      idle_.pop_back();
    } else {
      mailer = std::make_unique<SmtpMailer>(config_, clock_, bucket_);
    }
    version = version_;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const SendOutcome sent = mailer->send(*std::move(m));
  out.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  {
    std::lock_guard lock(mu_);
    if (version == version_) idle_.push_back(std::move(mailer));  // else it is closed here
  }
  out.status = sent.smtp_code;
  switch (sent.result) {
    case SendResult::kDelivered:
      out.kind = Kind::kDelivered;
      return out;
    case SendResult::kTransient:
      out.kind = Kind::kRetry;
      break;
    case SendResult::kPermanent:
      out.kind = Kind::kDead;
      break;
  }
  out.error = sent.detail.empty() ? std::string(send_result_name(sent.result)) : sent.detail;
  return out;
}

}  // namespace leadloop
