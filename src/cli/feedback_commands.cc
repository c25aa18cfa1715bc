// `leadloop feedback-link LEAD_ID --rep NAME`: a signed link that lets a rep
// without a login accept or reject one lead (docs/feedback-links.md). It
// only adds a link row, so it runs beside a serving process on the same
// database; both use the key stored in the database.
#include <iostream>

#include "cli/commands.h"
#include "cli/runtime.h"

namespace leadloop::cli {

namespace {

struct FeedbackLinkArgs {
  std::string db = kDefaultDb;
  int64_t lead = 0;
  std::string rep;
  int hours = 168;
};

int run_feedback_link(const FeedbackLinkArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  const std::string actor = "cli:" + std::string(getenv("USER") ? getenv("USER") : "operator");
  auto issued = (*rt)->feedback_links.create(a.lead, a.rep, clock.now() + a.hours * kMillisPerHour, actor);
  if (!issued.ok()) return fail(issued.status());
  // The path alone on the first line: scripts prepend the server's address.
  std::cout << "/feedback/" << issued->token << "\n"
            << "expires " << format_time(issued->link.expires_at) << " (link " << issued->link.id << " for "
            << issued->link.rep << " on lead " << issued->link.lead_id << "; it takes one answer)\n";
  return 0;
}

}  // namespace

void add_feedback_commands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<FeedbackLinkArgs>();
  auto* f = app.add_subcommand("feedback-link",
                               "Make a signed, expiring link for a rep to accept or reject one lead without a login");
  f->add_option("lead", args->lead, "Lead id")->required()->check(CLI::PositiveNumber);
  f->add_option("--rep", args->rep, "Who the link is for (a rep's name or key)")->required();
  f->add_option("--hours", args->hours, "Hours until the link expires")->capture_default_str()->check(
      CLI::Range(1, 2160));
  f->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  f->callback([args, exit_code] { *exit_code = run_feedback_link(*args); });
}

}  // namespace leadloop::cli
