// The one source of "now". Everything that needs the time is given a Clock;
// SystemClock is the only code in Leadloop that reads the system clock.
// ManualClock lets tests and simulations move time by hand. Both are
// thread-safe.
#pragma once

#include <atomic>

#include "domain/time.h"

namespace leadloop {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = 0) : now_(start) {}
  TimePoint now() const override { return now_.load(std::memory_order_relaxed); }
  void set(TimePoint t) { now_.store(t, std::memory_order_relaxed); }
  void advance(TimePoint delta) { now_.fetch_add(delta, std::memory_order_relaxed); }

 private:
  std::atomic<TimePoint> now_;
};

}  // namespace leadloop
