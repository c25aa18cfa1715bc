#include "sse_reader.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace leadloop::bench {

std::vector<std::string> SseReader::feed(std::string_view bytes) {
  std::vector<std::string> events;
  if (status_ == 0) {
    head_.append(bytes);
    const size_t end = head_.find("\r\n\r\n");
    if (end == std::string::npos) return events;
    const std::string rest = head_.substr(end + 4);
    head_.resize(end);
    take_headers();
    take_body(rest, events);
    return events;
  }
  take_body(bytes, events);
  return events;
}

void SseReader::take_headers() {
  status_ = head_.size() > 12 && head_.rfind("HTTP/1.", 0) == 0 ? std::atoi(head_.c_str() + 9) : -1;
  std::string lower = head_;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  chunked_ = lower.find("transfer-encoding: chunked") != std::string::npos;
}

void SseReader::take_body(std::string_view bytes, std::vector<std::string>& events) {
  if (!chunked_) return take_text(bytes, events);
  while (!bytes.empty() && !finished_) {
    if (crlf_left_) {
      const size_t n = std::min(crlf_left_, bytes.size());
      crlf_left_ -= n;
      bytes.remove_prefix(n);
    } else if (chunk_left_) {
      const size_t n = std::min(chunk_left_, bytes.size());
      take_text(bytes.substr(0, n), events);
      chunk_left_ -= n;
      if (!chunk_left_) crlf_left_ = 2;
      bytes.remove_prefix(n);
    } else {
      const size_t eol = bytes.find('\n');
      size_line_.append(bytes.substr(0, eol));
      if (eol == std::string_view::npos) return;
      bytes.remove_prefix(eol + 1);
      char* end = nullptr;
      chunk_left_ = std::strtoul(size_line_.c_str(), &end, 16);
      finished_ = end == size_line_.c_str() || chunk_left_ == 0;
      size_line_.clear();
    }
  }
}

// Event text: "event: NAME" names the event, a blank line completes it.
void SseReader::take_text(std::string_view text, std::vector<std::string>& events) {
  for (char c : text) {
    if (c != '\n') {
      if (c != '\r') line_ += c;
      continue;
    }
    if (line_.empty() && !event_.empty()) {
      events.push_back(event_);
      event_.clear();
    } else if (line_.rfind("event:", 0) == 0) {
      event_ = line_.substr(line_.size() > 6 && line_[6] == ' ' ? 7 : 6);
    }
    line_.clear();
  }
}

}  // namespace leadloop::bench
