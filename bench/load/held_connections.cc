#include "held_connections.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "stats.h"

namespace leadloop::bench {

namespace {

// What a slow client trickles: a request that never reaches its blank line.
constexpr std::string_view kSlowHeader =
    "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

enum class State { kClosed, kConnecting, kOpen };

struct Slot {
  int fd = -1;
  State state = State::kClosed;
  bool ever_open = false;
  size_t sent = 0;
  Clock::time_point due{};  // kClosed: when to (re)open; kOpen: next slow byte
};

// The loop's own state: everything here lives on the loop thread.
class Loop {
 public:
  Loop(const Endpoint& server, const HoldOptions& options, HoldCounters& counters)
      : server_(server),
        options_(options),
        counters_(counters),
        slots_(static_cast<size_t>(options.count)),
        epoll_(epoll_create1(EPOLL_CLOEXEC)),
        dice_(7) {}
  ~Loop() {
    for (Slot& s : slots_) close_slot(s);
    close(epoll_);
  }

  void tick() {
    epoll_event events[1024];
    const int n = epoll_wait(epoll_, events, 1024, 20);
    for (int i = 0; i < n; ++i) on_event(slots_[events[i].data.u32], events[i].events);
    const auto now = Clock::now();
    int opens = 0;
    for (Slot& s : slots_) {
      if (s.state == State::kClosed && s.due <= now && opens < options_.opens_per_tick) {
        open_slot(s, now);
        ++opens;
      } else if (s.state == State::kOpen && options_.slow && s.due <= now) {
        send_byte(s);
      }
    }
  }

 private:
  void open_slot(Slot& s, Clock::time_point now) {
    s.fd = connect_from(sources_.next(), server_);
    if (s.fd < 0) {
      ++counters_.connect_errors;
      s.due = now + options_.reopen_delay;
      return;
    }
    s.state = State::kConnecting;
    s.sent = 0;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u32 = static_cast<uint32_t>(&s - slots_.data());
    epoll_ctl(epoll_, EPOLL_CTL_ADD, s.fd, &ev);
  }

  void on_event(Slot& s, uint32_t what) {
    if (s.state == State::kConnecting) return on_connected(s);
    if (s.state == State::kOpen && (what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
      on_readable(s);
  }

  void on_connected(Slot& s) {
    if (connect_error(s.fd) != 0) {
      ++counters_.connect_errors;
      return end(s);
    }
    s.state = State::kOpen;
    ++counters_.open;
    ++counters_.connects;
    if (s.ever_open) ++counters_.reopened;
    s.ever_open = true;
    // Slow clients start at a random point of their interval, so the bytes
    // of N of them are spread over time.
    s.due =
        Clock::now() + std::chrono::milliseconds(dice_() % (options_.slow_interval.count() + 1));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = static_cast<uint32_t>(&s - slots_.data());
    epoll_ctl(epoll_, EPOLL_CTL_MOD, s.fd, &ev);
  }

  // The server answered (a refusal or a timeout notice) or hung up.
  void on_readable(Slot& s) {
    char buf[4096];
    const ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 12 && std::memcmp(buf, "HTTP/1.", 7) == 0) {
      const long status = std::strtol(buf + 9, nullptr, 10);
      if (status > 0 && status < 600) ++counters_.answered[static_cast<size_t>(status)];
    } else {
      ++counters_.closed_by_server;
    }
    --counters_.open;
    end(s);
  }

  void send_byte(Slot& s) {
    const char c = s.sent < kSlowHeader.size() ? kSlowHeader[s.sent] : 'a';
    s.due += options_.slow_interval;
    if (send(s.fd, &c, 1, MSG_NOSIGNAL) == 1) {
      ++s.sent;
      ++counters_.bytes_sent;
    }
  }

  void end(Slot& s) {
    close_slot(s);
    s.due = Clock::now() + options_.reopen_delay;
  }

  void close_slot(Slot& s) {
    if (s.fd >= 0) close(s.fd);
    s.fd = -1;
    s.state = State::kClosed;
  }

  const Endpoint& server_;
  const HoldOptions& options_;
  HoldCounters& counters_;
  std::vector<Slot> slots_;
  int epoll_;
  SourceAddresses sources_;
  std::minstd_rand dice_;
};

}  // namespace

HeldConnections::HeldConnections(Endpoint server, HoldOptions options)
    : server_(std::move(server)), options_(options) {}

HeldConnections::~HeldConnections() { stop(); }

void HeldConnections::start() {
  stopping_ = false;
  loop_ = std::thread([this] { run(); });
}

void HeldConnections::stop() {
  stopping_ = true;
  if (loop_.joinable()) loop_.join();
  counters_.open = 0;
}

void HeldConnections::run() {
  Loop loop(server_, options_, counters_);
  while (!stopping_) loop.tick();
}

std::string HeldConnections::answers() const {
  std::string out;
  for (size_t status = 0; status < counters_.answered.size(); ++status) {
    const long n = counters_.answered[status].load();
    if (n) out += (out.empty() ? "" : ", ") + std::to_string(status) + " x" + std::to_string(n);
  }
  return out.empty() ? "none" : out;
}

}  // namespace leadloop::bench
