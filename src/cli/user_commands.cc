// `leadloop user add|list|disable|enable|password`: the people who sign in
// (docs/security.md). Passwords are read from standard input, never from
// the command line (where `ps` and shell history would keep them).
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "access/users.h"
#include "cli/commands.h"
#include "cli/runtime.h"

namespace leadloop::cli {

namespace {

struct UserArgs {
  std::string db = kDefaultDb;
  std::string login;
  std::string name;
  std::string roles;
  AccessBinding binding;
};

// One line from stdin; on a terminal, asked for twice without echo.
Result<std::string> read_password() {
  auto line = [](bool echo_off) {
    termios old{};
    const bool tty = isatty(STDIN_FILENO) != 0;
    if (tty && echo_off) {
      tcgetattr(STDIN_FILENO, &old);
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string s;
    std::getline(std::cin, s);
    if (tty && echo_off) {
      tcsetattr(STDIN_FILENO, TCSANOW, &old);
      std::cerr << "\n";
    }
    if (!s.empty() && s.back() == '\r') s.pop_back();
    return s;
  };
  if (!isatty(STDIN_FILENO)) {
    std::string p = line(false);
    if (p.empty()) return Status(ErrorCode::kMissingField, "send the password on standard input", "password");
    return p;
  }
  std::cerr << "Password (" << kMinPasswordBytes << " characters or more): ";
  std::string p = line(true);
  std::cerr << "Again: ";
  if (line(true) != p) return Status(ErrorCode::kInvalidValue, "the two passwords differ", "password");
  return p;
}

int run_user_add(const UserArgs& a) {
  std::string bad;
  auto roles = parse_roles(a.roles, &bad);
  if (!roles) {
    return fail(Status(ErrorCode::kInvalidValue,
                       "unknown role '" + bad + "'; use one or more of " + std::string(role_names()), "--role"));
  }
  auto password = read_password();
  if (!password.ok()) return fail(password.status());
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto u = (*rt)->users.add({a.login, a.name, *password, *roles, a.binding});
  if (!u.ok()) return fail(u.status());
  std::cout << "user " << u->login << " added with roles " << u->roles << "\n";
  return 0;
}

int run_user_list(const UserArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto users = (*rt)->store->list_users();
  if (!users.ok()) return fail(users.status());
  const TimePoint now = clock.now();
  std::cout << "login\tname\troles\tbound to\tstatus\tlast sign-in\n";
  for (const User& u : *users) {
    const std::string bound = binding_text(u.binding);
    std::string status = u.disabled_at                                ? "disabled"
                         : (u.locked_until && *u.locked_until > now) ? "locked until " + format_time(*u.locked_until)
                                                                      : "active";
    std::cout << u.login << "\t" << (u.name.empty() ? "-" : u.name) << "\t" << u.roles << "\t" << bound << "\t"
              << status << "\t" << (u.last_login_at ? format_time(*u.last_login_at) : "-") << "\n";
  }
  return 0;
}

int run_user_change(const UserArgs& a, const UserChange& change, const char* done) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto u = (*rt)->users.change(a.login, change);
  if (!u.ok()) return fail(u.status());
  std::cout << "user " << u->login << " " << done << "\n";
  return 0;
}

}  // namespace

void add_user_commands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<UserArgs>();
  auto* u = app.add_subcommand("user", "Manage the people who sign in (passwords are read from stdin)");
  u->require_subcommand(1);

  auto* add = u->add_subcommand("add", "Add a user; the password is read from standard input");
  add->add_option("login", args->login, "Login (letters, digits, . _ @ -)")->required();
  add->add_option("--role", args->roles, std::string("Roles, separated by commas: ") + std::string(role_names()))
      ->required();
  add->add_option("--name", args->name, "Full name");
  add->add_option("--vendor", args->binding.vendor, "The vendor a vendor user works for (required for vendor)");
  add->add_option("--rep", args->binding.rep, "The rep key of a sales_rep user (required for sales_rep)");
  add->add_option("--team", args->binding.team, "The team a sales_manager manages (default: every team)");
  add->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  add->callback([args, exit_code] { *exit_code = run_user_add(*args); });

  auto* list = u->add_subcommand("list", "List users (never their passwords)");
  list->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  list->callback([args, exit_code] { *exit_code = run_user_list(*args); });

  auto* disable = u->add_subcommand("disable", "Disable a user and end their sessions");
  disable->add_option("login", args->login, "Login")->required();
  disable->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  disable->callback([args, exit_code] {
    UserChange c;
    c.disabled = true;
    *exit_code = run_user_change(*args, c, "disabled");
  });

  auto* enable = u->add_subcommand("enable", "Enable a disabled user again");
  enable->add_option("login", args->login, "Login")->required();
  enable->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  enable->callback([args, exit_code] {
    UserChange c;
    c.disabled = false;
    *exit_code = run_user_change(*args, c, "enabled");
  });

  auto* password = u->add_subcommand("password", "Set a user's password (from stdin); ends their sessions and lock");
  password->add_option("login", args->login, "Login")->required();
  password->add_option("--db", args->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  password->callback([args, exit_code] {
    auto p = read_password();
    if (!p.ok()) {
      *exit_code = fail(p.status());
      return;
    }
    UserChange c;
    c.password = *p;
    *exit_code = run_user_change(*args, c, "has a new password");
  });
}

}  // namespace leadloop::cli
