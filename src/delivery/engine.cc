#include "delivery/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "delivery/fan_out.h"
#include "delivery/schedule.h"

namespace leadloop::delivery {

// Group commit of the attempts of one send round: a worker hands its
// outcome in and waits until it is durable before it sends anything else,
// as with one transaction per attempt; the outcomes that arrive while one
// transaction is being written go together in the next, so the workers
// share fsyncs. What a kill -9 can leave sent but unrecorded stays the
// sends in flight.
class GroupRecorder {
 public:
  explicit GroupRecorder(Store& store) : store_(store) {}

  Status record(int64_t id, DeliveryOutcomeRecord r) {
    std::unique_lock lock(mu_);
    const uint64_t mine = ++issued_;
    pending_.emplace_back(id, std::move(r));
    while (done_ < mine) {
      if (writing_) {
        cv_.wait(lock);
        continue;
      }
      writing_ = true;
      std::vector<std::pair<int64_t, DeliveryOutcomeRecord>> batch;
      batch.swap(pending_);
      const uint64_t first = done_ + 1, last = issued_;
      lock.unlock();
      auto written = store_.record_delivery_attempts(batch);
      lock.lock();
      for (uint64_t t = first; t <= last; ++t) {
        const Status& st = written.ok() ? (*written)[t - first] : written.status();
        if (!st.ok()) failures_[t] = st;
      }
      done_ = last;
      writing_ = false;
      cv_.notify_all();
    }
    auto failed = failures_.find(mine);
    if (failed == failures_.end()) return Status();
    Status st = failed->second;
    failures_.erase(failed);
    return st;
  }

 private:
  Store& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<int64_t, DeliveryOutcomeRecord>> pending_;  // tickets done_+1 .. issued_
  uint64_t issued_ = 0;
  uint64_t done_ = 0;
  bool writing_ = false;
  std::map<uint64_t, Status> failures_;
};

DeliveryEngine::DeliveryEngine(Store& store, const Clock& clock, EngineConfig config)
    : store_(store), clock_(clock), config_(config), recorder_(std::make_unique<GroupRecorder>(store)) {}

DeliveryEngine::~DeliveryEngine() { stop(); }

void DeliveryEngine::add_channel(std::unique_ptr<Channel> channel) {
  std::string name(channel->name());
  channels_[name] = std::move(channel);
}

void DeliveryEngine::add_fan_out(std::unique_ptr<FanOutSource> source) {
  extra_.push_back(std::move(source));
}

Result<int64_t> DeliveryEngine::fan_out_all() {
  std::vector<FanOutSource*> extra;
  for (auto& e : extra_) extra.push_back(e.get());
  auto made = fan_out(store_, clock_.now(), config_.fan_out_batch, extra);
  if (!made.ok()) return made;
  int64_t n = *made;
  // Deliveries made on the clock (the daily digest), under the same
  // (message_key, destination) constraint; the cursor stays where it is.
  for (FanOutSource* e : extra) {
    auto due = e->scheduled(clock_.now());
    if (!due.ok()) return due.status();
    if (!due->empty()) {
      auto cursor = store_.delivery_cursor();
      if (!cursor.ok()) return cursor.status();
      if (Status st = store_.add_deliveries(*cursor, *cursor, *due); !st.ok()) return st;
      for (const Delivery& d : *due) n += d.id != 0 ? 1 : 0;
    }
    e->scheduled_done(clock_.now());
  }
  return n;
}

void DeliveryEngine::start() {
  if (worker_.joinable()) return;
  worker_ = std::thread([this] { loop(); });
}

void DeliveryEngine::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void DeliveryEngine::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

Status DeliveryEngine::record(const Delivery& d, const SendOutcome& o) {
  DeliveryOutcomeRecord r;
  r.attempt = {d.id, clock_.now(), o.status, o.error, o.duration_ms};
  const int attempts = d.attempts + 1;
  switch (o.kind) {
    case SendOutcome::Kind::kDelivered:
      r.state = "delivered";
      break;
    case SendOutcome::Kind::kGone:
      r.state = "cancelled";
      r.disable_endpoint = true;
      r.disabled_reason =
          "the receiver answered 410 Gone at " + format_time(r.attempt.at) + "; disabled";
      break;
    case SendOutcome::Kind::kDead:
      r.state = "dead";
      break;
    case SendOutcome::Kind::kRetry:
    case SendOutcome::Kind::kThrottle: {
      auto wait = jittered_retry_delay(attempts);
      if (!wait) {
        r.state = "dead";
        break;
      }
      r.state = "pending";
      r.next_attempt_at = r.attempt.at + std::max(*wait, o.after.value_or(0));
      break;
    }
  }
  return recorder_->record(d.id, std::move(r));
}

Status DeliveryEngine::send_round(const std::vector<Delivery>& due, RunStats& stats) {
  std::atomic<size_t> next{0};
  std::atomic<int64_t> delivered{0}, failed{0};
  std::mutex error_mu;
  Status first_error;
  auto work = [&] {
    for (size_t i = next++; i < due.size(); i = next++) {
      const Delivery& d = due[i];
      auto channel = channels_.find(d.channel);
      SendOutcome o;
      if (channel == channels_.end()) {
        o.error = "no channel '" + d.channel + "' in this server";
      } else {
        o = channel->second->send(d);
      }
      (o.kind == SendOutcome::Kind::kDelivered ? delivered : failed)++;
      if (Status st = record(d, o); !st.ok()) {
        std::lock_guard lock(error_mu);
        if (first_error.ok()) first_error = st;
      }
    }
  };
  const size_t threads =
      std::min<size_t>(static_cast<size_t>(std::max(1, config_.in_flight)), due.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  stats.attempts += static_cast<int64_t>(due.size());
  stats.delivered += delivered;
  stats.failed += failed;
  return first_error;
}

Result<RunStats> DeliveryEngine::run_once() {
  std::lock_guard run(run_mu_);
  RunStats stats;
  auto made = fan_out_all();
  if (!made.ok()) return made.status();
  stats.fanned_out = *made;
  for (;;) {
    auto due = store_.due_deliveries(clock_.now(), config_.batch);
    if (!due.ok()) return due.status();
    if (due->empty()) break;
    if (Status st = send_round(*due, stats); !st.ok()) return st;
    // What arrived meanwhile goes out in the same run.
    auto more = fan_out_all();
    if (!more.ok()) return more.status();
    stats.fanned_out += *more;
  }
  return stats;
}

void DeliveryEngine::loop() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      woken_ = false;
    }
    auto run = run_once();
    if (!run.ok()) {
      spdlog::error("delivery: {}", run.status().to_string());
    } else if (run->attempts > 0) {
      spdlog::info("delivery: {} new, {} attempts, {} delivered, {} failed", run->fanned_out,
                   run->attempts, run->delivered, run->failed);
    }
    // Sleep until woken or the earliest retry falls due.
    int64_t wait_ms = config_.idle_wait_ms;
    if (auto next = store_.next_delivery_due(); next.ok() && *next) {
      wait_ms = std::clamp<int64_t>(**next - clock_.now(), 0, config_.idle_wait_ms);
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(run.ok() ? wait_ms : config_.idle_wait_ms),
                 [this] { return woken_ || stopping_; });
  }
}

}  // namespace leadloop::delivery
