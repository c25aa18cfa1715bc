// Loopback sockets for the load tools. The tools only ever connect to
// 127.0.0.0/8, and bind each client socket to one of 127.0.0.2 ... .254 first,
// so a server's per-address connection cap sees about 1/253 of them.
#pragma once

#include <cstdint>
#include <string>

namespace leadloop::bench {

// The server under load: a loopback address and a port.
struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 0;
};

// True if `host` is a dotted IPv4 address in 127.0.0.0/8.
bool is_loopback(const std::string& host);

// Raises this process's RLIMIT_NOFILE soft limit to its hard limit and
// returns the soft limit now in force.
long raise_fd_limit();

// Source addresses 127.0.0.2 ... 127.0.0.254 in turn (host byte order).
// Not thread-safe: one per thread.
class SourceAddresses {
 public:
  uint32_t next();
  static constexpr int kCount = 253;

 private:
  uint32_t last_ = 0;
};

// A non-blocking TCP socket (TCP_NODELAY) bound to `source` and connecting to
// `to`: the connect may still be in progress. -1 with errno set on failure.
int connect_from(uint32_t source, const Endpoint& to);

// The pending error of a socket whose non-blocking connect finished: 0 if it
// connected.
int connect_error(int fd);

}  // namespace leadloop::bench
