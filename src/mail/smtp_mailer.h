// SmtpMailer sends MailMessages to one SMTP server and says what became of
// each: delivered, transient (try again later) or permanent (the server
// refused this address for good). libcurl sets up the connection (TCP, TLS
// or STARTTLS with the certificate verified, EHLO, AUTH:
// CURLOPT_CONNECT_ONLY); the mailer speaks each mail transaction over it
// itself (curl_easy_send/recv), pipelined (RFC 2920: MAIL, RCPT and DATA
// in one write) when the server offers PIPELINING, which libcurl's own
// SMTP transfer does not do (four round trips per message). One mailer
// owns one connection, reused from one send to the next: keep one mailer
// per worker thread. A SmtpMailer is NOT thread-safe; the
// TokenBucket that paces a sender may be shared by many mailers.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.h"
#include "domain/status.h"
#include "mail/message.h"

namespace leadloop {

enum class SmtpTls { kNone, kTry, kRequire };  // STARTTLS on smtp://; smtps:// is always TLS

std::string_view smtp_tls_name(SmtpTls t);
Result<SmtpTls> parse_smtp_tls(std::string_view name);  // "none", "try", "require"

struct SmtpConfig {
  std::string url;       // smtp://HOST:PORT or smtps://HOST:PORT, without user or password
  std::string user;      // from the URL's user part; empty: no AUTH
  std::string password;  // never logged or written back
  std::string from;      // the sender: "a@b" or "Name <a@b>"
  SmtpTls tls = SmtpTls::kTry;
  // A PEM file of the certificate authorities that may sign the server's
  // certificate (a relay with an in-house CA); "": the system's store.
  // The certificate and its host name are always verified.
  std::string ca_file;
  double rate = 0;       // messages per second per sender; 0: no limit
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;  // a whole send
  // The URL to show people and logs: the user, never the password.
  std::string redacted_url() const;
};

// Reads smtp[s]://[USER[:PASSWORD]@]HOST[:PORT] into a config (password
// from the URL if it holds one). kInvalidValue (field "smtp") otherwise.
Result<SmtpConfig> parse_smtp_url(std::string_view url);

// Parses "a@b" or "Name <a@b>". kInvalidValue (field "from") otherwise.
Result<MailAddress> parse_mail_address(std::string_view text);

// A token bucket of `rate` tokens per second holding at most `burst`:
// take() waits (steady clock) until a token is there. rate <= 0: never
// waits. Thread-safe: the workers sending for one sender share one.
class TokenBucket {
 public:
  explicit TokenBucket(double rate, double burst = 1);
  // How long the caller must wait for a token taken at `now`; the token
  // is taken (the bucket may go negative: callers queue in order).
  std::chrono::nanoseconds reserve(std::chrono::steady_clock::time_point now);
  void take();  // reserve() and sleep

 private:
  std::mutex mu_;
  double rate_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

// The process's bucket for one sender address at `rate` (made on first
// use): mailers for the same sender share it, so the rate holds across
// worker threads. A later call with another rate gets a new bucket.
std::shared_ptr<TokenBucket> sender_bucket(const std::string& sender, double rate);

enum class SendResult { kDelivered, kTransient, kPermanent };
std::string_view send_result_name(SendResult r);  // "delivered", "transient", "permanent"

struct SendOutcome {
  SendResult result = SendResult::kTransient;
  int smtp_code = 0;        // the server's last reply code; 0: none (no connection)
  std::string detail;       // what curl or the server said
  std::string message_id;   // the Message-ID sent
};

class SmtpMailer {
 public:
  // `bucket` paces this sender; null: sender_bucket(config's sender,
  // config.rate), shared with every mailer for that sender. `clock` dates
  // the messages.
  SmtpMailer(SmtpConfig config, const Clock& clock, std::shared_ptr<TokenBucket> bucket = nullptr);
  ~SmtpMailer();
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  // Sends one message (from: the message's, or the config's when empty).
  // A message that cannot be built (header injection, bad address) is
  // permanent with smtp_code 0 and is never sent. 2xx: delivered; 4xx, no
  // connection, a timeout, a refused login, a 5xx before RCPT or to the
  // DATA command (the sender's, the setup's or the server's fault):
  // transient; 5xx at RCPT or after the data: permanent.
  SendOutcome send(MailMessage m);

  const SmtpConfig& config() const { return config_; }

 private:
  struct Reply {
    int code = 0;  // 0: none (the connection broke, a timeout, not SMTP)
    std::string text;
  };
  // Connects; the failure (transient), or nothing when connected.
  std::optional<SendOutcome> connect(std::chrono::steady_clock::time_point deadline);
  void disconnect(bool quit = false);  // quit: say QUIT first (the conversation is in step)
  // `stale`: the connection had died before any of the message was sent.
  // `envelope`: the MAIL, RCPT and DATA commands, each with its CRLF.
  SendOutcome transaction(const std::array<std::string, 3>& envelope, const std::string& data,
                          std::chrono::steady_clock::time_point deadline, std::string message_id, bool& stale);
  bool wait_socket(bool for_write, std::chrono::steady_clock::time_point deadline);
  bool write_all(std::string_view data, std::chrono::steady_clock::time_point deadline);
  Reply read_reply(std::chrono::steady_clock::time_point deadline);

  SmtpConfig config_;
  MailAddress from_;
  const Clock& clock_;
  std::shared_ptr<TokenBucket> bucket_;
  void* curl_ = nullptr;  // CURL*, connected; null: not connected
  int socket_ = -1;       // its socket
  bool pipelining_ = false;  // the server's EHLO offered PIPELINING
  bool dead_ = false;        // this transaction found the connection broken (not a timeout)
  std::string in_;           // reply bytes read and not yet used
};

// The message as DATA carries it: a dot doubled at the start of a line,
// CRLF at the end, then the lone dot (RFC 5321 4.5.2).
std::string dot_stuffed(std::string_view message);

}  // namespace leadloop
