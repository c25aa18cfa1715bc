#include "api/http/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "api/http/gzip.h"
#include "api/http/parsing.h"

namespace leadloop::http {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// A streamed body's bytes that may wait for the socket before its producer
// waits too.
constexpr size_t kMaxQueuedBytes = 64u << 10;
// A producer's pieces are gathered into chunks of this size.
constexpr size_t kChunkBytes = 16u << 10;
// A live body whose client lets this much pile up unread is ended.
constexpr size_t kMaxLiveBacklog = 64u << 10;
// An answer's write may take write_timeout_ms plus its size at this rate.
constexpr int64_t kMinSendRate = 16 << 10;
// After a refusal the server reads (and drops) what the client still sends
// for this long, so the client reads the answer instead of a reset.
constexpr auto kLinger = std::chrono::seconds(2);
constexpr std::string_view kLastChunk = "0\r\n\r\n";

std::string chunk_of(std::string_view data) {
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out(size);
  out.append(data);
  out += "\r\n";
  return out;
}

// Chunks on their way from a producer (a worker thread) to the socket (the
// loop). The producer waits while kMaxQueuedBytes are queued: that is the
// back-pressure of a slow client. Thread-safe.
class ChunkChannel {
 public:
  explicit ChunkChannel(std::function<void()> wake) : wake_(std::move(wake)) {}

  // Producer: queues framed bytes; false once the connection is gone.
  bool push(std::string_view bytes) {
    bool was_empty = false;
    {
      std::unique_lock lock(mu_);
      space_.wait(lock, [&] { return queued_.size() < kMaxQueuedBytes || closed_; });
      if (closed_) return false;
      was_empty = queued_.empty();
      queued_.append(bytes);
    }
    if (was_empty) wake_();
    return true;
  }
  // Producer: no more bytes; `complete` says whether the body is whole.
  void finish(bool complete) {
    {
      std::lock_guard lock(mu_);
      finished_ = true;
      complete_ = complete;
    }
    wake_();
  }
  struct Taken {
    std::string bytes;
    bool finished = false;
    bool complete = false;
  };
  // Loop: what is queued, and whether the producer is done.
  Taken take() {
    Taken t;
    {
      std::lock_guard lock(mu_);
      t.bytes.swap(queued_);
      t.finished = finished_;
      t.complete = complete_;
    }
    space_.notify_all();
    return t;
  }
  // Loop: the connection closed; the producer's next push fails.
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    space_.notify_all();
  }
  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }

 private:
  const std::function<void()> wake_;
  mutable std::mutex mu_;
  std::condition_variable space_;
  std::string queued_;     // guarded by mu_
  bool closed_ = false;    // guarded by mu_
  bool finished_ = false;  // guarded by mu_
  bool complete_ = false;  // guarded by mu_
};

std::string reason_of(int status) {
  return std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(status)));
}

bool has_no_body(int status) { return status == 204 || status == 304 || status < 200; }

// The status line and headers. Framing headers are the server's own.
std::string head_of(const Response& res, int status, bool keep_alive, bool chunked,
                    size_t content_length) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_of(status) + "\r\n";
  for (const auto& [name, value] : res.headers) {
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
        beast::iequals(name, "Connection")) {
      continue;
    }
    out += name + ": " + value + "\r\n";
  }
  if (chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (!has_no_body(status)) {
    out += "Content-Length: " + std::to_string(content_length) + "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

Request to_request(bhttp::request<bhttp::string_body>&& msg, const std::string& address) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  const std::string_view target = r.target;
  const size_t query = target.find('?');
  r.path = percent_decode(target.substr(0, query), false);
  if (query != std::string_view::npos) parse_query(target.substr(query + 1), r.params);
  for (const auto& field : msg) {
    r.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  }
  r.body = std::move(msg.body());
  if (r.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded")) {
    parse_query(r.body, r.params);
  }
  r.remote_addr = address;
  return r;
}

// The path for a log line: a feedback link's token is a credential.
std::string loggable_path(const std::string& path) {
  return path.starts_with("/feedback/") ? "/feedback/<token>" : path;
}

}  // namespace

class Connection;

struct HttpServer::Impl {
  Impl(ServerLimits l, Handler h, Refusal r)
      : limits(l),
        handler(std::move(h)),
        refusal(std::move(r)),
        workers(static_cast<size_t>(std::max(1, l.workers))),
        producers(static_cast<size_t>(std::max(1, l.workers))) {}

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void begin_stop();
  void forget(Connection* c, const std::string& address);
  void schedule_fan_out();
  void fan_out();
  // On a worker: the handler, whatever it throws.
  void run_handler(Request& req, Response& res);
  Response refusal_of(int status, const std::string& message);

  const ServerLimits limits;
  const Handler handler;
  const Refusal refusal;
  net::io_context loop{1};
  tcp::acceptor acceptor{loop};
  net::thread_pool workers;
  net::thread_pool producers;
  net::steady_timer accept_retry{loop};
  net::steady_timer stop_timer{loop};
  net::steady_timer live_timer{loop};
  std::atomic<bool> stopping{false};
  std::atomic<bool> wake_pending{false};
  // Loop thread only:
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  std::unordered_map<std::string, int> per_address;
  std::unordered_set<Connection*> live;
  SteadyClock::time_point last_fan_out{};
  bool stop_done = false;
};

// One client connection, driven on the loop thread: read a request, hand it
// to a worker, write the answer, and again while it keeps the connection
// alive. Owned by the operations in flight (shared_from_this).
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer::Impl& server, tcp::socket socket, std::string address)
      : server_(server), stream_(std::move(socket)), address_(std::move(address)) {}
  ~Connection() {
    if (channel_) channel_->close();  // a producer never waits for a connection gone
  }

  const std::string& address() const { return address_; }
  void start() { read_request(); }
  // The server stops: an idle or live connection closes now; a request in
  // flight is answered, then the connection closes.
  void on_stop() {
    if (state_ == State::kIdle || state_ == State::kLive || state_ == State::kHeader ||
        state_ == State::kLinger) {
      close();
    }
  }
  void close();
  void live_next(bool heartbeat);
  // Answers a refusal, then closes. For a connection over a cap, before it
  // is registered.
  void refuse(int status, const std::string& message);

 private:
  enum class State {
    kHeader,
    kIdle,
    kBody,
    kHandling,
    kWriting,
    kStreaming,
    kLive,
    kLinger,
    kClosed
  };

  void read_request();
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec, size_t n);
  void dispatch();
  void write(std::string bytes, std::function<void()> then);
  void after_answer();
  void start_stream(std::string head, std::shared_ptr<ChunkChannel> channel);
  void pump();
  void start_live(std::string head_and_first);
  void send_live(const std::string& text);
  void flush_live();
  void arm_heartbeat();
  void linger();
  // On a producer thread: runs `producer` into the channel, gzipped when
  // `zip` is set; logs a body cut short.
  static void produce(std::shared_ptr<ChunkChannel> channel, BodyProducer producer,
                      const std::string& what, GzipStream* zip);

  HttpServer::Impl& server_;
  beast::tcp_stream stream_;
  const std::string address_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  State state_ = State::kHeader;
  bool first_ = true;
  bool keep_alive_ = true;
  bool writing_ = false;
  SteadyClock::time_point body_start_{};
  size_t body_received_ = 0;
  std::string out_;
  std::shared_ptr<ChunkChannel> channel_;
  std::shared_ptr<LiveBody> live_;
  std::string live_backlog_;
  bool live_ending_ = false;
  std::optional<net::steady_timer> heartbeat_;
  std::array<char, 64> watch_{};
  std::unique_ptr<std::array<char, 16384>> drain_;
};

// ---- reading ---------------------------------------------------------------

void Connection::read_request() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(server_.limits.max_header_bytes));
  parser_->body_limit(server_.limits.max_body_bytes);
  if (first_ || buffer_.size() > 0) return read_header();
  // Between requests: idle until the next request's first byte.
  state_ = State::kIdle;
  stream_.expires_after(Millis(server_.limits.idle_timeout_ms));
  stream_.async_read_some(buffer_.prepare(2048),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->buffer_.commit(n);
                            if (ec || self->state_ != State::kIdle) return self->close();
                            self->read_header();
                          });
}

void Connection::read_header() {
  state_ = State::kHeader;
  first_ = false;
  // Set once: the whole header must arrive by then, however it trickles.
  stream_.expires_after(Millis(server_.limits.header_timeout_ms));
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
}

void Connection::on_header(beast::error_code ec) {
  if (state_ != State::kHeader) return;
  if (ec == bhttp::error::header_limit) {
    return refuse(431, "the request's header is larger than " +
                           std::to_string(server_.limits.max_header_bytes) + " bytes");
  }
  if (ec == bhttp::error::body_limit) {
    return refuse(413, "the request body is larger than the server accepts (see --max-body)");
  }
  if (ec == beast::error::timeout) {
    spdlog::debug("{}: request header not complete within {} ms: closed", address_,
                  server_.limits.header_timeout_ms);
    return close();
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == net::error::eof || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset) {
    return close();  // the client went away
  }
  if (ec) return refuse(400, "the request is malformed (" + ec.message() + ")");
  body_start_ = SteadyClock::now();
  body_received_ = 0;
  if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
    write("HTTP/1.1 100 Continue\r\n\r\n", [this] { read_body(); });
    return;
  }
  read_body();
}

void Connection::read_body() {
  state_ = State::kBody;
  if (parser_->is_done()) return dispatch();
  // The deadline moves only with the bytes received: a body must keep up
  // min_body_rate on average after the grace, however it is spread.
  const int64_t rate = std::max(1, server_.limits.min_body_rate);
  const auto allowed = Millis(server_.limits.body_grace_ms) +
                       Millis(static_cast<int64_t>(body_received_) * 1000 / rate + 1000);
  stream_.expires_at(body_start_ + allowed);
  bhttp::async_read_some(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->on_body(ec, n); });
}

void Connection::on_body(beast::error_code ec, size_t n) {
  if (state_ != State::kBody) return;
  body_received_ += n;
  if (ec == bhttp::error::body_limit) {
    return refuse(413, "the request body is larger than the server accepts (see --max-body)");
  }
  if (ec == beast::error::timeout) {
    spdlog::info(
        "{} {}: body slower than {} B/s after {} bytes: closed", parser_->get().method_string(),
        loggable_path(
            std::string(parser_->get().target().substr(0, parser_->get().target().find('?')))),
        server_.limits.min_body_rate, body_received_);
    return close();
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == net::error::eof || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset) {
    return close();  // the client went away
  }
  if (ec) return refuse(400, "the request body is malformed (" + ec.message() + ")");
  read_body();
}

// ---- answering -------------------------------------------------------------

void Connection::dispatch() {
  stream_.expires_never();
  state_ = State::kHandling;
  keep_alive_ = parser_->get().keep_alive() && !server_.stopping;
  auto req = std::make_shared<Request>(to_request(parser_->release(), address_));
  parser_.reset();
  net::post(server_.workers, [self = shared_from_this(), req] {
    HttpServer::Impl& s = self->server_;
    auto res = std::make_shared<Response>();
    s.run_handler(*req, *res);
    const int status = res->status > 0 ? res->status : 200;
    const bool keep_alive = self->keep_alive_ && !s.stopping;
    const bool head_only = req->method == "HEAD";
    if (res->live && !head_only) {
      std::string bytes = head_of(*res, status, keep_alive, true, 0);
      return net::post(s.loop, [self, res, bytes = std::move(bytes)]() mutable {
        self->live_ = res->live;
        self->start_live(std::move(bytes));
      });
    }
    if (res->producer && !head_only) {
      // The channel keeps the connection alive while the producer works,
      // even when no write is pending; the connection lets go of the
      // channel once the body is done or the connection closed.
      auto channel = std::make_shared<ChunkChannel>(
          [self, &s] { net::post(s.loop, [self] { self->pump(); }); });
      std::shared_ptr<GzipStream> zip;
      if (accepts_gzip(req->get_header_value("Accept-Encoding")) &&
          compressible(res->get_header_value("Content-Type"))) {
        zip = std::make_shared<GzipStream>();
        if (zip->ok()) {
          res->set_header("Content-Encoding", "gzip");
          res->set_header("Vary", "Accept-Encoding");
        } else {
          zip.reset();
        }
      }
      std::string head = head_of(*res, status, keep_alive, true, 0);
      net::post(s.loop, [self, head = std::move(head), channel]() mutable {
        self->start_stream(std::move(head), channel);
      });
      const std::string what = req->method + " " + loggable_path(req->path);
      net::post(s.producers, [channel, producer = std::move(res->producer), what, zip] {
        produce(channel, producer, what, zip.get());
      });
      return;
    }
    if (!has_no_body(status) && res->body.size() >= kMinGzipBytes &&
        accepts_gzip(req->get_header_value("Accept-Encoding")) &&
        compressible(res->get_header_value("Content-Type"))) {
      std::string zipped;
      if (gzip(res->body, &zipped)) {
        res->body = std::move(zipped);
        res->set_header("Content-Encoding", "gzip");
        res->set_header("Vary", "Accept-Encoding");
      }
    }
    std::string bytes = head_of(*res, status, keep_alive, false, res->body.size());
    if (!head_only && !has_no_body(status)) bytes += res->body;
    net::post(s.loop, [self, bytes = std::move(bytes), keep_alive]() mutable {
      self->keep_alive_ = keep_alive;
      self->state_ = State::kWriting;
      self->write(std::move(bytes), [self] { self->after_answer(); });
    });
  });
}

void Connection::write(std::string bytes, std::function<void()> then) {
  out_ = std::move(bytes);
  writing_ = true;
  stream_.expires_after(Millis(server_.limits.write_timeout_ms) +
                        Millis(static_cast<int64_t>(out_.size()) * 1000 / kMinSendRate));
  net::async_write(
      stream_, net::buffer(out_),
      [self = shared_from_this(), then = std::move(then)](beast::error_code ec, size_t) {
        self->writing_ = false;
        self->out_.clear();
        if (ec || self->state_ == State::kClosed) return self->close();
        then();
      });
}

void Connection::after_answer() {
  if (keep_alive_ && !server_.stopping) return read_request();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  close();
}

void Connection::refuse(int status, const std::string& message) {
  Response res = server_.refusal_of(status, message);
  spdlog::info("{} from {}: {} {}", status, address_, reason_of(status), message);
  std::string bytes = head_of(res, status, false, false, res.body.size()) + res.body;
  state_ = State::kWriting;
  write(std::move(bytes), [this] { linger(); });
}

void Connection::linger() {
  state_ = State::kLinger;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (!drain_) {
    drain_ = std::make_unique<std::array<char, 16384>>();
    stream_.expires_after(kLinger);
  }
  stream_.async_read_some(net::buffer(*drain_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec || self->state_ != State::kLinger) return self->close();
                            self->linger();
                          });
}

// ---- streamed bodies (a producer on a worker) ---------------------------------

void Connection::produce(std::shared_ptr<ChunkChannel> channel, BodyProducer producer,
                         const std::string& what, GzipStream* zip) {
  std::string pending;
  size_t sent = 0;
  bool gone = false;
  auto flush = [&](bool last) {
    if (pending.empty() && !(last && zip)) return true;
    sent += pending.size();
    const std::string bytes = zip ? zip->compress(pending, last) : pending;
    pending.clear();
    if (bytes.empty()) return true;
    const bool ok = channel->push(chunk_of(bytes));
    gone = gone || !ok;
    return ok;
  };
  const ChunkSink sink = [&](std::string_view piece) {
    if (gone) return false;
    pending.append(piece);
    return pending.size() < kChunkBytes || flush(false);
  };
  Status st;
  try {
    st = producer(sink);
  } catch (const std::exception& e) {
    st = Status(ErrorCode::kInternal, std::string("exception: ") + e.what());
  }
  const bool complete = st.ok() && !gone && flush(true);
  if (!complete) {
    spdlog::warn("{}: streamed body cut short after {} bytes: {}", what, sent,
                 gone ? std::string("the client went away") : st.to_string());
  }
  channel->finish(complete);
}

void Connection::start_stream(std::string head, std::shared_ptr<ChunkChannel> channel) {
  if (state_ == State::kClosed) return channel->close();
  channel_ = std::move(channel);
  state_ = State::kStreaming;
  write(std::move(head), [this] { pump(); });
}

void Connection::pump() {
  if (state_ != State::kStreaming || writing_ || !channel_) return;
  ChunkChannel::Taken t = channel_->take();
  if (!t.finished && t.bytes.empty()) return;
  if (!t.finished) return write(std::move(t.bytes), [this] { pump(); });
  if (!t.complete) {
    // Cut short: no last chunk, so the client sees the body is not whole.
    return write(std::move(t.bytes), [this] { close(); });
  }
  t.bytes.append(kLastChunk);
  write(std::move(t.bytes), [this] {
    channel_.reset();
    after_answer();
  });
}

// ---- live bodies (held by the loop) -------------------------------------------

void Connection::start_live(std::string head) {
  if (state_ == State::kClosed) return;
  if (server_.stopping) return close();
  state_ = State::kLive;
  server_.live.insert(this);
  live_backlog_ = std::move(head) + chunk_of(live_->start());
  buffer_.clear();
  buffer_.shrink_to_fit();
  // The client sends nothing more: a read that ends means it went away.
  stream_.expires_never();
  stream_.async_read_some(net::buffer(watch_), [self = shared_from_this()](
                                                   beast::error_code, size_t) { self->close(); });
  flush_live();
  arm_heartbeat();
}

void Connection::arm_heartbeat() {
  if (!heartbeat_) heartbeat_.emplace(server_.loop);
  heartbeat_->expires_after(Millis(live_->heartbeat_ms()));
  heartbeat_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ != State::kLive) return;
    self->live_next(true);
    if (self->state_ == State::kLive) self->arm_heartbeat();
  });
}

void Connection::live_next(bool heartbeat) {
  if (state_ != State::kLive || live_ending_) return;
  std::optional<std::string> text = live_->next(heartbeat);
  if (!text) {
    live_ending_ = true;
    live_backlog_ += kLastChunk;
    if (!writing_) flush_live();
    return;
  }
  if (!text->empty()) send_live(*text);
}

void Connection::send_live(const std::string& text) {
  live_backlog_ += chunk_of(text);
  if (live_backlog_.size() > kMaxLiveBacklog) {
    spdlog::info("{}: live stream not read ({} bytes waiting): closed", address_,
                 live_backlog_.size());
    return close();
  }
  if (!writing_) flush_live();
}

void Connection::flush_live() {
  if (live_backlog_.empty()) {
    if (live_ending_) close();
    return;
  }
  std::string bytes;
  bytes.swap(live_backlog_);
  write(std::move(bytes), [this] { flush_live(); });
}

void Connection::close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if (channel_) {
    channel_->close();
    channel_.reset();
  }
  if (heartbeat_) heartbeat_->cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  server_.forget(this, address_);
}

// ---- the server ------------------------------------------------------------

void HttpServer::Impl::accept() {
  acceptor.async_accept(
      [this](beast::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors, most likely: try again shortly, not in a spin.
    spdlog::warn("accept: {}", ec.message());
    accept_retry.expires_after(Millis(100));
    accept_retry.async_wait([this](beast::error_code e) {
      if (!e && !stopping) accept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::string address = socket.remote_endpoint(ignored).address().to_string();
  auto c = std::make_shared<Connection>(*this, std::move(socket), address);
  int& from_address = per_address[address];
  if (static_cast<int>(connections.size()) >= limits.max_connections) {
    if (from_address == 0) per_address.erase(address);
    c->refuse(503, "the server holds its maximum of " + std::to_string(limits.max_connections) +
                       " connections (--max-connections); retry in 1 s");
  } else if (from_address >= limits.max_connections_per_address) {
    c->refuse(503, "too many connections from this address (" +
                       std::to_string(limits.max_connections_per_address) +
                       ", --max-connections-per-address); retry in 1 s");
  } else {
    ++from_address;
    connections.emplace(c.get(), c);
    c->start();
  }
  accept();
}

void HttpServer::Impl::forget(Connection* c, const std::string& address) {
  live.erase(c);
  if (connections.erase(c) > 0) {
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
  }
  if (stopping && connections.empty() && !stop_done) {
    stop_done = true;
    loop.stop();
  }
}

void HttpServer::Impl::begin_stop() {
  if (stop_done) return;
  stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  live_timer.cancel();
  std::vector<std::shared_ptr<Connection>> open;
  for (auto& [ptr, weak] : connections) {
    if (auto c = weak.lock()) open.push_back(c);
  }
  for (auto& c : open) c->on_stop();
  if (connections.empty()) {
    stop_done = true;
    loop.stop();
    return;
  }
  spdlog::info("stopping: {} request(s) in flight, up to {} ms", connections.size(),
               limits.stop_grace_ms);
  stop_timer.expires_after(Millis(limits.stop_grace_ms));
  stop_timer.async_wait([this](beast::error_code ec) {
    if (ec) return;
    spdlog::warn("stopping: {} connection(s) still busy after {} ms: closed", connections.size(),
                 limits.stop_grace_ms);
    std::vector<std::shared_ptr<Connection>> rest;
    for (auto& [ptr, weak] : connections) {
      if (auto c = weak.lock()) rest.push_back(c);
    }
    for (auto& c : rest) c->close();
    if (!stop_done) {
      stop_done = true;
      loop.stop();
    }
  });
}

void HttpServer::Impl::schedule_fan_out() {
  const auto due = last_fan_out + Millis(limits.live_min_gap_ms);
  if (SteadyClock::now() >= due) return fan_out();
  live_timer.expires_at(due);
  live_timer.async_wait([this](beast::error_code ec) {
    if (!ec) fan_out();
  });
}

void HttpServer::Impl::fan_out() {
  wake_pending = false;
  last_fan_out = SteadyClock::now();
  std::vector<std::shared_ptr<Connection>> open;
  open.reserve(live.size());
  for (Connection* c : live) {
    auto it = connections.find(c);
    if (it == connections.end()) continue;
    if (auto strong = it->second.lock()) open.push_back(std::move(strong));
  }
  for (auto& c : open) c->live_next(false);
}

void HttpServer::Impl::run_handler(Request& req, Response& res) {
  try {
    handler(req, res);
    return;
  } catch (const std::exception& e) {
    spdlog::error("{} {}: unhandled exception: {}", req.method, loggable_path(req.path), e.what());
  }
  res = Response();
  refusal(500, "internal error; see the server log", res);
  res.status = 500;
}

Response HttpServer::Impl::refusal_of(int status, const std::string& message) {
  Response res;
  refusal(status, message, res);
  res.status = status;
  return res;
}

HttpServer::HttpServer(ServerLimits limits, Handler handler, Refusal refusal)
    : impl_(std::make_unique<Impl>(limits, std::move(handler), std::move(refusal))) {}

HttpServer::~HttpServer() {
  impl_->workers.join();
  impl_->producers.join();
}

Result<int> HttpServer::bind(const std::string& host, int port) {
  beast::error_code ec;
  tcp::resolver resolver(impl_->loop);
  auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  const std::string where = host + ":" + std::to_string(port);
  if (ec || found.empty()) {
    return Status(ErrorCode::kIoError,
                  "cannot listen on " + where + " (not an address of this machine)");
  }
  const tcp::endpoint endpoint = found.begin()->endpoint();
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  // SO_REUSEADDR only: a restarted server takes its port back at once, but a
  // second server on a port in use fails to bind (SO_REUSEPORT would let
  // both listen and split the requests between their databases).
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close(ec);
    return Status(ErrorCode::kIoError, "cannot listen on " + where +
                                           " (address in use, or not an address of this machine)");
  }
  return static_cast<int>(a.local_endpoint().port());
}

void HttpServer::run() {
  impl_->accept();
  impl_->loop.run();
  // Handlers still running finish before the services they use go away;
  // producers end at their next chunk, their connections being closed.
  impl_->workers.join();
  impl_->producers.join();
}

void HttpServer::stop() {
  net::post(impl_->loop, [impl = impl_.get()] { impl->begin_stop(); });
}

void HttpServer::wake_live_bodies() {
  if (impl_->wake_pending.exchange(true)) return;
  net::post(impl_->loop, [impl = impl_.get()] { impl->schedule_fan_out(); });
}

}  // namespace leadloop::http
