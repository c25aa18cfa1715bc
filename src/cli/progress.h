// A one-line progress bar on stderr for long work (imports, demo data),
// drawn only when stderr is a terminal and at most ten times a second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "domain/clock.h"

namespace leadloop::cli {

// 1234567 -> "1,234,567": counts as people read them.
std::string with_commas(int64_t n);

class ProgressBar {
 public:
  ProgressBar(std::string label, const Clock& clock);
  void update(size_t done, size_t total, const std::string& detail);
  void finish();

 private:
  std::string label_;
  const Clock& clock_;
  bool enabled_;
  TimePoint started_;
  TimePoint last_draw_ = 0;
  bool drawn_ = false;
};

}  // namespace leadloop::cli
