// GET /api/v1/stream: server-sent events that tell a page the leads changed,
// so it reads its figures again (web/src/live.ts). The events carry no data
// of a lead, only the change count, so the stream needs the report roles
// and no scoping. Each stream holds a server thread: their number is
// capped (ChangeFeed), each ends after kLifetime (the browser reconnects by
// itself) and one whose client went away ends within two heartbeats.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "api/change_feed.h"
#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

using httplib::Request;
using httplib::Response;
using Clock = std::chrono::steady_clock;

// A client that went away is noticed at the second write after it left:
// heartbeats keep that within two seconds.
constexpr auto kHeartbeat = std::chrono::seconds(1);
constexpr auto kLifetime = std::chrono::minutes(5);
// Changes closer together than this go out as one event, so a bulk load
// does not make every page read its reports a thousand times.
constexpr auto kMinGap = std::chrono::milliseconds(100);

struct Stream {
  std::shared_ptr<ChangeFeed::Listener> place;
  uint64_t seen = 0;
  Clock::time_point started = Clock::now();
  Clock::time_point last_event{};
  bool greeted = false;
};

std::string event(std::string_view name, uint64_t generation) {
  return "event: " + std::string(name) + "\ndata: " + std::to_string(generation) + "\n\n";
}

// The next piece of the stream: a greeting, a change, or a heartbeat that
// finds out whether the client is still there. Empty: the stream ends.
std::string next_message(ChangeFeed& feed, Stream& s) {
  if (!s.greeted) {
    s.greeted = true;
    s.seen = feed.generation();
    return "retry: 1000\n" + event("ready", s.seen);
  }
  if (feed.closed() || Clock::now() - s.started > kLifetime) return {};
  const auto gap = Clock::now() - s.last_event;
  if (gap < kMinGap) std::this_thread::sleep_for(kMinGap - gap);
  const uint64_t now =
      feed.wait(s.seen, std::chrono::duration_cast<std::chrono::milliseconds>(kHeartbeat));
  if (feed.closed()) return {};
  if (now == s.seen) return ": heartbeat\n\n";
  s.seen = now;
  s.last_event = Clock::now();
  return event("change", now);
}

void get_stream(RouteContext& ctx, const Request&, Response& res) {
  ChangeFeed& feed = ctx.services.changes;
  auto place = feed.listen();
  if (!place) {
    res.set_header("Retry-After", "5");
    return send_error(
        res, Status(ErrorCode::kTooManyRequests, "too many live streams are open; retry in 5 s"));
  }
  auto stream = std::make_shared<Stream>();
  stream->place = std::move(place);
  res.status = 200;
  res.set_chunked_content_provider("text/event-stream",
                                   [&feed, stream](size_t, httplib::DataSink& sink) {
                                     const std::string message = next_message(feed, *stream);
                                     if (message.empty()) {
                                       sink.done();
                                       return true;
                                     }
                                     return sink.write(message.data(), message.size());
                                   });
}

}  // namespace

std::vector<Route> stream_routes() { return {{{"GET", "/api/v1/stream", true}, get_stream}}; }

}  // namespace leadloop::api
