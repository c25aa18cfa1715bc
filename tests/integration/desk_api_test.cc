// The sales side's scopes over HTTP against the real server (issue 21):
// a rep touches, accepts and rejects their own leads and no one else's;
// GET /api/v1/me/leads holds the signed-in rep's leads only, with their
// figures next to the team's; a team's manager sees and assigns the team's
// leads only (its reps' and the unowned leads of its region), on the desk,
// the queue and the assignment routes; the desk lists hot leads first,
// keeps unqualified ones off, counts and pages, and names the owners.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

// Every grade waits in the queue, so the desk has leads of each; a lead
// without a company is unqualified.
constexpr const char* kDefinition = R"(name: Desk test
required_fields: [email, company]
grades:
  hot:
    - when: title = "VP"
  warm:
    - when: title = "Manager"
  cold: []
sla_hours: {hot: 4, warm: 48}
reject_reasons:
  - code: no_budget
    label: No budget
routing:
  by_grade: {hot: queue, warm: queue, cold: queue}
)";

class DeskApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("desk.db");
    tokens_["admin"] = testing::create_token(db_, "admin");
    tokens_["e1"] = testing::create_token(db_, "sales_rep", {"--rep", "e1"});
    tokens_["e2"] = testing::create_token(db_, "sales_rep", {"--rep", "e2"});
    tokens_["mgr-emea"] = testing::create_token(db_, "sales_manager", {"--team", "emea"});
    tokens_["mgr-na"] = testing::create_token(db_, "sales_manager", {"--team", "na"});
    server_ = std::make_unique<ServerProcess>(
        db_, std::vector<std::string>{"--manual-clock", "2026-03-02T09:00:00Z"});
    ASSERT_EQ(post("admin", "/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
    for (const auto& [team, region] : {std::pair{"emea", "EMEA"}, std::pair{"na", "NA"}}) {
      ASSERT_EQ(
          post("admin", "/api/v1/teams", json{{"key", team}, {"region", region}}.dump()).status,
          201);
    }
    for (const auto& [rep, name, team] :
         {std::tuple{"e1", "Erin One", "emea"}, std::tuple{"e2", "Emil Two", "emea"},
          std::tuple{"n1", "Nora One", "na"}}) {
      Reply r =
          post("admin", "/api/v1/reps", json{{"key", rep}, {"name", name}, {"team", team}}.dump());
      ASSERT_EQ(r.status, 201) << r.text;
    }
    Reply d = post("admin", "/api/v1/definition/versions", kDefinition, "application/yaml");
    ASSERT_EQ(d.status, 201) << d.text;
    const std::string v = std::to_string(d.body["version"].get<int64_t>());
    const json hash = {{"hash", d.body["hash"]}};
    tokens_["marketing"] = testing::create_token(db_, "marketing");
    tokens_["sales"] = testing::create_token(db_, "sales_manager");
    ASSERT_EQ(
        post("marketing", "/api/v1/definition/versions/" + v + "/approvals", hash.dump()).status,
        201);
    ASSERT_EQ(post("sales", "/api/v1/definition/versions/" + v + "/approvals", hash.dump()).status,
              201);
    ASSERT_EQ(post("admin", "/api/v1/definition/versions/" + v + "/activate", "").status, 200);
  }

  Reply post(const std::string& who, const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    return reply_of(server_->client(tokens_[who])->Post(path.c_str(), body, type.c_str()));
  }
  Reply get(const std::string& who, const std::string& path) {
    return reply_of(server_->client(tokens_[who])->Get(path.c_str()));
  }
  // A lead captured by the admin; it waits in the queue, nobody's.
  int64_t capture(const std::string& name, const std::string& title, const std::string& region,
                  bool with_company = true) {
    json lead = {{"email", name + "@desk.example"},
                 {"first_name", name},
                 {"last_name", "Test"},
                 {"title", title},
                 {"region", region},
                 {"source_campaign", "web-1"}};
    if (with_company) lead["company"] = name + " Co";
    Reply r = post("admin", "/api/v1/leads", lead.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    EXPECT_EQ(r.body["lead"]["owner"], nullptr) << r.text;
    return r.body.value("id", int64_t{0});
  }
  void assign(int64_t lead, const std::string& rep) {
    Reply r = post("admin", "/api/v1/leads/" + std::to_string(lead) + "/assignment",
                   json{{"rep", rep}}.dump());
    ASSERT_EQ(r.status, 200) << r.text;
  }
  static std::vector<int64_t> ids(const json& leads) {
    std::vector<int64_t> out;
    for (const json& l : leads) out.push_back(l["id"]);
    return out;
  }
  int64_t touches_of(int64_t lead) {
    int64_t n = 0;
    const Reply timeline = get("admin", "/api/v1/leads/" + std::to_string(lead) + "/timeline");
    for (const json& e : timeline.body["events"]) {
      n += e["type"] == "touched";
    }
    return n;
  }

  TempDir dir_;
  std::string db_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(DeskApiTest, ARepTouchesAcceptsAndRejectsTheirOwnLeadsAndNoOneElses) {
  const int64_t a = capture("ana", "VP", "EMEA"), b = capture("ben", "VP", "EMEA"),
                c = capture("cai", "VP", "EMEA");
  assign(a, "e1");
  assign(b, "e1");
  assign(c, "e2");
  const std::string lead = "/api/v1/leads/";

  // Their own lead: the touch is logged for the lead's campaign.
  Reply t = post("e1", lead + std::to_string(a) + "/touches",
                 R"({"channel":"call","outcome":"connected"})");
  ASSERT_EQ(t.status, 201) << t.text;
  EXPECT_EQ(t.body["lead"], a);
  EXPECT_EQ(t.body["campaign"], "web-1");
  Reply free = post("e1", "/api/v1/touches", json{{"lead", a}, {"channel", "email"}}.dump());
  ASSERT_EQ(free.status, 201) << free.text;
  EXPECT_EQ(touches_of(a), 2);
  Reply accepted = post("e1", lead + std::to_string(a) + "/transitions", R"({"to":"accepted"})");
  ASSERT_EQ(accepted.status, 200) << accepted.text;
  EXPECT_EQ(accepted.body["stage"], "accepted");
  Reply rejected = post("e1", lead + std::to_string(b) + "/transitions",
                        R"({"to":"rejected","reason":"no_budget"})");
  ASSERT_EQ(rejected.status, 200) << rejected.text;
  EXPECT_EQ(rejected.body["stage"], "rejected");

  // Another rep's lead does not exist for them, and nothing changes on it.
  EXPECT_EQ(post("e1", lead + std::to_string(c) + "/touches", R"({"channel":"call"})").status, 404);
  EXPECT_EQ(post("e1", "/api/v1/touches", json{{"lead", c}, {"channel", "call"}}.dump()).status,
            422);
  EXPECT_EQ(post("e1", lead + std::to_string(c) + "/transitions", R"({"to":"accepted"})").status,
            404);
  EXPECT_EQ(touches_of(c), 0);
  EXPECT_EQ(get("admin", lead + std::to_string(c)).body["stage"], "assigned");
  // A touch without a lead is a capture, which a rep does not make.
  EXPECT_EQ(post("e1", "/api/v1/touches", R"({"campaign":"web-1","channel":"call"})").status, 403);
}

TEST_F(DeskApiTest, MyLeadsHoldsTheSignedInRepsLeadsWithTheirFiguresAndTheTeams) {
  const int64_t a = capture("ana", "VP", "EMEA"), b = capture("ben", "Manager", "EMEA"),
                c = capture("cai", "VP", "EMEA");
  assign(a, "e1");
  assign(b, "e1");
  assign(c, "e2");

  Reply home = get("e1", "/api/v1/me/leads");
  ASSERT_EQ(home.status, 200) << home.text;
  EXPECT_EQ(home.body["rep"], json({{"key", "e1"}, {"name", "Erin One"}, {"team", "emea"}}));
  EXPECT_EQ(home.body["open"], 2);
  // Due now: the earliest deadline first (hot: 4 h, warm: 48 h).
  EXPECT_EQ(home.body["due_now"]["total"], 2);
  EXPECT_EQ(ids(home.body["due_now"]["leads"]), (std::vector<int64_t>{a, b}));
  EXPECT_EQ(home.body["due_now"]["leads"][0]["owner_name"], "Erin One");
  EXPECT_EQ(home.body["due_now"]["leads"][0]["follow_up"]["due_at"], "2026-03-02T13:00:00.000Z");
  EXPECT_EQ(home.body["recently_assigned"]["total"], 2);
  EXPECT_EQ(home.body["follow_ups_today"]["total"], 0);
  EXPECT_EQ(home.body["figures"]["mine"]["assigned"], 2);
  EXPECT_EQ(home.body["figures"]["team"]["assigned"], 3);
  EXPECT_EQ(home.body["figures"]["team"]["name"], "emea");

  // Accepted: no longer due; the rate follows, the team's with it.
  ASSERT_EQ(
      post("e1", "/api/v1/leads/" + std::to_string(a) + "/transitions", R"({"to":"accepted"})")
          .status,
      200);
  home = get("e1", "/api/v1/me/leads");
  EXPECT_EQ(ids(home.body["due_now"]["leads"]), (std::vector<int64_t>{b}));
  EXPECT_EQ(home.body["figures"]["mine"]["accepted"], 1);
  EXPECT_DOUBLE_EQ(home.body["figures"]["mine"]["acceptance_rate"].get<double>(), 0.5);
  EXPECT_EQ(home.body["figures"]["team"]["accepted"], 1);
  EXPECT_EQ(home.body["figures"]["mine"]["median_response_hours"], 0.0);

  // A week without a touch: the accepted lead is due a follow-up today.
  ASSERT_EQ(post("admin", "/api/v1/clock", R"({"now":"2026-03-09T10:00:00Z"})").status, 200);
  home = get("e1", "/api/v1/me/leads");
  EXPECT_EQ(ids(home.body["follow_ups_today"]["leads"]), (std::vector<int64_t>{a}));
  for (const json& l : home.body["recently_assigned"]["leads"])
    EXPECT_NE(l["id"], a) << "assigned 7 days ago";

  // The other rep sees their own one lead; a caller without a rep, none.
  Reply other = get("e2", "/api/v1/me/leads");
  ASSERT_EQ(other.status, 200) << other.text;
  for (const char* list : {"due_now", "follow_ups_today", "recently_assigned"}) {
    for (const json& l : other.body[list]["leads"]) EXPECT_EQ(l["owner"], "e2") << list;
  }
  EXPECT_EQ(get("admin", "/api/v1/me/leads").status, 403);
  EXPECT_EQ(get("mgr-emea", "/api/v1/me/leads").status, 403);
}

TEST_F(DeskApiTest, ATeamManagerSeesAndAssignsTheTeamsLeadsOnly) {
  const int64_t warm = capture("wes", "Manager", "EMEA"), hot = capture("hal", "VP", "EMEA");
  const int64_t unqualified = capture("uma", "VP", "EMEA", false), na = capture("nat", "VP", "NA");

  // The EMEA desk: hot first, the unqualified lead counted but kept off,
  // the NA lead absent.
  Reply desk = get("mgr-emea", "/api/v1/desk");
  ASSERT_EQ(desk.status, 200) << desk.text;
  EXPECT_EQ(ids(desk.body["leads"]), (std::vector<int64_t>{hot, warm}));
  EXPECT_EQ(desk.body["total"], 2);
  EXPECT_EQ(desk.body["by_grade"],
            json({{"hot", 1}, {"warm", 1}, {"cold", 0}, {"ungraded", 0}, {"unqualified", 1}}));
  EXPECT_EQ(desk.body["next_cursor"], nullptr);
  EXPECT_EQ(ids(get("mgr-emea", "/api/v1/desk?grade=unqualified").body["leads"]),
            (std::vector<int64_t>{unqualified}));
  // Pages of one.
  Reply first = get("mgr-emea", "/api/v1/desk?limit=1");
  EXPECT_EQ(ids(first.body["leads"]), (std::vector<int64_t>{hot}));
  ASSERT_EQ(first.body["next_cursor"], "1");
  Reply second = get("mgr-emea", "/api/v1/desk?limit=1&cursor=1");
  EXPECT_EQ(ids(second.body["leads"]), (std::vector<int64_t>{warm}));
  EXPECT_EQ(second.body["next_cursor"], nullptr);
  // NA's desk and the admin's.
  EXPECT_EQ(ids(get("mgr-na", "/api/v1/desk").body["leads"]), (std::vector<int64_t>{na}));
  EXPECT_EQ(ids(get("admin", "/api/v1/desk").body["leads"]), (std::vector<int64_t>{hot, na, warm}));
  // The queue, the lead list and the lead itself agree.
  EXPECT_EQ(ids(get("mgr-emea", "/api/v1/queue").body["leads"]),
            (std::vector<int64_t>{warm, hot, unqualified}));
  EXPECT_EQ(ids(get("mgr-emea", "/api/v1/leads").body["leads"]),
            (std::vector<int64_t>{warm, hot, unqualified}));
  EXPECT_EQ(get("mgr-emea", "/api/v1/reports/funnel").body["groups"][0]["leads"], 3);
  EXPECT_EQ(get("mgr-emea", "/api/v1/leads/" + std::to_string(na)).status, 404);

  // Assigning the NA lead is refused as unknown; the EMEA one goes.
  Reply bulk =
      post("mgr-emea", "/api/v1/assignments", json{{"leads", {na, hot}}, {"rep", "e1"}}.dump());
  ASSERT_EQ(bulk.status, 200) << bulk.text;
  EXPECT_EQ(bulk.body["assigned"], 1);
  EXPECT_EQ(bulk.body["results"][0]["lead"], na);
  EXPECT_EQ(bulk.body["results"][0]["error"]["code"], "not_found");
  EXPECT_EQ(bulk.body["results"][1]["owner"], "e1");
  Reply only_hidden =
      post("mgr-emea", "/api/v1/assignments", json{{"leads", {na}}, {"rep", "e1"}}.dump());
  ASSERT_EQ(only_hidden.status, 200) << only_hidden.text;
  EXPECT_EQ(only_hidden.body["refused"], 1);
  EXPECT_EQ(only_hidden.body["results"][0]["error"]["code"], "not_found");
  EXPECT_EQ(
      post("mgr-emea", "/api/v1/leads/" + std::to_string(na) + "/assignment", R"({"rep":"e1"})")
          .status,
      404);
  EXPECT_EQ(get("admin", "/api/v1/leads/" + std::to_string(na)).body["owner"], nullptr);
  // Nor to another team's rep.
  EXPECT_EQ(
      post("mgr-emea", "/api/v1/leads/" + std::to_string(warm) + "/assignment", R"({"rep":"n1"})")
          .status,
      403);

  // Past the hot SLA: on the overdue list, named, for EMEA only.
  ASSERT_EQ(post("admin", "/api/v1/clock", R"({"now":"2026-03-02T14:00:00Z"})").status, 200);
  Reply overdue = get("mgr-emea", "/api/v1/desk?list=overdue");
  ASSERT_EQ(overdue.status, 200) << overdue.text;
  EXPECT_EQ(ids(overdue.body["leads"]), (std::vector<int64_t>{hot}));
  EXPECT_EQ(overdue.body["leads"][0]["owner_name"], "Erin One");
  EXPECT_EQ(overdue.body["leads"][0]["first_name"], "hal");
  EXPECT_EQ(get("mgr-na", "/api/v1/desk?list=overdue").body["total"], 0);
  // Stalled since 09:00 (days=0: any time before now): hot first, the
  // unqualified lead counted and kept off, NA's lead not EMEA's business.
  Reply stalled = get("mgr-emea", "/api/v1/desk?list=stalled&days=0");
  ASSERT_EQ(stalled.status, 200) << stalled.text;
  EXPECT_EQ(ids(stalled.body["leads"]), (std::vector<int64_t>{hot, warm}));
  EXPECT_EQ(stalled.body["by_grade"]["unqualified"], 1);
  EXPECT_EQ(stalled.body["leads"][0]["owner_name"], "Erin One");
  EXPECT_DOUBLE_EQ(stalled.body["leads"][1]["stalled_days"].get<double>(), 5.0 / 24);
  EXPECT_EQ(ids(get("admin", "/api/v1/desk?list=stalled&days=0").body["leads"]),
            (std::vector<int64_t>{hot, na, warm}));
  EXPECT_EQ(get("e1", "/api/v1/desk").status, 403);
}

}  // namespace
}  // namespace leadloop
