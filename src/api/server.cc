#include "api/server.h"

#include <httplib.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <regex>
#include <thread>

#include "api/change_feed.h"
#include "api/errors.h"
#include "api/request.h"
#include "api/route_policy.h"
#include "api/routes.h"
#include "domain/budget.h"
#include "engine/privacy.h"

namespace leadloop::api {

namespace {

// "/api/v1/leads/{id}" -> "/api/v1/leads/([^/]+)"
std::string path_regex(const std::string& path) {
  static const std::regex kParam(R"(\{[a-z_]+\})");
  std::string escaped = std::regex_replace(path, std::regex(R"(\.)"), R"(\.)");
  return std::regex_replace(escaped, kParam, "([^/]+)");
}

// The session cookie's value in a Cookie header, or "".
std::string session_cookie(const httplib::Request& req) {
  const std::string cookies = req.get_header_value("Cookie");
  std::string_view rest = cookies;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with(kSessionCookie) && part.size() > kSessionCookie.size() &&
        part[kSessionCookie.size()] == '=') {
      return std::string(part.substr(kSessionCookie.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return {};
}

// A write made with a session cookie must echo the session's CSRF token, in
// the X-CSRF-Token header or, for a form post, a csrf_token field. A page
// of another site can make the browser send the cookie, never the token.
Status check_csrf(const Principal& p, const httplib::Request& req) {
  if (req.method == "GET" || req.method == "HEAD") return Status();
  std::string sent = req.get_header_value("X-CSRF-Token");
  // A form post's field, from the body only: a token in the URL would end
  // up in logs and histories.
  if (sent.empty() &&
      req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded")) {
    std::string_view body = req.body;
    while (!body.empty()) {
      const size_t amp = body.find('&');
      std::string_view field = body.substr(0, amp);
      if (field.starts_with("csrf_token=")) sent = std::string(field.substr(11));
      if (amp == std::string_view::npos) break;
      body.remove_prefix(amp + 1);
    }
  }
  if (sent.size() != p.csrf.size() || sodium_memcmp(sent.data(), p.csrf.data(), sent.size()) != 0) {
    return Status(ErrorCode::kForbidden,
                  "a write with a session cookie must carry the session's CSRF token in the "
                  "X-CSRF-Token header "
                  "(GET /api/v1/session shows it)",
                  "X-CSRF-Token");
  }
  return Status();
}

// An API token (Authorization: Bearer) or a session cookie.
Status authenticate(Services& services, const httplib::Request& req, Principal* out) {
  std::string auth = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!auth.empty()) {
    if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
      return Status(ErrorCode::kUnauthorized, "send the token as 'Authorization: Bearer <token>'");
    }
    auto p = services.tokens.verify(std::string_view(auth).substr(kBearer.size()));
    if (!p.ok()) return p.status();
    *out = *p;
    return Status();
  }
  std::string cookie = session_cookie(req);
  if (cookie.empty()) {
    return Status(
        ErrorCode::kUnauthorized,
        "sign in (POST /api/v1/session) or send an API token as 'Authorization: Bearer <token>' "
        "(create one with `leadloop token create --role admin`)");
  }
  auto p = services.users.verify_session(cookie);
  if (!p.ok()) return p.status();
  LEADLOOP_RETURN_IF_ERROR(check_csrf(*p, req));
  *out = *p;
  return Status();
}

Status forbidden(const Principal& p, RoleSet allowed) {
  return Status(ErrorCode::kForbidden, "this needs one of the roles " + allowed.text() +
                                           "; the caller has " + p.roles.text());
}

// The client a rate limit counts against: the caller once known, else the
// address.
std::string client_key(const Principal& p, const httplib::Request& req) {
  if (p.token_id) return "t" + std::to_string(p.token_id);
  if (p.user_id) return "u" + std::to_string(p.user_id);
  return "a" + req.remote_addr;
}

int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void too_many(httplib::Response& res, int64_t retry_ms, const std::string& what) {
  res.set_header("Retry-After", std::to_string((retry_ms + 999) / 1000));
  send_error(res, Status(ErrorCode::kTooManyRequests,
                         what + "; retry in " + std::to_string((retry_ms + 999) / 1000) + " s"));
}

// Headers every answer carries. Pages set their own Content-Security-Policy
// and Referrer-Policy; the API's JSON gets the strictest.
void security_headers(httplib::Response& res, bool behind_tls) {
  auto put = [&](const char* name, const char* value) {
    if (!res.has_header(name)) res.set_header(name, value);
  };
  put("X-Content-Type-Options", "nosniff");
  put("Cache-Control", "no-store");
  put("X-Frame-Options", "DENY");
  put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  put("Referrer-Policy", "no-referrer");
  put("Cross-Origin-Opener-Policy", "same-origin");
  put("Cross-Origin-Resource-Policy", "same-origin");
  put("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  if (behind_tls) put("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

// Who writes through a public route: the holder of a feedback link, named
// by the link (never by its token, which is a credential), the login a
// sign-in is for, or "public". Looked up before the handler runs, since
// answering uses the link up.
AuditEntry public_caller(FeedbackLinks& links, const RouteInfo& route,
                         const httplib::Request& req) {
  AuditEntry who;
  who.actor = "public";
  if (route.path == "/api/v1/session") {
    auto body = Json::parse(req.body, nullptr, false);
    if (body.is_object() && body.contains("login") && body["login"].is_string() &&
        check_login(body["login"].get<std::string>()).ok()) {
      who.record = "user:" + body["login"].get<std::string>();
    }
    return who;
  }
  if (route.path.starts_with("/feedback/{token}") && req.matches.size() > 1) {
    auto link = links.verify(req.matches[1].str());
    if (link.ok()) {
      who.actor = "link:" + std::to_string(link->id);
      who.record = "lead:" + std::to_string(link->lead_id);
    }
  }
  return who;
}

// The budget of one request on `route` (ServerConfig), or none when both
// are off.
std::shared_ptr<RequestBudget> request_budget(const ServerConfig& c, const RouteInfo& route) {
  const bool long_route = export_budget_route(route);
  const double seconds = long_route ? c.export_time_budget_s : c.request_time_budget_s;
  if (seconds <= 0 && c.request_memory_budget_mb <= 0) return nullptr;
  const auto time = std::chrono::duration_cast<RequestBudget::SteadyClock::duration>(
      std::chrono::duration<double>(std::max(0.0, seconds)));
  return std::make_shared<RequestBudget>(time, c.request_memory_budget_mb << 20,
                                         long_route ? "--export-time-budget" : "--request-time-budget",
                                         "--request-memory-budget");
}

// After the handler: a request cut by its budget, or a read that ended
// past it, is answered with the budget's error, and what it built is
// dropped. A write that was not cut keeps its answer: its work is
// committed. A streamed answer has its own check (stream_csv).
void end_budget(httplib::Response& res, const RouteInfo& route) {
  const std::shared_ptr<RequestBudget> budget = current_budget();
  if (budget == nullptr || res.content_provider_) return;
  Status st = route.method == "GET" ? check_budget_now() : budget->status();
  if (st.ok()) return;
  spdlog::warn("{} {} cancelled: {}", route.method, route.path, st.message());
  res = httplib::Response();
  send_error(res, st);
}

Status status_for_http(int http) {
  switch (http) {
    case 404:
      return Status(ErrorCode::kNotFound, "no such route; see /api/v1/openapi.json");
    case 413:
      return Status(ErrorCode::kPayloadTooLarge,
                    "the request body is larger than the server accepts (see --max-body)");
    case 400:
      return Status(ErrorCode::kInvalidValue, "the request is malformed");
    case 405:
      return Status(ErrorCode::kNotFound, "method not allowed on this route");
    default:
      return Status(ErrorCode::kInternal, "HTTP " + std::to_string(http));
  }
}

}  // namespace

// Exports and imports (and activation, which re-grades every lead) get
// the export time budget; every other route the request time budget.
bool export_budget_route(const RouteInfo& route) {
  static const std::array<std::pair<std::string_view, std::string_view>, 4> kLong = {{
      {"GET", "/api/v1/exports/leads.csv"},
      {"GET", "/api/v1/exports/events.csv"},
      {"POST", "/api/v1/imports"},
      {"POST", "/api/v1/definition/versions/{version}/activate"},
  }};
  return std::any_of(kLong.begin(), kLong.end(),
                     [&](const auto& e) { return e.first == route.method && e.second == route.path; });
}

ApiServer::ApiServer(Services services, ServerConfig config)
    : services_(services),
      config_(std::move(config)),
      http_(std::make_unique<httplib::Server>()),
      requests_(config_.rate_limit, config_.rate_limit * 2),
      logins_(config_.logins_per_minute / 60.0, config_.logins_per_minute) {
  httplib::Server& s = *http_;
  const int threads = config_.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(config_.max_body_bytes);
  s.set_keep_alive_max_count(1000);
  s.set_read_timeout(60, 0);
  s.set_write_timeout(60, 0);
  // SO_REUSEADDR only: a restarted server takes its port back at once, but a
  // second server on a port in use fails to bind. httplib's default adds
  // SO_REUSEPORT, under which two servers share the port and the kernel
  // splits the requests between them (and their databases).
  // No Nagle: an answer's headers and body are separate writes, and the
  // body waited for the client's delayed ACK (40 ms per request on Linux).
  s.set_tcp_nodelay(true);
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  for (const Route& route : route_table()) {
    const Route* r = &route;
    const bool audited = audited_route(r->info);
    // Fail closed: a route the policy table does not name admits no one.
    const RoleSet allowed = route_roles(r->info.method, r->info.path).value_or(RoleSet{});
    if (r->info.authenticated && allowed.empty()) {
      spdlog::error(
          "{} {} is not in the route policy (src/api/route_policy.cc): refused to everyone",
          r->info.method, r->info.path);
    }
    const bool is_login = r->info.method == "POST" && r->info.path == "/api/v1/session";
    auto handler = [this, r, audited, allowed, is_login](const httplib::Request& req,
                                                         httplib::Response& res) {
      Principal principal;
      AuditEntry who;
      int64_t retry_ms = 0;
      if (r->info.authenticated) {
        // Without valid credentials there is no one to name: a refused
        // request is in the access log, not the audit log.
        Status st = authenticate(services_, req, &principal);
        if (!st.ok()) {
          // Guessing tokens counts against the address.
          if (!requests_.allow(client_key(principal, req), monotonic_ms(), &retry_ms)) {
            return too_many(res, retry_ms, "too many requests from this address");
          }
          return send_error(res, st);
        }
        if (!requests_.allow(client_key(principal, req), monotonic_ms(), &retry_ms)) {
          return too_many(res, retry_ms, "too many requests (--rate-limit)");
        }
        who.actor = principal.actor();
        who.role = principal.roles.text();
      } else {
        if (is_login && !logins_.allow(req.remote_addr, monotonic_ms(), &retry_ms)) {
          return too_many(res, retry_ms, "too many sign-in attempts from this address");
        }
        if (!requests_.allow(client_key(principal, req), monotonic_ms(), &retry_ms)) {
          return too_many(res, retry_ms, "too many requests from this address");
        }
        if (audited) who = public_caller(services_.feedback_links, r->info, req);
      }
      if (r->info.authenticated && !principal.roles.any_of(allowed)) {
        send_error(res, forbidden(principal, allowed));
      } else {
        RouteContext ctx{services_, config_, principal};
        ScopedBudget budget(request_budget(config_, r->info));
        r->handler(ctx, req, res);
        end_budget(res, r->info);
      }
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
  const bool tls = config_.behind_tls;
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([tls](const httplib::Request&, httplib::Response& res) {
        security_headers(res, tls);
        if (!res.body.empty() || res.content_provider_)
          return httplib::Server::HandlerResponse::Unhandled;
        Status st = status_for_http(res.status);
        res.set_content(error_body(st), "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
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
  // Compression is gzip only. httplib prefers brotli when a client offers
  // it (every browser does) and runs it at quality 11: 115 ms for a page of
  // 50 leads and 370 ms for the app's script, against 5 and 9 ms with gzip.
  // The request is httplib's own object, not a const one, so the offer is
  // narrowed here, before any handler or the compressor reads it.
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    auto& headers = const_cast<httplib::Request&>(req).headers;
    if (auto it = headers.find("Accept-Encoding"); it != headers.end()) {
      const bool gzip = it->second.find("gzip") != std::string::npos;
      headers.erase("Accept-Encoding");
      if (gzip) headers.emplace("Accept-Encoding", "gzip");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_post_routing_handler(
      [tls](const httplib::Request&, httplib::Response& res) { security_headers(res, tls); });
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
    spdlog::info("follow-up: {} SLA breaches, {} reassigned, {} back in the queue, {} decayed",
                 run->breached, run->reassigned, run->requeued, run->decayed);
  }
  const TimePoint now = services_.clock.now();
  if (last_goal_check_ == 0 || now - last_goal_check_ >= kMillisPerMinute) {
    last_goal_check_ = now;
    auto sent = services_.goals.check_behind();
    if (!sent.ok()) {
      spdlog::error("goals: {}", sent.status().to_string());
    } else if (*sent > 0) {
      spdlog::info("goals: {} goal(s) fell behind; their messages are in the outbox", *sent);
    }
  }
  if (config_.retention_days > 0 &&
      (last_retention_ == 0 || now - last_retention_ >= kMillisPerHour)) {
    last_retention_ = now;
    Privacy privacy(services_.store, services_.clock, services_.intake, &services_.router);
    auto erased = privacy.erase_closed_before(now - int64_t{config_.retention_days} * kMillisPerDay,
                                              "retention");
    if (!erased.ok()) {
      spdlog::error("retention: {}", erased.status().to_string());
    } else if (*erased > 0) {
      spdlog::info("retention: erased {} closed lead(s) not updated for {} days", *erased,
                   config_.retention_days);
    }
  }
  return run;
}

// The test clock: GET shows it, POST {"now"} moves it forward and fires the
// timers due by then. Only with --manual-clock, admin only; not part of the
// public route table.
void ApiServer::add_clock_routes() {
  auto guard = [this](const httplib::Request& req, httplib::Response& res) {
    Principal principal;
    if (Status st = authenticate(services_, req, &principal); !st.ok()) {
      send_error(res, st);
      return false;
    }
    if (!principal.has(Role::kAdmin)) {
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
      return send_error(
          res, Status(ErrorCode::kMissingField, "send {\"now\": \"2026-03-02T13:00:00Z\"}", "now"));
    }
    auto t = parse_time(body["now"].get<std::string>());
    if (!t.ok()) return send_error(res, t.status().with_field("now"));
    {
      std::lock_guard lock(timer_mu_);
      if (*t < config_.manual_clock->now()) {
        return send_error(res,
                          Status(ErrorCode::kInvalidValue, "the clock only moves forward", "now"));
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
    while (!http_->is_running() && !serve_done_)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    http_->stop();
  });
  // Follow-up timers fire from here; they are durable, so a timer missed
  // while the server was down fires on the first tick.
  std::thread ticker([this] {
    auto next = std::chrono::steady_clock::now();
    while (!stop_requested_) {
      if (std::chrono::steady_clock::now() >= next) {
        (void)run_timers();
        next =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.timer_interval_ms);
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

void ApiServer::stop() {
  stop_requested_ = true;
  // Live streams end now, not at their next heartbeat.
  services_.changes.close();
}

}  // namespace leadloop::api
