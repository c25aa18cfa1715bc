#include "delivery/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "delivery/fan_out.h"
#include "delivery/schedule.h"

namespace leadloop::delivery {

// The window of unrecorded sends. At most `size` deliveries are at once
// being sent or sent and not yet durable, so what a kill -9 can leave sent
// but unrecorded (and sends again after the restart) is at most that many.
// A sender does not wait for its own attempt to become durable: the
// outcomes go to the store together (group commit), written by the sender
// that finds half the window waiting, or finds the window full, or has run
// out of work; the others keep sending meanwhile.
class AttemptWindow {
 public:
  AttemptWindow(Store& store, size_t size) : store_(store), size_(size) {}  // REQUIRES: size >= 1

  // Blocks until one more send may start; false once an outcome could not
  // be recorded (the store fails): sending more would leave more sent and
  // unrecorded than the window.
  bool acquire() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (store_failed_) return false;
      if (used_ < size_) break;
      if (!writing_ && !pending_.empty()) {
        write_locked(lock);
        continue;
      }
      cv_.wait(lock);
    }
    ++used_;
    return true;
  }

  // The place acquire() took, when there was nothing left to send.
  void release() {
    std::lock_guard lock(mu_);
    --used_;
    cv_.notify_all();
  }

  // One send's outcome; its place in the window frees when it is durable.
  // An endpoint that answered 410 is disabled at once: the senders read
  // that from the store before each send.
  void submit(int64_t id, DeliveryOutcomeRecord r) {
    std::unique_lock lock(mu_);
    const bool now = r.disable_endpoint;
    pending_.emplace_back(id, std::move(r));
    if (now) {
      flush_locked(lock);
    } else if (!writing_ && pending_.size() * 2 >= size_) {
      write_locked(lock);
    }
  }

  // Returns when every outcome submitted is durable (or failed to be).
  void flush() {
    std::unique_lock lock(mu_);
    flush_locked(lock);
  }

  // The first attempt that could not be recorded, if any.
  Status first_error() {
    std::lock_guard lock(mu_);
    return first_error_;
  }

 private:
  void flush_locked(std::unique_lock<std::mutex>& lock) {
    while (writing_ || !pending_.empty()) {
      if (!writing_) {
        write_locked(lock);
        continue;
      }
      cv_.wait(lock);
    }
  }

  void write_locked(std::unique_lock<std::mutex>& lock) {
    writing_ = true;
    std::vector<std::pair<int64_t, DeliveryOutcomeRecord>> batch;
    batch.swap(pending_);
    lock.unlock();
    auto written = store_.record_delivery_attempts(batch);
    lock.lock();
    store_failed_ = store_failed_ || !written.ok();
    if (first_error_.ok()) {
      if (!written.ok()) {
        first_error_ = written.status();
      } else {  // one delivery's own trouble (gone meanwhile): the others are recorded
        for (const Status& st : *written) {
          if (!st.ok()) {
            first_error_ = st;
            break;
          }
        }
      }
    }
    used_ -= batch.size();
    writing_ = false;
    cv_.notify_all();
  }

  Store& store_;
  const size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<int64_t, DeliveryOutcomeRecord>> pending_;
  size_t used_ = 0;  // sending, pending or being written
  bool writing_ = false;
  Status first_error_;
  bool store_failed_ = false;  // a transaction failed: its outcomes are not recorded
};

DeliveryEngine::DeliveryEngine(Store& store, const Clock& clock, EngineConfig config)
    : store_(store), clock_(clock), config_(config) {}

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

DeliveryOutcomeRecord DeliveryEngine::outcome_record(const Delivery& d, const SendOutcome& o) const {
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
  return r;
}

Status DeliveryEngine::send_round(const std::vector<Delivery>& due, RunStats& stats) {
  const int in_flight = std::max(1, config_.in_flight);
  AttemptWindow window(store_, static_cast<size_t>(in_flight));
  std::atomic<size_t> next{0};
  std::atomic<int64_t> delivered{0}, failed{0};
  auto work = [&] {
    for (;;) {
      if (!window.acquire()) break;
      const size_t i = next++;
      if (i >= due.size()) {
        window.release();
        break;
      }
      const Delivery& d = due[i];
      auto channel = channels_.find(d.channel);
      SendOutcome o;
      if (channel == channels_.end()) {
        o.error = "no channel '" + d.channel + "' in this server";
      } else {
        o = channel->second->send(d);
      }
      (o.kind == SendOutcome::Kind::kDelivered ? delivered : failed)++;
      window.submit(d.id, outcome_record(d, o));
    }
    window.flush();
  };
  const int senders = std::min(std::max(1, config_.senders), in_flight);
  const size_t threads = std::min<size_t>(static_cast<size_t>(senders), due.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  stats.attempts += static_cast<int64_t>(due.size());
  stats.delivered += delivered;
  stats.failed += failed;
  return window.first_error();
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
