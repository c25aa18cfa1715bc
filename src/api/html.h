// What every HTML page of the server shares: escaping of text for element
// content and attribute values. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace leadloop::api {

// s with & < > " ' replaced by entities: safe in element content and in a
// quoted attribute value.
std::string html_escape(std::string_view s);

}  // namespace leadloop::api
