// Reports from the in-memory projection against their SQL twins on the same
// data, at scale:
//  1. generate a seeded programme straight into a real SQLite file: N leads
//     over 200 campaigns (20 of them run by vendors; each with a cost), 12
//     regions, 300 reps in 12 regional teams, ten months. Each lead's
//     history is written the way the engine writes it: captured, sometimes
//     grade_changed, stage changes with the exits a real funnel has
//     (disqualified, rejected:<reason>, sla_breach, lost:<reason>, decayed),
//     assigned when it gets an owner, sla_breached when the owner is late,
//     touched as the owner works it; about 9 events per lead. The lead's
//     columns follow (owner, assigned_at, first_response_at: the owner's
//     first accept, reject or touch). Each touched event has its row in the
//     touches table, committed with it: mostly under the lead's campaign,
//     some under another (attribution's touch points), connected calls with
//     call-guide answers; and about 0.3 conversations per lead that produced
//     no lead (touch rows with lead_id 0, no event). A move to opportunity
//     carries an amount and mostly an expected close, a move to won its
//     revenue. Nothing is written at or after the end of the period, so the
//     latest leads are still on their way;
//  2. load the projection (time, bytes per lead and per event, peak RSS);
//     write its snapshot (as a clean stop does) and load a second
//     projection from it (time; its answers must be the same);
//  3. run each report warm, best of R, on the projection and as SQL on the
//     file (SQLite), the SQL doing the whole job (percentiles included);
//  4. ask the same questions of DuckDB, through bench/duckdb_twin.mjs (Node
//     and the npm package @duckdb/node-api, which `npm ci` installs) on a CSV
//     export of the file; skipped, with a note, when either is missing;
//     and again over per-lead derived tables built once (untimed) from the
//     export: the columns the projection keeps, so DuckDB too reads
//     summaries ready rather than rebuilding them from the events;
//  5. check all of them give the same figures, in every timed run (each
//     run's answer is compared with the warm-up's, outside the timer);
//     print the table. The exit status is 1 when any figures differ or the
//     DuckDB twin fails, else 2 when a report of Leadloop's took more than
//     the goal (--goal-ms, 10 by default) unless --no-goals.
//
//   leadloop_bench_reports [--leads N] [--db FILE] [--runs R] [--sql-runs R] [--duckdb-runs R]
//                          [--reuse 1] [--twins 0] [--sqlite-twin 0] [--goal-ms MS] [--no-goals] [--only KEY]
//                          [--json FILE]
//   --only KEY: that report only (the keys are in report_rows()), for profiling.
//   --reuse 1: keep a file generated before (same --leads) instead of
//   generating again; --twins 0: time Leadloop only (for profiling);
//   --sqlite-twin 0: DuckDB's twins only (the SQLite twin takes minutes a
//   report at 10M leads). --json FILE: the figures as JSON (bench/curve.sh).
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/codec.h"
#include "engine/campaign_catalog.h"
#include "measure/reports.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace leadloop {
namespace {

constexpr TimePoint kStart = 1767571200000;  // 2026-01-05
constexpr int kDays = 300;                   // ten months of captures
// The end of the period: the programme as it stands then, nothing later.
constexpr TimePoint kEnd = kStart + kDays * kMillisPerDay;
constexpr int kCampaigns = 200, kRegions = 12, kReps = 300, kTeamSize = kReps / kRegions;
constexpr const char* kChannels[] = {"web",    "email",       "event",  "webinar", "telemarketing",
                                     "social", "direct_mail", "referral", "partner"};
constexpr const char* kRejects[] = {"no_budget", "bad_timing", "not_decision_maker", "duplicate", "wrong_contact"};
constexpr const char* kLosses[] = {"no_project", "went_dark", "competitor", "price"};
// The follow-up SLA by grade (none, hot, warm, cold, unqualified), hours;
// an owner silent for twice as long loses the lead.
constexpr TimePoint kSlaHours[kGradeCount] = {24, 2, 8, 24, 48};

void check(const Status& st) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    std::exit(1);
  }
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// The seeded randomness of the programme.
class Dice {
 public:
  explicit Dice(uint64_t seed) : rng_(seed) {}
  bool chance(double p) { return unit() < p; }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  int64_t below(int64_t n) { return static_cast<int64_t>(rng_() % static_cast<uint64_t>(n)); }
  // A delay between lo and hi, log-uniform: most answers come fast, a few
  // take long, as people's do.
  TimePoint within(TimePoint lo, TimePoint hi) {
    const double a = std::log(static_cast<double>(lo)), b = std::log(static_cast<double>(hi));
    return static_cast<TimePoint>(std::exp(a + unit() * (b - a)));
  }

 private:
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  std::mt19937_64 rng_;
};

// The event types the generator writes, and how many of each it wrote.
constexpr std::string_view kWrittenTypes[] = {event_type::kCaptured,    event_type::kGradeChanged,
                                              event_type::kStageChanged, event_type::kAssigned,
                                              event_type::kSlaBreached, event_type::kTouched};
enum Written : uint8_t { kCapturedEvent, kRegradeEvent, kMoveEvent, kAssignEvent, kBreachEvent, kTouchEvent };
using EventCounts = std::array<int64_t, std::size(kWrittenTypes)>;

// A JSON string of text that needs no escapes (names, keys, reasons).
std::string json_text(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string campaign_key(int c) { return "c" + std::to_string(c); }

// The call guide's questions, and the answers a prospect gives.
constexpr const char* kGuideQuestions[] = {"budget", "timeline", "decision_maker", "current_system"};
constexpr const char* kGuideAnswers[] = {"yes", "no", "unknown", "this_quarter", "next_year"};
constexpr const char* kCallOutcomes[] = {"connected", "voicemail", "no_answer"};
constexpr const char* kMailOutcomes[] = {"sent", "replied"};

// One to three answers to the call guide (a question asked twice keeps its
// last answer).
void answer_guide(Dice& d, Attributes& data_points) {
  for (int n = 1 + d.pick(3); n > 0; --n) data_points[kGuideQuestions[d.pick(4)]] = kGuideAnswers[d.pick(5)];
}

// A touch the lead's owner logs: mostly under the lead's own campaign,
// sometimes under a campaign drawn at random (a nurture mail, an event
// invitation: the other touch points attribution credits). A call or a
// mail; a connected call captures answers to the call guide.
Touch logged_touch(Dice& d, const std::string& source_campaign, TimePoint at) {
  Touch t;
  t.campaign = d.chance(0.85) ? source_campaign : campaign_key(d.pick(kCampaigns));
  const bool call = d.chance(0.6);
  t.channel = call ? Medium::kCall : Medium::kEmail;
  t.direction = d.chance(0.85) ? Direction::kOutbound : Direction::kInbound;
  t.outcome = call ? kCallOutcomes[d.pick(3)] : kMailOutcomes[d.pick(2)];
  if (t.outcome == "connected") answer_guide(d, t.data_points);
  t.actor = "bench";
  t.at = at;
  return t;
}

// A conversation that produced no lead (lead_id 0): a call of an event or
// telemarketing campaign at any time of the period; a prospect who says no
// has often answered a question or two first.
Touch conversation(Dice& d) {
  Touch t;
  // c2, c4, c11, c13, ...: the campaigns of the event and telemarketing channels.
  t.campaign = campaign_key(9 * d.pick(kCampaigns / 9) + (d.chance(0.5) ? 2 : 4));
  t.channel = Medium::kCall;
  t.direction = Direction::kOutbound;
  t.outcome = d.chance(0.6) ? "not_interested" : "no_answer";
  if (t.outcome == "not_interested" && d.chance(0.7)) answer_guide(d, t.data_points);
  t.actor = "bench";
  t.at = kStart + d.below(kEnd - kStart);
  return t;
}

// The payload of a touched event, as the engine writes it (Intake::log_touch).
std::string touched_payload(const Touch& t) {
  auto payload = to_json(t);
  payload.erase("id");
  payload.erase("lead");
  return dump_json(payload);
}

// One lead's history as the engine writes it, each event after the one
// before and none at or after kEnd: the first that would be closes the
// walk, and the lead stays where it stood. Every change to the lead's
// columns comes with the event that makes it, so they always agree.
// `details` draws what the walk's own dice leave open (the touches'
// campaigns, media, outcomes and answers; the deals' amounts and close
// dates), so the events, their times and the funnel are the same with or
// without them.
class LeadWalk {
 public:
  LeadWalk(LeadChange& c, EventCounts& counts, Dice& details)
      : c_(c), l_(c.lead), counts_(counts), details_(details), t_(c.lead.created_at) {
    write(kCapturedEvent, 0, "{}");
  }
  Grade grade() const { return l_.grade; }

  // Re-graded to `to` (as the definition does on new information).
  void regrade(Grade to, TimePoint delay) {
    if (write(kRegradeEvent, delay, "{\"from\":" + json_text(grade_name(l_.grade)) + ",\"to\":" +
                                        json_text(grade_name(to)) + ",\"definition_version\":1}")) {
      l_.grade = to;
    }
  }

  // A lifecycle move; a move out of assigned is the owner's answer.
  // `deal`: more payload fields (",\"amount_cents\":...").
  void move(Stage to, TimePoint delay, const std::string& exit = "", int64_t revenue_cents = 0,
            const std::string& deal = "") {
    std::string p = "{\"from\":" + json_text(stage_name(l_.stage)) + ",\"to\":" + json_text(stage_name(to));
    if (!exit.empty()) p += ",\"exit\":" + json_text(exit);
    if (revenue_cents) p += ",\"revenue_cents\":" + std::to_string(revenue_cents);
    p += deal;
    if (!l_.owner.empty()) p += ",\"owner\":" + json_text(l_.owner);
    if (!write(kMoveEvent, delay, p + "}")) return;
    if (l_.stage == Stage::kAssigned) respond();
    l_.stage = to;
  }

  // Becomes an opportunity with an amount ($5k .. $200k) and, nine times
  // in ten, an expected close: a date one to twelve weeks out. The revenue
  // it closes at, if won, is drawn at the win.
  void open_deal(TimePoint delay) {
    std::string deal = ",\"amount_cents\":" + std::to_string(500000 + details_.below(19500000));
    if (details_.chance(0.9)) {
      const TimePoint close = static_cast<TimePoint>(day_of(t_ + delay) + 7 + details_.pick(78)) * kMillisPerDay;
      deal += ",\"expected_close\":" + json_text(format_time(close));
    }
    move(Stage::kOpportunity, delay, "", 0, deal);
  }

  // A rep gets the lead: its follow-up clock starts again. From a pool it
  // moves to assigned; a reassignment leaves it there.
  void assign(const std::string& rep, const std::string& team, TimePoint delay, bool after_breach = false) {
    std::string p = "{\"owner\":" + json_text(rep) + ",\"team\":" + json_text(team);
    if (after_breach) p += ",\"previous_owner\":" + json_text(l_.owner) + ",\"reason\":\"sla_breach\"";
    if (!write(kAssignEvent, delay, p + "}")) return;
    if (l_.stage != Stage::kAssigned) {
      write(kMoveEvent, 0, "{\"from\":" + json_text(stage_name(l_.stage)) + ",\"to\":\"assigned\",\"owner\":" +
                               json_text(rep) + "}");
      l_.stage = Stage::kAssigned;
    }
    l_.owner = rep;
    team_ = team;
    l_.assigned_at = t_;
    l_.first_response_at.reset();
  }

  // The owner missed the follow-up SLA.
  void breach(TimePoint delay) {
    write(kBreachEvent, delay, "{\"owner\":" + json_text(l_.owner) + ",\"team\":" + json_text(team_) + "}");
  }

  // Nobody took the lead over after a breach: back to the queue, ownerless.
  void requeue(TimePoint delay) {
    if (!write(kMoveEvent, delay, "{\"from\":\"assigned\",\"to\":\"qualified\",\"reason\":\"sla_breach\","
                                  "\"exit\":\"sla_breach\",\"previous_owner\":" + json_text(l_.owner) + "}")) {
      return;
    }
    l_.stage = Stage::kQualified;
    l_.owner.clear();
    l_.assigned_at.reset();
  }

  // A call or a mail logged by the owner, for whom it is an answer: a
  // touched event and its row in the touches table, in the same commit. Its
  // call-guide answers become the lead's latest ones.
  void touch(TimePoint delay) {
    if (!advance(delay)) return;
    Touch t = logged_touch(details_, l_.source_campaign, t_);
    record(kTouchEvent, touched_payload(t));
    for (const auto& [question, answer] : t.data_points) l_.data_points[question] = answer;
    c_.touches.push_back(std::move(t));
    ++l_.touch_count;
    l_.last_touch_at = t_;
    respond();
  }

 private:
  // Moves the walk's clock on; false, and the walk is over, when that
  // reaches kEnd.
  bool advance(TimePoint delay) {
    if (!open_ || t_ + delay >= kEnd) {
      open_ = false;
      return false;
    }
    t_ += delay;
    return true;
  }
  void record(Written type, std::string payload) {
    c_.events.push_back({0, 0, std::string(kWrittenTypes[type]), t_, "bench", std::move(payload)});
    ++counts_[type];
    l_.updated_at = t_;
  }
  bool write(Written type, TimePoint delay, std::string payload) {
    if (!advance(delay)) return false;
    record(type, std::move(payload));
    return true;
  }
  void respond() {
    if (!l_.owner.empty() && !l_.first_response_at) l_.first_response_at = t_;
  }

  LeadChange& c_;
  Lead& l_;
  EventCounts& counts_;
  Dice& details_;
  TimePoint t_;
  bool open_ = true;
  std::string team_;
};

constexpr TimePoint kSecond = kMillisPerSecond, kMinute = kMillisPerMinute, kHour = kMillisPerHour,
                    kDay = kMillisPerDay;

std::string rep_name(int region, int member) { return "rep" + std::to_string(region * kTeamSize + member); }
std::string team_name(int region) { return "team" + std::to_string(region); }

// Accepted: worked with touches, then maybe an opportunity, won or lost.
void work(LeadWalk& w, Dice& d) {
  w.move(Stage::kWorking, d.within(kMinute, 2 * kDay));
  for (int n = 3 + d.pick(11); n > 0; --n) w.touch(d.within(2 * kHour, 5 * kDay));
  if (d.chance(0.45)) {
    w.open_deal(d.within(kHour, 5 * kDay));
    for (int n = 1 + d.pick(5); n > 0; --n) w.touch(d.within(kHour, 7 * kDay));
    const TimePoint close = d.within(kDay, 30 * kDay);
    if (d.chance(0.45)) {
      w.move(Stage::kWon, close, "", 500000 + d.below(19500000));  // $5k .. $200k
    } else if (d.chance(0.7)) {
      w.move(Stage::kLost, close, std::string("lost:") + kLosses[d.pick(4)]);
    }
  } else if (d.chance(0.3)) {
    const TimePoint close = d.within(kDay, 20 * kDay);
    w.move(Stage::kLost, close, std::string("lost:") + kLosses[d.pick(4)]);
  }
}

// Given to a rep of the lead's region: answered (touch, accept or reject)
// late or in time, or never, and then reassigned or requeued.
void follow_up(LeadWalk& w, Dice& d, int region) {
  const TimePoint sla = kSlaHours[static_cast<int>(w.grade())] * kHour;
  const int member = d.pick(kTeamSize);
  w.assign(rep_name(region, member), team_name(region), d.within(10 * kSecond, 8 * kHour));
  if (d.chance(0.08)) {  // silent until it is taken away
    w.breach(sla);
    if (d.chance(0.5)) {
      w.requeue(sla);
      return;
    }
    w.assign(rep_name(region, (member + 1 + d.pick(kTeamSize - 1)) % kTeamSize), team_name(region), sla, true);
  }
  const TimePoint answer = d.within(kMinute, 2 * sla);
  TimePoint delay = answer;
  if (answer > sla) {
    w.breach(sla);
    delay = answer - sla;
  }
  if (d.chance(0.35)) {  // a call first, the decision later
    w.touch(delay);
    delay = d.within(kHour, 3 * kDay);
  }
  if (d.chance(0.2)) {
    w.move(Stage::kRejected, delay, std::string("rejected:") + kRejects[d.pick(5)]);
    return;
  }
  w.move(Stage::kAccepted, delay);
  work(w, d);
}

// A warm lead not ready to buy: nurtured, and maybe decayed out of it.
void nurture(LeadWalk& w, Dice& d) {
  w.move(Stage::kNurture, d.within(kMinute, kDay));
  for (int n = d.pick(4); n > 0; --n) w.touch(d.within(kDay, 20 * kDay));
  if (d.chance(0.3)) w.move(Stage::kRecycled, d.within(14 * kDay, 45 * kDay), "decayed");
}

void walk(LeadWalk& w, Dice& d, int region) {
  if (!d.chance(0.75)) return;  // still captured: never qualified
  w.move(Stage::kQualified, d.within(kMinute, 3 * kDay));
  if (d.chance(0.1)) {
    w.move(Stage::kDisqualified, d.within(kHour, 5 * kDay), "disqualified");
  } else if (w.grade() == Grade::kWarm && d.chance(0.5)) {
    nurture(w, d);
  } else {
    follow_up(w, d, region);
  }
}

void put_campaigns(SqliteStore& store, Dice& d) {
  for (int c = 0; c < kCampaigns; ++c) {
    Campaign k;
    k.key = campaign_key(c);
    k.name = k.key;
    k.channel = parse_channel(kChannels[c % 9]).value();
    if (c % 10 == 4) k.vendor = "Vendor " + std::to_string(c % 7);
    k.cost_cents = 100000 + d.below(9900000);  // $1k .. $100k
    k.created_at = kStart;
    check(store.put_campaign(k));
  }
}

// What the generator wrote: events of each type, and the conversations
// without a lead (touch rows; those with a lead are the touched events).
struct Generated {
  EventCounts events{};
  int64_t conversations = 0;
};

// Writes the programme.
Generated generate(SqliteStore& store, int64_t leads, uint64_t seed) {
  Dice d(seed);
  Dice details(seed + 1);
  put_campaigns(store, d);
  Generated out;
  EventCounts& counts = out.events;
  Mutation m;
  for (int64_t i = 0; i < leads; ++i) {
    LeadChange c;
    Lead& l = c.lead;
    l.email = "lead" + std::to_string(i) + "@example.com";
    l.email_key = l.email;
    l.source_campaign = campaign_key(d.pick(kCampaigns));
    const int region = d.pick(kRegions);
    l.region = "R" + std::to_string(region);
    l.created_at = l.updated_at = kStart + d.below(kEnd - kStart);
    const int g = d.pick(10);
    const Grade grade = g < 2 ? Grade::kHot : g < 5 ? Grade::kWarm : g < 9 ? Grade::kCold : Grade::kUnqualified;
    const bool regraded = d.chance(0.2);
    // A regraded lead was captured with another grade.
    l.grade = regraded ? static_cast<Grade>(1 + (static_cast<int>(grade) + d.pick(3)) % 4) : grade;
    l.definition_version = 1;
    LeadWalk w(c, counts, details);
    if (regraded) w.regrade(grade, d.within(kMinute, 2 * kDay));
    walk(w, d, region);
    m.leads.push_back(std::move(c));
    if (details.chance(0.3)) {
      m.touches.push_back(conversation(details));
      ++out.conversations;
    }
    if (m.leads.size() == 20000 || i + 1 == leads) {
      check(store.commit(m));
      m = Mutation();
      std::fprintf(stderr, "\r  generated %lld leads", static_cast<long long>(i + 1));
    }
  }
  std::fprintf(stderr, "\n");
  return out;
}

using Json = nlohmann::json;

// One row of the table: a report asked of the projection, and the same
// question for both SQL twins (SQLite here, DuckDB in bench/duckdb_twin.mjs)
// as SQL fragments over l (leads), c (campaigns) and e (a stage change);
// the campaigns' touch counts filter t (a touch) instead.
// A new row is one more entry in report_rows(); a new kind of report is one
// more Kind, answered in ask(), figures_of(), Twin::ask() and the script's
// kQuestions.
enum class Kind : uint8_t {
  kFunnel, kLeaks, kSpeedToLead, kStalled, kStageTimes, kCampaigns, kCampaignTouches, kAttribution, kForecast,
  kVendorBoard, kRepBoard
};
constexpr const char* kKindNames[] = {  // as the script knows them
    "funnel",      "leaks",       "speed_to_lead", "stalled",  "stage_times",         "campaigns",
    "campaign_touches", "attribution", "forecast", "leaderboard_vendors", "leaderboard_reps"};

struct Row {
  const char* name;  // as printed
  const char* key;   // the row's name in the DuckDB twin's output
  Kind kind;
  ReportFilter filter;
  GroupBy by = GroupBy::kNone;
  std::string where = "true";
  std::string group = "''";  // the SQL of the group
  TimePoint before = 0;      // stalled: the stage began before this
};

std::vector<Row> report_rows() {
  const TimePoint q2 = kStart + 90LL * kMillisPerDay, q3 = kStart + 180LL * kMillisPerDay;
  ReportFilter cohort;
  cohort.from = q2;
  cohort.to = q3;
  // The same kind of segment in the definition's language (region, channel
  // and stage), evaluated once per distinct combination of those fields.
  ReportFilter expression;
  expression.segment =
      compile_segment(R"(region in ["R1", "R2", "R3"] and campaign.channel in ["telemarketing", "event"] and )"
                      R"(stage != "captured")")
          .value();
  ReportFilter segment;
  segment.regions = {"R1", "R2", "R3"};
  segment.grade = Grade::kHot;
  segment.channels = {"telemarketing", "event"};
  ReportFilter by_event;
  by_event.from = q2;
  by_event.to = q3;
  by_event.exits_by_event_time = true;
  auto between = [&](const char* column) {
    return std::string(column) + " >= " + std::to_string(q2) + " AND " + column + " < " + std::to_string(q3);
  };
  // Touches count by whole days: a period from 09:00 to 15:00 counts its
  // first and last days whole.
  ReportFilter touch_days;
  touch_days.from = q2 + 9 * kHour;
  touch_days.to = q3 + 15 * kHour;
  const std::string touch_day = "(t.at - ((t.at % 86400000) + 86400000) % 86400000)";  // midnight before t.at
  const std::string touch_days_where = touch_day + " >= " + std::to_string(q2) + " AND " + touch_day + " < " +
                                       std::to_string(*touch_days.to);
  return {
      {"funnel, all leads", "funnel_all", Kind::kFunnel, {}},
      {"funnel by channel, capture cohort", "funnel_channel_cohort", Kind::kFunnel, cohort, GroupBy::kChannel,
       between("l.created_at"), "c.channel"},
      {"funnel by region", "funnel_region", Kind::kFunnel, {}, GroupBy::kRegion, "true", "l.region"},
      {"funnel of a segment (3 fields)", "funnel_segment", Kind::kFunnel, segment, GroupBy::kNone,
       "l.region IN ('R1','R2','R3') AND l.grade = 'hot' AND c.channel IN ('telemarketing','event')"},
      {"funnel of a segment expression", "funnel_segment_expression", Kind::kFunnel, expression, GroupBy::kNone,
       "l.region IN ('R1','R2','R3') AND c.channel IN ('telemarketing','event') AND l.stage <> 'captured'"},
      {"leaks, stage x reason", "leaks_all", Kind::kLeaks, {}},
      {"leaks of a quarter (exit time)", "leaks_quarter_exit_time", Kind::kLeaks, by_event, GroupBy::kNone,
       between("e.at")},
      {"speed to lead by region", "speed_region", Kind::kSpeedToLead, {}, GroupBy::kRegion, "true", "l.region"},
      {"stalled 14 days, region x stage", "stalled_region", Kind::kStalled, {}, GroupBy::kRegion, "true", "l.region",
       kEnd - 14 * kMillisPerDay},
      {"stage times (median, p90)", "stage_times", Kind::kStageTimes, {}},
      {"campaigns: ROI per campaign", "campaigns", Kind::kCampaigns, {}},
      {"campaign touches, days of a quarter", "campaign_touches", Kind::kCampaignTouches, touch_days,
       GroupBy::kNone, touch_days_where},
      {"attribution: first, last, linear", "attribution", Kind::kAttribution, {}},
      {"forecast by campaign, weekly", "forecast_campaign", Kind::kForecast, {}, GroupBy::kCampaign, "true",
       "l.source_campaign"},
      {"leaderboard: vendors, a quarter", "leaderboard_vendors", Kind::kVendorBoard, cohort, GroupBy::kVendor,
       between("l.created_at"), "c.vendor"},
      {"leaderboard: reps by conversion", "leaderboard_reps", Kind::kRepBoard, {}, GroupBy::kOwner, "true",
       "l.owner"},
  };
}

// The campaign evaluation read for its touch counts.
struct CampaignTouches {
  std::vector<CampaignResult> rows;
};

// Leaderboards, ranked as GET /api/v1/reports/leaderboard ranks them
// (api/report_routes.cc composes them from the funnel and speed to lead).
struct VendorBoard {
  std::vector<Funnel> rows;  // one funnel per vendor, the most accepted first
};
struct RepRow {
  SpeedToLead speed;
  int64_t accepted = 0, won = 0;
};
struct RepBoard {
  std::vector<RepRow> rows;  // by conversion (won / assigned), highest first
};

// The forecast as GET /api/v1/reports/forecast shows it: each group's open
// amounts weighted by its win rate (win_rate() below), computed in the timed
// path as the twins' SQL does.
struct WeightedForecast {
  std::vector<ForecastGroup> groups;
  std::vector<std::optional<double>> weighted;                     // by group: its amount, weighted
  std::vector<std::vector<std::optional<double>>> weighted_weeks;  // by group and week
};

// The steps leaderboards count, as indexes into Funnel::steps.
constexpr size_t step_index(Stage s) { return static_cast<size_t>(kFunnelStepOf[static_cast<size_t>(s)]); }
constexpr size_t kQualifiedStep = step_index(Stage::kQualified), kAcceptedStep = step_index(Stage::kAccepted),
                 kWonStep = step_index(Stage::kWon);

// Vendors by the leads sales accepted (ties in name order); leads of
// campaigns no vendor runs are left out.
VendorBoard vendor_board(const Reports& reports, const ReportFilter& f) {
  VendorBoard board;
  for (Funnel& fu : reports.funnel(f, GroupBy::kVendor)) {
    if (!fu.group.empty()) board.rows.push_back(std::move(fu));
  }
  std::stable_sort(board.rows.begin(), board.rows.end(), [](const Funnel& a, const Funnel& b) {
    return a.steps[kAcceptedStep].reached > b.steps[kAcceptedStep].reached;
  });
  return board;
}

// Reps (the leads' current owners) by conversion: speed to lead per owner,
// with the leads of theirs that reached accepted and won (ties in name order).
RepBoard rep_board(const Reports& reports, const ReportFilter& f) {
  std::map<std::string, Funnel> funnels;
  for (Funnel& fu : reports.funnel(f, GroupBy::kOwner)) funnels[fu.group] = std::move(fu);
  RepBoard board;
  for (SpeedToLead& s : reports.speed_to_lead(f, GroupBy::kOwner)) {
    if (s.group.empty()) continue;  // nobody's
    const Funnel& fu = funnels[s.group];
    const int64_t accepted = fu.steps.empty() ? 0 : fu.steps[kAcceptedStep].reached;
    const int64_t won = fu.steps.empty() ? 0 : fu.steps[kWonStep].reached;
    board.rows.push_back({std::move(s), accepted, won});
  }
  auto conversion = [](const RepRow& r) {
    return static_cast<double>(r.won) / static_cast<double>(r.speed.assigned);
  };
  std::stable_sort(board.rows.begin(), board.rows.end(),
                   [&](const RepRow& a, const RepRow& b) { return conversion(a) > conversion(b); });
  return board;
}

// The win rate GET /api/v1/reports/forecast weighs a group's open amounts
// by: won / (won + lost) of the group once it has ten closed
// opportunities, of all groups before; none without any.
std::optional<double> win_rate(int64_t won, int64_t lost, int64_t all_won, int64_t all_lost) {
  if (won + lost >= 10) return static_cast<double>(won) / static_cast<double>(won + lost);
  if (all_won + all_lost > 0) return static_cast<double>(all_won) / static_cast<double>(all_won + all_lost);
  return std::nullopt;
}

WeightedForecast weigh(std::vector<ForecastGroup> groups) {
  int64_t won = 0, lost = 0;
  for (const ForecastGroup& g : groups) {
    won += g.won;
    lost += g.lost;
  }
  WeightedForecast out;
  for (const ForecastGroup& g : groups) {
    const std::optional<double> rate = win_rate(g.won, g.lost, won, lost);
    auto weighted = [&](int64_t cents) {
      return rate ? std::optional<double>(static_cast<double>(cents) * *rate) : std::nullopt;
    };
    out.weighted.push_back(weighted(g.amount_cents));
    auto& weeks = out.weighted_weeks.emplace_back();
    for (const ForecastWeek& w : g.weeks) weeks.push_back(weighted(w.amount_cents));
  }
  out.groups = std::move(groups);
  return out;
}

// What Leadloop answers; the figures all three answers compare in are
// described at figures_of() and in bench/duckdb_twin.mjs.
using Answer = std::variant<std::vector<Funnel>, Leaks, std::vector<SpeedToLead>, Stalled, std::vector<StageTimes>,
                            std::vector<CampaignResult>, CampaignTouches, std::vector<Attribution>,
                            WeightedForecast, VendorBoard, RepBoard>;

Answer ask(const Reports& reports, const Row& row) {
  switch (row.kind) {
    case Kind::kFunnel: return reports.funnel(row.filter, row.by);
    case Kind::kLeaks: return reports.leaks(row.filter);
    case Kind::kSpeedToLead: return reports.speed_to_lead(row.filter, row.by, false);
    case Kind::kStalled: return reports.stalled(row.filter, row.before, row.by);
    case Kind::kStageTimes: return reports.stage_times(row.filter, row.by);
    case Kind::kCampaigns: return reports.campaigns(row.filter);
    case Kind::kCampaignTouches: return CampaignTouches{reports.campaign_touches(row.filter)};
    case Kind::kAttribution: return reports.attribution(row.filter);
    case Kind::kForecast: return weigh(reports.forecast(row.filter, row.by));
    case Kind::kVendorBoard: return vendor_board(reports, row.filter);
    case Kind::kRepBoard: return rep_board(reports, row.filter);
  }
  std::abort();
}

// funnel: {group: [leads reaching each step]}
Json figures_of(const std::vector<Funnel>& funnels) {
  Json out = Json::object();
  for (const Funnel& f : funnels) {
    for (const FunnelStepCount& s : f.steps) out[f.group].push_back(s.reached);
  }
  return out;
}

// leaks: {"from|reason": count}
Json figures_of(const Leaks& leaks) {
  Json out = Json::object();
  for (const Leak& l : leaks.rows) out[std::string(stage_name(l.from)) + "|" + l.reason] = l.count;
  return out;
}

// speed to lead: {group: [assigned, responded, breached, median ms, p90 ms]}
Json figures_of(const std::vector<SpeedToLead>& speeds) {
  Json out = Json::object();
  for (const SpeedToLead& s : speeds) {
    out[s.group] = {s.assigned, s.responded, s.breached, s.response.median_ms, s.response.p90_ms};
  }
  return out;
}

// stalled: {"groups": {"group|stage": [count, oldest since]},
//           "oldest": ["id|stage|owner|since", ...longest stalled first]}
Json figures_of(const Stalled& stalled) {
  Json out = {{"groups", Json::object()}, {"oldest", Json::array()}};
  for (const StalledGroup& g : stalled.groups) {
    out["groups"][g.group + "|" + std::string(stage_name(g.stage))] = {g.count, g.oldest_since};
  }
  for (const StalledLead& l : stalled.oldest) {
    out["oldest"].push_back(std::to_string(l.id) + "|" + std::string(stage_name(l.stage)) + "|" + l.owner + "|" +
                            std::to_string(l.since));
  }
  return out;
}

// stage times: {"group|step": [count, median ms, p90 ms]}, steps with leads
Json figures_of(const std::vector<StageTimes>& times) {
  Json out = Json::object();
  for (const StageTimes& t : times) {
    for (const auto& [stage, d] : t.steps) {
      if (d.count > 0) out[t.group + "|" + std::string(stage_name(stage))] = {d.count, d.median_ms, d.p90_ms};
    }
  }
  return out;
}

// campaigns: {campaign: [leads, qualified, hot, warm, cold, accepted,
//                        opportunities, won, revenue cents, cost cents]}
Json figures_of(const std::vector<CampaignResult>& campaigns) {
  Json out = Json::object();
  for (const CampaignResult& r : campaigns) {
    if (r.leads == 0) continue;
    out[r.campaign] = {r.leads, r.qualified, r.hot, r.warm, r.cold, r.accepted,
                       r.opportunities, r.won, r.revenue_cents, r.cost_cents};
  }
  return out;
}

// campaign touches: {campaign: [touches, touches without a lead, data
// points]}, the campaigns with touches in the period's days
Json figures_of(const CampaignTouches& touches) {
  Json out = Json::object();
  for (const CampaignResult& r : touches.rows) {
    if (r.touches > 0) out[r.campaign] = {r.touches, r.touches_without_lead, r.data_points};
  }
  return out;
}

// attribution: {campaign: [won deals it touched, first-touch cents,
//                          last-touch cents, linear cents]}; the linear
// credit is a sum of fractions of cents, compared rounded to the cent as
// the API shows it (each engine adds in its own order).
Json figures_of(const std::vector<Attribution>& credits) {
  Json out = Json::object();
  for (const Attribution& a : credits) {
    out[a.campaign] = {a.deals, a.first_cents, a.last_cents, std::llround(a.linear_cents)};
  }
  return out;
}

// forecast: {"groups": {group: [open opportunities, amount cents, won, lost,
//                               weighted cents]},
//            "weeks": {"group|Monday of the expected close": [open
//                      opportunities, amount cents, weighted cents]}};
// weighted: the amount times the group's win rate, rounded to the cent
// (null without a rate); "" for the week of opportunities without a date.
Json figures_of(const WeightedForecast& forecast) {
  Json out = {{"groups", Json::object()}, {"weeks", Json::object()}};
  auto cents = [](const std::optional<double>& v) { return v ? Json(std::llround(*v)) : Json(nullptr); };
  for (size_t i = 0; i < forecast.groups.size(); ++i) {
    const ForecastGroup& g = forecast.groups[i];
    out["groups"][g.group] = {g.opportunities, g.amount_cents, g.won, g.lost, cents(forecast.weighted[i])};
    for (size_t k = 0; k < g.weeks.size(); ++k) {
      const ForecastWeek& w = g.weeks[k];
      out["weeks"][g.group + "|" + w.week] = {w.opportunities, w.amount_cents, cents(forecast.weighted_weeks[i][k])};
    }
  }
  return out;
}

// leaderboard of vendors: ["vendor|leads|qualified|accepted|won", ...] in rank order
Json figures_of(const VendorBoard& board) {
  Json out = Json::array();
  for (const Funnel& f : board.rows) {
    out.push_back(f.group + "|" + std::to_string(f.leads) + "|" + std::to_string(f.steps[kQualifiedStep].reached) +
                  "|" + std::to_string(f.steps[kAcceptedStep].reached) + "|" +
                  std::to_string(f.steps[kWonStep].reached));
  }
  return out;
}

// leaderboard of reps: ["rep|assigned|responded|breached|median ms|p90 ms|
//                        accepted|won", ...] in rank order
Json figures_of(const RepBoard& board) {
  Json out = Json::array();
  for (const RepRow& r : board.rows) {
    const SpeedToLead& s = r.speed;
    std::string row = s.group;
    for (int64_t v :
         {s.assigned, s.responded, s.breached, s.response.median_ms, s.response.p90_ms, r.accepted, r.won}) {
      row += "|" + std::to_string(v);
    }
    out.push_back(std::move(row));
  }
  return out;
}

Json figures(const Answer& answer) {
  return std::visit([](const auto& a) { return figures_of(a); }, answer);
}

// SQL shared by the SQLite twin's questions: the funnel's steps, and per
// lead with stage changes the furthest step they reached (k) or when it
// first reached each step or a later one (t1 .. t6). LEFT JOIN steps keeps
// SQLite scanning the events once (with JOIN it may scan them per step).
constexpr const char* kStepsSql =
    "steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
    "('working',4),('opportunity',5),('won',6))";
constexpr const char* kReachSql =
    "reach AS (SELECT e.lead_id AS id, MAX(s.k) AS k FROM lead_events e "
    "LEFT JOIN steps s ON s.name = json_extract(e.payload, '$.to') WHERE e.type = 'stage_changed' GROUP BY e.lead_id)";
std::string step_times_sql() {
  std::string sql = "step_times AS (SELECT e.lead_id AS id";
  for (int k = 1; k < kFunnelStepCount; ++k) {
    sql += ", MIN(CASE WHEN s.k >= " + std::to_string(k) + " THEN e.at END) AS t" + std::to_string(k);
  }
  return sql + " FROM lead_events e LEFT JOIN steps s ON s.name = json_extract(e.payload, '$.to') "
               "WHERE e.type = 'stage_changed' GROUP BY e.lead_id)";
}
// A lead's furthest step: its events' or its current stage's (ls).
constexpr const char* kFurthestSql = "MAX(COALESCE(ls.k, 0), COALESCE(r.k, 0))";
constexpr const char* kLeadsSql = "leads l LEFT JOIN campaigns c ON c.key = l.source_campaign";
// Nearest rank over a window numbered rn of n values: the smallest value
// whose rank is at least n * p / 100.
std::string nearest_rank_sql(const char* value, int percent) {
  return "COALESCE(MIN(CASE WHEN " + std::string(value) + " IS NOT NULL AND rn * 100 >= n * " +
         std::to_string(percent) + " THEN " + value + " END), 0)";
}

// The SQLite twin: the questions of measure_test.cc asked of the file, each
// answered by SQL alone.
struct Twin {
  std::unique_ptr<sqlite::SqliteDb> db;

  Json ask(const Row& row) {
    switch (row.kind) {
      case Kind::kFunnel: return funnel(row.where, row.group);
      case Kind::kLeaks: return leaks(row.where);
      case Kind::kSpeedToLead: return speed_to_lead(row.where, row.group);
      case Kind::kStalled: return stalled(row.where, row.group, row.before);
      case Kind::kStageTimes: return stage_times(row.where, row.group);
      case Kind::kCampaigns: return campaigns(row.where);
      case Kind::kCampaignTouches: return campaign_touches(row.where);
      case Kind::kAttribution: return attribution(row.where);
      case Kind::kForecast: return forecast(row.where, row.group);
      case Kind::kVendorBoard: return vendor_board(row.where, row.group);
      case Kind::kRepBoard: return rep_board(row.where, row.group);
    }
    std::abort();
  }

  void each(const std::string& sql, const std::function<void(const sqlite::Stmt&)>& fn) {
    auto st = db->prepare(sql);
    check(st.status());
    check((*st)->each_row(fn));
  }

  Json funnel(const std::string& where, const std::string& group) {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id, " + group + " AS g, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE (" + where + ") GROUP BY l.id), "
        "per AS (SELECT g, k, count(*) AS n FROM reach GROUP BY g, k) "
        "SELECT groups.g, steps.k, (SELECT COALESCE(SUM(n), 0) FROM per WHERE per.g = groups.g AND per.k >= steps.k) "
        "FROM (SELECT DISTINCT g FROM per) groups, steps ORDER BY groups.g, steps.k";
    Json out = Json::object();
    each(sql, [&](const sqlite::Stmt& s) { out[s.text(0)].push_back(s.int64(2)); });
    return out;
  }

  Json leaks(const std::string& where) {
    const std::string sql =
        "SELECT json_extract(e.payload, '$.from') || '|' || json_extract(e.payload, '$.exit'), count(*) "
        "FROM lead_events e JOIN leads l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "WHERE e.type = 'stage_changed' AND json_extract(e.payload, '$.exit') IS NOT NULL AND (" + where +
        ") GROUP BY 1";
    Json out = Json::object();
    each(sql, [&](const sqlite::Stmt& s) { out[s.text(0)] = s.int64(1); });
    return out;
  }

  // Leads that reached assigned; of them answered (first_response_at), how
  // fast from capture (nearest rank over a window), and breached.
  Json speed_to_lead(const std::string& where, const std::string& group) {
    const std::string sql =
        std::string("WITH ") + kStepsSql + ", " + kReachSql + ", "
        "breached AS (SELECT lead_id AS id, count(*) AS n FROM lead_events WHERE type = 'sla_breached' "
        "GROUP BY lead_id), "
        "a AS (SELECT " + group + " AS g, b.id IS NOT NULL AS breached, CASE WHEN l.first_response_at IS NOT NULL "
        "THEN MAX(0, l.first_response_at - l.created_at) END AS took FROM " + kLeadsSql +
        " LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id "
        "LEFT JOIN breached b ON b.id = l.id WHERE (" + where + ") AND " + kFurthestSql + " >= 2), "
        "ranked AS (SELECT g, breached, took, ROW_NUMBER() OVER (PARTITION BY g, took IS NULL ORDER BY took) AS rn, "
        "COUNT(took) OVER (PARTITION BY g) AS n FROM a) "
        "SELECT g, count(*), count(took), SUM(breached), " + nearest_rank_sql("took", 50) + ", " +
        nearest_rank_sql("took", 90) + " FROM ranked GROUP BY g";
    Json out = Json::object();
    each(sql, [&](const sqlite::Stmt& s) {
      out[s.text(0)] = {s.int64(1), s.int64(2), s.int64(3), s.int64(4), s.int64(5)};
    });
    return out;
  }

  // Leads in an open funnel stage whose latest stage change (or capture)
  // is before `before`: per group and stage, and the 50 longest stalled.
  Json stalled(const std::string& where, const std::string& group, TimePoint before) {
    const std::string sql =
        "WITH latest AS (SELECT lead_id AS id, MAX(at) AS moved_at FROM lead_events WHERE type = 'stage_changed' "
        "GROUP BY lead_id), "
        "st AS (SELECT * FROM (SELECT l.id AS id, " + group + " AS g, l.stage AS stage, l.owner AS owner, "
        "MAX(l.created_at, COALESCE(latest.moved_at, l.created_at)) AS since FROM " + kLeadsSql +
        " LEFT JOIN latest ON latest.id = l.id WHERE (" + where + ") AND l.stage IN "
        "('captured','qualified','assigned','accepted','working','opportunity')) WHERE since < " +
        std::to_string(before) + ") "
        "SELECT 'group', g || '|' || stage, count(*), MIN(since) FROM st GROUP BY g, stage "
        "UNION ALL SELECT 'oldest', id || '|' || stage || '|' || owner, ROW_NUMBER() OVER (ORDER BY since, id), since "
        "FROM (SELECT * FROM st ORDER BY since, id LIMIT 50)";
    Json out = {{"groups", Json::object()}, {"oldest", Json::array()}};
    std::vector<std::string> oldest;
    each(sql, [&](const sqlite::Stmt& s) {
      if (s.text(0) == "group") {
        out["groups"][s.text(1)] = {s.int64(2), s.int64(3)};
      } else {
        const auto rank = static_cast<size_t>(s.int64(2));
        if (rank > oldest.size()) oldest.resize(rank);
        oldest[rank - 1] = s.text(1) + "|" + std::to_string(s.int64(3));
      }
    });
    for (std::string& o : oldest) out["oldest"].push_back(std::move(o));
    return out;
  }

  // Per step from qualified on: the time from the step before, over the
  // leads that reached it (nearest rank over a window).
  Json stage_times(const std::string& where, const std::string& group) {
    std::string took = "took(g, k, took) AS (";
    for (int k = 1; k < kFunnelStepCount; ++k) {
      const std::string tk = "t" + std::to_string(k), before = "t" + std::to_string(k - 1);
      took += std::string(k > 1 ? " UNION ALL " : "") + "SELECT g, " + std::to_string(k) + ", MAX(0, " + tk + " - " +
              before + ") FROM t WHERE " + tk + " IS NOT NULL";
    }
    took += ")";
    const std::string sql =
        std::string("WITH ") + kStepsSql + ", " + step_times_sql() + ", "
        "t AS (SELECT " + group + " AS g, l.created_at AS t0, st.* FROM " + kLeadsSql +
        " JOIN step_times st ON st.id = l.id WHERE (" + where + ")), " + took + ", "
        "ranked AS (SELECT g, k, took, ROW_NUMBER() OVER (PARTITION BY g, k ORDER BY took) AS rn, "
        "COUNT(*) OVER (PARTITION BY g, k) AS n FROM took) "
        "SELECT g || '|' || steps.name, MAX(n), " + nearest_rank_sql("took", 50) + ", " +
        nearest_rank_sql("took", 90) + " FROM ranked JOIN steps ON steps.k = ranked.k GROUP BY g, ranked.k";
    Json out = Json::object();
    each(sql, [&](const sqlite::Stmt& s) { out[s.text(0)] = {s.int64(1), s.int64(2), s.int64(3)}; });
    return out;
  }

  // Per campaign: its leads, what they reached and became, the revenue of
  // the won ones (their latest move to won) and the campaign's cost.
  Json campaigns(const std::string& where) {
    const std::string sql =
        std::string("WITH ") + kStepsSql + ", " + kReachSql + ", "
        "revenue AS (SELECT lead_id, json_extract(payload, '$.revenue_cents') AS cents, MAX(id) FROM lead_events "
        "WHERE type = 'stage_changed' AND json_extract(payload, '$.to') = 'won' GROUP BY lead_id), "
        "a AS (SELECT l.source_campaign AS campaign, l.grade AS grade, " + kFurthestSql + " AS k, "
        "revenue.cents AS cents, c.cost_cents AS cost FROM " + kLeadsSql +
        " LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id "
        "LEFT JOIN revenue ON revenue.lead_id = l.id WHERE (" + where + ")) "
        "SELECT campaign, count(*), count(*) FILTER (WHERE k >= 1), count(*) FILTER (WHERE grade = 'hot'), "
        "count(*) FILTER (WHERE grade = 'warm'), count(*) FILTER (WHERE grade = 'cold'), "
        "count(*) FILTER (WHERE k >= 3), count(*) FILTER (WHERE k >= 5), count(*) FILTER (WHERE k >= 6), "
        "COALESCE(SUM(cents) FILTER (WHERE k >= 6), 0), COALESCE(MAX(cost), 0) FROM a GROUP BY campaign";
    Json out = Json::object();
    each(sql, [&](const sqlite::Stmt& s) {
      Json& r = out[s.text(0)];
      for (int i = 1; i <= 10; ++i) r.push_back(s.int64(i));
    });
    return out;
  }

  // Per campaign, from the touches table: its touches of the period's days
  // (`where`, over t), those without a lead, and their call-guide answers.
  Json campaign_touches(const std::string& where) {
    const std::string sql =
        "SELECT t.campaign, count(*), SUM(t.lead_id IS NULL OR t.lead_id = 0), SUM(CASE WHEN length(t.data_points) "
        "<= 2 THEN 0 ELSE (SELECT count(*) FROM json_each(t.data_points)) END) FROM touches t "
        "WHERE t.campaign <> '' AND (" + where + ") GROUP BY t.campaign";
    Json out = Json::object();
    each(sql, [&](const sqlite::Stmt& s) { out[s.text(0)] = {s.int64(1), s.int64(2), s.int64(3)}; });
    return out;
  }

  // The won leads (furthest step won) and their touch points: the capture
  // (the source campaign, first on equal times) and every touch with a
  // campaign up to the first move to won, in commit order on equal times.
  // Per campaign: the deals it touched, and the revenue (of the latest move
  // to won) of those whose first and last touch point is its own; linear:
  // each deal's revenue split equally over its touch points.
  Json attribution(const std::string& where) {
    const std::string sql =
        std::string("WITH ") + kStepsSql + ", " + kReachSql + ", "
        "revenue AS (SELECT lead_id, json_extract(payload, '$.revenue_cents') AS cents, MAX(id) FROM lead_events "
        "WHERE type = 'stage_changed' AND json_extract(payload, '$.to') = 'won' GROUP BY lead_id), "
        "wins AS (SELECT lead_id, MIN(at) AS at FROM lead_events "
        "WHERE type = 'stage_changed' AND json_extract(payload, '$.to') = 'won' GROUP BY lead_id), "
        "deal AS (SELECT l.id AS id, l.source_campaign AS src, l.created_at AS t0, "
        "COALESCE(revenue.cents, 0) AS cents, COALESCE(wins.at, 9223372036854775807) AS won_at FROM " + kLeadsSql +
        " LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id "
        "LEFT JOIN revenue ON revenue.lead_id = l.id LEFT JOIN wins ON wins.lead_id = l.id "
        "WHERE (" + where + ") AND " + kFurthestSql + " >= 6), "
        "tp AS (SELECT id AS lead, src AS campaign, t0 AS at, 0 AS ord FROM deal UNION ALL "
        "SELECT t.lead_id, t.campaign, t.at, t.id FROM deal JOIN touches t ON t.lead_id = deal.id "
        "WHERE t.campaign <> '' AND t.at <= deal.won_at), "
        "ranked AS (SELECT tp.lead AS lead, tp.campaign AS campaign, deal.cents AS cents, "
        "ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.at, tp.ord) AS f, "
        "ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.at DESC, tp.ord DESC) AS b, "
        "COUNT(*) OVER (PARTITION BY tp.lead) AS n FROM tp JOIN deal ON deal.id = tp.lead) "
        "SELECT campaign, COUNT(DISTINCT lead), SUM(CASE WHEN f = 1 THEN cents ELSE 0 END), "
        "SUM(CASE WHEN b = 1 THEN cents ELSE 0 END), SUM(cents * 1.0 / n) FROM ranked GROUP BY campaign";
    Json out = Json::object();
    each(sql, [&](const sqlite::Stmt& s) {
      out[s.text(0)] = {s.int64(1), s.int64(2), s.int64(3), std::llround(s.real(4))};
    });
    return out;
  }

  // Over the leads that reached opportunity, per group: those open now (in
  // opportunity) with the amount of their latest move there, the won and
  // the lost, and the open amount weighted by the win rate (the group's
  // from ten closed, the overall one before); the same per group and
  // Monday of the expected close.
  Json forecast(const std::string& where, const std::string& group) {
    const std::string sql =
        std::string("WITH ") + kStepsSql + ", " + kReachSql + ", "
        "opp AS (SELECT lead_id, json_extract(payload, '$.amount_cents') AS amount, "
        "json_extract(payload, '$.expected_close') AS close, MAX(id) FROM lead_events "
        "WHERE type = 'stage_changed' AND json_extract(payload, '$.to') = 'opportunity' GROUP BY lead_id), "
        "a AS (SELECT " + group + " AS g, l.stage AS stage, COALESCE(opp.amount, 0) AS amount, "
        "COALESCE(date(opp.close, '-6 days', 'weekday 1'), '') AS week FROM " + kLeadsSql +
        " LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id "
        "LEFT JOIN opp ON opp.lead_id = l.id WHERE (" + where + ") AND " + kFurthestSql + " >= 5), "
        "per AS (SELECT g, SUM(stage = 'opportunity') AS open_now, SUM(CASE WHEN stage = 'opportunity' THEN amount "
        "ELSE 0 END) AS amount, SUM(stage = 'won') AS won, SUM(stage = 'lost') AS lost FROM a GROUP BY g "
        "HAVING open_now + won + lost > 0), "
        "rate AS (SELECT g, CASE WHEN won + lost >= 10 THEN won * 1.0 / (won + lost) "
        "WHEN all_won + all_lost > 0 THEN all_won * 1.0 / (all_won + all_lost) END AS r "
        "FROM per, (SELECT SUM(won) AS all_won, SUM(lost) AS all_lost FROM per)) "
        "SELECT 'group', per.g, open_now, amount, won, lost, amount * rate.r FROM per JOIN rate ON rate.g IS per.g "
        "UNION ALL SELECT 'week', a.g || '|' || week, count(*), SUM(amount), 0, 0, SUM(amount) * MAX(rate.r) "
        "FROM a JOIN rate ON rate.g IS a.g WHERE stage = 'opportunity' GROUP BY a.g, week";
    Json out = {{"groups", Json::object()}, {"weeks", Json::object()}};
    each(sql, [&](const sqlite::Stmt& s) {
      const Json weighted = s.is_null(6) ? Json(nullptr) : Json(std::llround(s.real(6)));
      if (s.text(0) == "group") {
        out["groups"][s.text(1)] = {s.int64(2), s.int64(3), s.int64(4), s.int64(5), weighted};
      } else {
        out["weeks"][s.text(1)] = {s.int64(2), s.int64(3), weighted};
      }
    });
    return out;
  }

  // Per vendor: its campaigns' leads and those that reached qualified,
  // accepted and won; the most accepted first, ties by name.
  Json vendor_board(const std::string& where, const std::string& group) {
    const std::string sql =
        std::string("WITH ") + kStepsSql + ", " + kReachSql + ", "
        "a AS (SELECT " + group + " AS g, " + kFurthestSql + " AS k FROM " + kLeadsSql +
        " LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id "
        "WHERE (" + where + ") AND COALESCE(" + group + ", '') <> '') "
        "SELECT g, count(*), SUM(k >= 1), SUM(k >= 3) AS accepted, SUM(k >= 6) FROM a GROUP BY g "
        "ORDER BY accepted DESC, g";
    Json out = Json::array();
    each(sql, [&](const sqlite::Stmt& s) {
      std::string row = s.text(0);
      for (int i = 1; i <= 4; ++i) row += "|" + std::to_string(s.int64(i));
      out.push_back(std::move(row));
    });
    return out;
  }

  // Per rep (the current owner), over the leads that reached assigned: as
  // speed to lead (answered, breached, median and p90 from capture), and
  // those that reached accepted and won; by conversion (won / assigned),
  // highest first, ties by name.
  Json rep_board(const std::string& where, const std::string& group) {
    const std::string sql =
        std::string("WITH ") + kStepsSql + ", " + kReachSql + ", "
        "breached AS (SELECT lead_id AS id, count(*) AS n FROM lead_events WHERE type = 'sla_breached' "
        "GROUP BY lead_id), "
        "a AS (SELECT " + group + " AS g, b.id IS NOT NULL AS breached, CASE WHEN l.first_response_at IS NOT NULL "
        "THEN MAX(0, l.first_response_at - l.created_at) END AS took, " + kFurthestSql + " AS k FROM " + kLeadsSql +
        " LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id "
        "LEFT JOIN breached b ON b.id = l.id WHERE (" + where + ") AND " + kFurthestSql + " >= 2 AND " + group +
        " <> ''), "
        "ranked AS (SELECT g, breached, took, k, ROW_NUMBER() OVER (PARTITION BY g, took IS NULL ORDER BY took) AS rn, "
        "COUNT(took) OVER (PARTITION BY g) AS n FROM a), "
        "per AS (SELECT g, count(*) AS assigned, count(took) AS responded, SUM(breached) AS breached, " +
        nearest_rank_sql("took", 50) + " AS median, " + nearest_rank_sql("took", 90) + " AS p90, "
        "SUM(k >= 3) AS accepted, SUM(k >= 6) AS won FROM ranked GROUP BY g) "
        "SELECT g, assigned, responded, breached, median, p90, accepted, won FROM per "
        "ORDER BY won * 1.0 / assigned DESC, g";
    Json out = Json::array();
    each(sql, [&](const sqlite::Stmt& s) {
      std::string row = s.text(0);
      for (int i = 1; i <= 7; ++i) row += "|" + std::to_string(s.int64(i));
      out.push_back(std::move(row));
    });
    return out;
  }
};

// The DuckDB twin: Node runs bench/duckdb_twin.mjs, which loads a CSV export
// of the file into DuckDB and answers the rows' questions. It is unavailable,
// not failed, without node or the npm package (`npm ci` installs it).
struct DuckdbRun {
  enum State : uint8_t { kRan, kUnavailable, kFailed };
  State state = kUnavailable;
  std::string note;  // why it did not run
  Json out;          // the script's output, described in its header
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

std::string read_all(FILE* f) {
  std::string out;
  char buf[1 << 14];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  return out;
}

DuckdbRun run_duckdb(const std::string& db, const std::vector<Row>& rows, int runs) {
  namespace fs = std::filesystem;
  const fs::path source = LEADLOOP_SOURCE_DIR;
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    return {DuckdbRun::kUnavailable, "no `node` on the PATH (Debian package nodejs; scripts/setup.sh installs it)", {}};
  }
  if (!fs::exists(source / "node_modules/@duckdb/node-api")) {
    return {DuckdbRun::kUnavailable, "no node_modules/@duckdb/node-api: run `npm ci` in " + source.string(), {}};
  }
  std::string dir = (fs::absolute(db).parent_path() / "duckdb-twin.XXXXXX").string();
  if (!mkdtemp(dir.data())) return {DuckdbRun::kFailed, "mkdtemp " + dir + ": " + std::strerror(errno), {}};
  Json questions = Json::array();
  for (const Row& r : rows) {
    questions.push_back({{"key", r.key}, {"kind", kKindNames[static_cast<int>(r.kind)]}, {"where", r.where},
                         {"group", r.group}, {"before", r.before}});
  }
  const fs::path queries = fs::path(dir) / "queries.json";
  std::ofstream(queries) << Json{{"reports", questions}}.dump(2) << "\n";
  const std::string command = "node " + shell_quote((source / "bench/duckdb_twin.mjs").string()) + " --db " +
                              shell_quote(db) + " --queries " + shell_quote(queries.string()) + " --dir " +
                              shell_quote(dir) + " --runs " + std::to_string(runs);
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    fs::remove_all(dir);
    return {DuckdbRun::kFailed, "popen: " + std::string(std::strerror(errno)), {}};
  }
  const std::string output = read_all(pipe);
  const int status = pclose(pipe);
  fs::remove_all(dir);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return {DuckdbRun::kFailed, "bench/duckdb_twin.mjs failed (exit code " +
                                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ", see above)", {}};
  }
  Json out = Json::parse(output, nullptr, false);
  if (out.is_discarded() || !out.contains("reports")) {
    return {DuckdbRun::kFailed, "bench/duckdb_twin.mjs printed no readable JSON", {}};
  }
  return {DuckdbRun::kRan, "", std::move(out)};
}

// A report's time and figures on one engine: the best of the timed runs,
// the figures of the warm-up run, and how many timed runs gave others.
struct Measured {
  double ms = 0;
  Json figures;
  int differing_runs = 0;
  double cpu_ms = 0;  // the process's CPU time of the fastest run (all threads)
};

double cpu_ms_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Asks once (warm-up: the figures), then `runs` more times, timing each
// run's answer only: figures(answer), compared with the warm-up's, is
// taken outside the timer, for every run.
template <class Ask, class Figures>
Measured measure(int runs, Ask&& ask, Figures&& figures) {
  Measured m{1e18, figures(ask()), 0, 0};
  for (int i = 0; i < runs; ++i) {
    const double cpu = cpu_ms_now();
    auto t = std::chrono::steady_clock::now();
    auto answer = ask();
    const double ms = ms_since(t);
    if (ms < m.ms) {
      m.ms = ms;
      m.cpu_ms = cpu_ms_now() - cpu;
    }
    if (figures(answer) != m.figures) ++m.differing_runs;
  }
  return m;
}

std::string ratio(double twin_ms, double mine_ms) {
  char buf[32];
  const double r = twin_ms / mine_ms;
  std::snprintf(buf, sizeof buf, r < 10 ? "%.1fx" : "%.0fx", r);
  return buf;
}

// "yes" when every twin that ran gives Leadloop's figures, else which did not.
// A timed run that answered otherwise than its warm-up counts as a
// difference of that engine.
std::string verdict(const Measured& mine, const Measured* sqlite, const Measured* duckdb, const Measured* derived) {
  std::string differ;
  if (mine.differing_runs) differ += " Leadloop(" + std::to_string(mine.differing_runs) + " runs)";
  if (sqlite && (sqlite->figures != mine.figures || sqlite->differing_runs)) differ += " SQLite";
  if (duckdb && (duckdb->figures != mine.figures || duckdb->differing_runs)) differ += " DuckDB";
  if (derived && (derived->figures != mine.figures || derived->differing_runs)) differ += " DuckDB-derived";
  return differ.empty() ? "yes" : "NO:" + differ;
}

// Where a twin's figures differ from Leadloop's: the first few changes
// that turn Leadloop's into the twin's (a JSON patch).
std::string difference(const Row& row, const char* twin, const Measured& mine, const Measured& theirs) {
  const Json patch = Json::diff(mine.figures, theirs.figures);
  std::string out = std::string("  ") + row.name + ": " + twin + " differs in " + std::to_string(patch.size()) +
                    " places, e.g.";
  for (size_t i = 0; i < patch.size() && i < 3; ++i) {
    const Json& op = patch[i];
    out += " " + op.value("op", "") + " " + op.value("path", "") +
           (op.contains("value") ? " = " + op["value"].dump() : std::string()) + ";";
  }
  return out + "\n";
}

// A DuckDB twin's measurement of a row, from the script's output ("raw":
// over the exported tables; "derived": over the per-lead table).
std::optional<Measured> duckdb_measured(const DuckdbRun& duckdb, const Row& row, const char* which) {
  if (duckdb.state != DuckdbRun::kRan) return std::nullopt;
  const Json r = duckdb.out.at("reports").value(row.key, Json::object()).value(which, Json::object());
  if (r.empty()) return std::nullopt;
  return Measured{r.value("best_ms", 0.0), r.value("figures", Json()), r.value("differing_runs", 0)};
}

std::string ms_or_dash(const std::optional<Measured>& m) {
  char buf[32] = "-";
  if (m) std::snprintf(buf, sizeof buf, "%.1f", m->ms);
  return buf;
}

// What the table found: whether all figures agree, and the reports over
// the goal; and each row's figures for --json.
struct Verdict {
  bool agree = true;
  std::vector<std::string> over_goal;
  Json rows = Json::array();
};

Json ms_or_null(const std::optional<Measured>& m) { return m ? Json(m->ms) : Json(); }

// Prints the table.
// A SQLite twin that did not run (--sqlite-twin 0) is nullopt.
Verdict print_table(const std::vector<Row>& rows, const std::vector<Measured>& mine,
                    const std::vector<std::optional<Measured>>& sqlite, const DuckdbRun& duckdb, double goal_ms) {
  std::printf("%-36s %12s %10s %10s %12s %9s %9s %9s  %s\n", "report", "Leadloop ms", "SQLite ms", "DuckDB ms",
              "DuckDB-dt ms", "SQLite/L", "DuckDB/L", "Duck-dt/L", "same figures");
  Verdict v;
  v.agree = duckdb.state != DuckdbRun::kFailed;
  std::string differences;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::optional<Measured> duck = duckdb_measured(duckdb, rows[i], "raw");
    const std::optional<Measured> derived = duckdb_measured(duckdb, rows[i], "derived");
    const std::optional<Measured>& lite = sqlite[i];
    const std::string same = verdict(mine[i], lite ? &*lite : nullptr, duck ? &*duck : nullptr,
                                     derived ? &*derived : nullptr);
    v.agree = v.agree && same == "yes";
    if (mine[i].ms > goal_ms) v.over_goal.push_back(rows[i].name);
    v.rows.push_back({{"report", rows[i].name}, {"key", rows[i].key}, {"leadloop_ms", mine[i].ms},
                      {"cpu_ms", mine[i].cpu_ms}, {"sqlite_ms", ms_or_null(lite)}, {"duckdb_ms", ms_or_null(duck)},
                      {"duckdb_derived_ms", ms_or_null(derived)}, {"same_figures", same == "yes"}});
    std::printf("%-36s %12.2f %10s %10s %12s %9s %9s %9s  %s%s\n", rows[i].name, mine[i].ms,
                ms_or_dash(lite).c_str(), ms_or_dash(duck).c_str(), ms_or_dash(derived).c_str(),
                lite ? ratio(lite->ms, mine[i].ms).c_str() : "-",
                duck ? ratio(duck->ms, mine[i].ms).c_str() : "-", derived ? ratio(derived->ms, mine[i].ms).c_str() : "-",
                same.c_str(), mine[i].ms > goal_ms ? "  OVER GOAL" : "");
    if (lite && lite->figures != mine[i].figures) differences += difference(rows[i], "SQLite", mine[i], *lite);
    if (duck && duck->figures != mine[i].figures) differences += difference(rows[i], "DuckDB", mine[i], *duck);
    if (derived && derived->figures != mine[i].figures) {
      differences += difference(rows[i], "DuckDB (derived table)", mine[i], *derived);
    }
  }
  std::fputs(differences.c_str(), stdout);
  return v;
}

void print_duckdb_note(const DuckdbRun& duckdb) {
  if (duckdb.state != DuckdbRun::kRan) {
    std::printf("DuckDB twin %s: %s\n", duckdb.state == DuckdbRun::kFailed ? "FAILED" : "not run", duckdb.note.c_str());
    return;
  }
  const Json& o = duckdb.out;
  const Json rows = o.value("rows", Json::object());
  std::printf("DuckDB %s (@duckdb/node-api %s, in memory, %d threads) on a CSV export of the file: export %.0f ms "
              "(sqlite3 CLI), load %.0f ms (%lld leads, %lld stage changes, %lld SLA breaches, %lld touches, "
              "%lld campaigns); derived per-lead tables built once in %.0f ms, not timed (%lld lead rows, %lld exits, "
              "%lld touch points, %lld campaign days)\n",
              o.value("duckdb", "?").c_str(), o.value("package", "?").c_str(), o.value("threads", 0),
              o.value("export_ms", 0.0), o.value("load_ms", 0.0), rows.value("leads", 0LL),
              rows.value("stage_changes", 0LL), rows.value("sla_breaches", 0LL), rows.value("touches", 0LL),
              rows.value("campaigns", 0LL), o.value("derive_ms", 0.0), rows.value("lead_facts", 0LL),
              rows.value("exits", 0LL), rows.value("touch_points", 0LL), rows.value("touch_days", 0LL));
}

int run(int argc, char** argv) {
  int64_t leads = 1000000;
  std::string db = "/tmp/leadloop-bench-reports.db";
  int runs = 5, sql_runs = 3, duckdb_runs = 5;
  bool reuse = false, twins = true, sqlite_twin = true, goals = true;
  std::string json_out;  // --json FILE: the figures, for bench/curve.sh
  double goal_ms = 10;
  std::string only;  // a row's key: that report only (for profiling)
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-goals")) {
      goals = false;
      continue;
    }
    if (i + 1 >= argc) break;
    if (!std::strcmp(argv[i], "--goal-ms")) goal_ms = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--only")) only = argv[i + 1];
    if (!std::strcmp(argv[i], "--leads")) leads = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--sql-runs")) sql_runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--duckdb-runs")) duckdb_runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--reuse")) reuse = std::atoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--twins")) twins = std::atoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--sqlite-twin")) sqlite_twin = std::atoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--json")) json_out = argv[i + 1];
    ++i;
  }
  reuse = reuse && std::filesystem::exists(db);
  if (!reuse) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  }
  auto store = std::move(SqliteStore::open(db, Durability::kProcess)).value();
  auto t = std::chrono::steady_clock::now();
  int64_t events = 0, conversations = 0;
  std::string by_type;
  if (reuse) {
    // The file of an earlier run: count what it holds.
    auto file = std::move(sqlite::SqliteDb::open(db, true)).value();
    auto st = std::move(file->prepare("SELECT type, count(*) FROM lead_events GROUP BY type ORDER BY 2 DESC")).value();
    check(st->each_row([&](const sqlite::Stmt& s) {
      events += s.int64(1);
      by_type += (by_type.empty() ? "" : ", ") + std::to_string(s.int64(1)) + " " + s.text(0);
    }));
    st = std::move(file->prepare("SELECT count(*) FROM touches WHERE lead_id IS NULL")).value();
    check(st->each_row([&](const sqlite::Stmt& s) { conversations = s.int64(0); }));
    by_type += " (reused " + db + ")";
  } else {
    const Generated written = generate(*store, leads, 42);
    for (size_t i = 0; i < written.events.size(); ++i) {
      events += written.events[i];
      by_type += (i ? ", " : "") + std::to_string(written.events[i]) + " " + std::string(kWrittenTypes[i]);
    }
    conversations = written.conversations;
  }
  std::printf("== reports: %lld leads, %lld events, %d campaigns, %d regions, %d reps, %d days (%s in %.1f s)\n"
              "   events: %s\n"
              "   touch rows: one per touched event, and %lld conversations without a lead\n",
              static_cast<long long>(leads), static_cast<long long>(events), kCampaigns, kRegions, kReps, kDays,
              reuse ? "counted" : "generated", ms_since(t) / 1000, by_type.c_str(),
              static_cast<long long>(conversations));
  ManualClock clock(kStart);
  CampaignCatalog catalog(*store, clock);
  check(catalog.load());
  LeadProjection projection(*store);
  t = std::chrono::steady_clock::now();
  check(projection.load());
  const double load_ms = ms_since(t);
  Json summary = {{"leads", leads}, {"events", events}, {"load_ms", load_ms}};
  const size_t bytes = projection.memory_bytes();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  summary["bytes_per_lead"] = static_cast<double>(bytes) / static_cast<double>(leads);
  summary["bytes_per_event"] = static_cast<double>(bytes) / static_cast<double>(events);
  summary["projection_mb"] = static_cast<double>(bytes) / 1e6;
  summary["peak_rss_mb"] = ru.ru_maxrss / 1024;
  std::printf("projection load %.0f ms; %.1f bytes per lead+exit columns (%.1f bytes per event); peak RSS %ld MB\n",
              load_ms, static_cast<double>(bytes) / static_cast<double>(leads),
              static_cast<double>(bytes) / static_cast<double>(events), ru.ru_maxrss / 1024);
  Reports reports(projection, catalog);
  Twin twin{std::move(sqlite::SqliteDb::open(db, true)).value()};
  // The start-up from a snapshot: written as a clean stop writes it, then
  // loaded into a second projection, whose answers must be the same.
  bool snapshot_agrees = true;
  {
    const std::string snapshot = db + ".projection";
    t = std::chrono::steady_clock::now();
    check(projection.save_snapshot(snapshot));
    const double save_ms = ms_since(t);
    const auto snapshot_mb = static_cast<double>(std::filesystem::file_size(snapshot)) / 1e6;
    LeadProjection again(*store);
    std::string how;
    t = std::chrono::steady_clock::now();
    check(again.load(snapshot, &how));
    const double again_ms = ms_since(t);
    Reports from_snapshot(again, catalog);
    for (const Row& r : report_rows()) {
      if (figures(ask(from_snapshot, r)) != figures(ask(reports, r))) {
        std::printf("  %s: the projection loaded from the snapshot answers otherwise\n", r.name);
        snapshot_agrees = false;
      }
    }
    summary["snapshot_write_ms"] = save_ms;
    summary["snapshot_load_ms"] = again_ms;
    summary["snapshot_mb"] = snapshot_mb;
    std::printf("snapshot: written in %.0f ms (%.0f MB); projection loaded %s: %.0f ms against %.0f ms in full "
                "(%.1fx); its answers %s\n",
                save_ms, snapshot_mb, how.c_str(), again_ms, load_ms, load_ms / again_ms,
                snapshot_agrees ? "the same" : "DIFFER");
    std::filesystem::remove(snapshot);
  }

  // Each side: a warm-up run for the figures, then the best of the timed
  // runs, each run's figures compared with the warm-up's.
  std::vector<Row> rows = report_rows();
  if (!only.empty()) {
    std::erase_if(rows, [&](const Row& r) { return r.key != only; });
    if (rows.empty()) {
      std::fprintf(stderr, "--only %s: no such report\n", only.c_str());
      return 1;
    }
  }
  std::vector<Measured> mine;
  std::vector<std::optional<Measured>> sqlite;
  std::vector<std::string> over_goal;
  for (const Row& r : rows) {
    mine.push_back(measure(runs, [&] { return ask(reports, r); }, [](const Answer& a) { return figures(a); }));
    if (!twins) {
      std::printf("%-36s %12.2f ms  (CPU %6.2f ms)%s%s\n", r.name, mine.back().ms, mine.back().cpu_ms,
                  mine.back().ms > goal_ms ? "  OVER GOAL" : "",
                  mine.back().differing_runs ? "  RUNS DIFFER" : "");
      if (mine.back().ms > goal_ms) over_goal.push_back(r.name);
      continue;
    }
    if (sqlite_twin) {
      sqlite.push_back(measure(sql_runs, [&] { return twin.ask(r); }, [](const Json& j) { return j; }));
    } else {
      sqlite.emplace_back();
    }
  }
  bool all_agree = true;
  if (twins) {
    const DuckdbRun duckdb = run_duckdb(db, rows, duckdb_runs);
    const Verdict v = print_table(rows, mine, sqlite, duckdb, goal_ms);
    all_agree = v.agree;
    over_goal = v.over_goal;
    summary["reports"] = v.rows;
    std::printf("(warm, best of %d for Leadloop (scans of 200k rows or more in 2 threads), %d for SQLite, %d for "
                "DuckDB (2 threads); every timed run's figures compared)\n",
                runs, sql_runs, duckdb_runs);
    print_duckdb_note(duckdb);
  } else {
    summary["reports"] = Json::array();
    for (size_t i = 0; i < rows.size(); ++i) {
      all_agree = all_agree && mine[i].differing_runs == 0;
      summary["reports"].push_back({{"report", rows[i].name}, {"key", rows[i].key}, {"leadloop_ms", mine[i].ms},
                                    {"cpu_ms", mine[i].cpu_ms}, {"same_figures", mine[i].differing_runs == 0}});
    }
  }
  summary["goal_ms"] = goal_ms;
  summary["over_goal"] = over_goal;
  summary["figures_agree"] = all_agree && snapshot_agrees;
  if (!json_out.empty()) {
    std::ofstream(json_out) << summary.dump(2) << "\n";
  }
  std::printf("goal: every report <= %.1f ms: %s (%zu of %zu over)%s\n", goal_ms, over_goal.empty() ? "met" : "MISSED",
              over_goal.size(), rows.size(), goals ? "" : " (--no-goals: not failing the run)");
  if (!all_agree || !snapshot_agrees) return 1;
  return goals && !over_goal.empty() ? 2 : 0;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) { return leadloop::run(argc, argv); }
