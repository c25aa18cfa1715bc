// A public form post on arbitrary bytes, read as POST /f/<key> reads it
// (api/form_post.h): the first byte picks the body's kind (a plain form's
// urlencoded body or a script's JSON), the rest is the body; what it yields
// is made into a lead and checked against the form's fields
// (domain/web_form.h form_lead) as the form's owner set them. Checks: only
// the form's own fields are taken, a checked box is a channel the post
// named (decoded), every value set on the lead is valid UTF-8 and within its limit,
// and a post without errors filled every required field and box.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/form_post.h"
#include "api/http/parsing.h"
#include "domain/normalize.h"
#include "fuzz_check.h"

namespace {

using namespace leadloop;

WebForm the_form() {
  WebForm f;
  f.id = 1;
  f.key = "fuzz";
  f.campaign = "web-1";
  f.title = "Fuzz";
  f.fields = {"email", "first_name", "last_name", "phone", "employees", "attributes.budget"};
  f.required = {"email", "employees"};
  f.consents = {{"email", "Yes, e-mail me", true}, {"phone", "You may call me", false}};
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const WebForm form = the_form();
  if (size == 0) return 0;
  const bool urlencoded = (data[0] & 1) == 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto post = api::parse_form_post(form, urlencoded, body);
  if (!post.ok()) {
    FUZZ_CHECK(!urlencoded);  // a form's body always reads
    return 0;
  }
  for (const auto& [name, value] : post->submission.values) {
    FUZZ_CHECK(std::find(form.fields.begin(), form.fields.end(), name) != form.fields.end());
    (void)value;
  }
  // A form's names are decoded one by one; no %XX spans a '&' or '=', so
  // each is a slice of the whole body decoded. (A script's JSON may escape.)
  const std::string decoded = urlencoded ? http::percent_decode(body, true) : std::string();
  for (const auto& channel : post->submission.consents) {
    if (urlencoded) FUZZ_CHECK(decoded.find(api::kConsentInputPrefix + channel) != std::string::npos);
  }
  std::vector<FormFieldError> errors;
  const Lead lead = form_lead(form, post->submission, errors);
  FUZZ_CHECK(lead.source_campaign == form.campaign);
  for (const auto& e : errors) FUZZ_CHECK(!e.message.empty());
  for (const auto& f : lead_text_fields()) {
    const std::string& v = lead.*f.member;
    FUZZ_CHECK(is_valid_utf8(v));
    if (!v.empty()) FUZZ_CHECK(v.size() <= form_field_max_length(std::string(f.name)));
  }
  if (errors.empty()) {
    FUZZ_CHECK(!lead.email.empty());
    FUZZ_CHECK(lead.employees.has_value() && *lead.employees >= 0);
    FUZZ_CHECK(post->submission.consents.count("email") == 1);
  }
  return 0;
}
