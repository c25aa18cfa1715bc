// A delivery channel sends one delivery and says what happened; the engine
// (engine.h) turns that into the delivery's next state on the schedule
// (schedule.h). Webhooks are one channel (webhook_sender.h); e-mail plugs in
// as another. Implementations are called from several threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.h"
#include "store/store.h"

namespace leadloop::delivery {

struct SendOutcome {
  enum class Kind {
    kDelivered,  // accepted (2xx)
    kRetry,      // failed; try again on the schedule
    kGone,       // the destination is gone for good (410): disable it
    kThrottle,   // slow down (429, 502, 504): wait at least `after`
    kDead,       // this delivery can never succeed (an e-mail address refused
                 // with a 5xx): dead now; the destination's other deliveries
                 // and any endpoint are left alone
  };
  Kind kind = Kind::kRetry;
  std::optional<TimePoint> after;  // the least wait before the next attempt (Retry-After), ms
  int status = 0;                  // HTTP status (SMTP reply code for e-mail), 0 when none
  std::string error;               // "" when delivered
  int64_t duration_ms = 0;
};

class Channel {
 public:
  virtual ~Channel() = default;
  // The channel's name, as in Delivery::channel ("webhook").
  virtual std::string_view name() const = 0;
  // Sends one delivery. Thread-safe.
  virtual SendOutcome send(const Delivery& d) = 0;
};

}  // namespace leadloop::delivery
