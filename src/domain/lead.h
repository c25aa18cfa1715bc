// A Lead is one person at a company that a campaign found: contact fields,
// firmographics, free attributes, consent per channel, and where it stands
// (stage, grade, owner). Plain value type.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/stage.h"
#include "domain/time.h"

namespace leadloop {

// Sorted so that JSON and CSV output is deterministic.
using Attributes = std::map<std::string, std::string>;

enum class Consent : uint8_t { kUnknown, kGranted, kDenied };
std::string_view consent_name(Consent c);  // "unknown", "granted", "denied"
std::optional<Consent> parse_consent(std::string_view text);  // also yes/no/true/false/1/0

struct ConsentFlags {
  Consent email = Consent::kUnknown;
  Consent phone = Consent::kUnknown;
  Consent mail = Consent::kUnknown;
};

// The consent channels, as one table that consent changes iterate.
struct ConsentChannel {
  std::string_view name;  // "email", "phone", "mail"
  Consent ConsentFlags::*member;
};
std::span<const ConsentChannel> consent_channels();

// Do not contact: every channel denied. Such a person is called, mailed
// and e-mailed by nobody; an open lead of theirs leaves as opted_out.
bool do_not_contact(const ConsentFlags& c);

struct Lead {
  int64_t id = 0;  // 0 until stored
  std::string email;
  std::string phone;
  std::string first_name;
  std::string last_name;
  std::string company;
  std::string title;
  std::string industry;
  std::optional<int64_t> employees;
  std::string country;
  std::string region;
  std::string source_campaign;
  // The lead's id in the system it came from (a CRM, a dialler's call
  // log): an identity key like email and phone, so a history of rows
  // without either can be imported and loaded again without duplicates.
  std::string external_id;
  // The vendor's agent who made the call that produced the lead: a free
  // name within the vendor's campaigns, for the callers' leaderboard.
  std::string caller;
  Attributes attributes;
  ConsentFlags consent;

  Stage stage = Stage::kCaptured;
  Grade grade = Grade::kNone;
  std::string owner;  // rep key; empty while unassigned

  TimePoint created_at = 0;
  TimePoint updated_at = 0;
  // Input only: when a lead of a history being loaded was captured (not in
  // the future). Intake makes it the new lead's created_at and the time of
  // its captured event; a lead that merges keeps its own. Never stored.
  std::optional<TimePoint> captured_at;
  std::optional<TimePoint> last_touch_at;

  // What the lead's touches told us: how many, and the latest answer per
  // call-guide question (data point key), kept current at write time.
  int64_t touch_count = 0;
  Attributes data_points;

  // How the lead definition graded it: the version that did, the score
  // (0-100) and the reasons as JSON (see definition/grading.h). Version 0:
  // not graded yet (no active definition when it was last evaluated).
  int64_t definition_version = 0;
  int score = 0;
  std::string grading;  // {"grade":..,"reasons":[..],"score_reasons":[..]}

  // Follow-up (engine/follow_up.h). assigned_at: when the current owner got
  // the lead; first_response_at: the owner's first accept, reject or touch.
  // sla_due_at is the lead's next follow-up timer (the breach at level 0,
  // the reassignment at level 1); decay_at when a warm lead turns cold.
  // Timers live on the lead so that firing one and its effect are one
  // transaction: each fires exactly once, also across a crash.
  std::optional<TimePoint> assigned_at;
  std::optional<TimePoint> first_response_at;
  std::optional<TimePoint> sla_due_at;
  int sla_level = 0;
  std::optional<TimePoint> decay_at;

  // Normalised identity keys, derived by validate_lead(); empty when the
  // lead lacks the fields. See normalize.h.
  std::string email_key;
  std::string phone_key;
  std::string name_key;
};

// The canonical text fields of a lead, as one table that JSON, CSV,
// validation, merge and export iterate.
struct LeadTextField {
  std::string_view name;
  std::string Lead::*member;
  size_t max_length;
};
std::span<const LeadTextField> lead_text_fields();

// Every canonical input field name, text or not: the text fields plus
// employees, attributes, consent.
bool is_lead_field(std::string_view name);

}  // namespace leadloop
