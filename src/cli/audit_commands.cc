// `leadloop audit`: reads the audit log (docs/security.md). Read-only, so it
// runs beside a serving process on the same database.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "store/open_store.h"

namespace leadloop::cli {

namespace {

struct AuditArgs {
  std::string db = kDefaultDb;
  std::string actor;
  std::string record;
  std::string action;
  std::string since;
  int limit = 100;
  bool json = false;
};

void print_entry(const AuditEntry& e, bool json) {
  if (json) {
    nlohmann::json j = {{"id", e.id},         {"at", format_time(e.at)}, {"actor", e.actor},
                        {"role", e.role},     {"action", e.action},      {"record", e.record},
                        {"status", e.status}, {"remote", e.remote},
                        {"detail", nlohmann::json::parse(e.detail, nullptr, false)}};
    if (j["detail"].is_discarded()) j["detail"] = nlohmann::json::object();
    std::cout << j.dump() << "\n";  // one entry per line
    return;
  }
  auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  std::cout << e.id << "\t" << format_time(e.at) << "\t" << e.actor << "\t" << dash(e.role) << "\t" << e.action
            << "\t" << dash(e.record) << "\t" << e.status << "\t" << dash(e.remote) << "\n";
}

int run_audit(const AuditArgs& a) {
  AuditFilter f;
  f.actor = a.actor;
  f.record = a.record;
  f.action = a.action;
  if (!a.since.empty()) {
    auto t = parse_time(a.since);
    if (!t.ok()) return fail(t.status().with_field("--since"));
    f.from = *t;
  }
  if (!is_postgres_url(a.db) && !std::filesystem::exists(a.db)) return fail(Status(ErrorCode::kNotFound, "no database '" + a.db + "'", "--db"));
  auto store = open_store(a.db);
  if (!store.ok()) return fail(store.status());
  if (!a.json) std::cout << "id\tat\tactor\trole\taction\trecord\tstatus\tremote\n";
  // Pages through the log so that --limit 0 (everything) stays in bounded memory.
  int left = a.limit;
  while (true) {
    f.limit = left > 0 ? std::min(left, 1000) : 1000;
    auto page = (*store)->list_audit(f);
    if (!page.ok()) return fail(page.status());
    for (const AuditEntry& e : *page) print_entry(e, a.json);
    if (static_cast<int>(page->size()) < f.limit) break;
    f.after_id = page->back().id;
    if (left > 0 && (left -= f.limit) == 0) break;
  }
  return 0;
}

}  // namespace

void add_audit_commands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<AuditArgs>();
  auto* c = app.add_subcommand("audit", "Show the audit log: who wrote, exported or read personal data, oldest first");
  c->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  c->add_option("--actor", args->actor, "Only this actor (e.g. token:3:crm)");
  c->add_option("--record", args->record, "Only this record (e.g. lead:42, campaign:web-1)");
  c->add_option("--action", args->action, "Only actions starting with this (e.g. 'POST', 'GET /api/v1/exports')");
  c->add_option("--since", args->since, "Only entries at or after this time (ISO 8601)");
  c->add_option("--limit", args->limit, "At most this many entries (0: all)")->capture_default_str()->check(
      CLI::NonNegativeNumber);
  c->add_flag("--json", args->json, "One JSON object per line");
  c->callback([args, exit_code] { *exit_code = run_audit(*args); });
}

}  // namespace leadloop::cli
