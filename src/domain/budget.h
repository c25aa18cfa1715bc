// A request's budget: a deadline on the steady clock and an allowance of
// memory. The server installs one around each request's handler
// (ScopedBudget); long loops ask check_budget() and, once it fails, return
// its Status (or stop early) so the request unwinds, answers the error and
// frees what it held (RAII).
//
// Why a thread-local: a handler runs on one worker thread from start to
// answer, and cancellation must reach loops deep in measure/, definition/
// and io/ without threading a budget parameter through every signature in
// between. The thread-local is only a pointer to the budget of the request
// the thread is serving; code that fans work out to helper threads installs
// the same budget there (ScopedBudget(current_budget())).
//
// Memory: while a budget is installed on a thread, the global operator
// new/delete (replaced in budget.cc) count that thread's live bytes
// (malloc_usable_size). A block freed on another thread than the one that
// allocated it is counted there. Each thread's growth since its
// ScopedBudget is compared with the whole allowance.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "domain/status.h"

namespace leadloop {

// What runs out first, once it has: the deadline or the memory. A budget
// is shared by the threads of one request; thread-safe.
class RequestBudget : public std::enable_shared_from_this<RequestBudget> {
 public:
  using SteadyClock = std::chrono::steady_clock;
  // time <= 0: no deadline; memory_bytes <= 0: no allowance. The flags
  // name the settings in the error a user reads, e.g.
  // "--request-time-budget".
  RequestBudget(SteadyClock::duration time, int64_t memory_bytes, std::string time_flag,
                std::string memory_flag, SteadyClock::time_point start = SteadyClock::now());

  // ok, or kBudgetExceeded naming the budget that ran out; once one has,
  // every later check fails the same way (the request is cancelled).
  // `grown`: the calling thread's live bytes since its ScopedBudget.
  Status check(SteadyClock::time_point now, int64_t grown);
  // Whether a check has failed (without reading the clock).
  bool exceeded() const { return state_.load(std::memory_order_relaxed) != kWithin; }
  // The failure a check returned, or ok.
  Status status() const;

 private:
  enum State : int { kWithin, kPastTime, kPastMemory };
  SteadyClock::duration time_;
  SteadyClock::time_point deadline_;
  int64_t memory_bytes_;
  std::string time_flag_, memory_flag_;
  std::atomic<int> state_{kWithin};
};

// Installs `budget` for the current thread until destroyed, then restores
// the one before (nesting works; nullptr installs none). Not copyable.
class ScopedBudget {
 public:
  explicit ScopedBudget(std::shared_ptr<RequestBudget> budget);
  ~ScopedBudget();
  ScopedBudget(const ScopedBudget&) = delete;
  ScopedBudget& operator=(const ScopedBudget&) = delete;

 private:
  std::shared_ptr<RequestBudget> budget_;
  RequestBudget* outer_;
  int64_t outer_baseline_;
  bool outer_counting_;
};

// The budget installed on this thread, or nullptr.
std::shared_ptr<RequestBudget> current_budget();

// ok when no budget is installed or it is not exceeded; else the Status
// naming which budget ran out and its setting. For a check per row: the
// clock is read on every kClockEvery-th call only (the memory count, a
// thread-local, on every call).
inline constexpr unsigned kClockEvery = 16;
Status check_budget();
// The same, reading the clock on every call: for a check per chunk of
// rows, where the clock (about 25 ns) is nothing beside the chunk.
Status check_budget_now();
// !check_budget_now().ok(), for loops that stop early rather than return
// a Status (the caller answers with current_budget()->status()).
bool budget_exceeded();

// Bytes allocated and not yet freed by this thread while a budget was
// installed (for tests and logs).
int64_t thread_live_bytes();

}  // namespace leadloop
