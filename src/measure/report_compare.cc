#include "measure/report_compare.h"

#include <array>

namespace leadloop {

namespace {

constexpr std::array kGroupings = {
    std::pair{GroupBy::kNone, ""},
    std::pair{GroupBy::kCampaign, " by campaign"},
    std::pair{GroupBy::kChannel, " by channel"},
    std::pair{GroupBy::kVendor, " by vendor"},
    std::pair{GroupBy::kRegion, " by region"},
    std::pair{GroupBy::kOwner, " by owner"},
    std::pair{GroupBy::kTeam, " by team"},
    std::pair{GroupBy::kGrade, " by grade"},
    std::pair{GroupBy::kCaptureWeek, " by week"},
    std::pair{GroupBy::kCaptureMonth, " by month"},
    std::pair{GroupBy::kCaller, " by caller"},
};

}  // namespace

ReportComparison compare_reports(const Reports& a, const Reports& b, TimePoint now) {
  ReportComparison out;
  auto check = [&out](bool same, std::string name) {
    ++out.asked;
    if (!same) out.differ.push_back(std::move(name));
  };
  const ReportFilter all;
  for (const auto& [by, suffix] : kGroupings) {
    check(a.funnel(all, by) == b.funnel(all, by), std::string("funnel") + suffix);
    check(a.stage_times(all, by) == b.stage_times(all, by), std::string("stage times") + suffix);
    check(a.speed_to_lead(all, by) == b.speed_to_lead(all, by),
          std::string("speed to lead") + suffix);
    check(a.speed_to_lead(all, by, true) == b.speed_to_lead(all, by, true),
          std::string("speed to lead from qualification") + suffix);
    check(a.forecast(all, by) == b.forecast(all, by), std::string("forecast") + suffix);
    for (int days : {7, 30}) {
      const TimePoint before = now - days * kMillisPerDay;
      check(a.stalled(all, before, by) == b.stalled(all, before, by),
            "stalled " + std::to_string(days) + " days" + suffix);
    }
  }
  ReportFilter by_event;
  by_event.exits_by_event_time = true;
  check(a.leaks(all) == b.leaks(all), "leaks");
  check(a.leaks(by_event) == b.leaks(by_event), "leaks by event time");
  check(a.campaigns(all) == b.campaigns(all), "campaigns");
  check(a.campaign_touches(all) == b.campaign_touches(all), "campaign touches");
  check(a.attribution(all) == b.attribution(all), "attribution");
  check(a.response_or_wait(all, now) == b.response_or_wait(all, now), "response or wait");
  return out;
}

}  // namespace leadloop
