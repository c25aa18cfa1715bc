#include "smtp_sink.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace leadloop::testing {

namespace {

// Debian's python3 (where python3-aiosmtpd is), not one earlier on PATH.
std::string python() { return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3"; }

}  // namespace

SmtpSink::SmtpSink(SinkOptions options) {
  const std::string port_file = dir_.file("port");
  std::vector<std::string> args = {python(), LEADLOOP_SMTP_SINK, "--out", dir_.file("mail.jsonl"),
                                   "--port-file", port_file};
  for (const auto& a : options.fail4) args.insert(args.end(), {"--fail4", a});
  for (const auto& a : options.fail5) args.insert(args.end(), {"--fail5", a});
  if (options.fail4_times > 0) args.insert(args.end(), {"--fail4-times", std::to_string(options.fail4_times)});
  if (!options.user.empty()) args.insert(args.end(), {"--user", options.user, "--password", options.password});
  if (!options.tls_cert.empty()) args.insert(args.end(), {"--tls-cert", options.tls_cert, "--tls-key", options.tls_key});
  if (options.require_tls) args.push_back("--require-tls");
  if (options.pipelining) args.push_back("--pipelining");
  if (options.idle_timeout_s > 0) args.insert(args.end(), {"--idle-timeout", std::to_string(options.idle_timeout_s)});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawnp(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start the SMTP sink (" + args[0] + ")");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(
          "the SMTP sink exited at start (status " + std::to_string(WEXITSTATUS(status)) +
          "); is python3-aiosmtpd installed? scripts/setup.sh installs it");
    }
    const std::string text = read_file(port_file);
    if (!text.empty()) {
      port_ = std::stoi(text);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("the SMTP sink did not start within 15 s");
}

SmtpSink::~SmtpSink() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 250; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
}

std::vector<nlohmann::json> SmtpSink::records() const {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(dir_.file("mail.jsonl")));
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

std::vector<nlohmann::json> SmtpSink::messages() const {
  std::vector<nlohmann::json> out;
  for (auto& r : records()) {
    if (r.value("type", "") == "message") out.push_back(std::move(r));
  }
  return out;
}

int SmtpSink::sessions() const {
  int n = 0;
  for (const auto& r : records()) n += r.value("type", "") == "ehlo";
  return n;
}

std::vector<nlohmann::json> SmtpSink::wait_for(size_t n) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto got = messages();
  while (got.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    got = messages();
  }
  return got;
}

}  // namespace leadloop::testing
