#include "io/text_encoding.h"

#include <cstdint>

namespace leadloop {

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string from_utf16(const std::string& raw, bool little_endian) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 2; i + 1 < raw.size(); i += 2) {
    auto lo = static_cast<unsigned char>(raw[i]), hi = static_cast<unsigned char>(raw[i + 1]);
    uint32_t u = little_endian ? (hi << 8 | lo) : (lo << 8 | hi);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < raw.size()) {
      auto lo2 = static_cast<unsigned char>(raw[i + 2]), hi2 = static_cast<unsigned char>(raw[i + 3]);
      uint32_t u2 = little_endian ? (hi2 << 8 | lo2) : (lo2 << 8 | hi2);
      if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
        i += 2;
      } else {
        u = 0xFFFD;
      }
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      u = 0xFFFD;
    }
    append_utf8(out, u);
  }
  return out;
}

// Windows-1252 bytes 0x80-0x9F; the rest of the upper half is Latin-1.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

std::string from_cp1252(const std::string& raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 8);
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else if (c < 0xA0) {
      append_utf8(out, kCp1252High[c - 0x80]);
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

// Counts well-formed multi-byte UTF-8 sequences and bytes that are not part
// of one.
void utf8_census(const std::string& s, size_t* valid_multibyte, size_t* invalid) {
  *valid_multibyte = *invalid = 0;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
    bool ok = n > 0 && i + n < s.size();
    for (size_t k = 1; ok && k <= n; ++k) {
      ok = i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok && c >= 0xC2) {
      ++*valid_multibyte;
      i += n + 1;
    } else {
      ++*invalid;
      ++i;
    }
  }
}

}  // namespace

DecodedText decode_to_utf8(std::string raw) {
  if (raw.size() >= 3 && raw.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    return {raw.substr(3), "utf-8"};
  }
  if (raw.size() >= 2 && raw[0] == '\xFF' && raw[1] == '\xFE') return {from_utf16(raw, true), "utf-16le"};
  if (raw.size() >= 2 && raw[0] == '\xFE' && raw[1] == '\xFF') return {from_utf16(raw, false), "utf-16be"};
  size_t valid = 0, invalid = 0;
  utf8_census(raw, &valid, &invalid);
  if (invalid > 0 && valid == 0) return {from_cp1252(raw), "windows-1252"};
  return {std::move(raw), "utf-8"};
}

}  // namespace leadloop
