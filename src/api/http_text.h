// The text of HTTP requests that is not JSON: cookie headers and query
// strings, as free functions over text so that any server (and the fuzz
// targets) can share them. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadloop::api {

// The value of the cookie `name` in a Cookie header ("a=1; sid=xyz"), or
// nullopt. The value is returned as sent (no unquoting or decoding).
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);

// "%41+b" -> "A b". A '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view text);

// "a=1&b=x%20y&c" -> {{"a","1"},{"b","x y"},{"c",""}}; empty parts are
// skipped. At most max_params pairs; nullopt when there are more.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query,
                                                                           size_t max_params);

}  // namespace leadloop::api
