// The type checker and code generator: walks a syntax tree once, resolves
// names against the field table, checks types, converts literals to the type
// they are compared with, and emits a Program. The first error wins.
#include <algorithm>
#include <array>
#include <optional>

#include "definition/spelling.h"
#include "definition/expr_program.h"
#include "domain/limits.h"

namespace leadloop::expr {

namespace {

struct FunctionSpec {
  std::string_view name;
  Op op;
  Type argument;  // kText arguments are read as this
  Type result;
  int64_t unit;  // ms a plain number stands for when compared with the result
  std::string_view example;
};
constexpr std::array<FunctionSpec, 3> kFunctions = {{
    {"days_since", Op::kDaysSince, Type::kDate, Type::kDuration, kMillisPerDay,
     "days_since(last_touch)"},
    {"hours_since", Op::kHoursSince, Type::kDate, Type::kDuration, kMillisPerHour,
     "hours_since(last_touch)"},
    {"lower", Op::kLower, Type::kString, Type::kString, 0, "lower(title)"},
}};

// Attribute and data point patterns: prefix -> kind. Names after the prefix
// may hold letters, digits, '_' and '-'.
struct DynamicPrefix {
  std::string_view prefix;
  std::string_view canonical;
  FieldKind kind;
};
constexpr std::array<DynamicPrefix, 3> kDynamicPrefixes = {{
    {"attributes", "attributes", FieldKind::kAttribute},
    {"attr", "attributes", FieldKind::kAttribute},
    {"data", "data", FieldKind::kDataPoint},
}};

// How a type is named to people, and what a value of it looks like.
struct TypeWords {
  std::string_view a_type;
  std::string_view example;
};
TypeWords words(Type t) {
  switch (t) {
    case Type::kNumber:
      return {"a number", "a number such as 500"};
    case Type::kString:
      return {"a text", "a text in quotes such as \"VP Sales\""};
    case Type::kBool:
      return {"a yes/no", "true or false"};
    case Type::kDate:
      return {"a date", "a date such as 2026-01-31"};
    case Type::kDuration:
      return {"a duration", "a duration such as 30d"};
    case Type::kText:
      return {"a text", "a text in quotes such as \"VP Sales\""};
  }
  return {"a value", "a value"};
}

As as_of(Type t) {
  switch (t) {
    case Type::kNumber:
      return As::kNumber;
    case Type::kBool:
      return As::kBool;
    case Type::kDate:
      return As::kDate;
    case Type::kDuration:
      return As::kDuration;
    case Type::kString:
    case Type::kText:
      return As::kString;
  }
  return As::kString;
}


bool valid_dynamic_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// A literal's value, before and after conversion to the type it meets.
struct Constant {
  Type type = Type::kBool;
  double number = 0;
  int64_t millis = 0;
  bool boolean = false;
  bool date_only = false;
  std::string text;  // kString: as written
};

Constant constant_of(const Syntax& s) {
  Constant c;
  c.number = s.number;
  c.millis = s.millis;
  c.text = s.text;
  switch (s.kind) {
    case Syntax::Kind::kNumber:
      c.type = Type::kNumber;
      break;
    case Syntax::Kind::kString:
      c.type = Type::kString;
      break;
    case Syntax::Kind::kDate:
      c.type = Type::kDate;
      c.date_only = s.flag;
      break;
    case Syntax::Kind::kDuration:
      c.type = Type::kDuration;
      break;
    default:
      c.type = Type::kBool;
      c.boolean = s.flag;
      break;
  }
  return c;
}

// Quoted text that reads as the wanted type ("2026-01-31" for a date), or a
// plain number next to days_since() (in its unit), converts; nothing else.
bool convert(Constant* c, Type want, int64_t unit) {
  if (c->type == want) return true;
  if (c->type == Type::kNumber && want == Type::kDuration && unit != 0) {
    if (!duration_millis(c->number, unit, &c->millis)) return false;
  } else if (c->type != Type::kString) {
    return false;
  } else if (want == Type::kNumber) {
    if (!parse_number_text(c->text, &c->number)) return false;
  } else if (want == Type::kDate) {
    if (!parse_date_text(c->text, &c->millis)) return false;
    c->date_only = trim_spaces(c->text).size() == 10;
  } else if (want == Type::kDuration) {
    if (!parse_duration(trim_spaces(c->text), false, &c->millis)) return false;
  } else if (want == Type::kBool) {
    if (!parse_bool_text(c->text, &c->boolean)) return false;
  } else {
    return false;
  }
  c->type = want;
  return true;
}

// What the compiler knows about a compiled value.
struct Operand {
  uint32_t node = 0;
  Type type = Type::kBool;
  const Syntax* syntax = nullptr;
  const FieldSpec* spec = nullptr;  // a fixed field
  int input = -1;                   // index in Program::uses, for fields
  bool literal = false;
  bool bare_date = false;  // a date literal without a time: compare by day
  int64_t unit = 0;        // from days_since()/hours_since()
};

class Compiler {
 public:
  Compiler(std::string_view text, PatternBudget* budget, Expression::Program* p)
      : text_(text), budget_(budget), p_(p) {}

  bool condition(const Syntax& s, uint32_t* out) {
    switch (s.kind) {
      case Syntax::Kind::kOr:
      case Syntax::Kind::kAnd:
        return chain(s, out);
      case Syntax::Kind::kNot: {
        uint32_t inner = 0;
        if (!condition(s.kids[0], &inner)) return false;
        *out = emit({.op = Op::kNot, .a = inner});
        return true;
      }
      case Syntax::Kind::kCompare:
        return compare(s, out);
      case Syntax::Kind::kIn:
        return in_list(s, out);
      case Syntax::Kind::kMatches:
      case Syntax::Kind::kContains:
        return text_test(s, out);
      case Syntax::Kind::kExists:
        return exists(s, out);
      default:
        return bare_value(s, out);
    }
  }

  const ParseError& error() const { return error_; }

 private:
  uint32_t emit(Node n) {
    p_->nodes.push_back(std::move(n));
    return static_cast<uint32_t>(p_->nodes.size() - 1);
  }

  bool fail(size_t offset, std::string message) {
    error_ = {offset, std::move(message)};
    return false;
  }

  std::string label(const Operand& o) const {
    if (is_condition(o.syntax->kind)) return "this condition";
    return std::string(text_.substr(o.syntax->offset, o.syntax->length));
  }

  bool chain(const Syntax& s, uint32_t* out) {
    std::vector<uint32_t> kids;
    for (const Syntax& k : s.kids) {
      uint32_t kid = 0;
      if (!condition(k, &kid)) return false;
      kids.push_back(kid);
    }
    Node n{.op = s.kind == Syntax::Kind::kOr ? Op::kOr : Op::kAnd};
    n.a = static_cast<uint32_t>(p_->kids.size());
    p_->kids.insert(p_->kids.end(), kids.begin(), kids.end());
    n.b = static_cast<uint32_t>(p_->kids.size());
    *out = emit(std::move(n));
    return true;
  }

  // A value standing alone must be a yes/no: true, or a dynamic text such as
  // data.budget_confirmed, which then means "is true".
  bool bare_value(const Syntax& s, uint32_t* out) {
    Operand v;
    if (!value(s, false, &v)) return false;
    if (v.type != Type::kBool && v.type != Type::kText) {
      std::string message =
          "this is " + std::string(words(v.type).a_type) + ", not a yes/no condition";
      if (s.kind == Syntax::Kind::kField || s.kind == Syntax::Kind::kCall) {
        message += "; did you mean `" + label(v) + " exists`?";
      }
      return fail(s.offset, message);
    }
    note_use(v, As::kBool);
    *out = emit({.op = Op::kTruthy, .a = v.node});
    return true;
  }

  bool value(const Syntax& s, bool right_side, Operand* out) {
    out->syntax = &s;
    switch (s.kind) {
      case Syntax::Kind::kField:
        return field(s, right_side, out);
      case Syntax::Kind::kCall:
        return call(s, out);
      case Syntax::Kind::kList:
        return fail(s.offset, "a list can only follow 'in'");
      default:
        break;
    }
    if (is_condition(s.kind)) {
      out->type = Type::kBool;
      return condition(s, &out->node);
    }
    Constant c = constant_of(s);
    out->literal = true;
    out->type = c.type;
    out->bare_date = c.date_only;
    out->node = emit(literal_node(c));
    return true;
  }

  static Node literal_node(const Constant& c) {
    Node n{.op = Op::kLiteral};
    n.type = c.type;
    n.number = c.number;
    n.millis = c.millis;
    n.boolean = c.boolean;
    n.text = fold_text(trim_spaces(c.text));
    return n;
  }

  // ------------------------------------------------------------ names ---

  bool field(const Syntax& s, bool right_side, Operand* out) {
    std::string name = fold_text(s.text);
    Node n{.op = Op::kField};
    std::string canonical;
    if (const FieldSpec* spec = find_field(name)) {
      n.field = spec->kind;
      n.member = spec->member;
      out->spec = spec;
      out->type = spec->type;
      canonical = std::string(spec->name);
    } else if (!dynamic_field(s, &n, &canonical)) {
      return unknown_field(s, right_side);
    } else {
      out->type = Type::kText;
    }
    out->node = emit(std::move(n));
    out->input = note_input(canonical, out->node);
    return true;
  }

  bool dynamic_field(const Syntax& s, Node* n, std::string* canonical) {
    size_t dot = s.text.find('.');
    if (dot == std::string::npos) return false;
    std::string prefix = fold_text(s.text.substr(0, dot));
    std::string_view rest = std::string_view(s.text).substr(dot + 1);
    for (const DynamicPrefix& d : kDynamicPrefixes) {
      if (prefix != d.prefix) continue;
      if (!valid_dynamic_name(rest)) return false;
      n->field = d.kind;
      n->key = std::string(rest);
      *canonical = std::string(d.canonical) + "." + n->key;
      return true;
    }
    return false;
  }

  bool unknown_field(const Syntax& s, bool right_side) {
    std::string name = fold_text(s.text);
    for (const FunctionSpec& f : kFunctions) {
      if (name == f.name) {
        return fail(s.offset,
                    std::string(f.name) + " is a function; write it as " + std::string(f.example));
      }
    }
    size_t dot = name.find('.');
    if (dot != std::string::npos && dot + 1 == name.size()) {
      return fail(s.offset,
                  "'" + s.text + "' needs a name after the dot, such as " + s.text + "segment");
    }
    std::string message = "unknown field '" + s.text + "'";
    if (std::string suggestion = suggest(s.text); !suggestion.empty()) {
      return fail(s.offset, message + "; did you mean '" + suggestion + "'?");
    }
    if (right_side && dot == std::string::npos) {
      return fail(s.offset,
                  message + "; to compare with the text, put it in quotes: \"" + s.text + "\"");
    }
    message += "; the fields are ";
    for (const FieldInfo& f : expression_fields()) message += std::string(f.name) + ", ";
    message.resize(message.size() - 2);
    return fail(s.offset, message);
  }

  static std::string suggest(std::string_view written) {
    std::string name = fold_text(written);
    std::string best;
    size_t best_distance = SIZE_MAX;
    auto consider = [&](std::string candidate, size_t distance, std::string_view measured) {
      if (close_enough(distance, measured) && distance < best_distance) {
        best = std::move(candidate);
        best_distance = distance;
      }
    };
    for (const FieldSpec& f : field_specs()) {
      consider(std::string(f.name), edit_distance(name, f.name), name);
    }
    size_t dot = name.find('.');
    if (dot != std::string::npos && valid_dynamic_name(written.substr(dot + 1))) {
      std::string_view prefix = std::string_view(name).substr(0, dot);
      for (const DynamicPrefix& d : kDynamicPrefixes) {
        consider(std::string(d.canonical) + std::string(written.substr(dot)),
                 edit_distance(prefix, d.prefix), prefix);
      }
    }
    return best;
  }

  int note_input(const std::string& canonical, uint32_t node) {
    auto it = std::find(p_->inputs.begin(), p_->inputs.end(), canonical);
    if (it != p_->inputs.end()) return static_cast<int>(it - p_->inputs.begin());
    p_->inputs.push_back(canonical);
    p_->uses.push_back({.node = node});
    return static_cast<int>(p_->inputs.size() - 1);
  }

  // Remembers how a field was first read, so describe_inputs shows a
  // data point compared with 60d as a duration.
  void note_use(const Operand& o, As as) {
    if (o.input < 0) return;
    InputUse& use = p_->uses[static_cast<size_t>(o.input)];
    if (use.shown_set) return;
    use.shown = o.type == Type::kText ? as : as_of(o.type);
    use.shown_set = true;
  }

  bool call(const Syntax& s, Operand* out) {
    std::string name = fold_text(s.text);
    const FunctionSpec* fn = nullptr;
    for (const FunctionSpec& f : kFunctions) {
      if (f.name == name) fn = &f;
    }
    if (fn == nullptr) {
      return fail(s.offset, "unknown function '" + s.text +
                                "'; the functions are days_since(date), hours_since(date) and "
                                "lower(text)");
    }
    if (s.kids.size() != 1) {
      return fail(s.offset,
                  std::string(fn->name) + " takes one value, as in " + std::string(fn->example));
    }
    Operand arg;
    if (!value(s.kids[0], false, &arg)) return false;
    if (arg.type != fn->argument && arg.type != Type::kText) {
      return fail(s.kids[0].offset, std::string(fn->name) + " needs " +
                                        std::string(words(fn->argument).a_type) + ", as in " +
                                        std::string(fn->example) + "; " + label(arg) + " is " +
                                        std::string(words(arg.type).a_type));
    }
    note_use(arg, as_of(fn->argument));
    out->type = fn->result;
    out->unit = fn->unit;
    out->node = emit({.op = fn->op, .a = arg.node});
    return true;
  }

  // ------------------------------------------------------ comparisons ---

  bool compare(const Syntax& s, uint32_t* out) {
    Operand l, r;
    if (!value(s.kids[0], false, &l) || !value(s.kids[1], true, &r)) return false;
    As as = As::kString;
    if (!unify(&l, &r, &as)) return false;
    if (as == As::kBool && s.op != CompareOp::kEq && s.op != CompareOp::kNe) {
      return fail(s.kids[1].offset, "yes/no values can only be compared with = or !=");
    }
    if (as == As::kString && !check_enum_value(l, r)) return false;
    if (as == As::kString && !check_enum_value(r, l)) return false;
    note_use(l, as);
    note_use(r, as);
    Node n{.op = Op::kCompare, .as = as, .cmp = s.op, .a = l.node, .b = r.node};
    n.by_day = as == As::kDate && (l.bare_date || r.bare_date);
    *out = emit(std::move(n));
    return true;
  }

  // Finds the type both sides are read as. Dynamic text takes the other
  // side's type; a literal converts to the other side's type if it can.
  bool unify(Operand* l, Operand* r, As* as) {
    if (l->type == r->type || r->type == Type::kText) {
      *as = as_of(l->type);
      return true;
    }
    if (l->type == Type::kText) {
      *as = as_of(r->type);
      return true;
    }
    if (r->literal && convert_literal(r, *l)) {
      *as = as_of(l->type);
      return true;
    }
    if (l->literal && convert_literal(l, *r)) {
      *as = as_of(r->type);
      return true;
    }
    if (!r->literal && !l->literal) {
      return fail(r->syntax->offset,
                  label(*l) + " is " + std::string(words(l->type).a_type) + " and " + label(*r) +
                      " is " + std::string(words(r->type).a_type) + "; they cannot be compared");
    }
    const Operand& subject = r->literal ? *l : *r;
    const Operand& offender = r->literal ? *r : *l;
    return mismatch(subject, offender.type, offender.syntax->offset);
  }

  bool mismatch(const Operand& subject, Type offered, size_t offset) {
    std::string message = label(subject) + " is " + std::string(words(subject.type).a_type) +
                          "; compare it with " + std::string(words(subject.type).example);
    if (subject.type == Type::kDate && (offered == Type::kDuration || offered == Type::kNumber)) {
      message += ", or use days_since(" + label(subject) + ") > 30d for how long ago";
    }
    return fail(offset, message);
  }

  bool convert_literal(Operand* lit, const Operand& other) {
    Constant c = constant_of(*lit->syntax);
    if (!convert(&c, other.type, other.unit)) return false;
    Node& n = p_->nodes[lit->node];
    n = literal_node(c);
    lit->type = c.type;
    lit->bare_date = c.date_only;
    return true;
  }

  // Stage, channel and consent have a fixed set of values; a typo there
  // would silently never match, so it is an error.
  bool check_enum_value(const Operand& field, const Operand& other) {
    if (field.spec == nullptr || field.spec->values.empty() || !other.literal) return true;
    return check_enum_text(*field.spec, other.syntax->text, other.syntax->offset);
  }

  bool check_enum_text(const FieldSpec& spec, std::string_view text, size_t offset) {
    std::string folded = fold_text(trim_spaces(text));
    for (std::string_view v : spec.values) {
      if (v == folded) return true;
    }
    std::string message = "'" + std::string(text) + "' is not a " + std::string(spec.values_name) +
                          "; the values are ";
    for (std::string_view v : spec.values) message += std::string(v) + ", ";
    message.resize(message.size() - 2);
    return fail(offset, message);
  }

  // ------------------------------------------------------------ lists ---

  bool in_list(const Syntax& s, uint32_t* out) {
    Operand l;
    if (!value(s.kids[0], false, &l)) return false;
    const Syntax& list = s.kids[1];
    Type want = l.type == Type::kText ? constant_of(list.kids[0]).type : l.type;
    ValueList values;
    bool all_bare_dates = true;
    std::vector<Constant> items;
    for (const Syntax& item : list.kids) {
      Constant c = constant_of(item);
      if (!convert(&c, want, l.unit)) {
        if (l.type == Type::kText) {
          return fail(item.offset, "the list mixes " + std::string(words(want).a_type) + " and " +
                                       std::string(words(c.type).a_type));
        }
        return mismatch(l, c.type, item.offset);
      }
      if (l.spec != nullptr && !l.spec->values.empty() &&
          !check_enum_text(*l.spec, item.text, item.offset)) {
        return false;
      }
      all_bare_dates = all_bare_dates && c.date_only;
      items.push_back(std::move(c));
    }
    As as = as_of(want);
    bool by_day = as == As::kDate && all_bare_dates;
    for (const Constant& c : items) add_to_list(c, by_day, &values);
    sort_list(&values);
    note_use(l, as);
    p_->lists.push_back(std::move(values));
    Node n{.op = Op::kIn, .as = as, .negate = s.flag, .by_day = by_day, .a = l.node};
    n.b = static_cast<uint32_t>(p_->lists.size() - 1);
    *out = emit(std::move(n));
    return true;
  }

  static void add_to_list(const Constant& c, bool by_day, ValueList* values) {
    switch (c.type) {
      case Type::kNumber:
        values->numbers.push_back(c.number);
        break;
      case Type::kDate:
        values->millis.push_back(by_day ? floor_to_day(c.millis) : c.millis);
        break;
      case Type::kDuration:
        values->millis.push_back(c.millis);
        break;
      case Type::kBool:
        (c.boolean ? values->has_true : values->has_false) = true;
        break;
      case Type::kString:
      case Type::kText:
        values->texts.push_back(fold_text(trim_spaces(c.text)));
        break;
    }
  }

  static void sort_list(ValueList* v) {
    auto sort_unique = [](auto& items) {
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
    };
    sort_unique(v->texts);
    sort_unique(v->numbers);
    sort_unique(v->millis);
  }

  // ------------------------------------------------ text and presence ---

  bool text_test(const Syntax& s, uint32_t* out) {
    bool is_matches = s.kind == Syntax::Kind::kMatches;
    std::string_view op = is_matches ? "matches" : "contains";
    Operand l;
    if (!value(s.kids[0], false, &l)) return false;
    if (l.type != Type::kString && l.type != Type::kText) {
      return fail(s.kids[0].offset, label(l) + " is " + std::string(words(l.type).a_type) + "; '" +
                                        std::string(op) + "' works on text, as in title " +
                                        std::string(op) + " \"VP\"");
    }
    note_use(l, As::kString);
    const Syntax& arg = s.kids[1];
    Node n{.op = is_matches ? Op::kMatches : Op::kContains, .a = l.node};
    if (is_matches) {
      if (!compile_pattern(arg, &n.b)) return false;
    } else {
      if (arg.text.empty()) return fail(arg.offset, "'contains' needs some text to look for");
      n.text = fold_text(arg.text);
    }
    *out = emit(std::move(n));
    return true;
  }

  bool compile_pattern(const Syntax& arg, uint32_t* index) {
    if (arg.text.size() > limits::kMaxPatternBytes) {
      return fail(arg.offset, "this pattern is " + std::to_string(arg.text.size()) + " bytes long, more than " +
                                  std::to_string(limits::kMaxPatternBytes) + limits::limit_note("max_pattern_bytes"));
    }
    // RE2 gives a pattern's program two thirds of max_mem and a quarter of
    // that to instructions (re2/compile.cc); what a compiled pattern took is
    // charged back the same way, plus a fixed share per pattern, so that
    // the patterns of one text together stay within the budget.
    constexpr int64_t kPerPattern = 1024;
    constexpr int64_t kPerInstruction = 4 * 8 * 3 / 2;
    auto too_large = [&] {
      return fail(arg.offset, "the patterns here need more than " + std::to_string(limits::kMaxPatternMemory >> 10) +
                                  " KiB to run together" + limits::limit_note("max_pattern_memory"));
    };
    if (budget_->bytes_left <= kPerPattern) return too_large();
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_max_mem(budget_->bytes_left - kPerPattern);
    auto re = std::make_unique<const RE2>(arg.text, options);
    if (re->error_code() == RE2::ErrorPatternTooLarge) return too_large();
    if (re->ok()) budget_->bytes_left -= kPerPattern + int64_t{re->ProgramSize()} * kPerInstruction;
    if (!re->ok()) return fail(arg.offset, "this pattern is not valid: " + re->error());
    p_->patterns.push_back(std::move(re));
    *index = static_cast<uint32_t>(p_->patterns.size() - 1);
    return true;
  }

  bool exists(const Syntax& s, uint32_t* out) {
    const Syntax& operand = s.kids[0];
    if (is_condition(operand.kind)) {
      return fail(operand.offset, "'exists' applies to a field, as in data.budget exists");
    }
    Operand v;
    if (!value(operand, false, &v)) return false;
    note_use(v, As::kString);
    *out = emit({.op = Op::kExists, .negate = s.flag, .a = v.node});
    return true;
  }

  std::string_view text_;
  PatternBudget* budget_;
  Expression::Program* p_;
  ParseError error_;
};

}  // namespace

std::optional<ParseError> compile_program(const Syntax& root, std::string_view text, PatternBudget* budget,
                                          Expression::Program* p) {
  Compiler compiler(text, budget, p);
  if (!compiler.condition(root, &p->root)) return compiler.error();
  return std::nullopt;
}

}  // namespace leadloop::expr
