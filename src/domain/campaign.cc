#include "domain/campaign.h"

#include <cctype>

#include <algorithm>

#include <array>

#include "domain/normalize.h"

namespace leadloop {

namespace {
constexpr std::array<std::string_view, kChannelCount> kChannelNames = {
    "telemarketing", "email", "web", "webinar", "event", "direct_mail", "social", "referral",
    "partner"};

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.';
}
}  // namespace

std::string_view channel_name(Channel c) { return kChannelNames[static_cast<size_t>(c)]; }

std::optional<Channel> parse_channel(std::string_view name) {
  for (size_t i = 0; i < kChannelNames.size(); ++i) {
    if (kChannelNames[i] == name) return static_cast<Channel>(i);
  }
  return std::nullopt;
}

Status validate_campaign(Campaign& c) {
  c.key = std::string(trim(c.key));
  c.name = std::string(trim(c.name));
  c.owner = std::string(trim(c.owner));
  c.vendor = std::string(trim(c.vendor));
  if (c.key.empty()) return Status(ErrorCode::kMissingField, "a campaign needs a key", "key");
  if (c.key.size() > 64) {
    return Status(ErrorCode::kInvalidValue, "key is longer than 64 characters", "key");
  }
  for (char ch : c.key) {
    if (!is_key_char(ch)) {
      return Status(ErrorCode::kInvalidValue,
                    "key may contain only letters, digits, '-', '_' and '.'", "key");
    }
  }
  if (c.name.empty()) c.name = c.key;
  if (c.name.size() > 300) {
    return Status(ErrorCode::kInvalidValue, "name is longer than 300 characters", "name");
  }
  if (c.cost_cents < 0) return Status(ErrorCode::kInvalidValue, "cost cannot be negative", "cost");
  std::string cur;
  for (char ch : trim(c.currency)) cur += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
  if (cur.empty()) cur = "USD";
  if (cur.size() != 3 || !(cur[0] >= 'A' && cur[0] <= 'Z') || !(cur[1] >= 'A' && cur[1] <= 'Z') ||
      !(cur[2] >= 'A' && cur[2] <= 'Z')) {
    return Status(ErrorCode::kInvalidValue, "currency must be a 3-letter ISO 4217 code",
                  "currency");
  }
  c.currency = cur;
  if (c.starts_on && c.ends_on && *c.ends_on < *c.starts_on) {
    return Status(ErrorCode::kInvalidValue, "ends_on is before starts_on", "ends_on");
  }
  return Status();
}

bool same_vendor(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace leadloop
