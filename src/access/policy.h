// The access policy: which leads and campaigns a caller may see and change.
// One place answers it for every route, for single records and for lists,
// reports and exports alike (docs/security.md has the table):
//   admin, marketing  every lead and campaign;
//   sales_manager     the leads of their team's reps and the unowned leads
//                     of the team's region (a team without a region: every
//                     unowned lead; a manager bound to no team: every lead);
//   sales_rep         the leads they own;
//   vendor            the leads of its vendor's campaigns, and only those
//                     campaigns; no deal amounts or revenue;
//   viewer            no lead: reports only.
// A user with several roles gets the union.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "access/tokens.h"
#include "domain/codec.h"
#include "engine/campaign_catalog.h"
#include "engine/router.h"

namespace leadloop {

struct LeadScope {
  bool all = false;
  std::vector<std::string> owners;     // leads owned by these reps
  std::vector<std::string> campaigns;  // leads captured by these campaigns
  bool unowned = false;                // leads without an owner
  // With `unowned`: only those in these regions (empty: in any region).
  std::vector<std::string> unowned_regions;

  bool allows(const Lead& l) const;
  // Narrows a list filter to the scope.
  void restrict(LeadFilter& f) const;
};

class Policy {
 public:
  Policy(const CampaignCatalog& campaigns, const Router& router) : campaigns_(campaigns), router_(router) {}

  LeadScope lead_scope(const Principal& p) const;
  bool can_see_lead(const Principal& p, const Lead& l) const { return lead_scope(p).allows(l); }
  // Vendors see their vendor's campaigns only; viewers see campaigns for
  // reports; everyone else every campaign.
  bool can_see_campaign(const Principal& p, const Campaign& c) const;
  // Whether deal amounts and revenue may be shown (not to vendors). Every
  // answer that carries money asks this one question.
  bool sees_revenue(const Principal& p) const;
  // Drops the keys that carry money (kMoneyPayloadKeys, domain/event.h) from an event payload or
  // any JSON object unless the caller sees revenue.
  void redact_money(const Principal& p, Json& object) const;
  // Whether individual leads (ids, rows) may be listed to the caller: every
  // role that works leads; a viewer gets figures only.
  bool sees_lead_rows(const Principal& p) const;
  // Whether the caller may grant consent or set it back to unknown, which
  // lifts an opt-out: not a vendor, which may only record a denial.
  bool may_lift_opt_out(const Principal& p) const;

 private:
  const CampaignCatalog& campaigns_;
  const Router& router_;
};

}  // namespace leadloop
