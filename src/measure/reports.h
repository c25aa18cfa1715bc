// Reports over the lead projection: the funnel (how many leads reached each
// step, stage-to-stage conversion, optionally per group) and the leaks
// (exits by the stage left and the reason). Every report takes the same
// filters, and the caller's access scope narrows them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/campaign_catalog.h"
#include "measure/projection.h"

namespace leadloop {

struct ReportFilter {
  std::optional<TimePoint> from;  // capture time, inclusive
  std::optional<TimePoint> to;    // exclusive
  // Each list: any of these (empty: no condition); all lists must hold.
  std::vector<std::string> campaigns;
  std::vector<std::string> channels;  // channel names
  std::vector<std::string> vendors;   // compared without case
  std::vector<std::string> regions;
  std::vector<std::string> owners;    // rep keys (a team is its reps)
  std::optional<Grade> grade;
  std::optional<int64_t> definition_version;
  // The caller's scope (access policy): when `scoped`, only leads of these
  // owners, of these campaigns, or (scope_unowned) without an owner.
  bool scoped = false;
  std::vector<std::string> scope_owners;
  std::vector<std::string> scope_campaigns;
  bool scope_unowned = false;
  // Leaks: count exits in the period by their own time instead of the
  // lead's capture time.
  bool exits_by_event_time = false;
};

// The dimensions a report can be split by.
enum class GroupBy : uint8_t { kNone, kCampaign, kChannel, kVendor, kRegion, kOwner, kGrade, kCaptureWeek };
std::optional<GroupBy> parse_group_by(std::string_view name);  // "campaign", "channel", ...

struct FunnelStepCount {
  Stage stage;
  int64_t reached = 0;
};

struct Funnel {
  std::string group;  // "" without grouping
  int64_t leads = 0;
  std::vector<FunnelStepCount> steps;  // kFunnelSteps order
};

struct Leak {
  Stage from;
  std::string reason;
  int64_t count = 0;
};

struct Leaks {
  int64_t exits = 0;
  std::vector<Leak> rows;  // most first, then by stage and reason
};

// One campaign's evaluation: what its leads became, and what it cost.
struct CampaignResult {
  std::string campaign;
  int64_t leads = 0;
  int64_t qualified = 0;  // reached the qualified step
  int64_t hot = 0, warm = 0, cold = 0;  // current grades
  int64_t accepted = 0, opportunities = 0, won = 0;  // reached those steps
  int64_t revenue_cents = 0;  // of won leads
  int64_t cost_cents = 0;     // the campaign's cost
};

class Reports {
 public:
  Reports(const LeadProjection& projection, const CampaignCatalog& campaigns)
      : projection_(projection), campaigns_(campaigns) {}

  // One funnel per group, groups in name order (one without grouping).
  std::vector<Funnel> funnel(const ReportFilter& f, GroupBy by = GroupBy::kNone) const;
  Leaks leaks(const ReportFilter& f) const;
  // Every campaign with a lead matching the filter (and those named in
  // f.campaigns), by key.
  std::vector<CampaignResult> campaigns(const ReportFilter& f) const;

 private:
  const LeadProjection& projection_;
  const CampaignCatalog& campaigns_;
};

}  // namespace leadloop
