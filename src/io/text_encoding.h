// Turns the bytes of an uploaded file into UTF-8 text: strips a UTF-8 BOM,
// converts UTF-16 (with BOM), and decodes files that are clearly not UTF-8
// (no valid multi-byte sequence, some invalid bytes) as Windows-1252, the
// usual encoding of spreadsheet exports. A file that is mostly UTF-8 with a
// few bad bytes stays as is, so those rows are rejected and reported.
#pragma once

#include <string>

namespace leadloop {

struct DecodedText {
  std::string text;
  std::string encoding;  // "utf-8", "utf-16le", "utf-16be", "windows-1252"
};

DecodedText decode_to_utf8(std::string raw);

}  // namespace leadloop
