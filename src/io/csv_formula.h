// Spreadsheet formulas in CSV cells (OWASP, CSV injection): a cell that
// starts with = + - @ tab or CR is run by a spreadsheet as a formula. The
// exporter puts a single quote before such a cell (csv_export.h); the
// importer takes it off again (csv_mapping.h). Pure; thread-safe.
#pragma once

#include <string_view>

namespace leadloop {

// Whether a cell would be read as a formula (starts with = + - @ tab CR).
inline bool formula_like(std::string_view value) {
  if (value.empty()) return false;
  const char c = value.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

}  // namespace leadloop
