// `leadloop migrate`: creates or upgrades a database's schema (--db), or
// copies a whole database into a new one, of either backend, and checks
// the copy (--from --to; docs/deployment.md, "Moving a database").
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/runtime.h"
#include "measure/report_compare.h"
#include "store/postgres/pg_db.h"
#include "store/sql/sql_store.h"

namespace leadloop::cli {

namespace {

struct MigrateArgs {
  std::string db = kDefaultDb;
  std::string from, to;
};

std::string shown(const std::string& db) { return is_postgres_url(db) ? pg::redact_url(db) : db; }

int run_migrate(const std::string& db) {
  auto store = open_store(db);
  if (!store.ok()) return fail(store.status());
  std::cout << shown(db) << ": schema version " << (*store)->schema_version() << "\n";
  return 0;
}

Result<std::unique_ptr<Store>> open_sql(const std::string& db, const char* which) {
  auto store = open_store(db);
  if (!store.ok()) return store.status();
  if (!dynamic_cast<SqlStore*>(store->get())) {
    return Status(ErrorCode::kInvalidValue,
                  "the " + std::string(which) + " database cannot be copied", which);
  }
  return store;
}

// The copy, then its checks: every table's rows read back from the target
// and digested, then every report of both.
int run_copy(const MigrateArgs& a) {
  if (a.from == a.to)
    return fail(Status(ErrorCode::kInvalidValue, "--from and --to name the same database", "--to"));
  if (!is_postgres_url(a.from) && !std::filesystem::exists(a.from)) {
    return fail(Status(ErrorCode::kNotFound, "no database file '" + a.from + "'", "--from"));
  }
  // Nobody writes either side meanwhile: what a server wrote to the source
  // after the snapshot would be left behind without a word.
  if (Status st = lock_database(a.from, "copy it", "stop the server first"); !st.ok()) return fail(st);
  if (Status st = lock_database(a.to, "migrate into it", "copy into another database"); !st.ok())
    return fail(st);
  SystemClock clock;
  std::vector<TableCopy> copied;
  {
    auto from = open_sql(a.from, "--from");
    if (!from.ok()) return fail(from.status());
    auto to = open_sql(a.to, "--to");
    if (!to.ok()) return fail(to.status());
    if ((*from)->schema_version() != (*to)->schema_version()) {
      return fail(Status(
          ErrorCode::kConflict,
          "schema versions differ after migration: " + std::to_string((*from)->schema_version()) +
              " and " + std::to_string((*to)->schema_version())));
    }
    auto& source = dynamic_cast<SqlStore&>(**from);
    auto& target = dynamic_cast<SqlStore&>(**to);
    ProgressBar bar("copy", clock);
    auto done = source.copy_to(target, [&](const std::string& table, int64_t rows, int64_t total) {
      bar.update(static_cast<size_t>(rows), static_cast<size_t>(total),
                 table + " " + with_commas(rows) + "/" + with_commas(total));
    });
    bar.finish();
    if (!done.ok()) return fail(done.status());
    copied = std::move(done).value();
    auto again = target.digest_tables(copied);
    if (!again.ok()) return fail(again.status());
    std::cout << "copied " << shown(a.from) << " to " << shown(a.to) << " (schema version "
              << target.schema_version() << ")\n";
    std::cout << std::left << std::setw(24) << "table" << std::right << std::setw(14) << "rows"
              << "  check\n";
    int wrong = 0;
    for (size_t i = 0; i < copied.size(); ++i) {
      const TableCopy& c = copied[i];
      const TableCopy& t = (*again)[i];
      const bool same = c.rows == t.rows && c.digest == t.digest;
      if (!same) ++wrong;
      std::cout << std::left << std::setw(24) << c.table << std::right << std::setw(14)
                << with_commas(c.rows) << "  "
                << (same ? "ok" : "DIFFERS: the target holds " + with_commas(t.rows) + " rows")
                << "\n";
    }
    if (wrong > 0) {
      return fail(
          Status(ErrorCode::kInternal, std::to_string(wrong) + " tables differ after the copy"));
    }
  }
  // The reports, each side loaded from its own database as a server would.
  auto source = open_runtime(a.from, clock);
  if (!source.ok()) return fail(source.status());
  auto target = open_runtime(a.to, clock);
  if (!target.ok()) return fail(target.status());
  if (Status st = (*source)->projection.load(); !st.ok()) return fail(st);
  if (Status st = (*target)->projection.load(); !st.ok()) return fail(st);
  ReportComparison c = compare_reports((*source)->reports, (*target)->reports, clock.now());
  if (!c.differ.empty()) {
    std::string names;
    for (const std::string& n : c.differ) names += (names.empty() ? "" : ", ") + n;
    return fail(Status(ErrorCode::kInternal,
                       std::to_string(c.differ.size()) + " of " + std::to_string(c.asked) +
                           " reports differ (was the source written during the copy?): " + names));
  }
  std::cout << "every table's rows agree; " << c.asked << " reports agree\n";
  return 0;
}

}  // namespace

void add_migrate_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<MigrateArgs>();
  auto* m = app.add_subcommand(
      "migrate",
      "Create or upgrade the database schema (--db), or copy a database into a new one "
      "and check the copy (--from --to)");
  auto* db = m->add_option("--db", a->db, "SQLite database file or postgresql:// URL")
                 ->capture_default_str();
  auto* from =
      m->add_option("--from", a->from, "Copy this database (SQLite file or postgresql:// URL)...");
  auto* to =
      m->add_option("--to", a->to, "...into this new, empty one (created and migrated first)");
  from->needs(to);
  to->needs(from);
  from->excludes(db);
  to->excludes(db);
  m->callback([a, exit_code] { *exit_code = a->from.empty() ? run_migrate(a->db) : run_copy(*a); });
}

}  // namespace leadloop::cli
