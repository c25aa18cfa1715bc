// Mail templates: a subject, a plain-text and an HTML body with variables
// written {{lead.name}}. Each notification kind has a built-in template and
// a fixed set of variables; a stored template (admin or marketing, through
// the API) overrides the built-in one. A template naming a variable its
// kind does not have is refused when it is saved, never at send time.
// Rendering escapes every value in the HTML part. Pure functions, plus
// load/save through the Store's settings (thread-safe as the Store is).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/html.h"  // html_escape
#include "domain/status.h"
#include "store/store.h"

namespace leadloop {

struct MailTemplate {
  std::string name;  // a notification kind: "sla_breach", ...
  std::string subject;
  std::string text;
  std::string html;
  bool stored = false;     // false: the built-in one
  std::string updated_by;  // stored ones
  TimePoint updated_at = 0;
};

using TemplateVars = std::map<std::string, std::string, std::less<>>;

// The template names (the notification kinds), in a fixed order.
const std::vector<std::string>& template_names();
// The variables a template of this name may use; empty for an unknown name.
const std::vector<std::string>& template_variables(std::string_view name);
// The built-in template; nullopt for an unknown name.
std::optional<MailTemplate> builtin_template(std::string_view name);

// kNotFound for an unknown name; kInvalidValue (field "subject", "text" or
// "html") for an unknown variable or an unclosed "{{"; kMissingField for
// an empty subject or text; kInvalidUtf8.
Status check_template(const MailTemplate& t);

struct RenderedMail {
  std::string subject;  // line breaks in values become spaces
  std::string text;
  std::string html;     // values HTML-escaped, their line breaks as <br>
};

// REQUIRES: check_template(t) is ok. A variable missing from `vars` renders
// as "".
RenderedMail render_template(const MailTemplate& t, const TemplateVars& vars);

// The stored template of that name, else the built-in one.
Result<MailTemplate> load_template(Store& store, std::string_view name);
// Checks and stores (overrides) a template.
Status save_template(Store& store, MailTemplate t, const std::string& actor, TimePoint now);

}  // namespace leadloop
