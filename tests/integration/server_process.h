// Runs the real `leadloop` binary for integration tests: a server on a free
// loopback port with its own database, and one-shot CLI commands.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_files.h"

namespace leadloop::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// An HTTP answer: status (-1: no answer), body as text and parsed as JSON
// (discarded when it is not JSON), and the headers.
struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string text;
  httplib::Headers headers;
  std::string header(const char* name) const;
};
Reply reply_of(const httplib::Result& r);

// Runs `leadloop args...` to completion.
CliResult run_cli(const std::vector<std::string>& args);

// A token for the database, made with `leadloop token create`.
// `leadloop token create --role ROLE EXTRA...` (e.g. {"--rep", "e1"}; a
// vendor or sales_rep token must name its vendor or rep).
std::string create_token(const std::string& db, const std::string& role = "admin",
                         const std::vector<std::string>& extra = {});

class ServerProcess {
 public:
  // Starts `leadloop serve --db db --listen 127.0.0.1:0 extra...` and waits
  // until it listens.
  explicit ServerProcess(std::string db, std::vector<std::string> extra = {});
  ~ServerProcess();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::unique_ptr<httplib::Client> client(const std::string& token = "") const;
  // Sends SIGTERM and returns the exit status (as from waitpid).
  int terminate();
  void kill9();

 private:
  std::string db_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace leadloop::testing
