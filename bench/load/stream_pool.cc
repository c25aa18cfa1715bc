#include "stream_pool.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "sse_reader.h"

namespace leadloop::bench {

namespace {

enum class State { kWaiting, kConnecting, kReading, kDone };

struct Slot {
  int fd = -1;
  State state = State::kWaiting;
  bool ready = false;
  SseReader reader;
  Clock::time_point due{};
};

class Loop {
 public:
  Loop(const Endpoint& server, const StreamOptions& options, StreamCounters& counters,
       std::vector<StreamRecord>& records)
      : server_(server),
        options_(options),
        counters_(counters),
        records_(records),
        slots_(static_cast<size_t>(options.count)),
        epoll_(epoll_create1(EPOLL_CLOEXEC)),
        request_("GET /api/v1/stream HTTP/1.1\r\nHost: " + server.host +
                 "\r\nAuthorization: Bearer " + options.token +
                 "\r\nAccept: text/event-stream\r\n\r\n") {}
  ~Loop() {
    for (Slot& s : slots_) {
      if (s.fd >= 0) close(s.fd);
    }
    close(epoll_);
  }

  void tick() {
    epoll_event events[1024];
    const int n = epoll_wait(epoll_, events, 1024, 10);
    for (int i = 0; i < n; ++i) on_event(events[i].data.u32);
    const auto now = Clock::now();
    int opens = 0;
    for (Slot& s : slots_) {
      if (s.state == State::kWaiting && s.due <= now && opens++ < options_.opens_per_tick)
        open_slot(s, now);
      else if ((s.state == State::kConnecting || s.state == State::kReading) && !s.ready &&
               s.due <= now)
        fail(s);
    }
  }

 private:
  uint32_t index(const Slot& s) const { return static_cast<uint32_t>(&s - slots_.data()); }

  void open_slot(Slot& s, Clock::time_point now) {
    s.reader = SseReader();
    s.due = now + options_.ready_timeout;
    s.fd = connect_from(sources_.next(), server_);
    if (s.fd < 0) return fail(s);
    s.state = State::kConnecting;
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = index(s);
    epoll_ctl(epoll_, EPOLL_CTL_ADD, s.fd, &ev);
  }

  void on_event(uint32_t i) {
    Slot& s = slots_[i];
    if (s.state == State::kConnecting) return on_connected(s);
    if (s.state == State::kReading) on_readable(s, i);
  }

  void on_connected(Slot& s) {
    if (connect_error(s.fd) != 0 || send(s.fd, request_.data(), request_.size(), MSG_NOSIGNAL) !=
                                        static_cast<ssize_t>(request_.size())) {
      return fail(s);
    }
    s.state = State::kReading;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = index(s);
    epoll_ctl(epoll_, EPOLL_CTL_MOD, s.fd, &ev);
  }

  void on_readable(Slot& s, uint32_t i) {
    char buf[16384];
    const ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    const auto at = Clock::now();
    if (n <= 0) return on_end(s, i, at);
    for (const std::string& event : s.reader.feed(std::string_view(buf, static_cast<size_t>(n)))) {
      on_message(s, records_[i], event, at);
    }
    const int status = s.reader.status();
    if (status != 0 && status != 200) {
      ++(status > 0 && status < 600 ? counters_.refused[static_cast<size_t>(status)]
                                    : counters_.failed);
      return end(s);
    }
    if (s.reader.finished()) on_end(s, i, at);
  }

  void on_message(Slot& s, StreamRecord& record, const std::string& event, Clock::time_point at) {
    if (event == "ready" && !s.ready) {
      s.ready = true;
      ++counters_.ready;
      ++counters_.readies;
      if (record.ready_at == Clock::time_point{}) record.ready_at = at;
    } else if (event == "change" && s.ready) {
      ++counters_.changes;
      if (options_.keep_times) record.changes.push_back(at);
    }
  }

  void on_end(Slot& s, uint32_t i, Clock::time_point at) {
    if (s.ready) {
      ++counters_.ended_by_server;
      if (records_[i].ended_at == Clock::time_point{}) records_[i].ended_at = at;
    } else {
      ++counters_.failed;
    }
    end(s);
  }

  void fail(Slot& s) {
    ++counters_.failed;
    end(s);
  }

  void end(Slot& s) {
    if (s.fd >= 0) close(s.fd);
    s.fd = -1;
    if (s.ready) --counters_.ready;
    s.state = options_.reopen ? State::kWaiting : State::kDone;
    s.due = Clock::now() + (s.ready ? options_.reconnect_delay : options_.retry_delay);
    s.ready = false;
  }

  const Endpoint& server_;
  const StreamOptions& options_;
  StreamCounters& counters_;
  std::vector<StreamRecord>& records_;
  std::vector<Slot> slots_;
  int epoll_;
  const std::string request_;
  SourceAddresses sources_;
};

}  // namespace

StreamPool::StreamPool(Endpoint server, StreamOptions options)
    : server_(std::move(server)),
      options_(std::move(options)),
      records_(static_cast<size_t>(options_.count)) {}

StreamPool::~StreamPool() { stop(); }

void StreamPool::start() {
  stopping_ = false;
  loop_ = std::thread([this] {
    Loop loop(server_, options_, counters_, records_);
    while (!stopping_) loop.tick();
  });
}

void StreamPool::stop() {
  stopping_ = true;
  if (loop_.joinable()) loop_.join();
  counters_.ready = 0;
}

std::string StreamPool::refusals() const {
  std::string out;
  for (size_t status = 0; status < counters_.refused.size(); ++status) {
    const long n = counters_.refused[status].load();
    if (n) out += (out.empty() ? "" : ", ") + std::to_string(status) + " x" + std::to_string(n);
  }
  return out.empty() ? "none" : out;
}

}  // namespace leadloop::bench
