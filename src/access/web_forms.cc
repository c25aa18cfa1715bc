#include "access/web_forms.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

#include "access/database_key.h"
#include "access/signed_token.h"
#include "domain/normalize.h"
#include "engine/consent.h"

namespace leadloop {

namespace {

constexpr std::string_view kKeySetting = "web_form_key";
constexpr std::string_view kStampPrefix = "fst_";
constexpr std::string_view kConfirmPrefix = "fco_";
constexpr TimePoint kStampLifetime = kMillisPerDay;
constexpr TimePoint kConfirmLifetime = 7 * kMillisPerDay;
constexpr size_t kKeyBytes = 16;  // the form's public key: 22 URL-safe characters

std::string new_form_key() {
  std::array<unsigned char, kKeyBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(sodium_base64_ENCODED_LEN(kKeyBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);
  return out;
}

Status link_not_valid() {
  return Status(ErrorCode::kUnauthorized, "this confirmation link is not valid", "token");
}

const FormConsentBox* box_for(const WebForm& form, std::string_view channel) {
  for (const auto& b : form.consents) {
    if (b.channel == channel) return &b;
  }
  return nullptr;
}

std::string source_of(const WebForm& form) { return "web form " + form.key; }

}  // namespace

std::string_view stamp_verdict_name(StampVerdict v) {
  switch (v) {
    case StampVerdict::kOk: return "ok";
    case StampVerdict::kMissing: return "missing";
    case StampVerdict::kForged: return "forged";
    case StampVerdict::kTooFast: return "too_fast";
    case StampVerdict::kStale: return "stale";
  }
  return "ok";
}

WebForms::WebForms(Store& store, const Clock& clock, Intake& intake, CampaignCatalog& campaigns,
                   const ActiveDefinition& definition, Router* router)
    : store_(store), clock_(clock), intake_(intake), campaigns_(campaigns), definition_(definition), router_(router) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

Status WebForms::open() {
  auto key = database_key(store_, kKeySetting, crypto_auth_KEYBYTES, "the web form key");
  if (!key.ok()) return key.status();
  key_ = std::move(key).value();
  return Status();
}

Result<WebForm> WebForms::create(WebForm f, const std::string& actor) {
  LEADLOOP_RETURN_IF_ERROR(check_web_form(f));
  if (!campaigns_.find(f.campaign)) {
    return Status(ErrorCode::kUnknownCampaign, "no campaign '" + f.campaign + "'", "campaign");
  }
  f.id = 0;
  f.key = new_form_key();
  f.created_by = actor;
  f.created_at = f.updated_at = clock_.now();
  LEADLOOP_RETURN_IF_ERROR(store_.put_web_form(f));
  return f;
}

Result<WebForm> WebForms::update(WebForm f) {
  LEADLOOP_RETURN_IF_ERROR(check_web_form(f));
  auto stored = store_.get_web_form(f.id);
  if (!stored.ok()) return stored.status();
  if (!campaigns_.find(f.campaign)) {
    return Status(ErrorCode::kUnknownCampaign, "no campaign '" + f.campaign + "'", "campaign");
  }
  f.key = stored->key;
  f.created_by = stored->created_by;
  f.created_at = stored->created_at;
  f.updated_at = clock_.now();
  LEADLOOP_RETURN_IF_ERROR(store_.put_web_form(f));
  return f;
}

std::string WebForms::stamp(const WebForm& form) const {
  const std::array<uint64_t, 2> values = {static_cast<uint64_t>(form.id), static_cast<uint64_t>(clock_.now())};
  return sign_values(key_, kStampPrefix, values);
}

StampVerdict WebForms::check_stamp(const WebForm& form, std::string_view stamp) const {
  if (stamp.empty()) return StampVerdict::kMissing;
  auto values = verify_values(key_, kStampPrefix, stamp, 2);
  if (!values || static_cast<int64_t>((*values)[0]) != form.id) return StampVerdict::kForged;
  const auto issued = static_cast<TimePoint>((*values)[1]);
  const TimePoint now = clock_.now();
  if (issued > now) return StampVerdict::kForged;
  if (now - issued < int64_t{form.min_fill_seconds} * kMillisPerSecond) return StampVerdict::kTooFast;
  if (now - issued > kStampLifetime) return StampVerdict::kStale;
  return StampVerdict::kOk;
}

Result<FormOutcome> WebForms::submit(const WebForm& form, const FormSubmission& in) {
  FormOutcome out;
  Lead lead = form_lead(form, in, out.errors);
  if (!out.errors.empty()) return out;
  CaptureContext ctx;
  ctx.actor = source_of(form);
  ctx.via = "web_form";
  // The ticked boxes and the double opt-in message go in with the lead: one
  // transaction, so a lead is never stored without them.
  CaptureExtras extras;
  for (const auto& box : form.consents) {
    if (!in.consents.count(box.channel)) continue;  // an unchecked box records nothing
    if (form.double_opt_in && box.channel == "email") {
      auto email = in.values.find("email");
      if (email == in.values.end() || trim(email->second).empty()) continue;  // no address to confirm
      extras.messages.push_back(confirmation(form, std::string(trim(email->second)), box));
      continue;
    }
    CaptureConsent given;
    ConsentFlags& set = given.set;
    (box.channel == "email" ? set.email : box.channel == "phone" ? set.phone : set.mail) = Consent::kGranted;
    given.source = source_of(form);
    given.note = box.wording;
    extras.consents.push_back(std::move(given));
  }
  std::vector<Result<Lead>> batch;
  batch.emplace_back(std::move(lead));
  std::vector<CaptureExtras> batch_extras;
  batch_extras.push_back(std::move(extras));
  auto captured = intake_.capture(std::move(batch), ctx, std::move(batch_extras));
  if (!captured.ok()) return captured.status();
  const CaptureOutcome& o = captured->front();
  if (o.status == CaptureStatus::kRejected) {
    // A field the form does not show (the definition's "email or phone")
    // is the form's problem, shown above it.
    const std::string& field = o.error.field();
    const bool shown = std::find(form.fields.begin(), form.fields.end(), field) != form.fields.end();
    out.errors.push_back({shown ? field : "", o.error.message()});
    return out;
  }
  out.status = o.status;
  out.lead_id = o.lead_id;
  out.consents_granted = o.consent_changed;
  out.confirmation_sent = !o.messages.empty();
  return out;
}

Status WebForms::grant(const WebForm& form, int64_t lead_id, const FormConsentBox& box, std::string source) {
  ConsentInput in;
  std::optional<Consent>& channel = box.channel == "email" ? in.email : box.channel == "phone" ? in.phone : in.mail;
  channel = Consent::kGranted;
  in.source = std::move(source);
  in.note = box.wording;
  ConsentDesk desk(store_, clock_, intake_, definition_, router_);
  auto answer = desk.set(lead_id, in, source_of(form));
  return answer.ok() ? Status() : answer.status();
}

uint64_t WebForms::email_fingerprint(std::string_view email) const {
  const std::string key = email_key(email);
  std::array<unsigned char, crypto_shorthash_BYTES> out{};
  // The signing key's first bytes key the hash: the link carries no
  // readable trace of the address.
  crypto_shorthash(out.data(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   reinterpret_cast<const unsigned char*>(key_.data()));
  uint64_t v = 0;
  for (unsigned char b : out) v = (v << 8) | b;
  return v;
}

std::function<std::optional<OutboxMessage>(const Lead&)> WebForms::confirmation(const WebForm& form,
                                                                                 std::string email,
                                                                                 FormConsentBox box) const {
  const TimePoint now = clock_.now();
  return [this, form, email = std::move(email), box = std::move(box), now](const Lead& lead) -> std::optional<OutboxMessage> {
    if (lead.consent.email == Consent::kGranted) return std::nullopt;  // nothing left to confirm
    const TimePoint expires_at = now + kConfirmLifetime;
    const std::array<uint64_t, 4> values = {static_cast<uint64_t>(lead.id), static_cast<uint64_t>(form.id),
                                            static_cast<uint64_t>(expires_at), email_fingerprint(email)};
    const std::string token = sign_values(key_, kConfirmPrefix, values);
    OutboxMessage msg;
    msg.kind = "double_opt_in";
    msg.recipient = email;
    msg.lead_id = lead.id;
    msg.at = now;
    msg.payload = dump_json({{"form", form.key},
                             {"title", form.title},
                             {"campaign", form.campaign},
                             {"wording", box.wording},
                             {"confirm_url", "/f/confirm/" + token},
                             {"expires_at", format_time(expires_at)}});
    return msg;
  };
}

Result<bool> WebForms::email_denied_since(int64_t lead_id, TimePoint since) {
  auto events = store_.lead_events(lead_id);
  if (!events.ok()) return events.status();
  for (const LeadEvent& e : *events) {
    if (e.type != event_type::kConsentChanged || e.at < since) continue;
    Json payload = Json::parse(e.payload, nullptr, false);
    if (payload.is_object() && payload.contains("channels") && payload["channels"].contains("email") &&
        payload["channels"]["email"].value("to", "") == "denied") {
      return true;
    }
  }
  return false;
}

Result<FormConfirmation> WebForms::confirm(std::string_view token) {
  if (key_.empty()) return Status(ErrorCode::kInternal, "web forms are not open");
  // Links made before they named the address carry three values.
  auto values = verify_values(key_, kConfirmPrefix, token, 4);
  if (!values) values = verify_values(key_, kConfirmPrefix, token, 3);
  if (!values) return link_not_valid();
  const auto lead_id = static_cast<int64_t>((*values)[0]);
  const auto form_id = static_cast<int64_t>((*values)[1]);
  const auto expires_at = static_cast<TimePoint>((*values)[2]);
  if (clock_.now() >= expires_at) {
    return Status(ErrorCode::kForbidden, "this confirmation link has expired; please send the form again", "token");
  }
  auto form = store_.get_web_form(form_id);
  if (!form.ok()) return form.status().code() == ErrorCode::kNotFound ? link_not_valid() : form.status();
  auto lead = store_.get_lead(lead_id);
  if (!lead.ok()) return lead.status().code() == ErrorCode::kNotFound ? link_not_valid() : lead.status();
  FormConfirmation out{*std::move(form), *std::move(lead), false};
  // The link confirms the address it was sent to: once the lead holds
  // another (or none: erased), it no longer applies.
  if (values->size() == 4 && (out.lead.email_key.empty() || email_fingerprint(out.lead.email_key) != (*values)[3])) {
    return Status(ErrorCode::kConflict,
                  "the e-mail address we hold for you has changed since this link was sent, so it no longer "
                  "applies; please send the form again",
                  "token");
  }
  // A "no" said after the link was made stands; one from before, the
  // person took back by asking again on the form.
  if (out.lead.consent.email == Consent::kDenied) {
    auto later = email_denied_since(lead_id, expires_at - kConfirmLifetime);
    if (!later.ok()) return later.status();
    if (*later) {
      return Status(ErrorCode::kConflict,
                    "you have since asked not to get e-mail from us, so this link no longer applies", "token");
    }
  }
  if (out.lead.consent.email == Consent::kGranted) return out;
  const FormConsentBox* box = box_for(out.form, "email");
  FormConsentBox fallback{"email", "", false};
  LEADLOOP_RETURN_IF_ERROR(grant(out.form, lead_id, box ? *box : fallback,
                                 source_of(out.form) + ", double opt-in confirmed"));
  out.granted_now = true;
  auto after = store_.get_lead(lead_id);
  if (after.ok()) out.lead = *std::move(after);
  return out;
}

void WebForms::count_refusal(int64_t form_id, StampVerdict why) {
  std::lock_guard lock(mu_);
  FormRefusals& r = refusals_[form_id];
  if (why == StampVerdict::kOk) {
    ++r.honeypot;
  } else if (why == StampVerdict::kTooFast) {
    ++r.too_fast;
  } else {
    ++r.bad_stamp;
  }
}

FormRefusals WebForms::refusals(int64_t form_id) const {
  std::lock_guard lock(mu_);
  auto it = refusals_.find(form_id);
  return it == refusals_.end() ? FormRefusals{} : it->second;
}

}  // namespace leadloop
