#include "access/role.h"

#include <array>

namespace leadloop {

namespace {
constexpr std::array<std::string_view, 6> kRoleNames = {"admin",     "marketing", "sales_manager",
                                                        "sales_rep", "vendor",    "viewer"};
}

std::string_view role_name(Role r) { return kRoleNames[static_cast<size_t>(r)]; }

std::optional<Role> parse_role(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string_view role_names() { return "admin, marketing, sales_manager, sales_rep, vendor, viewer"; }

}  // namespace leadloop
