// The `leadloop` command as scripts use it: exit codes, output forms, help.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "server_process.h"
#include "store/postgres/pg_db.h"
#include "test_store.h"

namespace leadloop {
namespace {

using testing::CliResult;
using testing::run_cli;
using testing::TempDir;

TEST(Cli, EveryCommandHasHelp) {
  for (const char* cmd : {"serve", "import", "export", "demo", "migrate", "token", "version"}) {
    CliResult r = run_cli({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  CliResult none = run_cli({});
  EXPECT_NE(none.exit_code, 0);
  CliResult v = run_cli({"version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("leadloop ", 0), 0u);
}

TEST(Cli, MigrateCopiesADatabaseIntoANewOneAndChecksEveryTableAndReport) {
  TempDir dir;
  const std::string db = dir.file("m.db");
  ASSERT_EQ(run_cli({"demo", "--db", db, "--seed", "5", "--leads", "300"}).exit_code, 0);
  // From the test database (an SQLite file, or PostgreSQL) into an SQLite
  // file, and from there into a new test database, whose reports are then
  // those of the first. (`--from` and `--to` are not rewritten by run_cli.)
  const std::string source = testing::test_db(db), file = dir.file("copy.db");
  const std::string target = testing::test_db(dir.file("back.db"));
  CliResult r = run_cli({"migrate", "--from", source, "--to", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lead_events"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("DIFFERS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("every table's rows agree; "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" reports agree"), std::string::npos) << r.out;
  // The URL's password (make test-pg's is random) is never printed.
  if (const char* url = std::getenv("LEADLOOP_TEST_PG"); url && *url) {
    const std::string u = url;
    const size_t colon = u.find(':', u.find("://") + 3), at = u.find('@');
    if (colon != std::string::npos && at != std::string::npos && colon < at && at - colon > 1) {
      const std::string password = u.substr(colon + 1, at - colon - 1);
      EXPECT_EQ(r.out.find(password), std::string::npos) << "the password is shown";
      EXPECT_EQ(r.err.find(password), std::string::npos) << "the password is shown";
    }
  }
  CliResult back = run_cli({"migrate", "--from", file, "--to", target});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  for (const char* report : {"funnel", "leaks", "campaigns", "forecast"}) {
    CliResult a = run_cli({"report", report, "--db", db, "--json"});
    CliResult b = run_cli({"report", report, "--db", dir.file("back.db"), "--json"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_GT(a.out.size(), 10u);
    EXPECT_EQ(b.out, a.out) << report;
  }
  CliResult again = run_cli({"migrate", "--from", source, "--to", target});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already holds"), std::string::npos) << again.err;
  CliResult missing = run_cli({"migrate", "--from", dir.file("none.db"), "--to", dir.file("x.db")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no database file"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("none.db")));
  EXPECT_EQ(run_cli({"migrate", "--from", source}).exit_code, 2) << "--from needs --to";
}

TEST(Cli, TokenCreatePrintsOnlyTheToken) {
  TempDir dir;
  CliResult r = run_cli({"token", "create", "--db", dir.file("t.db"), "--role", "admin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("llt_[A-Za-z0-9_-]{43}\n"))) << r.out;
  CliResult bad = run_cli({"token", "create", "--db", dir.file("t.db"), "--role", "king"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("unknown role 'king'"), std::string::npos) << bad.err;
  CliResult list = run_cli({"token", "list", "--db", dir.file("t.db")});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out.find(r.out.substr(4, 20)), std::string::npos);  // never the secret
  EXPECT_EQ(run_cli({"token", "revoke", "1", "--db", dir.file("t.db")}).exit_code, 0);
  EXPECT_EQ(run_cli({"token", "revoke", "77", "--db", dir.file("t.db")}).exit_code, 1);
}

TEST(Cli, DemoImportExportAndDryRun) {
  TempDir dir;
  const std::string db = dir.file("cli.db");
  CliResult demo = run_cli({"demo", "--db", db, "--seed", "3", "--leads", "300"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_NE(demo.out.find("10 campaigns"), std::string::npos) << demo.out;

  const std::string csv = dir.file("mixed.csv");
  std::ofstream(csv, std::ios::binary) << testing::fixture("import/mixed.csv");
  CliResult dry = run_cli({"import", csv, "--db", db, "--campaign", "tm-callpro-q1", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("dry run (nothing stored): 7 rows, 3 created, 1 merged, 3 rejected"),
            std::string::npos)
      << dry.out;

  CliResult imp = run_cli({"import", csv, "--db", db, "--campaign", "tm-callpro-q1"});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.out.find("7 rows, 3 created, 1 merged, 3 rejected"), std::string::npos) << imp.out;
  std::string errors = testing::read_file(csv + ".errors.csv");
  EXPECT_EQ(errors.rfind("line,column,field,code,reason\r\n5,1,email,invalid_value,", 0), 0u) << errors;

  CliResult again = run_cli({"import", csv, "--db", db, "--campaign", "tm-callpro-q1"});
  EXPECT_NE(again.out.find("7 rows, 0 created, 4 merged, 3 rejected"), std::string::npos) << again.out;

  CliResult unknown = run_cli({"import", csv, "--db", db, "--campaign", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("unknown_campaign"), std::string::npos) << unknown.err;

  const std::string out = dir.file("out.csv");
  CliResult exp = run_cli({"export", "--db", db, "--out", out, "--campaign", "tm-callpro-q1"});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  std::string exported = testing::read_file(out);
  EXPECT_EQ(exported.rfind("id,email,phone", 0), 0u);
  EXPECT_NE(exported.find("bob@beta.example"), std::string::npos);
  EXPECT_EQ(run_cli({"export", "--db", db, "--stage", "closed"}).exit_code, 1);
}

TEST(Cli, OnlyOneProcessCapturesIntoADatabase) {
  TempDir dir;
  const std::string db = dir.file("busy.db");
  const std::string csv = dir.file("one.csv");
  std::ofstream(csv) << "email\none@busy.example\n";
  testing::ServerProcess server(db);
  CliResult imp = run_cli({"import", csv, "--db", db, "--campaign", "x"});
  EXPECT_EQ(imp.exit_code, 1);
  EXPECT_NE(imp.err.find("another leadloop process"), std::string::npos) << imp.err;
  EXPECT_EQ(run_cli({"demo", "--db", db, "--leads", "1"}).exit_code, 1);
  CliResult second = run_cli({"serve", "--db", db, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(second.exit_code, 1);
  // Tokens can still be made while the server runs, and it accepts them.
  std::string token = testing::create_token(db);
  auto r = server.client(token)->Get("/api/v1/campaigns");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  server.terminate();
  EXPECT_EQ(run_cli({"demo", "--db", db, "--leads", "5"}).exit_code, 0);
}

// A second server on a port in use fails with a message; it does not share
// the port (SO_REUSEPORT would let the kernel split requests between two
// servers and their databases).
TEST(Cli, SecondServerOnATakenPortFailsToStart) {
  TempDir dir;
  testing::ServerProcess first(dir.file("first.db"));
  CliResult second =
      run_cli({"serve", "--db", dir.file("second.db"), "--listen", "127.0.0.1:" + std::to_string(first.port())});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos)
      << second.err;
  auto r = first.client()->Get("/api/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Cli, SimulateWritesAFileNotAServerDatabase) {
  CliResult r = run_cli({"simulate", "--months", "1", "--db", "postgresql://leadloop@127.0.0.1:1/none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("simulate writes a new SQLite file"), std::string::npos) << r.err;
}

TEST(Cli, NewerDatabaseIsRefusedWithAClearMessage) {
  TempDir dir;
  const std::string db = dir.file("future.db");
  ASSERT_EQ(run_cli({"migrate", "--db", db}).exit_code, 0);
  if (testing::on_postgres()) {
    auto h = pg::PgDb::open(testing::test_db(db));
    ASSERT_TRUE(h.ok()) << h.status().to_string();
    ASSERT_TRUE((*h)->exec("UPDATE leadloop_schema SET version = 42").ok());
  } else {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    sqlite3_exec(h, "PRAGMA user_version=42", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"migrate", "--db", db},
        std::vector<std::string>{"serve", "--db", db, "--listen", "127.0.0.1:0"}}) {
    CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_NE(r.err.find("written by a newer Leadloop (schema version 42)"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace leadloop
