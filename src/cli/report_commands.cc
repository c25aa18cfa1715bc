// `leadloop report funnel|stage-times|leaks|speed|stalled|campaigns`: the reports of GET /api/v1/reports/...
// from a database file (docs/reports.md), as a table or JSON. Read-only, so
// it runs beside a serving process.
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/runtime.h"

namespace leadloop::cli {

namespace {

struct ReportArgs {
  std::string db = kDefaultDb;
  std::string from, to, by, grade, segment, period = "capture", start = "capture";
  int64_t days = 7;
  size_t limit = 20;
  std::vector<std::string> campaigns, channels, vendors, regions, owners;
  bool json = false;
};

Result<ReportFilter> filter_of(const ReportArgs& a) {
  ReportFilter f;
  if (!a.from.empty()) {
    auto t = parse_time(a.from);
    if (!t.ok()) return t.status().with_field("--from");
    f.from = *t;
  }
  if (!a.to.empty()) {
    auto t = parse_time(a.to);
    if (!t.ok()) return t.status().with_field("--to");
    f.to = *t;
  }
  f.campaigns = a.campaigns;
  f.channels = a.channels;
  f.vendors = a.vendors;
  f.regions = a.regions;
  f.owners = a.owners;
  if (!a.grade.empty()) {
    auto g = parse_grade(a.grade);
    if (!g) return Status(ErrorCode::kInvalidValue, "grade is hot, warm, cold or unqualified", "--grade");
    f.grade = *g;
  }
  f.exits_by_event_time = a.period == "event";
  if (!a.segment.empty()) {
    auto segment = compile_segment(a.segment);
    if (!segment.ok()) return segment.status().with_field("--segment");
    f.segment = *segment;
  }
  return f;
}

std::string percent(int64_t part, int64_t whole) {
  if (whole == 0) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * static_cast<double>(part) / static_cast<double>(whole) << "%";
  return s.str();
}

enum class Which { kFunnel, kStageTimes, kLeaks, kSpeed, kStalled, kCampaigns, kForecast };

std::string hours(const Durations& d, int64_t ms) {
  if (d.count == 0) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 3600000.0 << " h";
  return s.str();
}

nlohmann::json durations_json(const Durations& d) {
  return {{"count", d.count}, {"median_ms", d.median_ms}, {"p90_ms", d.p90_ms}};
}

std::string group_name(const std::string& g) { return g.empty() ? "(none)" : g; }

void print_campaigns(const std::vector<CampaignResult>& rows, bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const CampaignResult& r : rows) {
      out.push_back({{"campaign", r.campaign}, {"leads", r.leads}, {"qualified", r.qualified},
                     {"accepted", r.accepted}, {"opportunities", r.opportunities}, {"won", r.won},
                     {"revenue_cents", r.revenue_cents}, {"cost_cents", r.cost_cents}, {"touches", r.touches},
                     {"touches_without_lead", r.touches_without_lead}, {"data_points", r.data_points},
                     {"attended", r.attended}});
    }
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << "campaign\tleads\tqualified\taccepted\topportunities\twon\trevenue\tcost\tcost/qualified\tROI"
               "\ttouches\tdata points\tattended\n";
  for (const CampaignResult& r : rows) {
    auto money = [](int64_t cents) { return format_money(cents); };
    std::cout << r.campaign << "\t" << r.leads << "\t" << r.qualified << "\t" << r.accepted << "\t" << r.opportunities
              << "\t" << r.won << "\t" << money(r.revenue_cents) << "\t" << money(r.cost_cents) << "\t"
              << (r.qualified ? money(r.cost_cents / r.qualified) : "-") << "\t"
              << (r.cost_cents ? percent(r.revenue_cents - r.cost_cents, r.cost_cents) : "-") << "\t" << r.touches
              << "\t" << r.data_points << "\t" << r.attended << "\n";
  }
}

int run_report(const ReportArgs& a, Which which) {
  const bool leaks = which == Which::kLeaks;
  auto f = filter_of(a);
  if (!f.ok()) return fail(f.status());
  auto by = parse_group_by(a.by);
  if (!by) return fail(Status(ErrorCode::kInvalidValue, "by is " + std::string(group_by_names()), "--by"));
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  Runtime& r = **rt;
  if (Status st = r.projection.load(); !st.ok()) return fail(st);
  if (which == Which::kCampaigns) {
    print_campaigns(r.reports.campaigns(*f), a.json);
    return 0;
  }
  if (which == Which::kStageTimes) {
    std::vector<StageTimes> groups = r.reports.stage_times(*f, *by);
    nlohmann::json out = nlohmann::json::array();
    for (const StageTimes& t : groups) {
      nlohmann::json steps = nlohmann::json::array();
      if (!a.json) {
        if (*by != GroupBy::kNone) std::cout << "== " << group_name(t.group) << "\n";
        std::cout << "step\tleads\tmedian\tp90\n";
      }
      for (const auto& [stage, d] : t.steps) {
        if (a.json) {
          nlohmann::json s = durations_json(d);
          s["to"] = stage_name(stage);
          steps.push_back(s);
        } else {
          std::cout << stage_name(stage) << "\t" << d.count << "\t" << hours(d, d.median_ms) << "\t" << hours(d, d.p90_ms)
                    << "\n";
        }
      }
      out.push_back({{"group", t.group}, {"steps", steps}});
    }
    if (a.json) std::cout << out.dump() << "\n";
    return 0;
  }
  if (which == Which::kSpeed) {
    auto rows = r.reports.speed_to_lead(*f, *by, a.start == "qualification");
    if (a.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const SpeedToLead& s : rows) {
        out.push_back({{"group", s.group}, {"assigned", s.assigned}, {"responded", s.responded},
                       {"sla_breached", s.breached}, {"response", durations_json(s.response)}});
      }
      std::cout << out.dump() << "\n";
      return 0;
    }
    std::cout << "group\tassigned\tresponded\tmedian\tp90\tSLA breached\n";
    for (const SpeedToLead& s : rows) {
      std::cout << group_name(s.group) << "\t" << s.assigned << "\t" << s.responded << "\t"
                << hours(s.response, s.response.median_ms) << "\t" << hours(s.response, s.response.p90_ms) << "\t"
                << s.breached << " (" << percent(s.breached, s.assigned) << ")\n";
    }
    return 0;
  }
  if (which == Which::kForecast) {
    std::vector<ForecastGroup> groups = r.reports.forecast(*f, *by);
    int64_t won = 0, lost = 0;
    for (const ForecastGroup& g : groups) {
      won += g.won;
      lost += g.lost;
    }
    const double rate = won + lost > 0 ? static_cast<double>(won) / static_cast<double>(won + lost) : 0;
    if (a.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const ForecastGroup& g : groups) {
        nlohmann::json weeks = nlohmann::json::array();
        for (const ForecastWeek& w : g.weeks) {
          weeks.push_back({{"week", w.week}, {"opportunities", w.opportunities}, {"amount_cents", w.amount_cents}});
        }
        out.push_back({{"group", g.group}, {"opportunities", g.opportunities}, {"amount_cents", g.amount_cents},
                       {"won", g.won}, {"lost", g.lost}, {"weeks", weeks}});
      }
      std::cout << out.dump() << "\n";
      return 0;
    }
    std::cout << "group\topen opportunities\tpipeline\twon\tlost\tweighted (overall win rate " << percent(won, won + lost)
              << ")\n";
    for (const ForecastGroup& g : groups) {
      std::cout << group_name(g.group) << "\t" << g.opportunities << "\t" << format_money(g.amount_cents) << "\t" << g.won
                << "\t" << g.lost << "\t"
                << format_money(static_cast<int64_t>(static_cast<double>(g.amount_cents) * rate)) << "\n";
    }
    return 0;
  }
  if (which == Which::kStalled) {
    const TimePoint now = clock.now();
    Stalled st = r.reports.stalled(*f, now - a.days * kMillisPerDay, *by, a.limit);
    if (a.json) {
      nlohmann::json groups = nlohmann::json::array(), leads = nlohmann::json::array();
      for (const StalledGroup& g : st.groups) {
        groups.push_back({{"group", g.group}, {"stage", stage_name(g.stage)}, {"count", g.count},
                          {"oldest_since", format_time(g.oldest_since)}});
      }
      for (const StalledLead& l : st.oldest) {
        leads.push_back({{"id", l.id}, {"stage", stage_name(l.stage)}, {"owner", l.owner}, {"region", l.region},
                         {"since", format_time(l.since)}});
      }
      std::cout << nlohmann::json{{"stalled", st.total}, {"groups", groups}, {"leads", leads}}.dump() << "\n";
      return 0;
    }
    std::cout << "group\tstage\tstalled\toldest since\n";
    for (const StalledGroup& g : st.groups) {
      std::cout << group_name(g.group) << "\t" << stage_name(g.stage) << "\t" << g.count << "\t"
                << format_time(g.oldest_since) << "\n";
    }
    std::cout << "stalled\t\t" << st.total << "\n";
    if (!st.oldest.empty()) std::cout << "\nlead\tstage\towner\tregion\tsince\n";
    for (const StalledLead& l : st.oldest) {
      std::cout << l.id << "\t" << stage_name(l.stage) << "\t" << (l.owner.empty() ? "-" : l.owner) << "\t"
                << l.region << "\t" << format_time(l.since) << "\n";
    }
    return 0;
  }
  if (leaks) {
    Leaks l = r.reports.leaks(*f);
    if (a.json) {
      nlohmann::json rows = nlohmann::json::array();
      for (const Leak& x : l.rows) rows.push_back({{"stage", stage_name(x.from)}, {"reason", x.reason}, {"count", x.count}});
      std::cout << nlohmann::json{{"exits", l.exits}, {"leaks", rows}}.dump() << "\n";
      return 0;
    }
    std::cout << "stage left\treason\tcount\tshare\n";
    for (const Leak& x : l.rows) {
      std::cout << stage_name(x.from) << "\t" << x.reason << "\t" << x.count << "\t" << percent(x.count, l.exits) << "\n";
    }
    std::cout << "exits\t\t" << l.exits << "\n";
    return 0;
  }
  std::vector<Funnel> groups = r.reports.funnel(*f, *by);
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Funnel& fu : groups) {
      nlohmann::json steps = nlohmann::json::array();
      for (const auto& s : fu.steps) steps.push_back({{"stage", stage_name(s.stage)}, {"reached", s.reached}});
      out.push_back({{"group", fu.group}, {"leads", fu.leads}, {"steps", steps}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  for (const Funnel& fu : groups) {
    if (*by != GroupBy::kNone) std::cout << "== " << (fu.group.empty() ? "(none)" : fu.group) << "\n";
    std::cout << "stage\treached\tconversion\n";
    for (size_t i = 0; i < fu.steps.size(); ++i) {
      std::cout << stage_name(fu.steps[i].stage) << "\t" << fu.steps[i].reached << "\t"
                << (i == 0 ? "-" : percent(fu.steps[i].reached, fu.steps[i - 1].reached)) << "\n";
    }
  }
  return 0;
}

}  // namespace

void add_report_commands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReportArgs>();
  auto* rep = app.add_subcommand("report", "Reports: the funnel, where it leaks, speed to lead (docs/reports.md)");
  rep->require_subcommand(1);
  auto* funnel = rep->add_subcommand("funnel", "Leads reaching each step, with stage-to-stage conversion");
  auto* times = rep->add_subcommand("stage-times", "Time from each funnel step to the next: median and p90");
  auto* leaks = rep->add_subcommand("leaks", "Exits from the funnel by the stage left and the reason");
  auto* speed = rep->add_subcommand("speed", "Speed to lead: time to an owner's first answer, SLA breaches");
  auto* stalled = rep->add_subcommand("stalled", "Leads whose open stage has not moved for --days");
  auto* campaigns = rep->add_subcommand("campaigns", "Campaign evaluation: qualified, won, revenue, cost, ROI");
  auto* forecast = rep->add_subcommand("forecast", "Open opportunities weighted by the win rate, by week of close");
  for (auto* c : {funnel, times, leaks, speed, stalled, campaigns, forecast}) {
    c->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
    c->add_option("--from", args->from, "Captured at or after (date or ISO time)");
    c->add_option("--to", args->to, "Captured before (exclusive)");
    c->add_option("--campaign", args->campaigns, "Campaign keys");
    c->add_option("--channel", args->channels, "Channels");
    c->add_option("--vendor", args->vendors, "Vendors");
    c->add_option("--region", args->regions, "Regions");
    c->add_option("--owner", args->owners, "Rep keys");
    c->add_option("--grade", args->grade, "hot, warm, cold or unqualified");
    c->add_option("--segment", args->segment, "A condition on lead fields, e.g. 'industry = \"Retail\" and employees >= 50'");
    c->add_flag("--json", args->json, "One JSON document instead of a table");
  }
  for (auto* c : {funnel, times, speed, stalled, forecast}) {
    c->add_option("--by", args->by, "Split by " + std::string(group_by_names()));
  }
  speed->add_option("--start", args->start, "Count from capture or qualification")
      ->check(CLI::IsMember({"capture", "qualification"}))
      ->capture_default_str();
  stalled->add_option("--days", args->days, "Stalled after this many days")->check(CLI::Range(0, 3650))->capture_default_str();
  stalled->add_option("--limit", args->limit, "Leads listed, the longest stalled first")->capture_default_str();
  leaks->add_option("--period", args->period, "The period applies to the lead's capture or the exit's time")
      ->check(CLI::IsMember({"capture", "event"}))
      ->capture_default_str();
  funnel->callback([args, exit_code] { *exit_code = run_report(*args, Which::kFunnel); });
  leaks->callback([args, exit_code] { *exit_code = run_report(*args, Which::kLeaks); });
  times->callback([args, exit_code] { *exit_code = run_report(*args, Which::kStageTimes); });
  speed->callback([args, exit_code] { *exit_code = run_report(*args, Which::kSpeed); });
  stalled->callback([args, exit_code] { *exit_code = run_report(*args, Which::kStalled); });
  forecast->callback([args, exit_code] { *exit_code = run_report(*args, Which::kForecast); });
  campaigns->callback([args, exit_code] { *exit_code = run_report(*args, Which::kCampaigns); });
}

}  // namespace leadloop::cli
