#include "definition/document.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "definition/spelling.h"
#include "definition/yaml_load.h"
#include "domain/codec.h"
#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr std::string_view kSections[] = {"name",     "description", "required_fields",
                                          "qualification", "grades", "score",
                                          "decay",    "sla_hours",   "reject_reasons",
                                          "call_guide", "routing"};
constexpr std::string_view kGradeActions[] = {"assign", "nurture", "recycle", "queue"};
constexpr std::string_view kDataPointTypes[] = {"text", "number", "yes_no", "date", "choice"};

// Collects issues while walking the YAML tree; positions come from the
// nodes' marks, so JSON bodies get line and column too.
class Checker {
 public:
  explicit Checker(std::string_view text) : text_(text) {}

  void add(const YAML::Node& at, std::string path, std::string message) {
    DefinitionIssue i;
    if (at.IsDefined() && at.Mark().line >= 0) {
      i.line = at.Mark().line + 1;
      i.column = at.Mark().column + 1;
    }
    i.path = std::move(path);
    i.message = std::move(message);
    issues_.push_back(std::move(i));
  }
  void add_at(SourcePos pos, std::string path, std::string message) {
    issues_.push_back({pos.line, pos.column, std::move(path), std::move(message)});
  }

  // Where the text of a scalar starts: after an opening quote, or on the
  // first line of a block scalar (| or >).
  SourcePos text_start(const YAML::Node& n) const { return position(n, "", 0); }

  // Where the character at `offset` of a scalar's value sits in the file.
  // Walks the source from the scalar's start alongside the value, stepping
  // over what the value does not hold: escapes in double quotes, doubled
  // single quotes, line breaks and the indentation of continued lines.
  SourcePos position(const YAML::Node& n, std::string_view value, size_t offset) const {
    YAML::Mark m = n.Mark();
    if (m.pos < 0 || static_cast<size_t>(m.pos) >= text_.size()) return {m.line + 1, m.column + 1};
    size_t j = static_cast<size_t>(m.pos);
    const char style = text_[j];
    size_t indent = SIZE_MAX;  // block scalars: the content's indentation
    if (style == '"' || style == '\'') {
      ++j;
    } else if (style == '|' || style == '>') {
      size_t nl = text_.find('\n', j);
      if (nl == std::string_view::npos) return {m.line + 1, m.column + 1};
      j = text_.find_first_not_of(' ', nl + 1);
      if (j == std::string_view::npos) j = text_.size();
      indent = j - nl - 1;
    }
    auto skip_break = [&] {
      ++j;  // the line break
      size_t spaces = 0;
      while (j < text_.size() && text_[j] == ' ' && spaces < indent) ++j, ++spaces;
    };
    for (size_t i = 0; i < offset && i < value.size() && j < text_.size(); ++i) {
      char c = text_[j];
      if (style == '"' && c == '\\' && j + 1 < text_.size()) {
        char e = text_[j + 1];
        j += e == 'x' ? 4 : e == 'u' ? 6 : e == 'U' ? 10 : 2;
      } else if (style == '\'' && c == '\'' && j + 1 < text_.size() && text_[j + 1] == '\'') {
        j += 2;
      } else if (c == '\n') {
        skip_break();
      } else {
        ++j;
      }
    }
    SourcePos p{1, 1};
    for (size_t k = 0; k < j && k < text_.size(); ++k) {
      if (text_[k] == '\n') {
        ++p.line;
        p.column = 1;
      } else {
        ++p.column;
      }
    }
    return p;
  }

  std::vector<DefinitionIssue> take() { return std::move(issues_); }
  bool clean() const { return issues_.empty(); }

  // The memory every pattern of the document's rules shares.
  PatternBudget& patterns() { return patterns_; }

 private:
  std::string_view text_;
  std::vector<DefinitionIssue> issues_;
  PatternBudget patterns_;
};

std::string closest(std::string_view word, std::span<const std::string_view> choices) {
  std::string best;
  size_t best_d = 3;
  for (auto c : choices) {
    size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string scalar(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string(); }

// Reads an integer scalar in [lo, hi]; adds an issue otherwise.
std::optional<int> read_int(Checker& c, const YAML::Node& n, const std::string& path, int lo, int hi) {
  if (!n.IsScalar()) {
    c.add(n, path, "expected a whole number");
    return std::nullopt;
  }
  try {
    long v = std::stol(n.Scalar());
    if (std::to_string(v) != n.Scalar() || v < lo || v > hi) throw std::out_of_range("range");
    return static_cast<int>(v);
  } catch (const std::exception&) {
    c.add(n, path,
          "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
              ", not '" + n.Scalar() + "'");
    return std::nullopt;
  }
}

std::string read_text(Checker& c, const YAML::Node& n, const std::string& path, bool required) {
  if (!n.IsDefined() || n.IsNull()) {
    if (required) c.add(n, path, "is missing");
    return {};
  }
  if (!n.IsScalar()) {
    c.add(n, path, "expected text");
    return {};
  }
  std::string s = n.Scalar();
  if (required && s.empty()) c.add(n, path, "must not be empty");
  return s;
}

void check_keys(Checker& c, const YAML::Node& map, const std::string& path,
                std::span<const std::string_view> allowed) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    std::string key = scalar(kv.first);
    if (!seen.insert(key).second) {
      // YAML readers keep one of the two silently; which one differs.
      c.add(kv.first, path.empty() ? key : path + "." + key, "'" + key + "' is written twice; keep one");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string hint = closest(key, allowed);
    std::string message = "unknown key '" + key + "'";
    if (!hint.empty()) message += "; did you mean '" + hint + "'?";
    c.add(kv.first, path.empty() ? key : path + "." + key, message);
  }
}

std::string trimmed(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") + 1 - a);
}

// The offset in `text` of a 1-based line and column.
size_t offset_of(std::string_view text, SourcePos pos) {
  size_t at = 0;
  for (int line = 1; line < pos.line && at < text.size(); ++line) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) return text.size();
    at = nl + 1;
  }
  return std::min(text.size(), at + static_cast<size_t>(std::max(pos.column - 1, 0)));
}

// `keys_checked`: the caller checked the map's keys (a score signal has more).
std::optional<Rule> read_rule(Checker& c, const YAML::Node& n, const std::string& path, bool keys_checked = false) {
  // yaml-cpp nodes are references: assigning one node to another would
  // overwrite the document, so the node is chosen at construction.
  const YAML::Node when_node = n.IsMap() ? n["when"] : n;
  std::string says;
  if (n.IsMap()) {
    constexpr std::string_view kKeys[] = {"when", "says"};
    if (!keys_checked) check_keys(c, n, path, kKeys);
    says = read_text(c, n["says"], path + ".says", false);
  }
  const std::string raw = read_text(c, when_node, path + ".when", true);
  // A block scalar keeps its final line break; a rule is the same rule
  // however it is laid out, so its text is trimmed.
  const size_t lead = raw.find_first_not_of(" \t\r\n");
  if (lead == std::string::npos) {
    if (!raw.empty()) c.add(when_node, path + ".when", "must not be empty");
    return std::nullopt;
  }
  std::string when = raw.substr(lead, raw.find_last_not_of(" \t\r\n") + 1 - lead);
  says = trimmed(says);
  SourcePos pos = c.position(when_node, raw, lead);
  auto compiled = Expression::compile(when, {}, &c.patterns());
  if (auto* err = std::get_if<ExprError>(&compiled)) {
    c.add_at(c.position(when_node, raw, lead + offset_of(when, err->pos)), path + ".when", err->message);
    return std::nullopt;
  }
  Rule r{when, says.empty() ? when : says, path, pos, std::get<Expression>(std::move(compiled))};
  return r;
}

std::vector<Rule> read_rules(Checker& c, const YAML::Node& n, const std::string& path) {
  std::vector<Rule> rules;
  if (!n.IsDefined() || n.IsNull()) return rules;
  if (!n.IsSequence()) {
    c.add(n, path, "expected a list of conditions (each line starting with '- ')");
    return rules;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (auto r = read_rule(c, n[i], path + "[" + std::to_string(i) + "]")) rules.push_back(std::move(*r));
  }
  return rules;
}

bool known_field(std::string_view name) {
  if (name.starts_with("attributes.") || name.starts_with("attr.") || name.starts_with("data.")) {
    return name.find('.') + 1 < name.size();
  }
  for (const auto& f : expression_fields()) {
    if (f.name == name) return true;
  }
  return false;
}

void read_required(Checker& c, const YAML::Node& n, Definition& d) {
  if (!n.IsDefined() || n.IsNull()) return;
  if (!n.IsSequence()) {
    c.add(n, "required_fields", "expected a list of field names, like [company, email or phone]");
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    std::string path = "required_fields[" + std::to_string(i) + "]";
    std::string entry = read_text(c, n[i], path, true);
    std::vector<std::string> alternatives;
    size_t start = 0;
    while (start <= entry.size() && !entry.empty()) {
      size_t sep = entry.find(" or ", start);
      std::string name = entry.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      // Field names ignore case, as in conditions; attribute and data point
      // names after the dot keep theirs.
      if (std::string lower = to_lower_ascii(name); !known_field(name) && known_field(lower)) name = lower;
      if (!known_field(name)) {
        c.add(n[i], path, "'" + name + "' is not a lead field (see the field list in docs/definition.md)");
      } else {
        alternatives.push_back(name);
      }
      if (sep == std::string::npos) break;
      start = sep + 4;
    }
    if (alternatives.empty()) continue;
    std::string when, says;
    for (const auto& a : alternatives) {
      when += (when.empty() ? "" : " or ") + a + " exists";
      says += (says.empty() ? "has " : " or ") + a;
    }
    auto compiled = Expression::compile(when, {}, &c.patterns());
    if (auto* err = std::get_if<ExprError>(&compiled)) {
      c.add(n[i], path, err->message);
      continue;
    }
    d.required_rules.push_back({when, says, path, c.text_start(n[i]), std::get<Expression>(std::move(compiled))});
    d.required_fields.push_back(std::move(alternatives));
  }
}

void read_grades(Checker& c, const YAML::Node& n, Definition& d) {
  if (!n.IsDefined() || n.IsNull()) {
    c.add(n, "grades", "is missing: say what makes a lead hot, warm and cold");
    return;
  }
  if (!n.IsMap()) {
    c.add(n, "grades", "expected hot:, warm: and cold: with their conditions");
    return;
  }
  constexpr std::string_view kKeys[] = {"hot", "warm", "cold"};
  check_keys(c, n, "grades", kKeys);
  for (Grade g : kRuledGrades) {
    std::string name(grade_name(g));
    YAML::Node list = n[name];
    if (!list.IsDefined()) continue;
    d.grades[ruled_grade_index(g)] = read_rules(c, list, "grades." + name);
  }
  if (std::none_of(d.grades.begin(), d.grades.end(), [](const auto& g) { return g.has_value(); })) {
    c.add(n, "grades", "define at least one of hot, warm, cold");
  }
}

void read_score(Checker& c, const YAML::Node& n, Definition& d) {
  if (!n.IsDefined() || n.IsNull()) return;
  if (!n.IsSequence()) {
    c.add(n, "score", "expected a list of signals, each with when: and points:");
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    std::string path = "score[" + std::to_string(i) + "]";
    const YAML::Node& s = n[i];
    if (!s.IsMap()) {
      c.add(s, path, "expected when:, points: and says:");
      continue;
    }
    constexpr std::string_view kKeys[] = {"when", "says", "points"};
    check_keys(c, s, path, kKeys);
    auto points = s["points"].IsDefined() ? read_int(c, s["points"], path + ".points", -100, 100)
                                          : (c.add(s, path + ".points", "is missing"), std::nullopt);
    auto rule = read_rule(c, s, path, true);
    if (rule && points) d.score.push_back({std::move(*rule), *points});
  }
}

void read_policies(Checker& c, const YAML::Node& root, Definition& d) {
  if (YAML::Node decay = root["decay"]; decay.IsDefined() && !decay.IsNull()) {
    constexpr std::string_view kKeys[] = {"warm_to_cold_days"};
    if (!decay.IsMap()) {
      c.add(decay, "decay", "expected warm_to_cold_days: <days>");
    } else {
      check_keys(c, decay, "decay", kKeys);
      if (decay["warm_to_cold_days"].IsDefined()) {
        if (auto v = read_int(c, decay["warm_to_cold_days"], "decay.warm_to_cold_days", 0, 3650)) {
          d.decay_warm_to_cold_days = *v;
        }
      }
    }
  }
  if (YAML::Node sla = root["sla_hours"]; sla.IsDefined() && !sla.IsNull()) {
    constexpr std::string_view kKeys[] = {"hot", "warm", "cold"};
    if (!sla.IsMap()) {
      c.add(sla, "sla_hours", "expected hot:, warm:, cold: with hours");
    } else {
      check_keys(c, sla, "sla_hours", kKeys);
      for (Grade g : kRuledGrades) {
        std::string name(grade_name(g));
        if (!sla[name].IsDefined()) continue;
        if (auto v = read_int(c, sla[name], "sla_hours." + name, 0, 24 * 365)) {
          d.sla_hours[ruled_grade_index(g)] = *v;
        }
      }
    }
  }
}

bool is_code(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

void read_reject_reasons(Checker& c, const YAML::Node& n, Definition& d) {
  if (!n.IsDefined() || n.IsNull()) return;
  if (!n.IsSequence()) {
    c.add(n, "reject_reasons", "expected a list of reasons, each with code: and label:");
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < n.size(); ++i) {
    std::string path = "reject_reasons[" + std::to_string(i) + "]";
    const YAML::Node& r = n[i];
    RejectReason reason;
    if (r.IsScalar()) {
      reason.code = r.Scalar();
    } else if (r.IsMap()) {
      constexpr std::string_view kKeys[] = {"code", "label"};
      check_keys(c, r, path, kKeys);
      if (!r["code"].IsDefined()) {
        c.add(r, path + ".code", "is missing");
        continue;
      }
      reason.code = read_text(c, r["code"], path + ".code", true);
      if (reason.code.empty()) continue;
      reason.label = read_text(c, r["label"], path + ".label", false);
    } else {
      c.add(r, path, "expected code: and label:");
      continue;
    }
    if (reason.label.empty()) reason.label = reason.code;
    const YAML::Node at = r.IsMap() ? r["code"] : r;
    if (!is_code(reason.code)) {
      c.add(at, path + ".code", "a reason code uses a-z, 0-9 and _ only, like no_budget");
    } else if (!seen.insert(reason.code).second) {
      c.add(at, path + ".code", "'" + reason.code + "' is listed twice");
    } else {
      d.reject_reasons.push_back(std::move(reason));
    }
  }
}

void read_call_guide(Checker& c, const YAML::Node& n, Definition& d) {
  if (!n.IsDefined() || n.IsNull()) return;
  if (!n.IsSequence()) {
    c.add(n, "call_guide", "expected a list of questions, each with key: and question:");
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < n.size(); ++i) {
    std::string path = "call_guide[" + std::to_string(i) + "]";
    const YAML::Node& q = n[i];
    if (!q.IsMap()) {
      c.add(q, path, "expected key:, question: and type:");
      continue;
    }
    constexpr std::string_view kKeys[] = {"key", "question", "type", "choices"};
    check_keys(c, q, path, kKeys);
    DataPointSpec spec;
    spec.key = read_text(c, q["key"], path + ".key", true);
    spec.question = read_text(c, q["question"], path + ".question", true);
    if (q["type"].IsDefined()) spec.type = read_text(c, q["type"], path + ".type", true);
    if (std::find(std::begin(kDataPointTypes), std::end(kDataPointTypes), spec.type) ==
        std::end(kDataPointTypes)) {
      c.add(q["type"], path + ".type", "'" + spec.type + "' is not a type; use text, number, yes_no, date or choice");
    }
    if (YAML::Node ch = q["choices"]; ch.IsDefined()) {
      if (!ch.IsSequence()) {
        c.add(ch, path + ".choices", "expected a list");
      } else {
        for (const auto& item : ch) spec.choices.push_back(scalar(item));
      }
    }
    if (spec.type == "choice" && spec.choices.empty()) {
      c.add(q["type"], path + ".choices", "a choice question needs its choices");
    }
    if (spec.key.empty()) continue;
    if (!is_code(spec.key)) {
      c.add(q["key"], path + ".key", "a data point key uses a-z, 0-9 and _ only, like budget_confirmed");
    } else if (!seen.insert(spec.key).second) {
      c.add(q["key"], path + ".key", "'" + spec.key + "' is asked twice");
    } else {
      d.call_guide.push_back(std::move(spec));
    }
  }
}

// A rule that reads data.<key> the call guide never asks is a typo or a
// question missing from the guide; either way callers would never fill it.
void check_data_points(Checker& c, const Definition& d) {
  if (d.call_guide.empty()) return;
  auto check = [&](const Rule& r) {
    for (const auto& input : r.expr.inputs()) {
      if (!input.starts_with("data.")) continue;
      std::string key = input.substr(5);
      bool asked = std::any_of(d.call_guide.begin(), d.call_guide.end(),
                               [&](const DataPointSpec& s) { return s.key == key; });
      if (!asked) {
        c.add_at(r.pos, r.path + ".when",
                 "data." + key + " is not a question of the call guide (call_guide: ... key: " + key + ")");
      }
    }
  };
  for (const auto& r : d.qualification) check(r);
  for (const auto& g : d.grades) {
    if (g) for (const auto& r : *g) check(r);
  }
  for (const auto& s : d.score) check(s.rule);
  for (const auto& r : d.routing.rules) check(r.rule);
}

Json rule_json(const Rule& r) { return {{"when", r.when}, {"says", r.says}}; }

}  // namespace

int ruled_grade_index(Grade g) {
  switch (g) {
    case Grade::kHot: return 0;
    case Grade::kWarm: return 1;
    default: return 2;
  }
}

namespace {

void read_routing_rules(Checker& c, const YAML::Node& n, Routing& routing) {
  if (!n.IsDefined() || n.IsNull()) return;
  if (!n.IsSequence()) {
    c.add(n, "routing.rules", "expected a list of rules, each with when: and team: or rep:");
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string path = "routing.rules[" + std::to_string(i) + "]";
    const YAML::Node item = n[i];
    if (!item.IsMap()) {
      c.add(item, path, "expected when: and team: or rep:");
      continue;
    }
    constexpr std::string_view kKeys[] = {"when", "says", "team", "rep"};
    check_keys(c, item, path, kKeys);
    std::string team = read_text(c, item["team"], path + ".team", false);
    std::string rep = read_text(c, item["rep"], path + ".rep", false);
    if (team.empty() == rep.empty()) {
      c.add(item, path, "give either team: (round-robin in the team) or rep: (one person), not both");
    }
    auto rule = read_rule(c, item, path, true);
    if (!rule) continue;
    RoutingRule r{std::move(*rule), std::move(team), std::move(rep)};
    routing.rules.push_back(std::move(r));
  }
}

void read_routing(Checker& c, const YAML::Node& n, Definition& d) {
  if (!n.IsDefined() || n.IsNull()) return;
  if (!n.IsMap()) {
    c.add(n, "routing", "expected by_grade:, rules: and reassign_after_hours:");
    return;
  }
  Routing& routing = d.routing;
  routing.written = true;
  constexpr std::string_view kKeys[] = {"by_grade", "rules", "reassign_after_hours", "nurture_programme"};
  check_keys(c, n, "routing", kKeys);
  if (YAML::Node by = n["by_grade"]; by.IsDefined() && !by.IsNull()) {
    constexpr std::string_view kGrades[] = {"hot", "warm", "cold"};
    if (!by.IsMap()) {
      c.add(by, "routing.by_grade", "expected hot:, warm:, cold: with assign, nurture, recycle or queue");
    } else {
      check_keys(c, by, "routing.by_grade", kGrades);
      for (Grade g : kRuledGrades) {
        const std::string name(grade_name(g));
        if (!by[name].IsDefined()) continue;
        const std::string path = "routing.by_grade." + name;
        const std::string action = read_text(c, by[name], path, true);
        auto it = std::find(std::begin(kGradeActions), std::end(kGradeActions), action);
        if (it == std::end(kGradeActions)) {
          std::string hint = closest(action, kGradeActions);
          c.add(by[name], path,
                "'" + action + "' is not an action; use assign, nurture, recycle or queue" +
                    (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
          continue;
        }
        routing.by_grade[ruled_grade_index(g)] = static_cast<GradeAction>(it - std::begin(kGradeActions));
      }
    }
  }
  read_routing_rules(c, n["rules"], routing);
  if (n["reassign_after_hours"].IsDefined()) {
    if (auto v = read_int(c, n["reassign_after_hours"], "routing.reassign_after_hours", 0, 24 * 365)) {
      routing.reassign_after_hours = *v;
    }
  }
  if (n["nurture_programme"].IsDefined()) {
    routing.nurture_programme = read_text(c, n["nurture_programme"], "routing.nurture_programme", true);
  }
}

}  // namespace

std::string_view grade_action_name(GradeAction a) { return kGradeActions[static_cast<size_t>(a)]; }

std::optional<GradeAction> grade_action(const Definition& d, Grade g) {
  if (g != Grade::kHot && g != Grade::kWarm && g != Grade::kCold) return std::nullopt;
  return d.routing.by_grade[ruled_grade_index(g)];
}

namespace {
Json routing_json(const Routing& r) {
  Json by = Json::object();
  for (Grade g : kRuledGrades) by[std::string(grade_name(g))] = grade_action_name(r.by_grade[ruled_grade_index(g)]);
  Json rules = Json::array();
  for (const auto& rule : r.rules) {
    Json item = {{"when", rule.rule.when}, {"says", rule.rule.says}};
    if (!rule.team.empty()) item["team"] = rule.team;
    if (!rule.rep.empty()) item["rep"] = rule.rep;
    rules.push_back(item);
  }
  return {{"by_grade", by},
          {"rules", rules},
          {"reassign_after_hours", r.reassign_after_hours},
          {"nurture_programme", r.nurture_programme}};
}
}  // namespace

ParsedDefinition parse_definition(std::string_view text) {
  ParsedDefinition out;
  Checker c(text);
  auto loaded = load_yaml_map(text, "expected a document with name:, grades: and the other sections", out.issues);
  if (!loaded) return out;
  const YAML::Node& root = *loaded;
  auto d = std::make_shared<Definition>();
  try {
    check_keys(c, root, "", kSections);
    d->name = read_text(c, root["name"], "name", true);
    d->description = read_text(c, root["description"], "description", false);
    read_required(c, root["required_fields"], *d);
    if (YAML::Node q = root["qualification"]; q.IsDefined()) d->qualification = read_rules(c, q, "qualification");
    read_grades(c, root["grades"], *d);
    read_score(c, root["score"], *d);
    read_policies(c, root, *d);
    read_reject_reasons(c, root["reject_reasons"], *d);
    read_call_guide(c, root["call_guide"], *d);
    read_routing(c, root["routing"], *d);
    check_data_points(c, *d);
  } catch (const YAML::Exception& e) {
    c.add_at({e.mark.line + 1, e.mark.column + 1}, "", std::string("the document could not be read: ") + e.what());
  }
  out.issues = c.take();
  if (out.issues.empty()) out.definition = std::move(d);
  return out;
}

Status issues_status(const std::vector<DefinitionIssue>& issues) {
  if (issues.empty()) return Status::ok_status();
  const auto& i = issues.front();
  std::string where = i.line > 0 ? "line " + std::to_string(i.line) + ", column " + std::to_string(i.column) + ": " : "";
  std::string more = issues.size() > 1 ? " (and " + std::to_string(issues.size() - 1) + " more)" : "";
  return Status(ErrorCode::kInvalidValue, where + i.message + more, i.path);
}

std::string canonical_json(const Definition& d) {
  Json j;
  j["name"] = d.name;
  j["description"] = d.description;
  Json required = Json::array();
  for (const auto& alts : d.required_fields) {
    std::string entry;
    for (const auto& a : alts) entry += (entry.empty() ? "" : " or ") + a;
    required.push_back(entry);
  }
  j["required_fields"] = required;
  Json qual = Json::array();
  for (const auto& r : d.qualification) qual.push_back(rule_json(r));
  j["qualification"] = qual;
  Json grades = Json::object();
  for (Grade g : kRuledGrades) {
    const auto& rules = d.grades[ruled_grade_index(g)];
    if (!rules) continue;
    Json list = Json::array();
    for (const auto& r : *rules) list.push_back(rule_json(r));
    grades[std::string(grade_name(g))] = list;
  }
  j["grades"] = grades;
  Json score = Json::array();
  for (const auto& s : d.score) score.push_back({{"when", s.rule.when}, {"points", s.points}, {"says", s.rule.says}});
  j["score"] = score;
  j["decay"] = {{"warm_to_cold_days", d.decay_warm_to_cold_days}};
  j["sla_hours"] = {{"hot", d.sla_hours[0]}, {"warm", d.sla_hours[1]}, {"cold", d.sla_hours[2]}};
  Json reasons = Json::array();
  for (const auto& r : d.reject_reasons) reasons.push_back({{"code", r.code}, {"label", r.label}});
  j["reject_reasons"] = reasons;
  Json guide = Json::array();
  for (const auto& q : d.call_guide) {
    Json item = {{"key", q.key}, {"question", q.question}, {"type", q.type}};
    if (!q.choices.empty()) item["choices"] = q.choices;
    guide.push_back(item);
  }
  j["call_guide"] = guide;
  // Only when written, so that documents from before routing keep the hash
  // their approvals signed.
  if (d.routing.written) j["routing"] = routing_json(d.routing);
  return dump_json(j);
}

std::string content_hash(const Definition& d) {
  std::string json = canonical_json(d);
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(json.data()), json.size(),
                     nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return std::string(hex);
}

std::optional<TimePoint> sla_due(const Definition& d, Grade g, TimePoint graded_at) {
  if (g != Grade::kHot && g != Grade::kWarm && g != Grade::kCold) return std::nullopt;
  int hours = d.sla_hours[ruled_grade_index(g)];
  if (hours <= 0) return std::nullopt;
  return graded_at + hours * kMillisPerHour;
}

bool warm_has_decayed(const Definition& d, Grade g, std::optional<TimePoint> last_touch,
                      TimePoint created_at, TimePoint now) {
  if (g != Grade::kWarm || d.decay_warm_to_cold_days <= 0) return false;
  TimePoint since = last_touch.value_or(created_at);
  return now - since >= static_cast<TimePoint>(d.decay_warm_to_cold_days) * kMillisPerDay;
}

bool is_reject_reason(const Definition& d, std::string_view code) {
  return std::any_of(d.reject_reasons.begin(), d.reject_reasons.end(),
                     [&](const RejectReason& r) { return r.code == code; });
}

}  // namespace leadloop
