#include "mail/templates.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr std::string_view kSettingPrefix = "mail_template:";

struct Builtin {
  std::string name;
  std::vector<std::string> variables;
  std::string subject, text, html;
};

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> kBuiltins = {
      {"sla_breach",
       {"recipient.name", "lead.id", "lead.name", "lead.company", "lead.grade", "rep.name", "due_at", "reassign_at",
        "link"},
       "SLA breach: {{lead.name}} ({{lead.company}}) was not followed up",
       "Hello {{recipient.name}},\n\n{{rep.name}} did not follow up lead {{lead.id}}, {{lead.name}} of "
       "{{lead.company}} (grade {{lead.grade}}), by {{due_at}}.\nIt is reassigned at {{reassign_at}} unless "
       "{{rep.name}} acts.\n\n{{link}}\n",
       "<p>Hello {{recipient.name}},</p>\n<p>{{rep.name}} did not follow up lead {{lead.id}}, "
       "<b>{{lead.name}}</b> of {{lead.company}} (grade {{lead.grade}}), by {{due_at}}.<br>\nIt is reassigned at "
       "{{reassign_at}} unless {{rep.name}} acts.</p>\n<p><a href=\"{{link}}\">Open the lead</a></p>\n"},
      {"reassigned",
       {"recipient.name", "lead.id", "lead.name", "lead.company", "lead.grade", "rep.name", "previous_owner",
        "reason", "sla_due_at", "link"},
       "New lead for you: {{lead.name}} ({{lead.company}})",
       "Hello {{rep.name}},\n\nLead {{lead.id}}, {{lead.name}} of {{lead.company}} (grade {{lead.grade}}), is "
       "now yours; it was {{previous_owner}}'s ({{reason}}).\nPlease follow it up by {{sla_due_at}}.\n\n{{link}}\n",
       "<p>Hello {{rep.name}},</p>\n<p>Lead {{lead.id}}, <b>{{lead.name}}</b> of {{lead.company}} (grade "
       "{{lead.grade}}), is now yours; it was {{previous_owner}}'s ({{reason}}).<br>\nPlease follow it up by "
       "{{sla_due_at}}.</p>\n<p><a href=\"{{link}}\">Open the lead</a></p>\n"},
      {"goal_behind",
       {"recipient.name", "goal.id", "goal.name", "goal.metric", "goal.target", "goal.actual", "goal.expected",
        "goal.ends_at", "link"},
       "Goal behind: {{goal.name}}",
       "Hello {{recipient.name}},\n\nThe goal {{goal.name}} is behind: {{goal.actual}} {{goal.metric}} where "
       "{{goal.expected}} were expected by now (target {{goal.target}} by {{goal.ends_at}}).\n\n{{link}}\n",
       "<p>Hello {{recipient.name}},</p>\n<p>The goal <b>{{goal.name}}</b> is behind: {{goal.actual}} "
       "{{goal.metric}} where {{goal.expected}} were expected by now (target {{goal.target}} by "
       "{{goal.ends_at}}).</p>\n<p><a href=\"{{link}}\">Open the goals</a></p>\n"},
      {"feedback_link",
       {"recipient.name", "lead.id", "lead.name", "lead.company", "rep.name", "expires_at", "link"},
       "Your verdict on {{lead.name}} ({{lead.company}})",
       "Hello {{rep.name}},\n\nPlease tell us whether lead {{lead.id}}, {{lead.name}} of {{lead.company}}, is one "
       "you accept. The link works once, until {{expires_at}}:\n\n{{link}}\n",
       "<p>Hello {{rep.name}},</p>\n<p>Please tell us whether lead {{lead.id}}, <b>{{lead.name}}</b> of "
       "{{lead.company}}, is one you accept. The link works once, until {{expires_at}}.</p>\n"
       "<p><a href=\"{{link}}\">Give your verdict</a></p>\n"},
      {"double_opt_in",
       {"recipient.name", "lead.id", "lead.name", "lead.company", "lead.grade", "form.title", "wording",
        "expires_at", "link"},
       "Please confirm your e-mail address",
       "Hello {{lead.name}},\n\nYou asked us to write to you ({{form.title}}): \"{{wording}}\".\n"
       "Please confirm by opening this link before {{expires_at}}:\n\n{{link}}\n\n"
       "If this was not you, ignore this mail and we will not write again.\n",
       "<p>Hello {{lead.name}},</p>\n<p>You asked us to write to you ({{form.title}}): "
       "&ldquo;{{wording}}&rdquo;.</p>\n<p><a href=\"{{link}}\">Confirm my address</a> (before "
       "{{expires_at}})</p>\n<p>If this was not you, ignore this mail and we will not write again.</p>\n"},
      {"nurture_notify",
       {"recipient.name", "lead.id", "lead.name", "lead.company", "lead.grade", "programme", "step", "text",
        "link"},
       "Nurture: {{lead.name}} ({{lead.company}}) needs you",
       "Hello {{recipient.name}},\n\nThe programme {{programme}} asks you to look at lead {{lead.id}}, "
       "{{lead.name}} of {{lead.company}} (grade {{lead.grade}}), at its step {{step}}:\n\n{{text}}\n\n{{link}}\n",
       "<p>Hello {{recipient.name}},</p>\n<p>The programme {{programme}} asks you to look at lead {{lead.id}}, "
       "<b>{{lead.name}}</b> of {{lead.company}} (grade {{lead.grade}}), at its step {{step}}:</p>\n"
       "<blockquote>{{text}}</blockquote>\n<p><a href=\"{{link}}\">Open the lead</a></p>\n"},
      {"nurture",
       {"lead.first_name", "lead.last_name", "lead.name", "lead.company", "lead.title", "programme.name",
        "unsubscribe_url"},
       "{{programme.name}}",
       "Hello {{lead.first_name}},\n\nThank you for your interest. We will keep you posted.\n\n"
       "Unsubscribe: {{unsubscribe_url}}\n",
       "<p>Hello {{lead.first_name}},</p>\n<p>Thank you for your interest. We will keep you posted.</p>\n"
       "<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>\n"},
      {"daily_digest",
       {"recipient.name", "rep.name", "day", "due.count", "due.list", "link"},
       "{{due.count}} lead(s) due on {{day}}",
       "Hello {{rep.name}},\n\nDue on {{day}}: {{due.count}} lead(s).\n\n{{due.list}}\n\n{{link}}\n",
       "<p>Hello {{rep.name}},</p>\n<p>Due on {{day}}: {{due.count}} lead(s).</p>\n<p>{{due.list}}</p>\n"
       "<p><a href=\"{{link}}\">Open my leads</a></p>\n"},
  };
  return kBuiltins;
}

const Builtin* find_builtin(std::string_view name) {
  // A nurture programme's templates (docs/nurture.md) are a family:
  // "nurture.<name>" has the variables of "nurture", and its text until one
  // is stored.
  if (name.starts_with("nurture.")) {
    const std::string_view rest = name.substr(8);
    const bool slug = !rest.empty() && rest.size() <= 64 && std::all_of(rest.begin(), rest.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!slug) return nullptr;
    name = "nurture";
  }
  for (const Builtin& b : builtins()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

// Calls fn(literal) and fn_var(name) along the template; false on an
// unclosed "{{" (and stops).
template <typename Lit, typename Var>
bool walk(std::string_view t, Lit&& lit, Var&& var) {
  size_t i = 0;
  while (i < t.size()) {
    const size_t open = t.find("{{", i);
    if (open == std::string_view::npos) {
      lit(t.substr(i));
      return true;
    }
    lit(t.substr(i, open - i));
    const size_t close = t.find("}}", open + 2);
    if (close == std::string_view::npos) return false;
    var(trim(t.substr(open + 2, close - open - 2)));
    i = close + 2;
  }
  return true;
}

Status check_part(std::string_view part, std::string_view field, const std::vector<std::string>& allowed) {
  std::string unknown;
  const bool closed = walk(part, [](std::string_view) {}, [&](std::string_view name) {
    if (unknown.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      unknown = std::string(name);
    }
  });
  if (!closed) return Status(ErrorCode::kInvalidValue, "a {{ is not closed by }}", std::string(field));
  if (!unknown.empty()) {
    std::string names;
    for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a;
    return Status(ErrorCode::kInvalidValue, "unknown variable {{" + unknown + "}}; this template has " + names,
                  std::string(field));
  }
  return Status();
}

std::string fill(std::string_view t, const TemplateVars& vars, std::string (*transform)(std::string_view)) {
  std::string out;
  walk(t, [&](std::string_view s) { out += s; }, [&](std::string_view name) {
    auto it = vars.find(name);
    if (it != vars.end()) out += transform(it->second);
  });
  return out;
}

std::string as_text(std::string_view v) { return std::string(v); }

std::string as_subject(std::string_view v) {
  std::string out(v);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }, ' ');
  return out;
}

std::string as_html(std::string_view v) {
  std::string escaped = html_escape(v);
  std::string out;
  for (char c : escaped) {
    if (c == '\n') {
      out += "<br>\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& template_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    for (const Builtin& b : builtins()) out.push_back(b.name);
    return out;
  }();
  return kNames;
}

const std::vector<std::string>& template_variables(std::string_view name) {
  static const std::vector<std::string> kNone;
  const Builtin* b = find_builtin(name);
  return b ? b->variables : kNone;
}

std::optional<MailTemplate> builtin_template(std::string_view name) {
  const Builtin* b = find_builtin(name);
  if (!b) return std::nullopt;
  MailTemplate t;
  t.name = std::string(name);
  t.subject = b->subject;
  t.text = b->text;
  t.html = b->html;
  return t;
}

Status check_template(const MailTemplate& t) {
  const Builtin* b = find_builtin(t.name);
  if (!b) return Status(ErrorCode::kNotFound, "no mail template '" + t.name + "'", "name");
  if (trim(t.subject).empty()) return Status(ErrorCode::kMissingField, "a template needs a subject", "subject");
  if (trim(t.text).empty()) return Status(ErrorCode::kMissingField, "a template needs a text part", "text");
  for (const auto& [part, field] : {std::pair{&t.subject, "subject"}, {&t.text, "text"}, {&t.html, "html"}}) {
    if (!is_valid_utf8(*part)) return Status(ErrorCode::kInvalidUtf8, "the template is not UTF-8", field);
    LEADLOOP_RETURN_IF_ERROR(check_part(*part, field, b->variables));
  }
  if (t.subject.find_first_of("\r\n") != std::string::npos) {
    return Status(ErrorCode::kInvalidValue, "the subject is one line", "subject");
  }
  return Status();
}

RenderedMail render_template(const MailTemplate& t, const TemplateVars& vars) {
  return {fill(t.subject, vars, as_subject), fill(t.text, vars, as_text), fill(t.html, vars, as_html)};
}

Result<MailTemplate> load_template(Store& store, std::string_view name) {
  auto builtin = builtin_template(name);
  if (!builtin) return Status(ErrorCode::kNotFound, "no mail template '" + std::string(name) + "'", "name");
  auto stored = store.get_setting(std::string(kSettingPrefix) + std::string(name));
  if (!stored.ok()) return stored.status();
  if (!*stored) return *builtin;
  auto j = nlohmann::json::parse(**stored, nullptr, false);
  if (!j.is_object()) return Status(ErrorCode::kInternal, "the stored template '" + std::string(name) + "' is not JSON");
  MailTemplate t = *builtin;
  t.subject = j.value("subject", t.subject);
  t.text = j.value("text", t.text);
  t.html = j.value("html", t.html);
  t.updated_by = j.value("updated_by", "");
  t.updated_at = j.value("updated_at", TimePoint{0});
  t.stored = true;
  return t;
}

Status save_template(Store& store, MailTemplate t, const std::string& actor, TimePoint now) {
  LEADLOOP_RETURN_IF_ERROR(check_template(t));
  nlohmann::json j = {{"subject", t.subject}, {"text", t.text}, {"html", t.html},
                      {"updated_by", actor},  {"updated_at", now}};
  return store.put_setting(std::string(kSettingPrefix) + t.name, j.dump());
}

}  // namespace leadloop
