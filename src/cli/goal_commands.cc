// `leadloop goals`: list the goals with their progress, pace, projection and
// status; `goals add` sets one; `goals approve` records one side's approval
// (docs/goals.md). The same rules as /api/v1/goals.
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/runtime.h"

namespace leadloop::cli {

namespace {

std::string cli_actor() { return "cli:" + std::string(std::getenv("USER") ? std::getenv("USER") : "operator"); }

struct GoalArgs {
  std::string db = kDefaultDb;
  bool json = false;
  // add
  std::string name, metric = "qualified_leads", from, to, campaign, vendor, region, rep, curve;
  double target = 0;
  // approve
  int64_t id = 0;
  std::string side = "client";
};

std::string amount(const Goal& g, double v) {
  std::ostringstream s;
  if (g.metric == GoalMetric::kRevenue) {
    s << format_money(static_cast<int64_t>(std::llround(v)));
  } else {
    s << std::fixed << std::setprecision(v == std::floor(v) ? 0 : 1) << v;
    if (g.metric == GoalMetric::kSpeedToLead) s << " min";
  }
  return s.str();
}

int list_goals(const GoalArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  Runtime& r = **rt;
  if (Status st = r.projection.load(); !st.ok()) return fail(st);
  auto goals = r.goals.list();
  if (!goals.ok()) return fail(goals.status());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const GoalView& v : *goals) {
      const GoalProgress& p = v.progress;
      out.push_back({{"id", v.goal.id},
                     {"name", v.goal.name},
                     {"metric", goal_metric_name(v.goal.metric)},
                     {"target", v.goal.target},
                     {"actual", p.actual},
                     {"expected", p.expected},
                     {"projected", p.projected ? nlohmann::json(*p.projected) : nlohmann::json(nullptr)},
                     {"status", p.status},
                     {"active", goal_active(v.goal)}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "id\tname\tmetric\ttarget\tactual\texpected now\tprojected\tstatus\tperiod\n";
  for (const GoalView& v : *goals) {
    const Goal& g = v.goal;
    const GoalProgress& p = v.progress;
    std::cout << g.id << "\t" << g.name << "\t" << goal_metric_name(g.metric) << "\t"
              << amount(g, static_cast<double>(g.target)) << "\t" << amount(g, static_cast<double>(p.actual)) << "\t"
              << amount(g, std::round(p.expected)) << "\t" << (p.projected ? amount(g, std::round(*p.projected)) : "-")
              << "\t" << p.status << "\t" << format_date(day_of(g.starts_at)) << " .. "
              << format_date(day_of(g.ends_at - 1)) << "\n";
  }
  return 0;
}

int add_goal(const GoalArgs& a) {
  Goal g;
  g.name = a.name;
  auto metric = parse_goal_metric(a.metric);
  if (!metric) return fail(Status(ErrorCode::kInvalidValue, "metric is " + std::string(goal_metric_names()), "--metric"));
  g.metric = *metric;
  const double scaled = g.metric == GoalMetric::kRevenue ? std::round(a.target * 100) : a.target;
  if (scaled != std::floor(scaled)) return fail(Status(ErrorCode::kInvalidValue, "target is a whole number", "--target"));
  g.target = static_cast<int64_t>(scaled);
  for (const auto& [text, field, out] :
       {std::tuple{&a.from, "--from", &g.starts_at}, std::tuple{&a.to, "--to", &g.ends_at}}) {
    auto t = parse_time(*text);
    if (!t.ok()) return fail(t.status().with_field(field));
    *out = *t;
  }
  g.campaign = a.campaign;
  g.vendor = a.vendor;
  g.region = a.region;
  g.rep = a.rep;
  std::stringstream parts(a.curve);
  for (std::string part; std::getline(parts, part, ',');) {
    char* end = nullptr;
    const long v = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v < 0 || v > 100) {
      return fail(Status(ErrorCode::kInvalidValue, "a curve is percentages like 10,30,60,100", "--curve"));
    }
    g.curve.push_back(static_cast<int>(v));
  }
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  if (!g.campaign.empty() && !(*rt)->campaigns.find(g.campaign)) {
    return fail(Status(ErrorCode::kInvalidValue, "no campaign '" + g.campaign + "'", "--campaign"));
  }
  auto made = (*rt)->goals.create(std::move(g), cli_actor());
  if (!made.ok()) return fail(made.status());
  std::cout << "goal " << made->id << " set; it counts once "
            << (made->vendor.empty() ? "the client side approves it" : "the client side and the vendor approve it")
            << " (leadloop goals approve " << made->id << ")\n";
  return 0;
}

int approve_goal(const GoalArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto g = (*rt)->goals.approve(a.id, a.side == "vendor" ? GoalSide::kVendor : GoalSide::kClient, cli_actor());
  if (!g.ok()) return fail(g.status());
  std::cout << "goal " << g->id << " approved by the " << a.side << " side; "
            << (goal_active(*g) ? "it is active" : "it waits for the vendor") << "\n";
  return 0;
}

}  // namespace

void add_goal_commands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<GoalArgs>();
  auto* goals = app.add_subcommand("goals", "Goals: progress, pace, projection and status (docs/goals.md)");
  goals->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  goals->add_flag("--json", args->json, "One JSON document instead of a table");
  auto* add = goals->add_subcommand("add", "Set a goal (it counts once both sides approved it)");
  add->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  add->add_option("--name", args->name, "What the goal is called")->required();
  add->add_option("--metric", args->metric, std::string("What it counts: ") + std::string(goal_metric_names()))
      ->capture_default_str();
  add->add_option("--target", args->target,
                  "The target (an amount for revenue; at most so many minutes for speed_to_lead)")
      ->required();
  add->add_option("--from", args->from, "The period's first day (or ISO time)")->required();
  add->add_option("--to", args->to, "The period's end (exclusive)")->required();
  add->add_option("--campaign", args->campaign, "Only this campaign's leads");
  add->add_option("--vendor", args->vendor, "Only this vendor's leads; the vendor must approve too");
  add->add_option("--region", args->region, "Only this region's leads");
  add->add_option("--rep", args->rep, "Only this rep's leads");
  add->add_option("--curve", args->curve, "Expected cumulative %, by equal slices (e.g. 10,30,60,100); default linear");
  auto* approve = goals->add_subcommand("approve", "Approve a goal for the client side or the vendor");
  approve->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  approve->add_option("id", args->id, "Goal id")->required();
  approve->add_option("--side", args->side, "client or vendor")
      ->check(CLI::IsMember({"client", "vendor"}))
      ->capture_default_str();
  add->callback([args, exit_code] { *exit_code = add_goal(*args); });
  approve->callback([args, exit_code] { *exit_code = approve_goal(*args); });
  goals->callback([args, add, approve, exit_code] {
    if (add->parsed() || approve->parsed()) return;
    *exit_code = list_goals(*args);
  });
}

}  // namespace leadloop::cli
