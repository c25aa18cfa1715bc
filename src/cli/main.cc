// leadloop: the closed-loop lead management engine.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/simulate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"Leadloop: closed-loop lead management (capture, qualify, route, track, measure)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  int exit_code = 0;
  leadloop::cli::add_commands(app, &exit_code);
  leadloop::cli::add_simulate_command(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version print and end well; every other parse error is bad
    // usage, exit code 2 (CLI11's own codes run from 100 up).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
