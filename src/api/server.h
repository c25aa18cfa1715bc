// ApiServer serves the /api/v1 routes over HTTP on one address. It owns the
// httplib server and its thread pool; the services it is given must outlive
// it. bind() then serve() blocks until stop() is called from another thread.
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
#include "api/rate_limit.h"
#include "engine/definition_review.h"
#include "engine/definition_versions.h"
#include "engine/dispatch.h"
#include "engine/follow_up.h"
#include "engine/intake.h"
#include "engine/lifecycle.h"
#include "io/csv_import.h"
#include "measure/goals.h"
#include "measure/reports.h"

namespace httplib {
class Server;
}

namespace leadloop::api {

class ChangeFeed;

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  size_t max_body_bytes = 32u << 20;
  size_t max_batch = 10000;
  int threads = 8;
  std::string version = "dev";
  // How often serve() fires due follow-up timers.
  int timer_interval_ms = 1000;
  // Set only for tests and demos (`serve --manual-clock`): the services'
  // clock, moved by POST /api/v1/clock (admin), which also fires timers.
  ManualClock* manual_clock = nullptr;
  // Requests per second per client (token, user or address), with bursts
  // of twice that; 0: no limit.
  double rate_limit = 1000;
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
  // Fires the follow-up timers due now; logs what fired.
  Result<FollowUpRun> run_timers();
  void add_clock_routes();

  Services services_;
  ServerConfig config_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serve_done_{false};
  std::mutex timer_mu_;  // one timer run at a time (ticker and clock route)
  TimePoint last_retention_ = 0;  // guarded by timer_mu_
  TimePoint last_goal_check_ = 0;  // goals are checked once a minute (clock time)
  RateLimiter requests_;
  RateLimiter logins_;
};

}  // namespace leadloop::api
