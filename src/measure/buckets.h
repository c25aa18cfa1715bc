// Log-linear buckets for durations (>= 0), shared by the projection (which
// keeps some distributions' bucket counts as it goes) and the reports'
// percentiles (reports.cc).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace leadloop {

// Exact below 64, then 32 per power of two, so a bucket spans about 3% of
// its values.
constexpr int kSubBits = 5;
constexpr size_t kExactBelow = size_t{1} << (kSubBits + 1);  // 64
constexpr size_t kBuckets = kExactBelow + (64 - kSubBits - 1) * (size_t{1} << kSubBits);

[[gnu::always_inline]] inline size_t log_bucket(int64_t value) {
  if (value < static_cast<int64_t>(kExactBelow)) return value < 0 ? 0 : static_cast<size_t>(value);
  const auto v = static_cast<uint64_t>(value);
  const int top = std::bit_width(v) - 1;  // >= kSubBits + 1
  const int shift = top - kSubBits;
  return kExactBelow + static_cast<size_t>(top - kSubBits - 1) * (size_t{1} << kSubBits) +
         static_cast<size_t>((v >> shift) - (uint64_t{1} << kSubBits));
}

}  // namespace leadloop
