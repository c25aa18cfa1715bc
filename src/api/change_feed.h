// ChangeFeed tells listeners that the leads changed. It stands between
// the store and the lead projection as the store's one commit observer:
// every commit, re-grade and touch goes on to the projection first, then
// counts as one more change, so a reader woken by it reads the new figures.
// Thread-safe. The live stream (GET /api/v1/stream) listens to it: the
// server's event loop is told of each change by on_change.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "store/store.h"

namespace leadloop::api {

class ChangeFeed final : public CommitObserver {
 public:
  // Installs itself as `store`'s observer in front of `next`; the destructor
  // puts `next` back. At most `max_listeners` listen at once.
  // REQUIRES: `next` is the store's observer now; no commit runs meanwhile.
  ChangeFeed(Store& store, CommitObserver& next, int max_listeners);
  ~ChangeFeed() override;
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  void lead_committed(const Lead& lead, const std::vector<LeadEvent>& events) override;
  void lead_regraded(int64_t lead_id, Grade grade, int64_t definition_version) override;
  void touch_committed(const Touch& touch) override;

  // How many changes there have been.
  uint64_t generation() const;

  // A listener's place, held while it listens; freed when destroyed.
  class Listener {
   public:
    explicit Listener(ChangeFeed& feed) : feed_(feed) {}
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

   private:
    ChangeFeed& feed_;
  };
  // A place, or nullptr when max_listeners already listen.
  std::shared_ptr<Listener> listen();

  // Called after every change, on the committing thread: must be quick and
  // must not block (the server posts a wake to its loop). Empty: none.
  void set_on_change(std::function<void()> fn);

  // For good: the server is stopping; no new listener is admitted.
  void close();
  bool closed() const;

 private:
  void changed();

  Store& store_;
  CommitObserver& next_;
  const int max_listeners_;
  mutable std::mutex mu_;
  uint64_t generation_ = 0;  // guarded by mu_
  int listeners_ = 0;        // guarded by mu_
  bool closed_ = false;      // guarded by mu_
  std::function<void()> on_change_;  // guarded by mu_
};

}  // namespace leadloop::api
