// The audit log over HTTP against the real server: every write route of the
// route table leaves a row naming who, what, which record, the status and
// from where; bulk reads and exports of personal data do too, other reads
// do not; only admins read the log.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "api/server.h"
#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

class AuditApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("audit.db");
    admin_ = testing::create_token(db_, "admin");
    marketing_ = testing::create_token(db_, "marketing");
    server_ = std::make_unique<ServerProcess>(db_);
    ASSERT_EQ(post("/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
    Reply lead = post("/api/v1/leads", R"({"email":"ann@example.com","source_campaign":"web-1"})");
    ASSERT_EQ(lead.status, 201) << lead.text;
    lead_id_ = lead.body["id"].get<int64_t>();
  }

  Reply post(const std::string& path, const std::string& body, const std::string& token = "") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Post(path, body, "application/json"));
  }
  Reply send(const std::string& method, const std::string& path, const std::string& body) {
    auto c = server_->client(admin_);
    return reply_of(method == "PUT" ? c->Put(path, body, "application/json") : c->Post(path, body, "application/json"));
  }
  Reply get(const std::string& path, const std::string& token = "") {
    return reply_of(server_->client(token.empty() ? admin_ : token)->Get(path));
  }

  // The entries after `cursor` (an entry id), oldest first.
  json entries_after(int64_t cursor, const std::string& filter = "") {
    Reply r = get("/api/v1/audit?limit=1000&cursor=" + std::to_string(cursor) + filter);
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body["entries"];
  }
  int64_t last_id() {
    int64_t last = 0;
    for (const json& e : entries_after(0)) last = e["id"].get<int64_t>();
    return last;
  }

  // "/api/v1/leads/{id}/transitions" with the test's records in the holes.
  std::string fill(const std::string& path) const {
    // No real token: revoking the test's own would end the test.
    if (path.starts_with("/api/v1/tokens/")) return std::regex_replace(path, std::regex(R"(\{id\})"), "999999");
    std::string out = std::regex_replace(path, std::regex(R"(\{id\})"), std::to_string(lead_id_));
    out = std::regex_replace(out, std::regex(R"(\{login\})"), "nobody");
    out = std::regex_replace(out, std::regex(R"(\{key\})"), "web-1");
    out = std::regex_replace(out, std::regex(R"(\{version\})"), "1");
    return std::regex_replace(out, std::regex(R"(\{token\})"), "flk_not-a-real-link");
  }

  TempDir dir_;
  std::string db_, admin_, marketing_;
  std::unique_ptr<ServerProcess> server_;
  int64_t lead_id_ = 0;
};

TEST_F(AuditApiTest, EveryWriteRouteLeavesARow) {
  int writes = 0;
  for (const api::RouteInfo& route : api::api_routes()) {
    // Reads, and a CORS preflight (OPTIONS), change nothing.
    if (route.method == "GET" || route.method == "OPTIONS") continue;
    ++writes;
    const std::string action = route.method + " " + route.path;
    const int64_t before = last_id();
    // A minimal body: most routes refuse it, and a refused write is on
    // record as much as a done one.
    Reply r = send(route.method, fill(route.path), "{}");
    ASSERT_GT(r.status, 0) << action;
    json rows = entries_after(before);
    ASSERT_EQ(rows.size(), 1u) << action << " answered " << r.status << " and left " << rows.dump();
    const json& e = rows[0];
    EXPECT_EQ(e["action"], action);
    EXPECT_EQ(e["status"], r.status) << action;
    EXPECT_EQ(e["remote"], "127.0.0.1") << action;
    if (route.authenticated) {
      EXPECT_TRUE(e["actor"].get<std::string>().starts_with("token:")) << action << ": " << e.dump();
      EXPECT_EQ(e["role"], "admin") << action;
    } else {
      EXPECT_EQ(e["actor"], "public") << action << ": no valid link, no one to name";
    }
    EXPECT_TRUE(e["at"].is_string()) << action;
    // The feedback link's token is a credential: never in the log.
    EXPECT_EQ(e.dump().find("flk_"), std::string::npos) << action;
  }
  EXPECT_GE(writes, 20) << "the route table lost its write routes?";
}

TEST_F(AuditApiTest, RowNamesTheRecordAndTheActor) {
  const int64_t before = last_id();
  Reply moved = post("/api/v1/leads/" + std::to_string(lead_id_) + "/transitions", R"({"to":"working"})");
  Reply created = post("/api/v1/leads", R"({"email":"bob@example.com","source_campaign":"web-1"})");
  ASSERT_EQ(created.status, 201) << created.text;
  json rows = entries_after(before);
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["record"], "lead:" + std::to_string(lead_id_));
  EXPECT_EQ(rows[0]["status"], moved.status);
  EXPECT_EQ(rows[1]["record"], "lead:" + std::to_string(created.body["id"].get<int64_t>()));
  EXPECT_EQ(rows[1]["status"], 201);
  EXPECT_EQ(rows[0]["actor"], rows[1]["actor"]);

  // The same rows through the filters.
  json by_record = entries_after(0, "&record=lead:" + std::to_string(lead_id_));
  ASSERT_FALSE(by_record.empty());
  EXPECT_EQ(by_record.back()["action"], "POST /api/v1/leads/{id}/transitions");
  json by_actor = entries_after(0, "&actor=" + rows[0]["actor"].get<std::string>() + "&action=POST%20/api/v1/leads/%7Bid%7D");
  ASSERT_EQ(by_actor.size(), 1u) << by_actor.dump();
  EXPECT_EQ(by_actor[0]["id"], rows[0]["id"]);
}

TEST_F(AuditApiTest, BulkReadsAndExportsLeaveARowOtherReadsDoNot) {
  const int64_t before = last_id();
  ASSERT_EQ(get("/api/v1/exports/leads.csv?campaign=web-1").status, 200);
  ASSERT_EQ(get("/api/v1/leads?q=ann%40example.com&campaign=web-1").status, 200);
  ASSERT_EQ(get("/api/v1/health").status, 200);
  ASSERT_EQ(get("/api/v1/campaigns").status, 200);
  ASSERT_EQ(get("/api/v1/audit").status, 200);
  json rows = entries_after(before);
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["action"], "GET /api/v1/exports/leads.csv");
  EXPECT_EQ(rows[0]["status"], 200);
  EXPECT_EQ(rows[0]["detail"]["query"]["campaign"], "web-1");
  EXPECT_EQ(rows[1]["action"], "GET /api/v1/leads");
  // What was searched for is withheld: the log is never erased.
  EXPECT_EQ(rows[1]["detail"]["query"]["q"], "(withheld)");
  EXPECT_EQ(rows.dump().find("ann@"), std::string::npos);
}

TEST_F(AuditApiTest, OnlyAdminsReadTheLogAndTokenlessRequestsAreNotRecorded) {
  EXPECT_EQ(get("/api/v1/audit", marketing_).status, 403);
  const int64_t before = last_id();
  Reply anonymous = reply_of(server_->client()->Post("/api/v1/leads", R"({"email":"x@example.com"})", "application/json"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_TRUE(entries_after(before).empty());
  // A marketing write is recorded with its role; its refused audit read is not a write.
  ASSERT_EQ(post("/api/v1/campaigns", R"({"key":"web-2","channel":"web"})", marketing_).status, 201);
  json rows = entries_after(before);
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["role"], "marketing");
  EXPECT_EQ(rows[0]["record"], "campaign:web-2");
  EXPECT_EQ(get("/api/v1/audit?from=not-a-time").status, 422);
}

// Users and tokens are records too: their creation names the new one (from
// Location), a change or a revocation the one in the path.
TEST_F(AuditApiTest, UsersAndTokensAreNamedRecords) {
  const int64_t before = last_id();
  ASSERT_EQ(post("/api/v1/users", R"({"login":"lee","name":"Lee","password":"a-long-password","roles":["viewer"]})")
                .status,
            201);
  ASSERT_EQ(send("PUT", "/api/v1/users/lee", R"({"disabled":true})").status, 200);
  Reply token = post("/api/v1/tokens", R"({"label":"sync","roles":["viewer"]})");
  ASSERT_EQ(token.status, 201) << token.text;
  const std::string id = std::to_string(token.body["id"].get<int64_t>());
  ASSERT_EQ(post("/api/v1/tokens/" + id + "/revoke", "{}").status, 200);
  json rows = entries_after(before);
  ASSERT_EQ(rows.size(), 4u) << rows.dump();
  EXPECT_EQ(rows[0]["record"], "user:lee");
  EXPECT_EQ(rows[1]["record"], "user:lee");
  EXPECT_EQ(rows[2]["record"], "token:" + id);
  EXPECT_EQ(rows[3]["record"], "token:" + id);
  EXPECT_EQ(rows.dump().find("a-long-password"), std::string::npos);
}

TEST_F(AuditApiTest, AFeedbackLinkAnswerIsOnRecordUnderTheLinkNotItsToken) {
  Reply link = post("/api/v1/leads/" + std::to_string(lead_id_) + "/feedback-links", R"({"rep":"Rita"})");
  ASSERT_EQ(link.status, 201) << link.text;
  const int64_t before = last_id();
  Reply answer = reply_of(server_->client()->Post(link.body["url"].get<std::string>(), R"({"answer":"accept"})",
                                                  "application/json"));
  json rows = entries_after(before);
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["action"], "POST /feedback/{token}");
  EXPECT_EQ(rows[0]["actor"], "link:" + std::to_string(link.body["id"].get<int64_t>()));
  EXPECT_EQ(rows[0]["role"], nullptr);
  EXPECT_EQ(rows[0]["record"], "lead:" + std::to_string(lead_id_));
  EXPECT_EQ(rows[0]["status"], answer.status);
  EXPECT_EQ(rows.dump().find(link.body["token"].get<std::string>()), std::string::npos);
}

TEST_F(AuditApiTest, TheCliReadsTheSameLog) {
  auto cli = testing::run_cli({"audit", "--db", db_, "--record", "lead:" + std::to_string(lead_id_), "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  json first = json::parse(cli.out.substr(0, cli.out.find('\n')));
  EXPECT_EQ(first["action"], "POST /api/v1/leads");
  EXPECT_EQ(first["status"], 201);
  EXPECT_EQ(first["remote"], "127.0.0.1");
}

}  // namespace
}  // namespace leadloop
