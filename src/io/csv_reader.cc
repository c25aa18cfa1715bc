#include "io/csv_reader.h"

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

}  // namespace

CsvReader::CsvReader(std::string_view text, char delimiter)
    : text_(text), delim_(delimiter ? delimiter : sniff_delimiter(text)) {
  if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::next(CsvRecord& record, Status& error) {
  error = Status();
  record.fields.clear();
  const size_t n = text_.size();
  // Skip blank lines.
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= n) return false;
  record.line = line_;
  std::string field;
  while (true) {
    field.clear();
    if (pos_ < n && text_[pos_] == '"') {
      // Quoted field.
      int64_t opened_on = line_;
      ++pos_;
      bool closed = false;
      while (pos_ < n) {
        char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
            field += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          closed = true;
          break;
        }
        if (c == '\n' || (c == '\r' && !(pos_ + 1 < n && text_[pos_ + 1] == '\n'))) ++line_;
        field += c;
        ++pos_;
      }
      if (!closed) {
        error = Status(ErrorCode::kInvalidCsv,
                       "a quoted field opened on line " + std::to_string(opened_on) +
                           " is never closed");
        record.fields.push_back(std::move(field));
        return true;
      }
      // Text after the closing quote (a malformed `"a"b`): keep it, leniently.
      while (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        field += text_[pos_++];
      }
    } else {
      size_t start = pos_;
      while (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
      field.assign(text_.substr(start, pos_ - start));
    }
    record.fields.push_back(field);
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
