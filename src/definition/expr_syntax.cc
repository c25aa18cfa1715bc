#include "definition/expr_syntax.h"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include "domain/limits.h"
#include "domain/time.h"

namespace leadloop::expr {

namespace {


struct DurationUnit {
  std::string_view name;
  TimePoint millis;
};
constexpr std::array<DurationUnit, 14> kDurationUnits = {{
    {"d", kMillisPerDay},
    {"day", kMillisPerDay},
    {"days", kMillisPerDay},
    {"h", kMillisPerHour},
    {"hour", kMillisPerHour},
    {"hours", kMillisPerHour},
    {"w", 7 * kMillisPerDay},
    {"week", 7 * kMillisPerDay},
    {"weeks", 7 * kMillisPerDay},
    {"m", kMillisPerMinute},
    {"min", kMillisPerMinute},
    {"mins", kMillisPerMinute},
    {"minute", kMillisPerMinute},
    {"minutes", kMillisPerMinute},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word_start(char c) { return is_letter(c) || c == '_'; }
// Words take dots (data.budget) and dashes (attributes.lead-source).
bool is_word_char(char c) { return is_word_start(c) || is_digit(c) || c == '.' || c == '-'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::optional<TimePoint> duration_unit(std::string_view name) {
  for (const auto& u : kDurationUnits) {
    if (equals_folded(u.name, name)) return u.millis;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- lexer ---

struct Token {
  enum class Kind : uint8_t {
    kEnd,
    kNumber,
    kString,
    kDate,
    kDuration,
    kWord,
    kLParen,
    kRParen,
    kLBracket,
    kRBracket,
    kComma,
    kCompare,
  };
  Kind kind = Kind::kEnd;
  size_t offset = 0;
  size_t length = 0;
  std::string text;  // kString: decoded; kWord: as written
  double number = 0;
  int64_t millis = 0;
  bool date_only = false;
  CompareOp op = CompareOp::kEq;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // Reads the next token; false (and error()) on a lexical error.
  bool next(Token* tok) {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    *tok = Token{};
    tok->offset = pos_;
    bool ok = lex(tok);
    tok->length = pos_ - tok->offset;
    return ok;
  }
  const ParseError& error() const { return error_; }

 private:
  bool lex(Token* tok) {
    if (pos_ == text_.size()) return true;
    char c = text_[pos_];
    if (is_digit(c) || (c == '-' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
      return lex_number(tok);
    }
    if (is_word_start(c)) {
      size_t start = pos_;
      while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
      tok->kind = Token::Kind::kWord;
      tok->text = std::string(text_.substr(start, pos_ - start));
      return true;
    }
    if (c == '"') return lex_string(tok);
    if (c == '\'') return fail(pos_, "put text in double quotes, such as \"VP Sales\"");
    return lex_punctuation(tok);
  }

  bool lex_punctuation(Token* tok) {
    struct Punct {
      std::string_view text;
      Token::Kind kind;
      CompareOp op;
    };
    // Longest first, so "<=" wins over "<".
    static constexpr std::array<Punct, 12> kPunct = {{
        {"==", Token::Kind::kCompare, CompareOp::kEq},
        {"!=", Token::Kind::kCompare, CompareOp::kNe},
        {"<=", Token::Kind::kCompare, CompareOp::kLe},
        {">=", Token::Kind::kCompare, CompareOp::kGe},
        {"=", Token::Kind::kCompare, CompareOp::kEq},
        {"<", Token::Kind::kCompare, CompareOp::kLt},
        {">", Token::Kind::kCompare, CompareOp::kGt},
        {"(", Token::Kind::kLParen, CompareOp::kEq},
        {")", Token::Kind::kRParen, CompareOp::kEq},
        {"[", Token::Kind::kLBracket, CompareOp::kEq},
        {"]", Token::Kind::kRBracket, CompareOp::kEq},
        {",", Token::Kind::kComma, CompareOp::kEq},
    }};
    for (const auto& p : kPunct) {
      if (text_.substr(pos_, p.text.size()) == p.text) {
        tok->kind = p.kind;
        tok->op = p.op;
        pos_ += p.text.size();
        return true;
      }
    }
    if (text_[pos_] == '!')
      return fail(pos_, "unexpected '!'; write != for \"not equal\" or use 'not'");
    return fail(pos_, "unexpected character '" + std::string(1, text_[pos_]) + "'");
  }

  // A backslash escapes '"' and '\'; any other backslash stays as written, so
  // regular expressions such as "\d+" need no doubling.
  bool lex_string(Token* tok) {
    size_t start = pos_++;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\\')) {
        c = text_[pos_++];
      }
      out += c;
    }
    if (pos_ == text_.size()) return fail(start, "this text has no closing quote (\")");
    ++pos_;
    tok->kind = Token::Kind::kString;
    tok->text = std::move(out);
    return true;
  }

  bool at_date() const {
    std::string_view s = text_.substr(pos_);
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
      if (!is_digit(s[i])) return false;
    }
    return true;
  }

  bool lex_date(Token* tok) {
    size_t start = pos_;
    pos_ += 10;
    bool has_time = pos_ + 1 < text_.size() && (text_[pos_] == 'T' || text_[pos_] == 't') &&
                    is_digit(text_[pos_ + 1]);
    if (has_time) {
      ++pos_;
      while (pos_ < text_.size() &&
             (is_digit(text_[pos_]) || text_[pos_] == ':' || text_[pos_] == '.' ||
              text_[pos_] == '+' || text_[pos_] == '-' || text_[pos_] == 'Z' ||
              text_[pos_] == 'z')) {
        ++pos_;
      }
    }
    std::string_view written = text_.substr(start, pos_ - start);
    Result<TimePoint> t = parse_time(written);
    if (!t.ok()) {
      return fail(start,
                  "'" + std::string(written) +
                      "' is not a valid date; write dates as 2026-01-31 or 2026-01-31T10:00Z");
    }
    tok->kind = Token::Kind::kDate;
    tok->millis = *t;
    tok->date_only = !has_time;
    return true;
  }

  bool lex_number(Token* tok) {
    if (at_date()) return lex_date(tok);
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' && is_digit(text_[pos_ + 1])) {
      ++pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    std::from_chars(text_.data() + start, text_.data() + pos_, tok->number);
    tok->kind = Token::Kind::kNumber;
    if (pos_ < text_.size() && is_word_start(text_[pos_])) return lex_unit(start, tok);
    return true;
  }

  bool lex_unit(size_t number_start, Token* tok) {
    size_t unit_start = pos_;
    while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
    std::string_view unit = text_.substr(unit_start, pos_ - unit_start);
    std::optional<TimePoint> millis = duration_unit(unit);
    if (!millis) {
      return fail(unit_start, "unknown unit '" + std::string(unit) + "' in '" +
                                  std::string(text_.substr(number_start, pos_ - number_start)) +
                                  "'; durations use d (days), h (hours), w (weeks) or m (minutes)");
    }
    tok->kind = Token::Kind::kDuration;
    if (!duration_millis(tok->number, *millis, &tok->millis)) {
      return fail(number_start, "'" + std::string(text_.substr(number_start, pos_ - number_start)) +
                                    "' is longer than 10000 years");
    }
    return true;
  }

  bool fail(size_t offset, std::string message) {
    error_ = {offset, std::move(message)};
    return false;
  }

  std::string_view text_;
  size_t pos_ = 0;
  ParseError error_;
};

// --------------------------------------------------------------- parser ---

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) {}

  std::variant<Syntax, ParseError> parse() {
    Syntax root;
    if (!advance()) return error_;
    if (tok_.kind == Token::Kind::kEnd) return ParseError{0, "the condition is empty"};
    if (!parse_or(&root)) return error_;
    if (tok_.kind == Token::Kind::kRParen) {
      return ParseError{tok_.offset, "unexpected ')': there is no '(' to close"};
    }
    if (tok_.kind != Token::Kind::kEnd) {
      std::string hint = tok_.kind == Token::Kind::kWord || tok_.kind == Token::Kind::kString
                             ? "; did you forget 'and' or 'or'?"
                             : "";
      return ParseError{tok_.offset,
                        "unexpected " + quoted(tok_) + " after the end of the condition" + hint};
    }
    return root;
  }

 private:
  bool advance() {
    prev_ = tok_;
    if (!lexer_.next(&tok_)) return fail(lexer_.error().offset, lexer_.error().message);
    return true;
  }

  bool at_keyword(std::string_view keyword) const {
    return tok_.kind == Token::Kind::kWord && equals_folded(tok_.text, keyword);
  }

  // Words the language reserves; they cannot name fields.
  bool at_any_keyword() const {
    for (std::string_view k : {"and", "or", "not", "in", "matches", "contains", "exists"}) {
      if (at_keyword(k)) return true;
    }
    return false;
  }

  std::string quoted(const Token& t) const {
    if (t.kind == Token::Kind::kEnd) return "the end";
    return "'" + std::string(text_.substr(t.offset, t.length)) + "'";
  }

  bool fail(size_t offset, std::string message) {
    if (!failed_) error_ = {offset, std::move(message)};
    failed_ = true;
    return false;
  }

  void finish(Syntax* s, size_t start) const {
    s->offset = start;
    s->length = prev_.offset + prev_.length - start;
  }

  bool parse_chain(Syntax* out, std::string_view keyword, Syntax::Kind kind,
                   bool (Parser::*operand)(Syntax*)) {
    size_t start = tok_.offset;
    if (!(this->*operand)(out)) return false;
    if (!at_keyword(keyword)) return true;
    Syntax chain;
    chain.kind = kind;
    chain.kids.push_back(std::move(*out));
    while (at_keyword(keyword)) {
      if (!advance()) return false;
      Syntax next;
      if (!(this->*operand)(&next)) return false;
      chain.kids.push_back(std::move(next));
    }
    finish(&chain, start);
    *out = std::move(chain);
    return true;
  }

  bool parse_or(Syntax* out) {
    return parse_chain(out, "or", Syntax::Kind::kOr, &Parser::parse_and);
  }
  bool parse_and(Syntax* out) {
    return parse_chain(out, "and", Syntax::Kind::kAnd, &Parser::parse_not);
  }

  // Operands and 'not's nest by recursion; this bounds the stack it takes.
  class Nesting {
   public:
    explicit Nesting(int& depth) : depth_(depth) { ++depth_; }
    ~Nesting() { --depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    bool too_deep() const { return depth_ > limits::kMaxExpressionDepth; }

   private:
    int& depth_;
  };

  bool too_deep() {
    return fail(tok_.offset, "the condition nests deeper than " + std::to_string(limits::kMaxExpressionDepth) +
                                 " levels" + limits::limit_note("max_expression_depth"));
  }

  bool parse_not(Syntax* out) {
    if (!at_keyword("not")) return parse_predicate(out);
    Nesting nesting(depth_);
    if (nesting.too_deep()) return too_deep();
    size_t start = tok_.offset;
    if (!advance()) return false;
    if (tok_.kind == Token::Kind::kEnd)
      return fail(tok_.offset, "expected a condition after 'not'");
    Syntax inner;
    if (!parse_not(&inner)) return false;
    out->kind = Syntax::Kind::kNot;
    out->kids.push_back(std::move(inner));
    finish(out, start);
    return true;
  }

  bool parse_predicate(Syntax* out) {
    size_t start = tok_.offset;
    Syntax left;
    if (!parse_operand(&left)) return false;
    Syntax pred;
    bool negated = false;
    if (at_keyword("not")) {
      if (!advance()) return false;
      if (!at_keyword("in") && !at_keyword("exists")) {
        return fail(tok_.offset,
                    "expected 'in' or 'exists' after 'not', but found " + quoted(tok_));
      }
      negated = true;
    }
    if (tok_.kind == Token::Kind::kCompare) {
      pred.kind = Syntax::Kind::kCompare;
      pred.op = tok_.op;
      Syntax right;
      if (!advance() || !parse_operand(&right)) return false;
      pred.kids.push_back(std::move(left));
      pred.kids.push_back(std::move(right));
    } else if (at_keyword("in")) {
      pred.kind = Syntax::Kind::kIn;
      Syntax list;
      if (!advance() || !parse_list(&list)) return false;
      pred.kids.push_back(std::move(left));
      pred.kids.push_back(std::move(list));
    } else if (at_keyword("matches") || at_keyword("contains")) {
      pred.kind = at_keyword("matches") ? Syntax::Kind::kMatches : Syntax::Kind::kContains;
      Syntax pattern;
      if (!advance() || !parse_text_argument(&pattern)) return false;
      pred.kids.push_back(std::move(left));
      pred.kids.push_back(std::move(pattern));
    } else if (at_keyword("exists")) {
      pred.kind = Syntax::Kind::kExists;
      if (!advance()) return false;
      pred.kids.push_back(std::move(left));
    } else {
      *out = std::move(left);  // a bare value; the checker wants a yes/no
      return true;
    }
    pred.flag = negated;
    finish(&pred, start);
    *out = std::move(pred);
    return true;
  }

  bool parse_text_argument(Syntax* out) {
    std::string op = prev_.text;
    if (tok_.kind != Token::Kind::kString) {
      return fail(tok_.offset,
                  "expected text in quotes after '" + op + "', such as \"VP|Director\"" +
                      (tok_.kind == Token::Kind::kEnd ? "" : ", but found " + quoted(tok_)));
    }
    return parse_literal(out);
  }

  bool expected_value(const char* what) {
    std::string after =
        prev_.length == 0 && prev_.kind == Token::Kind::kEnd ? "" : " after " + quoted(prev_);
    std::string found = tok_.kind == Token::Kind::kEnd ? "" : ", but found " + quoted(tok_);
    return fail(tok_.offset, std::string("expected ") + what + after + found);
  }

  bool parse_operand(Syntax* out) {
    Nesting nesting(depth_);
    if (nesting.too_deep()) return too_deep();
    size_t start = tok_.offset;
    switch (tok_.kind) {
      case Token::Kind::kLParen: {
        Token open = tok_;
        if (!advance()) return false;
        if (tok_.kind == Token::Kind::kRParen)
          return fail(tok_.offset, "expected a condition inside '( )'");
        if (!parse_or(out)) return false;
        if (tok_.kind == Token::Kind::kEnd)
          return fail(open.offset, "this '(' has no matching ')'");
        if (tok_.kind != Token::Kind::kRParen) {
          return fail(tok_.offset, "expected ')', 'and' or 'or', but found " + quoted(tok_));
        }
        return advance();
      }
      case Token::Kind::kWord:
        if (is_literal_token()) return parse_literal(out);
        if (at_any_keyword()) return expected_value("a value");
        return parse_name(out, start);
      case Token::Kind::kLBracket:
        return fail(tok_.offset, "a list can only follow 'in', as in country in [\"DE\", \"FR\"]");
      default:
        if (is_literal_token()) return parse_literal(out);
        return expected_value("a value");
    }
  }

  bool is_literal_token() const {
    switch (tok_.kind) {
      case Token::Kind::kNumber:
      case Token::Kind::kString:
      case Token::Kind::kDate:
      case Token::Kind::kDuration:
        return true;
      default:
        return at_keyword("true") || at_keyword("false") || at_keyword("yes") || at_keyword("no");
    }
  }

  bool parse_literal(Syntax* out) {
    out->offset = tok_.offset;
    out->length = tok_.length;
    switch (tok_.kind) {
      case Token::Kind::kNumber:
        out->kind = Syntax::Kind::kNumber;
        break;
      case Token::Kind::kString:
        out->kind = Syntax::Kind::kString;
        break;
      case Token::Kind::kDate:
        out->kind = Syntax::Kind::kDate;
        break;
      case Token::Kind::kDuration:
        out->kind = Syntax::Kind::kDuration;
        break;
      default:
        out->kind = Syntax::Kind::kBool;
        out->flag = at_keyword("true") || at_keyword("yes");
        break;
    }
    out->number = tok_.number;
    out->millis = tok_.millis;
    out->text = tok_.text;
    if (out->kind == Syntax::Kind::kDate) out->flag = tok_.date_only;
    return advance();
  }

  bool parse_name(Syntax* out, size_t start) {
    out->text = tok_.text;
    if (!advance()) return false;
    if (tok_.kind != Token::Kind::kLParen) {
      out->kind = Syntax::Kind::kField;
      finish(out, start);
      return true;
    }
    out->kind = Syntax::Kind::kCall;
    Token open = tok_;
    if (!advance()) return false;
    while (tok_.kind != Token::Kind::kRParen) {
      if (!out->kids.empty()) {
        if (tok_.kind != Token::Kind::kComma) {
          if (tok_.kind == Token::Kind::kEnd)
            return fail(open.offset, "this '(' has no matching ')'");
          return fail(tok_.offset, "expected ',' or ')', but found " + quoted(tok_));
        }
        if (!advance()) return false;
      }
      Syntax arg;
      if (!parse_operand(&arg)) return false;
      out->kids.push_back(std::move(arg));
    }
    if (!advance()) return false;
    finish(out, start);
    return true;
  }

  bool parse_list(Syntax* out) {
    if (tok_.kind != Token::Kind::kLBracket) {
      return fail(tok_.offset, "expected a list such as [\"DE\", \"FR\"] after 'in'");
    }
    Token open = tok_;
    out->kind = Syntax::Kind::kList;
    if (!advance()) return false;
    if (tok_.kind == Token::Kind::kRBracket) return fail(open.offset, "the list is empty");
    for (;;) {
      if (tok_.kind == Token::Kind::kEnd) return fail(open.offset, "this '[' has no matching ']'");
      if (tok_.kind == Token::Kind::kWord && !is_literal_token()) {
        return fail(tok_.offset,
                    "a list holds values such as \"DE\", 500 or 2026-01-31; put text in "
                    "quotes: \"" +
                        tok_.text + "\"");
      }
      if (!is_literal_token()) return expected_value("a value");
      Syntax item;
      if (!parse_literal(&item)) return false;
      out->kids.push_back(std::move(item));
      if (tok_.kind == Token::Kind::kRBracket) break;
      if (tok_.kind == Token::Kind::kEnd) return fail(open.offset, "this '[' has no matching ']'");
      if (tok_.kind != Token::Kind::kComma) {
        return fail(tok_.offset, "expected ',' or ']' in the list, but found " + quoted(tok_));
      }
      if (!advance()) return false;
    }
    if (!advance()) return false;
    finish(out, open.offset);
    return true;
  }

  std::string_view text_;
  Lexer lexer_;
  Token tok_;
  Token prev_;
  bool failed_ = false;
  int depth_ = 0;
  ParseError error_;
};

}  // namespace

bool equals_folded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (fold_char(a[i]) != fold_char(b[i])) return false;
  }
  return true;
}

std::string_view compare_op_text(CompareOp op) {
  static constexpr std::array<std::string_view, 6> kText = {"=", "!=", "<", "<=", ">", ">="};
  return kText[static_cast<size_t>(op)];
}

bool is_condition(Syntax::Kind kind) {
  switch (kind) {
    case Syntax::Kind::kOr:
    case Syntax::Kind::kAnd:
    case Syntax::Kind::kNot:
    case Syntax::Kind::kCompare:
    case Syntax::Kind::kIn:
    case Syntax::Kind::kMatches:
    case Syntax::Kind::kContains:
    case Syntax::Kind::kExists:
      return true;
    default:
      return false;
  }
}

std::variant<Syntax, ParseError> parse_condition(std::string_view text) {
  if (text.size() > limits::kMaxExpressionBytes) {
    return ParseError{0, "the condition is " + std::to_string(text.size()) + " bytes long, more than " +
                             std::to_string(limits::kMaxExpressionBytes) +
                             limits::limit_note("max_expression_bytes")};
  }
  return Parser(text).parse();
}

SourcePos position_of(std::string_view text, size_t offset, SourcePos origin) {
  SourcePos pos = origin;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

bool parse_duration(std::string_view text, bool bare_is_days, int64_t* millis) {
  double n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return false;
  std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  std::optional<TimePoint> scale =
      unit.empty() && bare_is_days ? kMillisPerDay : duration_unit(unit);
  if (!scale) return false;
  return duration_millis(n, *scale, millis);
}

bool duration_millis(double n, int64_t unit_millis, int64_t* millis) {
  const double v = n * static_cast<double>(unit_millis);
  if (!(std::fabs(v) <= static_cast<double>(kMaxDurationMillis))) return false;  // also NaN
  *millis = static_cast<int64_t>(v);
  return true;
}

}  // namespace leadloop::expr
