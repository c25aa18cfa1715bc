// GET /api/v1/stream: server-sent events that tell a page the leads changed,
// so it reads its figures again (web/src/live.ts). The events carry no data
// of a lead, only the change count, so the stream needs the report roles
// and no scoping. A stream is held by the server's event loop, not by a
// thread: the change feed wakes the loop, which sends each open stream its
// event; a heartbeat timer keeps proxies from cutting a quiet stream. Their
// number is capped (ChangeFeed, --max-streams) and each ends after
// kLifetime (the browser reconnects by itself).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "api/change_feed.h"
#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;
using Clock = std::chrono::steady_clock;

// Well inside a proxy's idle timeout (haproxy's `timeout server`, often 30
// s or more). A client that goes away is noticed at once, by the loop.
constexpr int kHeartbeatMs = 5000;
constexpr auto kLifetime = std::chrono::minutes(5);
// Changes closer together than 100 ms go out as one event (the server's
// live_min_gap_ms), so a bulk load does not make every page read its
// reports a thousand times.

std::string event(std::string_view name, uint64_t generation) {
  return "event: " + std::string(name) + "\ndata: " + std::to_string(generation) + "\n\n";
}

// One open stream: a greeting, then a change event whenever the feed's
// generation moved, or a heartbeat. Called on the server's loop only.
class ChangeStream final : public http::LiveBody {
 public:
  ChangeStream(ChangeFeed& feed, std::shared_ptr<ChangeFeed::Listener> place)
      : feed_(feed), place_(std::move(place)) {}

  std::string start() override {
    seen_ = feed_.generation();
    return "retry: 1000\n" + event("ready", seen_);
  }

  std::optional<std::string> next(bool heartbeat) override {
    if (feed_.closed() || Clock::now() - started_ > kLifetime) return std::nullopt;
    const uint64_t now = feed_.generation();
    if (now != seen_) {
      seen_ = now;
      return event("change", now);
    }
    return heartbeat ? std::string(": heartbeat\n\n") : std::string();
  }

  int heartbeat_ms() const override { return kHeartbeatMs; }

 private:
  ChangeFeed& feed_;
  std::shared_ptr<ChangeFeed::Listener> place_;  // freed with the stream
  const Clock::time_point started_ = Clock::now();
  uint64_t seen_ = 0;
};

void get_stream(RouteContext& ctx, const Request&, Response& res) {
  ChangeFeed& feed = ctx.services.changes;
  auto place = feed.listen();
  if (!place) {
    res.set_header("Retry-After", "5");
    return send_error(res, Status(ErrorCode::kTooManyRequests,
                                  "too many live streams are open (--max-streams); retry in 5 s"));
  }
  res.status = 200;
  res.set_live_body("text/event-stream", std::make_shared<ChangeStream>(feed, std::move(place)));
}

}  // namespace

std::vector<Route> stream_routes() { return {{{"GET", "/api/v1/stream", true}, get_stream}}; }

}  // namespace leadloop::api
