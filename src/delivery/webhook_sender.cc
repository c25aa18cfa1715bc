#include "delivery/webhook_sender.h"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "delivery/schedule.h"
#include "delivery/signature.h"
#include "delivery/ssrf.h"

namespace leadloop::delivery {

namespace {

struct Answer {
  std::string retry_after;
  size_t body_bytes = 0;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  const size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(line[i])) != kName[i]) match = false;
    }
    if (match) {
      std::string value(line.substr(kName.size()));
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
      static_cast<Answer*>(user)->retry_after = value;
    }
  }
  return n;
}

// The receiver's body is not kept; reading stops after 64 KiB.
size_t on_body(char*, size_t size, size_t count, void* user) {
  auto* a = static_cast<Answer*>(user);
  a->body_bytes += size * count;
  return a->body_bytes > (64u << 10) ? 0 : size * count;
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

WebhookSender::WebhookSender(Store& store, const Clock& clock, WebhookConfig config)
    : store_(store), clock_(clock), config_(config) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

SendOutcome WebhookSender::send(const Delivery& d) {
  SendOutcome out;
  const auto started = std::chrono::steady_clock::now();
  auto finish = [&](SendOutcome o) {
    o.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    return o;
  };
  auto endpoint = store_.get_webhook_endpoint(d.endpoint_id);
  if (!endpoint.ok())
    return finish({SendOutcome::Kind::kRetry, std::nullopt, 0, endpoint.status().message()});
  if (!endpoint->enabled) {
    // Disabled while this delivery waited its turn (a 410 to another one):
    // not sent; cancelled with the others, the first reason kept.
    return finish(
        {SendOutcome::Kind::kGone, std::nullopt, 0, "not sent: the endpoint is disabled"});
  }
  auto target = resolve_target(endpoint->url, endpoint->allow_private || config_.allow_private);
  if (!target.ok())
    return finish({SendOutcome::Kind::kRetry, std::nullopt, 0, target.status().message()});

  const TimePoint now = clock_.now();
  std::vector<std::string> secrets = {endpoint->secret};
  if (!endpoint->previous_secret.empty() && endpoint->previous_secret_expires_at &&
      *endpoint->previous_secret_expires_at > now) {
    secrets.push_back(endpoint->previous_secret);
  }
  const int64_t timestamp = now / 1000;
  auto signature = signature_header(secrets, d.webhook_id, timestamp, d.payload);
  if (!signature.ok())
    return finish({SendOutcome::Kind::kRetry, std::nullopt, 0, signature.status().message()});

  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return finish({SendOutcome::Kind::kRetry, std::nullopt, 0, "libcurl failed to start"});
  std::unique_ptr<curl_slist, ListDeleter> headers;
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  add_header("Content-Type: application/json");
  add_header("User-Agent: Leadloop-Webhooks/1");
  add_header("webhook-id: " + d.webhook_id);
  add_header("webhook-timestamp: " + std::to_string(timestamp));
  add_header("webhook-signature: " + *signature);
  add_header("Expect:");
  std::unique_ptr<curl_slist, ListDeleter> pin;
  if (!target->literal) {
    const std::string address = target->address.find(':') != std::string::npos
                                    ? "[" + target->address + "]"
                                    : target->address;
    pin.reset(curl_slist_append(
        nullptr, (target->host + ":" + std::to_string(target->port) + ":" + address).c_str()));
  }
  Answer answer;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, endpoint->url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, d.payload.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(d.payload.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (pin) curl_easy_setopt(c, CURLOPT_RESOLVE, pin.get());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, config_.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, config_.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &answer);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && status >= 200)) {
    out.kind = SendOutcome::Kind::kRetry;
    out.error = curl_easy_strerror(rc);
    return finish(out);
  }
  if (status >= 200 && status < 300) {
    out.kind = SendOutcome::Kind::kDelivered;
  } else if (status == 410) {
    out.kind = SendOutcome::Kind::kGone;
    out.error = "410 Gone: the receiver asked to stop";
  } else if (status == 429 || status == 502 || status == 504) {
    out.kind = SendOutcome::Kind::kThrottle;
    out.after = parse_retry_after(answer.retry_after, now);
    out.error = "HTTP " + std::to_string(status) + " (throttled)";
  } else if (status >= 300 && status < 400) {
    out.kind = SendOutcome::Kind::kRetry;
    out.error = "HTTP " + std::to_string(status) + ": redirects are not followed";
  } else {
    out.kind = SendOutcome::Kind::kRetry;
    out.error = "HTTP " + std::to_string(status);
  }
  return finish(out);
}

}  // namespace leadloop::delivery
