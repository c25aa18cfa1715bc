// `leadloop simulate` (simulate_command.cc): a synthetic programme through
// the real engine with a virtual clock (demo/simulation.h).
#pragma once

#include <CLI/CLI.hpp>

namespace leadloop::cli {

void add_simulate_command(CLI::App& app, int* exit_code);

}  // namespace leadloop::cli
