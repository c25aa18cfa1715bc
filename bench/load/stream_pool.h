// M live streams (GET /api/v1/stream, server-sent events) held from one loop
// thread (epoll). Each stream sends its request, reads the answer's status,
// waits for `ready` and then notes when each `change` event arrives. A stream
// that is refused (429, 503), ended by the server or without `ready` after
// `ready_timeout` is counted and, with `reopen`, opened again: after
// `reconnect_delay` if it had been ready (as a browser does after `retry:`),
// after `retry_delay` if not. start() and stop() from one
// thread; the counters may be read from any thread; the per-stream records
// only after stop().
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "net.h"
#include "stats.h"

namespace leadloop::bench {

struct StreamOptions {
  int count = 1000;
  std::string token;
  bool reopen = false;
  bool keep_times = true;  // note each change's arrival (the soak only counts)
  std::chrono::milliseconds retry_delay{1000};
  std::chrono::milliseconds reconnect_delay{1000};
  // A stream with no `ready` this long after its connect started has failed.
  std::chrono::milliseconds ready_timeout{10000};
  int opens_per_tick = 200;
};

struct StreamCounters {
  std::atomic<long> ready{0};            // streams that had `ready` and are open now
  std::atomic<long> readies{0};          // `ready` events, reopens included
  std::atomic<long> changes{0};          // `change` events on all streams
  std::atomic<long> ended_by_server{0};  // after a 200
  std::atomic<long> failed{0};  // connect errors, closed before an answer, no `ready` in time
  std::array<std::atomic<long>, 600> refused{};  // answers other than 200, by status
};

// One stream's history, read after stop().
struct StreamRecord {
  Clock::time_point ready_at{};  // the first `ready`; epoch if none
  Clock::time_point ended_at{};  // the first end after `ready`; epoch if none
  std::vector<Clock::time_point> changes;
};

class StreamPool {
 public:
  StreamPool(Endpoint server, StreamOptions options);
  ~StreamPool();
  StreamPool(const StreamPool&) = delete;
  StreamPool& operator=(const StreamPool&) = delete;

  void start();
  void stop();

  const StreamCounters& counters() const { return counters_; }
  // "429 x996", or "none".
  std::string refusals() const;
  const std::vector<StreamRecord>& records() const { return records_; }

 private:
  Endpoint server_;
  StreamOptions options_;
  StreamCounters counters_;
  std::vector<StreamRecord> records_;
  std::atomic<bool> stopping_{false};
  std::thread loop_;
};

}  // namespace leadloop::bench
