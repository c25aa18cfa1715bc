#include "mail/smtp_mailer.h"

#include <curl/curl.h>

#include <algorithm>
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

struct Upload {
  const std::string* data;
  size_t at = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, up->data->size() - up->at);
  std::memcpy(buffer, up->data->data() + up->at, n);
  up->at += n;
  return n;
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
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

SmtpMailer::~SmtpMailer() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

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

  CURL* curl = static_cast<CURL*>(curl_);
  char error[CURL_ERROR_SIZE] = {0};
  Upload upload{&*bytes};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to.email + ">").c_str());
  const std::string mail_from = "<" + m.from.email + ">";
  curl_easy_setopt(curl, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, config_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, config_.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   config_.tls == SmtpTls::kRequire ? static_cast<long>(CURLUSESSL_ALL)
                   : config_.tls == SmtpTls::kTry   ? static_cast<long>(CURLUSESSL_TRY)
                                                    : static_cast<long>(CURLUSESSL_NONE));
  if (!config_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
  if (!config_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  // The handle keeps pointers to these; clear them before they go.
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_READDATA, nullptr);
  curl_slist_free_all(rcpt);

  out.smtp_code = static_cast<int>(code);
  if (rc == CURLE_OK) {
    out.result = SendResult::kDelivered;
    out.detail = "accepted";
    return out;
  }
  out.detail = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(rc));
  const bool sender_fault = rc == CURLE_LOGIN_DENIED || out.detail.rfind("MAIL failed", 0) == 0;
  out.result = code >= 500 && code < 600 && !sender_fault ? SendResult::kPermanent : SendResult::kTransient;
  return out;
}

}  // namespace leadloop
