#include "api/http/gzip.h"

#include <zlib.h>

#include <array>

namespace leadloop::http {

bool accepts_gzip(std::string_view accept_encoding) {
  return accept_encoding.find("gzip") != std::string_view::npos;
}

bool compressible(std::string_view type) {
  if (type.starts_with("text/")) return !type.starts_with("text/event-stream");
  constexpr std::array kTypes = {"application/json", "application/javascript", "image/svg+xml",
                                 "application/xml", "application/xhtml+xml"};
  for (const char* t : kTypes) {
    if (type.starts_with(t)) return true;
  }
  return false;
}

bool gzip(std::string_view body, std::string* out) {
  z_stream z{};
  // 15 + 16: a gzip header and trailer around the deflate stream; level 6,
  // zlib's default, is a few ms for the app's script.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out->resize(deflateBound(&z, static_cast<uLong>(body.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  const int rc = deflate(&z, Z_FINISH);
  out->resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END;
}

struct GzipStream::State {
  z_stream z{};
};

GzipStream::GzipStream() : state_(std::make_unique<State>()) {
  ok_ = deflateInit2(&state_->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipStream::~GzipStream() {
  if (ok_) deflateEnd(&state_->z);
}

std::string GzipStream::compress(std::string_view piece, bool last) {
  std::string out;
  if (!ok_) return out;
  z_stream& z = state_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
  z.avail_in = static_cast<uInt>(piece.size());
  std::array<char, 16384> buf;
  int rc = Z_OK;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    rc = deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
    out.append(buf.data(), buf.size() - z.avail_out);
  } while (z.avail_out == 0 || (last && rc == Z_OK));
  if (rc == Z_STREAM_ERROR) ok_ = false;
  return out;
}

}  // namespace leadloop::http
