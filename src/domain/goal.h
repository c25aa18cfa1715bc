// A goal: a target for one measured figure over a period and a scope
// (programme, campaign, vendor, region, rep), agreed by both sides before it
// counts. Plain value type; progress and pace are in measure/goals.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"
#include "domain/time.h"

namespace leadloop {

// What a goal counts, over the leads captured in its period and scope.
enum class GoalMetric : uint8_t {
  kLeads,           // registrations: leads captured
  kQualifiedLeads,  // reached qualified
  kHotLeads,        // graded hot
  kAcceptedLeads,   // accepted by sales
  kOpportunities,   // reached opportunity
  kWonDeals,        // won
  kRevenue,         // revenue of the won deals, in cents
  kTouches,         // touches the scope's campaigns logged in the period
  kDataPoints,      // call-guide answers those touches captured
  kAttendees,       // touches with outcome `attended` (events, webinars)
  kSpeedToLead,     // median minutes from capture to first answer: a ceiling
};
std::string_view goal_metric_name(GoalMetric m);
// Also takes `registrations`, the events' word for leads captured.
std::optional<GoalMetric> parse_goal_metric(std::string_view name);
// A ceiling: the goal is met at or below its target (speed to lead).
bool lower_is_better(GoalMetric m);
// "leads, qualified_leads, ..." for messages.
std::string_view goal_metric_names();

struct Goal {
  int64_t id = 0;  // 0 until stored
  std::string name;
  GoalMetric metric = GoalMetric::kQualifiedLeads;
  int64_t target = 0;  // a count, or cents for revenue
  TimePoint starts_at = 0;
  TimePoint ends_at = 0;  // exclusive
  // Scope; empty: any. A vendor in the scope makes the vendor a party.
  std::string campaign, vendor, region, rep;
  // Expected progress: cumulative percentages at the end of equal slices
  // of the period (e.g. 10,30,60,100 by quarter); empty: linear.
  std::vector<int> curve;
  std::string created_by;
  TimePoint created_at = 0;
  // Approvals: the client side (marketing or sales) and, with a vendor in
  // the scope, the vendor.
  std::string client_approved_by;
  std::optional<TimePoint> client_approved_at;
  std::string vendor_approved_by;
  std::optional<TimePoint> vendor_approved_at;
  // When the goal was first found behind and its message sent (once).
  std::optional<TimePoint> behind_at;
};

// Active: approved by every party it needs.
bool goal_active(const Goal& g);

// Checks a goal before it is stored: name, positive target, a period that
// ends after it starts, a curve that rises to 100.
Status validate_goal(const Goal& g);

}  // namespace leadloop
