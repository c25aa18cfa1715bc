// Every report asked of two projections, to check that two databases tell
// the same story: after `leadloop migrate --from --to` copies one into
// another, and wherever two readers of one log must agree.
#pragma once

#include <string>
#include <vector>

#include "measure/reports.h"

namespace leadloop {

struct ReportComparison {
  int asked = 0;                    // questions asked of both
  std::vector<std::string> differ;  // those answered differently, e.g. "funnel by campaign"
};

// The funnel, stage times, speed to lead (from capture and from
// qualification), forecast and stalled leads (7 and 30 days before `now`)
// under every grouping; leaks by capture and by event time; the campaigns,
// their touches and the attribution; the response-or-wait of goals. All
// over the whole log (no period, no scope).
ReportComparison compare_reports(const Reports& a, const Reports& b, TimePoint now);

}  // namespace leadloop
