// A Campaign is one marketing effort that produces leads and touches: its
// channel, owner, optional telemarketing vendor, cost and dates. Plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/status.h"
#include "domain/time.h"

namespace leadloop {

enum class Channel : uint8_t {
  kTelemarketing,
  kEmail,
  kWeb,
  kWebinar,
  kEvent,
  kDirectMail,
  kSocial,
  kReferral,
  kPartner,
};
constexpr int kChannelCount = 9;
std::string_view channel_name(Channel c);
std::optional<Channel> parse_channel(std::string_view name);

struct Campaign {
  int64_t id = 0;
  std::string key;  // stable identifier used by leads, imports and the API
  std::string name;
  Channel channel = Channel::kWeb;
  std::string owner;   // user who runs it
  std::string vendor;  // telemarketing/list vendor, empty if in-house
  int64_t cost_cents = 0;  // in minor units of currency
  std::string currency = "USD";
  std::optional<Days> starts_on;
  std::optional<Days> ends_on;
  TimePoint created_at = 0;
};

// Checks and tidies a campaign (trims, upper-cases currency, fills name).
Status validate_campaign(Campaign& c);

// Whether two vendor names are the same vendor: equal without ASCII case,
// and not empty (a campaign without a vendor belongs to none).
bool same_vendor(std::string_view a, std::string_view b);

}  // namespace leadloop
