// The web app (web/, built into --web-dir by `make`): its one page at "/"
// and at every page route the app knows, its scripts and styles at
// /assets/{file}. All public: the page holds no data; it reads the API
// with the session cookie like any other client.
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

// The page runs only its own script and style and talks only to this
// server: no inline script or style, nothing from another origin.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The app's routes (web/src/routes.ts): each answers with the same page,
// which draws the route.
constexpr std::array kPageRoutes = std::to_array<std::string_view>(
    {"/", "/sign-in", "/overview", "/campaigns", "/campaigns/{key}", "/my-leads", "/desk", "/leads",
     "/leads/{id}", "/definitions", "/definitions/{version}", "/accuracy", "/goals", "/forms",
     "/leaderboards", "/admin", "/webhooks", "/deliveries", "/programmes"});

struct AssetType {
  std::string_view extension;
  std::string_view mime;
};
constexpr std::array kAssetTypes = std::to_array<AssetType>({
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
});

const AssetType* asset_type(std::string_view name) {
  for (const AssetType& t : kAssetTypes) {
    if (name.ends_with(t.extension)) return &t;
  }
  return nullptr;
}

// A file name in the web directory itself: letters, digits, '-', '_' and
// dots, never leading, so no path leaves the directory.
bool plain_file_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.size() > 100) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, "no such file", "path");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void get_page(RouteContext& ctx, const Request&, Response& res) {
  auto html = read_file(ctx.config.web_dir + "/index.html");
  if (!html.ok()) {
    return send_error(
        res, Status(ErrorCode::kIoError,
                    "the web app is not built in " + ctx.config.web_dir +
                        " (run `make build`, or start with --web-dir); the API is at /api/v1"));
  }
  res.status = 200;
  res.set_header("Content-Security-Policy", kPagePolicy);
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(std::move(*html), "text/html; charset=utf-8");
}

// FNV-1a over the bytes: names this build of a file for If-None-Match.
std::string entity_tag(std::string_view body) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) h = (h ^ c) * 1099511628211ULL;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return "\"" + std::string(hex) + "\"";
}

void get_asset(RouteContext& ctx, const Request& req, Response& res) {
  const std::string name = req.matches.size() > 1 ? req.matches[1].str() : "";
  const AssetType* type = asset_type(name);
  const Status missing(ErrorCode::kNotFound, "no asset " + name, "file");
  if (!plain_file_name(name) || !type) return send_error(res, missing);
  auto body = read_file(ctx.config.web_dir + "/" + name);
  if (!body.ok()) return send_error(res, missing);
  // Same names on every build: the browser asks again with the tag it has,
  // and a file that did not change is a 304 without a body. (The server
  // gzips the 200s for browsers that accept it.)
  const std::string tag = entity_tag(*body);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", tag);
  if (req.get_header_value("If-None-Match") == tag) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(std::move(*body), std::string(type->mime));
}

}  // namespace

std::vector<Route> web_routes() {
  std::vector<Route> routes;
  for (std::string_view page : kPageRoutes)
    routes.push_back({{"GET", std::string(page), false}, get_page});
  routes.push_back({{"GET", "/assets/{file}", false}, get_asset});
  return routes;
}

}  // namespace leadloop::api
