// The demo's and the simulation's random source: mt19937_64, whose output
// the standard fixes, and none of the library's distributions (which it does
// not), so one seed gives one data set on every platform. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>

namespace leadloop {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t next() { return engine_(); }
  // 0 <= below(n) < n; 0 when n is 0.
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }
  // lo <= between(lo, hi) <= hi. REQUIRES: lo <= hi.
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<size_t>(hi - lo + 1)));
  }
  // In [0, 1).
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return unit() < p; }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[below(N)];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace leadloop
