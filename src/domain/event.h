// A LeadEvent is one entry in a lead's append-only history. Every change to
// a lead, by any path, appends one in the same transaction as the change.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/time.h"

namespace leadloop {

namespace event_type {
inline constexpr std::string_view kCaptured = "captured";      // first capture
inline constexpr std::string_view kRecaptured = "recaptured";  // a duplicate merged in
inline constexpr std::string_view kTouched = "touched";        // a touch was logged
inline constexpr std::string_view kGradeChanged = "grade_changed";  // re-graded: from, to, version
inline constexpr std::string_view kStageChanged = "stage_changed";  // a lifecycle transition
inline constexpr std::string_view kReviewed = "reviewed";  // accuracy review: was it a lead?
inline constexpr std::string_view kAssigned = "assigned";  // owner given or changed: owner, previous_owner, rule
inline constexpr std::string_view kSlaBreached = "sla_breached";  // follow-up SLA missed: owner, due_at
inline constexpr std::string_view kDecayed = "decayed";  // warm lead untouched too long: now cold
// A follow-up timer found nothing left to do (its lead moved on) and was cleared.
inline constexpr std::string_view kTimerCleared = "timer_cleared";
// The person's personal data was erased (engine/privacy.h): actor, reason.
inline constexpr std::string_view kErased = "erased";
// Consent per channel changed (engine/consent.h): channels {name: {from, to}}
// (only those that changed), source, note.
inline constexpr std::string_view kConsentChanged = "consent_changed";
}  // namespace event_type

// Payload keys that carry deal money (an opportunity's amount, a won deal's
// revenue): shown only to callers who see revenue (access/policy.h), in
// timelines and the events export alike.
inline constexpr std::string_view kMoneyPayloadKeys[] = {"amount", "revenue", "amount_cents", "revenue_cents"};

struct LeadEvent {
  int64_t id = 0;  // global, increasing in commit order
  int64_t lead_id = 0;
  std::string type;
  TimePoint at = 0;
  std::string actor;
  std::string payload;  // JSON object text
};

}  // namespace leadloop
