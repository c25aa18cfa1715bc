#include "api/form_page.h"

#include <algorithm>

#include "domain/html.h"

namespace leadloop::api {

namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}"
    "label{display:block;margin:.8rem 0 .2rem;font-weight:600}input{font:inherit;width:100%;box-sizing:border-box;"
    "padding:.4rem}.ll-consent label{font-weight:400;display:flex;gap:.5rem;align-items:flex-start}"
    ".ll-consent input{width:auto;margin-top:.35rem}.ll-error{color:#b3261e;margin:.2rem 0}"
    ".ll-summary{background:#fdecea;border:1px solid #f5c2c0;padding:.5rem .8rem;border-radius:4px}"
    "button{font:inherit;padding:.5rem 1.4rem;margin-top:1rem}";

// Off screen for people, there for bots; not announced, not in the tab order.
constexpr std::string_view kHoneypotStyle = "position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden";

struct InputKind {
  std::string_view field;
  std::string_view type;
  std::string_view autocomplete;
};
constexpr InputKind kInputKinds[] = {
    {"email", "email", "email"},         {"phone", "tel", "tel"},
    {"first_name", "text", "given-name"}, {"last_name", "text", "family-name"},
    {"company", "text", "organization"}, {"title", "text", "organization-title"},
    {"country", "text", "country-name"}, {"employees", "text", "off"},
};

std::string page(std::string_view title, const std::string& body) {
  return html_document(title, kStyle, "<main>" + body + "</main>");
}

const FormFieldError* error_for(const FormView& v, const std::string& field) {
  auto it = std::find_if(v.errors.begin(), v.errors.end(), [&](const FormFieldError& e) { return e.field == field; });
  return it == v.errors.end() ? nullptr : &*it;
}

// "email" -> "ll-email"; "attributes.budget" -> "ll-attributes-budget".
std::string input_id(const std::string& name) {
  std::string id = "ll-" + name;
  std::replace(id.begin(), id.end(), '.', '-');
  return id;
}

void field_input(std::string& h, const FormView& v, const std::string& name) {
  const std::string id = input_id(name);
  const bool required = std::find(v.form.required.begin(), v.form.required.end(), name) != v.form.required.end();
  std::string type = "text", autocomplete = "on";
  for (const auto& k : kInputKinds) {
    if (k.field == name) type = k.type, autocomplete = k.autocomplete;
  }
  h += "<label for=\"" + id + "\">" + html_escape(form_field_label(name)) + (required ? " (required)" : "") +
       "</label>";
  const FormFieldError* e = error_for(v, name);
  if (e) h += "<p class=\"ll-error\" id=\"" + id + "-error\">" + html_escape(e->message) + "</p>";
  auto value = v.values.find(name);
  h += "<input id=\"" + id + "\" name=\"" + html_escape(name) + "\" type=\"" + type + "\" autocomplete=\"" +
       autocomplete + "\" maxlength=\"" + std::to_string(form_field_max_length(name)) + "\"";
  if (name == "employees") h += " inputmode=\"numeric\"";
  if (required) h += " required";
  if (e) h += " aria-invalid=\"true\" aria-describedby=\"" + id + "-error\"";
  if (value != v.values.end()) h += " value=\"" + html_escape(value->second) + "\"";
  h += ">";
}

void consent_box(std::string& h, const FormView& v, const FormConsentBox& box) {
  const std::string name = kConsentInputPrefix + box.channel;
  const std::string id = "ll-" + name;
  const FormFieldError* e = error_for(v, name);
  h += "<div class=\"ll-consent\">";
  if (e) h += "<p class=\"ll-error\" id=\"" + id + "-error\">" + html_escape(e->message) + "</p>";
  h += "<label for=\"" + id + "\"><input type=\"checkbox\" id=\"" + id + "\" name=\"" + name + "\" value=\"yes\"";
  if (v.consents.count(box.channel)) h += " checked";
  if (box.required) h += " required";
  if (e) h += " aria-invalid=\"true\" aria-describedby=\"" + id + "-error\"";
  h += "> <span>" + html_escape(box.wording) + (box.required ? " (required)" : "") + "</span></label></div>";
}

// The <form>: posts to `action` ("" : back to the page's own URL).
std::string form_element(const FormView& v, const std::string& action) {
  std::string h = "<form class=\"leadloop-form\" method=\"post\"";
  if (!action.empty()) h += " action=\"" + html_escape(action) + "\"";
  h += " novalidate>";
  if (!v.errors.empty()) {
    h += "<div class=\"ll-summary\" role=\"alert\"><p>Please check the form:</p><ul>";
    for (const auto& e : v.errors) h += "<li>" + html_escape(e.message) + "</li>";
    h += "</ul></div>";
  }
  for (const auto& name : v.form.fields) field_input(h, v, name);
  for (const auto& box : v.form.consents) consent_box(h, v, box);
  h += "<div style=\"" + std::string(kHoneypotStyle) + "\" aria-hidden=\"true\"><label for=\"ll-" + kHoneypotInput +
       "\">Leave this empty</label><input id=\"ll-" + kHoneypotInput + "\" name=\"" + kHoneypotInput +
       "\" tabindex=\"-1\" autocomplete=\"off\"></div>";
  h += "<input type=\"hidden\" name=\"" + std::string(kStampInput) + "\" value=\"" + html_escape(v.stamp) + "\">";
  h += "<button type=\"submit\">Send</button><p data-ll-note role=\"status\" aria-live=\"polite\"></p></form>";
  return h;
}

// The snippet's script: fetches a fresh stamp (CORS: only from an allowed
// origin), then sends the form as JSON and shows the answer in place.
constexpr std::string_view kSnippetScript = R"js(<script>
(function () {
  var form = document.currentScript.previousElementSibling;
  var note = form.querySelector('[data-ll-note]');
  var refused = 'This form cannot be sent from this page.';
  function say(text) { note.textContent = text; }
  fetch(form.action + '/stamp').then(function (r) {
    if (!r.ok) throw new Error(String(r.status));
    return r.json();
  }).then(function (j) { form.elements['_stamp'].value = j.stamp; }, function () { say(refused); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = {};
    new FormData(form).forEach(function (v, k) { body[k] = v; });
    fetch(form.action, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (x) {
        if (!x.ok) { say((x.j.error && x.j.error.message) || 'The form could not be sent.'); return; }
        if (x.j.redirect) { window.location.href = x.j.redirect; return; }
        var p = document.createElement('p');
        p.setAttribute('role', 'status');
        p.textContent = x.j.message;
        form.replaceWith(p);
      }, function () { say(refused); });
  });
})();
</script>)js";

}  // namespace

std::string form_page(const FormView& v) {
  std::string h = "<h1>" + html_escape(v.form.title) + "</h1>";
  h += "<p>Fields marked (required) must be filled in.</p>";
  h += form_element(v, "");
  return page(v.form.title, h);
}

std::string form_thanks_text(const WebForm& form, bool confirm_email) {
  std::string text = form.thank_you.empty() ? "Thank you: we have received your details." : form.thank_you;
  if (confirm_email) text += " Please confirm your e-mail address with the link we are sending you.";
  return text;
}

std::string form_thanks_page(const WebForm& form, bool confirm_email) {
  return page("Thank you", "<h1>Thank you</h1><p role=\"status\">" +
                               html_escape(form_thanks_text(form, confirm_email)) + "</p>");
}

std::string form_message_page(const std::string& title, const std::string& message) {
  return page(title, "<h1>" + html_escape(title) + "</h1><p>" + html_escape(message) + "</p>");
}

std::string form_snippet(const WebForm& form, const std::string& action) {
  FormView v{form, "", {}, {}, {}};
  return form_element(v, action) + std::string(kSnippetScript);
}

}  // namespace leadloop::api
