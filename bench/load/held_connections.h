// N client connections held open against the server from one loop thread
// (epoll): idle (nothing sent) or slow (a request header, one byte every
// `slow_interval`, never finished). A connection the server answers (503,
// 408, ...) or closes is counted and reopened after `reopen_delay`, so N
// stay open while the loop runs. start() and stop() from one thread; the
// counters may be read from any thread at any time.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "net.h"

namespace leadloop::bench {

struct HoldOptions {
  int count = 10000;
  bool slow = false;
  std::chrono::milliseconds slow_interval{3000};
  std::chrono::milliseconds reopen_delay{200};
  int opens_per_tick = 500;  // a tick is at most 20 ms
};

struct HoldCounters {
  std::atomic<long> open{0};                      // connected now
  std::atomic<long> connects{0};                  // connects that succeeded, reopens included
  std::atomic<long> reopened{0};                  // connects after the server ended a connection
  std::atomic<long> closed_by_server{0};          // EOF or reset without an answer
  std::atomic<long> connect_errors{0};            // refused, timed out, out of ports or descriptors
  std::array<std::atomic<long>, 600> answered{};  // by HTTP status
  std::atomic<long> bytes_sent{0};
};

class HeldConnections {
 public:
  HeldConnections(Endpoint server, HoldOptions options);
  ~HeldConnections();
  HeldConnections(const HeldConnections&) = delete;
  HeldConnections& operator=(const HeldConnections&) = delete;

  void start();
  // Closes every connection and joins the loop thread.
  void stop();

  const HoldCounters& counters() const { return counters_; }
  // "503 x12, 408 x3", or "none".
  std::string answers() const;

 private:
  void run();

  Endpoint server_;
  HoldOptions options_;
  HoldCounters counters_;
  std::atomic<bool> stopping_{false};
  std::thread loop_;
};

}  // namespace leadloop::bench
