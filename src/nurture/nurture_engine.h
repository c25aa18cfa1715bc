// NurtureEngine runs the nurture programmes (docs/nurture.md) on the
// durable delivery engine: a programme mail is one "email" delivery keyed
// "nurture:<enrolment>:<step>", inserted in the transaction that moves the
// enrolment on, so each (enrolment, step) is sent once, also across a
// kill -9. No cron: enrolments carry next_at; run_once() (woken like the
// delivery engine, and by POST /api/v1/clock) first reads the lead events
// past its cursor — a lead routed to stage nurture is enrolled in the
// programme the event names; a lead that turned hot, opted out, was
// accepted or disqualified, or met the goal exits — then runs every step
// due, in batches, each batch one store transaction (Store::apply_nurture)
// under the intake's write lock. Consent is checked when a mail is made,
// never only when it is planned; a frequency cap holds per lead across
// programmes. Open and click tracking (signed tokens, access/signed_token.h)
// is on only for a lead whose e-mail consent is granted. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "domain/clock.h"
#include "engine/campaign_catalog.h"
#include "engine/intake.h"
#include "mail/message.h"
#include "mail/settings.h"
#include "mail/unsubscribe.h"
#include "nurture/programme.h"
#include "store/store.h"

namespace leadloop {

struct NurtureConfig {
  std::string base_url;  // links in the mails: <base>/u/..., <base>/t/...
  MailAddress from;
  // When set, the base URL and the sender come from it at each run (those
  // above are the fallback for a sender it lacks).
  std::shared_ptr<const LiveMailSettings> mail = nullptr;
  int batch = 1000;      // enrolments (and events) per transaction
};

struct NurtureRun {
  int64_t enrolled = 0;
  int64_t exited = 0;
  int64_t steps = 0;  // steps run
  int64_t sent = 0;   // mails handed to the delivery engine
};

// What a tracking token names.
struct TrackedMail {
  int64_t enrolment_id = 0;
  int step = 0;
  int link = -1;  // the link's index in the mail; -1 for the open pixel
};

class NurtureEngine {
 public:
  NurtureEngine(Store& store, const Clock& clock, Intake& intake, CampaignCatalog& campaigns,
                const UnsubscribeLinks& unsubscribe, NurtureConfig config);

  // Loads the tracking key (made on first use). REQUIRES: before use.
  Status open();

  // Enrols the lead (by `actor`) in the programme's active version; an
  // `enrolled` event. kNotFound (no lead, no active version); kConflict
  // when the lead already is in the programme.
  Result<Enrolment> enrol(int64_t lead_id, const std::string& programme, const std::string& actor);

  // Enrolments from the events since the last run, exits, then every step
  // due at the clock's now.
  Result<NurtureRun> run_once();

  // The parsed programme version (cached).
  Result<std::shared_ptr<const Programme>> programme(const std::string& key, int64_t version);

  // Tracking: tokens and what a valid one names (kNotFound otherwise).
  std::string open_token(int64_t enrolment_id, int step) const;
  std::string click_token(int64_t enrolment_id, int step, int link) const;
  Result<TrackedMail> verify(std::string_view token) const;
  // Records the open or click as a touch on the lead (so it can re-grade
  // it) unless the lead's consent no longer allows tracking; a click
  // answers the link's target.
  Result<std::string> track(const TrackedMail& t);

 private:
  struct Work;
  Status enrol_from_events(NurtureRun& run, bool& more);
  Status run_due(NurtureRun& run, bool& more);
  // Runs the enrolment's steps from where it stands; fills the move.
  void advance(Work& w, const Enrolment& e, Lead& lead, const Programme& p, EnrolmentMove& move,
               std::vector<LeadEvent>& events, NurtureRun& run);
  bool engaged(const Lead& lead, const BranchSpec& b, TimePoint now);

  Store& store_;
  const Clock& clock_;
  Intake& intake_;
  CampaignCatalog& campaigns_;
  const UnsubscribeLinks& unsubscribe_;
  const NurtureConfig config_;
  std::string key_;  // tracking tokens
  std::mutex run_mu_;  // one run at a time
  std::mutex cache_mu_;
  std::map<std::pair<std::string, int64_t>, std::shared_ptr<const Programme>> cache_;
};

// Why an enrolled lead leaves, as it now stands ("" : it stays): hot,
// opted_out, accepted, disqualified; goal when the programme's goal holds.
// (A lead moved out of stage nurture leaves as left_nurture when the
// engine reads that move; a lead enrolled by hand from another stage stays.)
std::string exit_reason(const Lead& lead, const Programme& p, TimePoint now);

}  // namespace leadloop
