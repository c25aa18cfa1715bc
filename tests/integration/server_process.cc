#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "test_store.h"

namespace leadloop::testing {

namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> full = {LEADLOOP_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  // The test's database file stands for its PostgreSQL schema under
  // LEADLOOP_TEST_PG (test_store.h).
  for (size_t i = 1; i + 1 < full.size(); ++i) {
    if (full[i] == "--db") full[i + 1] = test_db(full[i + 1]);
  }
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    auto argv = argv_of(full);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CliResult r;
  // stderr is small; read stdout first, then stderr.
  r.out = read_all(out_pipe[0]);
  r.err = read_all(err_pipe[0]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string create_token(const std::string& db, const std::string& role, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"token", "create", "--db", db, "--role", role};
  args.insert(args.end(), extra.begin(), extra.end());
  CliResult r = run_cli(args);
  if (r.exit_code != 0) throw std::runtime_error("token create failed: " + r.err);
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  return r.out;
}

ServerProcess::ServerProcess(std::string db, std::vector<std::string> extra) : db_(std::move(db)) {
  std::vector<std::string> args = {LEADLOOP_BINARY, "serve", "--db", test_db(db_), "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe");
  std::string log = db_ + ".server.log";
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out_pipe[1], 1);
    int logfd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (logfd >= 0) dup2(logfd, 2);
    close(out_pipe[0]);
    auto argv = argv_of(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  // The first line says "... listening on http://127.0.0.1:PORT ...".
  std::string line;
  char c;
  while (read(out_pipe[0], &c, 1) == 1 && c != '\n') line += c;
  close(out_pipe[0]);
  const std::string marker = "http://127.0.0.1:";
  size_t at = line.find(marker);
  if (at == std::string::npos) {
    kill9();
    throw std::runtime_error("server did not start: '" + line + "' (see " + log + ")");
  }
  port_ = std::stoi(line.substr(at + marker.size()));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) terminate();
}

std::unique_ptr<httplib::Client> ServerProcess::client(const std::string& token) const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_read_timeout(60, 0);
  c->set_write_timeout(60, 0);
  if (!token.empty()) c->set_bearer_token_auth(token);
  return c;
}

int ServerProcess::terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string Reply::header(const char* name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

Reply reply_of(const httplib::Result& r) {
  if (!r) return {-1, nullptr, "no reply", {}};
  return {r->status, nlohmann::json::parse(r->body, nullptr, false), r->body, r->headers};
}

}  // namespace leadloop::testing
