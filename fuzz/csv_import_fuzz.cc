// The CSV side of an import on arbitrary bytes: text decoding (BOMs, UTF-16,
// Latin-1), the reader, the header mapping and the row mapping. Records keep
// within the limits, and their lines only grow.
#include <cstddef>
#include <cstdint>
#include <string>

#include "domain/limits.h"
#include "fuzz_check.h"
#include "io/csv_mapping.h"
#include "io/csv_reader.h"
#include "io/text_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  leadloop::DecodedText decoded = leadloop::decode_to_utf8(std::string(reinterpret_cast<const char*>(data), size));
  leadloop::CsvReader reader(decoded.text);
  leadloop::CsvRecord header;
  leadloop::Status st;
  if (!reader.next(header, st) || !st.ok()) return 0;
  FUZZ_CHECK(header.fields.size() <= leadloop::limits::kMaxCsvColumns);
  // The built-in mapping is the same for every input: parsed once.
  static const auto spec = leadloop::load_mapping("auto");
  FUZZ_CHECK(spec.ok());
  auto mapping = leadloop::resolve_mapping(*spec, header.fields);
  leadloop::CsvRecord record;
  int64_t last_line = header.line;
  while (reader.next(record, st)) {
    FUZZ_CHECK(record.line > last_line);
    last_line = record.line;
    FUZZ_CHECK(record.fields.size() <= leadloop::limits::kMaxCsvColumns);
    for (const std::string& f : record.fields) FUZZ_CHECK(f.size() <= leadloop::limits::kMaxCsvFieldBytes);
    FUZZ_CHECK(reader.position() <= decoded.text.size());
    if (st.ok() && mapping.ok()) (void)leadloop::map_record(*mapping, record.fields);
  }
  return 0;
}
