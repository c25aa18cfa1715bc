#include "engine/campaign_feedback.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <deque>

#include "domain/codec.h"

namespace leadloop {

namespace {

// A lead's answers so far, in event order.
struct LeadAnswers {
  bool accepted = false;       // ever
  bool last_rejected = false;  // the latest answer
  std::string reason;          // of the latest rejection
};

std::string text_of(const Json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<CampaignFeedback> campaign_feedback(Store& store, const std::string& campaign, size_t recent_limit) {
  CampaignFeedback out;
  LeadFilter filter;
  filter.campaign = campaign;
  filter.limit = 0;
  LEADLOOP_RETURN_IF_ERROR(store.scan_leads(filter, [&](const Lead& l) {
    ++out.leads;
    switch (l.stage) {
      case Stage::kWorking: ++out.working; break;
      case Stage::kOpportunity: ++out.opportunity; break;
      case Stage::kWon: ++out.won; break;
      case Stage::kLost: ++out.lost; break;
      default: break;
    }
    return true;
  }));

  absl::flat_hash_map<int64_t, LeadAnswers> answers;
  std::deque<FeedbackAnswer> recent;
  LEADLOOP_RETURN_IF_ERROR(
      store.scan_campaign_events(campaign, event_type::kStageChanged, [&](const LeadEvent& e) {
        Json payload = Json::parse(e.payload, nullptr, false);
        if (!payload.is_object()) return;
        auto to = parse_stage(text_of(payload, "to"));
        if (to == Stage::kWon) {
          auto revenue = payload.find("revenue_cents");
          if (revenue != payload.end() && revenue->is_number_integer()) out.revenue_cents += revenue->get<int64_t>();
        }
        if (to != Stage::kAccepted && to != Stage::kRejected) return;
        LeadAnswers& a = answers[e.lead_id];
        a.accepted = a.accepted || to == Stage::kAccepted;
        a.last_rejected = to == Stage::kRejected;
        a.reason = a.last_rejected ? text_of(payload, "reason") : "";
        if (recent_limit == 0) return;
        recent.push_back({e.lead_id, e.at, e.actor, text_of(payload, "on_behalf_of"), *to,
                          text_of(payload, "reason"), text_of(payload, "note")});
        if (recent.size() > recent_limit) recent.pop_front();
      }));

  absl::flat_hash_map<std::string, int64_t> by_reason;
  for (const auto& [lead, a] : answers) {
    ++out.answered;
    if (a.accepted) ++out.accepted;
    if (a.last_rejected) {
      ++out.rejected;
      ++by_reason[a.reason];
    }
  }
  for (const auto& [code, n] : by_reason) out.reject_reasons.push_back({code, n});
  std::sort(out.reject_reasons.begin(), out.reject_reasons.end(), [](const ReasonCount& a, const ReasonCount& b) {
    return a.count != b.count ? a.count > b.count : a.code < b.code;
  });
  out.recent.assign(recent.rbegin(), recent.rend());
  return out;
}

}  // namespace leadloop
