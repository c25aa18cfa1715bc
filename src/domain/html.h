// Escaping of text for HTML element content and attribute values, shared by
// the server's pages (api) and the mail's HTML parts (mail). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace leadloop {

// s with & < > " ' replaced by entities: safe in element content and in a
// quoted attribute value.
std::string html_escape(std::string_view s);

// A whole page: doctype, UTF-8, a mobile viewport, `head` as given (HTML,
// e.g. a referrer meta), the title escaped, `style` inline, and `body` as
// given (HTML). For the server's small pages that load nothing else.
std::string html_document(std::string_view title, std::string_view style, std::string_view body,
                          std::string_view head = "");

}  // namespace leadloop
