// Reads one server-sent event stream as it arrives: the HTTP status line and
// headers, a chunked or plain body, and the events in it. Fed the bytes in
// whatever pieces they come in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace leadloop::bench {

class SseReader {
 public:
  // Takes the next bytes; returns the names of the events they completed.
  std::vector<std::string> feed(std::string_view bytes);

  // 0 until the headers are in, then the HTTP status.
  int status() const { return status_; }
  // True once the body said it ends (the last chunk) or was malformed.
  bool finished() const { return finished_; }

 private:
  void take_headers();
  void take_body(std::string_view bytes, std::vector<std::string>& events);
  void take_text(std::string_view text, std::vector<std::string>& events);

  std::string head_;
  int status_ = 0;
  bool chunked_ = false;
  bool finished_ = false;
  // Chunked framing: the size line being read, or the bytes left of a chunk.
  std::string size_line_;
  size_t chunk_left_ = 0;
  size_t crlf_left_ = 0;
  // Event text: the line being read and the current event's name.
  std::string line_;
  std::string event_;
};

}  // namespace leadloop::bench
