// The `leadloop` subcommands. Each returns a process exit code:
// 0 done, 1 failed (message on stderr), 2 bad usage (CLI11's).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "domain/status.h"

namespace leadloop::cli {

void add_commands(CLI::App& app, int* exit_code);
inline constexpr const char* kDefaultDb = "data/leadloop.db";

// Prints "leadloop: <status>" on stderr; returns the failure exit code, 1.
int fail(const Status& st);
// The whole file, or kIoError naming it.
Result<std::string> read_file(const std::string& path);

// `leadloop definition ...` (definition_commands.cc).
void add_definition_commands(CLI::App& app, int* exit_code);
// `leadloop feedback-link` (feedback_commands.cc).
void add_feedback_commands(CLI::App& app, int* exit_code);
// `leadloop lead move`, `assign`, `queue`, `team`, `rep`, `follow-up`
// (lifecycle_commands.cc).
void add_lifecycle_commands(CLI::App& app, int* exit_code);
// `leadloop privacy export|erase`, `leadloop retention` (privacy_commands.cc).
void add_privacy_commands(CLI::App& app, int* exit_code);
// `leadloop audit` (audit_commands.cc).
void add_audit_commands(CLI::App& app, int* exit_code);
// `leadloop user add|list|disable|enable|password` (user_commands.cc).
void add_user_commands(CLI::App& app, int* exit_code);
// `leadloop report funnel|leaks|campaigns` (report_commands.cc).
void add_report_commands(CLI::App& app, int* exit_code);
void add_goal_commands(CLI::App& app, int* exit_code);
// `leadloop migrate [--db | --from --to]` (migrate_command.cc).
void add_migrate_command(CLI::App& app, int* exit_code);

// Takes the database's writer lock for this process's life, or fails
// naming `who` could not run because another process holds it.
// `instead` says how to do it through the running server.
Status lock_database(const std::string& db, const char* who,
                     const char* instead = "send the file to the running server with POST /api/v1/imports");

}  // namespace leadloop::cli
