#include "domain/normalize.h"

#include <array>
#include <cstdint>

namespace leadloop {

std::string_view trim(std::string_view s) {
  // ASCII whitespace and U+00A0 NO-BREAK SPACE (C2 A0, common in pasted
  // data), in any mix, at either end.
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  auto nbsp_at = [&](size_t i) {
    return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
           static_cast<unsigned char>(s[i + 1]) == 0xA0;
  };
  size_t b = 0, e = s.size();
  while (b < e) {
    if (is_space(s[b])) {
      ++b;
    } else if (e - b >= 2 && nbsp_at(b)) {
      b += 2;
    } else {
      break;
    }
  }
  while (e > b) {
    if (is_space(s[e - 1])) {
      --e;
    } else if (e - b >= 2 && nbsp_at(e - 2)) {
      e -= 2;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p < n + 1) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, surrogates, and code points past U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

std::string email_key(std::string_view email) { return to_lower_ascii(trim(email)); }

bool is_valid_email(std::string_view e) {
  if (e.size() > 254) return false;
  size_t at = e.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = e.substr(0, at), domain = e.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos) return false;
  if (domain.front() == '.' || domain.back() == '.' || domain.front() == '-') return false;
  if (domain.find("..") != std::string_view::npos) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || c == '@' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' ||
        c == '<' || c == '>' || c == '[' || c == ']' || c == '"' || c == '\\' || u == 0x7F) {
      return false;
    }
  }
  for (char c : domain) {
    auto u = static_cast<unsigned char>(c);
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || u >= 0x80;  // internationalised domains
    if (!ok) return false;
  }
  return true;
}

namespace {

struct CountryCode {
  std::string_view iso;
  std::string_view name;
  std::string_view code;
};

// The countries our users sell into most; others still dedupe on digits.
constexpr std::array<CountryCode, 48> kCountries = {{
    {"us", "united states", "1"},  {"ca", "canada", "1"},       {"gb", "united kingdom", "44"},
    {"uk", "uk", "44"},            {"ie", "ireland", "353"},    {"de", "germany", "49"},
    {"fr", "france", "33"},        {"nl", "netherlands", "31"}, {"be", "belgium", "32"},
    {"lu", "luxembourg", "352"},   {"ch", "switzerland", "41"}, {"at", "austria", "43"},
    {"it", "italy", "39"},         {"es", "spain", "34"},       {"pt", "portugal", "351"},
    {"se", "sweden", "46"},        {"no", "norway", "47"},      {"dk", "denmark", "45"},
    {"fi", "finland", "358"},      {"pl", "poland", "48"},      {"cz", "czechia", "420"},
    {"hu", "hungary", "36"},       {"ro", "romania", "40"},     {"gr", "greece", "30"},
    {"tr", "turkey", "90"},        {"il", "israel", "972"},     {"ae", "united arab emirates", "971"},
    {"sa", "saudi arabia", "966"}, {"za", "south africa", "27"}, {"ng", "nigeria", "234"},
    {"ke", "kenya", "254"},        {"eg", "egypt", "20"},       {"in", "india", "91"},
    {"cn", "china", "86"},         {"jp", "japan", "81"},       {"kr", "south korea", "82"},
    {"sg", "singapore", "65"},     {"hk", "hong kong", "852"},  {"tw", "taiwan", "886"},
    {"au", "australia", "61"},     {"nz", "new zealand", "64"}, {"id", "indonesia", "62"},
    {"my", "malaysia", "60"},      {"th", "thailand", "66"},    {"ph", "philippines", "63"},
    {"br", "brazil", "55"},        {"mx", "mexico", "52"},      {"ar", "argentina", "54"},
}};

}  // namespace

std::string_view calling_code(std::string_view country) {
  std::string c = to_lower_ascii(trim(country));
  if (c == "usa" || c == "united states of america" || c == "u.s." || c == "u.s.a.") c = "us";
  if (c == "great britain" || c == "england" || c == "scotland" || c == "wales") c = "gb";
  if (c == "deutschland") c = "de";
  for (const auto& e : kCountries) {
    if (e.iso == c || e.name == c) return e.code;
  }
  return {};
}

int phone_digit_count(std::string_view phone) {
  int n = 0;
  for (char c : phone) n += (c >= '0' && c <= '9');
  return n;
}

std::string phone_key(std::string_view phone, std::string_view country) {
  phone = trim(phone);
  // Drop an extension: "x123", "ext. 123", "#123".
  std::string lower = to_lower_ascii(phone);
  for (std::string_view marker : {"ext", "x", "#"}) {
    size_t pos = lower.find(marker);
    if (pos != std::string::npos && pos > 0) {
      phone = phone.substr(0, pos);
      lower.resize(pos);
    }
  }
  // "+49 (0)30 ...": the bracketed trunk zero is not dialled from abroad.
  std::string text(phone);
  if (size_t z = text.find("(0)"); z != std::string::npos) text.erase(z, 3);
  bool international = !text.empty() && text.front() == '+';
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.empty()) return {};
  std::string_view cc = calling_code(country);
  if (!international && digits.size() > 2 && digits.compare(0, 2, "00") == 0) {
    international = true;  // 00 is the international prefix in most of the world
    digits.erase(0, 2);
  } else if (!international && cc == "1" && digits.size() > 3 && digits.compare(0, 3, "011") == 0) {
    international = true;  // NANP's international prefix
    digits.erase(0, 3);
  }
  if (international) return "+" + digits;
  if (cc.empty()) return digits;
  if (cc == "1") {
    // NANP: 10 digits, or 11 with the leading 1.
    if (digits.size() == 11 && digits[0] == '1') return "+" + digits;
    if (digits.size() == 10) return "+1" + digits;
    return digits;
  }
  // Italy (and San Marino, Vatican) dial the leading 0 from abroad too.
  const bool keeps_zero = cc == "39";
  if (digits[0] == '0' && !keeps_zero) {
    digits.erase(0, 1);  // national trunk prefix
  } else if (digits[0] != '0' && digits.size() > cc.size() + 6 &&
             digits.compare(0, cc.size(), cc) == 0) {
    return "+" + digits;  // typed with its country code but without "+"
  }
  return "+" + std::string(cc) + digits;
}

namespace {

// Lower-case, letters and digits only, single spaces.
std::string squeeze(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80;
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
      word = true;
    }
    if (word) {
      if (space && !out.empty()) out += ' ';
      out += c;
      space = false;
    } else {
      space = true;
    }
  }
  return out;
}

std::string company_core(std::string_view company) {
  std::string s = squeeze(company);
  // Legal-form suffixes do not distinguish companies: "Acme Inc." == "ACME".
  static constexpr std::array<std::string_view, 16> kSuffixes = {
      " inc", " incorporated", " llc", " ltd", " limited", " corp", " corporation", " co",
      " gmbh", " ag", " sa", " sas", " bv", " nv", " plc", " srl"};
  bool again = true;
  while (again) {
    again = false;
    for (std::string_view suf : kSuffixes) {
      if (s.size() > suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) {
        s.erase(s.size() - suf.size());
        again = true;
      }
    }
  }
  return s;
}

}  // namespace

std::string name_key(std::string_view company, std::string_view first, std::string_view last) {
  std::string c = company_core(company), f = squeeze(first), l = squeeze(last);
  if (c.empty() || f.empty() || l.empty()) return {};
  return c + "|" + f + "|" + l;
}

}  // namespace leadloop
