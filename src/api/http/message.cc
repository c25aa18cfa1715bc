#include "api/http/message.h"

#include <algorithm>
#include <cctype>

namespace leadloop::http {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

namespace {

std::string first_value(const Headers& headers, std::string_view name) {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

}  // namespace

bool Request::has_header(std::string_view name) const {
  return headers.find(std::string(name)) != headers.end();
}

std::string Request::get_header_value(std::string_view name) const {
  return first_value(headers, name);
}

bool Request::has_param(std::string_view name) const {
  return params.find(std::string(name)) != params.end();
}

std::string Request::get_param_value(std::string_view name, size_t i) const {
  auto [begin, end] = params.equal_range(std::string(name));
  for (auto it = begin; it != end; ++it, --i) {
    if (i == 0) return it->second;
  }
  return {};
}

size_t Request::get_param_value_count(std::string_view name) const {
  return params.count(std::string(name));
}

bool Response::has_header(std::string_view name) const {
  return headers.find(std::string(name)) != headers.end();
}

std::string Response::get_header_value(std::string_view name) const {
  return first_value(headers, name);
}

void Response::set_header(std::string_view name, std::string_view value) {
  // A value with a line break would start a header of the caller's choosing.
  if (value.find_first_of("\r\n") != std::string_view::npos) return;
  headers.emplace(std::string(name), std::string(value));
}

void Response::set_content(std::string content, std::string_view content_type) {
  body = std::move(content);
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
}

void Response::set_chunked_content_provider(std::string_view content_type, BodyProducer p) {
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
  producer = std::move(p);
}

void Response::set_live_body(std::string_view content_type, std::shared_ptr<LiveBody> b) {
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
  live = std::move(b);
}

}  // namespace leadloop::http
