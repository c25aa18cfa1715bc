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
//     first accept, reject or touch). Nothing is written at or after the end
//     of the period, so the latest leads are still on their way;
//  2. load the projection (time, bytes per lead and per event, peak RSS);
//  3. run each report warm, best of R, on the projection and as SQL on the
//     file (SQLite), the SQL doing the whole job (percentiles included);
//  4. ask the same questions of DuckDB, through bench/duckdb_twin.mjs (Node
//     and the npm package @duckdb/node-api, which `npm ci` installs) on a CSV
//     export of the file; skipped, with a note, when either is missing;
//  5. check all of them give the same figures; print the table. The exit
//     status is 1 when any figures differ or the DuckDB twin fails.
//
//   leadloop_bench_reports [--leads N] [--db FILE] [--runs R] [--sql-runs R] [--duckdb-runs R]
//                          [--reuse 1] [--twins 0]
//   --reuse 1: keep a file generated before (same --leads) instead of
//   generating again; --twins 0: time Leadloop only (for profiling).
#include <sys/resource.h>
#include <sys/wait.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

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

// One lead's history as the engine writes it, each event after the one
// before and none at or after kEnd: the first that would be closes the
// walk, and the lead stays where it stood. Every change to the lead's
// columns comes with the event that makes it, so they always agree.
class LeadWalk {
 public:
  LeadWalk(LeadChange& c, EventCounts& counts) : c_(c), l_(c.lead), counts_(counts), t_(c.lead.created_at) {
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
  void move(Stage to, TimePoint delay, const std::string& exit = "", int64_t revenue_cents = 0) {
    std::string p = "{\"from\":" + json_text(stage_name(l_.stage)) + ",\"to\":" + json_text(stage_name(to));
    if (!exit.empty()) p += ",\"exit\":" + json_text(exit);
    if (revenue_cents) p += ",\"revenue_cents\":" + std::to_string(revenue_cents);
    if (!l_.owner.empty()) p += ",\"owner\":" + json_text(l_.owner);
    if (!write(kMoveEvent, delay, p + "}")) return;
    if (l_.stage == Stage::kAssigned) respond();
    l_.stage = to;
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

  // A call, a mail, a meeting: for the owner, an answer.
  void touch(TimePoint delay) {
    if (!write(kTouchEvent, delay, "{}")) return;
    ++l_.touch_count;
    l_.last_touch_at = t_;
    respond();
  }

 private:
  bool write(Written type, TimePoint delay, std::string payload) {
    if (!open_ || t_ + delay >= kEnd) {
      open_ = false;
      return false;
    }
    t_ += delay;
    c_.events.push_back({0, 0, std::string(kWrittenTypes[type]), t_, "bench", std::move(payload)});
    ++counts_[type];
    l_.updated_at = t_;
    return true;
  }
  void respond() {
    if (!l_.owner.empty() && !l_.first_response_at) l_.first_response_at = t_;
  }

  LeadChange& c_;
  Lead& l_;
  EventCounts& counts_;
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
    w.move(Stage::kOpportunity, d.within(kHour, 5 * kDay));
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
    k.key = "c" + std::to_string(c);
    k.name = k.key;
    k.channel = parse_channel(kChannels[c % 9]).value();
    if (c % 10 == 4) k.vendor = "Vendor " + std::to_string(c % 7);
    k.cost_cents = 100000 + d.below(9900000);  // $1k .. $100k
    k.created_at = kStart;
    check(store.put_campaign(k));
  }
}

// Writes the programme; returns how many events of each type.
EventCounts generate(SqliteStore& store, int64_t leads, uint64_t seed) {
  Dice d(seed);
  put_campaigns(store, d);
  EventCounts counts{};
  Mutation m;
  for (int64_t i = 0; i < leads; ++i) {
    LeadChange c;
    Lead& l = c.lead;
    l.email = "lead" + std::to_string(i) + "@example.com";
    l.email_key = l.email;
    l.source_campaign = "c" + std::to_string(d.pick(kCampaigns));
    const int region = d.pick(kRegions);
    l.region = "R" + std::to_string(region);
    l.created_at = l.updated_at = kStart + d.below(kEnd - kStart);
    const int g = d.pick(10);
    const Grade grade = g < 2 ? Grade::kHot : g < 5 ? Grade::kWarm : g < 9 ? Grade::kCold : Grade::kUnqualified;
    const bool regraded = d.chance(0.2);
    // A regraded lead was captured with another grade.
    l.grade = regraded ? static_cast<Grade>(1 + (static_cast<int>(grade) + d.pick(3)) % 4) : grade;
    l.definition_version = 1;
    LeadWalk w(c, counts);
    if (regraded) w.regrade(grade, d.within(kMinute, 2 * kDay));
    walk(w, d, region);
    m.leads.push_back(std::move(c));
    if (m.leads.size() == 20000 || i + 1 == leads) {
      check(store.commit(m));
      m = Mutation();
      std::fprintf(stderr, "\r  generated %lld leads", static_cast<long long>(i + 1));
    }
  }
  std::fprintf(stderr, "\n");
  return counts;
}

using Json = nlohmann::json;

// One row of the table: a report asked of the projection, and the same
// question for both SQL twins (SQLite here, DuckDB in bench/duckdb_twin.mjs)
// as SQL fragments over l (leads), c (campaigns) and e (a stage change).
// A new row is one more entry in report_rows(); a new kind of report is one
// more Kind, answered in ask(), figures_of(), Twin::ask() and the script's
// kQuestions.
enum class Kind : uint8_t { kFunnel, kLeaks, kSpeedToLead, kStalled, kStageTimes, kCampaigns };
constexpr const char* kKindNames[] = {"funnel",  "leaks",       "speed_to_lead",
                                      "stalled", "stage_times", "campaigns"};  // as the script knows them

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
  };
}

// What Leadloop answers; the figures all three answers compare in are
// described at figures_of() and in bench/duckdb_twin.mjs.
using Answer = std::variant<std::vector<Funnel>, Leaks, std::vector<SpeedToLead>, Stalled, std::vector<StageTimes>,
                            std::vector<CampaignResult>>;

Answer ask(const Reports& reports, const Row& row) {
  switch (row.kind) {
    case Kind::kFunnel: return reports.funnel(row.filter, row.by);
    case Kind::kLeaks: return reports.leaks(row.filter);
    case Kind::kSpeedToLead: return reports.speed_to_lead(row.filter, row.by, false);
    case Kind::kStalled: return reports.stalled(row.filter, row.before, row.by);
    case Kind::kStageTimes: return reports.stage_times(row.filter, row.by);
    case Kind::kCampaigns: return reports.campaigns(row.filter);
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

double best_of(int runs, const std::function<void()>& fn) {
  double best = 1e18;
  for (int i = 0; i < runs; ++i) {
    auto t = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, ms_since(t));
  }
  return best;
}

// A report's time and figures on one engine.
struct Measured {
  double ms = 0;
  Json figures;
};

std::string ratio(double twin_ms, double mine_ms) {
  char buf[32];
  const double r = twin_ms / mine_ms;
  std::snprintf(buf, sizeof buf, r < 10 ? "%.1fx" : "%.0fx", r);
  return buf;
}

// "yes" when every twin that ran gives Leadloop's figures, else which did not.
std::string verdict(const Measured& mine, const Measured& sqlite, const Measured* duckdb) {
  std::string differ;
  if (sqlite.figures != mine.figures) differ += " SQLite";
  if (duckdb && duckdb->figures != mine.figures) differ += " DuckDB";
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

// Prints the table; returns whether all figures agree.
bool print_table(const std::vector<Row>& rows, const std::vector<Measured>& mine, const std::vector<Measured>& sqlite,
                 const DuckdbRun& duckdb) {
  std::printf("%-36s %12s %10s %10s %16s %16s  %s\n", "report", "Leadloop ms", "SQLite ms", "DuckDB ms",
              "SQLite/Leadloop", "DuckDB/Leadloop", "same figures");
  bool all_agree = duckdb.state != DuckdbRun::kFailed;
  std::string differences;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::optional<Measured> duck;
    if (duckdb.state == DuckdbRun::kRan) {
      const Json r = duckdb.out.at("reports").value(rows[i].key, Json::object());
      duck = Measured{r.value("best_ms", 0.0), r.value("figures", Json())};
    }
    const std::string same = verdict(mine[i], sqlite[i], duck ? &*duck : nullptr);
    all_agree = all_agree && same == "yes";
    char duck_ms[32] = "-";
    if (duck) std::snprintf(duck_ms, sizeof duck_ms, "%.1f", duck->ms);
    std::printf("%-36s %12.2f %10.1f %10s %16s %16s  %s\n", rows[i].name, mine[i].ms, sqlite[i].ms, duck_ms,
                ratio(sqlite[i].ms, mine[i].ms).c_str(), duck ? ratio(duck->ms, mine[i].ms).c_str() : "-",
                same.c_str());
    if (sqlite[i].figures != mine[i].figures) differences += difference(rows[i], "SQLite", mine[i], sqlite[i]);
    if (duck && duck->figures != mine[i].figures) differences += difference(rows[i], "DuckDB", mine[i], *duck);
  }
  std::fputs(differences.c_str(), stdout);
  return all_agree;
}

void print_duckdb_note(const DuckdbRun& duckdb) {
  if (duckdb.state != DuckdbRun::kRan) {
    std::printf("DuckDB twin %s: %s\n", duckdb.state == DuckdbRun::kFailed ? "FAILED" : "not run", duckdb.note.c_str());
    return;
  }
  const Json& o = duckdb.out;
  const Json rows = o.value("rows", Json::object());
  std::printf("DuckDB %s (@duckdb/node-api %s, in memory, %d threads) on a CSV export of the file: export %.0f ms "
              "(sqlite3 CLI), load %.0f ms (%lld leads, %lld stage changes, %lld SLA breaches, %lld campaigns)\n",
              o.value("duckdb", "?").c_str(), o.value("package", "?").c_str(), o.value("threads", 0),
              o.value("export_ms", 0.0), o.value("load_ms", 0.0), rows.value("leads", 0LL),
              rows.value("stage_changes", 0LL), rows.value("sla_breaches", 0LL), rows.value("campaigns", 0LL));
}

int run(int argc, char** argv) {
  int64_t leads = 1000000;
  std::string db = "/tmp/leadloop-bench-reports.db";
  int runs = 5, sql_runs = 3, duckdb_runs = 5;
  bool reuse = false, twins = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--leads")) leads = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--sql-runs")) sql_runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--duckdb-runs")) duckdb_runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--reuse")) reuse = std::atoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--twins")) twins = std::atoi(argv[i + 1]) != 0;
  }
  reuse = reuse && std::filesystem::exists(db);
  if (!reuse) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  }
  auto store = std::move(SqliteStore::open(db, Durability::kProcess)).value();
  auto t = std::chrono::steady_clock::now();
  int64_t events = 0;
  std::string by_type;
  if (reuse) {
    // The file of an earlier run: count what it holds.
    auto file = std::move(sqlite::SqliteDb::open(db, true)).value();
    auto st = std::move(file->prepare("SELECT type, count(*) FROM lead_events GROUP BY type ORDER BY 2 DESC")).value();
    check(st->each_row([&](const sqlite::Stmt& s) {
      events += s.int64(1);
      by_type += (by_type.empty() ? "" : ", ") + std::to_string(s.int64(1)) + " " + s.text(0);
    }));
    by_type += " (reused " + db + ")";
  } else {
    const EventCounts counts = generate(*store, leads, 42);
    for (size_t i = 0; i < counts.size(); ++i) {
      events += counts[i];
      by_type += (i ? ", " : "") + std::to_string(counts[i]) + " " + std::string(kWrittenTypes[i]);
    }
  }
  std::printf("== reports: %lld leads, %lld events, %d campaigns, %d regions, %d reps, %d days (%s in %.1f s)\n"
              "   events: %s\n",
              static_cast<long long>(leads), static_cast<long long>(events), kCampaigns, kRegions, kReps, kDays,
              reuse ? "counted" : "generated", ms_since(t) / 1000, by_type.c_str());
  ManualClock clock(kStart);
  CampaignCatalog catalog(*store, clock);
  check(catalog.load());
  LeadProjection projection(*store);
  t = std::chrono::steady_clock::now();
  check(projection.load());
  const double load_ms = ms_since(t);
  const size_t bytes = projection.memory_bytes();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("projection load %.0f ms; %.1f bytes per lead+exit columns (%.1f bytes per event); peak RSS %ld MB\n",
              load_ms, static_cast<double>(bytes) / static_cast<double>(leads),
              static_cast<double>(bytes) / static_cast<double>(events), ru.ru_maxrss / 1024);
  Reports reports(projection, catalog);
  Twin twin{std::move(sqlite::SqliteDb::open(db, true)).value()};

  // Figures first (which also warms each side), then the best of the runs.
  const std::vector<Row> rows = report_rows();
  std::vector<Measured> mine, sqlite;
  for (const Row& r : rows) {
    Json f = figures(ask(reports, r));
    mine.push_back({best_of(runs, [&] { ask(reports, r); }), std::move(f)});
    if (!twins) {
      std::printf("%-36s %12.2f ms\n", r.name, mine.back().ms);
      continue;
    }
    f = twin.ask(r);
    sqlite.push_back({best_of(sql_runs, [&] { twin.ask(r); }), std::move(f)});
  }
  if (!twins) return 0;
  const DuckdbRun duckdb = run_duckdb(db, rows, duckdb_runs);
  const bool all_agree = print_table(rows, mine, sqlite, duckdb);
  std::printf("(warm, best of %d for Leadloop (1 thread; stage times 2), %d for SQLite, %d for DuckDB (2 threads))\n", runs, sql_runs,
              duckdb_runs);
  print_duckdb_note(duckdb);
  return all_agree ? 0 : 1;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) { return leadloop::run(argc, argv); }
