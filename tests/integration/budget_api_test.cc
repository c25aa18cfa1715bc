// Request budgets against the real server: a request past its time or
// memory budget is cancelled and answered with budget_exceeded naming the
// budget, the server keeps answering, and an export past the export budget
// ends early with a line in the server's log.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "server_process.h"
#include "test_store.h"

namespace leadloop {
namespace {

using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kWholePeriod = "from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";
constexpr int kLeads = 6000;

class BudgetApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    seeded_ = dir_->file("seeded.db");
    auto demo = testing::run_cli(
        {"demo", "--db", seeded_, "--seed", "7", "--leads", std::to_string(kLeads)});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // A server on a copy of the seeded database, with `flags`.
  void start(std::vector<std::string> flags) {
    db_ = dir_->file(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                     ".db");
    if (testing::on_postgres()) {
      db_ = seeded_;  // a schema has no copy; these tests only read the leads
      std::filesystem::remove(db_ + ".server.log");  // this test's server's log only
    } else {
      std::ifstream in(seeded_, std::ios::binary);
      std::ofstream out(db_, std::ios::binary);
      out << in.rdbuf();
    }
    admin_ = testing::create_token(db_, "admin");
    server_ = std::make_unique<ServerProcess>(db_, std::move(flags));
  }
  Reply get(const std::string& path) {
    return reply_of(server_->client(admin_)->Get(path.c_str()));
  }
  std::string server_log() const {
    std::ifstream in(db_ + ".server.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void expect_still_serving() {
    Reply health = get("/api/v1/health");
    EXPECT_EQ(health.status, 200) << health.text;
    EXPECT_EQ(health.body["status"], "ok") << health.text;
  }
  // The leads the whole export has: its lines, header included, from the
  // CLI (no budget).
  long export_lines() const {
    auto out = testing::run_cli({"export", "--db", db_});
    EXPECT_EQ(out.exit_code, 0) << out.err;
    return std::count(out.out.begin(), out.out.end(), '\n');
  }

  static TempDir* dir_;
  static std::string seeded_;
  std::string db_, admin_;
  std::unique_ptr<ServerProcess> server_;
};

TempDir* BudgetApiTest::dir_ = nullptr;
std::string BudgetApiTest::seeded_;

void expect_budget_error(const Reply& r, const std::string& budget, const std::string& flag) {
  EXPECT_EQ(r.status, 503) << r.text;
  EXPECT_EQ(r.body["error"]["code"], "budget_exceeded") << r.text;
  const std::string message = r.body["error"].value("message", "");
  EXPECT_NE(message.find(budget), std::string::npos) << message;
  EXPECT_NE(message.find(flag), std::string::npos) << message;
}

TEST_F(BudgetApiTest, BacktestPastTheTimeBudgetIsCancelledAndTheServerKeepsAnswering) {
  start({"--request-time-budget", "0.001"});
  Reply r = get(std::string("/api/v1/definition/versions/1/backtest?") + kWholePeriod);
  expect_budget_error(r, "time budget of 0.001 s", "--request-time-budget");
  Reply accuracy = get(std::string("/api/v1/definition/accuracy?") + kWholePeriod);
  expect_budget_error(accuracy, "time budget of 0.001 s", "--request-time-budget");
  expect_still_serving();
  // A write that reaches no budget check keeps its answer: it is committed.
  Reply capture = reply_of(server_->client(admin_)->Post(
      "/api/v1/leads",
      R"({"email":"late@budget.example","source_campaign":"email-nurture-spring"})",
      "application/json"));
  EXPECT_NE(capture.status, 503) << capture.text;
  EXPECT_NE(capture.body.dump().find("late@budget.example"), std::string::npos) << capture.text;
  EXPECT_NE(server_log().find("/backtest cancelled: the request ran past its time budget"),
            std::string::npos)
      << server_log();
}

TEST_F(BudgetApiTest, AccuracyPastTheMemoryBudgetIsCancelledAndTheServerKeepsAnswering) {
  start({"--request-memory-budget", "1"});
  Reply r = get(std::string("/api/v1/definition/accuracy?") + kWholePeriod);
  expect_budget_error(r, "memory budget of 1 MB", "--request-memory-budget");
  expect_still_serving();
  // A small answer fits in the budget.
  Reply page = get("/api/v1/leads?limit=1");
  EXPECT_EQ(page.status, 200) << page.text;
  EXPECT_EQ(page.body["leads"].size(), 1u) << page.text;
  // The same request within a larger budget is answered.
  server_.reset();
  start({"--request-memory-budget", "1024"});
  Reply within = get(std::string("/api/v1/definition/accuracy?") + kWholePeriod);
  EXPECT_EQ(within.status, 200) << within.text.substr(0, 300);
}

TEST_F(BudgetApiTest, ExportPastTheExportBudgetEndsEarlyAndIsLogged) {
  start({"--export-time-budget", "0.001"});
  std::string body;
  auto res =
      server_->client(admin_)->Get("/api/v1/exports/leads.csv", [&](const char* data, size_t n) {
        body.append(data, n);
        return true;
      });
  // Headers and a 200 have gone out; the file ends short of its leads.
  const long rows = std::count(body.begin(), body.end(), '\n');
  EXPECT_LT(rows, export_lines()) << "status " << (res ? res->status : -1);
  // The transfer ends without its last chunk: the client sees it cut short.
  EXPECT_FALSE(res) << "a complete-looking file of " << rows << " lines";
  expect_still_serving();
  const std::string log = server_log();
  const size_t cut = log.find("streamed body cut short after");
  ASSERT_NE(cut, std::string::npos) << log;
  EXPECT_NE(
      log.find(
          "budget_exceeded: the request ran past its time budget of 0.001 s (--export-time-budget)",
          cut),
      std::string::npos)
      << log;
}

TEST_F(BudgetApiTest, TheExportBudgetIsNotTheRequestBudget) {
  // Exports get their own, longer budget: a tiny request budget leaves
  // them whole.
  start({"--request-time-budget", "0.001"});
  Reply r = get("/api/v1/exports/leads.csv");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(std::count(r.text.begin(), r.text.end(), '\n'), export_lines());
}

}  // namespace
}  // namespace leadloop
