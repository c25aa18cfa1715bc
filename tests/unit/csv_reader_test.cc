// CsvReader: RFC 4180 as spreadsheets actually write it, with the physical
// line of every record so that import errors point at the right line.
#include "io/csv_reader.h"

#include "domain/limits.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace leadloop {
namespace {

using Fields = std::vector<std::string>;

struct Row {
  Fields fields;
  int64_t line;
  bool operator==(const Row&) const = default;
};

void PrintTo(const Row& r, std::ostream* os) {
  *os << "line " << r.line << ": [";
  for (size_t i = 0; i < r.fields.size(); ++i) {
    *os << (i ? ", " : "") << '"' << r.fields[i] << '"';
  }
  *os << "]";
}

// Reads every record; fails the test on a structural error.
std::vector<Row> read_all(std::string_view text, char delimiter = 0) {
  CsvReader reader(text, delimiter);
  std::vector<Row> rows;
  CsvRecord rec;
  Status err;
  while (reader.next(rec, err)) {
    EXPECT_TRUE(err.ok()) << err.to_string();
    rows.push_back({rec.fields, rec.line});
  }
  return rows;
}

// Found by the csv_import fuzzer (seed crash-unterminated-after-limit): a
// quoted field that never closes, after the record broke the column limit,
// was kept as one column more than the limit allows.
TEST(CsvReader, AnUnterminatedFieldAfterABrokenLimitIsNotKept) {
  std::string text = "a";
  for (size_t i = 0; i < limits::kMaxCsvColumns + 5; ++i) text += ",x";
  text += ",\"never closed";
  CsvReader reader(text, ',');
  CsvRecord record;
  Status st;
  ASSERT_TRUE(reader.next(record, st));
  EXPECT_EQ(st.code(), ErrorCode::kInvalidCsv);
  EXPECT_NE(st.message().find("columns"), std::string::npos) << st.message();
  EXPECT_LE(record.fields.size(), limits::kMaxCsvColumns);
  // Under the limit, the unterminated field is kept and named.
  CsvReader short_reader("a,\"open", ',');
  ASSERT_TRUE(short_reader.next(record, st));
  EXPECT_NE(st.message().find("never closed"), std::string::npos) << st.message();
  EXPECT_EQ(record.fields.size(), 2u);
}

TEST(CsvReader, ReadsSimpleRecordsWithTheirLines) {
  EXPECT_EQ(read_all("email,name\na@x.com,Ann\nb@x.com,Bob\n"),
            (std::vector<Row>{{{"email", "name"}, 1}, {{"a@x.com", "Ann"}, 2},
                              {{"b@x.com", "Bob"}, 3}}));
}

TEST(CsvReader, AcceptsEveryLineEnding) {
  const std::vector<Row> want = {{{"a", "b"}, 1}, {{"c", "d"}, 2}, {{"e", "f"}, 3}};
  const struct {
    const char* name;
    const char* text;
  } cases[] = {
      {"LF", "a,b\nc,d\ne,f\n"},
      {"CRLF", "a,b\r\nc,d\r\ne,f\r\n"},
      {"CR", "a,b\rc,d\re,f\r"},
      {"mixed", "a,b\r\nc,d\ne,f\r"},
      {"no final newline, LF", "a,b\nc,d\ne,f"},
      {"no final newline, CRLF", "a,b\r\nc,d\r\ne,f"},
  };
  for (const auto& c : cases) EXPECT_EQ(read_all(c.text), want) << c.name;
}

TEST(CsvReader, QuotedFieldsMayHoldDelimitersQuotesAndNewlines) {
  const struct {
    const char* text;
    Fields fields;
  } cases[] = {
      {R"("Acme, Inc.",b)", {"Acme, Inc.", "b"}},
      {R"(a,"say ""hi""")", {"a", "say \"hi\""}},
      {R"("""quoted""")", {"\"quoted\""}},
      {R"("")", {""}},
      {R"("",x)", {"", "x"}},
      {R"(a,"",b)", {"a", "", "b"}},
      {"\"line1\nline2\",b", {"line1\nline2", "b"}},
      {"\"line1\r\nline2\",b", {"line1\r\nline2", "b"}},
      {"\"a;b\tc|d\",e", {"a;b\tc|d", "e"}},
      {"\"  padded  \",x", {"  padded  ", "x"}},
  };
  for (const auto& c : cases) {
    auto rows = read_all(c.text, ',');
    ASSERT_EQ(rows.size(), 1u) << c.text;
    EXPECT_EQ(rows[0].fields, c.fields) << c.text;
  }
}

TEST(CsvReader, EmptyFieldsAreKept) {
  EXPECT_EQ(read_all("a,,c\n,,\n,b,\n"),
            (std::vector<Row>{{{"a", "", "c"}, 1}, {{"", "", ""}, 2}, {{"", "b", ""}, 3}}));
  EXPECT_EQ(read_all("a,b,\n"), (std::vector<Row>{{{"a", "b", ""}, 1}}));
  EXPECT_EQ(read_all("a,b,"), (std::vector<Row>{{{"a", "b", ""}, 1}}));
}

TEST(CsvReader, UnquotedSpacesAreData) {
  EXPECT_EQ(read_all(" a , b \n"), (std::vector<Row>{{{" a ", " b "}, 1}}));
}

TEST(CsvReader, RecordsAfterAMultiLineFieldReportTheirPhysicalLine) {
  const struct {
    const char* name;
    const char* text;
  } cases[] = {
      {"LF", "email,notes\na@x.com,\"first\nsecond\nthird\"\nb@x.com,short\n"},
      {"CRLF", "email,notes\r\na@x.com,\"first\r\nsecond\r\nthird\"\r\nb@x.com,short\r\n"},
      {"CR", "email,notes\ra@x.com,\"first\rsecond\rthird\"\rb@x.com,short\r"},
  };
  for (const auto& c : cases) {
    auto rows = read_all(c.text);
    ASSERT_EQ(rows.size(), 3u) << c.name;
    EXPECT_EQ(rows[0].line, 1) << c.name;
    EXPECT_EQ(rows[1].line, 2) << c.name;
    EXPECT_EQ(rows[2].line, 5) << c.name;  // the notes took lines 2-4
    EXPECT_EQ(rows[2].fields, (Fields{"b@x.com", "short"})) << c.name;
  }
}

TEST(CsvReader, SkipsBlankLinesButCountsThem) {
  EXPECT_EQ(read_all("\n\na,b\n\n\r\n\rc,d\n\n"),
            (std::vector<Row>{{{"a", "b"}, 3}, {{"c", "d"}, 7}}));
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\n\r\n\r").empty());
}

TEST(CsvReader, SkipsAUtf8ByteOrderMark) {
  auto rows = read_all("\xEF\xBB\xBF" "email,name\r\na@x.com,Ann\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"email", "name"}));
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].line, 2);
  auto quoted = read_all("\xEF\xBB\xBF\"email\",\"name\"\n");
  ASSERT_EQ(quoted.size(), 1u);
  EXPECT_EQ(quoted[0].fields, (Fields{"email", "name"}));
}

TEST(CsvReader, SniffsTheDelimiterFromTheHeaderLine) {
  const struct {
    const char* text;
    char delimiter;
    Fields second;
  } cases[] = {
      {"email,name\na@x.com,Ann\n", ',', {"a@x.com", "Ann"}},
      {"email;name;company\na@x.com;Ann;Acme, Inc.\n", ';', {"a@x.com", "Ann", "Acme, Inc."}},
      {"email\tname\na@x.com\tAnn; Bob\n", '\t', {"a@x.com", "Ann; Bob"}},
      {"email|name\na@x.com|Ann\n", '|', {"a@x.com", "Ann"}},
      // Delimiters inside quotes in the header do not count.
      {"\"a,b,c\";\"d\";e\nx;y;z\n", ';', {"x", "y", "z"}},
      // A single column: comma.
      {"email\na@x.com\n", ',', {"a@x.com"}},
      // Only the header line counts, not the data.
      {"email,name\na;b;c;d,e\n", ',', {"a;b;c;d", "e"}},
      {"\xEF\xBB\xBF" "email;name\r\na@x.com;Ann\r\n", ';', {"a@x.com", "Ann"}},
  };
  for (const auto& c : cases) {
    CsvReader reader(c.text);
    EXPECT_EQ(reader.delimiter(), c.delimiter) << c.text;
    auto rows = read_all(c.text);
    ASSERT_EQ(rows.size(), 2u) << c.text;
    EXPECT_EQ(rows[1].fields, c.second) << c.text;
  }
}

TEST(CsvReader, SniffsTheDelimiterFromTheFirstNonBlankLine) {
  CsvReader reader("\nemail;name\na@x.com;Ann\n");
  EXPECT_EQ(reader.delimiter(), ';');
}

TEST(CsvReader, AGivenDelimiterOverridesSniffing) {
  CsvReader reader("a,b;c\n", ';');
  EXPECT_EQ(reader.delimiter(), ';');
  EXPECT_EQ(read_all("a,b;c\n", ';'), (std::vector<Row>{{{"a,b", "c"}, 1}}));
}

TEST(CsvReader, AnUnterminatedQuoteIsAnErrorNamingTheLineItOpenedOn) {
  const std::string text = "email,notes\na@x.com,ok\nb@x.com,\"never closed\nc@x.com,more\n";
  CsvReader reader(text);
  CsvRecord rec;
  Status err;
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_TRUE(err.ok());
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_TRUE(err.ok());
  EXPECT_EQ(rec.line, 2);
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_EQ(err.code(), ErrorCode::kInvalidCsv);
  EXPECT_EQ(rec.line, 3);
  EXPECT_NE(err.message().find("line 3"), std::string::npos) << err.message();
  EXPECT_FALSE(reader.next(rec, err));  // the open quote swallowed the rest
}

TEST(CsvReader, AnUnterminatedQuoteAfterAMultiLineFieldNamesItsOwnLine) {
  const std::string text = "a,\"x\ny\"\nb,\"z\n\nend";
  CsvReader reader(text);
  CsvRecord rec;
  Status err;
  ASSERT_TRUE(reader.next(rec, err));
  ASSERT_TRUE(err.ok());
  ASSERT_TRUE(reader.next(rec, err));
  EXPECT_EQ(rec.line, 3);
  EXPECT_EQ(err.code(), ErrorCode::kInvalidCsv);
  EXPECT_NE(err.message().find("line 3"), std::string::npos) << err.message();
}

TEST(CsvReader, TextAfterAClosingQuoteIsKept) {
  EXPECT_EQ(read_all("\"a\"b,c\n", ','), (std::vector<Row>{{{"ab", "c"}, 1}}));
}

TEST(CsvReader, PositionAdvancesToTheEnd) {
  const std::string text = "a,b\nc,d\n";
  CsvReader reader(text);
  CsvRecord rec;
  Status err;
  size_t last = reader.position();
  while (reader.next(rec, err)) {
    EXPECT_GT(reader.position(), last);
    last = reader.position();
  }
  EXPECT_EQ(reader.position(), text.size());
}

// --- append_csv_field --------------------------------------------------------

TEST(AppendCsvField, QuotesOnlyWhenNeeded) {
  const struct {
    const char* field;
    const char* written;
  } cases[] = {
      {"plain", "plain"},
      {"", ""},
      {"Acme, Inc.", "\"Acme, Inc.\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"cr\rhere", "\"cr\rhere\""},
      {" lead", "\" lead\""},
      {"trail ", "\"trail \""},
      {"semi;colon", "semi;colon"},
      {"M\xC3\xBCller", "M\xC3\xBCller"},
  };
  for (const auto& c : cases) {
    std::string out;
    append_csv_field(out, c.field);
    EXPECT_EQ(out, c.written) << c.field;
  }
  std::string out;
  append_csv_field(out, "semi;colon", ';');
  EXPECT_EQ(out, "\"semi;colon\"");
}

TEST(AppendCsvField, WhatItWritesReadsBackUnchanged) {
  const Fields record = {"plain",      "",          "Acme, Inc.",      "say \"hi\"",
                         "two\nlines", "crlf\r\nx", " padded ",        "\"",
                         "tab\there",  "a;b|c",     "M\xC3\xBCller",   "\"\"\"",
                         ",",          "end"};
  for (char delim : {',', ';', '\t', '|'}) {
    std::string text;
    for (int row = 0; row < 3; ++row) {
      for (size_t i = 0; i < record.size(); ++i) {
        if (i) text += delim;
        append_csv_field(text, record[i], delim);
      }
      text += "\r\n";
    }
    auto rows = read_all(text, delim);
    ASSERT_EQ(rows.size(), 3u) << "delimiter " << int(delim);
    for (const auto& r : rows) EXPECT_EQ(r.fields, record) << "delimiter " << int(delim);
    // Each record takes three physical lines: its own and the two that the
    // embedded "\n" and "\r\n" add.
    EXPECT_EQ(rows[1].line, 4);
    EXPECT_EQ(rows[2].line, 7);
  }
}

}  // namespace
}  // namespace leadloop
