// The roles a user or token can hold, and sets of them (a user can hold
// several). Names are stored and shown as is.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace leadloop {

enum class Role : uint8_t { kAdmin, kMarketing, kSalesManager, kSalesRep, kVendor, kViewer };
inline constexpr int kRoleCount = 6;

std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view name);
// "admin, marketing, sales_manager, sales_rep, vendor, viewer"
std::string_view role_names();

// A set of roles, as a bit mask.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(Role r) : bits_(bit(r)) {}  // NOLINT: one role is a set
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= bit(r);
  }
  static constexpr RoleSet all() {
    RoleSet s;
    s.bits_ = (1u << kRoleCount) - 1;
    return s;
  }
  constexpr bool has(Role r) const { return (bits_ & bit(r)) != 0; }
  constexpr bool any_of(RoleSet other) const { return (bits_ & other.bits_) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr void add(Role r) { bits_ |= bit(r); }
  constexpr bool operator==(const RoleSet&) const = default;

  // "marketing,sales_manager" in the order of Role.
  std::string text() const;

 private:
  static constexpr uint8_t bit(Role r) { return static_cast<uint8_t>(1u << static_cast<unsigned>(r)); }
  uint8_t bits_ = 0;
};

// "marketing,sales_manager" or "marketing, sales_manager"; nullopt when a
// name is not a role (the first such in *bad, when given) or the list is
// empty.
std::optional<RoleSet> parse_roles(std::string_view text, std::string* bad = nullptr);

}  // namespace leadloop
