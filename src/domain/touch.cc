#include "domain/touch.h"

#include <array>

#include "domain/normalize.h"

namespace leadloop {

namespace {
constexpr std::array<std::string_view, kMediumCount> kMediumNames = {
    "call", "email", "mail", "webinar", "meeting", "visit", "web", "event", "social", "other"};
}

std::string_view medium_name(Medium m) { return kMediumNames[static_cast<size_t>(m)]; }

std::optional<Medium> parse_medium(std::string_view name) {
  for (size_t i = 0; i < kMediumNames.size(); ++i) {
    if (kMediumNames[i] == name) return static_cast<Medium>(i);
  }
  return std::nullopt;
}

Medium default_medium(Channel c) {
  switch (c) {
    case Channel::kTelemarketing: return Medium::kCall;
    case Channel::kEmail: return Medium::kEmail;
    case Channel::kWeb: return Medium::kWeb;
    case Channel::kWebinar: return Medium::kWebinar;
    case Channel::kEvent: return Medium::kEvent;
    case Channel::kDirectMail: return Medium::kMail;
    case Channel::kSocial: return Medium::kSocial;
    case Channel::kReferral:
    case Channel::kPartner: break;
  }
  return Medium::kOther;
}

std::string_view direction_name(Direction d) {
  return d == Direction::kInbound ? "inbound" : "outbound";
}

std::optional<Direction> parse_direction(std::string_view name) {
  if (name == "inbound") return Direction::kInbound;
  if (name == "outbound") return Direction::kOutbound;
  return std::nullopt;
}

Status validate_touch(Touch& t) {
  t.outcome = std::string(trim(t.outcome));
  t.actor = std::string(trim(t.actor));
  t.caller = std::string(trim(t.caller));
  if (t.outcome.size() > 64) {
    return Status(ErrorCode::kInvalidValue, "outcome is longer than 64 characters", "outcome");
  }
  if (t.actor.size() > 200) {
    return Status(ErrorCode::kInvalidValue, "actor is longer than 200 characters", "actor");
  }
  if (t.caller.size() > 200) {
    return Status(ErrorCode::kInvalidValue, "caller is longer than 200 characters", "caller");
  }
  if (t.notes.size() > 20000) {
    return Status(ErrorCode::kInvalidValue, "notes are longer than 20000 bytes", "notes");
  }
  if (t.data_points.size() > 200) {
    return Status(ErrorCode::kInvalidValue, "more than 200 data points", "data_points");
  }
  for (const auto& [k, v] : t.data_points) {
    if (k.empty() || k.size() > 100) {
      return Status(ErrorCode::kInvalidValue, "a data point name must be 1-100 characters",
                    "data_points");
    }
    if (v.size() > 2000) {
      return Status(ErrorCode::kInvalidValue, "value is longer than 2000 bytes",
                    "data_points." + k);
    }
  }
  return Status();
}

}  // namespace leadloop
