// A Touch is one contact with a prospect: a call, email, mailing, webinar,
// meeting or visit, with the data points captured in the conversation. A
// conversation that produced no lead is still a touch (lead_id == 0).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/campaign.h"
#include "domain/lead.h"
#include "domain/time.h"

namespace leadloop {

enum class Medium : uint8_t { kCall, kEmail, kMail, kWebinar, kMeeting, kVisit, kWeb, kEvent, kSocial, kOther };
constexpr int kMediumCount = 10;
std::string_view medium_name(Medium m);
std::optional<Medium> parse_medium(std::string_view name);
// The medium a campaign's touches use when the caller does not say.
Medium default_medium(Channel c);

enum class Direction : uint8_t { kInbound, kOutbound };
std::string_view direction_name(Direction d);
std::optional<Direction> parse_direction(std::string_view name);

struct Touch {
  int64_t id = 0;
  int64_t lead_id = 0;  // 0: a conversation that produced no lead
  std::string campaign;
  Medium channel = Medium::kOther;
  Direction direction = Direction::kOutbound;
  std::string outcome;  // connected, voicemail, no_answer, meeting_set, recaptured...
  std::string actor;
  // The vendor's agent who made the call (free text, as Lead::caller).
  std::string caller;
  TimePoint at = 0;
  std::string notes;
  Attributes data_points;  // answers to the call guide's questions
};

// Trims and checks lengths; REQUIRES campaign and channel already resolved.
Status validate_touch(Touch& t);

}  // namespace leadloop
