// `leadloop definition check|show|draft|diff|approve|activate|backtest`:
// the lead definition from the command line. Commands that write take the
// database's lock, like import: stop the server first (or use the API).
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "definition/diff.h"

namespace leadloop::cli {

namespace {

struct DefinitionArgs {
  std::string db = kDefaultDb;
  std::string file;
  std::string from;
  std::string to;
  int64_t version = 0;
  int64_t edit = 0;
  std::string as = "operator";
  std::string side;
  std::string hash;
  std::string period_from;
  std::string period_to;
};

void print_issues(const std::string& file, const std::vector<DefinitionIssue>& issues) {
  for (const auto& i : issues) {
    std::cerr << file << ":";
    if (i.line > 0) std::cerr << i.line << ":" << i.column << ":";
    std::cerr << " " << (i.path.empty() ? "" : i.path + ": ") << i.message << "\n";
  }
}

int run_check(const DefinitionArgs& a) {
  auto text = read_file(a.file);
  if (!text.ok()) return fail(text.status());
  ParsedDefinition p = parse_definition(*text);
  if (!p.definition) {
    print_issues(a.file, p.issues);
    std::cerr << p.issues.size() << " problem(s) found\n";
    return 1;
  }
  const Definition& d = *p.definition;
  std::cout << a.file << ": ok: \"" << d.name << "\", hash " << content_hash(d) << "\n";
  return 0;
}

Result<std::unique_ptr<Runtime>> open_for_write(const std::string& db, const char* who, const Clock& clock) {
  LEADLOOP_RETURN_IF_ERROR(lock_database(db, who, "use the running server's /api/v1/definition routes"));
  return open_runtime(db, clock);
}

// A version number, or a file to parse: diff takes either.
Result<std::shared_ptr<const Definition>> load_either(Runtime* rt, const std::string& what) {
  if (!what.empty() && std::all_of(what.begin(), what.end(), ::isdigit)) {
    if (!rt) return Status(ErrorCode::kInvalidValue, "give --db to compare stored versions", "version");
    return rt->definitions.definition(std::stoll(what));
  }
  auto text = read_file(what);
  if (!text.ok()) return text.status();
  ParsedDefinition p = parse_definition(*text);
  if (!p.definition) {
    print_issues(what, p.issues);
    return issues_status(p.issues);
  }
  return p.definition;
}

int run_show(const DefinitionArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto record = a.version ? (*rt)->store->get_definition(a.version) : (*rt)->definitions.active_record();
  if (!record.ok()) return fail(record.status());
  const DefinitionRecord& r = *record;
  std::cout << "version " << r.version << " (" << r.state << "): " << r.name << "\nhash " << r.hash << "\n";
  if (r.activated_at) std::cout << "activated " << format_time(*r.activated_at) << " by " << r.activated_by << "\n";
  auto approvals = (*rt)->store->list_approvals(r.version);
  if (!approvals.ok()) return fail(approvals.status());
  for (const auto& ap : *approvals) {
    if (ap.hash != r.hash || !ap.counts()) {
      std::cout << "voided: " << ap.side << " by " << ap.actor << " " << format_time(ap.at) << " (hash "
                << ap.hash.substr(0, 12) << "; edited " << (ap.voided_at ? format_time(*ap.voided_at) : "") << " by "
                << ap.voided_by << ")\n";
      continue;
    }
    std::cout << "signed for " << ap.side << " by " << ap.actor << " (" << ap.role << ") " << format_time(ap.at) << "\n";
  }
  std::cout << "\n" << r.source << (r.source.ends_with("\n") ? "" : "\n");
  return 0;
}

int run_draft(const DefinitionArgs& a) {
  auto text = read_file(a.file);
  if (!text.ok()) return fail(text.status());
  SystemClock clock;
  auto rt = open_for_write(a.db, "save a definition draft", clock);
  if (!rt.ok()) return fail(rt.status());
  DefinitionRejected rejected;
  auto r = a.edit ? (*rt)->definitions.edit(a.edit, *text, "cli:" + a.as, &rejected)
                  : (*rt)->definitions.create(*text, "cli:" + a.as, &rejected);
  if (!r.ok()) {
    if (!rejected.issues.empty()) {
      print_issues(a.file, rejected.issues);
      return 1;
    }
    return fail(r.status());
  }
  std::cout << "draft version " << r->version << " saved, hash " << r->hash << "\n";
  return 0;
}

int run_diff(const DefinitionArgs& a) {
  SystemClock clock;
  std::unique_ptr<Runtime> rt;
  bool needs_db = std::all_of(a.from.begin(), a.from.end(), ::isdigit) ||
                  std::all_of(a.to.begin(), a.to.end(), ::isdigit);
  if (needs_db) {
    auto opened = open_runtime(a.db, clock);
    if (!opened.ok()) return fail(opened.status());
    rt = std::move(opened).value();
  }
  auto from = load_either(rt.get(), a.from);
  if (!from.ok()) return fail(from.status());
  auto to = load_either(rt.get(), a.to);
  if (!to.ok()) return fail(to.status());
  auto changes = diff_definitions(**from, **to);
  if (changes.empty()) std::cout << "no changes\n";
  for (const auto& c : changes) {
    std::cout << c.section << ": " << c.change;
    if (!c.from.empty()) std::cout << "\n  - " << c.from;
    if (!c.to.empty()) std::cout << "\n  + " << c.to;
    std::cout << "\n";
  }
  return 0;
}

int run_approve(const DefinitionArgs& a) {
  SystemClock clock;
  auto rt = open_for_write(a.db, "approve a definition", clock);
  if (!rt.ok()) return fail(rt.status());
  auto record = (*rt)->store->get_definition(a.version);
  if (!record.ok()) return fail(record.status());
  std::string hash = a.hash.empty() ? record->hash : a.hash;
  std::string role = a.side == "marketing" ? "marketing" : "sales_manager";
  Status st = (*rt)->definitions.approve(a.version, hash, a.side, "cli:" + a.as, role);
  if (!st.ok()) return fail(st);
  std::cout << "version " << a.version << " approved for " << a.side << " by " << a.as << " (hash " << hash << ")\n";
  return 0;
}

int run_activate(const DefinitionArgs& a) {
  SystemClock clock;
  auto rt = open_for_write(a.db, "activate a definition", clock);
  if (!rt.ok()) return fail(rt.status());
  auto r = (*rt)->definitions.activate(a.version, "cli:" + a.as);
  if (!r.ok()) return fail(r.status());
  auto routed = (*rt)->dispatch.route_waiting();
  if (!routed.ok()) return fail(routed.status());
  std::cout << "version " << r->version << " is active: " << r->leads_regraded << " open leads graded, "
            << r->grades_changed << " changed grade, " << *routed << " waiting leads routed\n";
  return 0;
}

Result<Period> parse_period(const DefinitionArgs& a, const Clock& clock) {
  Period p{0, clock.now() + 1};
  if (!a.period_from.empty()) {
    auto t = parse_time(a.period_from);
    if (!t.ok()) return t.status().with_field("--from");
    p.from = *t;
  }
  if (!a.period_to.empty()) {
    auto t = parse_time(a.period_to);
    if (!t.ok()) return t.status().with_field("--to");
    p.to = *t;
  }
  return p;
}

int run_backtest(const DefinitionArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto draft = load_either(rt->get(), a.file);
  if (!draft.ok()) return fail(draft.status());
  auto period = parse_period(a, clock);
  if (!period.ok()) return fail(period.status());
  auto run = (*rt)->review.backtest(**draft, *period, 20);
  if (!run.ok()) return fail(run.status());
  const auto& b = run->result;
  std::cout << "backtest over " << b.leads << " leads (load " << run->load_seconds << " s, evaluate "
            << run->eval_seconds << " s)\n";
  std::cout << "grade        active  draft  | draft: accepted rejected opportunities wins\n";
  for (Grade g : {Grade::kHot, Grade::kWarm, Grade::kCold, Grade::kUnqualified, Grade::kNone}) {
    const auto& x = b.active[static_cast<size_t>(g)];
    const auto& y = b.draft[static_cast<size_t>(g)];
    if (x.leads == 0 && y.leads == 0) continue;
    std::string name = g == Grade::kNone ? "ungraded" : std::string(grade_name(g));
    std::cout << name << std::string(12 - name.size(), ' ') << x.leads << "\t" << y.leads << "\t| " << y.accepted
              << "\t" << y.rejected << "\t" << y.opportunities << "\t" << y.wins << "\n";
  }
  std::cout << b.changed << " leads would change grade\n";
  return 0;
}

}  // namespace

void add_definition_commands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DefinitionArgs>();
  auto* def = app.add_subcommand("definition", "The universal lead definition: check, draft, approve, activate");
  def->require_subcommand(1);

  auto* check = def->add_subcommand("check", "Check a definition file (YAML or JSON); no database needed");
  check->add_option("file", args->file, "Definition file")->required()->check(CLI::ExistingFile);
  check->callback([args, exit_code] { *exit_code = run_check(*args); });

  auto* show = def->add_subcommand("show", "Show the active definition, or --version V");
  show->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  show->add_option("--version", args->version, "A stored version (default: the active one)");
  show->callback([args, exit_code] { *exit_code = run_show(*args); });

  auto* draft = def->add_subcommand("draft", "Save a file as a new draft version (or --edit V)");
  draft->add_option("file", args->file, "Definition file")->required()->check(CLI::ExistingFile);
  draft->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  draft->add_option("--edit", args->edit, "Replace this draft version instead (voids its approvals)");
  draft->add_option("--as", args->as, "Your name, recorded as the author")->capture_default_str();
  draft->callback([args, exit_code] { *exit_code = run_draft(*args); });

  auto* diff = def->add_subcommand("diff", "Rule-by-rule differences; each side a version number or a file");
  diff->add_option("from", args->from, "Version or file")->required();
  diff->add_option("to", args->to, "Version or file")->required();
  diff->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  diff->callback([args, exit_code] { *exit_code = run_diff(*args); });

  auto* approve = def->add_subcommand("approve", "Sign a draft's current content for one side");
  approve->add_option("version", args->version, "Draft version")->required();
  approve->add_option("--side", args->side, "marketing or sales")->required()->check(CLI::IsMember({"marketing", "sales"}));
  approve->add_option("--as", args->as, "Who signs")->required();
  approve->add_option("--hash", args->hash, "The content hash you reviewed (default: the current one)");
  approve->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  approve->callback([args, exit_code] { *exit_code = run_approve(*args); });

  auto* activate = def->add_subcommand("activate", "Activate a draft both sides signed; re-grades open leads");
  activate->add_option("version", args->version, "Draft version")->required();
  activate->add_option("--as", args->as, "Who activates")->capture_default_str();
  activate->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  activate->callback([args, exit_code] { *exit_code = run_activate(*args); });

  auto* backtest = def->add_subcommand("backtest", "What if we had used this definition? (a version or a file)");
  backtest->add_option("definition", args->file, "Version or file")->required();
  backtest->add_option("--from", args->period_from, "Leads captured from (YYYY-MM-DD)");
  backtest->add_option("--to", args->period_to, "Leads captured before (YYYY-MM-DD)");
  backtest->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  backtest->callback([args, exit_code] { *exit_code = run_backtest(*args); });
}

}  // namespace leadloop::cli
