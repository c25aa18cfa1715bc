#include "io/csv_reader.h"

#include <algorithm>

#include "domain/limits.h"

namespace leadloop {

namespace {

char sniff_delimiter(std::string_view text) {
  const char candidates[] = {',', ';', '\t', '|'};
  size_t counts[4] = {0, 0, 0, 0};
  bool quoted = false;
  size_t start = text.find_first_not_of("\r\n");  // blank lines are skipped
  if (start == std::string_view::npos) start = text.size();
  for (char c : text.substr(start)) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    for (int i = 0; i < 4; ++i) counts[i] += (c == candidates[i]);
  }
  int best = 0;
  for (int i = 1; i < 4; ++i) {
    if (counts[i] > counts[best]) best = i;
  }
  return candidates[best];
}

// The first limit a record breaks, with its line and column; later fields of
// the record are scanned but no longer kept.
Status over_limit(int64_t line, size_t column, std::string what, std::string_view limit) {
  return Status(ErrorCode::kInvalidCsv,
                "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + std::move(what) +
                    limits::limit_note(limit));
}

}  // namespace

CsvReader::CsvReader(std::string_view text, char delimiter)
    : text_(text), delim_(delimiter ? delimiter : sniff_delimiter(text)) {
  if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::next(CsvRecord& record, Status& error) {
  error = Status();
  record.fields.clear();
  record.fault_column = 0;
  const size_t n = text_.size();
  // Skip blank lines.
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= n) return false;
  record.line = line_;
  const size_t record_start = pos_;
  size_t column = 0;
  std::string field;
  while (true) {
    ++column;
    const int64_t field_line = line_;
    bool unterminated = false;
    read_field(field, unterminated);
    if (unterminated) {
      // Kept only within the limits, like any field; a limit broken before
      // stays the record's error.
      if (error.ok() && column <= limits::kMaxCsvColumns && field.size() <= limits::kMaxCsvFieldBytes) {
        record.fields.push_back(std::move(field));
      }
      if (error.ok()) {
        error = Status(ErrorCode::kInvalidCsv,
                       "a quoted field opened on line " + std::to_string(field_line) + " is never closed");
      }
      return true;
    }
    if (error.ok()) {
      if (field.size() > limits::kMaxCsvFieldBytes) {
        error = over_limit(field_line, column,
                           "a field longer than " + std::to_string(limits::kMaxCsvFieldBytes) + " bytes",
                           "max_csv_field_bytes");
      } else if (column > limits::kMaxCsvColumns) {
        error = over_limit(field_line, column,
                           "a record with more than " + std::to_string(limits::kMaxCsvColumns) + " columns",
                           "max_csv_columns");
      } else if (pos_ - record_start > limits::kMaxCsvRowBytes) {
        error = over_limit(field_line, column,
                           "a record longer than " + std::to_string(limits::kMaxCsvRowBytes) + " bytes",
                           "max_csv_row_bytes");
      } else {
        record.fields.push_back(field);
      }
      if (!error.ok()) record.fault_column = static_cast<int>(column);
    }
    if (pos_ >= n) return true;
    char c = text_[pos_];
    if (c == delim_) {
      ++pos_;
      continue;
    }
    // End of record.
    if (c == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    return true;
  }
}

// One field from pos_ up to its delimiter or line end. It keeps at most one
// byte more than limits::kMaxCsvFieldBytes of it, so a huge field costs a
// scan, not a copy.
void CsvReader::read_field(std::string& field, bool& unterminated) {
  const size_t n = text_.size();
  const size_t keep = limits::kMaxCsvFieldBytes + 1;
  field.clear();
  if (pos_ < n && text_[pos_] == '"') {
    ++pos_;
    bool closed = false;
    while (pos_ < n) {
      char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
          if (field.size() < keep) field += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;
        closed = true;
        break;
      }
      if (c == '\n' || (c == '\r' && !(pos_ + 1 < n && text_[pos_ + 1] == '\n'))) ++line_;
      if (field.size() < keep) field += c;
      ++pos_;
    }
    if (!closed) {
      unterminated = true;
      return;
    }
    // Text after the closing quote (a malformed `"a"b`): keep it, leniently.
    while (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
      if (field.size() < keep) field += text_[pos_];
      ++pos_;
    }
    return;
  }
  size_t start = pos_;
  while (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
  field.assign(text_.substr(start, std::min(pos_ - start, keep)));
}

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  bool quote = field.find_first_of("\"\r\n") != std::string_view::npos ||
               field.find(delimiter) != std::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out.append(field);
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace leadloop
