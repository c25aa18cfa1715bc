// A raw HTTP/1.1 request on arbitrary bytes, read as the server reads it:
// Boost.Beast's parser with the server's header and body limits, then our
// own parsers on what it accepted (api/http/parsing.h): the query string, a
// form body, the Cookie header and the route templates. Checks: decoding
// never grows a text, a cookie's value is a slice without ';', and a
// matched path's captures are whole non-empty segments.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http/parsing.h"
#include "fuzz_check.h"

namespace {

namespace bhttp = boost::beast::http;
using namespace leadloop::http;

constexpr uint32_t kMaxHeaderBytes = 32u << 10;  // as api/http/server.h's defaults
constexpr uint64_t kMaxBodyBytes = 1u << 20;

void check_query(std::string_view text) {
  Params params;
  parse_query(text, params);
  size_t parts = 1;
  for (char c : text) parts += c == '&';
  FUZZ_CHECK(params.size() <= parts);
  for (const auto& [name, value] : params) {
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(name.size() + value.size() <= text.size());
  }
  FUZZ_CHECK(percent_decode(text, true).size() <= text.size());
}

void check_cookie(std::string_view header) {
  const std::string value = cookie_value(header, "leadloop_session");
  FUZZ_CHECK(value.find(';') == std::string::npos);
  FUZZ_CHECK(value.size() <= header.size());
}

void check_path(std::string_view path) {
  static const PathTemplate kTemplates[] = {
      parse_template("/api/v1/leads/{id}"), parse_template("/api/v1/leads/{id}/timeline"),
      parse_template("/feedback/{token}"), parse_template("/assets/{file}")};
  for (const PathTemplate& t : kTemplates) {
    std::vector<PathCapture> captures;
    if (!match_path(t, path, &captures)) continue;
    FUZZ_CHECK(!captures.empty());
    for (size_t i = 1; i < captures.size(); ++i) {
      FUZZ_CHECK(!captures[i].text.empty());
      FUZZ_CHECK(captures[i].text.find('/') == std::string::npos);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(kMaxBodyBytes);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!parser.is_header_done()) {
    // Not a request (or not a whole header): our parsers still take any text.
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_query(text);
    check_cookie(text);
    return 0;
  }
  const auto& req = parser.get();
  const std::string_view target(req.target().data(), req.target().size());
  const size_t q = target.find('?');
  check_path(percent_decode(target.substr(0, q), false));
  if (q != std::string_view::npos) check_query(target.substr(q + 1));
  for (const auto& field : req.base()) {
    const std::string_view value(field.value().data(), field.value().size());
    if (field.name() == bhttp::field::cookie) check_cookie(value);
  }
  if (parser.is_done()) check_query(req.body());
  return 0;
}
