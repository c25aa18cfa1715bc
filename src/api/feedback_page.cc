#include "api/feedback_page.h"

#include "domain/html.h"
#include "domain/codec.h"

namespace leadloop::api {

namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}"
    "h1{margin-bottom:.2rem}.meta{color:#555}table{border-collapse:collapse;margin:1rem 0}"
    "th,td{border-bottom:1px solid #eee;padding:.3rem .6rem;text-align:left;vertical-align:top}th{color:#555}"
    ".error{background:#fdecea;border:1px solid #f5c2c0;padding:.5rem .8rem;border-radius:4px}"
    "fieldset{border:1px solid #ddd;border-radius:4px;margin:1rem 0}label{display:block;margin:.3rem 0}"
    "select,textarea{width:100%;box-sizing:border-box;font:inherit}button{font:inherit;padding:.4rem 1.2rem;margin-top:.8rem}"
    ".hot{color:#b3261e}.warm{color:#b26a00}.cold{color:#1d5fa8}";

std::string page(std::string_view title, const std::string& body) {
  return html_document(title, kStyle, body, "<meta name=\"referrer\" content=\"no-referrer\">");
}

std::string display_name(const Lead& l) {
  std::string name = l.first_name;
  if (!l.last_name.empty()) name += (name.empty() ? "" : " ") + l.last_name;
  if (name.empty()) name = l.email.empty() ? "lead " + std::to_string(l.id) : l.email;
  return name;
}

void row(std::string& h, std::string_view label, const std::string& value) {
  if (value.empty()) return;
  h += "<tr><th>" + std::string(label) + "</th><td>" + html_escape(value) + "</td></tr>";
}

std::string grading_summary_of(const Lead& l) {
  Json g = Json::parse(l.grading, nullptr, false);
  auto it = g.is_object() ? g.find("summary") : g.end();
  return g.is_object() && it != g.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string lead_table(const Lead& l, const std::string& campaign_name) {
  std::string h = "<table>";
  row(h, "Name", display_name(l));
  row(h, "Company", l.company);
  row(h, "Title", l.title);
  row(h, "Email", l.email);
  row(h, "Phone", l.phone);
  row(h, "Campaign",
      campaign_name.empty() || campaign_name == l.source_campaign ? l.source_campaign
                                                                   : campaign_name + " (" + l.source_campaign + ")");
  if (l.grade != Grade::kNone) {
    std::string grade(grade_name(l.grade));
    h += "<tr><th>Grade</th><td><strong class=\"" + grade + "\">" + grade + "</strong>, score " +
         std::to_string(l.score) + "</td></tr>";
    row(h, "Why", grading_summary_of(l));
  }
  row(h, "Stage", std::string(stage_name(l.stage)));
  h += "</table>";
  return h;
}

void reason_input(std::string& h, const std::vector<RejectReason>& reasons) {
  h += "<label for=\"reason\">Reason, if you reject</label>";
  if (reasons.empty()) {
    h += "<input id=\"reason\" name=\"reason\" maxlength=\"100\">";
    return;
  }
  h += "<select id=\"reason\" name=\"reason\"><option value=\"\">Choose a reason</option>";
  for (const auto& r : reasons) {
    h += "<option value=\"" + html_escape(r.code) + "\">" + html_escape(r.label.empty() ? r.code : r.label) +
         "</option>";
  }
  h += "</select>";
}

}  // namespace

std::string feedback_form_page(const FeedbackPage& p) {
  std::string h = "<h1>Your feedback on a lead</h1>";
  h += "<p class=\"meta\">For " + html_escape(p.link.rep) + ". This link takes one answer, until " +
       format_time_for_people(p.link.expires_at) + ".</p>";
  if (!p.error.empty()) h += "<p class=\"error\" role=\"alert\">" + html_escape(p.error) + "</p>";
  h += lead_table(p.lead, p.campaign_name);
  const bool can_accept = transition_allowed(p.lead.stage, Stage::kAccepted);
  const bool can_reject = transition_allowed(p.lead.stage, Stage::kRejected);
  if (!can_accept && !can_reject) {
    h += "<p>This lead is " + std::string(stage_name(p.lead.stage)) +
         " now, so there is nothing left to answer. Thank you all the same.</p>";
    return page("Lead feedback", h);
  }
  // No action attribute: the form posts back to this URL, so the page
  // itself never contains the token.
  h += "<form method=\"post\"><fieldset><legend>Will you work this lead?</legend>";
  if (can_accept) {
    h += "<label><input type=\"radio\" name=\"answer\" value=\"accept\" required> Accept: I will follow it up</label>";
  }
  if (can_reject) {
    h += "<label><input type=\"radio\" name=\"answer\" value=\"reject\" required> Reject it</label>";
  }
  h += "</fieldset>";
  if (can_reject) reason_input(h, p.reasons);
  h += "<label for=\"note\">Note (what the marketing team should know)</label>"
       "<textarea id=\"note\" name=\"note\" rows=\"4\" maxlength=\"2000\"></textarea>"
       "<button type=\"submit\">Send my answer</button></form>";
  return page("Lead feedback", h);
}

std::string feedback_done_page(const Lead& lead, const std::string& rep, const std::string& reason_label) {
  std::string h = "<h1>Thank you, " + html_escape(rep) + "</h1><p>" + html_escape(display_name(lead)) + " is now <strong>" +
                  std::string(stage_name(lead.stage)) + "</strong>";
  if (!reason_label.empty()) h += " (" + html_escape(reason_label) + ")";
  h += ". Your answer went to the people who run the campaign; this link is now used up.</p>";
  return page("Thank you", h);
}

std::string feedback_error_page(int http_status, const std::string& message) {
  std::string title = http_status == 409   ? "Already answered"
                      : http_status == 403 ? "This link has expired"
                      : http_status == 401 ? "This link does not work"
                                           : "This link cannot be used";
  std::string sentence = message;
  if (!sentence.empty() && sentence[0] >= 'a' && sentence[0] <= 'z') sentence[0] = static_cast<char>(sentence[0] - 32);
  if (!sentence.empty() && sentence.back() != '.') sentence += '.';
  std::string h = "<h1>" + title + "</h1><p>" + html_escape(sentence) + "</p>";
  if (http_status == 401) {
    h += "<p>Check that the whole link was copied, or ask the person who sent it for a new one.</p>";
  }
  return page(title, h);
}

}  // namespace leadloop::api
