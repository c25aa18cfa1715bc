// Reading a public form post (api/form_routes.cc): a plain HTML form's
// application/x-www-form-urlencoded body or a script's JSON object, down to
// the form's own inputs. No network, no store: fuzzed as is (fuzz/web_form_fuzz.cc).
#pragma once

#include <string>
#include <string_view>

#include "domain/web_form.h"

namespace leadloop::api {

// Names of the form's own inputs beside the lead fields.
inline constexpr const char* kStampInput = "_stamp";
inline constexpr const char* kHoneypotInput = "website";
inline constexpr const char* kConsentInputPrefix = "consent_";

struct FormPost {
  FormSubmission submission;
  std::string stamp;
  std::string honeypot;
};

// The form's own inputs from the body (`urlencoded`: a form's, else JSON);
// other keys are ignored, so a public form never sets what it does not
// show (the campaign, a caller). kInvalidJson / kWrongType for a body that
// is not an object or a field value that is not text.
Result<FormPost> parse_form_post(const WebForm& form, bool urlencoded, std::string_view body);

}  // namespace leadloop::api
