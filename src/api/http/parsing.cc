#include "api/http/parsing.h"

namespace leadloop::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls fn for each piece of `text` between separators.
template <typename Fn>
void split(std::string_view text, char separator, Fn fn) {
  while (true) {
    const size_t at = text.find(separator);
    fn(text.substr(0, at));
    if (at == std::string_view::npos) return;
    text.remove_prefix(at + 1);
  }
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

void parse_query(std::string_view text, Params& out) {
  split(text, '&', [&](std::string_view field) {
    if (field.empty()) return;
    const size_t eq = field.find('=');
    std::string name = percent_decode(field.substr(0, eq), true);
    if (name.empty()) return;
    std::string value =
        eq == std::string_view::npos ? std::string() : percent_decode(field.substr(eq + 1), true);
    out.emplace(std::move(name), std::move(value));
  });
}

std::string cookie_value(std::string_view header, std::string_view name) {
  std::string found;
  bool done = false;
  split(header, ';', [&](std::string_view part) {
    if (done) return;
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      found = std::string(part.substr(name.size() + 1));
      done = true;
    }
  });
  return found;
}

PathTemplate parse_template(std::string_view path_template) {
  PathTemplate t;
  split(path_template, '/', [&](std::string_view s) { t.segments.emplace_back(s); });
  return t;
}

bool match_path(const PathTemplate& t, std::string_view path, std::vector<PathCapture>* captures) {
  std::vector<PathCapture> found = {{std::string(path)}};
  size_t i = 0;
  bool ok = true;
  split(path, '/', [&](std::string_view s) {
    if (!ok) return;
    if (i >= t.segments.size()) {
      ok = false;
      return;
    }
    const std::string& want = t.segments[i++];
    if (is_capture(want)) {
      ok = !s.empty();
      found.push_back({std::string(s)});
    } else {
      ok = s == want;
    }
  });
  if (!ok || i != t.segments.size()) return false;
  *captures = std::move(found);
  return true;
}

}  // namespace leadloop::http
