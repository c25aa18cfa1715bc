// `leadloop privacy export|erase` and `leadloop retention`: a person's
// privacy requests on a database file (docs/privacy.md); the server's
// /api/v1/privacy routes do the same over HTTP.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "engine/privacy.h"

namespace leadloop::cli {

namespace {

struct PrivacyArgs {
  std::string db = kDefaultDb;
  std::string as = "cli";
  std::string email, phone, reason = "subject request";
  int closed_days = 0;
};

Result<std::string> subject(const PrivacyArgs& a) {
  if (a.email.empty() == a.phone.empty()) {
    return Status(ErrorCode::kMissingField, "say who: --email or --phone (one of them)", "--email");
  }
  return a.email.empty() ? a.phone : a.email;
}

int run_export(const PrivacyArgs& a) {
  auto who = subject(a);
  if (!who.ok()) return fail(who.status());
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  Privacy privacy(*(*rt)->store, clock, (*rt)->intake, &(*rt)->router);
  auto out = privacy.subject_access(*who);
  if (!out.ok()) return fail(out.status());
  std::cout << out->dump(2) << "\n";
  return 0;
}

Result<std::unique_ptr<Runtime>> open_for_erasure(const std::string& db, const char* who, const Clock& clock) {
  LEADLOOP_RETURN_IF_ERROR(lock_database(db, who, "use the running server's /api/v1/privacy/erasures route"));
  return open_runtime(db, clock);
}

int run_erase(const PrivacyArgs& a) {
  auto who = subject(a);
  if (!who.ok()) return fail(who.status());
  SystemClock clock;
  auto rt = open_for_erasure(a.db, "erase a person", clock);
  if (!rt.ok()) return fail(rt.status());
  Privacy privacy(*(*rt)->store, clock, (*rt)->intake, &(*rt)->router);
  auto report = privacy.erase(*who, "cli:" + a.as, a.reason);
  if (!report.ok()) return fail(report.status());
  const ErasureCounts& n = report->counts;
  std::cout << "erased " << report->leads.size() << " lead(s):";
  for (int64_t id : report->leads) std::cout << " " << id;
  std::cout << "\n"
            << n.events << " events, " << n.touches << " touches, " << n.messages << " messages, "
            << n.import_errors << " import errors redacted\n";
  return 0;
}

int run_retention(const PrivacyArgs& a) {
  SystemClock clock;
  auto rt = open_for_erasure(a.db, "apply retention", clock);
  if (!rt.ok()) return fail(rt.status());
  Privacy privacy(*(*rt)->store, clock, (*rt)->intake, &(*rt)->router);
  auto n = privacy.erase_closed_before(clock.now() - a.closed_days * kMillisPerDay, "cli:" + a.as);
  if (!n.ok()) return fail(n.status());
  std::cout << "erased " << *n << " closed lead(s) not updated for " << a.closed_days << " days\n";
  return 0;
}

}  // namespace

void add_privacy_commands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PrivacyArgs>();
  auto* p = app.add_subcommand("privacy", "A person's privacy requests: export or erase their data");
  p->require_subcommand(1);
  auto* ex = p->add_subcommand("export", "Print everything held about a person as JSON (subject access)");
  auto* er = p->add_subcommand("erase", "Erase a person's email, phone and name everywhere; counts stay for reports");
  for (auto* c : {ex, er}) {
    c->add_option("--email", args->email, "The person's email");
    c->add_option("--phone", args->phone, "The person's phone, in international form");
    c->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  }
  er->add_option("--as", args->as, "Who asks (recorded in the erased event)")->required();
  er->add_option("--reason", args->reason, "Why (recorded in the erased event)")->capture_default_str();
  ex->callback([args, exit_code] { *exit_code = run_export(*args); });
  er->callback([args, exit_code] { *exit_code = run_erase(*args); });

  auto* r = app.add_subcommand("retention", "Erase closed leads (won, lost, disqualified, opted out) not updated for N days");
  r->add_option("--closed-days", args->closed_days, "Days since a closed lead was last updated")
      ->required()
      ->check(CLI::Range(1, 36500));
  r->add_option("--as", args->as, "Who runs it (recorded in the erased events)")->capture_default_str();
  r->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  r->callback([args, exit_code] { *exit_code = run_retention(*args); });
}

}  // namespace leadloop::cli
