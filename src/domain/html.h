// Escaping of text for HTML element content and attribute values, shared by
// the server's pages (api) and the mail's HTML parts (mail). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace leadloop {

// s with & < > " ' replaced by entities: safe in element content and in a
// quoted attribute value.
std::string html_escape(std::string_view s);

}  // namespace leadloop
