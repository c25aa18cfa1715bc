#include "nurture/programme.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "definition/yaml_load.h"

namespace leadloop {

namespace {

constexpr std::string_view kTopKeys[] = {"name", "description", "goal", "holdout", "frequency_cap", "steps"};
constexpr std::string_view kStepKinds[] = {"send", "wait", "branch", "set", "notify", "exit"};

class Checker {
 public:
  void add(const YAML::Node& at, std::string path, std::string message) {
    DefinitionIssue i;
    if (at.IsDefined() && at.Mark().line >= 0) {
      i.line = at.Mark().line + 1;
      i.column = at.Mark().column + 1;
    }
    i.path = std::move(path);
    i.message = std::move(message);
    issues.push_back(std::move(i));
  }
  std::vector<DefinitionIssue> issues;
};

bool is_one_of(std::string_view s, std::span<const std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

void check_keys(Checker& c, const YAML::Node& map, const std::string& path, std::span<const std::string_view> keys) {
  for (const auto& kv : map) {
    const std::string k = kv.first.Scalar();
    if (!is_one_of(k, keys)) {
      std::string all;
      for (auto x : keys) all += (all.empty() ? "" : ", ") + std::string(x);
      c.add(kv.first, path.empty() ? k : path + "." + k, "unknown key '" + k + "'; expected " + all);
    }
  }
}

std::optional<std::string> text(Checker& c, const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) {
    c.add(n, path, "expected a text");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<int64_t> integer(Checker& c, const YAML::Node& n, const std::string& path, int64_t lo, int64_t hi) {
  int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<int64_t>::decode(n, v) || v < lo || v > hi) {
    c.add(n, path, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

std::shared_ptr<const Expression> condition(Checker& c, const YAML::Node& n, const std::string& path) {
  auto t = text(c, n, path);
  if (!t) return nullptr;
  auto compiled = Expression::compile(*t, {n.Mark().line + 1, n.Mark().column + 1});
  if (auto* e = std::get_if<ExprError>(&compiled)) {
    c.issues.push_back({e->pos.line, e->pos.column, path, e->message});
    return nullptr;
  }
  return std::make_shared<const Expression>(std::get<Expression>(std::move(compiled)));
}

void read_wait(Checker& c, const YAML::Node& n, const std::string& path, WaitSpec& w) {
  if (!n.IsMap() || n.size() != 1) {
    c.add(n, path, "expected one of {days: N}, {hours: N}, {business_days: N}, {until: date}, {quiet_hours: {...}}");
    return;
  }
  const std::string kind = n.begin()->first.Scalar();
  const YAML::Node v = n.begin()->second;
  const std::string at = path + "." + kind;
  if (kind == "days" || kind == "hours" || kind == "minutes") {
    auto x = integer(c, v, at, 1, kind == "days" ? 3650 : kind == "hours" ? 87600 : 5256000);
    const TimePoint unit = kind == "days" ? kMillisPerDay : kind == "hours" ? kMillisPerHour : kMillisPerMinute;
    w.kind = WaitSpec::Kind::kDuration;
    if (x) w.millis = *x * unit;
  } else if (kind == "business_days") {
    w.kind = WaitSpec::Kind::kBusinessDays;
    if (auto x = integer(c, v, at, 1, 2600)) w.business_days = static_cast<int>(*x);
  } else if (kind == "until") {
    w.kind = WaitSpec::Kind::kUntil;
    auto t = text(c, v, at);
    if (!t) return;
    auto day = parse_date(*t);
    if (day.ok()) {
      w.until = static_cast<TimePoint>(*day) * kMillisPerDay;
    } else if (auto time = parse_time(*t); time.ok()) {
      w.until = *time;
    } else {
      c.add(v, at, "expected a date (2026-03-01) or a time (2026-03-01T09:00:00Z)");
    }
  } else if (kind == "quiet_hours") {
    w.kind = WaitSpec::Kind::kQuietHours;
    if (v.IsScalar() && v.Scalar() == "true") return;  // the defaults, 21 to 8
    if (!v.IsMap()) return c.add(v, at, "expected true or {from: 21, to: 8} (local hours)");
    constexpr std::string_view kKeys[] = {"from", "to"};
    check_keys(c, v, at, kKeys);
    if (v["from"].IsDefined()) {
      if (auto x = integer(c, v["from"], at + ".from", 0, 23)) w.quiet_from = static_cast<int>(*x);
    }
    if (v["to"].IsDefined()) {
      if (auto x = integer(c, v["to"], at + ".to", 0, 23)) w.quiet_to = static_cast<int>(*x);
    }
  } else {
    c.add(n.begin()->first, at, "unknown wait '" + kind + "'; use days, hours, minutes, business_days, until or quiet_hours");
  }
}

void read_branch(Checker& c, const YAML::Node& n, const std::string& path, BranchSpec& b) {
  if (!n.IsMap()) return c.add(n, path, "expected {engaged: [...], within_days: N, then: step, else: step} or {when: ...}");
  constexpr std::string_view kKeys[] = {"engaged", "within_days", "when", "then", "else"};
  check_keys(c, n, path, kKeys);
  if (n["engaged"].IsDefined() == n["when"].IsDefined()) {
    return c.add(n, path, "a branch has either engaged: or when:");
  }
  if (YAML::Node e = n["engaged"]; e.IsDefined()) {
    std::vector<YAML::Node> items;
    if (e.IsSequence()) {
      for (const auto& x : e) items.push_back(x);
    } else {
      items.push_back(e);
    }
    for (const auto& x : items) {
      auto t = text(c, x, path + ".engaged");
      if (!t) continue;
      if (!is_one_of(*t, kEngagements)) {
        c.add(x, path + ".engaged", "'" + *t + "' is not an engagement; use opened, clicked, replied, touched or form");
      } else {
        b.engaged.push_back(*t);
      }
    }
    if (b.engaged.empty() && c.issues.empty()) c.add(e, path + ".engaged", "name at least one engagement");
    if (n["within_days"].IsDefined()) {
      if (auto x = integer(c, n["within_days"], path + ".within_days", 1, 365)) b.within_days = static_cast<int>(*x);
    }
  } else {
    b.when = condition(c, n["when"], path + ".when");
    if (n["when"].IsScalar()) b.when_text = n["when"].Scalar();
  }
  b.then_key = n["then"].IsDefined() ? text(c, n["then"], path + ".then").value_or("next") : "next";
  b.else_key = n["else"].IsDefined() ? text(c, n["else"], path + ".else").value_or("next") : "next";
}

void read_set(Checker& c, const YAML::Node& n, const std::string& path, SetSpec& s) {
  if (!n.IsMap()) return c.add(n, path, "expected {field: name, value: text} or {score: 50 | \"+10\" | \"-5\"}");
  constexpr std::string_view kKeys[] = {"field", "value", "score"};
  check_keys(c, n, path, kKeys);
  if (YAML::Node sc = n["score"]; sc.IsDefined()) {
    auto t = text(c, sc, path + ".score");
    if (!t || t->empty()) return;
    s.relative = (*t)[0] == '+' || (*t)[0] == '-';
    int64_t v = 0;
    try {
      size_t used = 0;
      v = std::stoll(*t, &used);
      if (used != t->size()) throw std::invalid_argument("rest");
    } catch (const std::exception&) {
      return c.add(sc, path + ".score", "expected a score 0..100, or a change such as \"+10\"");
    }
    if (v < -100 || v > 100 || (!s.relative && v < 0)) {
      return c.add(sc, path + ".score", "a score is 0..100, a change -100..+100");
    }
    s.score = static_cast<int>(v);
    if (n["field"].IsDefined()) c.add(n["field"], path + ".field", "set either a field or the score");
    return;
  }
  auto field = n["field"].IsDefined() ? text(c, n["field"], path + ".field") : std::nullopt;
  if (!field) return c.add(n, path, "set needs field: (or score:)");
  bool known = field->starts_with("attributes.") && field->size() > 11;
  for (const LeadTextField& f : lead_text_fields()) {
    if (f.name == *field && f.name != "email") known = true;
  }
  if (!known) return c.add(n["field"], path + ".field", "'" + *field + "' is not a field a programme sets; use a lead field such as title or attributes.<key>");
  s.field = *field;
  if (!n["value"].IsDefined()) return c.add(n, path, "set needs value:");
  s.value = text(c, n["value"], path + ".value").value_or("");
}

void read_step(Checker& c, const YAML::Node& n, size_t i, ProgrammeStep& s) {
  const std::string path = "steps[" + std::to_string(i) + "]";
  if (!n.IsMap()) return c.add(n, path, "expected a step such as {send: nurture.welcome} or {wait: {days: 3}}");
  std::string kind;
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    if (k == "key") continue;
    if (!is_one_of(k, kStepKinds)) {
      c.add(kv.first, path + "." + k, "unknown step '" + k + "'; use send, wait, branch, set, notify or exit");
      return;
    }
    if (!kind.empty()) return c.add(kv.first, path, "a step does one thing: '" + kind + "' or '" + k + "'");
    kind = k;
  }
  if (kind.empty()) return c.add(n, path, "a step needs one of send, wait, branch, set, notify or exit");
  s.key = n["key"].IsDefined() ? text(c, n["key"], path + ".key").value_or("") : "step" + std::to_string(i + 1);
  const YAML::Node v = n[kind];
  const std::string at = path + "." + kind;
  if (kind == "send") {
    s.kind = StepKind::kSend;
    s.template_name = text(c, v, at).value_or("");
    if (!s.template_name.starts_with("nurture")) {
      c.add(v, at, "a programme sends a nurture template: 'nurture' or 'nurture.<name>'");
    }
  } else if (kind == "wait") {
    s.kind = StepKind::kWait;
    read_wait(c, v, at, s.wait);
  } else if (kind == "branch") {
    s.kind = StepKind::kBranch;
    read_branch(c, v, at, s.branch);
  } else if (kind == "set") {
    s.kind = StepKind::kSet;
    read_set(c, v, at, s.set);
  } else if (kind == "notify") {
    s.kind = StepKind::kNotify;
    s.text = text(c, v, at).value_or("");
    if (s.text.size() > 1000) c.add(v, at, "a notification is at most 1000 characters");
  } else {
    s.kind = StepKind::kExit;
    s.text = v.IsNull() ? "done" : text(c, v, at).value_or("done");
  }
}

int resolve(Checker& c, const Programme& p, const YAML::Node& at, const std::string& path, const std::string& key) {
  if (key == "next") return -1;
  if (key == "exit") return -2;
  int i = step_index(p, key);
  if (i < 0) c.add(at, path, "no step with key '" + key + "'");
  return i;
}

}  // namespace

std::string_view step_kind_name(StepKind k) {
  return kStepKinds[static_cast<size_t>(k)];
}

bool valid_programme_key(std::string_view key) {
  if (key.empty() || key.size() > 64 || !std::isalnum(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

int step_index(const Programme& p, std::string_view key) {
  for (size_t i = 0; i < p.steps.size(); ++i) {
    if (p.steps[i].key == key) return static_cast<int>(i);
  }
  return -1;
}

ParsedProgramme parse_programme(std::string_view text_in) {
  ParsedProgramme out;
  auto loaded = load_yaml_map(text_in, "expected a programme with name: and steps:", out.issues);
  if (!loaded) return out;
  const YAML::Node& root = *loaded;
  Checker c;
  auto p = std::make_shared<Programme>();
  try {
    check_keys(c, root, "", kTopKeys);
    if (!root["name"].IsDefined()) {
      c.add(root, "name", "a programme needs a name");
    } else {
      p->name = text(c, root["name"], "name").value_or("");
    }
    if (root["description"].IsDefined()) p->description = text(c, root["description"], "description").value_or("");
    if (root["goal"].IsDefined()) {
      p->goal = condition(c, root["goal"], "goal");
      if (root["goal"].IsScalar()) p->goal_text = root["goal"].Scalar();
    }
    if (root["holdout"].IsDefined()) {
      if (auto x = integer(c, root["holdout"], "holdout", 0, 50)) p->holdout_percent = static_cast<int>(*x);
    }
    if (YAML::Node cap = root["frequency_cap"]; cap.IsDefined()) {
      constexpr std::string_view kKeys[] = {"sends", "days"};
      if (!cap.IsMap()) {
        c.add(cap, "frequency_cap", "expected {sends: N, days: D}");
      } else {
        check_keys(c, cap, "frequency_cap", kKeys);
        if (cap["sends"].IsDefined()) {
          if (auto x = integer(c, cap["sends"], "frequency_cap.sends", 1, 100)) p->cap_sends = static_cast<int>(*x);
        }
        if (cap["days"].IsDefined()) {
          if (auto x = integer(c, cap["days"], "frequency_cap.days", 1, 365)) p->cap_days = static_cast<int>(*x);
        }
      }
    }
    YAML::Node steps = root["steps"];
    if (!steps.IsSequence() || steps.size() == 0) {
      c.add(steps.IsDefined() ? steps : root, "steps", "a programme needs a list of steps");
    } else if (steps.size() > 200) {
      c.add(steps, "steps", "a programme has at most 200 steps");
    } else {
      p->steps.resize(steps.size());
      for (size_t i = 0; i < steps.size(); ++i) read_step(c, steps[i], i, p->steps[i]);
      std::set<std::string> keys;
      for (size_t i = 0; i < p->steps.size(); ++i) {
        const std::string& k = p->steps[i].key;
        if (!k.empty() && !keys.insert(k).second) c.add(steps[i], "steps[" + std::to_string(i) + "].key", "the key '" + k + "' is used twice");
        if (k == "next" || k == "exit") c.add(steps[i], "steps[" + std::to_string(i) + "].key", "'" + k + "' is a reserved word");
      }
      for (size_t i = 0; i < p->steps.size(); ++i) {
        ProgrammeStep& s = p->steps[i];
        if (s.kind != StepKind::kBranch) continue;
        const std::string at = "steps[" + std::to_string(i) + "].branch";
        s.branch.then_index = resolve(c, *p, steps[i]["branch"], at + ".then", s.branch.then_key);
        s.branch.else_index = resolve(c, *p, steps[i]["branch"], at + ".else", s.branch.else_key);
      }
    }
  } catch (const YAML::Exception& e) {
    out.issues.push_back({e.mark.line + 1, e.mark.column + 1, "", std::string("the document could not be read: ") + e.what()});
  }
  for (auto& i : c.issues) out.issues.push_back(std::move(i));
  if (out.issues.empty()) out.programme = std::move(p);
  return out;
}

int country_utc_offset_minutes(std::string_view country) {
  struct Zone {
    std::string_view code;
    int minutes;
  };
  static constexpr Zone kZones[] = {
      {"US", -300}, {"CA", -300}, {"MX", -360}, {"BR", -180}, {"AR", -180}, {"CL", -240}, {"CO", -300},
      {"GB", 0},    {"IE", 0},    {"PT", 0},    {"IS", 0},    {"DE", 60},   {"FR", 60},   {"NL", 60},
      {"BE", 60},   {"LU", 60},   {"AT", 60},   {"CH", 60},   {"IT", 60},   {"ES", 60},   {"DK", 60},
      {"SE", 60},   {"NO", 60},   {"PL", 60},   {"CZ", 60},   {"SK", 60},   {"HU", 60},   {"SI", 60},
      {"HR", 60},   {"FI", 120},  {"EE", 120},  {"LV", 120},  {"LT", 120},  {"GR", 120},  {"RO", 120},
      {"BG", 120},  {"IL", 120},  {"ZA", 120},  {"EG", 120},  {"TR", 180},  {"SA", 180},  {"AE", 240},
      {"IN", 330},  {"SG", 480},  {"CN", 480},  {"HK", 480},  {"JP", 540},  {"KR", 540},  {"AU", 600},
      {"NZ", 720},
  };
  std::string code;
  for (char ch : country) code += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const Zone& z : kZones) {
    if (z.code == code) return z.minutes;
  }
  return 0;
}

TimePoint wait_end(const WaitSpec& w, const Lead& lead, TimePoint now) {
  switch (w.kind) {
    case WaitSpec::Kind::kDuration:
      return now + w.millis;
    case WaitSpec::Kind::kUntil:
      return std::max(now, w.until);
    case WaitSpec::Kind::kBusinessDays: {
      // Counted in whole UTC days from the next one; the time of day kept.
      TimePoint t = now;
      for (int left = w.business_days; left > 0;) {
        t += kMillisPerDay;
        const int weekday = static_cast<int>((day_of(t) + 3) % 7);  // 0: Monday (1970-01-01 was a Thursday)
        if (weekday < 5) --left;
      }
      return t;
    }
    case WaitSpec::Kind::kQuietHours: {
      const TimePoint offset = static_cast<TimePoint>(country_utc_offset_minutes(lead.country)) * kMillisPerMinute;
      const TimePoint local = now + offset;
      const TimePoint day_start = static_cast<TimePoint>(day_of(local)) * kMillisPerDay;
      const int hour = static_cast<int>((local - day_start) / kMillisPerHour);
      const bool quiet = w.quiet_from > w.quiet_to ? (hour >= w.quiet_from || hour < w.quiet_to)
                                                   : (hour >= w.quiet_from && hour < w.quiet_to);
      if (!quiet) return now;
      TimePoint end = day_start + static_cast<TimePoint>(w.quiet_to) * kMillisPerHour;
      if (end <= local) end += kMillisPerDay;
      return end - offset;
    }
  }
  return now;
}

}  // namespace leadloop
