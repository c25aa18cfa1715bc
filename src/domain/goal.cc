#include "domain/goal.h"

#include <array>
#include <utility>

namespace leadloop {

namespace {
constexpr std::array<std::pair<std::string_view, GoalMetric>, 11> kMetrics = {{
    {"leads", GoalMetric::kLeads},
    {"qualified_leads", GoalMetric::kQualifiedLeads},
    {"hot_leads", GoalMetric::kHotLeads},
    {"accepted_leads", GoalMetric::kAcceptedLeads},
    {"opportunities", GoalMetric::kOpportunities},
    {"won_deals", GoalMetric::kWonDeals},
    {"revenue", GoalMetric::kRevenue},
    {"touches", GoalMetric::kTouches},
    {"data_points", GoalMetric::kDataPoints},
    {"attendees", GoalMetric::kAttendees},
    {"speed_to_lead", GoalMetric::kSpeedToLead},
}};
}  // namespace

std::string_view goal_metric_name(GoalMetric m) {
  for (const auto& [name, metric] : kMetrics) {
    if (metric == m) return name;
  }
  return "leads";
}

std::optional<GoalMetric> parse_goal_metric(std::string_view name) {
  if (name == "registrations") return GoalMetric::kLeads;
  for (const auto& [n, metric] : kMetrics) {
    if (n == name) return metric;
  }
  return std::nullopt;
}

std::string_view goal_metric_names() {
  return "leads (or registrations), qualified_leads, hot_leads, accepted_leads, opportunities, won_deals, revenue, "
         "touches, data_points, attendees or speed_to_lead";
}

bool lower_is_better(GoalMetric m) { return m == GoalMetric::kSpeedToLead; }

bool goal_active(const Goal& g) {
  return g.client_approved_at.has_value() && (g.vendor.empty() || g.vendor_approved_at.has_value());
}

Status validate_goal(const Goal& g) {
  if (g.name.empty()) return Status(ErrorCode::kMissingField, "a goal needs a name", "name");
  if (g.name.size() > 200) return Status(ErrorCode::kInvalidValue, "name is at most 200 characters", "name");
  if (g.target <= 0) return Status(ErrorCode::kInvalidValue, "target must be greater than 0", "target");
  if (g.ends_at <= g.starts_at) return Status(ErrorCode::kInvalidValue, "the period must end after it starts", "ends_at");
  if (!g.curve.empty()) {
    if (g.curve.size() > 366) return Status(ErrorCode::kInvalidValue, "a curve has at most 366 points", "curve");
    int before = 0;
    for (int p : g.curve) {
      if (p < before || p > 100) {
        return Status(ErrorCode::kInvalidValue, "a curve is cumulative percentages, rising from 0 to 100", "curve");
      }
      before = p;
    }
    if (g.curve.back() != 100) return Status(ErrorCode::kInvalidValue, "a curve ends at 100", "curve");
  }
  return Status();
}

}  // namespace leadloop
