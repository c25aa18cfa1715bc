#include "domain/time.h"

#include <cstdio>

namespace leadloop {

// Howard Hinnant's civil calendar algorithms (public domain), proleptic
// Gregorian calendar.
Days days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void civil_from_days(Days z, int* year, unsigned* month, unsigned* day) {
  int64_t zz = int64_t{z} + 719468;
  const int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(zz - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (*month <= 2));
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool read_digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

Status bad_time(std::string_view text) {
  return Status(ErrorCode::kInvalidValue,
                "'" + std::string(text.substr(0, 40)) +
                    "' is not a date or time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
}

}  // namespace

std::string format_time(TimePoint t) {
  Days d = static_cast<Days>(floor_div(t, kMillisPerDay));
  int64_t ms = t - int64_t{d} * kMillisPerDay;
  int y;
  unsigned mo, da;
  civil_from_days(d, &y, &mo, &da);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, mo, da,
                static_cast<int>(ms / kMillisPerHour), static_cast<int>(ms / 60000 % 60),
                static_cast<int>(ms / 1000 % 60), static_cast<int>(ms % 1000));
  return buf;
}

Days day_of(TimePoint t) { return static_cast<Days>(floor_div(t, kMillisPerDay)); }

Days monday_of(TimePoint t) {
  const Days day = day_of(t);
  return day - static_cast<Days>(((day % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
}

std::string format_date(Days d) {
  int y;
  unsigned mo, da;
  civil_from_days(d, &y, &mo, &da);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, mo, da);
  return buf;
}

std::string format_time_for_people(TimePoint t) {
  std::string s = format_time(t);
  if (s.size() < 16 || s[10] != 'T') return s;
  s[10] = ' ';
  return s.substr(0, 16) + " UTC";
}

Result<Days> parse_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !read_digits(s, 0, 4, &y) ||
      !read_digits(s, 5, 2, &m) || !read_digits(s, 8, 2, &d) || m < 1 || m > 12 || d < 1 ||
      static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m))) {
    return bad_time(s);
  }
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Result<TimePoint> parse_time(std::string_view s) {
  if (s.size() < 10) return bad_time(s);
  Result<Days> day = parse_date(s.substr(0, 10));
  if (!day.ok()) return bad_time(s);
  TimePoint t = int64_t{*day} * kMillisPerDay;
  if (s.size() == 10) return t;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad_time(s);
  int hh, mm, ss = 0, frac = 0;
  size_t p = 11;
  if (!read_digits(s, p, 2, &hh) || p + 2 >= s.size() || s[p + 2] != ':' ||
      !read_digits(s, p + 3, 2, &mm) || hh > 23 || mm > 59) {
    return bad_time(s);
  }
  p += 5;
  if (p < s.size() && s[p] == ':') {
    if (!read_digits(s, p + 1, 2, &ss) || ss > 60) return bad_time(s);
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      int digits = 0;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        if (digits < 3) frac = frac * 10 + (s[p] - '0');
        ++digits;
        ++p;
      }
      if (digits == 0) return bad_time(s);
      for (int i = digits; i < 3; ++i) frac *= 10;
    }
  }
  t += hh * kMillisPerHour + mm * 60000LL + ss * 1000LL + frac;
  if (p == s.size()) return t;
  if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) return t;
  if ((s[p] == '+' || s[p] == '-') && (s.size() - p == 6 || s.size() - p == 5)) {
    int oh, om;
    size_t mpos = s[p + 3] == ':' ? p + 4 : p + 3;
    if (!read_digits(s, p + 1, 2, &oh) || !read_digits(s, mpos, 2, &om) ||
        mpos + 2 != s.size() || oh > 23 || om > 59) {
      return bad_time(s);
    }
    TimePoint off = oh * kMillisPerHour + om * 60000LL;
    return s[p] == '+' ? t - off : t + off;
  }
  return bad_time(s);
}

}  // namespace leadloop
