#include "api/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <regex>
#include <thread>

#include "api/errors.h"
#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

// "/api/v1/leads/{id}" -> "/api/v1/leads/([^/]+)"
std::string path_regex(const std::string& path) {
  static const std::regex kParam(R"(\{[a-z_]+\})");
  std::string escaped = std::regex_replace(path, std::regex(R"(\.)"), R"(\.)");
  return std::regex_replace(escaped, kParam, "([^/]+)");
}

Status authenticate(TokenAuthority& tokens, const httplib::Request& req, Principal* out) {
  std::string auth = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
    return Status(ErrorCode::kUnauthorized,
                  "a valid API token is required: send 'Authorization: Bearer <token>' "
                  "(create one with `leadloop token create --role admin`)");
  }
  auto p = tokens.verify(std::string_view(auth).substr(kBearer.size()));
  if (!p.ok()) return p.status();
  *out = *p;
  return Status();
}

// Who writes through a public route: the holder of a feedback link, named
// by the link (never by its token, which is a credential), or "public".
// Looked up before the handler runs, since answering uses the link up.
AuditEntry link_holder(FeedbackLinks& links, const RouteInfo& route, const httplib::Request& req) {
  AuditEntry who;
  who.actor = "public";
  if (route.path.starts_with("/feedback/{token}") && req.matches.size() > 1) {
    auto link = links.verify(req.matches[1].str());
    if (link.ok()) {
      who.actor = "link:" + std::to_string(link->id);
      who.record = "lead:" + std::to_string(link->lead_id);
    }
  }
  return who;
}

Status status_for_http(int http) {
  switch (http) {
    case 404: return Status(ErrorCode::kNotFound, "no such route; see /api/v1/openapi.json");
    case 413: return Status(ErrorCode::kPayloadTooLarge, "the request body is larger than the server accepts (see --max-body)");
    case 400: return Status(ErrorCode::kInvalidValue, "the request is malformed");
    case 405: return Status(ErrorCode::kNotFound, "method not allowed on this route");
    default: return Status(ErrorCode::kInternal, "HTTP " + std::to_string(http));
  }
}

}  // namespace

ApiServer::ApiServer(Services services, ServerConfig config)
    : services_(services), config_(std::move(config)), http_(std::make_unique<httplib::Server>()) {
  httplib::Server& s = *http_;
  const int threads = config_.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(config_.max_body_bytes);
  s.set_keep_alive_max_count(1000);
  s.set_read_timeout(60, 0);
  s.set_write_timeout(60, 0);

  for (const Route& route : route_table()) {
    const Route* r = &route;
    const bool audited = audited_route(r->info);
    auto handler = [this, r, audited](const httplib::Request& req, httplib::Response& res) {
      Principal principal;
      AuditEntry who;
      if (r->info.authenticated) {
        // Without a valid token there is no one to name: a refused request
        // is in the access log, not the audit log.
        Status st = authenticate(services_.tokens, req, &principal);
        if (!st.ok()) return send_error(res, st);
        who.actor = principal.actor();
        who.role = std::string(role_name(principal.role));
      } else if (audited) {
        who = link_holder(services_.feedback_links, r->info, req);
      }
      RouteContext ctx{services_, config_, principal};
      r->handler(ctx, req, res);
      if (audited) {
        who.at = services_.clock.now();
        record_audit(services_.store, std::move(who), r->info, req, res);
      }
    };
    std::string pattern = path_regex(r->info.path);
    if (r->info.method == "GET") {
      s.Get(pattern, handler);
    } else if (r->info.method == "POST") {
      s.Post(pattern, handler);
    } else if (r->info.method == "PUT") {
      s.Put(pattern, handler);
    }
  }

  if (config_.manual_clock) add_clock_routes();

  // Every error leaves as the one JSON shape, also those httplib makes
  // itself (unknown route, body over the limit).
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
    Status st = status_for_http(res.status);
    res.set_content(error_body(st), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("{} {}: unhandled exception: {}", req.method, req.path, what);
    send_error(res, Status(ErrorCode::kInternal, "internal error; see the server log"));
  });
  s.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
  });
  s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    // A feedback link's token is a credential: it stays out of the log.
    constexpr std::string_view kFeedback = "/feedback/";
    std::string_view path = req.path;
    if (path.starts_with(kFeedback)) path = "/feedback/<token>";
    spdlog::info("{} {} {} {}B", req.method, path, res.status, req.body.size());
  });
}

ApiServer::~ApiServer() = default;

Result<int> ApiServer::bind() {
  int port = config_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(config_.host);
    if (port < 0) port = -1;
  } else if (!http_->bind_to_port(config_.host, port)) {
    port = -1;
  }
  if (port < 0) {
    return Status(ErrorCode::kIoError, "cannot listen on " + config_.host + ":" +
                                           std::to_string(config_.port) +
                                           " (address in use, or not an address of this machine)");
  }
  return port;
}

Result<FollowUpRun> ApiServer::run_timers() {
  std::lock_guard lock(timer_mu_);
  auto run = services_.follow_up.run_due();
  if (!run.ok()) {
    spdlog::error("follow-up timers: {}", run.status().to_string());
  } else if (run->fired() > 0) {
    spdlog::info("follow-up: {} SLA breaches, {} reassigned, {} back in the queue, {} decayed", run->breached,
                 run->reassigned, run->requeued, run->decayed);
  }
  return run;
}

// The test clock: GET shows it, POST {"now"} moves it forward and fires the
// timers due by then. Only with --manual-clock, admin only; not part of the
// public route table.
void ApiServer::add_clock_routes() {
  auto guard = [this](const httplib::Request& req, httplib::Response& res) {
    Principal principal;
    if (Status st = authenticate(services_.tokens, req, &principal); !st.ok()) {
      send_error(res, st);
      return false;
    }
    if (principal.role != Role::kAdmin) {
      send_error(res, Status(ErrorCode::kForbidden, "only an admin token moves the clock"));
      return false;
    }
    return true;
  };
  http_->Get("/api/v1/clock", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    send_json(res, 200, {{"now", format_time(config_.manual_clock->now())}});
  });
  http_->Post("/api/v1/clock", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    auto body = Json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("now") || !body["now"].is_string()) {
      return send_error(res, Status(ErrorCode::kMissingField, "send {\"now\": \"2026-03-02T13:00:00Z\"}", "now"));
    }
    auto t = parse_time(body["now"].get<std::string>());
    if (!t.ok()) return send_error(res, t.status().with_field("now"));
    {
      std::lock_guard lock(timer_mu_);
      if (*t < config_.manual_clock->now()) {
        return send_error(res, Status(ErrorCode::kInvalidValue, "the clock only moves forward", "now"));
      }
      config_.manual_clock->set(*t);
    }
    auto run = run_timers();
    if (!run.ok()) return send_error(res, run.status());
    send_json(res, 200, follow_up_json(*run, *t));
  });
}

void ApiServer::serve() {
  // A stop() that came before the server ran would otherwise be lost.
  std::thread stopper([this] {
    while (!stop_requested_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    while (!http_->is_running() && !serve_done_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    http_->stop();
  });
  // Follow-up timers fire from here; they are durable, so a timer missed
  // while the server was down fires on the first tick.
  std::thread ticker([this] {
    auto next = std::chrono::steady_clock::now();
    while (!stop_requested_) {
      if (std::chrono::steady_clock::now() >= next) {
        (void)run_timers();
        next = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.timer_interval_ms);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  if (!stop_requested_) http_->listen_after_bind();
  serve_done_ = true;
  stop_requested_ = true;
  stopper.join();
  ticker.join();
}

void ApiServer::stop() { stop_requested_ = true; }

}  // namespace leadloop::api
