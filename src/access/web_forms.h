// WebForms runs a campaign's public forms (domain/web_form.h): it makes and
// edits them, signs the timestamp a page embeds (the minimum fill time),
// takes what a person sent through Intake like every other lead, with the
// consent boxes they checked (their wording) and the double opt-in message
// in the same transaction, and grants e-mail consent when its signed
// confirm link is followed. Tokens are signed with a key kept in the
// store's settings (access/signed_token.h), so a forged stamp or link is
// refused before the database is read. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.h"
#include "domain/web_form.h"
#include "engine/active_definition.h"
#include "engine/campaign_catalog.h"
#include "engine/intake.h"
#include "engine/router.h"
#include "store/store.h"

namespace leadloop {

struct FormOutcome {
  std::vector<FormFieldError> errors;  // not empty: nothing was stored
  int64_t lead_id = 0;
  CaptureStatus status = CaptureStatus::kRejected;
  std::vector<std::string> consents_granted;  // channels granted now
  bool confirmation_sent = false;             // a double opt-in message is in the outbox
};

// How a page's signed timestamp checks out against the form's minimum
// fill time. kStale: older than a day (a person gets the form again).
enum class StampVerdict { kOk, kMissing, kForged, kTooFast, kStale };
std::string_view stamp_verdict_name(StampVerdict v);

// Posts refused as bots since the process started, by reason.
struct FormRefusals {
  int64_t honeypot = 0;
  int64_t too_fast = 0;
  int64_t bad_stamp = 0;  // missing or forged
};

struct FormConfirmation {
  WebForm form;
  Lead lead;
  bool granted_now = false;  // false: the e-mail consent was granted already
};

class WebForms {
 public:
  WebForms(Store& store, const Clock& clock, Intake& intake, CampaignCatalog& campaigns,
           const ActiveDefinition& definition, Router* router = nullptr);

  // Loads the signing key, creating it on first use.
  Status open();

  // Checks and stores a new form (a fresh key) or an edited one (f.id set;
  // key and creation kept). kUnknownCampaign for a campaign that does not
  // exist.
  Result<WebForm> create(WebForm f, const std::string& actor);
  Result<WebForm> update(WebForm f);

  // The signed timestamp a page of `form` embeds (now).
  std::string stamp(const WebForm& form) const;
  StampVerdict check_stamp(const WebForm& form, std::string_view stamp) const;

  // Takes a person's submission: errors to show them, or the lead captured
  // or merged (via "web_form", the form's campaign) with its consent.
  Result<FormOutcome> submit(const WebForm& form, const FormSubmission& in);

  // Follows a double opt-in link: grants e-mail consent (a consent_changed
  // event with the form's wording) unless it is granted already.
  // kUnauthorized for a forged or unknown link; kForbidden for an expired
  // one; kConflict when the person said no to e-mail after the link was
  // made (a "no" from before it, they took back by asking again) or when
  // the lead no longer holds the address the link was sent to.
  Result<FormConfirmation> confirm(std::string_view token);

  void count_refusal(int64_t form_id, StampVerdict why);  // kOk: the honeypot
  FormRefusals refusals(int64_t form_id) const;

 private:
  Status grant(const WebForm& form, int64_t lead_id, const FormConsentBox& box, std::string source);
  // Whether e-mail consent was denied at or after `since`.
  Result<bool> email_denied_since(int64_t lead_id, TimePoint since);
  // The double opt-in message for `email`, made in the capture's
  // transaction once the lead has its id; none when e-mail is granted.
  std::function<std::optional<OutboxMessage>(const Lead&)> confirmation(const WebForm& form, std::string email,
                                                                        FormConsentBox box) const;
  // A keyed 64-bit hash of the address's email_key, which a confirm link
  // carries to check the lead still holds it.
  uint64_t email_fingerprint(std::string_view email) const;

  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  CampaignCatalog& campaigns_;
  const ActiveDefinition& definition_;
  Router* router_;
  std::string key_;  // set by open()
  mutable std::mutex mu_;
  std::map<int64_t, FormRefusals> refusals_;  // guarded by mu_
};

}  // namespace leadloop
