#include "delivery/ssrf.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>

namespace leadloop::delivery {

namespace {

bool in_v4(uint32_t a, uint32_t net, int bits) {
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr uint32_t v4(int a, int b, int c, int d) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | uint32_t(d);
}

bool refused_v4(uint32_t a) {
  return in_v4(a, v4(0, 0, 0, 0), 8) || in_v4(a, v4(10, 0, 0, 0), 8) ||
         in_v4(a, v4(100, 64, 0, 0), 10) || in_v4(a, v4(127, 0, 0, 0), 8) ||
         in_v4(a, v4(169, 254, 0, 0), 16) || in_v4(a, v4(172, 16, 0, 0), 12) ||
         in_v4(a, v4(192, 0, 0, 0), 24) || in_v4(a, v4(192, 168, 0, 0), 16) ||
         in_v4(a, v4(198, 18, 0, 0), 15) || in_v4(a, v4(224, 0, 0, 0), 4) ||
         in_v4(a, v4(240, 0, 0, 0), 4);
}

uint32_t v4_at(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool refused_v6(const unsigned char (&b)[16]) {
  static constexpr unsigned char kZero[16] = {};
  if (std::memcmp(b, kZero, 12) == 0) return true;  // ::, ::1 and IPv4-compatible ::a.b.c.d
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) return refused_v4(v4_at(b + 12));
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return refused_v4(v4_at(b + 12));
  if ((b[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;  // fec0::/10 site-local (deprecated)
  if (b[0] == 0xff) return true;                           // multicast
  return false;
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

struct UrlParts {
  std::string scheme;
  std::string host;
  int port = 0;
};

Result<UrlParts> split_url(std::string_view url) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  const std::string text(url);
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return Status(ErrorCode::kInvalidValue, "not a URL: " + text, "url");
  }
  auto part = [&](CURLUPart which, unsigned flags) -> std::string {
    char* value = nullptr;
    if (curl_url_get(u.get(), which, &value, flags) != CURLUE_OK || value == nullptr) return "";
    std::string out(value);
    curl_free(value);
    return out;
  };
  UrlParts p;
  p.scheme = part(CURLUPART_SCHEME, 0);
  if (p.scheme != "http" && p.scheme != "https") {
    return Status(ErrorCode::kInvalidValue, "a webhook URL is http or https", "url");
  }
  p.host = part(CURLUPART_HOST, 0);
  if (p.host.empty()) return Status(ErrorCode::kInvalidValue, "a webhook URL names a host", "url");
  if (p.host.front() == '[' && p.host.back() == ']') p.host = p.host.substr(1, p.host.size() - 2);
  p.port = std::atoi(part(CURLUPART_PORT, CURLU_DEFAULT_PORT).c_str());
  return p;
}

}  // namespace

bool refused_address(std::string_view address) {
  const std::string text(address);
  unsigned char b4[4];
  if (inet_pton(AF_INET, text.c_str(), b4) == 1) return refused_v4(v4_at(b4));
  unsigned char b6[16];
  if (inet_pton(AF_INET6, text.c_str(), b6) == 1) return refused_v6(b6);
  return true;
}

Status check_webhook_url(std::string_view url) { return split_url(url).status(); }

Result<Target> resolve_target(std::string_view url, bool allow_private) {
  auto parts = split_url(url);
  if (!parts.ok()) return parts.status();
  Target t{parts->scheme, parts->host, parts->port, "", false};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(t.host.c_str(), nullptr, &hints, &found); rc != 0) {
    return Status(ErrorCode::kInvalidValue, "cannot resolve " + t.host + ": " + gai_strerror(rc),
                  "url");
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> hold(found, freeaddrinfo);
  unsigned char probe[16];
  t.literal = inet_pton(AF_INET, t.host.c_str(), probe) == 1 ||
              inet_pton(AF_INET6, t.host.c_str(), probe) == 1;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    std::array<char, INET6_ADDRSTRLEN> buf{};
    const void* raw =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (inet_ntop(a->ai_family, raw, buf.data(), buf.size()) == nullptr) continue;
    const std::string address(buf.data());
    if (!allow_private && refused_address(address)) {
      return Status(ErrorCode::kForbidden,
                    "refused: " + t.host + " resolves to " + address +
                        ", a private, loopback or link-local address (an admin may allow it: "
                        "docs/webhooks.md)",
                    "url");
    }
    if (t.address.empty()) t.address = address;
  }
  if (t.address.empty()) return Status(ErrorCode::kInvalidValue, "cannot resolve " + t.host, "url");
  return t;
}

}  // namespace leadloop::delivery
