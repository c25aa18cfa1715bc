// The reports over the in-memory projection against their SQL twins on the
// same SQLite file: generated programmes of several seeds and sizes, the
// projection loaded from the file and kept current commit by commit, with
// filters, groups, an empty period, a segment matching nothing and an
// erased lead.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "demo/demo_data.h"
#include "engine/dispatch.h"
#include "engine/follow_up.h"
#include "engine/privacy.h"
#include "engine/router.h"
#include "lifecycle_fixture.h"
#include "measure/reports.h"
#include "store/sqlite/sqlite_db.h"
#include "test_db.h"

namespace leadloop {

void PrintTo(const Durations& d, std::ostream* o) {
  *o << "{" << d.count << " median " << d.median_ms << " p90 " << d.p90_ms << "}";
}

namespace {

using testing::TempDir;
using testing::TestServices;

// step -> reached, by group, as the projection says.
using FunnelCounts = std::map<std::string, std::vector<int64_t>>;
// "stage|reason" -> count
using LeakCounts = std::map<std::string, int64_t>;

FunnelCounts funnel_counts(const Reports& r, const ReportFilter& f, GroupBy by = GroupBy::kNone) {
  FunnelCounts out;
  for (const Funnel& fu : r.funnel(f, by)) {
    std::vector<int64_t> v;
    for (const auto& s : fu.steps) v.push_back(s.reached);
    out[fu.group] = v;
  }
  return out;
}

LeakCounts leak_counts(const Reports& r, const ReportFilter& f) {
  LeakCounts out;
  for (const Leak& l : r.leaks(f).rows) out[std::string(stage_name(l.from)) + "|" + l.reason] = l.count;
  return out;
}

// The SQL twin: the same questions asked of the SQLite file.
class SqlTwin {
 public:
  explicit SqlTwin(const std::string& path) : db_(sqlite::SqliteDb::open(path, true).value()) {}

  // `where` filters leads l (and campaigns c); `group` is an SQL expression
  // over them or "''".
  FunnelCounts funnel(const std::string& where, const std::string& group = "''") {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id, " + group + " AS g, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE " + where + " GROUP BY l.id) "
        "SELECT g, steps.k, (SELECT count(*) FROM reach r2 WHERE r2.g = groups.g AND r2.k >= steps.k) "
        "FROM (SELECT DISTINCT g FROM reach) groups, steps ORDER BY g, steps.k";
    FunnelCounts out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)].push_back(s.int64(2)); }).ok());
    return out;
  }

  // campaign -> leads, qualified, hot, warm, cold, accepted, opportunities,
  // won, revenue cents
  std::map<std::string, std::vector<int64_t>> campaigns(const std::string& where) {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id, l.source_campaign AS camp, l.grade AS grade, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE " + where + " GROUP BY l.id), "
        "rev AS (SELECT lead_id, json_extract(payload, '$.revenue_cents') AS cents, MAX(id) FROM lead_events "
        "WHERE type = 'stage_changed' AND json_extract(payload, '$.to') = 'won' GROUP BY lead_id) "
        "SELECT camp, count(*), SUM(k >= 1), SUM(grade = 'hot'), SUM(grade = 'warm'), SUM(grade = 'cold'), "
        "SUM(k >= 3), SUM(k >= 5), SUM(k >= 6), SUM(CASE WHEN k >= 6 THEN COALESCE(rev.cents, 0) ELSE 0 END) "
        "FROM reach LEFT JOIN rev ON rev.lead_id = reach.id GROUP BY camp";
    std::map<std::string, std::vector<int64_t>> out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) {
                  for (int i = 1; i <= 9; ++i) out[s.text(0)].push_back(s.int64(i));
                }).ok());
    return out;
  }

  LeakCounts leaks(const std::string& where) {
    const std::string sql =
        "SELECT json_extract(e.payload, '$.from') || '|' || json_extract(e.payload, '$.exit'), count(*) "
        "FROM lead_events e JOIN leads l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "WHERE e.type = 'stage_changed' AND json_extract(e.payload, '$.exit') IS NOT NULL AND " + where +
        " GROUP BY 1";
    LeakCounts out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) { out[s.text(0)] = s.int64(1); }).ok());
    return out;
  }

  // Rows of (group, a, b, ...) integers (NULL as -1) of an SQL query.
  std::vector<std::pair<std::string, std::vector<int64_t>>> rows(const std::string& sql, int columns) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string() << "\n" << sql;
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) {
                  std::vector<int64_t> v;
                  for (int i = 1; i <= columns; ++i) v.push_back(s.is_null(i) ? -1 : s.int64(i));
                  out.emplace_back(s.text(0), std::move(v));
                }).ok());
    return out;
  }

  // The first time each lead reached each step (a step or a later one),
  // from its events: t0 (capture) .. t6, NULL when never.
  static std::string step_times(const std::string& where, const std::string& group) {
    std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev AS (SELECT e.lead_id AS id, e.at AS at, s.k AS k FROM lead_events e JOIN steps s "
        "ON s.name = json_extract(e.payload, '$.to') WHERE e.type = 'stage_changed'), "
        "t AS (SELECT l.id AS id, " + group + " AS g, l.created_at AS t0";
    for (int k = 1; k <= 6; ++k) {
      sql += ", (SELECT MIN(at) FROM ev WHERE ev.id = l.id AND ev.k >= " + std::to_string(k) + ") AS t" + std::to_string(k);
    }
    return sql + " FROM leads l LEFT JOIN campaigns c ON c.key = l.source_campaign WHERE " + where + ") ";
  }

  // group -> step (1..6) -> the time each lead took from the step before.
  std::map<std::string, std::map<int, std::vector<int64_t>>> stage_durations(const std::string& where,
                                                                             const std::string& group) {
    std::string sql = step_times(where, group);
    for (int k = 1; k <= 6; ++k) {
      sql += std::string(k > 1 ? " UNION ALL " : "") + "SELECT g, " + std::to_string(k) + ", MAX(0, t" +
             std::to_string(k) + " - t" + std::to_string(k - 1) + ") FROM t WHERE t" + std::to_string(k) +
             " IS NOT NULL";
    }
    std::map<std::string, std::map<int, std::vector<int64_t>>> out;
    for (auto& [g, v] : rows(sql, 2)) out[g][static_cast<int>(v[0])].push_back(v[1]);
    return out;
  }

  // Per lead that reached assigned: (group, response ms or -1, breached).
  std::vector<std::pair<std::string, std::vector<int64_t>>> responses(const std::string& where,
                                                                      const std::string& group, bool from_qualified) {
    const std::string sql =
        step_times(where, group) +
        "SELECT t.g, CASE WHEN l.first_response_at IS NULL THEN NULL ELSE MAX(0, l.first_response_at - " +
        (from_qualified ? "COALESCE(t.t1, t.t0)" : "t.t0") +
        ") END, EXISTS (SELECT 1 FROM lead_events b WHERE b.lead_id = t.id AND b.type = 'sla_breached') "
        "FROM t JOIN leads l ON l.id = t.id WHERE t.t2 IS NOT NULL";
    return rows(sql, 2);
  }

  // group -> {open opportunities, their amount, won, lost} and
  // "group|week" -> {open opportunities, amount}, over the leads that
  // reached opportunity; the amount and close of the latest move there.
  std::pair<std::map<std::string, std::vector<int64_t>>, std::map<std::string, std::vector<int64_t>>> forecast(
      const std::string& where, const std::string& group) {
    const std::string with =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id AS id, " + group + " AS g, l.stage AS stage, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE " + where + " GROUP BY l.id), "
        "opp AS (SELECT lead_id, json_extract(payload, '$.amount_cents') AS amount, "
        "json_extract(payload, '$.expected_close') AS close, MAX(id) FROM lead_events WHERE type = 'stage_changed' "
        "AND json_extract(payload, '$.to') = 'opportunity' GROUP BY lead_id) ";
    std::map<std::string, std::vector<int64_t>> groups, weeks;
    for (auto& [g, v] : rows(with + "SELECT g, SUM(stage = 'opportunity'), SUM(CASE WHEN stage = 'opportunity' THEN "
                                    "COALESCE(amount, 0) ELSE 0 END), SUM(stage = 'won'), SUM(stage = 'lost') "
                                    "FROM reach LEFT JOIN opp ON opp.lead_id = reach.id WHERE k >= 5 GROUP BY g",
                             4)) {
      groups[g] = v;
    }
    for (auto& [g, v] : rows(with + "SELECT g || '|' || COALESCE(date(close, '-6 days', 'weekday 1'), ''), count(*), "
                                    "SUM(COALESCE(amount, 0)) FROM reach LEFT JOIN opp ON opp.lead_id = reach.id "
                                    "WHERE stage = 'opportunity' GROUP BY 1",
                             2)) {
      weeks[g] = v;
    }
    return {groups, weeks};
  }

  // campaign -> {touches, without a lead, call-guide answers} of the days
  // [the day of from, to).
  std::map<std::string, std::vector<int64_t>> campaign_touches(TimePoint from, TimePoint to) {
    const std::string sql =
        "SELECT campaign, count(*), SUM(lead_id IS NULL OR lead_id = 0), SUM(CASE WHEN length(data_points) <= 2 "
        "THEN 0 ELSE (SELECT count(*) FROM json_each(touches.data_points)) END) FROM touches "
        "WHERE campaign <> '' AND (at - ((at % 86400000) + 86400000) % 86400000) >= " +
        std::to_string(from - (((from % 86400000) + 86400000) % 86400000)) +
        " AND (at - ((at % 86400000) + 86400000) % 86400000) < " + std::to_string(to) + " GROUP BY campaign";
    std::map<std::string, std::vector<int64_t>> out;
    for (auto& [c, v] : rows(sql, 3)) out[c] = v;
    return out;
  }

  // campaign -> (deals, first-touch cents, last-touch cents, linear cents)
  // of the won leads the filter selects.
  std::map<std::string, std::tuple<int64_t, int64_t, int64_t, double>> attribution(const std::string& where) {
    const std::string sql =
        "WITH steps(name, k) AS (VALUES ('captured',0),('qualified',1),('assigned',2),('accepted',3),"
        "('working',4),('opportunity',5),('won',6)), "
        "ev(lead_id, st) AS (SELECT lead_id, json_extract(payload, '$.to') FROM lead_events "
        "WHERE type = 'stage_changed' UNION ALL SELECT id, stage FROM leads), "
        "reach AS (SELECT l.id AS id, MAX(COALESCE(s.k, 0)) AS k FROM leads l "
        "LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE " + where + " GROUP BY l.id), "
        "wonat AS (SELECT e.lead_id AS id, MIN(e.at) AS at FROM lead_events e JOIN steps s "
        "ON s.name = json_extract(e.payload, '$.to') WHERE e.type = 'stage_changed' AND s.k >= 6 GROUP BY e.lead_id), "
        "rev AS (SELECT lead_id, json_extract(payload, '$.revenue_cents') AS cents, MAX(id) FROM lead_events "
        "WHERE type = 'stage_changed' AND json_extract(payload, '$.to') = 'won' GROUP BY lead_id), "
        "deal AS (SELECT reach.id AS id, l.source_campaign AS src, l.created_at AS t0, COALESCE(rev.cents, 0) AS cents, "
        "COALESCE(wonat.at, 9223372036854775807) AS won_at FROM reach JOIN leads l ON l.id = reach.id "
        "LEFT JOIN rev ON rev.lead_id = reach.id LEFT JOIN wonat ON wonat.id = reach.id WHERE reach.k >= 6), "
        "tp AS (SELECT id AS lead, src AS campaign, t0 AS at, 0 AS ord FROM deal UNION ALL "
        "SELECT t.lead_id, t.campaign, t.at, t.id FROM touches t JOIN deal ON deal.id = t.lead_id "
        "WHERE t.campaign <> '' AND t.at <= deal.won_at), "
        "ranked AS (SELECT tp.lead AS lead, tp.campaign AS campaign, deal.cents AS cents, "
        "ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.at, tp.ord) AS f, "
        "ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.at DESC, tp.ord DESC) AS b, "
        "COUNT(*) OVER (PARTITION BY tp.lead) AS n FROM tp JOIN deal ON deal.id = tp.lead) "
        "SELECT campaign, COUNT(DISTINCT lead), SUM(CASE WHEN f = 1 THEN cents ELSE 0 END), "
        "SUM(CASE WHEN b = 1 THEN cents ELSE 0 END), SUM(cents * 1.0 / n) FROM ranked GROUP BY campaign";
    std::map<std::string, std::tuple<int64_t, int64_t, int64_t, double>> out;
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    if (!st.ok()) return out;
    EXPECT_TRUE((*st)->each_row([&](const sqlite::Stmt& s) {
                  out[s.text(0)] = {s.int64(1), s.int64(2), s.int64(3), s.real(4)};
                }).ok());
    return out;
  }

  // (group|stage) -> (count, oldest since) of leads in an open funnel stage
  // unchanged since before `before`.
  std::map<std::string, std::pair<int64_t, int64_t>> stalled(const std::string& where, const std::string& group,
                                                             TimePoint before) {
    const std::string sql =
        "WITH since AS (SELECT l.id AS id, " + group + " AS g, l.stage AS stage, "
        "MAX(l.created_at, COALESCE((SELECT MAX(e.at) FROM lead_events e WHERE e.lead_id = l.id AND "
        "e.type = 'stage_changed'), 0)) AS at FROM leads l LEFT JOIN campaigns c ON c.key = l.source_campaign "
        "WHERE " + where + " AND l.stage IN ('captured','qualified','assigned','accepted','working','opportunity')) "
        "SELECT g || '|' || stage, count(*), MIN(at) FROM since WHERE at < " + std::to_string(before) +
        " GROUP BY g, stage";
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (auto& [k, v] : rows(sql, 2)) out[k] = {v[0], v[1]};
    return out;
  }

 private:
  std::unique_ptr<sqlite::SqliteDb> db_;
};

// Nearest rank, by sorting: the independent way to the percentiles.
Durations sorted_durations(std::vector<int64_t> v) {
  Durations d;
  d.count = static_cast<int64_t>(v.size());
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  d.median_ms = v[static_cast<size_t>(std::ceil(static_cast<double>(v.size()) * 0.5)) - 1];
  d.p90_ms = v[static_cast<size_t>(std::ceil(static_cast<double>(v.size()) * 0.9)) - 1];
  return d;
}


using TimesByGroup = std::map<std::string, std::vector<Durations>>;

TimesByGroup stage_times_of(const Reports& r, const ReportFilter& f, GroupBy by) {
  TimesByGroup out;
  for (const StageTimes& t : r.stage_times(f, by)) {
    for (const auto& step : t.steps) out[t.group].push_back(step.second);
  }
  return out;
}

TimesByGroup stage_times_twin(SqlTwin& twin, const std::string& where, const std::string& group, bool whole) {
  TimesByGroup out;
  for (auto& [g, steps] : twin.stage_durations(where, group)) {
    for (int k = 1; k <= 6; ++k) out[g].push_back(sorted_durations(steps[k]));
  }
  if (whole && out.empty()) out[""] = std::vector<Durations>(6);
  return out;
}

// group -> {assigned, responded, breached, count, median, p90}
using SpeedByGroup = std::map<std::string, std::vector<int64_t>>;

SpeedByGroup speed_of(const Reports& r, const ReportFilter& f, GroupBy by, bool from_qualified) {
  SpeedByGroup out;
  for (const SpeedToLead& s : r.speed_to_lead(f, by, from_qualified)) {
    out[s.group] = {s.assigned, s.responded, s.breached, s.response.count, s.response.median_ms, s.response.p90_ms};
  }
  return out;
}

SpeedByGroup speed_twin(SqlTwin& twin, const std::string& where, const std::string& group, bool from_qualified,
                        bool whole) {
  std::map<std::string, std::vector<int64_t>> took;
  std::map<std::string, std::array<int64_t, 2>> counts;  // assigned, breached
  for (auto& [g, v] : twin.responses(where, group, from_qualified)) {
    ++counts[g][0];
    counts[g][1] += v[1];
    if (v[0] >= 0) took[g].push_back(v[0]);
  }
  SpeedByGroup out;
  for (auto& [g, c] : counts) {
    Durations d = sorted_durations(took[g]);
    out[g] = {c[0], d.count, c[1], d.count, d.median_ms, d.p90_ms};
  }
  if (whole && out.empty()) out[""] = std::vector<int64_t>(6, 0);
  return out;
}

std::pair<std::map<std::string, std::vector<int64_t>>, std::map<std::string, std::vector<int64_t>>> forecast_of(
    const Reports& r, const ReportFilter& f, GroupBy by) {
  std::map<std::string, std::vector<int64_t>> groups, weeks;
  for (const ForecastGroup& g : r.forecast(f, by)) {
    groups[g.group] = {g.opportunities, g.amount_cents, g.won, g.lost};
    for (const ForecastWeek& w : g.weeks) weeks[g.group + "|" + w.week] = {w.opportunities, w.amount_cents};
  }
  return {groups, weeks};
}

std::map<std::string, std::pair<int64_t, int64_t>> stalled_of(const Reports& r, const ReportFilter& f, GroupBy by,
                                                              TimePoint before) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const StalledGroup& g : r.stalled(f, before, by).groups) {
    out[g.group + "|" + std::string(stage_name(g.stage))] = {g.count, g.oldest_since};
  }
  return out;
}

struct Case {
  const char* name;
  ReportFilter filter;
  std::string where;
};

std::vector<Case> cases(const std::string& region, const std::string& campaign) {
  std::vector<Case> out;
  out.push_back({"everything", {}, "1"});
  ReportFilter spring;
  spring.from = *parse_time("2026-03-01");
  spring.to = *parse_time("2026-06-01");
  out.push_back({"a capture period", spring,
                 "l.created_at >= " + std::to_string(*spring.from) + " AND l.created_at < " + std::to_string(*spring.to)});
  ReportFilter hot_region;
  hot_region.regions = {region};
  hot_region.grade = Grade::kHot;
  out.push_back({"region and grade", hot_region, "l.region = '" + region + "' AND l.grade = 'hot'"});
  ReportFilter one;
  one.campaigns = {campaign};
  one.channels = {"telemarketing", "web", "event", "email", "webinar", "social", "paid_search", "partner", "content"};
  out.push_back({"a campaign", one, "l.source_campaign = '" + campaign + "'"});
  ReportFilter empty;
  empty.from = *parse_time("2030-01-01");
  out.push_back({"an empty period", empty, "l.created_at >= " + std::to_string(*empty.from)});
  ReportFilter nobody;
  nobody.owners = {"nobody-at-all"};
  out.push_back({"a segment matching nothing", nobody, "l.owner = 'nobody-at-all'"});
  // Segments in the definition's language, on lead fields. An empty field
  // is missing there, and a comparison with a missing value is false.
  ReportFilter sized;
  sized.segment = compile_segment(R"(industry in ["software", "finance", "retail"] and employees >= 50)").value();
  out.push_back({"a segment on industry and size", sized,
                 "l.industry IN ('software','finance','retail') AND l.employees >= 50"});
  ReportFilter channel_region;
  channel_region.segment =
      compile_segment(R"(campaign.channel = "telemarketing" or (region = ")" + region + R"(" and stage != "captured"))")
          .value();
  channel_region.from = *parse_time("2026-02-01");
  ReportFilter free_fields;
  free_fields.segment = compile_segment(R"(title in ["VP Sales", "CFO", "CTO"] or )"
                                        R"((attributes.budget = "confirmed" and data.decision_maker = "yes"))")
                            .value();
  out.push_back({"a segment on title, an attribute and a call-guide answer", free_fields,
                 "(l.title IN ('VP Sales','CFO','CTO') OR (json_extract(l.attributes, '$.budget') = 'confirmed' AND "
                 "json_extract(l.data_points, '$.decision_maker') = 'yes'))"});
  out.push_back({"a segment on campaign and region, and a period", channel_region,
                 "(c.channel = 'telemarketing' OR (l.region <> '' AND l.region = '" + region + "' AND l.stage <> 'captured')) AND "
                 "l.created_at >= " + std::to_string(*channel_region.from)});
  return out;
}

void expect_twins_agree_once(const Reports& reports, const std::string& path, const std::string& when, TimePoint now);

// Both scan paths: one thread, and two threads (forced on these small
// programmes by a low threshold).
void expect_twins_agree(const Reports& reports, const std::string& path, const std::string& when, TimePoint now) {
  expect_twins_agree_once(reports, path, when, now);
  set_parallel_scan_threshold(1);
  expect_twins_agree_once(reports, path, when + " (two threads)", now);
  set_parallel_scan_threshold(200000);
}

void expect_twins_agree_once(const Reports& reports, const std::string& path, const std::string& when, TimePoint now) {
  SqlTwin twin(path);
  TestServices probe(path);
  auto leads = probe.store->list_leads([] {
    LeadFilter f;
    f.limit = 1;
    return f;
  }());
  ASSERT_TRUE(leads.ok() && !leads->empty());
  for (const Case& c : cases(leads->front().region, leads->front().source_campaign)) {
    FunnelCounts mine = funnel_counts(reports, c.filter);
    FunnelCounts sql = twin.funnel(c.where);
    if (sql.empty()) sql[""] = std::vector<int64_t>(kFunnelStepCount, 0);
    EXPECT_EQ(mine, sql) << when << ": funnel, " << c.name;
    EXPECT_EQ(leak_counts(reports, c.filter), twin.leaks(c.where)) << when << ": leaks, " << c.name;
    std::map<std::string, std::vector<int64_t>> mine_campaigns;
    for (const CampaignResult& r : reports.campaigns(c.filter)) {
      if (r.leads == 0) continue;
      mine_campaigns[r.campaign] = {r.leads, r.qualified, r.hot, r.warm, r.cold, r.accepted, r.opportunities, r.won,
                                    r.revenue_cents};
    }
    EXPECT_EQ(mine_campaigns, twin.campaigns(c.where)) << when << ": campaigns, " << c.name;
    EXPECT_EQ(stage_times_of(reports, c.filter, GroupBy::kNone), stage_times_twin(twin, c.where, "''", true))
        << when << ": stage times, " << c.name;
    for (bool from_qualified : {false, true}) {
      EXPECT_EQ(speed_of(reports, c.filter, GroupBy::kNone, from_qualified),
                speed_twin(twin, c.where, "''", from_qualified, true))
          << when << ": speed to lead, " << c.name << (from_qualified ? " from qualification" : "");
    }
    {
      auto sql = twin.attribution(c.where);
      auto mine = reports.attribution(c.filter);
      EXPECT_EQ(mine.size(), sql.size()) << when << ": attribution, " << c.name;
      for (const Attribution& a : mine) {
        auto it = sql.find(a.campaign);
        if (it == sql.end()) {
          ADD_FAILURE() << when << ": attribution, " << c.name << ": " << a.campaign << " not in the twin";
          continue;
        }
        EXPECT_EQ(a.deals, std::get<0>(it->second)) << when << ": " << c.name << ": " << a.campaign;
        EXPECT_EQ(a.first_cents, std::get<1>(it->second)) << when << ": " << c.name << ": " << a.campaign;
        EXPECT_EQ(a.last_cents, std::get<2>(it->second)) << when << ": " << c.name << ": " << a.campaign;
        EXPECT_NEAR(a.linear_cents, std::get<3>(it->second), 0.01) << when << ": " << c.name << ": " << a.campaign;
      }
    }
    auto mine_forecast = forecast_of(reports, c.filter, GroupBy::kNone);
    auto sql_forecast = twin.forecast(c.where, "''");
    if (sql_forecast.first.empty()) sql_forecast.first[""] = {0, 0, 0, 0};
    EXPECT_EQ(mine_forecast, sql_forecast) << when << ": forecast, " << c.name;
    for (TimePoint before : {now, now - 7 * kMillisPerDay, now - 60 * kMillisPerDay}) {
      EXPECT_EQ(stalled_of(reports, c.filter, GroupBy::kNone, before), twin.stalled(c.where, "''", before))
          << when << ": stalled, " << c.name;
    }
  }
  EXPECT_EQ(stage_times_of(reports, {}, GroupBy::kRegion), stage_times_twin(twin, "1", "l.region", false))
      << when << ": stage times by region";
  EXPECT_EQ(speed_of(reports, {}, GroupBy::kOwner, false), speed_twin(twin, "1", "l.owner", false, false))
      << when << ": speed to lead by owner";
  EXPECT_EQ(speed_of(reports, {}, GroupBy::kRegion, true), speed_twin(twin, "1", "l.region", true, false))
      << when << ": speed to lead by region";
  // Every lead by owner and by region, from capture: from the counts and
  // distributions the projection keeps as leads change.
  EXPECT_EQ(speed_of(reports, {}, GroupBy::kRegion, false), speed_twin(twin, "1", "l.region", false, false))
      << when << ": speed to lead by region, from capture";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kOwner), twin.funnel("1", "l.owner")) << when << ": funnel by owner";
  EXPECT_EQ(forecast_of(reports, {}, GroupBy::kRegion), twin.forecast("1", "l.region")) << when << ": forecast by region";
  // Touches per campaign, by their day: everything, and a spring.
  for (const auto& [from, to] : {std::pair<TimePoint, TimePoint>{INT64_MIN / 2, INT64_MAX / 2},
                                 {*parse_time("2026-03-01"), *parse_time("2026-06-01")}}) {
    ReportFilter period;
    if (from > INT64_MIN / 2) {
      period.from = from;
      period.to = to;
    }
    std::map<std::string, std::vector<int64_t>> mine;
    for (const CampaignResult& r : reports.campaigns(period)) {
      if (r.touches > 0) mine[r.campaign] = {r.touches, r.touches_without_lead, r.data_points};
    }
    EXPECT_EQ(mine, twin.campaign_touches(from, to)) << when << ": touches per campaign";
    std::map<std::string, std::vector<int64_t>> only;
    for (const CampaignResult& r : reports.campaign_touches(period)) {
      only[r.campaign] = {r.touches, r.touches_without_lead, r.data_points};
    }
    EXPECT_EQ(only, twin.campaign_touches(from, to)) << when << ": campaign_touches()";
  }
  EXPECT_EQ(stalled_of(reports, {}, GroupBy::kOwner, now - 3 * kMillisPerDay),
            twin.stalled("1", "l.owner", now - 3 * kMillisPerDay))
      << when << ": stalled by owner";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kChannel), twin.funnel("1", "COALESCE(c.channel, '')"))
      << when << ": funnel by channel";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kRegion), twin.funnel("1", "l.region")) << when << ": by region";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kCaptureWeek),
            twin.funnel("1", "date((l.created_at / 86400000 - ((l.created_at / 86400000) % 7 + 3) % 7) * 86400, "
                             "'unixepoch')"))
      << when << ": by capture week";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kCaptureMonth),
            twin.funnel("1", "date(l.created_at / 1000, 'unixepoch', 'start of month')"))
      << when << ": by capture month";
  EXPECT_EQ(funnel_counts(reports, {}, GroupBy::kCampaign), twin.funnel("1", "l.source_campaign")) << when;
}

// The projection's kept summaries as sorted text, empty ones left out (a
// live projection may know codes a load never meets).
std::vector<std::string> kept_summary(const LeadProjection& p) {
  std::vector<std::string> out;
  auto buckets = [&](const std::string& name, const std::vector<uint32_t>& counts) {
    std::string line;
    for (size_t b = 0; b < counts.size(); ++b) {
      if (counts[b] != 0) line += " " + std::to_string(b) + ":" + std::to_string(counts[b]);
    }
    if (!line.empty()) out.push_back(name + line);
  };
  const KeptDistributions& d = p.distributions();
  for (size_t s = 0; s < d.step_took.size(); ++s) buckets("step " + std::to_string(s), d.step_took[s]);
  for (size_t c = 0; c < d.response_by_owner.size(); ++c) {
    buckets("response of " + p.owners().text(static_cast<uint32_t>(c)), d.response_by_owner[c]);
  }
  for (size_t c = 0; c < d.response_by_region.size(); ++c) {
    buckets("response in " + p.regions().text(static_cast<uint32_t>(c)), d.response_by_region[c]);
  }
  auto counts = [&](const std::string& name, const KeptCounts& k) {
    std::string line;
    for (int64_t n : k.furthest) line += " " + std::to_string(n);
    line += " | " + std::to_string(k.assigned) + " " + std::to_string(k.responded) + " " + std::to_string(k.breached);
    if (line != " 0 0 0 0 0 0 0 | 0 0 0") out.push_back(name + line);
  };
  for (size_t c = 0; c < p.counters().by_owner.size(); ++c) {
    counts("owner " + p.owners().text(static_cast<uint32_t>(c)), p.counters().by_owner[c]);
  }
  for (size_t c = 0; c < p.counters().by_region.size(); ++c) {
    counts("region " + p.regions().text(static_cast<uint32_t>(c)), p.counters().by_region[c]);
  }
  std::vector<std::string> deals;
  for (const WonDeal& w : p.won_deals()) {
    std::string line = "deal " + std::to_string(p.leads().id[w.row]) + " " + p.campaigns().text(w.campaign) + " " +
                       std::to_string(w.created_at) + " " + std::to_string(w.won_at) + " " + std::to_string(w.revenue);
    for (const DealTouch& t : w.touches) line += " " + p.campaigns().text(t.campaign) + "@" + std::to_string(t.at);
    deals.push_back(line);
  }
  out.insert(out.end(), deals.begin(), deals.end());
  std::sort(out.begin(), out.end());  // codes are numbered in the order each projection met them
  return out;
}

class MeasureTwins : public ::testing::TestWithParam<std::pair<uint64_t, int>> {};

TEST_P(MeasureTwins, ProjectionReportsEqualTheirSqlTwinsLoadedAndLive) {
  if (testing::on_postgres()) GTEST_SKIP() << "the SQL twin and the snapshot read the SQLite file";
  const auto [seed, size] = GetParam();
  TempDir dir;
  const std::string path = dir.file("m.db");
  {
    TestServices svc(path);
    // Live: the projection follows every commit of the generation.
    LeadProjection live(*svc.store);
    ASSERT_TRUE(live.load().ok());
    DemoOptions opt;
    opt.seed = seed;
    opt.leads = size;
    opt.start = *parse_date("2026-01-05");
    auto s = generate_demo({*svc.store, *svc.campaigns, *svc.intake, svc.definitions.get(), svc.lifecycle.get()},
                           svc.clock, opt);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    // Close some deals with revenue (the demo's cycles are long).
    LeadFilter open;
    open.stages = {Stage::kAccepted, Stage::kWorking, Stage::kOpportunity};
    open.limit = 6;
    auto deals = svc.store->list_leads(open);
    ASSERT_TRUE(deals.ok());
    ASSERT_FALSE(deals->empty()) << "the demo has leads being worked";
    int64_t cents = 100000;
    // Another campaign touches the first deal before it is won: linear
    // attribution splits its revenue, last touch credits that campaign.
    std::string other;
    for (const Campaign& c : svc.campaigns->list()) {
      if (c.key != deals->front().source_campaign) other = c.key;
    }
    ASSERT_FALSE(other.empty());
    TouchInput nudge;
    nudge.touch.lead_id = deals->front().id;
    nudge.touch.campaign = other;
    nudge.touch.outcome = "connected";
    ASSERT_TRUE(svc.intake->log_touch(nudge, "test").ok());
    for (const Lead& d : *deals) {
      if (d.stage == Stage::kAccepted) {
        TransitionInput work;
        work.to = Stage::kWorking;
        ASSERT_TRUE(svc.lifecycle->transition(d.id, work, "test").ok());
      }
      if (d.stage != Stage::kOpportunity) {
        TransitionInput opp;
        opp.to = Stage::kOpportunity;
        opp.amount_cents = cents * 2;
        opp.expected_close = svc.clock.now() + 30 * kMillisPerDay;
        auto moved = svc.lifecycle->transition(d.id, opp, "test");
        ASSERT_TRUE(moved.ok()) << moved.status().to_string();
      }
      TransitionInput won;
      won.to = Stage::kWon;
      won.revenue_cents = cents += 12345;
      auto closed = svc.lifecycle->transition(d.id, won, "test");
      ASSERT_TRUE(closed.ok()) << closed.status().to_string();
    }
    // Sales follows up: twelve waiting leads go to a rep through the real
    // dispatch desk (with their SLA clocks), the rep answers some of them
    // hours apart, and the follow-up service breaches the rest.
    ASSERT_TRUE(svc.store->put_team({"floor", "Floor", "", "mgr-floor"}).ok());
    Rep rep;
    rep.key = "r1";
    rep.name = "R1";
    rep.team = "floor";
    rep.capacity = 0;
    ASSERT_TRUE(svc.store->put_rep(rep).ok());
    Router router(*svc.store, *svc.campaigns, *svc.active_definition);
    ASSERT_TRUE(router.open().ok());
    Dispatch dispatch(*svc.store, svc.clock, *svc.intake, router);
    FollowUp follow_up(*svc.store, svc.clock, *svc.intake, router, *svc.active_definition);
    LeadFilter pool;
    pool.stages = {Stage::kQualified, Stage::kCaptured};
    pool.limit = 0;
    auto found = svc.store->list_leads(pool);
    ASSERT_TRUE(found.ok());
    std::vector<Lead> graded;  // with an SLA: hot, warm or cold
    for (const Lead& l : *found) {
      if (graded.size() < 12 && (l.grade == Grade::kHot || l.grade == Grade::kWarm || l.grade == Grade::kCold)) {
        graded.push_back(l);
      }
    }
    auto* waiting = &graded;
    ASSERT_GE(waiting->size(), 6u) << "the demo has graded leads waiting for sales";
    AssignRequest req;
    for (const Lead& l : *waiting) req.lead_ids.push_back(l.id);
    req.rep = "r1";
    auto given = dispatch.assign(req, "user:olivia");
    ASSERT_TRUE(given.ok()) << given.status().to_string();
    for (size_t i = 0; i < waiting->size(); ++i) {
      svc.clock.advance(kMillisPerHour);
      if (i % 3 == 0) continue;  // left waiting: these breach
      TransitionInput accept;
      accept.to = Stage::kAccepted;
      auto accepted = svc.lifecycle->transition((*waiting)[i].id, accept, "rep:r1");
      ASSERT_TRUE(accepted.ok()) << accepted.status().to_string();
    }
    svc.clock.advance(3 * kMillisPerDay);
    auto fired = follow_up.run_due();
    ASSERT_TRUE(fired.ok()) << fired.status().to_string();
    Reports reports(live, *svc.campaigns);
    EXPECT_GT(reports.leaks({}).exits, 0) << "the demo has exits";
    int64_t revenue = 0;
    for (const CampaignResult& r : reports.campaigns({})) revenue += r.revenue_cents;
    EXPECT_GT(revenue, 0);
    // The demo's data exercises the time reports, so the twins compare
    // figures, not empty lists.
    auto speed = reports.speed_to_lead({});
    ASSERT_EQ(speed.size(), 1u);
    EXPECT_GT(speed[0].assigned, 0);
    EXPECT_GT(speed[0].responded, 0);
    EXPECT_GT(speed[0].response.median_ms, 0);
    EXPECT_GT(speed[0].breached, 0);
    EXPECT_GT(reports.stalled({}, svc.clock.now() - 7 * kMillisPerDay).total, 0);
    // Won revenue is credited in full by each model, across campaigns
    // that touched the deals after their capture too.
    auto credited = reports.attribution({});
    int64_t first = 0, last = 0;
    double linear = 0;
    for (const Attribution& a : credited) {
      first += a.first_cents;
      last += a.last_cents;
      linear += a.linear_cents;
    }
    EXPECT_EQ(first, revenue);
    EXPECT_EQ(last, revenue);
    EXPECT_NEAR(linear, static_cast<double>(revenue), 0.5);
    auto nudged = std::find_if(credited.begin(), credited.end(), [&](const Attribution& a) { return a.campaign == other; });
    ASSERT_NE(nudged, credited.end()) << other << " touched a won deal";
    EXPECT_GT(nudged->linear_cents, 0);
    EXPECT_GT(nudged->last_cents, 0);
    int64_t touches = 0, answers = 0;
    for (const CampaignResult& r : reports.campaigns({})) {
      touches += r.touches;
      answers += r.data_points;
    }
    EXPECT_GT(touches, 0);
    EXPECT_GT(answers, 0) << "the demo's calls answer call-guide questions";
    auto pipeline = reports.forecast({});
    ASSERT_EQ(pipeline.size(), 1u);
    EXPECT_GT(pipeline[0].won, 0);
    auto times = reports.stage_times({});
    ASSERT_EQ(times.size(), 1u);
    EXPECT_GT(times[0].steps[0].second.count, 0);
    expect_twins_agree(reports, path, "live", svc.clock.now());

    // An erased lead keeps its place in the counts.
    auto some = svc.store->list_leads(LeadFilter{});
    ASSERT_TRUE(some.ok());
    auto person = std::find_if(some->begin(), some->end(), [](const Lead& l) { return !l.email.empty(); });
    ASSERT_NE(person, some->end());
    Privacy privacy(*svc.store, svc.clock, *svc.intake);
    auto erased = privacy.erase(person->email, "test", "request");
    ASSERT_TRUE(erased.ok()) << erased.status().to_string();
    expect_twins_agree(reports, path, "live after an erasure", svc.clock.now());
    // What the live projection kept as leads changed (bucket counts,
    // counters per owner and region, the won deals and their touches)
    // equals what a load of the same file computes at once.
    LeadProjection fresh(*svc.store);
    ASSERT_TRUE(fresh.load().ok());
    EXPECT_EQ(kept_summary(live), kept_summary(fresh));
    EXPECT_GT(live.won_deals().size(), 0u);
  }
  // Loaded: a fresh projection of the same file says the same.
  TestServices svc(path);
  LeadProjection loaded(*svc.store);
  ASSERT_TRUE(loaded.load().ok());
  Reports reports(loaded, *svc.campaigns);
  expect_twins_agree(reports, path, "loaded", svc.clock.now());
}

INSTANTIATE_TEST_SUITE_P(SeedsAndSizes, MeasureTwins,
                         ::testing::Values(std::pair<uint64_t, int>{3, 300}, std::pair<uint64_t, int>{11, 900}));

// Snapshots of the projection (measure/snapshot.cc): a round trip equals a
// full load; commits after the snapshot (a second run's) are applied from
// the log; a corrupt, truncated, foreign or outdated snapshot is never
// used: the projection loads in full and says why. Every way agrees with
// the SQL twins.
TEST(MeasureSnapshot, ARoundTripEqualsAFullLoadAndOnlyAMatchingSnapshotIsUsed) {
  if (testing::on_postgres()) GTEST_SKIP() << "the SQL twin and the snapshot read the SQLite file";
  TempDir dir;
  const std::string path = dir.file("s.db"), snapshot = dir.file("s.db.projection");
  TestServices svc(path);
  DemoOptions opt;
  opt.seed = 7;
  opt.leads = 400;
  opt.start = *parse_date("2026-01-05");
  auto demo = generate_demo({*svc.store, *svc.campaigns, *svc.intake, svc.definitions.get(), svc.lifecycle.get()},
                            svc.clock, opt);
  ASSERT_TRUE(demo.ok()) << demo.status().to_string();
  auto from_snapshot = [&](LeadProjection& p) {
    std::string how;
    EXPECT_TRUE(p.load(snapshot, &how).ok());
    return how;
  };
  {
    LeadProjection full(*svc.store);
    ASSERT_TRUE(full.load().ok());
    ASSERT_TRUE(full.save_snapshot(snapshot).ok());
    EXPECT_FALSE(std::filesystem::exists(snapshot + ".tmp"));
    LeadProjection again(*svc.store);
    const std::string how = from_snapshot(again);
    EXPECT_EQ(how.rfind("from the snapshot", 0), 0u) << how;
    EXPECT_NE(how.find("then 0 events"), std::string::npos) << how;
    EXPECT_EQ(kept_summary(again), kept_summary(full));
    EXPECT_EQ(again.memory_bytes() > 0, true);
    expect_twins_agree(Reports(again, *svc.campaigns), path, "from a snapshot", svc.clock.now());
  }
  // A second run commits more: new leads, a touch, a deal won.
  std::vector<Result<Lead>> more;
  const std::string campaign = svc.campaigns->list().front().key;
  for (int i = 0; i < 5; ++i) more.emplace_back(testing::make_lead("after" + std::to_string(i) + "@example.com", campaign));
  auto captured = svc.intake->capture(std::move(more), {"tester", "test", false});
  ASSERT_TRUE(captured.ok()) << captured.status().to_string();
  LeadFilter open;
  open.stages = {Stage::kOpportunity};
  open.limit = 1;
  auto deal = svc.store->list_leads(open);
  ASSERT_TRUE(deal.ok());
  if (!deal->empty()) {
    TouchInput touch;
    touch.touch.lead_id = deal->front().id;
    touch.touch.campaign = campaign;
    touch.touch.outcome = "connected";
    ASSERT_TRUE(svc.intake->log_touch(touch, "test").ok());
    TransitionInput won;
    won.to = Stage::kWon;
    won.revenue_cents = 123456;
    ASSERT_TRUE(svc.lifecycle->transition(deal->front().id, won, "test").ok());
  }
  {
    LeadProjection later(*svc.store);
    const std::string how = from_snapshot(later);
    EXPECT_EQ(how.rfind("from the snapshot", 0), 0u) << how;
    EXPECT_EQ(how.find("then 0 events"), std::string::npos) << how << ": the log after it was applied";
    LeadProjection full(*svc.store);
    ASSERT_TRUE(full.load().ok());
    EXPECT_EQ(kept_summary(later), kept_summary(full));
    EXPECT_EQ(later.read([](const LeadProjection& p) { return p.leads().id.size(); }),
              full.read([](const LeadProjection& p) { return p.leads().id.size(); }));
    expect_twins_agree(Reports(later, *svc.campaigns), path, "from a snapshot and the log after it", svc.clock.now());
  }
  const auto bytes = std::filesystem::file_size(snapshot);
  auto expect_full_load = [&](const std::string& when, const std::string& reason) {
    LeadProjection p(*svc.store);
    const std::string how = from_snapshot(p);
    EXPECT_EQ(how.rfind("in full", 0), 0u) << when << ": " << how;
    EXPECT_NE(how.find(reason), std::string::npos) << when << ": " << how;
    expect_twins_agree(Reports(p, *svc.campaigns), path, when, svc.clock.now());
  };
  {  // One byte changed in the middle of the body.
    std::fstream f(snapshot, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(bytes / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(bytes / 2));
    c = static_cast<char>(c ^ 0x5a);
    f.write(&c, 1);
  }
  expect_full_load("a corrupt snapshot", "checksum");
  std::filesystem::resize_file(snapshot, bytes - 100);
  expect_full_load("a truncated snapshot", "truncated");
  std::filesystem::remove(snapshot);
  expect_full_load("no snapshot", "no snapshot");
  // Another database's snapshot: this one has more leads than the other.
  {
    LeadProjection big(*svc.store);
    ASSERT_TRUE(big.load().ok());
    ASSERT_TRUE(big.save_snapshot(snapshot).ok());
  }
  {
    TestServices other(dir.file("other2.db"));
    LeadProjection p(*other.store);
    std::string how;
    ASSERT_TRUE(p.load(snapshot, &how).ok());
    EXPECT_EQ(how.rfind("in full", 0), 0u) << how;
    EXPECT_NE(how.find("behind the snapshot"), std::string::npos) << how;
    EXPECT_EQ(p.read([](const LeadProjection& q) { return q.leads().id.size(); }), 0u);
  }
}

// Two life stories counted by hand, on the lifecycle's own services:
//  - a lead that re-enters the funnel: given to e1 at capture, unanswered,
//    breached and sent back to the queue (exit sla_breach), given to e2 an
//    hour later, accepted by e2;
//  - a reopened opportunity: accepted, worked, an opportunity, lost, then
//    recycled, accepted again, a new opportunity, and won.
// Each counts once per step it reached (at the first time it reached it);
// each exit counts where it happened; the pipeline has the current amount;
// and the SQL twins agree on every report.
TEST(Measure, ALeadReenteringTheFunnelAndAReopenedOpportunityCountOnceAndLeakEachTime) {
  if (testing::on_postgres()) GTEST_SKIP() << "the SQL twin and the snapshot read the SQLite file";
  TempDir dir;
  testing::LifecycleServices svc(dir.file("lives.db"));
  LeadProjection live(*svc.store);
  ASSERT_TRUE(live.load().ok());
  Reports reports(live, *svc.campaigns);
  auto move = [&](int64_t id, Stage to, const std::string& actor, TransitionInput in = {}) {
    in.to = to;
    auto moved = svc.lifecycle->transition(id, in, actor);
    ASSERT_TRUE(moved.ok()) << stage_name(to) << ": " << moved.status().to_string();
  };

  // The re-entering lead: nobody else in emea can take it when e1 is late.
  svc.put_rep("e2", "emea", 50, /*away=*/true);
  svc.put_rep("e3", "emea", 50, /*away=*/true);
  const Lead again = svc.hot("again@example.com");
  ASSERT_EQ(again.owner, "e1");
  ASSERT_EQ(again.stage, Stage::kAssigned);
  svc.clock.advance(6 * kMillisPerHour);
  auto ran = svc.follow_up->run_due();
  ASSERT_TRUE(ran.ok());
  ASSERT_EQ(ran->requeued, 1);
  ASSERT_EQ(svc.get(again.id).stage, Stage::kQualified);
  svc.clock.advance(kMillisPerHour);
  svc.put_rep("e2", "emea", 50, /*away=*/false);
  AssignRequest to_e2;
  to_e2.lead_ids = {again.id};
  to_e2.rep = "e2";
  auto given = svc.dispatch->assign(to_e2, "user:mgr-emea");
  ASSERT_TRUE(given.ok() && given->front().error.ok());
  svc.clock.advance(2 * kMillisPerHour);
  move(again.id, Stage::kAccepted, "rep:e2");  // 9 h after its capture

  // The reopened opportunity.
  const Lead deal = svc.hot("deal@example.com");
  const TimePoint c = svc.clock.now();
  svc.clock.advance(kMillisPerHour);
  move(deal.id, Stage::kAccepted, "rep:e1");  // c + 1h
  svc.clock.advance(kMillisPerHour);
  move(deal.id, Stage::kWorking, "rep:e1");  // c + 2h
  svc.clock.advance(kMillisPerHour);
  TransitionInput first_offer;
  first_offer.amount_cents = 500000;
  first_offer.expected_close = c + 30 * kMillisPerDay;
  move(deal.id, Stage::kOpportunity, "rep:e1", first_offer);  // c + 3h
  svc.clock.advance(kMillisPerDay);
  TransitionInput lost;
  lost.reason = "no_budget";
  move(deal.id, Stage::kLost, "rep:e1", lost);
  {
    auto pipeline = reports.forecast({});
    ASSERT_EQ(pipeline.size(), 1u);
    EXPECT_EQ(pipeline[0].opportunities, 0);
    EXPECT_EQ(pipeline[0].lost, 1);
  }
  svc.clock.advance(kMillisPerDay);
  move(deal.id, Stage::kRecycled, "user:maria");
  svc.clock.advance(kMillisPerDay);
  move(deal.id, Stage::kAccepted, "rep:e1");
  move(deal.id, Stage::kWorking, "rep:e1");
  svc.clock.advance(kMillisPerDay);
  TransitionInput second_offer;
  second_offer.amount_cents = 800000;
  second_offer.expected_close = c + 40 * kMillisPerDay;
  move(deal.id, Stage::kOpportunity, "rep:e1", second_offer);
  {
    auto pipeline = reports.forecast({});
    ASSERT_EQ(pipeline.size(), 1u);
    EXPECT_EQ(pipeline[0].opportunities, 1) << "reopened, it is in the pipeline again";
    EXPECT_EQ(pipeline[0].amount_cents, 800000) << "at its new amount";
    EXPECT_EQ(pipeline[0].lost, 0) << "and no longer counted lost";
    ASSERT_EQ(pipeline[0].weeks.size(), 1u);
    EXPECT_EQ(pipeline[0].weeks[0].week, format_date(static_cast<Days>(monday_of(c + 40 * kMillisPerDay))));
  }
  svc.clock.advance(60 * kMillisPerDay);  // a step longer than 2^32 ms
  TransitionInput won;
  won.revenue_cents = 900000;
  move(deal.id, Stage::kWon, "rep:e1", won);

  // Funnel: both leads once per step; only the deal went past accepted.
  EXPECT_EQ(funnel_counts(reports, {}), (FunnelCounts{{"", {2, 2, 2, 2, 1, 1, 1}}}));
  // Leaks: one exit each, where it happened; none for the win.
  EXPECT_EQ(leak_counts(reports, {}), (LeakCounts{{"assigned|sla_breach", 1}, {"opportunity|lost:no_budget", 1}}));
  // Stage times from the first time each step was reached: the first
  // assignment counts, not the second; the first opportunity, not the
  // reopened one.
  auto times = reports.stage_times({});
  ASSERT_EQ(times.size(), 1u);
  auto step = [&](Stage s) {
    for (const auto& [stage, d] : times[0].steps) {
      if (stage == s) return d;
    }
    return Durations{};
  };
  EXPECT_EQ(step(Stage::kAccepted), (Durations{2, kMillisPerHour, 9 * kMillisPerHour}));
  EXPECT_EQ(step(Stage::kOpportunity), (Durations{1, kMillisPerHour, kMillisPerHour}));
  EXPECT_EQ(step(Stage::kWon), (Durations{1, 64 * kMillisPerDay, 64 * kMillisPerDay}));
  // Speed to lead: the re-entering lead waited nine hours from capture for
  // its first answer and breached once; the deal was answered in an hour.
  auto speed = reports.speed_to_lead({});
  ASSERT_EQ(speed.size(), 1u);
  EXPECT_EQ(speed[0].assigned, 2);
  EXPECT_EQ(speed[0].responded, 2);
  EXPECT_EQ(speed[0].breached, 1);
  EXPECT_EQ(speed[0].response, (Durations{2, kMillisPerHour, 9 * kMillisPerHour}));
  // The pipeline closed as won; revenue is the won amount, in full to the
  // campaign that brought the deal.
  auto pipeline = reports.forecast({});
  ASSERT_EQ(pipeline.size(), 1u);
  EXPECT_EQ(pipeline[0].won, 1);
  EXPECT_EQ(pipeline[0].lost, 0);
  EXPECT_EQ(pipeline[0].opportunities, 0);
  auto credited = reports.attribution({});
  ASSERT_EQ(credited.size(), 1u);
  EXPECT_EQ(credited[0].first_cents, 900000);
  EXPECT_EQ(credited[0].last_cents, 900000);
  expect_twins_agree(reports, svc.path, "two life stories", svc.clock.now());
}

TEST(Measure, PercentilesAreByNearestRank) {
  std::vector<int64_t> none;
  EXPECT_EQ(durations_of(none), Durations{});
  std::vector<int64_t> one = {7};
  EXPECT_EQ(durations_of(one), (Durations{1, 7, 7}));
  std::vector<int64_t> four = {40, 10, 30, 20};
  EXPECT_EQ(durations_of(four), (Durations{4, 20, 40}));
  std::vector<int64_t> ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(durations_of(ten), (Durations{10, 5, 9}));
  // Large inputs take the histogram path: the same answers as sorting, on
  // spread, skewed (most values 0) and constant values.
  std::mt19937_64 rng(7);
  for (size_t n : {4096u, 5000u, 100001u}) {
    for (int shape = 0; shape < 3; ++shape) {
      std::vector<int64_t> v(n);
      for (auto& x : v) {
        const auto r = static_cast<int64_t>(rng() % 30000000000ULL);
        x = shape == 0 ? r : shape == 1 ? (rng() % 4 ? 0 : r) : 42;
      }
      EXPECT_EQ(durations_of(v), sorted_durations(v)) << n << " values, shape " << shape;
    }
  }
}

// The large scans' percentiles (a sample, then one pass keeping the values
// near the ranks, and another pass when the sample was wrong) equal sorting,
// per slot: spread, skewed, constant, bimodal, sorted, falling, a sample
// unlike the rest, and tiny slots among large ones, in one slice and two.
TEST(Measure, SampledPercentilesAreExact) {
  std::mt19937_64 rng(11);
  const size_t n = 300000;
  for (int shape = 0; shape < 7; ++shape) {
    std::vector<int64_t> values(n);
    std::vector<uint32_t> slot_of(n);
    for (size_t i = 0; i < n; ++i) {
      const auto r = static_cast<int64_t>(rng() % 30000000000ULL);
      switch (shape) {
        case 0: values[i] = r; break;
        case 1: values[i] = rng() % 5 ? 0 : r; break;
        case 2: values[i] = 42; break;
        case 3: values[i] = rng() % 2 ? r % 1000 : 20000000000 + r % 100000; break;
        case 4: values[i] = static_cast<int64_t>(i) * 1000; break;  // sorted
        case 5: values[i] = static_cast<int64_t>(n - i) * 997 + r % 13; break;  // falling
        // The sampled rows (runs of 256 in 8192) unlike the rest: the
        // sample puts the ranks wrong, and the extra pass finds them.
        default: values[i] = i % 8192 < 256 ? r % 1000 : 1000000 + r % 1000000; break;
      }
      // Slot 0 most rows, slot 1 a tenth, slot 2 a handful, slot 3 by value.
      slot_of[i] = i % 10 == 0 ? 1 : i % 50000 == 7 ? 2 : values[i] % 7 == 3 ? 3 : 0;
    }
    std::vector<std::vector<int64_t>> by_slot(4);
    for (size_t i = 0; i < n; ++i) by_slot[slot_of[i]].push_back(values[i]);
    for (int parts : {1, 2}) {
      auto got = scanned_durations(values, slot_of, parts);
      got.resize(4);
      for (size_t s = 0; s < 4; ++s) {
        EXPECT_EQ(got[s], sorted_durations(by_slot[s])) << "shape " << shape << ", slot " << s << ", " << parts
                                                        << " slices";
      }
    }
  }
}

TEST(Measure, SegmentsReadTheProjectionsFieldsOnly) {
  EXPECT_TRUE(compile_segment(R"(industry = "retail" and employees >= 50 and campaign.vendor = "CallPro")").ok());
  EXPECT_TRUE(compile_segment(R"(title matches "VP" and attr.budget = "confirmed" and data.timeframe exists)").ok());
  auto email = compile_segment(R"(email = "a@example.com")");
  ASSERT_FALSE(email.ok());
  EXPECT_EQ(email.status().field(), "segment");
  EXPECT_NE(email.status().message().find("not 'email'"), std::string::npos) << email.status().message();
  auto broken = compile_segment("industry = ");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().field(), "segment");
  EXPECT_NE(broken.status().message().find("column"), std::string::npos) << broken.status().message();
}

// A segment runs over every lead of a report: its cost is bounded
// (limits::kMaxSegmentCost), and the refusal names the limit.
TEST(Measure, ASegmentOverTheCostBoundIsRefused) {
  std::string costly = R"(industry = "retail")";
  for (int i = 0; i < 20; ++i) costly += R"( or title matches "VP)" + std::to_string(i) + R"(")";
  auto refused = compile_segment(costly);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(refused.status().field(), "segment");
  EXPECT_NE(refused.status().message().find("(limit: max_segment_cost)"), std::string::npos)
      << refused.status().message();
  std::string wide = R"(industry = "retail")";
  for (int i = 0; i < 10; ++i) wide += R"( or title matches "VP)" + std::to_string(i) + R"(")";
  EXPECT_TRUE(compile_segment(wide).ok()) << compile_segment(wide).status().to_string();
}

TEST(Measure, TouchDaysKeepEveryDayInOrderAndAMistypedYearApart) {
  TouchDays days;
  for (Days d : {20000, 20005, 19990, 20000, 90000, 1000}) ++days.at(d).touches;
  std::vector<std::pair<Days, int64_t>> seen;
  auto all = [&](Days from, Days to) {
    seen.clear();
    days.each(from, to, [&](Days d, const TouchDay& t) {
      if (t.touches > 0) seen.emplace_back(d, t.touches);
    });
    return seen;
  };
  using Seen = std::vector<std::pair<Days, int64_t>>;
  EXPECT_EQ(all(INT32_MIN, INT32_MAX), (Seen{{1000, 1}, {19990, 1}, {20000, 2}, {20005, 1}, {90000, 1}}));
  EXPECT_EQ(all(19991, 20004), (Seen{{20000, 2}}));
  EXPECT_EQ(all(20006, 89999), Seen{});
  EXPECT_EQ(all(0, 1000), (Seen{{1000, 1}}));
}

TEST(Measure, AFunnelStepCountsLeadsThatWentFurther) {
  EXPECT_EQ(funnel_step(Stage::kCaptured), 0);
  EXPECT_EQ(funnel_step(Stage::kWon), 6);
  EXPECT_EQ(funnel_step(Stage::kRejected), -1);
  EXPECT_EQ(parse_group_by("week"), GroupBy::kCaptureWeek);
  EXPECT_EQ(parse_group_by("month"), GroupBy::kCaptureMonth);
  EXPECT_EQ(parse_group_by("team"), GroupBy::kTeam);
  EXPECT_FALSE(parse_group_by("colour"));
}

}  // namespace
}  // namespace leadloop
