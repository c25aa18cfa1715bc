#include "stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace leadloop::bench {

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

double seconds_since(Clock::time_point from) { return ms_between(from, Clock::now()) / 1000.0; }

namespace {

double rank(const std::vector<double>& sorted, size_t total, double q) {
  const size_t at = static_cast<size_t>(std::ceil(q * static_cast<double>(total)));
  const size_t i = at == 0 ? 0 : at - 1;
  return i < sorted.size() ? sorted[i] : std::numeric_limits<double>::infinity();
}

std::string figure(double ms) {
  if (std::isinf(ms)) return "failed";
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
  return buf;
}

}  // namespace

Summary summarize(std::vector<double> ms, size_t failed) {
  Summary s;
  s.answered = ms.size();
  s.failed = failed;
  if (ms.empty() && failed == 0) return s;
  std::sort(ms.begin(), ms.end());
  const size_t total = ms.size() + failed;
  s.p50 = rank(ms, total, 0.50);
  s.p99 = rank(ms, total, 0.99);
  s.max = failed ? std::numeric_limits<double>::infinity() : ms.back();
  return s;
}

std::string describe(const Summary& s) {
  return "p50 " + figure(s.p50) + "  p99 " + figure(s.p99) + "  max " + figure(s.max);
}

const char* verdict(bool pass) { return pass ? "PASS" : "FAIL"; }

}  // namespace leadloop::bench
