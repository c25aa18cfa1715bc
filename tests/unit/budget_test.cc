#include "domain/budget.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace leadloop {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::shared_ptr<RequestBudget> budget(
    RequestBudget::SteadyClock::duration time, int64_t memory_bytes,
    RequestBudget::SteadyClock::time_point start = RequestBudget::SteadyClock::now()) {
  return std::make_shared<RequestBudget>(time, memory_bytes, "--request-time-budget",
                                         "--request-memory-budget", start);
}

// Keeps the compiler from eliding an allocation the test only counts.
void keep(const void* p) { asm volatile("" : : "g"(p) : "memory"); }

// Calls check_budget() until the clock has been read (kClockEvery calls).
Status check_all() {
  Status st;
  for (unsigned i = 0; i < kClockEvery && st.ok(); ++i) st = check_budget();
  return st;
}

TEST(Budget, NoBudgetInstalledIsAlwaysOk) {
  EXPECT_EQ(current_budget(), nullptr);
  EXPECT_TRUE(check_all().ok());
  EXPECT_FALSE(budget_exceeded());
}

TEST(Budget, DeadlinePassedFailsNamingTheTimeBudget) {
  // Started a minute ago with ten seconds: past its deadline.
  ScopedBudget scope(budget(seconds(10), 0, RequestBudget::SteadyClock::now() - seconds(60)));
  Status st = check_all();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kBudgetExceeded);
  EXPECT_EQ(error_code_name(st.code()), "budget_exceeded");
  EXPECT_NE(st.message().find("time budget of 10 s"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("--request-time-budget"), std::string::npos) << st.message();
  // Sticky: every later check fails the same way, without the clock.
  EXPECT_EQ(check_budget().message(), st.message());
  EXPECT_EQ(current_budget()->status().message(), st.message());
}

TEST(Budget, TinyDeadlinePassesWhileWorking) {
  ScopedBudget scope(budget(milliseconds(1), 0));
  std::this_thread::sleep_for(milliseconds(5));
  Status st = check_all();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("time budget of 0.001 s"), std::string::npos) << st.message();
}

TEST(Budget, WithinBothIsOk) {
  ScopedBudget scope(budget(seconds(60), 64 << 20));
  std::vector<char> small(1000);
  keep(small.data());
  EXPECT_TRUE(check_all().ok());
  EXPECT_FALSE(budget_exceeded());
}

TEST(Budget, ZeroTurnsBothOff) {
  ScopedBudget scope(budget(seconds(0), 0));
  std::vector<char> big(8 << 20);
  keep(big.data());
  EXPECT_TRUE(check_all().ok());
}

TEST(Budget, AllocatingPastTheAllowanceFailsNamingTheMemoryBudget) {
  ScopedBudget scope(budget(seconds(60), 1 << 20));
  auto big = std::make_unique<std::vector<char>>(4 << 20, 'x');
  keep(big->data());
  Status st = check_budget();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kBudgetExceeded);
  EXPECT_NE(st.message().find("memory budget of 1 MB"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("--request-memory-budget"), std::string::npos) << st.message();
}

TEST(Budget, CounterComesBackDownAfterFreeing) {
  ScopedBudget scope(budget(seconds(60), 0));
  const int64_t before = thread_live_bytes();
  {
    std::vector<char> block(1 << 20);
    std::string text(100000, 'y');
    auto array = std::make_unique<int[]>(50000);
    struct alignas(64) Wide {
      char c[64];
    };
    auto wide = std::make_unique<Wide[]>(1000);
    keep(block.data());
    keep(text.data());
    keep(array.get());
    keep(wide.get());
    EXPECT_GE(thread_live_bytes() - before, (1 << 20) + 100000 + 200000 + 64000);
  }
  EXPECT_EQ(thread_live_bytes(), before);
}

TEST(Budget, NotCountedWithoutABudget) {
  const int64_t before = thread_live_bytes();
  std::vector<char> block(1 << 20);
  keep(block.data());
  EXPECT_EQ(thread_live_bytes(), before);
}

TEST(Budget, NestedBudgetsRestoreTheOuterOne) {
  auto outer = budget(seconds(60), 0);
  ScopedBudget outer_scope(outer);
  {
    ScopedBudget inner(budget(seconds(10), 0, RequestBudget::SteadyClock::now() - seconds(60)));
    EXPECT_FALSE(check_all().ok());
    {
      ScopedBudget none(nullptr);
      EXPECT_EQ(current_budget(), nullptr);
      EXPECT_TRUE(check_all().ok());
    }
    EXPECT_FALSE(check_budget().ok());
  }
  EXPECT_EQ(current_budget(), outer);
  EXPECT_TRUE(check_all().ok());
}

TEST(Budget, AHelperThreadSharesTheRequestsBudget) {
  auto b = budget(seconds(60), 1 << 20);
  ScopedBudget scope(b);
  std::thread helper([shared = current_budget()] {
    ScopedBudget mine(shared);
    std::vector<char> big(4 << 20);
    keep(big.data());
    EXPECT_FALSE(check_budget().ok());
  });
  helper.join();
  // The helper's failure cancels the whole request.
  EXPECT_TRUE(b->exceeded());
  EXPECT_FALSE(check_budget().ok());
}

}  // namespace
}  // namespace leadloop
