// Goals over HTTP against the real server on its manual clock: set by
// marketing for a vendor's campaign, approved by both sides, on pace on day
// one, behind on day five with exactly one outbox message however often
// the clock moves, visible to the parties and not to another vendor; bad
// goals named by field; the CLI reads the same.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

class GoalApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("goals.db");
    admin_ = testing::create_token(db_, "admin");
    marketing_ = testing::create_token(db_, "marketing");
    acme_ = testing::create_token(db_, "vendor", {"--vendor", "Acme"});
    other_ = testing::create_token(db_, "vendor", {"--vendor", "Other"});
    viewer_ = testing::create_token(db_, "viewer");
    server_ = std::make_unique<ServerProcess>(db_, std::vector<std::string>{"--manual-clock", "2026-03-02T09:00:00Z"});
    ASSERT_EQ(post(admin_, "/api/v1/campaigns", R"({"key":"acme-1","channel":"telemarketing","vendor":"Acme"})").status,
              201);
  }

  Reply post(const std::string& token, const std::string& path, const std::string& body) {
    return reply_of(server_->client(token)->Post(path.c_str(), body, "application/json"));
  }
  Reply get(const std::string& token, const std::string& path) {
    return reply_of(server_->client(token)->Get(path.c_str()));
  }
  void at(const std::string& when) { ASSERT_EQ(post(admin_, "/api/v1/clock", json{{"now", when}}.dump()).status, 200); }
  int goal_messages() {
    Reply r = get(marketing_, "/api/v1/outbox");
    EXPECT_EQ(r.status, 200) << r.text;
    int n = 0;
    for (const json& m : r.body["messages"]) n += m["kind"] == "goal_behind";
    return n;
  }

  TempDir dir_;
  std::string db_, admin_, marketing_, acme_, other_, viewer_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(GoalApiTest, AGoalOnPaceThenBehindRaisesOneMessage) {
  Reply made = post(marketing_, "/api/v1/goals",
                    R"({"name":"Acme March leads","metric":"leads","target":10,"starts_at":"2026-03-02T09:00:00Z",
                        "ends_at":"2026-03-12T09:00:00Z","vendor":"Acme","campaign":"acme-1"})");
  ASSERT_EQ(made.status, 201) << made.text;
  const int64_t id = made.body["id"];
  const std::string path = "/api/v1/goals/" + std::to_string(id);
  EXPECT_EQ(made.header("Location"), path);
  EXPECT_FALSE(made.body["active"]);
  EXPECT_EQ(made.body["progress"]["status"], "awaiting_approval");

  // Each side approves for itself only, once.
  EXPECT_EQ(post(acme_, path + "/approvals", R"({"side":"client"})").status, 403);
  EXPECT_EQ(post(other_, path + "/approvals", R"({"side":"vendor"})").status, 404) << "not its goal";
  Reply client = post(marketing_, path + "/approvals", R"({"side":"client"})");
  ASSERT_EQ(client.status, 200) << client.text;
  EXPECT_FALSE(client.body["active"]);
  EXPECT_EQ(post(marketing_, path + "/approvals", R"({"side":"vendor"})").status, 403);
  Reply vendor = post(acme_, path + "/approvals", R"({"side":"vendor"})");
  ASSERT_EQ(vendor.status, 200) << vendor.text;
  EXPECT_TRUE(vendor.body["active"]);
  EXPECT_EQ(post(acme_, path + "/approvals", R"({"side":"vendor"})").status, 409);

  // Day one: two leads of an expected one.
  for (const char* email : {"a@x.example", "b@x.example"}) {
    ASSERT_EQ(post(acme_, "/api/v1/leads", json{{"email", email}, {"source_campaign", "acme-1"}}.dump()).status, 201);
  }
  at("2026-03-03T09:00:00Z");
  Reply day1 = get(viewer_, path);
  ASSERT_EQ(day1.status, 200) << day1.text;
  EXPECT_EQ(day1.body["progress"]["actual"], 2.0);
  EXPECT_DOUBLE_EQ(day1.body["progress"]["expected"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(day1.body["progress"]["projected"].get<double>(), 20.0);
  EXPECT_EQ(day1.body["progress"]["status"], "on_track");
  EXPECT_EQ(goal_messages(), 0);

  // Day five: two of an expected five; the message goes out once.
  at("2026-03-07T09:00:00Z");
  Reply day5 = get(acme_, path);
  EXPECT_EQ(day5.body["progress"]["status"], "behind") << day5.text;
  EXPECT_EQ(goal_messages(), 1);
  at("2026-03-08T09:00:00Z");
  at("2026-03-09T09:00:00Z");
  EXPECT_EQ(goal_messages(), 1);
  Reply list = get(marketing_, "/api/v1/goals");
  ASSERT_EQ(list.body["goals"].size(), 1u);
  EXPECT_EQ(list.body["goals"][0]["behind_at"], "2026-03-07T09:00:00.000Z");
  EXPECT_EQ(get(other_, "/api/v1/goals").body["goals"].size(), 0u);
  EXPECT_EQ(get(other_, path).status, 404);

  // The CLI reads the same goal from the file.
  ASSERT_EQ(server_->terminate(), 0);
  testing::CliResult cli = testing::run_cli({"goals", "--db", db_, "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const json goals = json::parse(cli.out);
  ASSERT_EQ(goals.size(), 1u);
  EXPECT_EQ(goals[0]["actual"], 2);
  EXPECT_EQ(goals[0]["active"], true);
}

TEST_F(GoalApiTest, BadGoalsAreNamedByField) {
  const std::string base = R"("name":"g","metric":"leads","target":10,"starts_at":"2026-03-02","ends_at":"2026-04-01")";
  struct Bad {
    std::string body;
    int status;
    const char* field;
  };
  for (const Bad& b : std::vector<Bad>{
           {R"({"name":"g","metric":"mood","target":10,"starts_at":"2026-03-02","ends_at":"2026-04-01"})", 422, "metric"},
           {R"({"name":"g","metric":"leads","target":0,"starts_at":"2026-03-02","ends_at":"2026-04-01"})", 422, "target"},
           {R"({"name":"g","metric":"leads","target":1.5,"starts_at":"2026-03-02","ends_at":"2026-04-01"})", 422, "target"},
           {R"({"name":"g","metric":"leads","target":10,"starts_at":"2026-03-02"})", 422, "ends_at"},
           {R"({"name":"g","metric":"leads","target":10,"starts_at":"2026-04-02","ends_at":"2026-04-01"})", 422, "ends_at"},
           {"{" + base + R"(,"curve":[50,40,100]})", 422, "curve"},
           {"{" + base + R"(,"campaign":"nope"})", 422, "campaign"},
           {"{" + base + R"(,"colour":"red"})", 422, "colour"},
       }) {
    Reply r = post(marketing_, "/api/v1/goals", b.body);
    EXPECT_EQ(r.status, b.status) << b.body << ": " << r.text;
    EXPECT_EQ(r.body["error"]["field"], b.field) << b.body << ": " << r.text;
  }
  // A vendor sets goals for itself only; a revenue target is an amount.
  EXPECT_EQ(post(acme_, "/api/v1/goals", "{" + base + R"(,"vendor":"Other"})").status, 403);
  Reply own = post(acme_, "/api/v1/goals", "{" + base + "}");
  ASSERT_EQ(own.status, 201) << own.text;
  EXPECT_EQ(own.body["scope"]["vendor"], "Acme");
  Reply revenue = post(marketing_, "/api/v1/goals",
                       R"({"name":"r","metric":"revenue","target":2500.5,"starts_at":"2026-03-02","ends_at":"2026-04-01"})");
  ASSERT_EQ(revenue.status, 201) << revenue.text;
  EXPECT_EQ(revenue.body["target"], 2500.5);
  EXPECT_EQ(post(viewer_, "/api/v1/goals", "{" + base + "}").status, 403);
  EXPECT_EQ(get(marketing_, "/api/v1/goals/999").status, 404);
}

TEST_F(GoalApiTest, AttendeeAndSpeedToLeadGoals) {
  ASSERT_EQ(post(admin_, "/api/v1/campaigns", R"({"key":"webinar-1","channel":"webinar"})").status, 201);
  Reply attendees = post(marketing_, "/api/v1/goals",
                         R"({"name":"webinar seats","metric":"attendees","target":4,"starts_at":"2026-03-02",
                             "ends_at":"2026-03-09","campaign":"webinar-1"})");
  ASSERT_EQ(attendees.status, 201) << attendees.text;
  const std::string path = "/api/v1/goals/" + std::to_string(attendees.body["id"].get<int64_t>());
  for (const char* outcome : {"attended", "no_show", "Attended"}) {
    Reply t = post(admin_, "/api/v1/touches",
                   json{{"campaign", "webinar-1"}, {"outcome", outcome}}.dump());
    ASSERT_EQ(t.status, 201) << t.text;
  }
  Reply seen = get(marketing_, path);
  ASSERT_EQ(seen.status, 200) << seen.text;
  EXPECT_EQ(seen.body["progress"]["actual"], 2);
  EXPECT_EQ(seen.body["unit"], "count");
  EXPECT_EQ(seen.body["at_most"], false);
  Reply report = get(marketing_, "/api/v1/reports/campaigns?campaign=webinar-1");
  ASSERT_EQ(report.status, 200) << report.text;
  ASSERT_EQ(report.body["campaigns"].size(), 1u);
  EXPECT_EQ(report.body["campaigns"][0]["attended"], 2);
  // Registrations are leads; speed to lead is a ceiling in minutes.
  Reply registrations = post(marketing_, "/api/v1/goals",
                             R"({"name":"sign-ups","metric":"registrations","target":50,"starts_at":"2026-03-02",
                                 "ends_at":"2026-03-09"})");
  ASSERT_EQ(registrations.status, 201) << registrations.text;
  EXPECT_EQ(registrations.body["metric"], "leads");
  Reply speed = post(marketing_, "/api/v1/goals",
                     R"({"name":"answer fast","metric":"speed_to_lead","target":15,"starts_at":"2026-03-02",
                         "ends_at":"2026-03-09"})");
  ASSERT_EQ(speed.status, 201) << speed.text;
  EXPECT_EQ(speed.body["unit"], "minutes");
  EXPECT_EQ(speed.body["at_most"], true);
  EXPECT_EQ(speed.body["target"], 15);
  EXPECT_EQ(speed.body["progress"]["expected"], 15);
}

}  // namespace
}  // namespace leadloop
