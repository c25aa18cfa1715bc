// A webhook endpoint's URL and the SSRF guard's address check on arbitrary
// text (delivery/ssrf.h), without the network: check_webhook_url (curl's URL
// parser, http/https and a host) and refused_address on the text itself,
// and on it as an IPv4 address in its IPv4-mapped and NAT64 IPv6 forms.
// Checks: a URL that passes names its scheme and a host; text that is no
// address is refused; an IPv4 address and its mapped and NAT64 forms get
// the same verdict; the answers are deterministic.
#include <arpa/inet.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "delivery/ssrf.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leadloop::delivery;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const leadloop::Status url = check_webhook_url(text);
  if (url.ok()) {
    std::string lower = text;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    FUZZ_CHECK(lower.find("http") != std::string::npos && lower.find(':') != std::string::npos);
  } else {
    FUZZ_CHECK(!url.message().empty());
    FUZZ_CHECK(url.field() == "url");
  }
  FUZZ_CHECK(check_webhook_url(text).ok() == url.ok());

  const bool refused = refused_address(text);
  FUZZ_CHECK(refused_address(text) == refused);
  unsigned char b4[4];
  unsigned char b6[16];
  const bool is_v4 = inet_pton(AF_INET, text.c_str(), b4) == 1;
  const bool is_v6 = !is_v4 && inet_pton(AF_INET6, text.c_str(), b6) == 1;
  if (!is_v4 && !is_v6) FUZZ_CHECK(refused);
  if (is_v4) {
    char canonical[INET_ADDRSTRLEN];
    FUZZ_CHECK(inet_ntop(AF_INET, b4, canonical, sizeof canonical) != nullptr);
    FUZZ_CHECK(refused_address(std::string("::ffff:") + canonical) == refused);
    FUZZ_CHECK(refused_address(std::string("64:ff9b::") + canonical) == refused);
  }
  if (is_v6) {
    char canonical[INET6_ADDRSTRLEN];
    FUZZ_CHECK(inet_ntop(AF_INET6, b6, canonical, sizeof canonical) != nullptr);
    FUZZ_CHECK(refused_address(canonical) == refused);  // any spelling of one address
  }
  return 0;
}
