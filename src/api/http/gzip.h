// Gzip for answers: whether a client takes it and a body is worth it, and
// the compression itself (zlib). Free functions; safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace leadloop::http {

// Bodies shorter than this go out as they are.
inline constexpr size_t kMinGzipBytes = 128;

// An Accept-Encoding header that offers gzip. Only gzip is ever used: brotli
// at a browser-friendly quality costs 10-40x the time for a few percent.
bool accepts_gzip(std::string_view accept_encoding);
// Text, JSON, scripts and SVG; never an event stream.
bool compressible(std::string_view content_type);
// `body` as a gzip member; false when zlib fails (send it plain then).
bool gzip(std::string_view body, std::string* out);

// A body compressed piece by piece, for a streamed answer: each piece
// comes out flushed, so the client can read it at once. One thread at a
// time.
class GzipStream {
 public:
  GzipStream();
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;
  bool ok() const { return ok_; }
  // The compressed bytes of `piece`; with `last`, also the gzip trailer.
  std::string compress(std::string_view piece, bool last);

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool ok_ = false;
};

}  // namespace leadloop::http
