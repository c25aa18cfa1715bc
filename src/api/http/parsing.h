// Parsers for the parts of a request the HTTP layer reads itself: percent
// escapes, query strings and form bodies, cookies, and path templates.
// Free functions over bounded input; no state, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http/message.h"

namespace leadloop::http {

// "%41b+c" -> "Ab c" (with plus_is_space) or "Ab+c". A '%' not followed by
// two hex digits is kept as it is.
std::string percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y&a=2" (a query string or an application/x-www-form-urlencoded
// body) into `out`, names and values decoded. A field without '=' has an
// empty value; one with an empty name is skipped.
void parse_query(std::string_view text, Params& out);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookie_value(std::string_view header, std::string_view name);

// A path template ("/api/v1/leads/{id}") as its segments.
struct PathTemplate {
  std::vector<std::string> segments;  // "{id}" marks a capture
};
PathTemplate parse_template(std::string_view path_template);

// Whether `path` fits the template segment by segment; a capture takes one
// whole non-empty segment. On a match, `captures` is the path then each
// capture in order.
bool match_path(const PathTemplate& t, std::string_view path, std::vector<PathCapture>* captures);

}  // namespace leadloop::http
