// HttpServer: HTTP/1.1 on an event loop (Boost.Asio, with Boost.Beast's
// parser). One loop thread accepts, reads and writes every connection
// asynchronously; the handler runs on a worker pool, since handlers block on
// the database; a streamed body's producer runs on a pool of its own, so a
// slow reader of an export never holds back the other requests. A slow or
// idle client costs a socket, not a thread.
//
// Thread-safety: bind() and run() from one thread; stop() and
// wake_live_bodies() from any thread, also while run() serves.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http/message.h"
#include "domain/status.h"

namespace leadloop::http {

// What a client may take, and how long it may take it. A deadline can never
// be stretched by sending slowly: the header's is set once when the request
// starts, the body's grows only with the bytes received.
struct ServerLimits {
  size_t max_body_bytes = 32u << 20;    // 413 above
  size_t max_header_bytes = 32u << 10;  // 431 above (request line and headers)
  int header_timeout_ms = 10000;        // the whole header, from its first byte (or the accept)
  int idle_timeout_ms = 10000;          // a keep-alive connection between requests
  int min_body_rate = 1024;             // bytes/s a body must keep up, after the grace
  int body_grace_ms = 1000;
  int write_timeout_ms = 10000;  // an answer's write: this plus its size at 16 KB/s
  int max_connections = 20000;
  int max_connections_per_address = 512;
  int stop_grace_ms = 10000;  // how long stop() lets requests in flight finish
  int workers = 2;            // handler threads (and as many for streamed bodies)
  int live_min_gap_ms = 100;  // wakes of live bodies closer than this are one
};

class HttpServer {
 public:
  // Runs on a worker thread; fills the response.
  using Handler = std::function<void(Request&, Response&)>;
  // Runs on the loop (must not block): the answer to a request the server
  // refuses itself (400, 413, 431, 503 over a connection cap).
  using Refusal = std::function<void(int status, const std::string& message, Response&)>;

  HttpServer(ServerLimits limits, Handler handler, Refusal refusal);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (port 0: any free one); returns the port.
  Result<int> bind(const std::string& host, int port);
  // Serves until stop() and the requests in flight are done (or the stop's
  // grace has run out). REQUIRES: bind() succeeded.
  void run();
  // Stops accepting, closes idle connections and live bodies at once, lets
  // requests in flight finish within the grace. Safe before run().
  void stop();
  // Every open live body gets next(false) soon, at most once per
  // live_min_gap_ms. Cheap: a commit calls it.
  void wake_live_bodies();

  struct Impl;  // the loop, its connections and the pools (server.cc)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadloop::http
