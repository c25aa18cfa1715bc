// A WebForm is a campaign's public form: the lead fields it asks for (and
// which are required), the consent boxes it shows with their exact
// wording, the origins whose pages may post it from a script (CORS),
// double opt-in, what a person sees after sending it, and the minimum fill
// time its spam defence asks for. Plain value type; one JSON mapping
// (web_form_json / parse_web_form), shared by the API and the store.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/codec.h"
#include "domain/lead.h"
#include "domain/status.h"
#include "domain/time.h"

namespace leadloop {

struct FormConsentBox {
  std::string channel;  // "email", "phone", "mail"
  std::string wording;  // the exact text shown beside the box, recorded with the consent
  bool required = false;
};

struct WebForm {
  int64_t id = 0;    // 0 until stored
  std::string key;   // public, random, URL-safe: the form's address is /f/<key>
  std::string campaign;
  std::string title;
  std::vector<std::string> fields;    // form field names (form_field_names())
  std::vector<std::string> required;  // a subset of fields
  std::vector<std::string> origins;   // "https://www.example.com": exact, no path
  std::vector<FormConsentBox> consents;
  bool double_opt_in = false;  // e-mail consent waits for the confirm link
  std::string redirect_url;    // after a form post, when set; else the thank-you text
  std::string thank_you;
  int min_fill_seconds = 3;
  bool enabled = true;
  std::string created_by;
  TimePoint created_at = 0;
  TimePoint updated_at = 0;
};

inline constexpr int kDefaultMinFillSeconds = 3;

// The lead fields a form may ask for: the contact and company fields, and
// free attributes as "attributes.<name>" (name: a-z, 0-9, _). Never the
// campaign, external id or caller, which a public form cannot set.
bool is_form_field(std::string_view name);
// What a person reads beside a field: "Email", "First name", "Budget".
std::string form_field_label(std::string_view name);
// The longest value a field takes (the lead field's limit).
size_t form_field_max_length(std::string_view name);

// Checks a form's settings (not its campaign's existence, which the caller
// checks): kInvalidValue / kMissingField naming the field at fault.
Status check_web_form(const WebForm& f);

// {"id","key","campaign","title","fields","required","origins","consents",
//  "double_opt_in","redirect_url","thank_you","min_fill_seconds","enabled",
//  "created_by","created_at","updated_at"}
Json web_form_json(const WebForm& f);
// Reads the settings of a form from a JSON object into `f` (the keys of
// web_form_json that a caller may set; each one present replaces f's).
// kUnknownField / kWrongType naming the field; check_web_form after it.
Status parse_web_form(const Json& j, WebForm& f);

// What a person (or a bot) sent: field values by form field name, and the
// channels whose consent box was checked.
struct FormSubmission {
  std::map<std::string, std::string> values;
  std::set<std::string> consents;
};

// A problem the person can fix, shown beside the field ("" : the form).
struct FormFieldError {
  std::string field;
  std::string message;
};

// The lead a submission to `form` describes (its campaign, the fields it
// shows, trimmed), or the problems with it in `errors`: a value that is not
// UTF-8 or too long, a required field or box left empty, a number that is
// not one.
Lead form_lead(const WebForm& form, const FormSubmission& in, std::vector<FormFieldError>& errors);

}  // namespace leadloop
