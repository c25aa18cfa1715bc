// `leadloop report funnel|leaks|campaigns`: the reports of GET /api/v1/reports/...
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
  std::string from, to, by, grade, period = "capture";
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
  return f;
}

std::string percent(int64_t part, int64_t whole) {
  if (whole == 0) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * static_cast<double>(part) / static_cast<double>(whole) << "%";
  return s.str();
}

enum class Which { kFunnel, kLeaks, kCampaigns };

void print_campaigns(const std::vector<CampaignResult>& rows, bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const CampaignResult& r : rows) {
      out.push_back({{"campaign", r.campaign}, {"leads", r.leads}, {"qualified", r.qualified},
                     {"accepted", r.accepted}, {"opportunities", r.opportunities}, {"won", r.won},
                     {"revenue_cents", r.revenue_cents}, {"cost_cents", r.cost_cents}});
    }
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << "campaign\tleads\tqualified\taccepted\topportunities\twon\trevenue\tcost\tcost/qualified\tROI\n";
  for (const CampaignResult& r : rows) {
    auto money = [](int64_t cents) { return format_money(cents); };
    std::cout << r.campaign << "\t" << r.leads << "\t" << r.qualified << "\t" << r.accepted << "\t" << r.opportunities
              << "\t" << r.won << "\t" << money(r.revenue_cents) << "\t" << money(r.cost_cents) << "\t"
              << (r.qualified ? money(r.cost_cents / r.qualified) : "-") << "\t"
              << (r.cost_cents ? percent(r.revenue_cents - r.cost_cents, r.cost_cents) : "-") << "\n";
  }
}

int run_report(const ReportArgs& a, Which which) {
  const bool leaks = which == Which::kLeaks;
  auto f = filter_of(a);
  if (!f.ok()) return fail(f.status());
  auto by = parse_group_by(a.by);
  if (!by) return fail(Status(ErrorCode::kInvalidValue, "by is campaign, channel, vendor, region, owner, grade or week", "--by"));
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  Runtime& r = **rt;
  if (Status st = r.projection.load(); !st.ok()) return fail(st);
  if (which == Which::kCampaigns) {
    print_campaigns(r.reports.campaigns(*f), a.json);
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
  auto* rep = app.add_subcommand("report", "Reports: the funnel and where it leaks (docs/reports.md)");
  rep->require_subcommand(1);
  auto* funnel = rep->add_subcommand("funnel", "Leads reaching each step, with stage-to-stage conversion");
  auto* leaks = rep->add_subcommand("leaks", "Exits from the funnel by the stage left and the reason");
  auto* campaigns = rep->add_subcommand("campaigns", "Campaign evaluation: qualified, won, revenue, cost, ROI");
  for (auto* c : {funnel, leaks, campaigns}) {
    c->add_option("--db", args->db, "SQLite database file")->capture_default_str();
    c->add_option("--from", args->from, "Captured at or after (date or ISO time)");
    c->add_option("--to", args->to, "Captured before (exclusive)");
    c->add_option("--campaign", args->campaigns, "Campaign keys");
    c->add_option("--channel", args->channels, "Channels");
    c->add_option("--vendor", args->vendors, "Vendors");
    c->add_option("--region", args->regions, "Regions");
    c->add_option("--owner", args->owners, "Rep keys");
    c->add_option("--grade", args->grade, "hot, warm, cold or unqualified");
    c->add_flag("--json", args->json, "One JSON document instead of a table");
  }
  funnel->add_option("--by", args->by, "Split by campaign, channel, vendor, region, owner, grade or week");
  leaks->add_option("--period", args->period, "The period applies to the lead's capture or the exit's time")
      ->check(CLI::IsMember({"capture", "event"}))
      ->capture_default_str();
  funnel->callback([args, exit_code] { *exit_code = run_report(*args, Which::kFunnel); });
  leaks->callback([args, exit_code] { *exit_code = run_report(*args, Which::kLeaks); });
  campaigns->callback([args, exit_code] { *exit_code = run_report(*args, Which::kCampaigns); });
}

}  // namespace leadloop::cli
