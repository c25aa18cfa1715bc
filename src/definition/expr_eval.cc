// The evaluator: walks a compiled Program for one lead. The hot path reads
// fields as string_views, folds case while comparing and parses dynamic
// values with std::from_chars, so it allocates nothing. Semantics (missing
// values, case folding) are described in expr_program.h.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "definition/expr_program.h"

namespace leadloop::expr {

namespace {

// Lexicographic order on folded bytes, as unsigned chars (like std::string).
int compare_folded(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    auto x = static_cast<unsigned char>(fold_char(a[i]));
    auto y = static_cast<unsigned char>(fold_char(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool contains_folded(std::string_view haystack, std::string_view folded_needle) {
  auto it = std::search(haystack.begin(), haystack.end(), folded_needle.begin(),
                        folded_needle.end(), [](char h, char n) { return fold_char(h) == n; });
  return it != haystack.end();
}

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool holds(CompareOp op, int order) {
  switch (op) {
    case CompareOp::kEq:
      return order == 0;
    case CompareOp::kNe:
      return order != 0;
    case CompareOp::kLt:
      return order < 0;
    case CompareOp::kLe:
      return order <= 0;
    case CompareOp::kGt:
      return order > 0;
    case CompareOp::kGe:
      return order >= 0;
  }
  return false;
}

class Evaluator {
 public:
  Evaluator(const Expression::Program& p, const LeadContext& ctx)
      : p_(p), lead_(*ctx.lead), campaign_(ctx.campaign), now_(ctx.now) {}

  bool condition(uint32_t i) const {
    const Node& n = p_.nodes[i];
    switch (n.op) {
      case Op::kOr:
        for (uint32_t k = n.a; k < n.b; ++k) {
          if (condition(p_.kids[k])) return true;
        }
        return false;
      case Op::kAnd:
        for (uint32_t k = n.a; k < n.b; ++k) {
          if (!condition(p_.kids[k])) return false;
        }
        return true;
      case Op::kNot:
        return !condition(n.a);
      case Op::kTruthy: {
        bool v = false;
        return boolean(n.a, &v) && v;
      }
      case Op::kCompare:
        return compare(n);
      case Op::kIn:
        return in_list(n);
      case Op::kMatches: {
        std::string_view t;
        return text(n.a, &t) && RE2::PartialMatch(t, *p_.patterns[n.b]);
      }
      case Op::kContains: {
        std::string_view t;
        return text(n.a, &t) && contains_folded(t, n.text);
      }
      case Op::kExists:
        return present(n.a) != n.negate;
      default:
        return false;  // values are never compiled as conditions
    }
  }

  // The readers: false when the value is missing (or unreadable as the type).
  bool text(uint32_t i, std::string_view* out) const {
    const Node& n = p_.nodes[i];
    if (n.op == Op::kLiteral) {
      *out = n.text;
      return true;
    }
    if (n.op == Op::kLower) return text(n.a, out);
    *out = trim_spaces(raw_text(n));
    return !out->empty();
  }

  bool number(uint32_t i, double* out) const {
    const Node& n = p_.nodes[i];
    if (n.op == Op::kLiteral) {
      *out = n.number;
      return true;
    }
    switch (n.field) {
      case FieldKind::kEmployees:
        if (!lead_.employees) return false;
        *out = static_cast<double>(*lead_.employees);
        return true;
      case FieldKind::kTouchCount:
        *out = static_cast<double>(lead_.touch_count);
        return true;
      default:
        return parse_number_text(raw_text(n), out);
    }
  }

  bool date(uint32_t i, int64_t* out) const {
    const Node& n = p_.nodes[i];
    if (n.op == Op::kLiteral) {
      *out = n.millis;
      return true;
    }
    switch (n.field) {
      case FieldKind::kCreatedAt:
        *out = lead_.created_at;
        return true;
      case FieldKind::kLastTouch:
        if (!lead_.last_touch_at) return false;
        *out = *lead_.last_touch_at;
        return true;
      default:
        return parse_date_text(raw_text(n), out);
    }
  }

  bool duration(uint32_t i, int64_t* out) const {
    const Node& n = p_.nodes[i];
    switch (n.op) {
      case Op::kLiteral:
        *out = n.millis;
        return true;
      case Op::kDaysSince:
      case Op::kHoursSince: {
        int64_t then = 0;
        if (!date(n.a, &then)) return false;
        *out = now_ - then;
        return true;
      }
      default:
        return parse_duration(trim_spaces(raw_text(n)), true, out);
    }
  }

  bool boolean(uint32_t i, bool* out) const {
    const Node& n = p_.nodes[i];
    switch (n.op) {
      case Op::kLiteral:
        *out = n.boolean;
        return true;
      case Op::kField:
        return parse_bool_text(raw_text(n), out);
      default:
        *out = condition(i);
        return true;
    }
  }

  // "exists": present and not empty.
  bool present(uint32_t i) const {
    const Node& n = p_.nodes[i];
    switch (n.op) {
      case Op::kLiteral:
        return true;
      case Op::kField:
        break;
      default:
        return present(n.a);  // functions: their argument
    }
    switch (n.field) {
      case FieldKind::kEmployees:
        return lead_.employees.has_value();
      case FieldKind::kLastTouch:
        return lead_.last_touch_at.has_value();
      case FieldKind::kCreatedAt:
      case FieldKind::kTouchCount:
        return true;
      default:
        return !trim_spaces(raw_text(n)).empty();
    }
  }

  // A field's text as stored (empty when absent); numbers and dates have none.
  std::string_view raw_text(const Node& n) const {
    switch (n.field) {
      case FieldKind::kLeadText:
        return lead_.*n.member;
      case FieldKind::kStage:
        return stage_name(lead_.stage);
      case FieldKind::kAttribute:
        return find(lead_.attributes, n.key);
      case FieldKind::kDataPoint:
        return find(lead_.data_points, n.key);
      case FieldKind::kCampaignKey:
        return campaign_ ? campaign_->key : std::string_view();
      case FieldKind::kCampaignChannel:
        return campaign_ ? channel_name(campaign_->channel) : std::string_view();
      case FieldKind::kCampaignVendor:
        return campaign_ ? campaign_->vendor : std::string_view();
      case FieldKind::kCampaignOwner:
        return campaign_ ? campaign_->owner : std::string_view();
      case FieldKind::kConsentEmail:
        return consent_name(lead_.consent.email);
      case FieldKind::kConsentPhone:
        return consent_name(lead_.consent.phone);
      case FieldKind::kConsentMail:
        return consent_name(lead_.consent.mail);
      default:
        return {};
    }
  }

 private:
  static std::string_view find(const Attributes& map, const std::string& key) {
    auto it = map.find(key);
    return it == map.end() ? std::string_view() : std::string_view(it->second);
  }

  bool compare(const Node& n) const {
    switch (n.as) {
      case As::kString: {
        std::string_view x, y;
        return text(n.a, &x) && text(n.b, &y) && holds(n.cmp, compare_folded(x, y));
      }
      case As::kNumber: {
        double x = 0, y = 0;
        return number(n.a, &x) && number(n.b, &y) && holds(n.cmp, three_way(x, y));
      }
      case As::kDate: {
        int64_t x = 0, y = 0;
        if (!date(n.a, &x) || !date(n.b, &y)) return false;
        if (n.by_day) {
          x = floor_to_day(x);
          y = floor_to_day(y);
        }
        return holds(n.cmp, three_way(x, y));
      }
      case As::kDuration: {
        int64_t x = 0, y = 0;
        return duration(n.a, &x) && duration(n.b, &y) && holds(n.cmp, three_way(x, y));
      }
      case As::kBool: {
        bool x = false, y = false;
        return boolean(n.a, &x) && boolean(n.b, &y) && holds(n.cmp, three_way(x, y));
      }
    }
    return false;
  }

  // `in` and `not in` with a missing value are both false.
  bool in_list(const Node& n) const {
    const ValueList& list = p_.lists[n.b];
    bool found = false;
    switch (n.as) {
      case As::kString: {
        std::string_view x;
        if (!text(n.a, &x)) return false;
        auto it = std::lower_bound(
            list.texts.begin(), list.texts.end(), x,
            [](const std::string& t, std::string_view v) { return compare_folded(t, v) < 0; });
        found = it != list.texts.end() && equals_folded(*it, x);
        break;
      }
      case As::kNumber: {
        double x = 0;
        if (!number(n.a, &x)) return false;
        found = std::binary_search(list.numbers.begin(), list.numbers.end(), x);
        break;
      }
      case As::kDate:
      case As::kDuration: {
        int64_t x = 0;
        if (!(n.as == As::kDate ? date(n.a, &x) : duration(n.a, &x))) return false;
        if (n.by_day) x = floor_to_day(x);
        found = std::binary_search(list.millis.begin(), list.millis.end(), x);
        break;
      }
      case As::kBool: {
        bool x = false;
        if (!boolean(n.a, &x)) return false;
        found = x ? list.has_true : list.has_false;
        break;
      }
    }
    return found != n.negate;
  }

  const Expression::Program& p_;
  const Lead& lead_;
  const Campaign* campaign_;
  TimePoint now_;
};

// ------------------------------------------------------- describe ---

std::string format_number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

std::string format_duration(int64_t ms) {
  struct Unit {
    int64_t millis;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{kMillisPerDay, "d"}, {kMillisPerHour, "h"}, {60000, "m"}};
  for (const Unit& u : kUnits) {
    if (ms % u.millis == 0) return std::to_string(ms / u.millis) + u.suffix;
  }
  return format_number(static_cast<double>(ms) / 60000.0) + "m";
}

// A date as people write it: 2026-03-01, or 2026-03-01T10:15Z with a time.
std::string format_moment(int64_t ms) {
  if (ms % kMillisPerDay == 0) return format_date(static_cast<Days>(ms / kMillisPerDay));
  std::string t = format_time(ms);  // 2026-03-01T10:15:00.000Z
  constexpr std::string_view kZeroSeconds = ":00.000Z";
  if (t.size() > kZeroSeconds.size() && t.ends_with(kZeroSeconds)) {
    t.resize(t.size() - kZeroSeconds.size());
    t += 'Z';
  }
  return t;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One input as "name = value", "name missing", or for a dynamic text that
// does not read as the type it was compared with, `name = "soon" (not a
// duration)`.
std::string describe_input(const Evaluator& e, const std::string& name, uint32_t node, As shown,
                           bool dynamic) {
  std::string value;
  bool ok = false;
  switch (shown) {
    case As::kString: {
      std::string_view t;
      ok = e.text(node, &t);
      if (ok) value = quote(t);
      break;
    }
    case As::kNumber: {
      double v = 0;
      ok = e.number(node, &v);
      if (ok) value = format_number(v);
      break;
    }
    case As::kDate: {
      int64_t v = 0;
      ok = e.date(node, &v);
      if (ok) value = format_moment(v);
      break;
    }
    case As::kDuration: {
      int64_t v = 0;
      ok = e.duration(node, &v);
      if (ok) value = format_duration(v);
      break;
    }
    case As::kBool: {
      bool v = false;
      ok = e.boolean(node, &v);
      if (ok) value = v ? "true" : "false";
      break;
    }
  }
  if (ok) return name + " = " + value;
  std::string_view raw;
  if (dynamic && e.text(node, &raw)) {
    static constexpr const char* kTypeNames[] = {"a text", "a number", "a date", "a duration",
                                                 "yes/no"};
    return name + " = " + quote(raw) + " (not " + kTypeNames[static_cast<size_t>(shown)] + ")";
  }
  return name + " missing";
}

}  // namespace

std::string_view trim_spaces(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string fold_text(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = fold_char(c);
  return out;
}

bool parse_number_text(std::string_view s, double* out) {
  s = trim_spaces(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(*out);
}

bool parse_bool_text(std::string_view s, bool* out) {
  s = trim_spaces(s);
  for (std::string_view t : {"true", "yes", "1"}) {
    if (equals_folded(s, t)) return *out = true, true;
  }
  for (std::string_view f : {"false", "no", "0"}) {
    if (equals_folded(s, f)) return *out = false, true;
  }
  return false;
}

bool parse_date_text(std::string_view s, int64_t* out) {
  s = trim_spaces(s);
  // Cheap shape check first: parse_time builds an error message on failure.
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  Result<TimePoint> t = parse_time(s);
  if (!t.ok()) return false;
  *out = *t;
  return true;
}

bool evaluate(const Expression::Program& p, const LeadContext& ctx) {
  return Evaluator(p, ctx).condition(p.root);
}

std::string describe(const Expression::Program& p, const LeadContext& ctx) {
  Evaluator e(p, ctx);
  std::string out;
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    const InputUse& use = p.uses[i];
    const Node& n = p.nodes[use.node];
    bool dynamic = n.field == FieldKind::kAttribute || n.field == FieldKind::kDataPoint;
    if (!out.empty()) out += ", ";
    out += describe_input(e, p.inputs[i], use.node, use.shown, dynamic);
  }
  return out;
}

}  // namespace leadloop::expr
