// What sales made of one campaign's leads, for the people who generated them
// (campaign owner, vendor): how many were answered, the accepted share, the
// reasons for rejections, how far the accepted ones went, and the latest
// answers with who gave them. Read from the leads' current stages and their
// stage_changed events; a pure read of the store, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace leadloop {

// One accept or reject, as the stage_changed event recorded it.
struct FeedbackAnswer {
  int64_t lead_id = 0;
  TimePoint at = 0;
  std::string actor;         // "token:..", "link:<rep>"
  std::string on_behalf_of;  // the rep an owner answered for; "" if none
  Stage to = Stage::kAccepted;
  std::string reason;
  std::string note;
};

struct ReasonCount {
  std::string code;
  int64_t count = 0;
};

struct CampaignFeedback {
  int64_t leads = 0;
  int64_t answered = 0;  // leads accepted or rejected at least once
  int64_t accepted = 0;  // leads that were ever accepted
  int64_t rejected = 0;  // leads whose latest answer is a rejection
  std::vector<ReasonCount> reject_reasons;  // of those rejections; most first, then by code
  // Where leads stand now.
  int64_t working = 0;
  int64_t opportunity = 0;
  int64_t won = 0;
  int64_t lost = 0;
  int64_t revenue_cents = 0;           // recorded on the moves to won
  std::vector<FeedbackAnswer> recent;  // the latest answers, newest first
};

// REQUIRES: the campaign exists (an unknown key reads as no leads).
Result<CampaignFeedback> campaign_feedback(Store& store, const std::string& campaign, size_t recent_limit);

}  // namespace leadloop
