#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace leadloop::cli {

ProgressBar::ProgressBar(std::string label, const Clock& clock)
    : label_(std::move(label)), clock_(clock), enabled_(isatty(STDERR_FILENO) != 0), started_(clock.now()) {}

void ProgressBar::update(size_t done, size_t total, const std::string& detail) {
  if (!enabled_) return;
  TimePoint now = clock_.now();
  if (drawn_ && now - last_draw_ < 100 && done < total) return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int kWidth = 30;
  double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  if (frac > 1) frac = 1;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  double secs = static_cast<double>(now - started_) / 1000.0;
  std::fprintf(stderr, "\r%s [%s] %3.0f%% %s %.1fs\x1b[K", label_.c_str(), bar.c_str(), frac * 100,
               detail.c_str(), secs);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\n");
}

std::string with_commas(int64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > (n < 0 ? 1 : 0); i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace leadloop::cli
