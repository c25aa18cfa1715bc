// DefinitionReview answers "was X a lead?" with data: the backtest of a
// draft over a period's leads, the accuracy report of the grades on record,
// and the review answers recorded on disagreements (each a `reviewed` event
// on the lead). Loads what it needs from the store per call. Thread-safe.
#pragma once

#include <map>
#include <string>

#include "definition/accuracy.h"
#include "definition/backtest.h"
#include "domain/clock.h"
#include "engine/active_definition.h"
#include "engine/campaign_catalog.h"
#include "engine/intake.h"
#include "store/store.h"

namespace leadloop {

// Leads created in [from, to).
struct Period {
  TimePoint from = 0;
  TimePoint to = 0;
};

struct BacktestRun {
  BacktestResult result;
  int64_t active_version = 0;  // 0: recorded grades stood in for it
  double load_seconds = 0;     // reading leads and outcomes from the store
  double eval_seconds = 0;     // grading and counting
};

// How the accuracy review counts the leads no definition graded (closed
// before one was activated, such as a loaded history): ungraded, as on
// record, or graded now by the active version, as it would have graded
// them.
enum class UngradedLeads : uint8_t { kAsRecorded, kGradeWithActive };

class DefinitionReview {
 public:
  DefinitionReview(Store& store, const Clock& clock, Intake& intake, const ActiveDefinition& active,
                   const CampaignCatalog& campaigns)
      : store_(store), clock_(clock), intake_(intake), active_(active), campaigns_(campaigns) {}

  Result<BacktestRun> backtest(const Definition& draft, Period p, size_t max_changes);
  Result<AccuracyReport> accuracy(Period p, UngradedLeads ungraded = UngradedLeads::kAsRecorded);
  // Records the review's answer on a lead as a `reviewed` event.
  Status answer(int64_t lead_id, bool was_lead, const std::string& note, const std::string& reviewer);

 private:
  Result<std::map<int64_t, SalesOutcome>> outcomes();
  Result<std::map<int64_t, ReviewAnswer>> answers();

  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  const ActiveDefinition& active_;
  const CampaignCatalog& campaigns_;
};

}  // namespace leadloop
