// Time in Leadloop: TimePoint is milliseconds since the Unix epoch, UTC; a
// calendar date is days since 1970-01-01. Formatting and parsing of ISO 8601
// live here. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/status.h"

namespace leadloop {

using TimePoint = int64_t;  // ms since epoch, UTC
using Days = int32_t;       // days since 1970-01-01

constexpr TimePoint kMillisPerSecond = 1000;
constexpr TimePoint kMillisPerMinute = 60 * kMillisPerSecond;
constexpr TimePoint kMillisPerHour = 60 * kMillisPerMinute;
constexpr TimePoint kMillisPerDay = 24 * kMillisPerHour;

Days days_from_civil(int year, unsigned month, unsigned day);
// The day a time falls on (UTC; rounded down, also before 1970), and the
// Monday of its week.
Days day_of(TimePoint t);
Days monday_of(TimePoint t);
void civil_from_days(Days days, int* year, unsigned* month, unsigned* day);

// "2026-11-23T08:15:00.000Z"
std::string format_time(TimePoint t);
// "2026-11-23"
std::string format_date(Days d);
// "2026-11-23 08:15 UTC", for people (pages, messages), to the minute
std::string format_time_for_people(TimePoint t);

// Accepts "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed
// by "Z", "+HH:MM" or nothing (UTC), and a space instead of the "T".
Result<TimePoint> parse_time(std::string_view text);
// Accepts "YYYY-MM-DD" only.
Result<Days> parse_date(std::string_view text);

}  // namespace leadloop
