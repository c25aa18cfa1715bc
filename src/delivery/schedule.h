// The retry schedule of Standard Webhooks: the first attempt at once, then
// after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, each with
// ±10% jitter; after the tenth attempt the delivery is dead.
#pragma once

#include <optional>
#include <string_view>

#include "domain/time.h"

namespace leadloop::delivery {

inline constexpr int kMaxAttempts = 10;

// The wait after `attempts` failed attempts (1..kMaxAttempts-1), without
// jitter; nullopt when no attempt is left.
std::optional<TimePoint> retry_delay(int attempts);
// The same with jitter: uniformly within ±10%.
std::optional<TimePoint> jittered_retry_delay(int attempts);

// A Retry-After header's wait in ms from `now`: delta-seconds or an HTTP
// date (RFC 9110); nullopt when absent or not understood. Capped at 24 h.
std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now);

}  // namespace leadloop::delivery
