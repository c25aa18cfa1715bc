// ApiServer serves the /api/v1 routes over HTTP on one address. It owns the
// HTTP server (api/http: an event loop and a worker pool) and the route
// table it dispatches to; the services it is given must outlive it. bind()
// then serve() blocks until stop() is called from another thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "access/feedback_links.h"
#include "access/policy.h"
#include "access/tokens.h"
#include "access/users.h"
#include "access/web_forms.h"
#include "api/rate_limit.h"
#include "delivery/endpoints.h"
#include "delivery/engine.h"
#include "engine/definition_review.h"
#include "engine/definition_versions.h"
#include "engine/dispatch.h"
#include "engine/follow_up.h"
#include "engine/intake.h"
#include "engine/lifecycle.h"
#include "io/csv_import.h"
#include "measure/goals.h"
#include "measure/reports.h"
#include "mail/settings.h"
#include "mail/unsubscribe.h"
#include "nurture/nurture_engine.h"

namespace leadloop::http {
class HttpServer;
struct Request;
struct Response;
}  // namespace leadloop::http

namespace leadloop::api {

class ChangeFeed;

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  size_t max_body_bytes = 32u << 20;
  size_t max_batch = 10000;
  // Handler threads (and as many for streamed exports); 0: one per core, at
  // least 2. Connections are held by one event-loop thread, not by these.
  int threads = 0;
  // Deadlines a slow client cannot stretch (docs/security.md): the whole
  // request header from its first byte, an idle keep-alive connection, the
  // body's average rate after a grace second, and how long a stop waits
  // for requests in flight.
  int header_timeout_ms = 10000;
  int idle_timeout_ms = 10000;
  int min_body_rate = 1024;  // bytes per second
  int stop_grace_ms = 10000;
  // Open connections per client address and in all; over either, a 503
  // with Retry-After. Bounded by the open-file limit, raised at start.
  int max_connections = 20000;
  int max_connections_per_address = 512;
  // Live streams (GET /api/v1/stream) open at once; the change feed holds
  // the count.
  int max_streams = 2000;
  std::string version = "dev";
  // How often serve() fires due follow-up timers.
  int timer_interval_ms = 1000;
  // Set only for tests and demos (`serve --manual-clock`): the services'
  // clock, moved by POST /api/v1/clock (admin), which also fires timers.
  ManualClock* manual_clock = nullptr;
  // Requests per second per client (token, user or address), with bursts
  // of twice that; 0: no limit.
  double rate_limit = 1000;
  // Posts of public web forms per minute from one address (bursts of as
  // many); 0: no limit of their own.
  double form_posts_per_minute = 20;
  // Sign-in attempts per minute from one address.
  double logins_per_minute = 30;
  // Served behind TLS (a proxy terminating HTTPS): session cookies are
  // Secure and responses carry Strict-Transport-Security. A request with
  // X-Forwarded-Proto: https gets a Secure cookie either way.
  bool behind_tls = false;
  // Retention: closed leads not updated for this many days are erased
  // (docs/privacy.md), checked with the timers at most once an hour of the
  // services' clock; 0: off.
  int retention_days = 0;
  // The built web app (web/dist): its page at "/" and its assets.
  std::string web_dir;
  // Each request's budget (domain/budget.h): past either, it is cancelled
  // and answered with budget_exceeded. Seconds for most routes, and for
  // exports and imports (export_budget_route); megabytes the handler's
  // thread may hold. 0 turns one off.
  double request_time_budget_s = 30;
  double export_time_budget_s = 600;
  int64_t request_memory_budget_mb = 1024;
  // Mail as `serve --smtp ...` gave it (docs/email.md); not configured: the
  // admin setting (PUT /api/v1/settings/mail) applies.
  MailSettings mail;
};

struct Services {
  Store& store;
  const Clock& clock;
  CampaignCatalog& campaigns;
  Intake& intake;
  TokenAuthority& tokens;
  CsvImporter& importer;
  DefinitionVersions& definitions;
  DefinitionReview& review;
  Lifecycle& lifecycle;
  FeedbackLinks& feedback_links;
  Router& router;
  Dispatch& dispatch;
  FollowUp& follow_up;
  UserDirectory& users;
  Policy& policy;
  Reports& reports;
  Goals& goals;
  ChangeFeed& changes;  // the live stream's news of changed leads
  WebForms& forms;
  UnsubscribeLinks& unsubscribe;  // signed one-click unsubscribe links (mail/unsubscribe.h)
  // Webhooks (src/delivery/): the endpoints and the engine that delivers,
  // woken after every write. nullptr: the routes answer 404.
  delivery::WebhookEndpoints* webhooks = nullptr;
  delivery::DeliveryEngine* deliveries = nullptr;
  // Nurture programmes (src/nurture/), run with the timers. nullptr: the
  // programme routes that need it answer 404.
  NurtureEngine* nurture = nullptr;
  // The mail settings in force (mail/settings.h), which a change of the
  // admin setting replaces at once. nullptr: a change waits for a restart.
  LiveMailSettings* mail = nullptr;
};

// One entry of the route table, as documented in openapi.json.
struct RouteInfo {
  std::string method;  // "GET", "POST", "PUT"
  std::string path;    // OpenAPI template, e.g. "/api/v1/leads/{id}"
  bool authenticated;
};
std::vector<RouteInfo> api_routes();
// Whether a route gets the export time budget (exports and imports).
bool export_budget_route(const RouteInfo& route);
// The OpenAPI 3 document served at /api/v1/openapi.json.
const std::string& openapi_document();

struct Route;

class ApiServer {
 public:
  ApiServer(Services services, ServerConfig config);
  ~ApiServer();
  // Binds the listening socket; returns the port (useful with port 0).
  Result<int> bind();
  // Serves until stop(). REQUIRES: bind() succeeded.
  void serve();
  // Stops serve(); safe from any thread, also before serve() has started.
  void stop();

 private:
  struct CompiledRoute;
  // Fires the follow-up timers due now; logs what fired.
  Result<FollowUpRun> run_timers();
  void add_route(const Route& route);
  void add_clock_routes();
  // On a worker: finds the route, runs it, adds the security headers, logs.
  void handle(http::Request& req, http::Response& res);

  Services services_;
  ServerConfig config_;
  std::vector<CompiledRoute> routes_;
  std::unique_ptr<http::HttpServer> http_;
  std::atomic<bool> stop_requested_{false};
  std::mutex timer_mu_;  // one timer run at a time (ticker and clock route)
  TimePoint last_retention_ = 0;  // guarded by timer_mu_
  TimePoint last_goal_check_ = 0;  // goals are checked once a minute (clock time)
  RateLimiter requests_;
  RateLimiter logins_;
  RateLimiter form_posts_;
};

}  // namespace leadloop::api
