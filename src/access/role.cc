#include "access/role.h"

#include <array>

namespace leadloop {

namespace {
constexpr std::array<std::string_view, kRoleCount> kRoleNames = {"admin",     "marketing", "sales_manager",
                                                                 "sales_rep", "vendor",    "viewer"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::string_view role_name(Role r) { return kRoleNames[static_cast<size_t>(r)]; }

std::optional<Role> parse_role(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string_view role_names() { return "admin, marketing, sales_manager, sales_rep, vendor, viewer"; }

std::string RoleSet::text() const {
  std::string out;
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (!has(static_cast<Role>(i))) continue;
    if (!out.empty()) out += ',';
    out += kRoleNames[i];
  }
  return out;
}

std::optional<RoleSet> parse_roles(std::string_view text, std::string* bad) {
  RoleSet set;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = trim(text.substr(0, comma));
    auto r = parse_role(part);
    if (!r) {
      if (bad) *bad = std::string(part);
      return std::nullopt;
    }
    set.add(*r);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (set.empty()) return std::nullopt;
  return set;
}

}  // namespace leadloop
