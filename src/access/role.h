// The roles a user or token can hold. Names are stored and shown as is.
#pragma once

#include <optional>
#include <string_view>

namespace leadloop {

enum class Role : uint8_t { kAdmin, kMarketing, kSalesManager, kSalesRep, kVendor, kViewer };

std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view name);
// "admin, marketing, sales_manager, sales_rep, vendor, viewer"
std::string_view role_names();

}  // namespace leadloop
