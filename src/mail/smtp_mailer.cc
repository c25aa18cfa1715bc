#include "mail/smtp_mailer.h"

#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

#include "domain/normalize.h"

namespace leadloop {

namespace {

void init_curl_once() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!ok) throw std::runtime_error("libcurl failed to initialise");
}

Status bad_url(std::string_view why) {
  return Status(ErrorCode::kInvalidValue,
                "the SMTP server must be smtp://[USER@]HOST[:PORT] or smtps://...: " + std::string(why), "smtp");
}

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

std::string_view smtp_tls_name(SmtpTls t) {
  switch (t) {
    case SmtpTls::kNone: return "none";
    case SmtpTls::kTry: return "try";
    case SmtpTls::kRequire: return "require";
  }
  return "try";
}

Result<SmtpTls> parse_smtp_tls(std::string_view name) {
  if (name == "none") return SmtpTls::kNone;
  if (name == "try") return SmtpTls::kTry;
  if (name == "require") return SmtpTls::kRequire;
  return Status(ErrorCode::kInvalidValue, "TLS must be none, try or require", "tls");
}

std::string_view send_result_name(SendResult r) {
  switch (r) {
    case SendResult::kDelivered: return "delivered";
    case SendResult::kTransient: return "transient";
    case SendResult::kPermanent: return "permanent";
  }
  return "transient";
}

std::string SmtpConfig::redacted_url() const {
  if (user.empty()) return url;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  return url.substr(0, scheme_end + 3) + user + "@" + url.substr(scheme_end + 3);
}

Result<SmtpConfig> parse_smtp_url(std::string_view text) {
  init_curl_once();
  if (text.empty()) return bad_url("none given");
  if (text.find_first_of(std::string_view("\r\n\0 ", 4)) != std::string_view::npos) return bad_url("spaces or line breaks");
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (curl_url_set(u.get(), CURLUPART_URL, std::string(text).c_str(), 0) != CURLUE_OK) return bad_url("not a URL");
  const std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
  if (scheme != "smtp" && scheme != "smtps") return bad_url("the scheme is " + scheme);
  const std::string host = url_part(u.get(), CURLUPART_HOST);
  if (host.empty()) return bad_url("no host");
  const std::string path = url_part(u.get(), CURLUPART_PATH);
  if (!path.empty() && path != "/") return bad_url("a path is not used");
  SmtpConfig c;
  c.user = url_part(u.get(), CURLUPART_USER, CURLU_URLDECODE);
  c.password = url_part(u.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
  const std::string port = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  c.url = scheme + "://" + host + ":" + port;
  return c;
}

Result<MailAddress> parse_mail_address(std::string_view text) {
  MailAddress a;
  std::string_view t = trim(text);
  const size_t open = t.rfind('<');
  if (open != std::string_view::npos && !t.empty() && t.back() == '>') {
    a.email = std::string(trim(t.substr(open + 1, t.size() - open - 2)));
    std::string_view name = trim(t.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    a.name = std::string(name);
  } else {
    a.email = std::string(t);
  }
  MailMessage probe;
  probe.from = a;
  probe.to = a;
  Status s = validate_message(probe);
  if (!s.ok()) return Status(ErrorCode::kInvalidValue, "'" + std::string(text) + "' is not a sender address", "from");
  return a;
}

TokenBucket::TokenBucket(double rate, double burst)
    : rate_(rate), burst_(std::max(1.0, burst)), tokens_(burst_), last_(std::chrono::steady_clock::now()) {}

std::chrono::nanoseconds TokenBucket::reserve(std::chrono::steady_clock::time_point now) {
  if (rate_ <= 0) return std::chrono::nanoseconds(0);
  std::lock_guard<std::mutex> lock(mu_);
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<int64_t>(-tokens_ / rate_ * 1e9));
}

void TokenBucket::take() {
  const auto wait = reserve(std::chrono::steady_clock::now());
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
}

std::shared_ptr<TokenBucket> sender_bucket(const std::string& sender, double rate) {
  static std::mutex mu;
  static std::map<std::string, std::pair<double, std::shared_ptr<TokenBucket>>> buckets;
  std::lock_guard<std::mutex> lock(mu);
  auto& entry = buckets[sender];
  if (!entry.second || entry.first != rate) entry = {rate, std::make_shared<TokenBucket>(rate)};
  return entry.second;
}

SmtpMailer::SmtpMailer(SmtpConfig config, const Clock& clock, std::shared_ptr<TokenBucket> bucket)
    : config_(std::move(config)), clock_(clock), bucket_(std::move(bucket)) {
  init_curl_once();
  if (!config_.from.empty()) {
    auto from = parse_mail_address(config_.from);
    if (from.ok()) from_ = *from;
  }
  if (!bucket_) bucket_ = sender_bucket(email_key(from_.email), config_.rate);
}

SmtpMailer::~SmtpMailer() { disconnect(true); }

void SmtpMailer::disconnect(bool quit) {
  // libcurl says no QUIT on a connection it only set up: a live connection
  // (always in step between transactions) gets ours, briefly.
  if (quit && curl_ != nullptr && in_.empty()) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    if (write_all("QUIT\r\n", deadline)) (void)read_reply(deadline);
  }
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
  curl_ = nullptr;
  socket_ = -1;
  in_.clear();
}

namespace {

// What the server said during the set-up (the debug callback sees each
// line curl writes and reads, after TLS): whether the reply to the last
// EHLO (after STARTTLS, the only one that counts: RFC 3207 4.2) offered
// PIPELINING.
int setup_reply(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  bool& pipelining = *static_cast<bool*>(user);
  std::string_view line(data, size);
  if (type == CURLINFO_HEADER_OUT && (line.starts_with("EHLO") || line.starts_with("ehlo"))) pipelining = false;
  if (type != CURLINFO_HEADER_IN || !(line.starts_with("250-") || line.starts_with("250 "))) return 0;
  line.remove_prefix(4);
  line = line.substr(0, line.find_first_of(" \r\n"));
  std::string word(line);
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (word == "PIPELINING") pipelining = true;
  return 0;
}

}  // namespace

std::optional<SendOutcome> SmtpMailer::connect(std::chrono::steady_clock::time_point deadline) {
  disconnect();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) throw std::runtime_error("curl_easy_init failed");
  curl_ = curl;
  pipelining_ = false;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, config_.connect_timeout_ms);
  // What is left of the send's time.
  const long left = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, std::max(1L, std::min(left, config_.timeout_ms)));
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   config_.tls == SmtpTls::kRequire ? static_cast<long>(CURLUSESSL_ALL)
                   : config_.tls == SmtpTls::kTry   ? static_cast<long>(CURLUSESSL_TRY)
                                                    : static_cast<long>(CURLUSESSL_NONE));
  if (!config_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
  if (!config_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
  }
  // The connection, TLS or STARTTLS, EHLO and AUTH: curl's; the mail
  // transactions over it: ours (send()).
  curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, setup_reply);
  curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &pipelining_);
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 0L);
  curl_socket_t sock = CURL_SOCKET_BAD;
  if (rc == CURLE_OK && curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &sock) == CURLE_OK &&
      sock != CURL_SOCKET_BAD) {
    socket_ = static_cast<int>(sock);
    return std::nullopt;
  }
  // No connection, no TLS where it is required, a refused login: the
  // setup's fault, never the recipient's.
  SendOutcome out;
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  out.smtp_code = static_cast<int>(code);
  out.result = SendResult::kTransient;
  out.detail = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(rc));
  disconnect();
  return out;
}

bool SmtpMailer::wait_socket(bool for_write, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{socket_, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
}

bool SmtpMailer::write_all(std::string_view data, std::chrono::steady_clock::time_point deadline) {
  CURL* curl = static_cast<CURL*>(curl_);
  while (!data.empty()) {
    size_t sent = 0;
    const CURLcode rc = curl_easy_send(curl, data.data(), data.size(), &sent);
    if (rc == CURLE_AGAIN) {
      if (!wait_socket(true, deadline)) return false;
      continue;
    }
    if (rc != CURLE_OK) {
      dead_ = true;
      return false;
    }
    data.remove_prefix(sent);
  }
  return true;
}

SmtpMailer::Reply SmtpMailer::read_reply(std::chrono::steady_clock::time_point deadline) {
  CURL* curl = static_cast<CURL*>(curl_);
  Reply reply;
  size_t from = 0;  // where the next line starts in in_
  for (;;) {
    const size_t eol = in_.find("\r\n", from);
    if (eol != std::string::npos) {
      const std::string_view line(in_.data() + from, eol - from);
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
          !std::isdigit(static_cast<unsigned char>(line[1])) || !std::isdigit(static_cast<unsigned char>(line[2]))) {
        reply.code = 0;
        reply.text = "the server's reply is not SMTP: " + std::string(line.substr(0, 80));
        in_.clear();
        return reply;
      }
      if (!reply.text.empty()) reply.text += ' ';
      reply.text += std::string(line.substr(0, 200));
      from = eol + 2;
      if (line.size() == 3 || line[3] != '-') {  // the last line of the reply
        reply.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        in_.erase(0, from);
        return reply;
      }
      continue;
    }
    if (in_.size() - from > 64 * 1024) {
      reply.text = "the server's reply is too long";
      in_.clear();
      return reply;
    }
    // Room for a whole TLS record (16 KB): what OpenSSL has decrypted is
    // read at once, never left behind a socket that poll() sees as idle.
    char buffer[16384];
    size_t n = 0;
    const CURLcode rc = curl_easy_recv(curl, buffer, sizeof buffer, &n);
    if (rc == CURLE_AGAIN) {
      if (!wait_socket(false, deadline)) {
        reply.text = "no reply from the server in time";
        return reply;
      }
      continue;
    }
    if (rc != CURLE_OK || n == 0) {
      dead_ = true;
      reply.text = rc != CURLE_OK ? std::string("reading the reply: ") + curl_easy_strerror(rc)
                                  : std::string("the server closed the connection");
      return reply;
    }
    in_.append(buffer, n);
  }
}

std::string dot_stuffed(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 64);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

SendOutcome SmtpMailer::send(MailMessage m) {
  SendOutcome out;
  if (m.from.email.empty()) m.from = from_;
  out.message_id = make_message_id(m);
  auto bytes = build_mime(m, clock_.now(), out.message_id);
  if (!bytes.ok()) {
    out.result = SendResult::kPermanent;
    out.detail = "not sent: " + bytes.status().message();
    return out;
  }
  bucket_->take();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.timeout_ms);
  const std::array<std::string, 3> envelope = {"MAIL FROM:<" + m.from.email + ">\r\n",
                                               "RCPT TO:<" + m.to.email + ">\r\n", "DATA\r\n"};
  const std::string data = dot_stuffed(*bytes);
  // A reused connection the server has closed meanwhile (an idle timeout,
  // a 421 before our commands): connect again once, before anything of
  // this message is sent.
  for (int round = 0; round < 2; ++round) {
    if (curl_ != nullptr) {
      // Between transactions the server has nothing to say: what can be
      // read is a 421 or the end of the connection (or, under TLS, a
      // record that carries no data).
      pollfd p{socket_, POLLIN, 0};
      if (!in_.empty()) {
        disconnect();
      } else if (::poll(&p, 1, 0) > 0) {
        char stray[512];
        size_t n = 0;
        if (curl_easy_recv(static_cast<CURL*>(curl_), stray, sizeof stray, &n) != CURLE_AGAIN) disconnect();
      }
    }
    const bool reused = curl_ != nullptr;
    if (!reused) {
      if (std::optional<SendOutcome> failed = connect(deadline)) {
        failed->message_id = out.message_id;
        return *failed;
      }
    }
    bool stale = false;
    out = transaction(envelope, data, deadline, std::move(out.message_id), stale);
    // A reused connection that broke (or said 421) before the message
    // itself went: it had died meanwhile. Once more on a new one, in time.
    if (!reused || !stale || round == 1 || std::chrono::steady_clock::now() >= deadline) return out;
  }
  return out;
}

SendOutcome SmtpMailer::transaction(const std::array<std::string, 3>& envelope, const std::string& data,
                                   std::chrono::steady_clock::time_point deadline, std::string message_id,
                                   bool& stale) {
  SendOutcome out;
  dead_ = false;
  out.message_id = std::move(message_id);
  auto fail = [&](SendResult r, int code, std::string detail) {
    out.result = r;
    out.smtp_code = code;
    out.detail = std::move(detail);
    return out;
  };
  auto broken = [&](int code, const std::string& detail) {
    stale = dead_ && code == 0;  // nothing of the message was sent
    disconnect();  // the conversation is out of step: a new connection for the next message
    return fail(SendResult::kTransient, code, detail);
  };
  // MAIL, RCPT and DATA in one write when the server pipelines (RFC 2920),
  // else one at a time.
  Reply replies[3];
  int answered = 0;
  if (pipelining_) {
    if (!write_all(envelope[0] + envelope[1] + envelope[2], deadline)) return broken(0, "could not send the envelope");
    for (; answered < 3; ++answered) {
      replies[answered] = read_reply(deadline);
      if (replies[answered].code == 0) return broken(0, replies[answered].text);
    }
  } else {
    for (; answered < 3; ++answered) {
      if (!write_all(envelope[answered], deadline)) return broken(0, "could not send the envelope");
      replies[answered] = read_reply(deadline);
      if (replies[answered].code == 0) return broken(0, replies[answered].text);
      if (replies[answered].code / 100 != (answered == 2 ? 3 : 2)) {
        ++answered;
        break;
      }
    }
  }
  const Reply& mail = replies[0];
  const Reply& rcpt = replies[1];
  const Reply& go = replies[2];
  const bool accepted = mail.code / 100 == 2 && rcpt.code / 100 == 2 && answered == 3 && go.code == 354;
  if (!accepted) {
    // End the transaction: a DATA the server took despite the failures
    // gets an empty message that it must refuse, then RSET.
    if (answered == 3 && go.code == 354) {
      if (!write_all(".\r\n", deadline) || read_reply(deadline).code == 0) return broken(0, "ending the transaction");
    }
    if (!write_all("RSET\r\n", deadline) || read_reply(deadline).code == 0) disconnect();
    if (mail.code == 421 || rcpt.code == 421 || go.code == 421) disconnect();
    if (mail.code / 100 != 2) {
      // The sender or the setup (no AUTH): transient whatever the class.
      stale = mail.code == 421;
      return fail(SendResult::kTransient, mail.code, "MAIL failed: " + mail.text);
    }
    if (rcpt.code / 100 != 2) {
      return fail(rcpt.code / 100 == 5 ? SendResult::kPermanent : SendResult::kTransient, rcpt.code,
                  "RCPT failed: " + rcpt.text);
    }
    // Refused before the message, with the recipient accepted: not the
    // address's fault (a policy, the server's state): transient.
    return fail(SendResult::kTransient, go.code, "DATA failed: " + go.text);
  }
  if (!write_all(data, deadline)) return broken(354, "could not send the message");
  const Reply done = read_reply(deadline);
  if (done.code == 0) return broken(354, done.text);  // sent, perhaps taken: a retry may repeat it
  if (done.code == 421) disconnect();
  if (done.code / 100 == 2) return fail(SendResult::kDelivered, done.code, "accepted");
  return fail(done.code / 100 == 5 ? SendResult::kPermanent : SendResult::kTransient, done.code,
              "the message was refused: " + done.text);
}

}  // namespace leadloop
