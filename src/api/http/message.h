// Request and Response: the HTTP messages the route handlers read and write.
// They keep the part of cpp-httplib's interface the handlers used, so a
// handler reads the same as before. Plain values: one thread at a time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace leadloop::http {

// Header names compare without regard to case.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
// Query and form fields, decoded, in the order sent (per name).
using Params = std::multimap<std::string, std::string>;

// One capture of a path template: "/api/v1/leads/{id}" on "/api/v1/leads/7"
// captures "7" at index 1 (index 0 is the whole path).
struct PathCapture {
  std::string text;
  const std::string& str() const { return text; }
  operator const std::string&() const { return text; }  // NOLINT: reads like httplib's
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded, without the query
  std::string body;
  std::string remote_addr;
  Headers headers;
  Params params;  // the query's and a form body's fields
  std::vector<PathCapture> matches;

  bool has_header(std::string_view name) const;
  // The first value of a header, or "".
  std::string get_header_value(std::string_view name) const;
  bool has_param(std::string_view name) const;
  // The i-th value of a parameter, or "".
  std::string get_param_value(std::string_view name, size_t i = 0) const;
  size_t get_param_value_count(std::string_view name) const;
};

// Receives a streamed body's bytes; false when the client went away (stop
// producing).
using ChunkSink = std::function<bool(std::string_view)>;
// Writes a body in chunks on a worker thread; the sink waits while the
// client reads slowly. A non-ok Status (or a false sink) cuts the body short.
using BodyProducer = std::function<Status(const ChunkSink&)>;

// A body the server's event loop keeps open without a thread (server-sent
// events). Called on the loop thread only; must not block.
class LiveBody {
 public:
  virtual ~LiveBody() = default;
  // The first bytes, sent with the header.
  virtual std::string start() = 0;
  // After a wake (HttpServer::wake_live_bodies) or when a heartbeat is due:
  // the bytes to send now ("" none), or nullopt to end the body.
  virtual std::optional<std::string> next(bool heartbeat) = 0;
  // How often next(true) is called.
  virtual int heartbeat_ms() const = 0;
};

struct Response {
  int status = -1;  // -1: not set, sent as 200
  Headers headers;
  std::string body;
  BodyProducer producer;           // set: a chunked body from a worker
  std::shared_ptr<LiveBody> live;  // set: a chunked body held by the loop

  bool has_header(std::string_view name) const;
  std::string get_header_value(std::string_view name) const;
  // Adds a header (a second Set-Cookie adds a second line).
  void set_header(std::string_view name, std::string_view value);
  void set_content(std::string content, std::string_view content_type);
  // A body written in chunks by `producer` after the handler returns.
  void set_chunked_content_provider(std::string_view content_type, BodyProducer producer);
  void set_live_body(std::string_view content_type, std::shared_ptr<LiveBody> body);
};

}  // namespace leadloop::http
