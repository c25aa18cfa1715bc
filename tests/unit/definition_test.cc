// The lead definition document: parsing and checking with every issue
// located by line, column and path; the canonical JSON and its hash; grading
// with its reasons (and the score that always equals the sum of its
// reasons' points); SLAs and decay; the diff of two definitions; the
// backtest and the accuracy review on hand-counted leads.
//
// Fixtures: tests/data/definition/acme.yaml (small enough to grade by
// hand), acme.json (the same document as JSON, sections in another order)
// and acme_draft.yaml (the draft the backtest and diff compare with it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "definition/accuracy.h"
#include "definition/backtest.h"
#include "definition/diff.h"
#include "definition/document.h"
#include "definition/grading.h"
#include "definition/outcomes.h"
#include "test_files.h"

namespace leadloop {
namespace {

using testing::fixture;

TimePoint at(std::string_view iso) { return *parse_time(iso); }

const TimePoint kNow = at("2026-03-15T12:00Z");

std::string issues_text(const std::vector<DefinitionIssue>& issues) {
  std::string out;
  for (const auto& i : issues) {
    out += "  " + std::to_string(i.line) + ":" + std::to_string(i.column) + " " + i.path + ": " +
           i.message + "\n";
  }
  return out;
}

std::shared_ptr<const Definition> parse_ok(std::string_view text) {
  ParsedDefinition p = parse_definition(text);
  EXPECT_TRUE(p.issues.empty()) << issues_text(p.issues);
  EXPECT_EQ(p.definition != nullptr, p.issues.empty());
  if (!p.definition) return std::make_shared<Definition>();
  return p.definition;
}

std::string acme_yaml() { return fixture("definition/acme.yaml"); }
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the fixture has no `" << from << "`";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string changes_text(const std::vector<DefinitionChange>& changes) {
  std::string out;
  for (const auto& c : changes)
    out += c.section + " " + c.change + ": [" + c.from + "] -> [" + c.to + "]\n";
  return out;
}

// --- parsing and checking ----------------------------------------------------

TEST(DefinitionParse, TheDemoDocumentParses) {
  std::string demo = fixture("../../src/demo/lead_definition.yaml");
  ASSERT_FALSE(demo.empty());
  auto d = parse_ok(demo);
  EXPECT_FALSE(d->name.empty());
  EXPECT_TRUE(d->grades[ruled_grade_index(Grade::kHot)].has_value());
  EXPECT_FALSE(d->score.empty());
  EXPECT_FALSE(d->reject_reasons.empty());
  EXPECT_FALSE(d->call_guide.empty());
}

TEST(DefinitionParse, ReadsEverySectionOfTheFixture) {
  auto d = parse_ok(acme_yaml());
  EXPECT_EQ(d->name, "Acme test definition");
  EXPECT_EQ(d->description,
            "A lead is a person at a company of 50+ employees. Hot leads have a decision maker and "
            "a confirmed "
            "budget.\n");
  EXPECT_EQ(d->required_fields,
            (std::vector<std::vector<std::string>>{{"company"}, {"email", "phone"}}));
  ASSERT_EQ(d->required_rules.size(), 2u);
  EXPECT_EQ(d->required_rules[1].when, "email exists or phone exists");
  EXPECT_EQ(d->required_rules[1].says, "has email or phone");
  EXPECT_EQ(d->required_rules[1].path, "required_fields[1]");
  ASSERT_EQ(d->qualification.size(), 1u);
  EXPECT_EQ(d->qualification[0].says, "company has 50 or more employees");
  const auto& hot = d->grades[ruled_grade_index(Grade::kHot)];
  ASSERT_TRUE(hot.has_value());
  ASSERT_EQ(hot->size(), 2u);
  EXPECT_EQ((*hot)[1].when, "data.budget = \"confirmed\"");
  EXPECT_EQ((*hot)[1].path, "grades.hot[1]");
  EXPECT_EQ((*hot)[1].pos.line, 20);
  EXPECT_EQ((*hot)[1].pos.column, 13);
  const auto& cold = d->grades[ruled_grade_index(Grade::kCold)];
  ASSERT_TRUE(cold.has_value());
  EXPECT_TRUE(cold->empty());
  ASSERT_EQ(d->score.size(), 5u);
  EXPECT_EQ(d->score[4].points, -30);
  EXPECT_EQ(d->score[4].rule.path, "score[4]");
  EXPECT_EQ(d->decay_warm_to_cold_days, 30);
  EXPECT_EQ(d->sla_hours, (std::array<int, 3>{4, 48, 0}));
  ASSERT_EQ(d->reject_reasons.size(), 3u);
  EXPECT_EQ(d->reject_reasons[0].code, "no_budget");
  EXPECT_EQ(d->reject_reasons[0].label, "No budget this year");
  EXPECT_EQ(d->reject_reasons[2].code, "wrong_contact");
  EXPECT_EQ(d->reject_reasons[2].label, "wrong_contact");  // a bare code is its own label
  ASSERT_EQ(d->call_guide.size(), 2u);
  EXPECT_EQ(d->call_guide[0].type, "choice");
  EXPECT_EQ(d->call_guide[0].choices, (std::vector<std::string>{"confirmed", "unknown", "none"}));
  EXPECT_EQ(d->call_guide[1].key, "decision_maker");
  EXPECT_TRUE(is_reject_reason(*d, "bad_timing"));
  EXPECT_TRUE(is_reject_reason(*d, "wrong_contact"));
  EXPECT_FALSE(is_reject_reason(*d, "duplicate"));
  EXPECT_FALSE(is_reject_reason(*d, ""));
}

TEST(DefinitionParse, SaysDefaultsToTheConditionAndAnAbsentGradeStaysAbsent) {
  auto d = parse_ok(R"(name: t
grades:
  hot:
    - title exists
)");
  const auto& hot = *d->grades[ruled_grade_index(Grade::kHot)];
  ASSERT_EQ(hot.size(), 1u);
  EXPECT_EQ(hot[0].says, "title exists");
  EXPECT_FALSE(d->grades[ruled_grade_index(Grade::kWarm)].has_value());
  EXPECT_FALSE(d->grades[ruled_grade_index(Grade::kCold)].has_value());
}

struct ExpectedIssue {
  int line;
  int column;
  const char* path;
  const char* message;  // a part of the message
};

struct IssueCase {
  const char* name;
  const char* text;
  std::vector<ExpectedIssue> issues;  // all of them, in order
};

void expect_issues(const std::vector<IssueCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ParsedDefinition p = parse_definition(c.text);
    EXPECT_TRUE(p.definition == nullptr);
    ASSERT_EQ(p.issues.size(), c.issues.size()) << issues_text(p.issues);
    for (size_t i = 0; i < c.issues.size(); ++i) {
      SCOPED_TRACE(i);
      const auto& got = p.issues[i];
      const auto& want = c.issues[i];
      EXPECT_EQ(got.line, want.line) << got.message;
      EXPECT_EQ(got.column, want.column) << got.message;
      EXPECT_EQ(got.path, want.path) << got.message;
      EXPECT_NE(got.message.find(want.message), std::string::npos) << got.message;
    }
  }
}

TEST(DefinitionIssues, SectionsAndKeys) {
  expect_issues({
      {"unknown section",
       "name: t\n"
       "gradez:\n"
       "  hot: []\n",
       {{2, 1, "gradez", "unknown key 'gradez'; did you mean 'grades'?"},
        {0, 0, "grades", "is missing: say what makes a lead hot, warm and cold"}}},
      {"unknown section without a near match",
       "name: t\n"
       "grades:\n"
       "  cold: []\n"
       "owner: marketing\n",
       {{4, 1, "owner", "unknown key 'owner'"}}},
      {"unknown grade",
       "name: t\n"
       "grades:\n"
       "  hott: []\n",
       {{3, 3, "grades.hott", "unknown key 'hott'; did you mean 'hot'?"},
        {3, 3, "grades", "define at least one of hot, warm, cold"}}},
      {"unknown key in a rule",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: title exists\n"
       "      sayz: has a title\n",
       {{5, 7, "grades.hot[0].sayz", "unknown key 'sayz'; did you mean 'says'?"}}},
      {"missing name",
       "grades:\n"
       "  cold: []\n",
       {{0, 0, "name", "is missing"}}},
      {"missing grades",
       "name: t\n",
       {{0, 0, "grades", "is missing: say what makes a lead hot, warm and cold"}}},
      {"grades not a map",
       "name: t\n"
       "grades: [hot]\n",
       {{2, 9, "grades", "expected hot:, warm: and cold: with their conditions"}}},
      {"grade not a list",
       "name: t\n"
       "grades:\n"
       "  hot: title exists\n",
       {{3, 8, "grades.hot", "expected a list of conditions"}}},
      {"required field that is not a lead field",
       "name: t\n"
       "required_fields:\n"
       "  - emial or phone\n"
       "grades:\n"
       "  cold: []\n",
       {{3, 5, "required_fields[0]", "'emial' is not a lead field"}}},
  });
}

TEST(DefinitionIssues, DocumentsThatAreNotDefinitions) {
  expect_issues({
      {"a list",
       "- a\n- b\n",
       {{1, 1, "", "expected a document with name:, grades: and the other sections"}}},
      {"a scalar", "hello\n", {{1, 1, "", "expected a document with name:, grades:"}}},
      {"empty", "", {{1, 1, "", "expected a document with name:, grades:"}}},
      {"unclosed flow list",
       "name: t\ngrades: [hot\n",
       {{3, 1, "", "the file is not valid YAML or JSON"}}},
      {"unclosed flow list before the next key",
       "name: t\n"
       "grades:\n"
       "  hot: [a\n"
       "  warm: []\n",
       {{4, 7, "", "the file is not valid YAML or JSON: end of sequence flow not found"}}},
      {"bad indentation",
       "name: t\n  bad: x\ngrades: {}\n",
       {{2, 6, "", "the file is not valid YAML or JSON"}}},
      {"a tab as indentation",
       "name: t\ngrades:\n\thot: []\n",
       {{3, 5, "", "the file is not valid YAML or JSON"}}},
      {"broken JSON",
       "{\"name\": \"t\", \"grades\": {\"cold\": []}\n",
       {{2, 1, "", "the file is not valid YAML or JSON"}}},
  });
}

TEST(DefinitionIssues, ConditionErrorsPointIntoTheFile) {
  expect_issues({
      {"plain scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - title exists\n"
       "    - when: titel = \"VP\"\n"
       "      says: x\n",
       {{5, 13, "grades.hot[1].when", "unknown field 'titel'; did you mean 'title'?"}}},
      {"bare condition",
       "name: t\n"
       "grades:\n"
       "  warm:\n"
       "    - employees > 5 and titel exists\n",
       {{4, 25, "grades.warm[0].when", "unknown field 'titel'; did you mean 'title'?"}}},
      {"double-quoted scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: \"employees > 5 and titel exists\"\n",
       {{4, 32, "grades.hot[0].when", "unknown field 'titel'"}}},
      {"single-quoted scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: 'employees > 5 and titel exists'\n",
       {{4, 32, "grades.hot[0].when", "unknown field 'titel'"}}},
      {"block scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: |\n"
       "        employees > 5 and titel exists\n",
       {{5, 27, "grades.hot[0].when", "unknown field 'titel'"}}},
      {"folded block scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: >\n"
       "        employees > 5 and titel exists\n",
       {{5, 27, "grades.hot[0].when", "unknown field 'titel'"}}},
      {"type error",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: employees = \"many\"\n",
       {{4, 25, "grades.hot[0].when",
         "employees is a number; compare it with a number such as 500"}}},
      {"syntax error in a score signal",
       "name: t\n"
       "grades:\n"
       "  cold: []\n"
       "score:\n"
       "  - when: title = \"VP\n"
       "    points: 10\n",
       {{5, 19, "score[0].when", "this text has no closing quote"}}},
      {"qualification",
       "name: t\n"
       "qualification:\n"
       "  - when: employees >\n"
       "grades:\n"
       "  cold: []\n",
       {{3, 22, "qualification[0].when", "expected a value after '>'"}}},
      {"empty condition",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: \"\"\n",
       {{4, 13, "grades.hot[0].when", "must not be empty"}}},
      {"JSON",
       "{\"name\": \"t\",\n"
       " \"grades\": {\"hot\": [{\"when\": \"employees > 5 and titel exists\"}]}}\n",
       {{2, 49, "grades.hot[0].when", "unknown field 'titel'"}}},
  });
}

// Known defect, found by this test: the position of an error inside a
// condition is computed on the scalar's value, not on its text in the file.
// An escaped quote (\" is two characters in the file, one in the value), the
// indentation of a block scalar's second line and the line break YAML folds
// out of a plain multi-line scalar are not counted. JSON documents escape
// every quote of a text literal, so they are hit often. Enable when fixed.
TEST(DefinitionIssues, ConditionErrorsPointIntoTheFileAfterEscapesAndLineBreaks) {
  expect_issues({
      {"escaped quotes in a double-quoted scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: \"title = \\\"VP\\\" and titel exists\"\n",
       {{4, 33, "grades.hot[0].when", "unknown field 'titel'"}}},
      {"escaped quotes in JSON",
       "{\"name\": \"t\",\n"
       " \"grades\": {\"hot\": [{\"when\": \"title = \\\"VP\\\" and titel exists\"}]}}\n",
       {{2, 50, "grades.hot[0].when", "unknown field 'titel'"}}},
      {"second line of a block scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: |\n"
       "        employees > 5\n"
       "        and titel exists\n",
       {{6, 13, "grades.hot[0].when", "unknown field 'titel'"}}},
      {"second line of a plain scalar",
       "name: t\n"
       "grades:\n"
       "  hot:\n"
       "    - when: employees > 5\n"
       "        and titel exists\n",
       {{5, 13, "grades.hot[0].when", "unknown field 'titel'"}}},
  });
}

// Known defect, found by this test: yaml-cpp keeps the first of two equal
// keys and the checker does not look, so a second `grades:` or `hot:` is
// silently dropped. Enable when fixed.
TEST(DefinitionIssues, AKeyWrittenTwiceIsAnIssue) {
  const struct {
    const char* text;
    int line;
  } cases[] = {
      {"name: t\ngrades:\n  hot: []\n  hot:\n    - title exists\n", 4},
      {"name: t\ngrades:\n  cold: []\nname: u\n", 4},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    ParsedDefinition p = parse_definition(c.text);
    EXPECT_TRUE(p.definition == nullptr);
    EXPECT_TRUE(std::any_of(p.issues.begin(), p.issues.end(), [&](const auto& i) {
      return i.line == c.line;
    })) << issues_text(p.issues);
  }
}

TEST(DefinitionIssues, NumbersOutOfRange) {
  const char* head =
      "name: t\n"
      "grades:\n"
      "  cold: []\n";
  std::string score = std::string(head) +
                      "score:\n"
                      "  - when: title exists\n"
                      "    points: ";
  std::string sla = std::string(head) +
                    "sla_hours:\n"
                    "  warm: ";
  std::string decay = std::string(head) +
                      "decay:\n"
                      "  warm_to_cold_days: ";
  struct Case {
    std::string text;
    int line;
    int column;
    const char* path;
    const char* message;
  };
  const Case cases[] = {
      {score + "101\n", 6, 13, "score[0].points",
       "expected a whole number from -100 to 100, not '101'"},
      {score + "-101\n", 6, 13, "score[0].points",
       "expected a whole number from -100 to 100, not '-101'"},
      {score + "ten\n", 6, 13, "score[0].points",
       "expected a whole number from -100 to 100, not 'ten'"},
      {score + "2.5\n", 6, 13, "score[0].points",
       "expected a whole number from -100 to 100, not '2.5'"},
      {score + "99999999999999999999\n", 6, 13, "score[0].points", "not '99999999999999999999'"},
      {score + "[1]\n", 6, 13, "score[0].points", "expected a whole number"},
      {sla + "-4\n", 5, 9, "sla_hours.warm", "expected a whole number from 0 to 8760, not '-4'"},
      {sla + "8761\n", 5, 9, "sla_hours.warm",
       "expected a whole number from 0 to 8760, not '8761'"},
      {decay + "-1\n", 5, 22, "decay.warm_to_cold_days",
       "expected a whole number from 0 to 3650, not '-1'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    ParsedDefinition p = parse_definition(c.text);
    ASSERT_EQ(p.issues.size(), 1u) << issues_text(p.issues);
    EXPECT_EQ(p.issues[0].line, c.line);
    EXPECT_EQ(p.issues[0].column, c.column);
    EXPECT_EQ(p.issues[0].path, c.path);
    EXPECT_NE(p.issues[0].message.find(c.message), std::string::npos) << p.issues[0].message;
  }
  // The ends of the ranges are allowed.
  for (const std::string& ok :
       {score + "100\n", score + "-100\n", sla + "0\n", sla + "8760\n", decay + "0\n"}) {
    SCOPED_TRACE(ok);
    parse_ok(ok);
  }
}

TEST(DefinitionIssues, ScoreSignalsNeedPoints) {
  expect_issues({
      {"no points",
       "name: t\n"
       "grades:\n"
       "  cold: []\n"
       "score:\n"
       "  - when: title exists\n",
       {{5, 5, "score[0].points", "is missing"}}},
      {"not a map",
       "name: t\n"
       "grades:\n"
       "  cold: []\n"
       "score:\n"
       "  - title exists\n",
       {{5, 5, "score[0]", "expected when:, points: and says:"}}},
      {"unknown key",
       "name: t\n"
       "grades:\n"
       "  cold: []\n"
       "score:\n"
       "  - when: title exists\n"
       "    point: 5\n",
       {{6, 5, "score[0].point", "unknown key 'point'; did you mean 'points'?"},
        {5, 5, "score[0].points", "is missing"}}},
  });
}

TEST(DefinitionIssues, RejectReasons) {
  const char* head =
      "name: t\n"
      "grades:\n"
      "  cold: []\n"
      "reject_reasons:\n"
      "  - code: no_budget\n"
      "    label: No budget\n";
  expect_issues({
      {"code with a space",
       (std::string(head) + "  - code: No Budget\n").c_str(),
       {{7, 11, "reject_reasons[1].code",
         "a reason code uses a-z, 0-9 and _ only, like no_budget"}}},
      {"bare code with a dash",
       (std::string(head) + "  - bad-timing\n").c_str(),
       {{7, 5, "reject_reasons[1].code", "a reason code uses a-z, 0-9 and _ only"}}},
      {"listed twice",
       (std::string(head) + "  - wrong_contact\n  - code: no_budget\n    label: Again\n").c_str(),
       {{8, 11, "reject_reasons[2].code", "'no_budget' is listed twice"}}},
      {"empty code",
       (std::string(head) + "  - label: Nothing\n").c_str(),
       {{7, 5, "reject_reasons[1].code", "is missing"}}},
  });
}

TEST(DefinitionIssues, CallGuide) {
  const char* head =
      "name: t\n"
      "grades:\n"
      "  cold: []\n"
      "call_guide:\n"
      "  - key: budget\n"
      "    question: Is there a budget?\n";
  auto with = [&](const char* more) { return std::string(head) + more; };
  const std::string twice = with("  - key: budget\n    question: Really?\n");
  const std::string choice = with("  - key: size\n    question: How big?\n    type: choice\n");
  const std::string type = with("  - key: size\n    question: How big?\n    type: bool\n");
  const std::string bad_key = with("  - key: Budget-2\n    question: Again?\n");
  const std::string no_question = with("  - key: size\n");
  expect_issues({
      {"key asked twice", twice.c_str(), {{7, 10, "call_guide[1].key", "'budget' is asked twice"}}},
      {"choice without choices",
       choice.c_str(),
       {{9, 11, "call_guide[1].choices", "a choice question needs its choices"}}},
      {"unknown type",
       type.c_str(),
       {{9, 11, "call_guide[1].type",
         "'bool' is not a type; use text, number, yes_no, date or choice"}}},
      {"key with bad characters",
       bad_key.c_str(),
       {{7, 10, "call_guide[1].key", "a data point key uses a-z, 0-9 and _ only"}}},
      {"question missing", no_question.c_str(), {{0, 0, "call_guide[1].question", "is missing"}}},
  });
}

TEST(DefinitionIssues, RulesMayOnlyReadDataPointsTheCallGuideAsks) {
  const char* rules =
      "name: t\n"
      "qualification:\n"
      "  - when: data.size > 50\n"
      "grades:\n"
      "  hot:\n"
      "    - when: title exists and data.budgte = \"confirmed\"\n"
      "score:\n"
      "  - when: data.budget = \"confirmed\"\n"
      "    points: 10\n";
  expect_issues({
      {"with a call guide",
       (std::string(rules) + "call_guide:\n"
                             "  - key: budget\n"
                             "    question: Is there a budget?\n")
           .c_str(),
       {{3, 11, "qualification[0].when", "data.size is not a question of the call guide"},
        {6, 13, "grades.hot[0].when", "data.budgte is not a question of the call guide"}}},
  });
  // Without a call guide every data point may be read.
  parse_ok(rules);
}

TEST(DefinitionIssues, EveryIssueIsReportedInOnePass) {
  ParsedDefinition p = parse_definition(
      "name: t\n"
      "grades:\n"
      "  hot:\n"
      "    - when: titel exists\n"
      "  warm:\n"
      "    - when: employees = \"many\"\n"
      "score:\n"
      "  - when: title exists\n"
      "    points: 500\n"
      "sla_hours:\n"
      "  hot: -1\n"
      "reject_reasons:\n"
      "  - No Budget\n"
      "colour: red\n");
  EXPECT_TRUE(p.definition == nullptr);
  std::vector<std::pair<int, std::string>> where;
  for (const auto& i : p.issues) where.emplace_back(i.line, i.path);
  EXPECT_EQ(where, (std::vector<std::pair<int, std::string>>{{14, "colour"},
                                                             {4, "grades.hot[0].when"},
                                                             {6, "grades.warm[0].when"},
                                                             {9, "score[0].points"},
                                                             {11, "sla_hours.hot"},
                                                             {13, "reject_reasons[0].code"}}))
      << issues_text(p.issues);

  Status s = issues_status(p.issues);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(s.message(), "line 14, column 1: unknown key 'colour' (and 5 more)");
  EXPECT_EQ(s.field(), "colour");
  EXPECT_TRUE(issues_status({}).ok());
}

// --- canonical JSON and the content hash ---------------------------------------

TEST(DefinitionCanonical, HasAFixedShape) {
  auto d = parse_ok(R"(# comment
sla_hours: {hot: 2}
grades:
  warm: []
  hot:
    - when: title exists
score:
  - points: 5
    when: employees > 10
reject_reasons: [spam]
name: Tiny
call_guide:
  - key: size
    question: How big?
    type: number
)");
  EXPECT_EQ(canonical_json(*d),
            R"({"name":"Tiny","description":"","required_fields":[],"qualification":[],)"
            R"("grades":{"hot":[{"when":"title exists","says":"title exists"}],"warm":[]},)"
            R"("score":[{"when":"employees > 10","points":5,"says":"employees > 10"}],)"
            R"("decay":{"warm_to_cold_days":0},"sla_hours":{"hot":2,"warm":0,"cold":0},)"
            R"("reject_reasons":[{"code":"spam","label":"spam"}],)"
            R"("call_guide":[{"key":"size","question":"How big?","type":"number"}]})");
  std::string hash = content_hash(*d);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_TRUE(std::all_of(hash.begin(), hash.end(),
                          [](char c) { return std::isxdigit(c) && !std::isupper(c); }));
}

TEST(DefinitionCanonical, RoundTripsThroughItsOwnJson) {
  const std::string docs[] = {acme_yaml(), fixture("definition/acme_draft.yaml"),
                              fixture("../../src/demo/lead_definition.yaml"),
                              "name: t\ngrades:\n  hot: []\n"};
  for (const auto& text : docs) {
    SCOPED_TRACE(text.substr(0, 80));
    auto d = parse_ok(text);
    std::string json = canonical_json(*d);
    auto again = parse_ok(json);
    EXPECT_EQ(canonical_json(*again), json);
    EXPECT_EQ(content_hash(*again), content_hash(*d));
  }
}

TEST(DefinitionCanonical, JsonAndYamlOfOneDocumentHaveOneHash) {
  auto yaml = parse_ok(acme_yaml());
  auto json = parse_ok(fixture("definition/acme.json"));
  EXPECT_EQ(canonical_json(*json), canonical_json(*yaml));
  EXPECT_EQ(content_hash(*json), content_hash(*yaml));
}

struct EditCase {
  const char* what;
  const char* from;
  const char* to;
};

TEST(DefinitionCanonical, LayoutAndCommentsDoNotChangeTheHash) {
  const std::string base = content_hash(*parse_ok(acme_yaml()));
  const EditCase cases[] = {
      {"a comment line", "name: Acme", "# reviewed by sales on 2026-03-01\nname: Acme"},
      {"a trailing comment", "  hot: 4\n", "  hot: 4   # same day\n"},
      {"blank lines", "\ngrades:", "\n\n\n\ngrades:"},
      {"a flow list as a block list", "    choices: [confirmed, unknown, none]\n",
       "    choices:\n      - confirmed\n      - unknown\n      - none\n"},
      {"a quoted scalar", "    says: senior title\n", "    says: \"senior title\"\n"},
      {"a flow map", "sla_hours:\n  hot: 4\n  warm: 48\n  cold: 0\n",
       "sla_hours: {hot: 4, warm: 48, cold: 0}\n"},
      {"sections in another order", "decay:\n  warm_to_cold_days: 30\n\n", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::string text = replaced(acme_yaml(), c.from, c.to);
    if (std::string_view(c.what) == "sections in another order")
      text += "decay:\n  warm_to_cold_days: 30\n";
    EXPECT_EQ(content_hash(*parse_ok(text)), base);
  }
}

// Known defect, found by this test: a block scalar keeps its final line
// break, so `when: |` holds "title exists\n": the hash and the diff see
// another rule, and people read `says` with a trailing newline. Enable when
// fixed.
TEST(DefinitionCanonical, ABlockScalarIsTheSameRuleAsAPlainOne) {
  const std::string plain = acme_yaml();
  const std::string block =
      replaced(plain, "  - when: employees >= 50\n", "  - when: |\n      employees >= 50\n");
  auto a = parse_ok(plain);
  auto b = parse_ok(block);
  ASSERT_EQ(b->qualification.size(), 1u);
  EXPECT_EQ(b->qualification[0].when, "employees >= 50");
  EXPECT_EQ(content_hash(*b), content_hash(*a));
  EXPECT_EQ(changes_text(diff_definitions(*a, *b)), "");
}

TEST(DefinitionCanonical, AnyEditOfMeaningChangesTheHash) {
  const std::string base = content_hash(*parse_ok(acme_yaml()));
  const EditCase cases[] = {
      {"a rule's condition", "employees >= 50", "employees >= 51"},
      {"a rule's words", "says: budget confirmed\n  warm:", "says: budget agreed\n  warm:"},
      {"points", "points: 40", "points: 35"},
      {"an SLA", "  hot: 4\n", "  hot: 5\n"},
      {"decay", "warm_to_cold_days: 30", "warm_to_cold_days: 31"},
      {"a reject reason's label", "No budget this year", "No budget"},
      {"a grade dropped", "  cold: []\n", ""},
      {"a choice", "[confirmed, unknown, none]", "[confirmed, none]"},
      {"the name", "name: Acme test definition", "name: Acme test definition 2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_NE(content_hash(*parse_ok(replaced(acme_yaml(), c.from, c.to))), base);
  }
}

// --- grading -------------------------------------------------------------------

struct LeadFacts {
  std::string title = {};
  std::optional<int64_t> employees = 500;
  std::vector<std::pair<std::string, std::string>> attributes = {};
  std::vector<std::pair<std::string, std::string>> data = {};
  int64_t touches = 0;
  bool company = true;
  bool email = true;
  bool phone = false;
};

Lead make_lead(const LeadFacts& f, int64_t id = 1) {
  Lead l;
  l.id = id;
  l.title = f.title;
  l.employees = f.employees;
  for (const auto& [k, v] : f.attributes) l.attributes[k] = v;
  for (const auto& [k, v] : f.data) l.data_points[k] = v;
  l.touch_count = f.touches;
  if (f.company) l.company = "Initech";
  if (f.email) l.email = "p@initech.example";
  if (f.phone) l.phone = "+1 555 0100";
  l.created_at = at("2026-03-01T09:00Z");
  return l;
}

struct ExpectedReason {
  std::string rule;
  std::string says;
  std::string inputs;
  bool held;
};

struct GradingCase {
  const char* name;
  LeadFacts lead;
  Grade grade;
  std::vector<ExpectedReason> reasons;
};

TEST(Grading, FirstMatchingGradeWithItsReasons) {
  auto d = parse_ok(acme_yaml());
  const GradingCase cases[] = {
      {"hot: every hot rule, with the values it read",
       {.title = "VP Sales", .data = {{"budget", "confirmed"}}},
       Grade::kHot,
       {{"grades.hot[0]", "decision maker by title", "title = \"VP Sales\"", true},
        {"grades.hot[1]", "budget confirmed", "data.budget = \"confirmed\"", true}}},
      {"hot before warm",
       {.title = "Head of IT",
        .attributes = {{"timeframe_days", "30"}},
        .data = {{"budget", "Confirmed"}}},
       Grade::kHot,
       {{"grades.hot[0]", "decision maker by title", "title = \"Head of IT\"", true},
        {"grades.hot[1]", "budget confirmed", "data.budget = \"Confirmed\"", true}}},
      {"warm: its rule",
       {.title = "VP Sales",
        .attributes = {{"timeframe_days", "120"}},
        .data = {{"budget", "unknown"}}},
       Grade::kWarm,
       {{"grades.warm[0]", "buying within six months", "attributes.timeframe_days = 120", true}}},
      {"cold catches the rest and says what hot and warm missed",
       {.title = "Engineer", .attributes = {{"timeframe_days", "365"}}},
       Grade::kCold,
       {{"grades.hot[0]", "not decision maker by title", "title = \"Engineer\"", false},
        {"grades.warm[0]", "not buying within six months", "attributes.timeframe_days = 365",
         false}}},
      {"cold: the first hot condition that failed",
       {.title = "Director", .data = {{"budget", "unknown"}}},
       Grade::kCold,
       {{"grades.hot[1]", "not budget confirmed", "data.budget = \"unknown\"", false},
        {"grades.warm[0]", "not buying within six months", "attributes.timeframe_days missing",
         false}}},
      {"required fields missing",
       {.title = "VP Sales", .data = {{"budget", "confirmed"}}, .company = false, .email = false},
       Grade::kUnqualified,
       {{"required_fields[0]", "missing: company", "", false},
        {"required_fields[1]", "missing: email or phone", "", false}}},
      {"a phone stands in for the email",
       {.title = "VP Sales", .data = {{"budget", "confirmed"}}, .email = false, .phone = true},
       Grade::kHot,
       {{"grades.hot[0]", "decision maker by title", "title = \"VP Sales\"", true},
        {"grades.hot[1]", "budget confirmed", "data.budget = \"confirmed\"", true}}},
      {"qualification failed",
       {.title = "VP Sales", .employees = 20, .data = {{"budget", "confirmed"}}},
       Grade::kUnqualified,
       {{"qualification[0]", "not company has 50 or more employees", "employees = 20", false}}},
      {"qualification on a missing value",
       {.title = "VP Sales", .employees = std::nullopt},
       Grade::kUnqualified,
       {{"qualification[0]", "not company has 50 or more employees", "employees missing", false}}},
      {"required and qualification both reported",
       {.title = "VP Sales", .employees = 10, .company = false},
       Grade::kUnqualified,
       {{"required_fields[0]", "missing: company", "", false},
        {"qualification[0]", "not company has 50 or more employees", "employees = 10", false}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Lead lead = make_lead(c.lead);
    LeadContext ctx{&lead, nullptr, kNow};
    Grading g = grade_lead(*d, ctx);
    EXPECT_EQ(grade_name(g.grade), grade_name(c.grade));
    EXPECT_EQ(grade_name(classify(*d, ctx)), grade_name(c.grade));
    std::vector<ExpectedReason> got;
    for (const auto& r : g.reasons) got.push_back({r.rule, r.says, r.inputs, r.held});
    ASSERT_EQ(got.size(), c.reasons.size()) << grading_summary(g);
    for (size_t i = 0; i < got.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(got[i].rule, c.reasons[i].rule);
      EXPECT_EQ(got[i].says, c.reasons[i].says);
      EXPECT_EQ(got[i].inputs, c.reasons[i].inputs);
      EXPECT_EQ(got[i].held, c.reasons[i].held);
    }
  }
}

TEST(Grading, AGradeThatIsAbsentNeverMatches) {
  // No cold: a lead that is neither hot nor warm is unqualified.
  auto d = parse_ok(replaced(acme_yaml(), "  cold: []\n", ""));
  Lead lead = make_lead({.title = "Engineer"});
  LeadContext ctx{&lead, nullptr, kNow};
  Grading g = grade_lead(*d, ctx);
  EXPECT_EQ(g.grade, Grade::kUnqualified);
  EXPECT_EQ(classify(*d, ctx), Grade::kUnqualified);
  ASSERT_EQ(g.reasons.size(), 2u);
  EXPECT_EQ(g.reasons[0].rule, "grades.hot[0]");
  EXPECT_FALSE(g.reasons[0].held);
  EXPECT_EQ(g.reasons[1].rule, "grades.warm[0]");
  EXPECT_EQ(grading_summary(g),
            "unqualified: not decision maker by title (title = \"Engineer\"); not buying within "
            "six months "
            "(attributes.timeframe_days missing)");

  // Only an empty hot: every qualified lead is hot.
  auto only_hot = parse_ok("name: t\ngrades:\n  hot: []\n");
  EXPECT_EQ(grade_lead(*only_hot, ctx).grade, Grade::kHot);
  EXPECT_EQ(classify(*only_hot, ctx), Grade::kHot);
}

TEST(Grading, ScoreReasonsListThePointsOfEachSignalAndTheCaps) {
  auto d = parse_ok(acme_yaml());
  struct Case {
    const char* name;
    LeadFacts lead;
    int score;
    std::vector<std::pair<std::string, int>> reasons;  // rule, points
  };
  const Case cases[] = {
      {"nothing", {.title = "Engineer"}, 0, {}},
      {"two signals",
       {.title = "VP Sales", .data = {{"budget", "confirmed"}}},
       70,
       {{"score[0]", 40}, {"score[1]", 30}}},
      {"over 100 is capped",
       {.title = "VP Sales", .employees = 5000, .data = {{"budget", "confirmed"}}, .touches = 3},
       100,
       {{"score[0]", 40}, {"score[1]", 30}, {"score[2]", 20}, {"score[3]", 20}, {"score", -10}}},
      {"below 0 is capped",
       {.attributes = {{"competitor", "Globex"}}},
       0,
       {{"score[4]", -30}, {"score", 30}}},
      {"a negative signal",
       {.title = "Chief of Staff", .attributes = {{"competitor", "Globex"}}},
       10,
       {{"score[0]", 40}, {"score[4]", -30}}},
      {"unqualified leads are scored too",
       {.title = "VP Sales", .employees = 10},
       40,
       {{"score[0]", 40}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Lead lead = make_lead(c.lead);
    Grading g = grade_lead(*d, {&lead, nullptr, kNow});
    EXPECT_EQ(g.score, c.score);
    std::vector<std::pair<std::string, int>> got;
    for (const auto& r : g.score_reasons) got.emplace_back(r.rule, r.points);
    EXPECT_EQ(got, c.reasons);
  }
  Lead lead = make_lead(
      {.title = "VP Sales", .employees = 5000, .data = {{"budget", "confirmed"}}, .touches = 3});
  Grading g = grade_lead(*d, {&lead, nullptr, kNow});
  ASSERT_EQ(g.score_reasons.size(), 5u);
  EXPECT_EQ(g.score_reasons[0].says, "senior title");
  EXPECT_EQ(g.score_reasons[0].inputs, "title = \"VP Sales\"");
  EXPECT_EQ(g.score_reasons[3].inputs, "touches.count = 3");
  EXPECT_EQ(g.score_reasons[4].says, "the score is capped at 100");
}

TEST(Grading, JsonAndSummary) {
  auto d = parse_ok(acme_yaml());
  Lead lead =
      make_lead({.title = "VP \"Sales\"", .employees = 5000, .data = {{"budget", "confirmed"}}});
  Grading g = grade_lead(*d, {&lead, nullptr, kNow});
  EXPECT_EQ(grading_summary(g),
            "hot: decision maker by title (title = \"VP \\\"Sales\\\"\"); budget confirmed "
            "(data.budget = "
            "\"confirmed\")");
  nlohmann::json j = nlohmann::json::parse(grading_json(g));  // throws if it is not JSON
  EXPECT_EQ(j["grade"], "hot");
  EXPECT_EQ(j["score"], 90);
  EXPECT_EQ(j["summary"], grading_summary(g));
  ASSERT_EQ(j["reasons"].size(), 2u);
  EXPECT_EQ(j["reasons"][0]["rule"], "grades.hot[0]");
  EXPECT_EQ(j["reasons"][0]["says"], "decision maker by title");
  EXPECT_EQ(j["reasons"][0]["inputs"], "title = \"VP \\\"Sales\\\"\"");
  EXPECT_EQ(j["reasons"][0]["held"], true);
  ASSERT_EQ(j["score_reasons"].size(), 3u);
  EXPECT_EQ(j["score_reasons"][2]["rule"], "score[2]");
  EXPECT_EQ(j["score_reasons"][2]["points"], 20);

  Grading none;
  EXPECT_EQ(grading_summary(none), "unqualified: no rule applies");
  EXPECT_EQ(nlohmann::json::parse(grading_json(none))["reasons"], nlohmann::json::array());
}

// Random leads over values whose meaning is unambiguous, so that a plain C++
// oracle can grade and score them for acme.yaml.
Lead random_lead(std::mt19937& rng, int64_t id) {
  auto pick = [&](const auto& options) { return options[rng() % std::size(options)]; };
  static const char* kTitles[] = {
      "",         "VP Sales", "Director of IT", "head of growth", "CHIEF of staff",
      "Engineer", "Analyst",  "Office manager"};
  static const std::optional<int64_t> kEmployees[] = {std::nullopt, 10, 49, 50, 999, 1000, 20000};
  static const char* kBudgets[] = {nullptr,   "confirmed", "Confirmed", " confirmed ",
                                   "unknown", "none",      ""};
  static const char* kTimeframes[] = {nullptr, "30", "180", "181", "365", "soon", ""};
  static const char* kCompetitors[] = {nullptr, nullptr, "Globex", ""};
  Lead l;
  l.id = id;
  l.title = pick(kTitles);
  l.employees = pick(kEmployees);
  if (const char* b = pick(kBudgets)) l.data_points["budget"] = b;
  if (const char* t = pick(kTimeframes)) l.attributes["timeframe_days"] = t;
  if (const char* c = pick(kCompetitors)) l.attributes["competitor"] = c;
  if (rng() % 2) l.data_points["decision_maker"] = rng() % 2 ? "yes" : "no";
  l.touch_count = rng() % 5;
  if (rng() % 8) l.company = "Initech";
  if (rng() % 3) l.email = "p@initech.example";
  if (rng() % 3) l.phone = "+1 555 0100";
  l.created_at = at("2026-01-01T00:00Z") + static_cast<TimePoint>(rng() % 60) * kMillisPerDay;
  return l;
}

Grade acme_oracle_grade(const Lead& l) {
  if (l.company.empty() || (l.email.empty() && l.phone.empty())) return Grade::kUnqualified;
  if (!l.employees || *l.employees < 50) return Grade::kUnqualified;
  std::string title = l.title;
  for (char& c : title) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool senior = false;
  for (const char* word : {"vp", "director", "head", "chief"})
    senior |= title.find(word) != std::string::npos;
  auto budget = l.data_points.find("budget");
  bool confirmed = budget != l.data_points.end() &&
                   (budget->second == "confirmed" || budget->second == "Confirmed" ||
                    budget->second == " confirmed ");
  if (senior && confirmed) return Grade::kHot;
  auto tf = l.attributes.find("timeframe_days");
  if (tf != l.attributes.end() && (tf->second == "30" || tf->second == "180")) return Grade::kWarm;
  return Grade::kCold;
}

int acme_oracle_raw_score(const Lead& l) {
  std::string title = l.title;
  for (char& c : title) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool senior = false;
  for (const char* word : {"vp", "director", "head", "chief"})
    senior |= title.find(word) != std::string::npos;
  auto budget = l.data_points.find("budget");
  bool confirmed = budget != l.data_points.end() &&
                   (budget->second == "confirmed" || budget->second == "Confirmed" ||
                    budget->second == " confirmed ");
  auto competitor = l.attributes.find("competitor");
  return 40 * senior + 30 * confirmed + 20 * (l.employees && *l.employees >= 1000) +
         20 * (l.touch_count >= 2) -
         30 * (competitor != l.attributes.end() && !competitor->second.empty());
}

int points_of(const std::vector<GradeReason>& reasons) {
  int sum = 0;
  for (const auto& r : reasons) sum += r.points;
  return sum;
}

TEST(Grading, GeneratedLeadsAgreeWithAHandWrittenOracle) {
  auto d = parse_ok(acme_yaml());
  std::mt19937 rng(20260315);
  int capped_high = 0, capped_low = 0;
  std::array<int, kGradeCount> seen{};
  for (int i = 0; i < 5000; ++i) {
    Lead l = random_lead(rng, i + 1);
    LeadContext ctx{&l, nullptr, kNow};
    Grading g = grade_lead(*d, ctx);
    SCOPED_TRACE(grading_json(g));
    ASSERT_EQ(g.grade, acme_oracle_grade(l));
    ASSERT_EQ(classify(*d, ctx), g.grade);
    int raw = acme_oracle_raw_score(l);
    ASSERT_EQ(g.score, std::clamp(raw, 0, 100));
    ASSERT_EQ(points_of(g.score_reasons), g.score);
    capped_high += raw > 100;
    capped_low += raw < 0;
    ++seen[static_cast<size_t>(g.grade)];
  }
  // The generator reaches both caps and every grade.
  EXPECT_GT(capped_high, 0);
  EXPECT_GT(capped_low, 0);
  for (Grade g : {Grade::kHot, Grade::kWarm, Grade::kCold, Grade::kUnqualified}) {
    EXPECT_GT(seen[static_cast<size_t>(g)], 0) << grade_name(g);
  }
}

TEST(Grading, TheScoreIsAlwaysTheSumOfItsReasonsPoints) {
  // Signals far beyond both caps, and the demo document.
  auto extreme = parse_ok(R"(name: extreme
grades:
  hot:
    - data.budget = "confirmed"
  cold: []
score:
  - when: title exists
    points: 100
  - when: employees >= 50
    points: 100
  - when: touches.count >= 1
    points: -100
  - when: attributes.competitor exists
    points: -100
  - when: data.decision_maker = "yes"
    points: 7
  - when: phone exists
    points: -45
)");
  auto demo = parse_ok(fixture("../../src/demo/lead_definition.yaml"));
  Campaign webinar;
  webinar.key = "spring-webinar";
  webinar.channel = Channel::kWebinar;
  std::mt19937 rng(7);
  int over = 0, under = 0;
  for (int i = 0; i < 5000; ++i) {
    Lead l = random_lead(rng, i + 1);
    if (rng() % 2) l.attributes["budget"] = rng() % 2 ? "confirmed" : "none";
    const Campaign* campaign = rng() % 2 ? &webinar : nullptr;
    LeadContext ctx{&l, campaign, kNow};
    for (const Definition* d : {extreme.get(), demo.get()}) {
      Grading g = grade_lead(*d, ctx);
      ASSERT_EQ(points_of(g.score_reasons), g.score) << grading_json(g);
      ASSERT_GE(g.score, 0);
      ASSERT_LE(g.score, 100);
      ASSERT_EQ(classify(*d, ctx), g.grade);
    }
    Grading g = grade_lead(*extreme, ctx);
    over += std::any_of(g.score_reasons.begin(), g.score_reasons.end(),
                        [](const GradeReason& r) { return r.rule == "score" && r.points < 0; });
    under += std::any_of(g.score_reasons.begin(), g.score_reasons.end(),
                         [](const GradeReason& r) { return r.rule == "score" && r.points > 0; });
  }
  EXPECT_GT(over, 0);
  EXPECT_GT(under, 0);
}

// --- SLAs and decay ------------------------------------------------------------

TEST(DefinitionPolicies, SlaDueFromTheGradesHours) {
  auto d = parse_ok(acme_yaml());  // hot 4, warm 48, cold 0
  const TimePoint graded = at("2026-03-02T10:30Z");
  struct Case {
    Grade grade;
    std::optional<TimePoint> due;
  };
  const Case cases[] = {
      {Grade::kHot, at("2026-03-02T14:30Z")}, {Grade::kWarm, at("2026-03-04T10:30Z")},
      {Grade::kCold, std::nullopt},           {Grade::kUnqualified, std::nullopt},
      {Grade::kNone, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(grade_name(c.grade));
    EXPECT_EQ(sla_due(*d, c.grade, graded), c.due);
  }
  auto yearly = parse_ok(replaced(acme_yaml(), "  cold: 0\n", "  cold: 8760\n"));
  EXPECT_EQ(sla_due(*yearly, Grade::kCold, graded), graded + 8760 * kMillisPerHour);
}

TEST(DefinitionPolicies, WarmLeadsDecayAfterTheDaysWithoutATouch) {
  auto d = parse_ok(acme_yaml());  // warm_to_cold_days: 30
  const TimePoint created = at("2026-01-01T08:00Z");
  const TimePoint touched = at("2026-01-10T08:00Z");
  const TimePoint day = kMillisPerDay;
  struct Case {
    const char* name;
    Grade grade;
    std::optional<TimePoint> last_touch;
    TimePoint now;
    bool decayed;
  };
  const Case cases[] = {
      {"30 days after the last touch", Grade::kWarm, touched, touched + 30 * day, true},
      {"a moment before", Grade::kWarm, touched, touched + 30 * day - 1, false},
      {"long after", Grade::kWarm, touched, touched + 400 * day, true},
      {"counted from the touch, not the capture", Grade::kWarm, touched, created + 30 * day, false},
      {"no touch: counted from the capture", Grade::kWarm, std::nullopt, created + 30 * day, true},
      {"no touch, a moment before", Grade::kWarm, std::nullopt, created + 30 * day - 1, false},
      {"hot never decays", Grade::kHot, std::nullopt, created + 400 * day, false},
      {"cold never decays", Grade::kCold, std::nullopt, created + 400 * day, false},
      {"unqualified never decays", Grade::kUnqualified, std::nullopt, created + 400 * day, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(warm_has_decayed(*d, c.grade, c.last_touch, created, c.now), c.decayed);
  }
  auto never = parse_ok(replaced(acme_yaml(), "warm_to_cold_days: 30", "warm_to_cold_days: 0"));
  EXPECT_FALSE(warm_has_decayed(*never, Grade::kWarm, std::nullopt, created, created + 4000 * day));
  auto absent = parse_ok(replaced(acme_yaml(), "decay:\n  warm_to_cold_days: 30\n", ""));
  EXPECT_FALSE(warm_has_decayed(*absent, Grade::kWarm, touched, created, created + 4000 * day));
}

// --- diff ------------------------------------------------------------------------

TEST(DefinitionDiff, RuleByRuleBetweenTheFixtureAndItsDraft) {
  auto from = parse_ok(acme_yaml());
  auto to = parse_ok(fixture("definition/acme_draft.yaml"));
  EXPECT_EQ(
      changes_text(diff_definitions(*from, *to)),
      "grades.hot removed: [data.budget = \"confirmed\"  (says: budget confirmed)] -> []\n"
      "grades.warm removed: [attributes.timeframe_days <= 180  (says: buying within six months)] "
      "-> []\n"
      "grades.warm added: [] -> [attributes.timeframe_days <= 90  (says: buying within 90 days)]\n"
      "score changed: [+40 when title matches \"VP|Director|Head|Chief\"  (says: senior title)] -> "
      "[+30 when title matches \"VP|Director|Head|Chief\"  (says: senior title)]\n"
      "score removed: [-30 when attributes.competitor exists  (says: uses a competitor)] -> []\n"
      "score added: [] -> [+15 when data.decision_maker = \"yes\"  (says: confirmed decision maker on the call)]\n"
      "sla_hours.hot changed: [4] -> [2]\n"
      "reject_reasons added: [] -> [duplicate: Already being worked by sales]\n");
  EXPECT_TRUE(diff_definitions(*from, *from).empty());
  EXPECT_TRUE(diff_definitions(*from, *parse_ok(fixture("definition/acme.json"))).empty());
}

TEST(DefinitionDiff, EachKindOfEdit) {
  auto base = parse_ok(acme_yaml());
  struct Case {
    EditCase edit;
    std::string changes;
  };
  const Case cases[] = {
      {{"only the words of a rule", "says: company has 50 or more employees",
        "says: at least 50 people"},
       "qualification changed: [employees >= 50  (says: company has 50 or more employees)] -> "
       "[employees >= 50  (says: at least 50 people)]\n"},
      {{"a required field", "  - email or phone\n", "  - email or phone\n  - country\n"},
       "required_fields added: [] -> [has country]\n"},
      {{"a whole grade", "  cold: []\n", ""}, "grades.cold removed: [the whole grade] -> []\n"},
      {{"decay", "warm_to_cold_days: 30", "warm_to_cold_days: 14"},
       "decay.warm_to_cold_days changed: [30] -> [14]\n"},
      {{"two SLAs", "  warm: 48\n  cold: 0\n", "  warm: 24\n  cold: 72\n"},
       "sla_hours.warm changed: [48] -> [24]\nsla_hours.cold changed: [0] -> [72]\n"},
      {{"a reject reason's label", "label: No budget this year", "label: No budget"},
       "reject_reasons changed: [no_budget: No budget this year] -> [no_budget: No budget]\n"},
      {{"a reject reason removed", "  - wrong_contact\n", ""},
       "reject_reasons removed: [wrong_contact: wrong_contact] -> []\n"},
      {{"a call guide question", "question: Are you the person who decides?",
        "question: Do you decide?"},
       "call_guide changed: [decision_maker (yes_no): Are you the person who decides?] -> "
       "[decision_maker (yes_no): Do you decide?]\n"},
      {{"the name", "name: Acme test definition", "name: Acme v2"},
       "name changed: [Acme test definition] -> [Acme v2]\n"},
      {{"a comment", "grades:", "# reviewed\ngrades:"}, ""},
      {{"only the words of a score signal", "says: senior title", "says: senior job title"},
       "score changed: [+40 when title matches \"VP|Director|Head|Chief\"  (says: senior title)] -> "
       "[+40 when title matches \"VP|Director|Head|Chief\"  (says: senior job title)]\n"},
      {{"routing", "decay:\n",
        "routing:\n  by_grade:\n    hot: assign\n    warm: queue\n    cold: recycle\n  rules:\n"
        "    - when: employees >= 15000\n      says: key accounts\n      rep: ann\n"
        "  reassign_after_hours: 24\n  nurture_programme: drip\ndecay:\n"},
       "routing.by_grade.warm changed: [nurture] -> [queue]\n"
       "routing.rules added: [] -> [1. when employees >= 15000 -> rep ann  (says: key accounts)]\n"
       "routing.reassign_after_hours changed: [0] -> [24]\n"
       "routing.nurture_programme changed: [nurture] -> [drip]\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.edit.what);
    auto to = parse_ok(replaced(acme_yaml(), c.edit.from, c.edit.to));
    EXPECT_EQ(changes_text(diff_definitions(*base, *to)), c.changes);
  }
  // Added the other way round.
  auto no_cold = parse_ok(replaced(acme_yaml(), "  cold: []\n", ""));
  EXPECT_EQ(changes_text(diff_definitions(*no_cold, *base)),
            "grades.cold added: [] -> [the whole grade]\n");
}

// --- outcomes, backtest ----------------------------------------------------------

struct Step {
  Stage to;
  const char* reason;
};

SalesOutcome outcome_of(const std::vector<Step>& steps) {
  SalesOutcome o;
  for (const auto& s : steps) o.apply(s.to, s.reason);
  return o;
}

TEST(Outcomes, FoldTheStageChangesInOrder) {
  struct Case {
    const char* name;
    std::vector<Step> steps;
    bool accepted, rejected, opportunity, won;
    const char* reason;
  };
  const Case cases[] = {
      {"nothing yet",
       {{Stage::kQualified, ""}, {Stage::kAssigned, ""}},
       false,
       false,
       false,
       false,
       ""},
      {"accepted", {{Stage::kAccepted, ""}}, true, false, false, false, ""},
      {"working counts as accepted", {{Stage::kWorking, ""}}, true, false, false, false, ""},
      {"won implies all before it", {{Stage::kWon, ""}}, true, false, true, true, ""},
      {"the last reject reason is kept",
       {{Stage::kRejected, "no_budget"}, {Stage::kRecycled, ""}, {Stage::kRejected, "bad_timing"}},
       false,
       true,
       false,
       false,
       "bad_timing"},
      {"rejected, then won: the last verdict counts",
       {{Stage::kRejected, "bad_timing"}, {Stage::kAccepted, ""}, {Stage::kWon, ""}},
       true,
       false,
       true,
       true,
       ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    SalesOutcome o = outcome_of(c.steps);
    EXPECT_EQ(o.accepted, c.accepted);
    EXPECT_EQ(o.rejected, c.rejected);
    EXPECT_EQ(o.opportunity, c.opportunity);
    EXPECT_EQ(o.won, c.won);
    EXPECT_EQ(o.converted(), c.opportunity || c.won);
    EXPECT_EQ(o.reject_reason, c.reason);
  }
}

struct Counts {
  int64_t leads, accepted, rejected, opportunities, wins;
  std::map<std::string, int64_t> by_reason;
};

void expect_counts(const GradeOutcomes& got, Grade g, const Counts& want) {
  SCOPED_TRACE(grade_name(g).empty() ? "none" : grade_name(g));
  const OutcomeCounts& c = got[static_cast<size_t>(g)];
  EXPECT_EQ(c.leads, want.leads);
  EXPECT_EQ(c.accepted, want.accepted);
  EXPECT_EQ(c.rejected, want.rejected);
  EXPECT_EQ(c.opportunities, want.opportunities);
  EXPECT_EQ(c.wins, want.wins);
  EXPECT_EQ(c.rejected_by_reason, want.by_reason);
}

// Twelve leads graded by hand under acme.yaml (active) and acme_draft.yaml.
// Active: hot = senior title and budget confirmed; warm = within 180 days.
// Draft: hot = senior title; warm = within 90 days.
struct BacktestRow {
  LeadFacts facts;
  Grade recorded;  // the grade on record
  std::vector<Step> outcome;
  Grade active;
  Grade draft;
};

std::vector<BacktestRow> backtest_rows() {
  using enum Grade;
  auto tf = [](const char* days) {
    return std::vector<std::pair<std::string, std::string>>{{"timeframe_days", days}};
  };
  auto budget = [](const char* b) {
    return std::vector<std::pair<std::string, std::string>>{{"budget", b}};
  };
  return {
      /*1*/ {{.title = "VP Sales", .attributes = tf("60"), .data = budget("confirmed")},
             kHot,
             {{Stage::kAccepted, ""}, {Stage::kOpportunity, ""}, {Stage::kWon, ""}},
             kHot,
             kHot},
      /*2*/
      {{.title = "Director IT",
        .employees = 200,
        .attributes = tf("120"),
        .data = budget("unknown")},
       kWarm,
       {{Stage::kAccepted, ""}, {Stage::kOpportunity, ""}},
       kWarm,
       kHot},
      /*3*/
      {{.title = "Head of Ops", .employees = 80},
       kCold,
       {{Stage::kRejected, "no_budget"}},
       kCold,
       kHot},
      /*4*/
      {{.title = "Analyst", .employees = 300, .attributes = tf("30"), .data = budget("confirmed")},
       kWarm,
       {{Stage::kAccepted, ""}},
       kWarm,
       kWarm},
      /*5*/
      {{.title = "Engineer", .employees = 100, .attributes = tf("150")},
       kWarm,
       {{Stage::kRejected, "bad_timing"}},
       kWarm,
       kCold},
      /*6*/
      {{.title = "Engineer", .employees = 100, .attributes = tf("400")}, kCold, {}, kCold, kCold},
      /*7*/
      {{.title = "Manager", .employees = 60},
       kCold,
       {{Stage::kAccepted, ""}, {Stage::kOpportunity, ""}, {Stage::kWon, ""}},
       kCold,
       kCold},
      /*8*/
      {{.title = "VP Marketing", .employees = 20},
       kUnqualified,
       {{Stage::kRejected, "wrong_contact"}},
       kUnqualified,
       kUnqualified},
      /*9*/
      {{.title = "Chief Executive",
        .employees = 5000,
        .data = budget("confirmed"),
        .email = false,
        .phone = true},
       kHot,
       {{Stage::kRejected, "no_budget"}},
       kHot,
       kHot},
      /*10*/
      {{.title = "VP Finance", .employees = 700, .email = false},
       kUnqualified,
       {},
       kUnqualified,
       kUnqualified},
      /*11*/
      {{.title = "Consultant", .employees = 250, .attributes = tf("90")},
       kWarm,
       {{Stage::kAccepted, ""}, {Stage::kWorking, ""}, {Stage::kOpportunity, ""}},
       kWarm,
       kWarm},
      /*12*/
      {{.title = "Director Sales",
        .employees = 150,
        .attributes = tf("200"),
        .data = budget("confirmed"),
        .company = false},
       kNone,
       {{Stage::kRejected, ""}},
       kUnqualified,
       kUnqualified},
  };
}

struct BacktestSet {
  std::vector<Lead> leads;
  std::vector<BacktestLead> rows;
};

BacktestSet backtest_set(const std::vector<BacktestRow>& table) {
  BacktestSet s;
  s.leads.reserve(table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    s.leads.push_back(make_lead(table[i].facts, static_cast<int64_t>(i + 1)));
    s.leads.back().grade = table[i].recorded;
  }
  for (size_t i = 0; i < table.size(); ++i)
    s.rows.push_back({&s.leads[i], nullptr, outcome_of(table[i].outcome)});
  return s;
}

TEST(Backtest, TheTableIsGradedAsWrittenInIt) {
  auto active = parse_ok(acme_yaml());
  auto draft = parse_ok(fixture("definition/acme_draft.yaml"));
  auto table = backtest_rows();
  BacktestSet set = backtest_set(table);
  for (size_t i = 0; i < table.size(); ++i) {
    SCOPED_TRACE(i + 1);
    LeadContext ctx{&set.leads[i], nullptr, kNow};
    EXPECT_EQ(grade_name(classify(*active, ctx)), grade_name(table[i].active));
    EXPECT_EQ(grade_name(classify(*draft, ctx)), grade_name(table[i].draft));
  }
}

TEST(Backtest, CountsWhatSalesDidPerGradeUnderBothDefinitions) {
  auto active = parse_ok(acme_yaml());
  auto draft = parse_ok(fixture("definition/acme_draft.yaml"));
  BacktestSet set = backtest_set(backtest_rows());
  BacktestResult r = backtest(active.get(), *draft, set.rows, kNow, 100, 1);

  EXPECT_EQ(r.leads, 12);
  expect_counts(r.active, Grade::kHot, {2, 1, 1, 1, 1, {{"no_budget", 1}}});
  expect_counts(r.active, Grade::kWarm, {4, 3, 1, 2, 0, {{"bad_timing", 1}}});
  expect_counts(r.active, Grade::kCold, {3, 1, 1, 1, 1, {{"no_budget", 1}}});
  expect_counts(r.active, Grade::kUnqualified,
                {3, 0, 2, 0, 0, {{"wrong_contact", 1}, {"unspecified", 1}}});
  expect_counts(r.active, Grade::kNone, {0, 0, 0, 0, 0, {}});

  expect_counts(r.draft, Grade::kHot, {4, 2, 2, 2, 1, {{"no_budget", 2}}});
  expect_counts(r.draft, Grade::kWarm, {2, 2, 0, 1, 0, {}});
  expect_counts(r.draft, Grade::kCold, {3, 1, 1, 1, 1, {{"bad_timing", 1}}});
  expect_counts(r.draft, Grade::kUnqualified,
                {3, 0, 2, 0, 0, {{"wrong_contact", 1}, {"unspecified", 1}}});

  EXPECT_EQ(r.changed, 3);
  ASSERT_EQ(r.changes.size(), 3u);
  const BacktestChange want[] = {{2, Grade::kWarm, Grade::kHot},
                                 {3, Grade::kCold, Grade::kHot},
                                 {5, Grade::kWarm, Grade::kCold}};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.changes[i].lead_id, want[i].lead_id);
    EXPECT_EQ(r.changes[i].from, want[i].from);
    EXPECT_EQ(r.changes[i].to, want[i].to);
  }

  // The list stops at max_changes; the count does not.
  BacktestResult few = backtest(active.get(), *draft, set.rows, kNow, 2, 1);
  EXPECT_EQ(few.changed, 3);
  ASSERT_EQ(few.changes.size(), 2u);
  EXPECT_EQ(few.changes[1].lead_id, 3);

  // The same definition on both sides changes nothing.
  BacktestResult same = backtest(active.get(), *active, set.rows, kNow, 100, 1);
  EXPECT_EQ(same.changed, 0);
  EXPECT_TRUE(same.changes.empty());
}

TEST(Backtest, WithoutAnActiveDefinitionTheRecordedGradesStandForIt) {
  auto draft = parse_ok(fixture("definition/acme_draft.yaml"));
  BacktestSet set = backtest_set(backtest_rows());
  BacktestResult r = backtest(nullptr, *draft, set.rows, kNow, 100, 1);
  EXPECT_EQ(r.leads, 12);
  expect_counts(r.active, Grade::kHot, {2, 1, 1, 1, 1, {{"no_budget", 1}}});
  expect_counts(r.active, Grade::kWarm, {4, 3, 1, 2, 0, {{"bad_timing", 1}}});
  expect_counts(r.active, Grade::kCold, {3, 1, 1, 1, 1, {{"no_budget", 1}}});
  expect_counts(r.active, Grade::kUnqualified, {2, 0, 1, 0, 0, {{"wrong_contact", 1}}});
  expect_counts(r.active, Grade::kNone, {1, 0, 1, 0, 0, {{"unspecified", 1}}});
  EXPECT_EQ(r.changed, 4);
  std::vector<int64_t> ids;
  for (const auto& c : r.changes) ids.push_back(c.lead_id);
  EXPECT_EQ(ids, (std::vector<int64_t>{2, 3, 5, 12}));
  EXPECT_EQ(r.changes[3].from, Grade::kNone);
  EXPECT_EQ(r.changes[3].to, Grade::kUnqualified);
}

TEST(Backtest, ThreadsDoNotChangeTheResult) {
  auto active = parse_ok(acme_yaml());
  auto draft = parse_ok(fixture("definition/acme_draft.yaml"));
  std::mt19937 rng(42);
  const size_t n = 50000;
  std::vector<Lead> leads;
  leads.reserve(n);
  for (size_t i = 0; i < n; ++i) leads.push_back(random_lead(rng, static_cast<int64_t>(i + 1)));
  const Stage kEnds[] = {Stage::kAssigned, Stage::kAccepted, Stage::kRejected, Stage::kOpportunity,
                         Stage::kWon};
  const char* kReasons[] = {"no_budget", "bad_timing", "wrong_contact", ""};
  std::vector<BacktestLead> rows;
  for (const Lead& l : leads) {
    SalesOutcome o;
    Stage end = kEnds[rng() % std::size(kEnds)];
    o.apply(end, end == Stage::kRejected ? kReasons[rng() % std::size(kReasons)] : "");
    rows.push_back({&l, nullptr, o});
  }
  const size_t kMaxChanges = 5000;
  BacktestResult one = backtest(active.get(), *draft, rows, kNow, kMaxChanges, 1);
  BacktestResult four = backtest(active.get(), *draft, rows, kNow, kMaxChanges, 4);
  EXPECT_EQ(one.leads, static_cast<int64_t>(n));
  EXPECT_EQ(four.leads, one.leads);
  EXPECT_EQ(four.changed, one.changed);
  EXPECT_GT(one.changed, static_cast<int64_t>(kMaxChanges));  // the list is cut in every case
  int64_t total = 0;
  for (size_t g = 0; g < kGradeCount; ++g) {
    SCOPED_TRACE(g);
    for (auto side : {&BacktestResult::active, &BacktestResult::draft}) {
      const OutcomeCounts& a = (one.*side)[g];
      const OutcomeCounts& b = (four.*side)[g];
      EXPECT_EQ(a.leads, b.leads);
      EXPECT_EQ(a.accepted, b.accepted);
      EXPECT_EQ(a.rejected, b.rejected);
      EXPECT_EQ(a.opportunities, b.opportunities);
      EXPECT_EQ(a.wins, b.wins);
      EXPECT_EQ(a.rejected_by_reason, b.rejected_by_reason);
    }
    total += one.draft[g].leads;
  }
  EXPECT_EQ(total, static_cast<int64_t>(n));
  ASSERT_EQ(four.changes.size(), kMaxChanges);
  ASSERT_EQ(one.changes.size(), kMaxChanges);
  for (size_t i = 0; i < kMaxChanges; ++i) {
    ASSERT_EQ(four.changes[i].lead_id, one.changes[i].lead_id) << i;
    ASSERT_EQ(four.changes[i].from, one.changes[i].from) << i;
    ASSERT_EQ(four.changes[i].to, one.changes[i].to) << i;
  }
  // The first changes are the first leads whose grade changes, in order.
  size_t k = 0;
  for (size_t i = 0; i < n && k < 50; ++i) {
    LeadContext ctx{&leads[i], nullptr, kNow};
    if (classify(*active, ctx) == classify(*draft, ctx)) continue;
    EXPECT_EQ(four.changes[k].lead_id, leads[i].id);
    ++k;
  }
}

TEST(Backtest, NoLeads) {
  auto d = parse_ok(acme_yaml());
  BacktestResult r = backtest(d.get(), *d, {}, kNow, 10, 4);
  EXPECT_EQ(r.leads, 0);
  EXPECT_EQ(r.changed, 0);
}

// --- accuracy review -------------------------------------------------------------

TEST(Accuracy, DisagreementKinds) {
  struct Case {
    Grade grade;
    std::vector<Step> steps;
    const char* kind;
  };
  const Case cases[] = {
      {Grade::kHot, {{Stage::kRejected, "no_budget"}}, "hot_rejected"},
      {Grade::kHot,
       {{Stage::kRejected, "no_budget"}, {Stage::kAccepted, ""}, {Stage::kWon, ""}},
       ""},
      {Grade::kHot, {{Stage::kAccepted, ""}}, ""},
      {Grade::kWarm, {{Stage::kRejected, "no_budget"}}, ""},
      {Grade::kCold, {{Stage::kOpportunity, ""}}, "cold_converted"},
      {Grade::kUnqualified, {{Stage::kWon, ""}}, "cold_converted"},
      {Grade::kCold, {{Stage::kAccepted, ""}}, ""},
      {Grade::kWarm, {{Stage::kWon, ""}}, ""},
      {Grade::kNone, {{Stage::kWon, ""}}, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(grade_name(c.grade));
    EXPECT_EQ(disagreement_kind(c.grade, outcome_of(c.steps)), c.kind);
  }
}

// Hand-counted: 10 leads; 5 accepted, 4 converted; hot 4 leads (3 accepted,
// 2 converted), warm 2 (none), cold 4 (2 accepted, 2 converted).
TEST(Accuracy, RecallAndLiftAgainstTheBaseRate) {
  GradeOutcomes g;
  auto put = [&](Grade grade, int64_t leads, int64_t accepted, int64_t converted) {
    auto& c = g[static_cast<size_t>(grade)];
    c.leads = leads, c.accepted = accepted, c.opportunities = converted;
  };
  put(Grade::kHot, 4, 3, 2);
  put(Grade::kWarm, 2, 0, 0);
  put(Grade::kCold, 4, 2, 2);
  AccuracyRates r = accuracy_rates(g);
  EXPECT_DOUBLE_EQ(*r.base_accepted, 0.5);
  EXPECT_DOUBLE_EQ(*r.base_converted, 0.4);
  EXPECT_DOUBLE_EQ(*r.recall_hot, 0.5);
  EXPECT_DOUBLE_EQ(*r.recall_hot_or_warm, 0.5);
  EXPECT_DOUBLE_EQ(*r.lift_hot.accepted, 1.5);    // 3/4 over 1/2
  EXPECT_DOUBLE_EQ(*r.lift_hot.converted, 1.25);  // 2/4 over 4/10
  EXPECT_DOUBLE_EQ(*r.lift_warm.converted, 0.0);
  EXPECT_TRUE(has_outcomes(g));

  // Nothing converted: no recall, and no lift on conversion.
  GradeOutcomes quiet;
  quiet[static_cast<size_t>(Grade::kHot)].leads = 3;
  AccuracyRates q = accuracy_rates(quiet);
  EXPECT_FALSE(q.recall_hot.has_value());
  EXPECT_FALSE(q.lift_hot.converted.has_value());
  EXPECT_DOUBLE_EQ(*q.base_converted, 0.0);
  EXPECT_FALSE(accuracy_rates(GradeOutcomes{}).base_accepted.has_value());
  EXPECT_FALSE(has_outcomes(quiet));
}

TEST(Accuracy, ReportOnAHandBuiltPeriod) {
  using enum Grade;
  struct Row {
    Grade grade;
    std::vector<Step> steps;
  };
  const Row rows[] = {
      /*1*/ {kHot, {{Stage::kAccepted, ""}, {Stage::kWon, ""}}},
      /*2*/ {kHot, {{Stage::kRejected, "no_budget"}}},
      /*3*/
      {kHot, {{Stage::kRejected, "wrong_contact"}, {Stage::kAccepted, ""}, {Stage::kWon, ""}}},
      /*4*/ {kWarm, {{Stage::kRejected, "no_budget"}}},
      /*5*/ {kCold, {{Stage::kAccepted, ""}, {Stage::kOpportunity, ""}}},
      /*6*/ {kCold, {{Stage::kWon, ""}}},
      /*7*/ {kUnqualified, {{Stage::kWon, ""}}},
      /*8*/ {kUnqualified, {{Stage::kRejected, "wrong_contact"}}},
      /*9*/ {kCold, {}},
      /*10*/ {kHot, {{Stage::kRejected, "bad_timing"}}},
      /*11*/ {kNone, {{Stage::kWon, ""}}},
  };
  std::vector<AccuracyLead> leads;
  for (size_t i = 0; i < std::size(rows); ++i) {
    leads.push_back({static_cast<int64_t>(i + 1), rows[i].grade, "summary " + std::to_string(i + 1),
                     outcome_of(rows[i].steps)});
  }
  std::map<int64_t, ReviewAnswer> answers = {
      {2, {2, false, "student", "ann", at("2026-03-10T10:00Z")}},
      {6, {6, true, "should have been hot", "bob", at("2026-03-11T10:00Z")}},
      {1, {1, true, "agreed anyway", "ann", at("2026-03-11T11:00Z")}},  // no disagreement: ignored
      {99, {99, false, "not in the period", "ann", at("2026-03-11T12:00Z")}},  // ignored
  };
  AccuracyReport r = accuracy_report(leads, answers);

  expect_counts(r.by_grade, kHot,
                {4, 2, 2, 2, 2, {{"no_budget", 1}, {"bad_timing", 1}}});  // lead 3 was accepted after all
  expect_counts(r.by_grade, kWarm, {1, 0, 1, 0, 0, {{"no_budget", 1}}});
  expect_counts(r.by_grade, kCold, {3, 2, 0, 2, 1, {}});
  expect_counts(r.by_grade, kUnqualified, {2, 1, 1, 1, 1, {{"wrong_contact", 1}}});
  expect_counts(r.by_grade, kNone, {1, 1, 0, 1, 1, {}});
  EXPECT_EQ(r.misses, 3);

  struct Expected {
    int64_t id;
    Grade grade;
    const char* kind;
    const char* detail;
  };
  auto expect_list = [](const std::vector<Disagreement>& got, const std::vector<Expected>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE(want[i].id);
      EXPECT_EQ(got[i].lead_id, want[i].id);
      EXPECT_EQ(got[i].grade, want[i].grade);
      EXPECT_EQ(got[i].kind, want[i].kind);
      EXPECT_EQ(got[i].detail, want[i].detail);
      EXPECT_EQ(got[i].summary, "summary " + std::to_string(want[i].id));
    }
  };
  expect_list(r.queue, {{5, kCold, "cold_converted", "opportunity"},
                        {7, kUnqualified, "cold_converted", "won"},
                        {10, kHot, "hot_rejected", "rejected: bad_timing"}});
  for (const auto& d : r.queue) EXPECT_FALSE(d.answer.has_value());
  expect_list(r.answered, {{2, kHot, "hot_rejected", "rejected: no_budget"},
                           {6, kCold, "cold_converted", "won"}});
  ASSERT_TRUE(r.answered[0].answer.has_value());
  EXPECT_FALSE(r.answered[0].answer->was_lead);
  EXPECT_EQ(r.answered[0].answer->note, "student");
  EXPECT_EQ(r.answered[0].answer->reviewer, "ann");
  ASSERT_TRUE(r.answered[1].answer.has_value());
  EXPECT_TRUE(r.answered[1].answer->was_lead);
  EXPECT_EQ(r.answered[1].answer->at, at("2026-03-11T10:00Z"));
  EXPECT_EQ(r.answered_was_lead, 1);
  EXPECT_EQ(r.answered_not_lead, 1);
}

}  // namespace
}  // namespace leadloop
