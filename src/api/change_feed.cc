#include "api/change_feed.h"

namespace leadloop::api {

ChangeFeed::ChangeFeed(Store& store, CommitObserver& next, int max_listeners)
    : store_(store), next_(next), max_listeners_(max_listeners) {
  store_.set_commit_observer(this);
}

ChangeFeed::~ChangeFeed() { store_.set_commit_observer(&next_); }

void ChangeFeed::lead_committed(const Lead& lead, const std::vector<LeadEvent>& events) {
  next_.lead_committed(lead, events);
  changed();
}

void ChangeFeed::lead_regraded(int64_t lead_id, Grade grade, int64_t definition_version) {
  next_.lead_regraded(lead_id, grade, definition_version);
  changed();
}

void ChangeFeed::touch_committed(const Touch& touch) {
  next_.touch_committed(touch);
  changed();
}

void ChangeFeed::changed() {
  std::lock_guard lock(mu_);
  ++generation_;
  if (on_change_) on_change_();
}

void ChangeFeed::set_on_change(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  on_change_ = std::move(fn);
}

uint64_t ChangeFeed::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

ChangeFeed::Listener::~Listener() {
  std::lock_guard lock(feed_.mu_);
  --feed_.listeners_;
}

std::shared_ptr<ChangeFeed::Listener> ChangeFeed::listen() {
  std::lock_guard lock(mu_);
  if (closed_ || listeners_ >= max_listeners_) return nullptr;
  ++listeners_;
  return std::make_shared<Listener>(*this);
}

void ChangeFeed::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
}

bool ChangeFeed::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

}  // namespace leadloop::api
