// An RFC 4180 CSV reader over text already in memory: quoted fields with
// embedded delimiters, quotes ("") and newlines; CRLF, LF or CR line ends;
// blank lines skipped; the delimiter (comma, semicolon, tab or pipe) sniffed
// from the header line unless given. Each record carries the physical line
// it starts on, for error reports. Not thread-safe; cheap to create.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace leadloop {

struct CsvRecord {
  std::vector<std::string> fields;
  int64_t line = 0;  // 1-based physical line where the record starts
  int fault_column = 0;  // 1-based column over a limit when next() set an error
};

class CsvReader {
 public:
  // REQUIRES: text outlives the reader. delimiter 0 means sniff.
  explicit CsvReader(std::string_view text, char delimiter = 0);

  // Reads the next record into `record`. Returns false at the end. A record
  // with a structural fault (a quoted field never closed) or over a limit
  // (limits::kMaxCsvFieldBytes, kMaxCsvRowBytes, kMaxCsvColumns; the error
  // names the line, column and limit) comes back with `error` set; reading
  // then resumes after it.
  bool next(CsvRecord& record, Status& error);

  char delimiter() const { return delim_; }
  size_t position() const { return pos_; }  // bytes consumed, for progress

 private:
  void read_field(std::string& field, bool& unterminated);

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  char delim_;
};

// Writes one field as RFC 4180 CSV, quoting when needed.
void append_csv_field(std::string& out, std::string_view field, char delimiter = ',');

}  // namespace leadloop
