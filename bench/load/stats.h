// Latency summaries and clocks shared by the load tools.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace leadloop::bench {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to);
double seconds_since(Clock::time_point from);

// p50, p99 and max of a set of latencies in ms, by nearest rank. `failed`
// requests count as slower than any that answered, so a p99 over 1% of
// failures is infinite.
struct Summary {
  size_t answered = 0;
  size_t failed = 0;
  double p50 = 0, p99 = 0, max = 0;
};
Summary summarize(std::vector<double> ms, size_t failed = 0);

// "p50 0.42 ms  p99 1.31 ms  max 2.05 ms", with "failed" in place of an
// infinite figure.
std::string describe(const Summary& s);

// "PASS" or "FAIL".
const char* verdict(bool pass);

}  // namespace leadloop::bench
