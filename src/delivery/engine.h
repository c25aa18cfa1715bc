// DeliveryEngine: the one background worker that delivers. Each run fans
// out what is new (fan_out.h) and sends every delivery that is due through
// its channel, a few at once, recording each attempt and the next state in
// one transaction (schedule.h gives the waits). Woken by wake() (the API
// server calls it after writes and timer runs) or when the earliest
// next_attempt_at falls due; no cron. run_once() runs the same
// synchronously (POST /api/v1/clock under --manual-clock).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "delivery/channel.h"
#include "delivery/fan_out.h"
#include "domain/clock.h"

namespace leadloop::delivery {

struct EngineConfig {
  // Deliveries being sent or sent and not yet recorded, at most: what a
  // kill -9 can make go twice.
  int in_flight = 32;
  int batch = 256;           // due deliveries claimed per round
  int fan_out_batch = 1000;  // sources per fan-out transaction
  int idle_wait_ms = 5000;   // longest sleep without a wake (the system clock may jump)
  int senders = 8;           // threads sending (at most in_flight)
};

struct RunStats {
  int64_t fanned_out = 0;  // deliveries made
  int64_t attempts = 0;
  int64_t delivered = 0;
  int64_t failed = 0;  // retry, throttle, gone or dead
};

class DeliveryEngine {
 public:
  DeliveryEngine(Store& store, const Clock& clock, EngineConfig config = {});
  ~DeliveryEngine();
  DeliveryEngine(const DeliveryEngine&) = delete;
  DeliveryEngine& operator=(const DeliveryEngine&) = delete;

  // REQUIRES: before start(); one channel per name.
  void add_channel(std::unique_ptr<Channel> channel);

  // Another channel's fan-out (e-mail: mail/mail_channel.h). REQUIRES:
  // before start().
  void add_fan_out(std::unique_ptr<FanOutSource> source);

  void start();
  // Stops the worker after the sends in flight; idempotent.
  void stop();
  // Something may have been committed: run soon. Quick; any thread.
  void wake();
  // Fans out, then sends everything due now, until nothing is due.
  Result<RunStats> run_once();

 private:
  Result<int64_t> fan_out_all();
  Status send_round(const std::vector<Delivery>& due, RunStats& stats);
  DeliveryOutcomeRecord outcome_record(const Delivery& d, const SendOutcome& o) const;
  void loop();

  Store& store_;
  const Clock& clock_;
  const EngineConfig config_;
  std::map<std::string, std::unique_ptr<Channel>, std::less<>> channels_;
  std::vector<std::unique_ptr<FanOutSource>> extra_;
  std::mutex run_mu_;  // one run at a time (worker and clock route)
  std::mutex mu_;      // guards woken_, stopping_
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace leadloop::delivery
