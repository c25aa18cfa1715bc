#include "api/definition_page.h"

#include "domain/html.h"

namespace leadloop::api {

namespace {

void rules_list(std::string& h, const std::vector<Rule>& rules, std::string_view joiner) {
  h += "<ol class=\"rules\">";
  for (size_t i = 0; i < rules.size(); ++i) {
    h += "<li><span class=\"says\">" + html_escape(rules[i].says) + "</span>";
    if (rules[i].says != rules[i].when) h += " <code>" + html_escape(rules[i].when) + "</code>";
    if (i + 1 < rules.size()) h += " <em>" + std::string(joiner) + "</em>";
    h += "</li>";
  }
  h += "</ol>";
}

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}"
    "h1{margin-bottom:.2rem}.meta{color:#555}code{background:#f3f3f3;padding:0 .3rem;border-radius:3px}"
    "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}"
    ".hot{color:#b3261e}.warm{color:#b26a00}.cold{color:#1d5fa8}.says{font-weight:600}";

}  // namespace

std::string definition_page(const DefinitionRecord* record, const Definition* d,
                            const std::vector<DefinitionApproval>& approvals) {
  std::string h = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>Lead definition</title><style>";
  h += kStyle;
  h += "</style></head><body>";
  if (!record || !d) {
    h += "<h1>Lead definition</h1><p>No lead definition is active yet. Marketing and sales draft one, both "
         "approve it, then it is activated (see docs/definition.md).</p></body></html>";
    return h;
  }
  h += "<h1>" + html_escape(d->name) + "</h1>";
  h += "<p class=\"meta\">Version " + std::to_string(record->version) + ", active since " +
       html_escape(record->activated_at ? format_time(*record->activated_at) : "") + " (activated by " +
       html_escape(record->activated_by) + "). Content hash <code>" + html_escape(record->hash.substr(0, 16)) + "</code>.</p>";
  if (!d->description.empty()) h += "<p>" + html_escape(d->description) + "</p>";

  h += "<h2>Signed by</h2><ul>";
  for (const auto& a : approvals) {
    if (a.hash != record->hash || !a.counts()) continue;
    h += "<li><strong>" + html_escape(a.side) + "</strong>: " + html_escape(a.actor) + " (" + html_escape(a.role) + "), " +
         html_escape(format_time(a.at)) + "</li>";
  }
  h += "</ul>";

  h += "<h2>What a lead must have</h2>";
  if (d->required_rules.empty()) {
    h += "<p>No required fields.</p>";
  } else {
    h += "<ul>";
    for (const auto& r : d->required_rules) h += "<li>" + html_escape(r.says) + "</li>";
    h += "</ul>";
  }
  if (!d->qualification.empty()) {
    h += "<h2>To be graded at all, a lead must meet all of these</h2>";
    rules_list(h, d->qualification, "and");
  }
  h += "<h2>Grades</h2><p>The first grade whose conditions all hold is the lead's grade; "
       "a lead that meets none is <em>unqualified</em>.</p>";
  for (Grade g : kRuledGrades) {
    const auto& rules = d->grades[ruled_grade_index(g)];
    if (!rules) continue;
    std::string name(grade_name(g));
    h += "<h3 class=\"" + name + "\">" + name + "</h3>";
    if (rules->empty()) {
      h += "<p>Every qualified lead that is not of a grade above.</p>";
    } else {
      rules_list(h, *rules, "and");
    }
    int sla = d->sla_hours[ruled_grade_index(g)];
    if (sla > 0) h += "<p>Follow up within <strong>" + std::to_string(sla) + " hours</strong>.</p>";
  }
  if (d->decay_warm_to_cold_days > 0) {
    h += "<p>A warm lead with no touch for <strong>" + std::to_string(d->decay_warm_to_cold_days) +
         " days</strong> becomes cold.</p>";
  }
  if (!d->score.empty()) {
    h += "<h2>Score (0 to 100)</h2><table><tr><th>Points</th><th>When</th></tr>";
    for (const auto& s : d->score) {
      h += "<tr><td>" + std::string(s.points > 0 ? "+" : "") + std::to_string(s.points) + "</td><td><span class=\"says\">" +
           html_escape(s.rule.says) + "</span>" + (s.rule.says != s.rule.when ? " <code>" + html_escape(s.rule.when) + "</code>" : "") +
           "</td></tr>";
    }
    h += "</table>";
  }
  if (!d->reject_reasons.empty()) {
    h += "<h2>Reasons sales may reject a lead</h2><table><tr><th>Code</th><th>Meaning</th></tr>";
    for (const auto& r : d->reject_reasons) h += "<tr><td><code>" + html_escape(r.code) + "</code></td><td>" + html_escape(r.label) + "</td></tr>";
    h += "</table>";
  }
  if (!d->call_guide.empty()) {
    h += "<h2>The call guide must capture</h2><ol>";
    for (const auto& q : d->call_guide) {
      h += "<li>" + html_escape(q.question) + " <code>data." + html_escape(q.key) + "</code> (" + html_escape(q.type);
      if (!q.choices.empty()) {
        std::string choices;
        for (const auto& c : q.choices) choices += (choices.empty() ? "" : ", ") + c;
        h += ": " + html_escape(choices);
      }
      h += ")</li>";
    }
    h += "</ol>";
  }
  h += "</body></html>";
  return h;
}

}  // namespace leadloop::api
