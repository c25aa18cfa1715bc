// Intake is where leads and touches enter Leadloop, from every channel (API,
// CSV import, demo): it validates, finds duplicates (in the database and
// within the batch), merges re-captures into the existing lead as a touch and
// an event (and a consent_changed event when the re-capture changed the
// consent), honours consent (engine/consent.h: a person not to be contacted
// leaves as opted_out), and commits each batch as one transaction. Thread-safe: batches
// are serialised by an internal lock; parsing and validation happen outside.
#pragma once

#include <mutex>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/codec.h"
#include "engine/active_definition.h"
#include "engine/campaign_catalog.h"
#include "engine/dedup_index.h"
#include "engine/router.h"
#include "store/store.h"

namespace leadloop {

struct CaptureContext {
  std::string actor;  // who is capturing: token label, user, "import"
  std::string via;    // "api", "import:<id>", "demo"
  bool dry_run = false;  // validate and find duplicates, store nothing
  bool return_leads = false;  // fill CaptureOutcome::lead (costs a copy each)
  // When set, a stored lead this returns false for is no duplicate to this
  // capture: it is neither merged into nor shown, and the capture makes a
  // lead of its own (or merges into the caller's own lead of the person),
  // answered exactly as a capture of a new person would be. So a vendor can
  // neither write into, read, nor learn of another party's lead of the
  // same person (docs/security.md, "Capturing a person another party has").
  std::function<bool(const Lead&)> may_merge_into = nullptr;
};

// Consent a person gave with the capture, beside the lead's fields (a web
// form's ticked box): the channels set (kUnknown: as it is), where it came
// from and the wording they agreed to. Each that changes the lead's consent
// is a consent_changed event of its own.
struct CaptureConsent {
  ConsentFlags set;
  std::string source;
  std::string note;
};

// What an input brings beyond the lead, applied in the same transaction as
// its capture or merge: consent given and messages about the lead
// (Mutation::LeadMessage: made once the lead has its id; nullopt: none).
struct CaptureExtras {
  std::vector<CaptureConsent> consents;
  std::vector<std::function<std::optional<OutboxMessage>(const Lead&)>> messages;
};

enum class CaptureStatus { kCreated, kMerged, kRejected };
std::string_view capture_status_name(CaptureStatus s);

struct CaptureOutcome {
  CaptureStatus status = CaptureStatus::kRejected;
  int64_t lead_id = 0;         // created or merged-into lead (0 on dry-run create)
  std::string matched_on;      // for kMerged: external_id, email, phone, company_name
  bool matched_in_batch = false;  // the duplicate came earlier in the same batch
  Status error;                // for kRejected
  Lead lead;                   // state after the batch, if ctx.return_leads
  std::vector<std::string> consent_changed;  // channels its CaptureConsents changed
  std::vector<OutboxMessage> messages;       // its CaptureExtras messages written
};

class Intake {
 public:
  // `definition`, when given, grades every lead captured or touched;
  // `router`, when given, routes it by its grade in the same transaction.
  Intake(Store& store, const Clock& clock, CampaignCatalog& campaigns,
         const ActiveDefinition* definition = nullptr, Router* router = nullptr)
      : store_(store), clock_(clock), campaigns_(campaigns), definition_(definition), router_(router) {}

  // Builds the dedup index from the store. Call once before capturing.
  Status open();

  // Captures a batch; one outcome per input, in order. Inputs that failed to
  // parse are reported as rejected with their parse error. Fails as a whole
  // only when the store fails (then nothing of the batch is stored).
  // `extras`, when not empty, holds one entry per input (ignored for a
  // rejected input), committed with the batch.
  Result<std::vector<CaptureOutcome>> capture(std::vector<Result<Lead>> inputs,
                                              const CaptureContext& ctx,
                                              std::vector<CaptureExtras> extras = {});

  // Logs a touch, on a lead (then also an event on it) or on none.
  Result<Touch> log_touch(TouchInput input, const std::string& actor);

  // Every write to leads is serialised by this lock; other writers of lead
  // state (lifecycle, activation) take it too, so that no change is lost
  // between a read and its write.
  std::unique_lock<std::mutex> lock_writes() const { return std::unique_lock(mu_); }

  // The lead holding this identity key, or 0: a candidate (the index keeps
  // hashes), for the caller to confirm against the lead's own key.
  int64_t find_key(KeyKind k, const std::string& key) const {
    std::lock_guard lock(mu_);
    return index_.find(k, key);
  }
  // Every lead holding this identity key (several when parties each have
  // their own lead of the person), the first first; candidates as above.
  std::vector<int64_t> find_keys(KeyKind k, const std::string& key) const {
    std::lock_guard lock(mu_);
    return index_.find_all(k, key);
  }

  // Drops a lead's identity keys from the dedup index once its personal
  // data is erased: a new capture of the person makes a new lead.
  // REQUIRES: the caller holds lock_writes().
  void forget_locked(const LeadKeys& keys) {
    index_.remove(keys.id, keys.email_key, keys.phone_key, keys.name_key, keys.external_id);
  }

 private:
  Store& store_;
  const Clock& clock_;
  CampaignCatalog& campaigns_;
  const ActiveDefinition* definition_;
  Router* router_;
  mutable std::mutex mu_;  // serialises batches; guards index_
  DedupIndex index_;
};

}  // namespace leadloop
