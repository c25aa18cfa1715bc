// Reports over the lead projection: the funnel (how many leads reached each
// step, stage-to-stage conversion, optionally per group), the time between
// steps, the leaks (exits by the stage left and the reason), speed to lead,
// stalled leads and the campaign evaluation. Every report takes the same
// filters, and the caller's access scope narrows them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "definition/expr.h"
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
  std::vector<std::string> scope_unowned_regions;  // with scope_unowned: only in these (empty: any)
  // Leaks: count exits in the period by their own time instead of the
  // lead's capture time.
  bool exits_by_event_time = false;
  // A segment in the definition's expression language over the fields the
  // projection keeps (segment_fields()), e.g.
  //   industry in ["Software", "Retail"] and employees >= 50
  std::shared_ptr<const Expression> segment;
};

// The fields a segment may read, for messages: "industry, country, ...".
std::string_view segment_fields();
// Compiles a segment; kInvalidValue (field "segment") with the compiler's
// message, or naming a field reports cannot read.
Result<std::shared_ptr<const Expression>> compile_segment(std::string_view text);

// Whether a campaign passes the filter's campaign, channel and vendor lists.
bool campaign_matches(const ReportFilter& f, const Campaign& c);

// The dimensions a report can be split by.
// kCaller groups by the vendor's agent: the group is "<vendor>\x1f<caller>"
// (a caller's name is the vendor's own; another vendor may have the same);
// it is the callers' leaderboard's, not a `by=` of the reports.
enum class GroupBy : uint8_t {
  kNone, kCampaign, kChannel, kVendor, kRegion, kOwner, kTeam, kGrade, kCaptureWeek, kCaptureMonth, kCaller
};
std::optional<GroupBy> parse_group_by(std::string_view name);  // "campaign", "channel", ...
// The names parse_group_by takes, for messages: "campaign, channel, ...".
std::string_view group_by_names();

// Rep key -> team, from the roster; reports split by team through it. Asked
// before the projection is locked, so it may take the roster's own lock.
using RepTeams = std::map<std::string, std::string, std::less<>>;
using TeamsOf = std::function<RepTeams()>;

// A distribution of durations: how many, the median and the 90th
// percentile (nearest rank: the smallest value with at least half / 90% of
// the values at or below it). 0 when count is 0.
struct Durations {
  int64_t count = 0;
  int64_t median_ms = 0;
  int64_t p90_ms = 0;
  friend bool operator==(const Durations&, const Durations&) = default;
};
// The count, median and p90 (nearest rank) of `values`, as the reports
// find them.
Durations durations_of(const std::vector<int64_t>& values);
// The percentiles of each slot as the large scans find them (a sample,
// then one pass keeping the values near the ranks), over rows whose value
// is values[row] (>= 0) in slot slot_of[row], in `parts` slices. For tests.
std::vector<Durations> scanned_durations(const std::vector<int64_t>& values, const std::vector<uint32_t>& slot_of,
                                         int parts);

// Reports that collect durations over at least this many leads (default
// 200,000) scan in two threads when the machine has two cores. Tests set a
// low threshold to run the two-thread path on small data (then it is used
// whatever the cores).
void set_parallel_scan_threshold(size_t rows);

struct FunnelStepCount {
  Stage stage;
  int64_t reached = 0;
  friend bool operator==(const FunnelStepCount&, const FunnelStepCount&) = default;
};

struct Funnel {
  std::string group;  // "" without grouping
  int64_t leads = 0;
  std::vector<FunnelStepCount> steps;  // kFunnelSteps order
  friend bool operator==(const Funnel&, const Funnel&) = default;
};

struct Leak {
  Stage from;
  std::string reason;
  int64_t count = 0;
  friend bool operator==(const Leak&, const Leak&) = default;
};

struct Leaks {
  int64_t exits = 0;
  std::vector<Leak> rows;  // most first, then by stage and reason
  friend bool operator==(const Leaks&, const Leaks&) = default;
};

// The time from reaching one funnel step to reaching the next, per step
// (from qualified on), over the leads that reached it.
struct StageTimes {
  std::string group;
  std::vector<std::pair<Stage, Durations>> steps;  // qualified .. won
  friend bool operator==(const StageTimes&, const StageTimes&) = default;
};

// Speed to lead: the leads that went to a rep (reached `assigned`), how
// many an owner answered (first accept, reject or touch) and how fast,
// counted from capture or from qualification; and how many breached their
// follow-up SLA.
struct SpeedToLead {
  std::string group;
  int64_t assigned = 0;
  int64_t responded = 0;
  int64_t breached = 0;  // leads with at least one sla_breached event
  Durations response;
  friend bool operator==(const SpeedToLead&, const SpeedToLead&) = default;
};

// Leads in an open funnel stage (captured .. opportunity) whose stage has
// not changed for longer than the limit: who is sitting on them.
struct StalledGroup {
  std::string group;
  Stage stage;
  int64_t count = 0;
  TimePoint oldest_since = 0;
  friend bool operator==(const StalledGroup&, const StalledGroup&) = default;
};
struct StalledLead {
  int64_t id = 0;
  Stage stage;
  std::string owner, region, campaign;
  TimePoint since = 0;
  friend bool operator==(const StalledLead&, const StalledLead&) = default;
};
struct Stalled {
  int64_t total = 0;
  std::vector<StalledGroup> groups;  // by group, then stage in funnel order
  std::vector<StalledLead> oldest;   // the longest stalled first
  friend bool operator==(const Stalled&, const Stalled&) = default;
};

// Forecast: the open opportunities (stage opportunity now) with their
// amounts, weighted by the win rate of the opportunities already closed
// (won / (won + lost) among leads that reached opportunity), per group and
// per week of expected close.
struct ForecastWeek {
  std::string week;  // the Monday of the expected close ("" without a date)
  int64_t opportunities = 0;
  int64_t amount_cents = 0;
  friend bool operator==(const ForecastWeek&, const ForecastWeek&) = default;
};
struct ForecastGroup {
  std::string group;
  int64_t opportunities = 0;
  int64_t amount_cents = 0;
  int64_t won = 0, lost = 0;  // closed opportunities, for the win rate
  std::vector<ForecastWeek> weeks;  // by week
  friend bool operator==(const ForecastGroup&, const ForecastGroup&) = default;
};

// Attribution of the revenue of won leads across the campaigns that touched
// them: the capture (the source campaign), every re-capture and every
// logged touch up to the win. First touch credits the earliest touch point,
// last touch the latest, linear every touch point an equal share.
struct Attribution {
  std::string campaign;
  int64_t deals = 0;            // won leads it touched
  int64_t first_cents = 0;
  int64_t last_cents = 0;
  double linear_cents = 0;
  friend bool operator==(const Attribution&, const Attribution&) = default;
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
  // Its touches in the period (by the touch's day: every day the period
  // touches counts whole; the lead filters do not apply): all, those that
  // produced no lead, the call-guide answers, and the attendances (touches
  // with outcome `attended`: people at an event or webinar).
  int64_t touches = 0, touches_without_lead = 0, data_points = 0, attended = 0;
  friend bool operator==(const CampaignResult&, const CampaignResult&) = default;
};

class Reports {
 public:
  Reports(const LeadProjection& projection, const CampaignCatalog& campaigns, TeamsOf teams_of = nullptr)
      : projection_(projection), campaigns_(campaigns), teams_of_(std::move(teams_of)) {}

  // One funnel per group, groups in name order (one without grouping).
  std::vector<Funnel> funnel(const ReportFilter& f, GroupBy by = GroupBy::kNone) const;
  std::vector<StageTimes> stage_times(const ReportFilter& f, GroupBy by = GroupBy::kNone) const;
  Leaks leaks(const ReportFilter& f) const;
  // from_qualification: count from the time the lead qualified instead of
  // its capture.
  std::vector<SpeedToLead> speed_to_lead(const ReportFilter& f, GroupBy by = GroupBy::kNone,
                                         bool from_qualification = false) const;
  // From capture to the first answer, of each lead that went to a rep; a
  // lead still open and unanswered counts its wait so far (to `now`), so a
  // silent desk cannot look fast. For speed-to-lead goals.
  Durations response_or_wait(const ReportFilter& f, TimePoint now) const;
  // Leads whose stage began before `before`; `limit` of them listed.
  Stalled stalled(const ReportFilter& f, TimePoint before, GroupBy by = GroupBy::kNone, size_t limit = 50) const;
  // Every campaign with a lead matching the filter (and those named in
  // f.campaigns), by key.
  std::vector<CampaignResult> campaigns(const ReportFilter& f) const;
  // Only the touch counts of campaigns(): every campaign with touches in
  // the period's days (the lead filters do not apply), by key; no lead is
  // read.
  std::vector<CampaignResult> campaign_touches(const ReportFilter& f) const;
  std::vector<ForecastGroup> forecast(const ReportFilter& f, GroupBy by = GroupBy::kNone) const;
  // Every campaign credited with revenue, by key.
  std::vector<Attribution> attribution(const ReportFilter& f) const;

 private:
  const LeadProjection& projection_;
  const CampaignCatalog& campaigns_;
  TeamsOf teams_of_;
  RepTeams teams_for(GroupBy by) const;
};

}  // namespace leadloop
