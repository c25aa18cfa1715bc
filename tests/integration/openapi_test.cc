// The OpenAPI document served by the server lists exactly the routes the
// server has: a route missing from the document (or documented but not
// served) fails here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "api/server.h"
#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, DocumentListsExactlyTheServedRoutes) {
  testing::TempDir dir;
  std::string db = dir.file("o.db");
  std::string token = testing::create_token(db);
  testing::ServerProcess server(db);
  auto r = server.client(token)->Get("/api/v1/openapi.json");
  ASSERT_TRUE(r && r->status == 200);
  json doc = json::parse(r->body);
  ASSERT_TRUE(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);

  std::set<std::pair<std::string, std::string>> served, documented;
  for (const api::RouteInfo& route : api::api_routes()) served.insert({lower(route.method), route.path});
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (method == "parameters") continue;
      documented.insert({method, path});
    }
  }
  for (const auto& route : served) {
    EXPECT_TRUE(documented.count(route)) << "not in openapi.json: " << route.first << " " << route.second;
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(served.count(route)) << "documented but not served: " << route.first << " " << route.second;
  }
  // Health is the one public route.
  for (const api::RouteInfo& route : api::api_routes()) {
    const json& op = doc["paths"][route.path][lower(route.method)];
    bool is_public = op.contains("security") && op["security"].empty();
    EXPECT_EQ(is_public, !route.authenticated) << route.path;
  }
}

}  // namespace
}  // namespace leadloop
