// Cookie headers and query strings on arbitrary bytes (api/http_text.h):
// a cookie's value is a slice of its header without ';', and a query
// string gives at most as many pairs as it has parts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/http_text.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto v = leadloop::api::cookie_value(text, "leadloop_session")) {
    FUZZ_CHECK(v->data() >= text.data() && v->data() + v->size() <= text.data() + text.size());
    FUZZ_CHECK(v->find(';') == std::string_view::npos);
  }
  const size_t parts = static_cast<size_t>(std::count(text.begin(), text.end(), '&')) + 1;
  if (auto params = leadloop::api::parse_query(text, 100)) {
    FUZZ_CHECK(params->size() <= std::min<size_t>(parts, 100));
    for (const auto& [key, value] : *params) FUZZ_CHECK(key.size() + value.size() <= text.size());
  } else {
    FUZZ_CHECK(parts > 100);
  }
  FUZZ_CHECK(leadloop::api::percent_decode(text).size() <= text.size());
  return 0;
}
