// The HTML of web forms (access/web_forms.h): the hosted page at /f/<key>
// (no scripts; works in any browser), its thank-you and message pages, and
// the snippet a campaign's own site embeds (the same form, with a small
// script that fetches the signed stamp and posts JSON). Every text from a
// form or a person is escaped. Pure functions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "access/web_forms.h"
#include "api/form_post.h"

namespace leadloop::api {

struct FormView {
  const WebForm& form;
  std::string stamp;                         // "" in the snippet: its script fills it in
  std::map<std::string, std::string> values;  // what the person entered
  std::set<std::string> consents;            // the boxes they checked
  std::vector<FormFieldError> errors;
};

// The hosted page with the form (errors above it and beside their fields).
std::string form_page(const FormView& v);
// After a post, when the form has no redirect.
std::string form_thanks_page(const WebForm& form, bool confirm_email);
// A form that does not exist, a confirmation, a link that does not work.
std::string form_message_page(const std::string& title, const std::string& message);
// The snippet for another site: the form posting to `action` (an absolute
// URL of /f/<key>) and its script.
std::string form_snippet(const WebForm& form, const std::string& action);
// What the thank-you page and a script's answer say.
std::string form_thanks_text(const WebForm& form, bool confirm_email);

}  // namespace leadloop::api
