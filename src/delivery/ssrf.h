// The SSRF guard: a webhook may only reach public addresses. The URL's host
// is resolved here, every address it resolves to is checked, and the one
// used is pinned for the request (CURLOPT_RESOLVE), so a DNS answer that
// changes between the check and the connection (rebinding) cannot get past.
#pragma once

#include <string>
#include <string_view>

#include "domain/status.h"

namespace leadloop::delivery {

// Whether the address (text, IPv4 or IPv6) is one a webhook may not reach:
// unspecified, "this network" 0.0.0.0/8, loopback, private (RFC 1918,
// fc00::/7), link-local (169.254/16, fe80::/10), CGNAT 100.64/10,
// benchmarking 198.18/15, multicast, reserved 240/4, and the IPv4-mapped,
// -compatible and NAT64 forms of those. Unparseable text counts as refused.
bool refused_address(std::string_view address);

// An http(s) URL split and resolved.
struct Target {
  std::string scheme;  // "http" or "https"
  std::string host;    // as in the URL, without IPv6 brackets
  int port = 0;
  std::string address;   // the address to connect to
  bool literal = false;  // the host is an address itself
};

// Checks the URL (http or https, a host) and resolves its host. kInvalidValue
// for a bad URL or a host that does not resolve; kForbidden when an address
// is refused and allow_private is false.
Result<Target> resolve_target(std::string_view url, bool allow_private);

// The URL's form alone (no resolution): http or https with a host.
Status check_webhook_url(std::string_view url);

}  // namespace leadloop::delivery
