// The OpenAPI document served by the server lists exactly the routes the
// server has, and docs/api.md's route table lists them too, with the roles
// the server admits: a route missing from either (or documented but not
// served), or a role list that differs, fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "access/role.h"
#include "api/route_policy.h"
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

// The cells of one Markdown table row, trimmed: "| a | `b` |" -> {"a", "`b`"}.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|' && row[i - 1] != '\\') {
      const size_t a = cell.find_first_not_of(' ');
      const size_t b = cell.find_last_not_of(' ');
      out.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return out;
}

// "admin, marketing" as the server's table has them; "every role" and "public".
std::string roles_words(const api::RouteInfo& route) {
  if (!route.authenticated) return "public";
  auto roles = api::route_roles(route.method, route.path);
  if (!roles) return "(not in the route policy)";
  if (*roles == RoleSet::all()) return "every role";
  std::string out;
  for (int i = 0; i < kRoleCount; ++i) {
    if (!roles->has(static_cast<Role>(i))) continue;
    out += (out.empty() ? "" : ", ") + std::string(role_name(static_cast<Role>(i)));
  }
  return out;
}

TEST(OpenApi, ApiMdRouteTableListsTheServedRoutesWithTheirRoles) {
  std::ifstream in(LEADLOOP_DOCS "/api.md");
  ASSERT_TRUE(in) << LEADLOOP_DOCS "/api.md";
  // The table under "## Routes": | Method | Path | Roles | What |
  std::map<std::pair<std::string, std::string>, std::string> documented;
  std::string line;
  bool in_routes = false, in_table = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_routes = line == "## Routes";
    if (!in_routes) continue;
    if (line.rfind("| Method | Path | Roles |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("|", 0) != 0) break;
    if (line.rfind("|---", 0) == 0) continue;
    auto c = cells(line);
    ASSERT_GE(c.size(), 3u) << line;
    ASSERT_TRUE(c[1].size() > 2 && c[1].front() == '`' && c[1].back() == '`') << "one path in backticks: " << line;
    auto key = std::make_pair(c[0], c[1].substr(1, c[1].size() - 2));
    EXPECT_FALSE(documented.count(key)) << "twice: " << line;
    documented[key] = c[2];
  }
  ASSERT_FALSE(documented.empty()) << "no route table under ## Routes in docs/api.md";
  std::set<std::pair<std::string, std::string>> served;
  for (const api::RouteInfo& route : api::api_routes()) {
    auto key = std::make_pair(std::string(route.method), std::string(route.path));
    served.insert(key);
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << "not in docs/api.md's route table: | " << route.method << " | `" << route.path << "` | "
                    << roles_words(route) << " |";
      continue;
    }
    EXPECT_EQ(it->second, roles_words(route)) << route.method << " " << route.path;
  }
  for (const auto& [key, roles] : documented) {
    EXPECT_TRUE(served.count(key)) << "in docs/api.md but not served: " << key.first << " " << key.second;
  }
}

}  // namespace
}  // namespace leadloop
