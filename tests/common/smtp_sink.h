// A real SMTP server for tests: tests/tools/smtp_sink.py (Debian's
// python3-aiosmtpd) started on a free loopback port, keeping every message.
// The constructor fails the test (throws) when the sink cannot start, e.g.
// python3-aiosmtpd is missing.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_files.h"

namespace leadloop::testing {

struct SinkOptions {
  std::vector<std::string> fail4;  // recipients answered 451
  std::vector<std::string> fail5;  // recipients answered 550
  std::string user;                // with password: AUTH required
  std::string password;
  int fail4_times = 0;             // > 0: the fail4 recipients' first n RCPTs only get 451
  // PEM files: STARTTLS offered with this certificate (require_tls: and
  // nothing accepted before it). Each message records "tls": true|false.
  std::string tls_cert;
  std::string tls_key;
  bool require_tls = false;
  bool pipelining = false;    // PIPELINING offered in the EHLO reply (RFC 2920)
  double idle_timeout_s = 0;  // > 0: a connection idle this long is closed
};

class SmtpSink {
 public:
  explicit SmtpSink(SinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // The messages kept so far ({"type": "message", ...} records).
  std::vector<nlohmann::json> messages() const;
  // How many sessions said EHLO or HELO (connections made).
  int sessions() const;
  // Waits (up to 10 s) until at least n messages are kept.
  std::vector<nlohmann::json> wait_for(size_t n) const;

 private:
  std::vector<nlohmann::json> records() const;
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace leadloop::testing
