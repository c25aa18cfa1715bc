#include "domain/budget.h"

#include <malloc.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace leadloop {

namespace {

// Per thread: the budget installed, the live-byte count when it was, and
// whether operator new/delete count. Trivial types, constant-initialised:
// operator new may touch them before anything else on a thread has run.
struct ThreadBudget {
  RequestBudget* budget = nullptr;
  int64_t baseline = 0;
  unsigned calls = 0;
};
constinit thread_local ThreadBudget tls_budget;
constinit thread_local bool tls_counting = false;
constinit thread_local int64_t tls_live_bytes = 0;

// "10 s", "0.001 s"
std::string seconds_text(RequestBudget::SteadyClock::duration d) {
  const double s = std::chrono::duration<double>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string megabytes_text(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g MB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

}  // namespace

RequestBudget::RequestBudget(SteadyClock::duration time, int64_t memory_bytes,
                             std::string time_flag, std::string memory_flag,
                             SteadyClock::time_point start)
    : time_(time),
      deadline_(time > SteadyClock::duration::zero() ? start + time
                                                     : SteadyClock::time_point::max()),
      memory_bytes_(memory_bytes),
      time_flag_(std::move(time_flag)),
      memory_flag_(std::move(memory_flag)) {}

Status RequestBudget::check(SteadyClock::time_point now, int64_t grown) {
  if (!exceeded()) {
    int next = kWithin;
    if (memory_bytes_ > 0 && grown > memory_bytes_) {
      next = kPastMemory;
    } else if (now >= deadline_) {
      next = kPastTime;
    }
    if (next == kWithin) return Status();
    int expected = kWithin;
    state_.compare_exchange_strong(expected, next, std::memory_order_relaxed);
  }
  return status();
}

Status RequestBudget::status() const {
  switch (state_.load(std::memory_order_relaxed)) {
    case kPastTime:
      return Status(ErrorCode::kBudgetExceeded,
                    "the request ran past its time budget of " + seconds_text(time_) + " (" +
                        time_flag_ +
                        "); narrow it (filters, a smaller page) or, for many leads, use an export");
    case kPastMemory:
      return Status(ErrorCode::kBudgetExceeded,
                    "the request needed more than its memory budget of " +
                        megabytes_text(memory_bytes_) + " (" + memory_flag_ +
                        "); narrow it (filters, a smaller page) or, for many leads, use an export");
    default:
      return Status();
  }
}

ScopedBudget::ScopedBudget(std::shared_ptr<RequestBudget> budget)
    : budget_(std::move(budget)),
      outer_(tls_budget.budget),
      outer_baseline_(tls_budget.baseline),
      outer_counting_(tls_counting) {
  tls_budget.budget = budget_.get();
  tls_budget.baseline = tls_live_bytes;
  tls_budget.calls = 0;
  tls_counting = budget_ != nullptr;
}

ScopedBudget::~ScopedBudget() {
  tls_budget.budget = outer_;
  tls_budget.baseline = outer_baseline_;
  tls_counting = outer_counting_;
}

std::shared_ptr<RequestBudget> current_budget() {
  return tls_budget.budget ? tls_budget.budget->shared_from_this() : nullptr;
}

namespace {

Status check(bool read_clock) {
  RequestBudget* b = tls_budget.budget;
  if (b == nullptr) return Status();
  if (b->exceeded()) return b->status();
  const int64_t grown = tls_live_bytes - tls_budget.baseline;
  const auto now = read_clock ? RequestBudget::SteadyClock::now()
                              : RequestBudget::SteadyClock::time_point::min();
  return b->check(now, grown);
}

}  // namespace

// The clock on the first call and every kClockEvery-th after it.
Status check_budget() { return check(tls_budget.calls++ % kClockEvery == 0); }

Status check_budget_now() { return check(true); }

bool budget_exceeded() { return !check_budget_now().ok(); }

int64_t thread_live_bytes() { return tls_live_bytes; }

}  // namespace leadloop

// The replaced global allocation functions: malloc and free underneath
// (so ASan and TSan, which intercept those, still see every block), and
// the block's usable size added to or taken from the thread's count while
// a budget is installed. They never refuse for the budget: the request is
// cancelled at its next check_budget(), not in the middle of an
// allocation that code may not expect to fail.
namespace {

using leadloop::tls_counting;
using leadloop::tls_live_bytes;

void count_in(void* p) {
  if (p != nullptr && tls_counting) tls_live_bytes += static_cast<int64_t>(malloc_usable_size(p));
}

void count_out(void* p) {
  if (p != nullptr && tls_counting) tls_live_bytes -= static_cast<int64_t>(malloc_usable_size(p));
}

void* allocate(std::size_t n, std::size_t align) {
  if (n == 0) n = 1;
  for (;;) {
    void* p = nullptr;
    if (align <= alignof(std::max_align_t)) {
      p = std::malloc(n);
    } else if (posix_memalign(&p, align, n) != 0) {
      p = nullptr;
    }
    if (p != nullptr) {
      count_in(p);
      return p;
    }
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) return nullptr;
    handler();  // frees memory or throws std::bad_alloc
  }
}

void* allocate_or_throw(std::size_t n, std::size_t align) {
  void* p = allocate(n, align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* allocate_nothrow(std::size_t n, std::size_t align) noexcept {
  try {
    return allocate(n, align);
  } catch (...) {
    return nullptr;
  }
}

void release(void* p) noexcept {
  count_out(p);
  std::free(p);
}

constexpr std::size_t kPlain = alignof(std::max_align_t);

}  // namespace

void* operator new(std::size_t n) { return allocate_or_throw(n, kPlain); }
void* operator new[](std::size_t n) { return allocate_or_throw(n, kPlain); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return allocate_nothrow(n, kPlain);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return allocate_nothrow(n, kPlain);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate_or_throw(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return allocate_or_throw(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_nothrow(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_nothrow(n, static_cast<std::size_t>(a));
}

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
