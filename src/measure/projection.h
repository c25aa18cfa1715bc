// LeadProjection: compact in-memory columns of every lead and of every exit
// from the funnel, loaded from the store at start and kept current by the
// store's commit observer, so reports scan memory, never the database, and
// see a change as soon as its transaction has committed.
//
// Per lead (row): id, capture time, campaign / region / owner as dictionary
// codes, grade, stage, definition version, the furthest funnel step
// reached and when each step was first reached, when the current stage
// began, the current owner's first response, the SLA breaches and the won
// revenue. Per exit (a stage_changed event with an exit reason): the lead's
// row, the stage it left, the reason code and the time. Thread-safe: writes
// come from the store's commit (one at a time); reports read under a
// shared lock.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "measure/buckets.h"
#include "store/store.h"

namespace leadloop {

// The funnel's steps, in order; a lead that reached a step passed the ones
// before it. Stages off the main path (rejected, lost, nurture, recycled,
// disqualified, opted_out) are not steps: they are exits or pools.
inline constexpr Stage kFunnelSteps[] = {Stage::kCaptured, Stage::kQualified,   Stage::kAssigned, Stage::kAccepted,
                                         Stage::kWorking,  Stage::kOpportunity, Stage::kWon};
inline constexpr int kFunnelStepCount = 7;
// The step of a stage, or -1 when it is not one: a table lookup, for the
// scans that ask it per lead.
inline constexpr std::array<int8_t, kStageCount> kFunnelStepOf = [] {
  std::array<int8_t, kStageCount> steps{};
  steps.fill(-1);
  for (int i = 0; i < kFunnelStepCount; ++i) steps[static_cast<size_t>(kFunnelSteps[i])] = static_cast<int8_t>(i);
  return steps;
}();
inline int funnel_step(Stage s) {
  const auto i = static_cast<size_t>(s);
  return i < kFunnelStepOf.size() ? kFunnelStepOf[i] : -1;
}

// Strings as small codes, in order of first appearance; code 0 is "".
class Dictionary {
 public:
  Dictionary() { code(""); }
  uint32_t code(std::string_view text);
  // The code of `text`, or -1 when it never appeared.
  int64_t find(std::string_view text) const;
  const std::string& text(uint32_t code) const { return texts_[code]; }
  size_t size() const { return texts_.size(); }

 private:
  // Looked up by string_view without a copy.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> texts_;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> codes_;
};

inline constexpr uint32_t kStepTookLong = UINT32_MAX;

struct LeadColumns {
  std::vector<int64_t> id;
  std::vector<int64_t> created_at;
  std::vector<uint32_t> campaign;  // codes in campaigns
  std::vector<uint32_t> region;    // codes in regions
  std::vector<uint32_t> owner;     // codes in owners; 0: none
  std::vector<uint8_t> grade;      // Grade
  std::vector<uint8_t> stage;      // Stage
  std::vector<uint32_t> version;   // definition version that graded it; 0: none
  std::vector<uint32_t> industry;  // codes in industries (segments)
  std::vector<uint32_t> country;   // codes in countries (segments)
  std::vector<int64_t> employees;  // INT64_MIN: not known (segments)
  std::vector<uint32_t> title;     // codes in titles (segments)
  // The vendor's agent who made the call, within the lead's campaign:
  // codes in callers ("<campaign>\x1f<caller>"); 0: none named.
  std::vector<uint32_t> caller;
  // The lead's free attributes and latest call-guide answers, for
  // segments: (field, value) codes in extra_fields ("attributes.budget",
  // "data.timeframe") and extra_values, sorted by field; empty for most.
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> extras;
  std::vector<uint8_t> reached;    // furthest funnel step reached
  std::vector<int64_t> revenue;    // cents of the latest move to won; 0 if none
  // When the lead first reached each step (a jump past steps reaches them
  // at once); 0: not reached. Step 0 (captured) is the capture time.
  std::array<std::vector<int64_t>, kFunnelStepCount> reached_at;
  // The same, compact, for the stage-times scan: the steps timed (1..k
  // have a reached_at), and per step 1..6 the milliseconds from the step
  // before (at least 0), or kStepTookLong when that does not fit in 32 bits
  // (about 50 days; then reached_at says).
  std::vector<uint8_t> timed_steps;
  std::vector<std::array<uint32_t, kFunnelStepCount - 1>> step_took;
  std::vector<int64_t> stage_since;   // the latest stage change (capture before any)
  // The current owner's first answer (accept, reject or touch); 0: none.
  // A new assignment starts it again, as the follow-up clock does.
  std::vector<int64_t> responded_at;
  std::vector<uint16_t> breaches;     // sla_breached events
  // The latest move to opportunity: its amount (cents) and expected close;
  // 0 when none.
  std::vector<int64_t> amount;
  std::vector<int64_t> expected_close;
  // The rows that reached opportunity, and won, in the order they did (a
  // lead's furthest step never goes back): the forecast and attribution
  // read these instead of every lead.
  std::vector<uint32_t> opportunity_rows;
};

// A touch point of a won deal: when, and the campaign (a code in campaigns).
struct DealTouch {
  int64_t at = 0;
  uint32_t campaign = 0;
};

// A won lead as attribution reads it, kept at write time so the report
// reads the won deals and their touches only: the lead's row, source
// campaign, capture, first move to won and revenue (copies of its columns,
// refreshed as the lead changes), and its touch points after the capture in
// commit order.
struct WonDeal {
  uint32_t row = 0;
  uint32_t campaign = 0;
  int64_t created_at = 0;
  int64_t won_at = 0;  // LeadColumns::reached_at of won; 0: none
  int64_t revenue = 0;
  std::vector<DealTouch> touches;
};

// Distributions kept as bucket counts (buckets.h) over every lead, updated
// as leads change, so reports over all leads know where the median and the
// p90 fall before they scan: per step qualified .. won the time from the
// step before (as LeadColumns::step_took), and per owner code and per
// region code the time from capture to the owner's first answer of the
// leads that reached assigned and were answered (speed to lead). Each
// vector is kBuckets long.
struct KeptDistributions {
  std::array<std::vector<uint32_t>, kFunnelStepCount - 1> step_took;
  // By code; empty for a code without answered leads.
  std::vector<std::vector<uint32_t>> response_by_owner, response_by_region;
};

// Counters kept per owner code and per region code over every lead, as
// leads change: the leads by furthest step, and of those that reached
// assigned how many were answered and how many breached their SLA.
struct KeptCounts {
  std::array<int64_t, kFunnelStepCount> furthest{};
  int64_t assigned = 0, responded = 0, breached = 0;
};
struct KeptCounters {
  std::vector<KeptCounts> by_owner, by_region;  // by code
};

struct ExitColumns {
  std::vector<uint32_t> row;     // the lead's row
  std::vector<uint8_t> from;     // Stage left
  std::vector<uint32_t> reason;  // codes in exit_reasons: "rejected:no_budget", "decayed", ...
  std::vector<int64_t> at;
};

// Every touch point of a lead after its capture: a logged touch or a
// re-capture, with its campaign (for the attribution of revenue).
struct TouchColumns {
  std::vector<uint32_t> row;
  std::vector<uint32_t> campaign;  // codes in campaigns
  std::vector<int64_t> at;
};

// Whether a touch's outcome records a person at an event or webinar:
// `attended`, in any case.
bool is_attended(std::string_view outcome);

// Per campaign and day: the touches it logged (with a lead or not), the
// call-guide answers they captured and the attendances (outcome
// `attended`), for the campaign evaluation and goals.
struct TouchDay {
  int64_t touches = 0;
  int64_t without_lead = 0;
  int64_t data_points = 0;
  int64_t attended = 0;
};
// One campaign's touches by day: a flat array from its first day on (one
// array step per touch at load, no tree), and a map for the odd day more
// than kMaxSpan days away from the others (a mistyped year).
class TouchDays {
 public:
  friend class LeadProjection;  // snapshots write and read its days
  static constexpr Days kMaxSpan = 40000;  // about 110 years
  TouchDay& at(Days day);
  // fn(day, counts) for each day in [from, to] with touches, in day order.
  size_t memory_bytes() const { return days_.capacity() * sizeof(TouchDay) + far_.size() * 64; }
  template <class F>
  void each(Days from, Days to, F&& fn) const {
    for (const auto& [day, counts] : far_) {
      if (day >= from && day <= to && day < first_) fn(day, counts);
    }
    const Days begin = std::max(from, first_);
    const Days end = std::min<Days>(to, first_ + static_cast<Days>(days_.size()) - 1);
    for (Days day = begin; day <= end; ++day) fn(day, days_[static_cast<size_t>(day - first_)]);
    for (const auto& [day, counts] : far_) {
      if (day >= from && day <= to && day >= first_) fn(day, counts);
    }
  }

 private:
  Days first_ = 0;
  std::vector<TouchDay> days_;  // days_[i]: day first_ + i
  std::map<Days, TouchDay> far_;
};
using CampaignTouchDays = std::vector<TouchDays>;  // by campaign code

class LeadProjection final : public CommitObserver {
 public:
  explicit LeadProjection(Store& store) : store_(store) {}
  ~LeadProjection() override;
  LeadProjection(const LeadProjection&) = delete;
  LeadProjection& operator=(const LeadProjection&) = delete;

  // Loads every lead and stage change, then follows the store's commits.
  // REQUIRES: called once, before other threads write.
  Status load();
  // As load(), from the snapshot at `snapshot` (snapshot.cc) when it is
  // whole and of this database: then the events and touches committed
  // after it are applied. Anything else (none, another format or schema,
  // a database behind it, definitions changed since, a corrupt or
  // truncated file) loads in full; `how` says which and why.
  Status load(const std::string& snapshot, std::string* how);
  // Writes what the projection holds now, with the last event and touch
  // it applied, to `path` (a temporary file, synced, renamed over it).
  // Safe while commits go on: it reads under the shared lock.
  Status save_snapshot(const std::string& path) const;

  void lead_committed(const Lead& lead, const std::vector<LeadEvent>& events) override;
  void lead_regraded(int64_t lead_id, Grade grade, int64_t definition_version) override;
  void touch_committed(const Touch& touch) override;

  // Runs fn(projection) under the shared lock; reports read through this.
  template <class F>
  auto read(F&& fn) const {
    std::shared_lock lock(mu_);
    return fn(*this);
  }

  // Guarded by mu_: read inside read().
  const LeadColumns& leads() const { return leads_; }
  const ExitColumns& exits() const { return exits_; }
  const TouchColumns& touches() const { return touches_; }
  const CampaignTouchDays& touch_days() const { return touch_days_; }
  const KeptDistributions& distributions() const { return kept_; }
  const KeptCounters& counters() const { return counters_; }
  const std::vector<WonDeal>& won_deals() const { return won_; }
  const Dictionary& campaigns() const { return campaigns_; }
  const Dictionary& regions() const { return regions_; }
  const Dictionary& owners() const { return owners_; }
  const Dictionary& exit_reasons() const { return exit_reasons_; }
  const Dictionary& industries() const { return industries_; }
  const Dictionary& countries() const { return countries_; }
  const Dictionary& titles() const { return titles_; }
  const Dictionary& callers() const { return callers_; }
  const Dictionary& extra_fields() const { return extra_fields_; }
  const Dictionary& extra_values() const { return extra_values_; }
  // Bytes held by the columns and dictionaries (approximate).
  size_t memory_bytes() const;

 private:
  uint32_t row_for(const Lead& lead);  // REQUIRES: mu_ held exclusively
  void apply_event(uint32_t row, const LeadEvent& e);
  void time_steps(uint32_t row);  // step_took and timed_steps from reached_at
  void reach(uint32_t row, int step);  // the furthest step is at least `step`
  // A new won deal's touch points, from the touch columns; and every won
  // deal's, in one pass over them (at load).
  void index_won_touches(WonDeal& deal);
  void index_all_won_touches();
  void refresh_deal(WonDeal& deal);  // the copies of the lead's columns
  // Adds (sign 1) or takes (-1) a row's values to the kept distributions
  // and counters.
  void count_row(uint32_t row, int sign);
  void fit_columns();  // after the load: each column its rows and a little room
  void finish_load();  // indexes, kept counts, fitted columns; then loaded_
  // Snapshots (snapshot.cc). REQUIRES: mu_ held exclusively for reading.
  Status read_snapshot(const std::string& path, const LogMarks& now, std::string* why);
  Status apply_log_after_snapshot();
  void reset();  // empty, as before load()
  std::array<const Dictionary*, 10> dictionaries() const;  // in a fixed order
  // A committed lead and its events. REQUIRES: mu_ held exclusively.
  void apply_lead(const Lead& lead, const std::vector<LeadEvent>& events);

  Store& store_;
  mutable std::shared_mutex mu_;
  LeadColumns leads_;
  ExitColumns exits_;
  TouchColumns touches_;
  CampaignTouchDays touch_days_;
  KeptDistributions kept_;
  // REQUIRES: mu_ held.
  void add_touch(int64_t lead_id, std::string_view campaign, TimePoint at, int data_points, bool attended);
  std::vector<int32_t> row_by_id_;  // -1: no such lead
  std::vector<WonDeal> won_;  // in the order the leads were won
  std::unordered_map<uint32_t, uint32_t> won_index_;  // won row -> its place in won_
  KeptCounters counters_;
  bool loaded_ = false;  // load() done: wins index their touches as they come
  // The log applied so far: the last event and touch ids, and the
  // definitions as they were at load (-1 once a re-grading came, which
  // changes leads without an event a snapshot could follow).
  int64_t applied_event_id_ = 0, applied_touch_id_ = 0;
  int64_t definition_version_ = 0, definitions_updated_at_ = 0;
  Dictionary campaigns_, regions_, owners_, exit_reasons_, industries_, countries_, titles_, callers_;
  Dictionary extra_fields_, extra_values_;
  bool observing_ = false;
};

}  // namespace leadloop
