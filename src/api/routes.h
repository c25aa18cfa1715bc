// The route table: each route's method, OpenAPI path, whether it needs a
// token, and its handler. server.cc registers it; tests iterate it.
#pragma once

#include <httplib.h>

#include <functional>
#include <vector>

#include "access/tokens.h"
#include "api/server.h"

namespace leadloop::api {

struct RouteContext {
  Services& services;
  const ServerConfig& config;
  const Principal& principal;  // empty for public routes
};

using RouteHandler =
    std::function<void(RouteContext&, const httplib::Request&, httplib::Response&)>;

struct Route {
  RouteInfo info;
  RouteHandler handler;
};

const std::vector<Route>& route_table();
// The lead definition's routes and lifecycle transitions (definition_routes.cc).
std::vector<Route> definition_routes();
// Feedback links and the campaign feedback view (feedback_routes.cc).
std::vector<Route> feedback_routes();

}  // namespace leadloop::api
