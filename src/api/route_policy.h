// Which roles each route admits: the one table the server checks before a
// handler runs (docs/security.md prints it). Records inside a route are
// scoped by access/policy.h. A route missing here is refused to everyone.
#pragma once

#include <optional>
#include <string_view>

#include "access/role.h"

namespace leadloop::api {

// The roles that may call `method path` (OpenAPI template); nullopt for a
// route not in the table.
std::optional<RoleSet> route_roles(std::string_view method, std::string_view path);

}  // namespace leadloop::api
