// The limits of limits.h, one parser at a time: hostile input (a million
// '[', a billion laughs, a 100 MB CSV field) is refused quickly with an
// error that names the limit, instead of exhausting the stack or memory.
#include "domain/limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <string>
#include <variant>

#include "definition/document.h"
#include "definition/expr.h"
#include "definition/yaml_limits.h"
#include "domain/codec.h"
#include "io/csv_reader.h"

namespace leadloop {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::string nested(size_t depth, std::string_view open, std::string_view inner, std::string_view close) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += open;
  s += inner;
  for (size_t i = 0; i < depth; ++i) s += close;
  return s;
}

// ---- JSON -----------------------------------------------------------------

TEST(JsonLimits, AMillionOpenBracketsAreRefusedByEveryParse) {
  const std::string deep(1000000, '[');
  for (auto status : {parse_lead(deep).status(), parse_lead_batch(deep, 10).status(), parse_campaign(deep).status(),
                      parse_touch(deep).status(), parse_json_object(deep).status()}) {
    EXPECT_EQ(status.code(), ErrorCode::kInvalidJson);
    EXPECT_NE(status.message().find("deeper than 64 levels (limit: max_json_depth)"), std::string::npos)
        << status.message();
  }
}

TEST(JsonLimits, DepthIsCountedOutsideStringsOnly) {
  EXPECT_TRUE(check_json_limits(nested(64, "[", "1", "]")).ok());
  EXPECT_FALSE(check_json_limits(nested(65, "[", "1", "]")).ok());
  EXPECT_FALSE(check_json_limits(nested(65, "{\"a\":", "1", "}")).ok());
  // Brackets inside strings, also after an escaped quote, do not count.
  EXPECT_TRUE(check_json_limits("{\"a\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}").ok());
  auto lead = parse_lead(R"({"email":"a@example.com","attributes":{"note":"[[[[[[["}})");
  EXPECT_TRUE(lead.ok()) << lead.status().to_string();
}

TEST(JsonLimits, SizeIsCapped) {
  std::string big(limits::kMaxJsonBytes + 1, ' ');
  Status st = check_json_limits(big);
  EXPECT_EQ(st.code(), ErrorCode::kPayloadTooLarge);
  EXPECT_NE(st.message().find("(limit: max_json_bytes)"), std::string::npos) << st.message();
  EXPECT_EQ(parse_lead_batch(big, 10).status().code(), ErrorCode::kPayloadTooLarge);
}

TEST(JsonLimits, ObjectsWithinTheLimitsStillParse) {
  auto j = parse_json_object(R"({"a": [[1]], "b": "x"})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["b"], "x");
  EXPECT_EQ(parse_json_object("[1]", "send an object").status().message(), "send an object");
}

// ---- YAML definition documents --------------------------------------------

// Nine levels of nine aliases each: 9^9 = 387,420,489 values once expanded.
std::string billion_laughs() {
  std::string doc = "name: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  const std::string keys = "abcdefghi";
  for (size_t i = 1; i < keys.size(); ++i) {
    std::string alias = "*" + keys.substr(i - 1, 1);
    doc += keys.substr(i, 1) + ": &" + keys.substr(i, 1) + " [";
    for (int k = 0; k < 9; ++k) doc += (k ? ", " : "") + alias;
    doc += "]\n";
  }
  return doc + "description: *i\n";
}

TEST(YamlLimits, ABillionLaughsIsRefusedQuicklyInBoundedMemory) {
  const long rss_before = peak_rss_kb();
  const auto start = Clock::now();
  ParsedDefinition p = parse_definition(billion_laughs());
  EXPECT_LT(seconds_since(start), 1.0);
  EXPECT_LT(peak_rss_kb() - rss_before, 100 * 1024);  // KiB: far below the gigabytes expansion takes
  ASSERT_FALSE(p.definition);
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_NE(p.issues[0].message.find("more than 100000 values with its aliases expanded (limit: max_yaml_nodes)"),
            std::string::npos)
      << p.issues[0].message;
  EXPECT_GT(p.issues[0].line, 0);
  Status st = issues_status(p.issues);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidValue);
  EXPECT_NE(st.message().find("max_yaml_nodes"), std::string::npos);
}

TEST(YamlLimits, DeepNestingIsRefusedInBothForms) {
  for (const std::string& doc : {std::string(1000000, '['), nested(100000, "- ", "x", ""),
                                 "name: " + nested(65, "[", "1", "]")}) {
    ParsedDefinition p = parse_definition(doc);
    ASSERT_FALSE(p.issues.empty());
    EXPECT_NE(p.issues[0].message.find("(limit: max_yaml_depth)"), std::string::npos) << p.issues[0].message;
  }
}

TEST(YamlLimits, SizeAliasesAndCyclesAreRefused) {
  ParsedDefinition big = parse_definition(std::string(limits::kMaxDefinitionBytes + 1, '#'));
  ASSERT_FALSE(big.issues.empty());
  EXPECT_NE(big.issues[0].message.find("(limit: max_definition_bytes)"), std::string::npos);

  std::string many = "a: &a x\nb: [";
  for (size_t i = 0; i <= limits::kMaxYamlAliases; ++i) many += (i ? ", *a" : "*a");
  many += "]\n";
  ParsedDefinition aliases = parse_definition(many);
  ASSERT_FALSE(aliases.issues.empty());
  EXPECT_NE(aliases.issues[0].message.find("(limit: max_yaml_aliases)"), std::string::npos);

  auto cycle = check_yaml_limits("a: &a [1, *a]\n", definition_yaml_limits());
  ASSERT_TRUE(cycle.has_value());
  EXPECT_NE(cycle->message.find("contains it"), std::string::npos);
}

TEST(YamlLimits, OrdinaryAliasesAndSyntaxErrorsPassToTheLoader) {
  EXPECT_FALSE(check_yaml_limits("base: &b {x: 1}\nother: *b\n", definition_yaml_limits()).has_value());
  EXPECT_FALSE(check_yaml_limits("a: [1, 2\n", definition_yaml_limits()).has_value());
  ParsedDefinition broken = parse_definition("a: [1, 2\n");
  ASSERT_FALSE(broken.issues.empty());
  EXPECT_NE(broken.issues[0].message.find("not valid YAML"), std::string::npos);
}

// ---- expressions ------------------------------------------------------------

std::string compile_error(std::string_view text) {
  auto compiled = Expression::compile(text);
  const auto* e = std::get_if<ExprError>(&compiled);
  return e ? e->message : "";
}

TEST(ExpressionLimits, LengthAndNestingAreCapped) {
  EXPECT_NE(compile_error(std::string(100000, '(')).find("(limit: max_expression_bytes)"), std::string::npos);
  EXPECT_NE(compile_error(nested(70, "(", "title = \"x\"", ")")).find("deeper than 64 levels (limit: max_expression_depth)"),
            std::string::npos);
  EXPECT_NE(compile_error(nested(200, "not ", "title = \"x\"", "")).find("(limit: max_expression_depth)"),
            std::string::npos);
  EXPECT_NE(compile_error(nested(100, "days_since(", "last_touch", ")") + " > 1d").find("max_expression_depth"),
            std::string::npos);
  EXPECT_EQ(compile_error(nested(30, "(", "title = \"x\"", ")")), "");
}

TEST(ExpressionLimits, PatternsAreCappedInLengthAndMemory) {
  EXPECT_NE(compile_error("title matches \"" + std::string(1001, 'a') + "\"").find("(limit: max_pattern_bytes)"),
            std::string::npos);
  EXPECT_NE(compile_error(R"(title matches "\\pL{1000}\\pL{1000}")").find("(limit: max_pattern_memory)"),
            std::string::npos)
      << compile_error(R"(title matches "\\pL{1000}\\pL{1000}")");
  EXPECT_EQ(compile_error(R"(title matches "VP|Director")"), "");
}

// Each of these compiles in RE2 to thousands of instructions; a hundred of
// them in one text once took seconds to compile (found by the fuzzer).
const std::string kBigPattern = R"(title matches "[[:^alpha:]]{1000}")";

TEST(ExpressionLimits, PatternsShareOneBudgetPerExpression) {
  EXPECT_EQ(compile_error(kBigPattern), "");
  std::string many = kBigPattern;
  for (int i = 0; i < 100; ++i) many += " or " + kBigPattern;
  const auto start = Clock::now();
  const std::string error = compile_error(many);
  EXPECT_LT(seconds_since(start), 1.0);
  EXPECT_NE(error.find("need more than 1024 KiB to run together (limit: max_pattern_memory)"), std::string::npos)
      << error;
  // Many small patterns still fit.
  std::string small = R"(title matches "VP|Director")";
  for (int i = 0; i < 100; ++i) small += R"( or title matches "Head of \w+")";
  EXPECT_EQ(compile_error(small), "");
}

TEST(ExpressionLimits, PatternsShareOneBudgetPerDefinition) {
  std::string doc = "name: t\ngrades:\n  hot:\n";
  for (int i = 0; i < 100; ++i) doc += "    - " + kBigPattern + "\n";
  const auto start = Clock::now();
  ParsedDefinition p = parse_definition(doc);
  EXPECT_LT(seconds_since(start), 1.0);
  ASSERT_FALSE(p.definition);
  ASSERT_FALSE(p.issues.empty());
  EXPECT_NE(p.issues[0].message.find("(limit: max_pattern_memory)"), std::string::npos) << p.issues[0].message;
  EXPECT_EQ(p.issues[0].path.rfind("grades.hot[", 0), 0u) << p.issues[0].path;
}

TEST(ExpressionLimits, CostCountsStepsAndPatterns) {
  auto simple = std::get<Expression>(Expression::compile(R"(title = "CEO")"));
  auto pattern = std::get<Expression>(Expression::compile(R"(title matches "CEO")"));
  EXPECT_GT(simple.cost(), 0u);
  EXPECT_GE(pattern.cost(), Expression::kPatternCost);
}

// ---- CSV --------------------------------------------------------------------

TEST(CsvLimits, AHundredMegabyteFieldIsRefusedWithLineAndColumn) {
  std::string text = "email,notes\na@example.com,ok\nb@example.com," + std::string(100u << 20, 'x') + "\nc@example.com,fine\n";
  CsvReader reader(text);
  CsvRecord rec;
  Status err;
  ASSERT_TRUE(reader.next(rec, err));  // header
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_TRUE(err.ok());
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_EQ(err.code(), ErrorCode::kInvalidCsv);
  EXPECT_NE(err.message().find("line 3, column 2: a field longer than 262144 bytes (limit: max_csv_field_bytes)"),
            std::string::npos)
      << err.message();
  EXPECT_EQ(rec.fault_column, 2);
  EXPECT_LE(rec.fields.size(), 1u);
  ASSERT_TRUE(reader.next(rec, err));  // reading resumes after the record
  EXPECT_TRUE(err.ok());
  EXPECT_EQ(rec.line, 4);
  EXPECT_EQ(rec.fields[0], "c@example.com");
}

TEST(CsvLimits, QuotedFieldsAreCappedToo) {
  std::string text = "a,\"" + std::string(limits::kMaxCsvFieldBytes + 10, 'y') + "\"\nnext\n";
  CsvReader reader(text);
  CsvRecord rec;
  Status err;
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_NE(err.message().find("line 1, column 2:"), std::string::npos) << err.message();
  EXPECT_NE(err.message().find("max_csv_field_bytes"), std::string::npos);
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_EQ(rec.fields[0], "next");
}

TEST(CsvLimits, ARowOfAHundredThousandColumnsIsRefused) {
  std::string row(100000 * 2 - 1, ',');
  for (size_t i = 0; i < row.size(); i += 2) row[i] = 'v';
  std::string text = "email\n" + row + "\n";
  CsvReader reader(text, ',');
  CsvRecord rec;
  Status err;
  ASSERT_TRUE(reader.next(rec, err));
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_NE(err.message().find("line 2, column 1001: a record with more than 1000 columns (limit: max_csv_columns)"),
            std::string::npos)
      << err.message();
  EXPECT_EQ(rec.fields.size(), limits::kMaxCsvColumns);
}

TEST(CsvLimits, ALongRowIsRefused) {
  std::string field(100000, 'z');
  std::string row;
  for (int i = 0; i < 20; ++i) row += (i ? "," : "") + field;
  CsvReader reader(row, ',');
  CsvRecord rec;
  Status err;
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_NE(err.message().find("(limit: max_csv_row_bytes)"), std::string::npos) << err.message();
  EXPECT_EQ(rec.fault_column, 11);
}

}  // namespace
}  // namespace leadloop
