#include "definition/diff.h"

#include <algorithm>
#include <map>

namespace leadloop {

namespace {

// Two lists of labelled items: those only in `from` are removed, only in
// `to` added; the same key with another value is changed. Order is kept.
using Items = std::vector<std::pair<std::string, std::string>>;  // key, shown value

void diff_items(const std::string& section, const Items& from, const Items& to,
                std::vector<DefinitionChange>& out) {
  auto find = [](const Items& items, const std::string& key) {
    return std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.first == key; });
  };
  for (const auto& [key, value] : from) {
    auto it = find(to, key);
    if (it == to.end()) {
      out.push_back({section, "removed", value, ""});
    } else if (it->second != value) {
      out.push_back({section, "changed", value, it->second});
    }
  }
  for (const auto& [key, value] : to) {
    if (find(from, key) == from.end()) out.push_back({section, "added", "", value});
  }
}

// "  (says: ...)" when a rule's words differ from its condition, else "".
std::string says_of(const Rule& r) { return r.says == r.when ? "" : "  (says: " + r.says + ")"; }

Items rule_items(const std::vector<Rule>& rules) {
  Items items;
  for (const auto& r : rules) items.emplace_back(r.when, r.when + says_of(r));
  return items;
}

void diff_value(const std::string& section, const std::string& from, const std::string& to,
                std::vector<DefinitionChange>& out) {
  if (from != to) out.push_back({section, "changed", from, to});
}

}  // namespace

std::vector<DefinitionChange> diff_definitions(const Definition& from, const Definition& to) {
  std::vector<DefinitionChange> out;
  diff_value("name", from.name, to.name, out);
  diff_value("description", from.description, to.description, out);
  auto required = [](const Definition& d) {
    Items items;
    for (const auto& r : d.required_rules) items.emplace_back(r.says, r.says);
    return items;
  };
  diff_items("required_fields", required(from), required(to), out);
  diff_items("qualification", rule_items(from.qualification), rule_items(to.qualification), out);
  for (Grade g : kRuledGrades) {
    const auto& a = from.grades[ruled_grade_index(g)];
    const auto& b = to.grades[ruled_grade_index(g)];
    std::string section = "grades." + std::string(grade_name(g));
    if (a && !b) out.push_back({section, "removed", "the whole grade", ""});
    if (!a && b) out.push_back({section, "added", "", "the whole grade"});
    diff_items(section, a ? rule_items(*a) : Items{}, b ? rule_items(*b) : Items{}, out);
  }
  auto score = [](const Definition& d) {
    Items items;
    for (const auto& s : d.score) {
      items.emplace_back(s.rule.when, (s.points > 0 ? "+" : "") + std::to_string(s.points) +
                                          " when " + s.rule.when + says_of(s.rule));
    }
    return items;
  };
  diff_items("score", score(from), score(to), out);
  diff_value("decay.warm_to_cold_days", std::to_string(from.decay_warm_to_cold_days),
             std::to_string(to.decay_warm_to_cold_days), out);
  for (Grade g : kRuledGrades) {
    int i = ruled_grade_index(g);
    diff_value("sla_hours." + std::string(grade_name(g)), std::to_string(from.sla_hours[i]),
               std::to_string(to.sla_hours[i]), out);
  }
  auto reasons = [](const Definition& d) {
    Items items;
    for (const auto& r : d.reject_reasons) items.emplace_back(r.code, r.code + ": " + r.label);
    return items;
  };
  diff_items("reject_reasons", reasons(from), reasons(to), out);
  auto guide = [](const Definition& d) {
    Items items;
    for (const auto& q : d.call_guide)
      items.emplace_back(q.key, q.key + " (" + q.type + "): " + q.question);
    return items;
  };
  diff_items("call_guide", guide(from), guide(to), out);
  for (Grade g : kRuledGrades) {
    const int i = ruled_grade_index(g);
    diff_value("routing.by_grade." + std::string(grade_name(g)),
               std::string(grade_action_name(from.routing.by_grade[i])),
               std::string(grade_action_name(to.routing.by_grade[i])), out);
  }
  // Routing rules are tried in order, so a rule is known by its place too.
  auto routing = [](const Definition& d) {
    Items items;
    for (size_t i = 0; i < d.routing.rules.size(); ++i) {
      const RoutingRule& r = d.routing.rules[i];
      const std::string to = r.rep.empty() ? "team " + r.team : "rep " + r.rep;
      items.emplace_back(
          std::to_string(i + 1) + ". " + r.rule.when,
          std::to_string(i + 1) + ". when " + r.rule.when + " -> " + to + says_of(r.rule));
    }
    return items;
  };
  diff_items("routing.rules", routing(from), routing(to), out);
  diff_value("routing.reassign_after_hours", std::to_string(from.routing.reassign_after_hours),
             std::to_string(to.routing.reassign_after_hours), out);
  diff_value("routing.nurture_programme", from.routing.nurture_programme,
             to.routing.nurture_programme, out);
  return out;
}

}  // namespace leadloop
