// The `leadloop` subcommands. Each returns a process exit code:
// 0 done, 1 failed (message on stderr), 2 bad usage (CLI11's).
#pragma once

#include <CLI/CLI.hpp>

namespace leadloop::cli {

void add_commands(CLI::App& app, int* exit_code);

}  // namespace leadloop::cli
