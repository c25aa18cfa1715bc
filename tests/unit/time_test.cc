// Time in Leadloop: ms since the epoch, UTC, and ISO 8601 text in and out.
#include "domain/time.h"

#include <gtest/gtest.h>

#include <string>

namespace leadloop {
namespace {

constexpr TimePoint kMinute = 60 * kMillisPerSecond;

// --- days_from_civil / civil_from_days --------------------------------------

struct CivilCase {
  int year;
  unsigned month;
  unsigned day;
  Days days;
};

TEST(Civil, KnownDatesHaveKnownDayNumbers) {
  const CivilCase cases[] = {
      {1970, 1, 1, 0},         {1970, 1, 2, 1},          {1969, 12, 31, -1},
      {2000, 1, 1, 10957},     {2000, 2, 29, 11016},     {2000, 3, 1, 11017},
      {2026, 11, 23, 20780},   {1900, 1, 1, -25567},     {1, 1, 1, -719162},
      {0, 3, 1, -719468},      {9999, 12, 31, 2932896},  {1600, 2, 29, -135081},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.year) + "-" + std::to_string(c.month) + "-" +
                 std::to_string(c.day));
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), c.days);
    int y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(c.days, &y, &m, &d);
    EXPECT_EQ(y, c.year);
    EXPECT_EQ(m, c.month);
    EXPECT_EQ(d, c.day);
  }
}

TEST(Civil, EveryDayFromYearMinus400To10000RoundTripsAndAdvancesByOneDay) {
  const Days first = days_from_civil(-400, 1, 1);
  const Days last = days_from_civil(10000, 12, 31);
  int py = 0;
  unsigned pm = 0, pd = 0;
  civil_from_days(first - 1, &py, &pm, &pd);
  for (Days z = first; z <= last; ++z) {
    int y;
    unsigned m, d;
    civil_from_days(z, &y, &m, &d);
    ASSERT_EQ(days_from_civil(y, m, d), z) << y << "-" << m << "-" << d;
    ASSERT_GE(m, 1u);
    ASSERT_LE(m, 12u);
    // The next day is the next day of the month, or the 1st of the next month.
    bool next_day = y == py && m == pm && d == pd + 1;
    bool next_month = d == 1 && ((y == py && m == pm + 1) || (y == py + 1 && m == 1 && pm == 12));
    ASSERT_TRUE(next_day || next_month) << z << ": " << py << "-" << pm << "-" << pd << " -> "
                                        << y << "-" << m << "-" << d;
    py = y;
    pm = m;
    pd = d;
  }
}

// --- format_time / format_date ----------------------------------------------

TEST(FormatTime, RendersUtcWithMillisecondsAndZ) {
  const struct {
    TimePoint t;
    const char* text;
  } cases[] = {
      {0, "1970-01-01T00:00:00.000Z"},
      {1, "1970-01-01T00:00:00.001Z"},
      {-1, "1969-12-31T23:59:59.999Z"},
      {-kMillisPerDay, "1969-12-31T00:00:00.000Z"},
      {-kMillisPerDay - 1, "1969-12-30T23:59:59.999Z"},
      {1795421700000, "2026-11-23T08:15:00.000Z"},
      {951782400000, "2000-02-29T00:00:00.000Z"},
      {-62135596800000, "0001-01-01T00:00:00.000Z"},
      {253402300799999, "9999-12-31T23:59:59.999Z"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format_time(c.t), c.text) << c.t;
  }
}

TEST(FormatDate, RendersYearMonthDay) {
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(-1), "1969-12-31");
  EXPECT_EQ(format_date(20780), "2026-11-23");
  EXPECT_EQ(format_date(days_from_civil(2024, 2, 29)), "2024-02-29");
}

// --- parse_time --------------------------------------------------------------

TEST(ParseTime, AcceptsTheDocumentedForms) {
  const TimePoint t0815 = 1795421700000;  // 2026-11-23T08:15:00Z
  const struct {
    const char* text;
    TimePoint want;
  } cases[] = {
      {"2026-11-23T08:15:00.000Z", t0815},
      {"2026-11-23T08:15:00Z", t0815},
      {"2026-11-23T08:15Z", t0815},
      {"2026-11-23T08:15", t0815},  // no zone means UTC
      {"2026-11-23T08:15:00", t0815},
      {"2026-11-23 08:15:00", t0815},  // space instead of T
      {"2026-11-23t08:15:00z", t0815},
      {"2026-11-23", t0815 - 8 * kMillisPerHour - 15 * kMinute},  // midnight UTC
      // Offsets: local time minus the offset is UTC.
      {"2026-11-23T10:15:00+02:00", t0815},
      {"2026-11-23T10:15:00+0200", t0815},
      {"2026-11-23T02:45:00-05:30", t0815},
      {"2026-11-23T02:45:00-0530", t0815},
      {"2026-11-23T08:15:00+00:00", t0815},
      {"2026-11-23T08:15:00-00:00", t0815},
      {"2026-11-23T13:45+05:30", t0815},
      // Fractional seconds: 1 to 3 digits are milliseconds, more are truncated.
      {"2026-11-23T08:15:00.5Z", t0815 + 500},
      {"2026-11-23T08:15:00.05Z", t0815 + 50},
      {"2026-11-23T08:15:00.123Z", t0815 + 123},
      {"2026-11-23T08:15:00.123999Z", t0815 + 123},
      {"2026-11-23T08:15:00,25Z", t0815 + 250},
      {"2026-11-23T10:15:00.750+02:00", t0815 + 750},
  };
  for (const auto& c : cases) {
    auto r = parse_time(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().to_string();
    EXPECT_EQ(*r, c.want) << c.text << " -> " << format_time(*r);
  }
}

TEST(ParseTime, OffsetsCanMoveTheInstantIntoAnotherDay) {
  EXPECT_EQ(format_time(*parse_time("2026-01-01T01:00:00+02:00")), "2025-12-31T23:00:00.000Z");
  EXPECT_EQ(format_time(*parse_time("2025-12-31T22:30:00-05:30")), "2026-01-01T04:00:00.000Z");
  EXPECT_EQ(format_time(*parse_time("2024-02-28T23:00:00-01:00")), "2024-02-29T00:00:00.000Z");
}

TEST(ParseTime, NegativeEpochsParse) {
  EXPECT_EQ(*parse_time("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(*parse_time("1969-12-31"), -kMillisPerDay);
  EXPECT_EQ(*parse_time("1900-01-01T00:00:00Z"), -25567LL * kMillisPerDay);
  EXPECT_EQ(*parse_time("1970-01-01T00:30:00+01:00"), -30 * kMinute);
}

TEST(ParseTime, FormatThenParseIsIdentity) {
  const TimePoint samples[] = {0,
                               1,
                               -1,
                               999,
                               -999,
                               1795421700123,
                               -2208988800000,  // 1900-01-01
                               951868799999,    // 2000-02-29T23:59:59.999
                               4102444800000,   // 2100-01-01
                               -62135596800000, 253402300799999};
  for (TimePoint t : samples) {
    std::string text = format_time(t);
    auto back = parse_time(text);
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(*back, t) << text;
  }
  // And a sweep over many instants, a prime step apart so all fields vary.
  for (TimePoint t = -5'000'000'000'000; t < 5'000'000'000'000; t += 7'919'000'003) {
    ASSERT_EQ(*parse_time(format_time(t)), t) << format_time(t);
  }
}

TEST(ParseTime, RejectsWhatIsNotADateOrTime) {
  const char* bad[] = {
      "",
      "garbage",
      "2026",
      "2026-11",
      "2026-11-2",
      "26-11-23",
      "2026/11/23",
      "2026-11-23T",
      "2026-11-23T8:15",
      "2026-11-23T08",
      "2026-11-23T08:",
      "2026-11-23T08:1",
      "2026-11-23T24:00",
      "2026-11-23T08:60",
      "2026-11-23T08:15:61",
      "2026-11-23T08:15:00.",
      "2026-11-23T08:15:00.Z",
      "2026-11-23X08:15:00",
      "2026-11-23T08:15:00 Z",
      "2026-11-23T08:15:00ZZ",
      "2026-11-23T08:15:00Z ",
      "2026-11-23T08:15:00+2",
      "2026-11-23T08:15:00+02",
      "2026-11-23T08:15:00+02:0",
      "2026-11-23T08:15:00+02:000",
      "2026-11-23T08:15:00+24:00",
      "2026-11-23T08:15:00+02:60",
      "2026-11-23T08:15:00+ab:cd",
      "2026-11-23T08:15:00 +02:00",
      "2026-02-30",
      "2026-02-30T00:00:00Z",
      "2026-13-01",
      "2026-00-10",
      "2026-04-31",
      "2026-11-00",
      "2026-11-32",
      "2025-02-29",
      "1900-02-29",
      "2100-02-29T00:00Z",
      " 2026-11-23",
      "2026-11-23 ",
  };
  for (const char* text : bad) {
    auto r = parse_time(text);
    EXPECT_FALSE(r.ok()) << "'" << text << "' parsed as " << (r.ok() ? format_time(*r) : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue) << text;
      EXPECT_NE(r.status().message().find("YYYY-MM-DD"), std::string::npos) << text;
    }
  }
}

// --- parse_date --------------------------------------------------------------

TEST(ParseDate, AcceptsCalendarDatesIncludingLeapDays) {
  const struct {
    const char* text;
    int y;
    unsigned m, d;
  } cases[] = {
      {"1970-01-01", 1970, 1, 1}, {"2026-11-23", 2026, 11, 23}, {"2024-02-29", 2024, 2, 29},
      {"2000-02-29", 2000, 2, 29}, {"1600-02-29", 1600, 2, 29}, {"1969-12-31", 1969, 12, 31},
      {"2026-12-31", 2026, 12, 31}, {"2026-04-30", 2026, 4, 30}, {"0001-01-01", 1, 1, 1},
      {"9999-12-31", 9999, 12, 31},
  };
  for (const auto& c : cases) {
    auto r = parse_date(c.text);
    ASSERT_TRUE(r.ok()) << c.text;
    EXPECT_EQ(*r, days_from_civil(c.y, c.m, c.d)) << c.text;
    EXPECT_EQ(format_date(*r), c.text);
  }
}

TEST(ParseDate, RejectsImpossibleDatesAndTimes) {
  const char* bad[] = {"2026-02-30", "2026-13-01", "2026-00-01", "2026-01-00", "2026-01-32",
                       "2026-06-31", "2023-02-29", "1900-02-29", "2100-02-29", "garbage",
                       "",           "2026-1-01",  "2026-01-1",  "2026_01_01", "20260101",
                       "2026-11-23T00:00:00Z",     "2026-11-23 ", "+2026-11-23", "2026-1a-01"};
  for (const char* text : bad) {
    auto r = parse_date(text);
    EXPECT_FALSE(r.ok()) << "'" << text << "'";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidValue) << text;
    }
  }
}

TEST(ParseDate, EveryDayOfFourHundredYearsParsesBackFromItsText) {
  for (Days z = days_from_civil(2000, 1, 1); z < days_from_civil(2400, 1, 1); ++z) {
    auto r = parse_date(format_date(z));
    ASSERT_TRUE(r.ok()) << format_date(z);
    ASSERT_EQ(*r, z);
  }
}

}  // namespace
}  // namespace leadloop
