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
constexpr std::string_view kAttributePrefix = "attributes.";
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
Lead lead_of(const WebForm& form, const FormSubmission& in, std::vector<FormFieldError>& errors) {
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
  Lead lead = lead_of(form, in, out.errors);
  if (!out.errors.empty()) return out;
  CaptureContext ctx;
  ctx.actor = source_of(form);
  ctx.via = "web_form";
  std::vector<Result<Lead>> batch;
  batch.emplace_back(std::move(lead));
  auto captured = intake_.capture(std::move(batch), ctx);
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
  for (const auto& box : form.consents) {
    if (!in.consents.count(box.channel)) continue;  // an unchecked box records nothing
    if (form.double_opt_in && box.channel == "email") {
      auto email = in.values.find("email");
      if (email == in.values.end() || trim(email->second).empty()) continue;  // no address to confirm
      auto sent = send_confirmation(form, out.lead_id, std::string(trim(email->second)), box);
      if (!sent.ok()) return sent.status();
      out.confirmation_sent = *sent;
    } else {
      LEADLOOP_RETURN_IF_ERROR(grant(form, out.lead_id, box, source_of(form), &out));
    }
  }
  return out;
}

Status WebForms::grant(const WebForm& form, int64_t lead_id, const FormConsentBox& box, std::string source,
                       FormOutcome* out) {
  ConsentInput in;
  std::optional<Consent>& channel = box.channel == "email" ? in.email : box.channel == "phone" ? in.phone : in.mail;
  channel = Consent::kGranted;
  in.source = std::move(source);
  in.note = box.wording;
  ConsentDesk desk(store_, clock_, intake_, definition_, router_);
  auto answer = desk.set(lead_id, in, source_of(form));
  if (!answer.ok()) return answer.status();
  if (out && !answer->changed.empty()) out->consents_granted.push_back(box.channel);
  return Status();
}

Result<bool> WebForms::send_confirmation(const WebForm& form, int64_t lead_id, const std::string& email,
                                   const FormConsentBox& box) {
  auto lead = store_.get_lead(lead_id);
  if (!lead.ok()) return lead.status();
  if (lead->consent.email == Consent::kGranted) return false;  // nothing left to confirm
  const TimePoint now = clock_.now();
  const TimePoint expires_at = now + kConfirmLifetime;
  const std::array<uint64_t, 3> values = {static_cast<uint64_t>(lead_id), static_cast<uint64_t>(form.id),
                                          static_cast<uint64_t>(expires_at)};
  const std::string token = sign_values(key_, kConfirmPrefix, values);
  Mutation m;
  OutboxMessage msg;
  msg.kind = "double_opt_in";
  msg.recipient = email;
  msg.lead_id = lead_id;
  msg.at = now;
  msg.payload = dump_json({{"form", form.key},
                           {"title", form.title},
                           {"campaign", form.campaign},
                           {"wording", box.wording},
                           {"confirm_url", "/f/confirm/" + token},
                           {"expires_at", format_time(expires_at)}});
  m.outbox.push_back(std::move(msg));
  LEADLOOP_RETURN_IF_ERROR(store_.commit(m));
  return true;
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
  auto values = verify_values(key_, kConfirmPrefix, token, 3);
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
                                 source_of(out.form) + ", double opt-in confirmed", nullptr));
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
