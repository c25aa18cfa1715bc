#include "delivery/schedule.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <random>
#include <string>

namespace leadloop::delivery {

namespace {

constexpr TimePoint kSecond = 1000;
constexpr std::array<TimePoint, kMaxAttempts> kDelays = {0,
                                                         5 * kSecond,
                                                         5 * 60 * kSecond,
                                                         30 * 60 * kSecond,
                                                         2 * 3600 * kSecond,
                                                         5 * 3600 * kSecond,
                                                         10 * 3600 * kSecond,
                                                         14 * 3600 * kSecond,
                                                         20 * 3600 * kSecond,
                                                         24 * 3600 * kSecond};
constexpr TimePoint kMaxRetryAfter = 24 * 3600 * kSecond;

}  // namespace

std::optional<TimePoint> retry_delay(int attempts) {
  if (attempts < 1 || attempts >= kMaxAttempts) return std::nullopt;
  return kDelays[static_cast<size_t>(attempts)];
}

std::optional<TimePoint> jittered_retry_delay(int attempts) {
  auto base = retry_delay(attempts);
  if (!base) return std::nullopt;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(-0.1, 0.1);
  return *base + static_cast<TimePoint>(static_cast<double>(*base) * jitter(rng));
}

std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  int64_t seconds = 0;
  auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (err == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::min(seconds * kSecond, kMaxRetryAfter);
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const TimePoint at = static_cast<TimePoint>(timegm(&tm)) * kSecond;
  return std::clamp<TimePoint>(at - now, 0, kMaxRetryAfter);
}

}  // namespace leadloop::delivery
