#include "api/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace leadloop::api {

namespace {
// Past this many clients, buckets that have refilled are forgotten.
constexpr size_t kMaxBuckets = 100000;
}  // namespace

bool RateLimiter::allow(const std::string& key, int64_t now_ms, int64_t* retry_after_ms) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  if (buckets_.size() > kMaxBuckets) {
    std::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + static_cast<double>(now_ms - kv.second.at_ms) * rate_ / 1000.0 >= burst_;
    });
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(now_ms - b.at_ms) * rate_ / 1000.0);
    b.at_ms = now_ms;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after_ms) *retry_after_ms = static_cast<int64_t>(std::ceil((1.0 - b.tokens) * 1000.0 / rate_));
  return false;
}

}  // namespace leadloop::api
