#include "demo/simulation.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>

#include "demo/sales_floor.h"

namespace leadloop {

namespace {

constexpr TimePoint kStep = 15 * 60 * kMillisPerSecond;
constexpr int kMaxMonths = 36;
constexpr int kMaxLeadsPerDay = 10000;
constexpr size_t kRecentLeads = 500;  // the people a re-capture finds again

// The same day of the month, `months` later (the month's last day when it
// is shorter).
Days add_months(Days start, int months) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(start, &y, &m, &d);
  const int index = y * 12 + static_cast<int>(m) - 1 + months;
  const int ny = index / 12;
  const auto nm = static_cast<unsigned>(index % 12 + 1);
  const Days first = days_from_civil(ny, nm, 1);
  const Days next = nm == 12 ? days_from_civil(ny + 1, 1, 1) : days_from_civil(ny, nm + 1, 1);
  return first + std::min<Days>(static_cast<Days>(d), next - first) - 1;
}

bool business_day(Days day) {
  const int weekday = (day + 4) % 7;  // 1970-01-01 was a Thursday; 0 is Sunday
  return weekday >= 1 && weekday <= 5;
}

void remove_db_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

// Removes a temporary database when the run is over, however it ends.
struct TempDb {
  std::string path;
  ~TempDb() {
    if (!path.empty()) remove_db_files(path);
  }
};

std::vector<std::string> reject_codes(const ActiveDefinition& definition) {
  std::vector<std::string> codes;
  if (auto active = definition.get()) {
    for (const RejectReason& r : active->definition->reject_reasons) codes.push_back(r.code);
  }
  return codes;
}

// Drives the programme: each business day's arrivals, the clock in steps,
// FollowUp and the sales floor at each step.
class Programme {
 public:
  Programme(ScratchEngine& e, ManualClock& clock, const SimulationOptions& o,
            std::vector<AwayWindow> away)
      : e_(e),
        clock_(clock),
        o_(o),
        rng_(o.seed),
        floor_({*e.store, e.intake, e.lifecycle, e.dispatch, e.router, reject_codes(e.definition)},
               clock, rng_, std::move(away)) {}

  Status run(Days end, const SimulationProgress& progress) {
    const int days = end - o_.start;
    for (Days day = o_.start; day < end; ++day) {
      plan_arrivals(day);
      const TimePoint midnight = int64_t{day} * kMillisPerDay;
      for (TimePoint t = midnight; t < midnight + kMillisPerDay; t += kStep) {
        clock_.set(t);
        LEADLOOP_RETURN_IF_ERROR(step(day, t - midnight));
      }
      if (progress) progress(day - o_.start + 1, days, captured_);
    }
    return Status();
  }

 private:
  Status step(Days day, TimePoint time_of_day) {
    LEADLOOP_RETURN_IF_ERROR(floor_.update_roster());
    auto fired = e_.follow_up.run_due();
    if (!fired.ok()) return fired.status();
    if (fired->reassigned > 0) LEADLOOP_RETURN_IF_ERROR(floor_.observe_breached());
    if (business_day(day) && time_of_day == 9 * kMillisPerHour)
      LEADLOOP_RETURN_IF_ERROR(floor_.work_queue());
    LEADLOOP_RETURN_IF_ERROR(capture_arrived());
    return floor_.act();
  }

  // Leads arrive in business hours, 08:00 to 18:00, on business days.
  void plan_arrivals(Days day) {
    arrivals_.clear();
    next_arrival_ = 0;
    if (!business_day(day)) return;
    const auto n = static_cast<int64_t>(o_.leads_per_day * (0.75 + 0.5 * rng_.unit()) + 0.5);
    for (int64_t k = 0; k < n; ++k) {
      const TimePoint at =
          int64_t{day} * kMillisPerDay + 8 * kMillisPerHour + rng_.between(0, 39) * kStep;
      const CampaignSeed& c = pick_campaign(rng_, day, o_.start);
      if (!recent_.empty() && rng_.chance(0.03)) {
        arrivals_.emplace_back(at, recapture(recent_[rng_.below(recent_.size())], c));
        continue;
      }
      Lead l = make_lead(rng_, c, ++serial_);
      if (recent_.size() < kRecentLeads) {
        recent_.push_back(l);
      } else {
        recent_[rng_.below(recent_.size())] = l;
      }
      arrivals_.emplace_back(at, std::move(l));
    }
    std::stable_sort(arrivals_.begin(), arrivals_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }

  Status capture_arrived() {
    std::vector<Result<Lead>> batch;
    for (; next_arrival_ < arrivals_.size() && arrivals_[next_arrival_].first <= clock_.now();
         ++next_arrival_) {
      batch.emplace_back(arrivals_[next_arrival_].second);
    }
    if (batch.empty()) return Status();
    CaptureContext ctx{"simulation", "simulation", false, true};
    auto out = e_.intake.capture(std::move(batch), ctx);
    if (!out.ok()) return out.status();
    for (const CaptureOutcome& o : *out) {
      if (o.status == CaptureStatus::kRejected)
        return o.error;  // the programme makes valid leads only
      if (o.status == CaptureStatus::kCreated) ++captured_;
      floor_.observe(o.lead);
    }
    return Status();
  }

  ScratchEngine& e_;
  ManualClock& clock_;
  const SimulationOptions& o_;
  Rng rng_;
  SalesFloor floor_;
  std::vector<std::pair<TimePoint, Lead>> arrivals_;  // today's, in time order
  size_t next_arrival_ = 0;
  std::vector<Lead> recent_;
  int64_t serial_ = 0;
  int64_t captured_ = 0;
};

Status set_up(ScratchEngine& e, const SimulationOptions& o, Days end) {
  auto created = create_campaigns(e.campaigns, o.start, end - o.start);
  if (!created.ok()) return created.status();
  int teams = 0, reps = 0;
  LEADLOOP_RETURN_IF_ERROR(seed_roster(*e.store, &teams, &reps));
  auto version = sign_demo_definition(e.versions);
  if (!version.ok()) return version.status();
  LEADLOOP_RETURN_IF_ERROR(e.router.open());
  return e.intake.open();
}

}  // namespace

ScratchEngine::ScratchEngine(std::unique_ptr<SqliteStore> s, const Clock& clock)
    : store(std::move(s)),
      campaigns(*store, clock),
      definition(campaigns),
      router(*store, campaigns, definition),
      intake(*store, clock, campaigns, &definition, &router),
      versions(*store, clock, intake, definition),
      lifecycle(*store, clock, intake, definition, &router),
      dispatch(*store, clock, intake, router),
      follow_up(*store, clock, intake, router, definition) {}

Result<std::unique_ptr<ScratchEngine>> ScratchEngine::open(const std::string& path,
                                                           const Clock& clock) {
  auto store = SqliteStore::open(path, Durability::kProcess);
  if (!store.ok()) return store.status();
  auto e = std::make_unique<ScratchEngine>(std::move(store).value(), clock);
  LEADLOOP_RETURN_IF_ERROR(e->campaigns.load());
  LEADLOOP_RETURN_IF_ERROR(e->versions.load());
  return e;
}

Status check_simulation_options(const SimulationOptions& o) {
  if (o.months < 1 || o.months > kMaxMonths) {
    return Status(ErrorCode::kInvalidValue,
                  "a programme runs 1 to " + std::to_string(kMaxMonths) + " months, not " +
                      std::to_string(o.months),
                  "months");
  }
  if (o.leads_per_day < 1 || o.leads_per_day > kMaxLeadsPerDay) {
    return Status(ErrorCode::kInvalidValue,
                  "leads per day must be 1 to " + std::to_string(kMaxLeadsPerDay) + ", not " +
                      std::to_string(o.leads_per_day),
                  "leads_per_day");
  }
  if (!o.db.empty() && std::filesystem::exists(o.db)) {
    return Status(
        ErrorCode::kConflict,
        "'" + o.db + "' exists; a simulation writes a new database: remove it or name another file",
        "db");
  }
  return Status();
}

std::string temp_simulation_db(uint64_t seed) {
  return (std::filesystem::temp_directory_path() /
          ("leadloop-sim-" + std::to_string(getpid()) + "-" + std::to_string(seed) + ".db"))
      .string();
}

Result<SimulationReport> simulate(const SimulationOptions& options,
                                  const SimulationProgress& progress) {
  LEADLOOP_RETURN_IF_ERROR(check_simulation_options(options));
  TempDb temp;
  std::string path = options.db;
  if (path.empty()) {
    path = temp_simulation_db(options.seed);
    remove_db_files(path);  // left by a crashed run of a process with this id
    temp.path = path;
  }
  const Days end = add_months(options.start, options.months);
  const TimePoint start_time = int64_t{options.start} * kMillisPerDay;
  ManualClock clock(start_time);
  auto engine = ScratchEngine::open(path, clock);
  if (!engine.ok()) return engine.status();
  ScratchEngine& e = **engine;
  LEADLOOP_RETURN_IF_ERROR(set_up(e, options, end));
  std::vector<AwayWindow> away = away_schedule(start_time, int64_t{end} * kMillisPerDay);
  Programme programme(e, clock, options, away);
  LEADLOOP_RETURN_IF_ERROR(programme.run(end, progress));
  return read_simulation_report(*e.store, options, std::move(away));
}

// ---- the report, read back from the store ------------------------------------

namespace {

// How far into the funnel a move takes a lead; -1: no further (a loss or
// an exit keeps the level the lead had).
int funnel_level(std::string_view stage) {
  struct Level {
    std::string_view stage;
    int level;
  };
  static constexpr std::array<Level, 10> kLevels = {{
      {"captured", 0},
      {"qualified", 1},
      {"nurture", 1},
      {"recycled", 1},
      {"assigned", 2},
      {"rejected", 2},
      {"accepted", 3},
      {"working", 4},
      {"opportunity", 5},
      {"won", 6},
  }};
  for (const auto& [name, level] : kLevels) {
    if (name == stage) return level;
  }
  return -1;
}
constexpr std::array<std::string_view, 7> kFunnel = {
    "captured", "qualified", "assigned", "accepted", "working", "opportunity", "won"};

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t number_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// Nearest rank: the smallest value with at least `q` of the values at or below it.
int64_t quantile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted.size()) + 0.999999);
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// The SLA hours per grade of the active definition, if any.
Result<std::array<int, 3>> active_sla_hours(Store& store) {
  std::array<int, 3> hours = {0, 0, 0};
  auto versions = store.list_definitions();
  if (!versions.ok()) return versions.status();
  for (const DefinitionRecord& v : *versions) {
    if (v.state != "active") continue;
    ParsedDefinition p = parse_definition(v.content);
    if (!p.definition) return issues_status(p.issues);
    hours = p.definition->sla_hours;
  }
  return hours;
}

}  // namespace

Result<SimulationReport> read_simulation_report(Store& store, const SimulationOptions& options,
                                                std::vector<AwayWindow> away) {
  SimulationReport r;
  r.options = options;
  r.options.db.clear();  // the report is about the programme, not the file
  r.from = format_date(options.start);
  r.to = format_date(add_months(options.start, options.months) - 1);
  r.away = std::move(away);
  std::map<int64_t, int> level;       // lead -> furthest funnel level reached
  std::map<int64_t, int64_t> amount;  // lead -> amount of its latest opportunity
  std::map<std::string, RepFigures> reps;
  auto rep = [&](const std::string& key) -> RepFigures& {
    RepFigures& f = reps[key];
    f.rep = key;
    return f;
  };
  auto reach = [&](int64_t lead, int l) {
    int& at = level[lead];
    at = std::max(at, l);
  };

  LEADLOOP_RETURN_IF_ERROR(store.scan_events(event_type::kCaptured, [&](const LeadEvent& e) {
    ++r.captured;
    Json p = Json::parse(e.payload, nullptr, false);
    std::string grade = p.is_object() ? text_of(p, "grade") : "";
    ++r.grades[grade.empty() ? "none" : grade];
    const bool qualified = grade == "hot" || grade == "warm" || grade == "cold";
    reach(e.lead_id, qualified ? 1 : 0);
  }));
  LEADLOOP_RETURN_IF_ERROR(
      store.scan_events(event_type::kRecaptured, [&](const LeadEvent&) { ++r.merged; }));
  LEADLOOP_RETURN_IF_ERROR(store.scan_events(event_type::kStageChanged, [&](const LeadEvent& e) {
    Json p = Json::parse(e.payload, nullptr, false);
    if (!p.is_object()) return;
    const std::string to = text_of(p, "to");
    if (int l = funnel_level(to); l >= 0) reach(e.lead_id, l);
    if (std::string exit = text_of(p, "exit"); !exit.empty()) ++r.exits[exit];
    if (to == "opportunity") amount[e.lead_id] = number_of(p, "amount_cents");
    if (to == "won") {
      r.won_revenue_cents += number_of(p, "revenue_cents");
      if (std::string owner = text_of(p, "owner"); !owner.empty()) ++rep(owner).won;
    }
  }));
  LEADLOOP_RETURN_IF_ERROR(store.scan_events(event_type::kAssigned, [&](const LeadEvent& e) {
    Json p = Json::parse(e.payload, nullptr, false);
    if (!p.is_object()) return;
    ++r.assignments;
    ++rep(text_of(p, "owner")).assigned;
    if (text_of(p, "reason") == "sla_breach") {
      ++r.reassignments;
      ++rep(text_of(p, "previous_owner")).lost_to_breach;
    }
  }));
  LEADLOOP_RETURN_IF_ERROR(store.scan_events(event_type::kSlaBreached, [&](const LeadEvent& e) {
    Json p = Json::parse(e.payload, nullptr, false);
    ++r.sla_breaches;
    if (p.is_object()) ++rep(text_of(p, "owner")).breaches;
  }));
  LEADLOOP_RETURN_IF_ERROR(
      store.scan_events(event_type::kDecayed, [&](const LeadEvent&) { ++r.decays; }));
  r.requeues = r.exits.count("sla_breach") ? r.exits["sla_breach"] : 0;

  auto sla_hours = active_sla_hours(store);
  if (!sla_hours.ok()) return sla_hours.status();
  std::vector<int64_t> minutes;
  LeadFilter all;
  all.limit = 0;
  LEADLOOP_RETURN_IF_ERROR(store.scan_leads(all, [&](const Lead& l) {
    if (l.stage == Stage::kAssigned && !l.first_response_at) ++r.awaiting_response;
    if (l.assigned_at && l.first_response_at) {
      const TimePoint took = *l.first_response_at - *l.assigned_at;
      minutes.push_back(took / (60 * kMillisPerSecond));
      int hours = 0;
      if (l.grade == Grade::kHot || l.grade == Grade::kWarm || l.grade == Grade::kCold) {
        hours = (*sla_hours)[ruled_grade_index(l.grade)];
      }
      if (hours <= 0 || took <= hours * kMillisPerHour) ++r.responded_within_sla;
    }
    if (l.stage == Stage::kOpportunity) {
      ++r.open_opportunities;
      r.open_pipeline_cents += amount[l.id];
    }
    return true;
  }));
  std::sort(minutes.begin(), minutes.end());
  r.responded = static_cast<int64_t>(minutes.size());
  r.response_median_minutes = quantile(minutes, 0.5);
  r.response_p90_minutes = quantile(minutes, 0.9);

  std::array<int64_t, kFunnel.size()> reached{};
  for (const auto& [lead, l] : level) {
    for (int k = 0; k <= l; ++k) ++reached[static_cast<size_t>(k)];
  }
  for (size_t k = 0; k < kFunnel.size(); ++k)
    r.funnel.push_back({std::string(kFunnel[k]), reached[k]});

  for (const RepSeed& s : programme_reps()) rep(std::string(s.key));
  for (auto& [key, f] : reps) {
    if (key.empty()) continue;
    const RepSeed* seed = find_rep_seed(key);
    f.responsiveness = seed ? std::string(responsiveness_name(seed->responsiveness)) : "";
    r.reps.push_back(f);
  }
  return r;
}

Json to_json(const SimulationReport& r) {
  Json funnel = Json::array();
  for (const FunnelStage& s : r.funnel) funnel.push_back({{"stage", s.stage}, {"leads", s.leads}});
  Json reps = Json::array();
  for (const RepFigures& f : r.reps) {
    reps.push_back({{"rep", f.rep},
                    {"responsiveness", f.responsiveness},
                    {"assigned", f.assigned},
                    {"sla_breaches", f.breaches},
                    {"lost_to_breach", f.lost_to_breach},
                    {"won", f.won}});
  }
  Json away = Json::array();
  for (const AwayWindow& w : r.away) {
    away.push_back({{"rep", w.rep}, {"from", format_time(w.from)}, {"to", format_time(w.to)}});
  }
  Json grades = Json::object();
  for (const auto& [g, n] : r.grades) grades[g] = n;
  Json exits = Json::object();
  for (const auto& [e, n] : r.exits) exits[e] = n;
  return {{"seed", r.options.seed},
          {"months", r.options.months},
          {"leads_per_day", r.options.leads_per_day},
          {"from", r.from},
          {"to", r.to},
          {"captured", r.captured},
          {"merged", r.merged},
          {"grades", grades},
          {"funnel", funnel},
          {"exits", exits},
          {"follow_up",
           {{"assignments", r.assignments},
            {"sla_breaches", r.sla_breaches},
            {"reassignments", r.reassignments},
            {"requeues", r.requeues},
            {"decays", r.decays},
            {"awaiting_response", r.awaiting_response},
            {"responded", r.responded},
            {"responded_within_sla", r.responded_within_sla},
            {"response_median_minutes", r.response_median_minutes},
            {"response_p90_minutes", r.response_p90_minutes}}},
          {"won_revenue_cents", r.won_revenue_cents},
          {"open_opportunities", r.open_opportunities},
          {"open_pipeline_cents", r.open_pipeline_cents},
          {"reps", reps},
          {"away", away}};
}

}  // namespace leadloop
