// decode_to_utf8: uploaded files arrive as UTF-8 (with or without BOM),
// UTF-16 from Excel's "Unicode text", or Windows-1252 from older exports;
// everything after this step is UTF-8.
#include "io/text_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace leadloop {
namespace {

// UTF-16 bytes of an ASCII/BMP/astral string given as code units.
std::string utf16(std::u16string_view units, bool little_endian, bool bom = true) {
  std::string out;
  auto put = [&](char16_t u) {
    char lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
    if (little_endian) {
      out += lo;
      out += hi;
    } else {
      out += hi;
      out += lo;
    }
  };
  if (bom) put(0xFEFF);
  for (char16_t u : units) put(u);
  return out;
}

TEST(DecodeToUtf8, PlainAsciiIsUtf8AndUnchanged) {
  DecodedText d = decode_to_utf8("email,name\r\na@x.com,Ann\r\n");
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(d.text, "email,name\r\na@x.com,Ann\r\n");
  EXPECT_EQ(decode_to_utf8("").encoding, "utf-8");
}

TEST(DecodeToUtf8, Utf8StaysAsIs) {
  const std::string text = "name,city\nM\xC3\xBCller,K\xC3\xB6ln\nZo\xC3\xAB,\xE2\x82\xAC\xF0\x9F\x98\x80\n";
  DecodedText d = decode_to_utf8(text);
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(d.text, text);
}

TEST(DecodeToUtf8, StripsAUtf8ByteOrderMark) {
  DecodedText d = decode_to_utf8("\xEF\xBB\xBF" "email,name\nm@x.com,M\xC3\xBCller\n");
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(d.text, "email,name\nm@x.com,M\xC3\xBCller\n");
  EXPECT_EQ(decode_to_utf8("\xEF\xBB\xBF").text, "");
}

TEST(DecodeToUtf8, ConvertsUtf16LittleEndianWithBom) {
  // "name\tcity\r\nMüller\t€😀\r\n" — 😀 is the surrogate pair D83D DE00.
  std::u16string units = u"name\tcity\r\nM\u00fcller\t\u20ac\xD83D\xDE00\r\n";
  DecodedText d = decode_to_utf8(utf16(units, true));
  EXPECT_EQ(d.encoding, "utf-16le");
  EXPECT_EQ(d.text, "name\tcity\r\nM\xC3\xBCller\t\xE2\x82\xAC\xF0\x9F\x98\x80\r\n");
}

TEST(DecodeToUtf8, ConvertsUtf16BigEndianWithBom) {
  std::u16string units = u"name\tcity\r\nM\u00fcller\t\u20ac\xD83D\xDE00\r\n";
  DecodedText d = decode_to_utf8(utf16(units, false));
  EXPECT_EQ(d.encoding, "utf-16be");
  EXPECT_EQ(d.text, "name\tcity\r\nM\xC3\xBCller\t\xE2\x82\xAC\xF0\x9F\x98\x80\r\n");
}

TEST(DecodeToUtf8, ReplacesLoneSurrogatesInUtf16) {
  // A high surrogate followed by a letter, then a lone low surrogate, then a
  // high surrogate at the very end.
  std::u16string units = u"a";
  units += char16_t(0xD83D);
  units += u"b";
  units += char16_t(0xDE00);
  units += u"c";
  units += char16_t(0xD83D);
  for (bool le : {true, false}) {
    DecodedText d = decode_to_utf8(utf16(units, le));
    EXPECT_EQ(d.text, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD") << (le ? "LE" : "BE");
  }
}

TEST(DecodeToUtf8, DecodesAWindows1252File) {
  // What Excel on Windows writes for: Müller;Köln;€ 1.500;“Grüße”;Straße;naïve
  const std::string raw =
      "last_name;city;budget;note\r\n"
      "M\xFCller;K\xF6ln;\x80 1.500;\x93Gr\xFC\xDF" "e\x94\r\n"
      "Stra\xDF" "e;na\xEFve;\x85;\x96\r\n";
  DecodedText d = decode_to_utf8(raw);
  EXPECT_EQ(d.encoding, "windows-1252");
  EXPECT_EQ(d.text,
            "last_name;city;budget;note\r\n"
            "M\xC3\xBCller;K\xC3\xB6ln;\xE2\x82\xAC 1.500;\xE2\x80\x9CGr\xC3\xBC\xC3\x9F"
            "e\xE2\x80\x9D\r\n"
            "Stra\xC3\x9F" "e;na\xC3\xAFve;\xE2\x80\xA6;\xE2\x80\x93\r\n");
}

TEST(DecodeToUtf8, MapsEveryWindows1252HighByte) {
  const struct {
    unsigned char byte;
    const char* utf8;
  } cases[] = {
      {0x80, "\xE2\x82\xAC"}, {0x8A, "\xC5\xA0"},     {0x8C, "\xC5\x92"},
      {0x91, "\xE2\x80\x98"}, {0x92, "\xE2\x80\x99"}, {0x99, "\xE2\x84\xA2"},
      {0x9F, "\xC5\xB8"},     {0x81, "\xEF\xBF\xBD"},  // undefined in 1252
      {0xA0, "\xC2\xA0"},     {0xA9, "\xC2\xA9"},     {0xC4, "\xC3\x84"},
      {0xE9, "\xC3\xA9"},     {0xFF, "\xC3\xBF"},
  };
  for (const auto& c : cases) {
    std::string raw = "x";
    raw += static_cast<char>(c.byte);
    raw += "y";
    DecodedText d = decode_to_utf8(raw);
    EXPECT_EQ(d.encoding, "windows-1252") << int(c.byte);
    EXPECT_EQ(d.text, std::string("x") + c.utf8 + "y") << int(c.byte);
  }
}

TEST(DecodeToUtf8, AMostlyUtf8FileWithOneBadByteStaysUtf8) {
  // The bad row is left for the importer to reject and report.
  const std::string raw =
      "email,last_name\n"
      "a@x.com,M\xC3\xBCller\n"
      "b@x.com,M\xFCller\n"
      "c@x.com,Gr\xC3\xBC\xC3\x9F" "e\n";
  DecodedText d = decode_to_utf8(raw);
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(d.text, raw);
}

}  // namespace
}  // namespace leadloop
