#include "domain/html.h"

namespace leadloop {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_document(std::string_view title, std::string_view style, std::string_view body,
                          std::string_view head) {
  std::string h =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += head;
  h += "<title>";
  h += html_escape(title);
  h += "</title><style>";
  h += style;
  h += "</style></head><body>";
  h += body;
  h += "</body></html>";
  return h;
}

}  // namespace leadloop
