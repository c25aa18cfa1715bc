#include "access/policy.h"

#include <algorithm>

namespace leadloop {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

bool LeadScope::allows(const Lead& l) const {
  if (all) return true;
  if (unowned && l.owner.empty() && (unowned_regions.empty() || contains(unowned_regions, l.region))) return true;
  if (!l.owner.empty() && contains(owners, l.owner)) return true;
  return contains(campaigns, l.source_campaign);
}

void LeadScope::restrict(LeadFilter& f) const {
  if (all) return;
  f.scoped = true;
  f.scope_owners = owners;
  f.scope_campaigns = campaigns;
  f.scope_unowned = unowned;
  f.scope_unowned_regions = unowned_regions;
}

LeadScope Policy::lead_scope(const Principal& p) const {
  LeadScope s;
  if (p.has(Role::kAdmin) || p.has(Role::kMarketing)) {
    s.all = true;
    return s;
  }
  if (p.has(Role::kSalesManager)) {
    if (p.binding.team.empty()) {
      s.all = true;
      return s;
    }
    s.unowned = true;
    if (auto team = router_.find_team(p.binding.team); team && !team->region.empty()) {
      s.unowned_regions.push_back(team->region);
    }
    for (const Rep& r : router_.reps()) {
      if (r.team == p.binding.team) s.owners.push_back(r.key);
    }
  }
  if (p.has(Role::kSalesRep) && !p.binding.rep.empty() && !contains(s.owners, p.binding.rep)) {
    s.owners.push_back(p.binding.rep);
  }
  if (p.has(Role::kVendor) && !p.binding.vendor.empty()) {
    for (const Campaign& c : campaigns_.list()) {
      if (same_vendor(c.vendor, p.binding.vendor)) s.campaigns.push_back(c.key);
    }
  }
  return s;
}

// Every role but vendor sees the whole programme's campaigns.
constexpr RoleSet kProgrammeRoles = {Role::kAdmin, Role::kMarketing, Role::kSalesManager, Role::kSalesRep,
                                     Role::kViewer};

bool Policy::can_see_campaign(const Principal& p, const Campaign& c) const {
  if (p.roles.any_of(kProgrammeRoles)) return true;
  return p.has(Role::kVendor) && same_vendor(c.vendor, p.binding.vendor);
}

bool Policy::sees_revenue(const Principal& p) const { return p.roles.any_of(kProgrammeRoles); }

void Policy::redact_money(const Principal& p, Json& object) const {
  if (sees_revenue(p) || !object.is_object()) return;
  for (std::string_view key : kMoneyPayloadKeys) object.erase(std::string(key));
}

// The roles that work individual leads (a viewer reads figures only).
constexpr RoleSet kLeadRowRoles = {Role::kAdmin, Role::kMarketing, Role::kSalesManager, Role::kSalesRep,
                                   Role::kVendor};
// The programme's own side: may lift an opt-out a person asked for.
constexpr RoleSet kConsentGranters = {Role::kAdmin, Role::kMarketing, Role::kSalesManager, Role::kSalesRep};

bool Policy::sees_lead_rows(const Principal& p) const { return p.roles.any_of(kLeadRowRoles); }

bool Policy::may_lift_opt_out(const Principal& p) const { return p.roles.any_of(kConsentGranters); }

}  // namespace leadloop
