#include "api/server.h"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

#include "api/change_feed.h"
#include "api/errors.h"
#include "api/http/parsing.h"
#include "api/http/server.h"
#include "api/request.h"
#include "api/route_policy.h"
#include "api/routes.h"
#include "domain/budget.h"
#include "engine/privacy.h"

namespace leadloop::api {

namespace {

// The session cookie's value in a Cookie header, or "".
std::string session_cookie(const http::Request& req) {
  return http::cookie_value(req.get_header_value("Cookie"), kSessionCookie);
}

// A write made with a session cookie must echo the session's CSRF token, in
// the X-CSRF-Token header or, for a form post, a csrf_token field. A page
// of another site can make the browser send the cookie, never the token.
Status check_csrf(const Principal& p, const http::Request& req) {
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
Status authenticate(Services& services, const http::Request& req, Principal* out) {
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
std::string client_key(const Principal& p, const http::Request& req) {
  if (p.token_id) return "t" + std::to_string(p.token_id);
  if (p.user_id) return "u" + std::to_string(p.user_id);
  return "a" + req.remote_addr;
}

int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void too_many(http::Response& res, int64_t retry_ms, const std::string& what) {
  res.set_header("Retry-After", std::to_string((retry_ms + 999) / 1000));
  send_error(res, Status(ErrorCode::kTooManyRequests,
                         what + "; retry in " + std::to_string((retry_ms + 999) / 1000) + " s"));
}

// Headers every answer carries. Pages set their own Content-Security-Policy
// and Referrer-Policy; the API's JSON gets the strictest.
void security_headers(http::Response& res, bool behind_tls) {
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
                         const http::Request& req) {
  AuditEntry who;
  who.actor = "public";
  if (route.path == "/api/v1/session") {
    // Within the JSON limits, as every body is: this runs before sign-in.
    auto body = parse_json_object(req.body);
    if (body.ok() && body->contains("login") && (*body)["login"].is_string() &&
        check_login((*body)["login"].get<std::string>()).ok()) {
      who.record = "user:" + (*body)["login"].get<std::string>();
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
void end_budget(http::Response& res, const RouteInfo& route) {
  const std::shared_ptr<RequestBudget> budget = current_budget();
  if (budget == nullptr || res.producer || res.live) return;
  Status st = route.method == "GET" ? check_budget_now() : budget->status();
  if (st.ok()) return;
  spdlog::warn("{} {} cancelled: {}", route.method, route.path, st.message());
  res = http::Response();
  send_error(res, st);
}

// The answer to a request the HTTP layer refuses before any route: the one
// JSON error shape, with the security headers.
void refusal(bool behind_tls, int status, const std::string& message, http::Response& res) {
  ErrorCode code = ErrorCode::kInternal;
  switch (status) {
    case 400: code = ErrorCode::kInvalidValue; break;
    case 413:
    case 431: code = ErrorCode::kPayloadTooLarge; break;
    case 503:
      code = ErrorCode::kTooManyRequests;
      res.set_header("Retry-After", "1");
      break;
    default: break;
  }
  send_json_text(res, status, error_body(Status(code, message)));
  security_headers(res, behind_tls);
}

// The workers: as configured, else one per core and at least two (handlers
// block on the database, so one slow query never holds every request).
int worker_count(int configured) {
  if (configured > 0) return configured;
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

// Each connection is a descriptor: the soft limit goes up to the hard one,
// and the connection cap stays below what is left for files and the
// database.
int open_file_cap(int wanted) {
  constexpr int kReserved = 128;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return wanted;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  if (lim.rlim_cur == RLIM_INFINITY) return wanted;
  const auto room = static_cast<int64_t>(lim.rlim_cur) - kReserved;
  if (room >= wanted) return wanted;
  const int cap = static_cast<int>(std::max<int64_t>(room, 16));
  spdlog::warn("open files are limited to {}: at most {} connections (not {})", lim.rlim_cur, cap, wanted);
  return cap;
}

// A feedback link's token and a double opt-in link are credentials: they
// stay out of the log.
std::string_view log_path(std::string_view path) {
  constexpr std::string_view kFeedback = "/feedback/";
  constexpr std::string_view kConfirm = "/f/confirm/";
  if (path.starts_with(kConfirm)) return "/f/confirm/<token>";
  return path.starts_with(kFeedback) ? std::string_view("/feedback/<token>") : path;
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

struct ApiServer::CompiledRoute {
  std::string method;
  http::PathTemplate path;
  std::function<void(const http::Request&, http::Response&)> run;
};

ApiServer::ApiServer(Services services, ServerConfig config)
    : services_(services),
      config_(std::move(config)),
      requests_(config_.rate_limit, config_.rate_limit * 2),
      logins_(config_.logins_per_minute / 60.0, config_.logins_per_minute),
      form_posts_(config_.form_posts_per_minute / 60.0, config_.form_posts_per_minute) {
  for (const Route& route : route_table()) add_route(route);
  if (config_.manual_clock) add_clock_routes();

  http::ServerLimits limits;
  limits.max_body_bytes = config_.max_body_bytes;
  limits.header_timeout_ms = config_.header_timeout_ms;
  limits.idle_timeout_ms = config_.idle_timeout_ms;
  limits.min_body_rate = config_.min_body_rate;
  limits.stop_grace_ms = config_.stop_grace_ms;
  limits.max_connections = open_file_cap(config_.max_connections);
  limits.max_connections_per_address = config_.max_connections_per_address;
  limits.workers = worker_count(config_.threads);
  const bool tls = config_.behind_tls;
  http_ = std::make_unique<http::HttpServer>(
      limits, [this](http::Request& req, http::Response& res) { handle(req, res); },
      [tls](int status, const std::string& message, http::Response& res) {
        refusal(tls, status, message, res);
      });
  // A change wakes the loop, which sends every open stream its event.
  services_.changes.set_on_change([http = http_.get()] { http->wake_live_bodies(); });
}

// The per-route wrapper: credentials (token or session cookie with its
// CSRF token), rate limits, the route's roles, then the handler, then the
// audit row.
void ApiServer::add_route(const Route& route) {
  const Route* r = &route;
  const bool audited = audited_route(r->info);
  // Fail closed: a route the policy table does not name admits no one.
  const RoleSet allowed = route_roles(r->info.method, r->info.path).value_or(RoleSet{});
  if (r->info.authenticated && allowed.empty()) {
    spdlog::error("{} {} is not in the route policy (src/api/route_policy.cc): refused to everyone",
                  r->info.method, r->info.path);
  }
  const bool is_login = r->info.method == "POST" && r->info.path == "/api/v1/session";
  auto handler = [this, r, audited, allowed, is_login](const http::Request& req, http::Response& res) {
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
      RouteContext ctx{services_, config_, principal, &form_posts_};
      ScopedBudget budget(request_budget(config_, r->info));
      r->handler(ctx, req, res);
      end_budget(res, r->info);
    }
    if (audited) {
      who.at = services_.clock.now();
      record_audit(services_.store, std::move(who), r->info, req, res);
    }
  };
  routes_.push_back({r->info.method, http::parse_template(r->info.path), std::move(handler)});
}

ApiServer::~ApiServer() { services_.changes.set_on_change(nullptr); }

void ApiServer::handle(http::Request& req, http::Response& res) {
  // HEAD is GET without the body (the HTTP layer drops it).
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  bool path_known = false;
  const CompiledRoute* found = nullptr;
  std::vector<http::PathCapture> captures;
  for (const CompiledRoute& route : routes_) {
    if (!http::match_path(route.path, req.path, &captures)) continue;
    path_known = true;
    if (route.method == method) {
      found = &route;
      break;
    }
  }
  if (found) {
    req.matches = std::move(captures);
    found->run(req, res);
    // A write may have committed events or messages to deliver.
    if (method != "GET" && services_.deliveries) services_.deliveries->wake();
  } else if (path_known) {
    send_error(res, Status(ErrorCode::kNotFound, "method " + req.method + " not allowed on this route"));
  } else {
    send_error(res, Status(ErrorCode::kNotFound, "no such route; see /api/v1/openapi.json"));
  }
  security_headers(res, config_.behind_tls);
  spdlog::info("{} {} {} {}B", req.method, log_path(req.path), res.status > 0 ? res.status : 200,
               req.body.size());
}

Result<int> ApiServer::bind() { return http_->bind(config_.host, config_.port); }

Result<FollowUpRun> ApiServer::run_timers() {
  std::lock_guard lock(timer_mu_);
  auto run = services_.follow_up.run_due();
  if (!run.ok()) {
    spdlog::error("follow-up timers: {}", run.status().to_string());
  } else if (run->fired() > 0) {
    spdlog::info("follow-up: {} SLA breaches, {} reassigned, {} back in the queue, {} decayed",
                 run->breached, run->reassigned, run->requeued, run->decayed);
    if (services_.deliveries) services_.deliveries->wake();
  }
  if (services_.nurture) {
    auto n = services_.nurture->run_once();
    if (!n.ok()) {
      spdlog::error("nurture: {}", n.status().to_string());
    } else if (n->enrolled + n->exited + n->steps > 0) {
      spdlog::info("nurture: {} enrolled, {} exited, {} steps, {} mails", n->enrolled, n->exited, n->steps, n->sent);
      if (services_.deliveries) services_.deliveries->wake();
    }
  }
  const TimePoint now = services_.clock.now();
  if (last_goal_check_ == 0 || now - last_goal_check_ >= kMillisPerMinute) {
    last_goal_check_ = now;
    auto sent = services_.goals.check_behind();
    if (!sent.ok()) {
      spdlog::error("goals: {}", sent.status().to_string());
    } else if (*sent > 0) {
      spdlog::info("goals: {} goal(s) fell behind; their messages are in the outbox", *sent);
      if (services_.deliveries) services_.deliveries->wake();
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
  auto guard = [this](const http::Request& req, http::Response& res) {
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
  auto get = [this, guard](const http::Request& req, http::Response& res) {
    if (!guard(req, res)) return;
    send_json(res, 200, {{"now", format_time(config_.manual_clock->now())}});
  };
  auto post = [this, guard](const http::Request& req, http::Response& res) {
    if (!guard(req, res)) return;
    auto body = parse_json_object(req.body);
    if (!body.ok()) return send_error(res, body.status());
    if (!body->contains("now") || !(*body)["now"].is_string()) {
      return send_error(
          res, Status(ErrorCode::kMissingField, "send {\"now\": \"2026-03-02T13:00:00Z\"}", "now"));
    }
    auto t = parse_time((*body)["now"].get<std::string>());
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
    Json answer = follow_up_json(*run, *t);
    // Deliveries due by the new time go out before the answer, so a test
    // can walk days of retries in seconds.
    if (services_.deliveries) {
      auto sent = services_.deliveries->run_once();
      if (!sent.ok()) return send_error(res, sent.status());
      answer["deliveries"] = {{"new", sent->fanned_out}, {"attempts", sent->attempts},
                              {"delivered", sent->delivered}, {"failed", sent->failed}};
    }
    send_json(res, 200, answer);
  };
  routes_.push_back({"GET", http::parse_template("/api/v1/clock"), get});
  routes_.push_back({"POST", http::parse_template("/api/v1/clock"), post});
}

void ApiServer::serve() {
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
  http_->run();
  stop_requested_ = true;
  ticker.join();
}

void ApiServer::stop() {
  stop_requested_ = true;
  // Live streams end now, not at their next heartbeat.
  services_.changes.close();
  http_->stop();
}

}  // namespace leadloop::api
