// `leadloop lead move`, `leadloop assign`, `leadloop queue`, `leadloop team`,
// `leadloop rep` and `leadloop follow-up`: the lifecycle on a database file,
// for scripts and operators (the server's routes do the same over HTTP).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/runtime.h"

namespace leadloop::cli {

namespace {

struct LifecycleArgs {
  std::string db = kDefaultDb;
  std::string as = "cli";
  int64_t lead = 0;
  std::vector<int64_t> leads;
  std::string to, reason, note, on_behalf_of, rep, campaign;
  double amount = -1, revenue = -1;
  std::string expected_close;
  std::string key, name, email, team, region, manager;
  int capacity = -1;
  std::string away, active;  // "yes"/"no" when given
};

Result<std::unique_ptr<Runtime>> open_for_write(const std::string& db, const char* who, const Clock& clock) {
  LEADLOOP_RETURN_IF_ERROR(lock_database(db, who, "use the running server's lifecycle routes (docs/lifecycle.md)"));
  return open_runtime(db, clock);
}

void print_lead(const Lead& l) {
  std::cout << "lead " << l.id << ": " << stage_name(l.stage);
  if (!l.owner.empty()) std::cout << ", owner " << l.owner;
  if (l.grade != Grade::kNone) std::cout << ", " << grade_name(l.grade);
  if (l.sla_due_at) std::cout << ", follow up by " << format_time(*l.sla_due_at);
  std::cout << "\n";
}

int run_move(const LifecycleArgs& a) {
  auto to = parse_stage(a.to);
  if (!to) return fail(Status(ErrorCode::kInvalidValue, "unknown stage '" + a.to + "'", "--to"));
  TransitionInput in;
  in.to = *to;
  in.reason = a.reason;
  in.note = a.note;
  in.on_behalf_of = a.on_behalf_of;
  if (a.amount >= 0) in.amount_cents = static_cast<int64_t>(a.amount * 100 + 0.5);
  if (a.revenue >= 0) in.revenue_cents = static_cast<int64_t>(a.revenue * 100 + 0.5);
  if (!a.expected_close.empty()) {
    auto t = parse_time(a.expected_close);
    if (!t.ok()) return fail(t.status().with_field("--expected-close"));
    in.expected_close = *t;
  }
  SystemClock clock;
  auto rt = open_for_write(a.db, "move a lead", clock);
  if (!rt.ok()) return fail(rt.status());
  auto lead = (*rt)->lifecycle.transition(a.lead, in, "cli:" + a.as);
  if (!lead.ok()) return fail(lead.status());
  print_lead(*lead);
  return 0;
}

int run_assign(const LifecycleArgs& a) {
  SystemClock clock;
  auto rt = open_for_write(a.db, "assign leads", clock);
  if (!rt.ok()) return fail(rt.status());
  auto out = (*rt)->dispatch.assign({a.leads, a.rep, a.reason}, "cli:" + a.as);
  if (!out.ok()) return fail(out.status());
  int refused = 0;
  for (const auto& o : *out) {
    if (o.error.ok()) {
      std::cout << "lead " << o.lead_id << " -> " << o.owner << "\n";
    } else {
      ++refused;
      std::cerr << "lead " << o.lead_id << ": " << o.error.message() << "\n";
    }
  }
  return refused ? 1 : 0;
}

int run_queue(const LifecycleArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto leads = (*rt)->dispatch.queue(a.campaign, 0, 0);
  if (!leads.ok()) return fail(leads.status());
  for (const Lead& l : *leads) {
    std::cout << l.id << "\t" << l.source_campaign << "\t" << grade_name(l.grade) << "\t" << l.company << "\t"
              << format_time(l.created_at) << "\n";
  }
  std::cerr << leads->size() << " leads wait for an owner\n";
  return 0;
}

int run_team_add(const LifecycleArgs& a) {
  SystemClock clock;
  auto rt = open_for_write(a.db, "add a team", clock);
  if (!rt.ok()) return fail(rt.status());
  Team t{a.key, a.name.empty() ? a.key : a.name, a.region, a.manager};
  if (Status st = (*rt)->store->put_team(t); !st.ok()) return fail(st);
  std::cout << "team " << t.key << " (" << t.region << ")\n";
  return 0;
}

Result<bool> yes_no(const std::string& v, const char* option) {
  if (v == "yes" || v == "true") return true;
  if (v == "no" || v == "false") return false;
  return Status(ErrorCode::kInvalidValue, "say yes or no", option);
}

int run_rep_set(const LifecycleArgs& a, bool create) {
  SystemClock clock;
  auto rt = open_for_write(a.db, create ? "add a rep" : "change a rep", clock);
  if (!rt.ok()) return fail(rt.status());
  Runtime& r = **rt;
  auto existing = r.router.find_rep(a.key);
  if (create && existing) return fail(Status(ErrorCode::kConflict, "rep '" + a.key + "' exists; use rep set", "key"));
  if (!create && !existing) return fail(Status(ErrorCode::kNotFound, "no rep '" + a.key + "'", "key"));
  Rep rep = existing ? *existing : Rep{};
  rep.key = a.key;
  if (!a.name.empty()) rep.name = a.name;
  if (rep.name.empty()) rep.name = a.key;
  if (!a.email.empty()) rep.email = a.email;
  if (!a.team.empty()) {
    auto team = r.router.find_team(a.team);
    if (!team) return fail(Status(ErrorCode::kInvalidValue, "no team '" + a.team + "'; add it with team add", "--team"));
    rep.team = a.team;
    if (a.region.empty()) rep.region = team->region;
  }
  if (!a.region.empty()) rep.region = a.region;
  if (a.capacity >= 0) rep.capacity = a.capacity;
  if (!a.away.empty()) {
    auto v = yes_no(a.away, "--away");
    if (!v.ok()) return fail(v.status());
    rep.away = *v;
  }
  if (!a.active.empty()) {
    auto v = yes_no(a.active, "--active");
    if (!v.ok()) return fail(v.status());
    rep.active = *v;
  }
  if (Status st = r.store->put_rep(rep); !st.ok()) return fail(st);
  std::cout << "rep " << rep.key << " in team " << (rep.team.empty() ? "-" : rep.team) << ", capacity " << rep.capacity
            << (rep.away ? ", away" : "") << (rep.active ? "" : ", inactive") << "\n";
  return 0;
}

int run_rep_list(const LifecycleArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  std::cout << "rep\tteam\topen/capacity\tstatus\n";
  for (const Rep& rep : (*rt)->router.reps()) {
    std::cout << rep.key << "\t" << rep.team << "\t" << (*rt)->router.open_leads(rep.key) << "/" << rep.capacity << "\t"
              << (!rep.active ? "inactive" : rep.away ? "away" : "available") << "\n";
  }
  return 0;
}

int run_follow_up(const LifecycleArgs& a) {
  SystemClock clock;
  auto rt = open_for_write(a.db, "fire follow-up timers", clock);
  if (!rt.ok()) return fail(rt.status());
  auto run = (*rt)->follow_up.run_due();
  if (!run.ok()) return fail(run.status());
  std::cout << run->breached << " SLA breaches escalated, " << run->reassigned << " leads reassigned, "
            << run->requeued << " back in the queue, " << run->decayed << " warm leads decayed\n";
  return 0;
}

}  // namespace

void add_lifecycle_commands(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<LifecycleArgs>();
  auto db = [a](CLI::App* c) { c->add_option("--db", a->db, "SQLite database file or postgresql:// URL")->capture_default_str(); };

  auto* lead = app.add_subcommand("lead", "Work on one lead");
  lead->require_subcommand(1);
  auto* move = lead->add_subcommand("move", "Move a lead to another stage (docs/lifecycle.md)");
  move->add_option("id", a->lead, "Lead id")->required();
  move->add_option("--to", a->to, "Stage: accepted, rejected, working, opportunity, won, lost, ...")->required();
  move->add_option("--reason", a->reason, "Reason code (required for rejected and lost)");
  move->add_option("--note", a->note, "A note for the timeline");
  move->add_option("--amount", a->amount, "Opportunity amount");
  move->add_option("--expected-close", a->expected_close, "Opportunity's expected close date (YYYY-MM-DD)");
  move->add_option("--revenue", a->revenue, "Won revenue");
  move->add_option("--on-behalf-of", a->on_behalf_of, "The rep this feedback is entered for");
  move->add_option("--as", a->as, "Your name, recorded as the actor")->capture_default_str();
  db(move);
  move->callback([a, exit_code] { *exit_code = run_move(*a); });

  auto* assign = app.add_subcommand("assign", "Give leads to a rep (or let the routing rules choose)");
  assign->add_option("ids", a->leads, "Lead ids")->required();
  assign->add_option("--rep", a->rep, "Rep key (default: by the routing rules)");
  assign->add_option("--reason", a->reason, "Why (required to take a lead from its owner)");
  assign->add_option("--as", a->as, "Your name, recorded as the actor")->capture_default_str();
  db(assign);
  assign->callback([a, exit_code] { *exit_code = run_assign(*a); });

  auto* queue = app.add_subcommand("queue", "List the leads waiting for an owner");
  queue->add_option("--campaign", a->campaign, "Only this campaign");
  db(queue);
  queue->callback([a, exit_code] { *exit_code = run_queue(*a); });

  auto* team = app.add_subcommand("team", "Sales teams");
  team->require_subcommand(1);
  auto* team_add = team->add_subcommand("add", "Add or change a team");
  team_add->add_option("key", a->key, "Team key")->required();
  team_add->add_option("--name", a->name, "Name");
  team_add->add_option("--region", a->region, "Region it covers (leads of that region go to it)");
  team_add->add_option("--manager", a->manager, "Rep key of its manager (gets SLA breach messages)");
  db(team_add);
  team_add->callback([a, exit_code] { *exit_code = run_team_add(*a); });

  auto* rep = app.add_subcommand("rep", "Sales reps");
  rep->require_subcommand(1);
  for (bool create : {true, false}) {
    auto* c = rep->add_subcommand(create ? "add" : "set", create ? "Add a rep" : "Change a rep (away, capacity, ...)");
    c->add_option("key", a->key, "Rep key")->required();
    c->add_option("--name", a->name, "Name");
    c->add_option("--email", a->email, "Email");
    c->add_option("--team", a->team, "Team key");
    c->add_option("--region", a->region, "Region (default: the team's)");
    c->add_option("--capacity", a->capacity, "Max open leads")->check(CLI::Range(0, 100000));
    c->add_option("--away", a->away, "yes or no");
    c->add_option("--active", a->active, "yes or no");
    db(c);
    c->callback([a, exit_code, create] { *exit_code = run_rep_set(*a, create); });
  }
  auto* list = rep->add_subcommand("list", "Reps with their open leads");
  db(list);
  list->callback([a, exit_code] { *exit_code = run_rep_list(*a); });

  auto* follow = app.add_subcommand("follow-up", "Fire the follow-up timers due now (the server does it every second)");
  db(follow);
  follow->callback([a, exit_code] { *exit_code = run_follow_up(*a); });
}

}  // namespace leadloop::cli
