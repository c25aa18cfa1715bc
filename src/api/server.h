// ApiServer serves the /api/v1 routes over HTTP on one address. It owns the
// httplib server and its thread pool; the services it is given must outlive
// it. bind() then serve() blocks until stop() is called from another thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "access/feedback_links.h"
#include "access/tokens.h"
#include "engine/definition_review.h"
#include "engine/definition_versions.h"
#include "engine/intake.h"
#include "engine/lifecycle.h"
#include "io/csv_import.h"

namespace httplib {
class Server;
}

namespace leadloop::api {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  size_t max_body_bytes = 32u << 20;
  size_t max_batch = 10000;
  int threads = 8;
  std::string version = "dev";
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
};

// One entry of the route table, as documented in openapi.json.
struct RouteInfo {
  std::string method;  // "GET", "POST", "PUT"
  std::string path;    // OpenAPI template, e.g. "/api/v1/leads/{id}"
  bool authenticated;
};
std::vector<RouteInfo> api_routes();
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
  Services services_;
  ServerConfig config_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serve_done_{false};
};

}  // namespace leadloop::api
