// RateLimiter: a token bucket per client key (a token, a user, an address).
// Time comes from the caller (a monotonic clock), so tests can drive it.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace leadloop::api {

class RateLimiter {
 public:
  // `per_second` requests on average, bursts of up to `burst`; a rate of 0
  // admits everything.
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}

  // Whether `key` may make one more request at `now_ms`; when not, the
  // milliseconds until it may.
  bool allow(const std::string& key, int64_t now_ms, int64_t* retry_after_ms);

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace leadloop::api
