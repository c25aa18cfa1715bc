// Access over HTTP against the real server: every route x every role
// against the expectations in tests/data/access/routes.txt; two vendors
// never see each other's leads in any list, record, export or campaign;
// reps and team managers see their own; sign-in sessions with CSRF, lockout,
// disabled users, expired and revoked tokens, rate limits and the security
// headers.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "api/server.h"
#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

const std::vector<std::string> kRoles = {"admin", "marketing", "sales_manager", "sales_rep", "vendor", "viewer"};

// "METHOD PATH" -> allowed roles; "public" routes map to {"public"}.
std::map<std::string, std::set<std::string>> expected_routes() {
  std::ifstream in(std::string(LEADLOOP_TEST_DATA) + "/access/routes.txt");
  std::map<std::string, std::set<std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string first, method, path, role;
    words >> first;
    if (first == "public") {
      words >> method >> path;
      out[method + " " + path] = {"public"};
      continue;
    }
    words >> path;
    std::set<std::string>& roles = out[first + " " + path];
    while (words >> role) roles.insert(role);
  }
  return out;
}

class AccessApiTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = dir_.file("access.db"); }

  void start(std::vector<std::string> extra = {}) { server_ = std::make_unique<ServerProcess>(db_, extra); }

  Reply post(const std::string& token, const std::string& path, const std::string& body,
             const char* type = "application/json") {
    return reply_of(server_->client(token)->Post(path.c_str(), body, type));
  }
  Reply put(const std::string& token, const std::string& path, const std::string& body) {
    return reply_of(server_->client(token)->Put(path.c_str(), body, "application/json"));
  }
  Reply get(const std::string& token, const std::string& path) {
    if (path == "/api/v1/stream") return get_stream(token, path);
    return reply_of(server_->client(token)->Get(path.c_str()));
  }
  // The live stream never ends by itself: its status and first chunk, then
  // hang up (an error answer is read whole).
  Reply get_stream(const std::string& token, const std::string& path) {
    Reply r;
    server_->client(token)->Get(
        path.c_str(),
        [&](const httplib::Response& res) {
          r.status = res.status;
          r.headers = res.headers;
          return true;
        },
        [&](const char* data, size_t n) {
          r.text.append(data, n);
          return r.status != 200;
        });
    r.body = json::parse(r.text, nullptr, false);
    return r;
  }
  // A request with only these headers (a browser with a cookie).
  Reply raw(const std::string& method, const std::string& path, const httplib::Headers& headers,
            const std::string& body = "", const char* type = "application/json") {
    auto c = server_->client();
    if (method == "GET") return reply_of(c->Get(path.c_str(), headers));
    return reply_of(c->Post(path.c_str(), headers, body, type));
  }

  int64_t capture(const std::string& token, const std::string& email, const std::string& campaign,
                  const std::string& region = "") {
    json lead = {{"email", email}, {"source_campaign", campaign}};
    if (!region.empty()) lead["region"] = region;
    Reply r = post(token, "/api/v1/leads", lead.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("id", int64_t{0});
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<ServerProcess> server_;
};

// Every route of the server is in the expectations and the reverse; each
// role gets 403 exactly where the expectations say it may not go.
TEST_F(AccessApiTest, EveryRouteTimesEveryRoleMatchesTheTable) {
  std::map<std::string, std::string> tokens;
  for (const std::string& role : kRoles) {
    std::vector<std::string> bound;
    if (role == "vendor") bound = {"--vendor", "CallPro"};
    if (role == "sales_rep") bound = {"--rep", "e1"};
    tokens[role] = testing::create_token(db_, role, bound);
  }
  start();
  const std::string admin = tokens["admin"];
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"tm-1","channel":"telemarketing","vendor":"CallPro"})").status,
            201);
  const int64_t lead = capture(admin, "ann@example.com", "tm-1");
  // Another party's lead, won with revenue: no vendor answer may name it or
  // its money, no viewer answer any lead.
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"web-9","channel":"web"})").status, 201);
  const int64_t other = capture(admin, "other-party@example.net", "web-9");
  for (const char* body : {R"({"to":"qualified"})", R"({"to":"working"})", R"({"to":"accepted"})",
                           R"({"to":"opportunity","amount":5123,"expected_close":"2026-12-01"})",
                           R"({"to":"won","revenue":4817})"}) {
    post(admin, "/api/v1/leads/" + std::to_string(other) + "/transitions", body);
  }
  ASSERT_EQ(get(admin, "/api/v1/leads/" + std::to_string(other)).body["stage"], "won");
  // What an answer to `role` may not hold.
  const std::map<std::string, std::vector<std::string>> kNever = {
      {"vendor", {"other-party@", "web-9", "4817", "5123", "revenue_cents", "amount_cents"}},
      {"viewer", {"other-party@", "ann@example.com", "\"email\""}},
  };

  auto expected = expected_routes();
  std::set<std::string> served;
  for (const api::RouteInfo& route : api::api_routes()) {
    const std::string action = route.method + " " + route.path;
    served.insert(action);
    ASSERT_TRUE(expected.count(action)) << action << " is served but not in tests/data/access/routes.txt";
    const std::set<std::string>& allowed = expected[action];
    EXPECT_EQ(allowed.count("public") > 0, !route.authenticated) << action;
    std::string path = std::regex_replace(route.path, std::regex(R"(\{id\})"),
                                          route.path.starts_with("/api/v1/tokens/") ? "999999" : std::to_string(lead));
    path = std::regex_replace(path, std::regex(R"(\{key\})"), "tm-1");
    path = std::regex_replace(path, std::regex(R"(\{version\})"), "1");
    path = std::regex_replace(path, std::regex(R"(\{login\})"), "nobody");
    path = std::regex_replace(path, std::regex(R"(\{token\})"), "flk_not-a-real-link");
    path = std::regex_replace(path, std::regex(R"(\{file\})"), "app.js");
    if (!route.authenticated) {
      Reply r = route.method == "GET" ? get("", path) : post("", path, "{}");
      // No credentials needed (a feedback link is its own credential: a
      // made-up one is refused with 401, as it should be).
      EXPECT_GT(r.status, 0) << action;
      EXPECT_NE(r.status, 403) << action << ": " << r.text;
      continue;
    }
    Reply none = route.method == "GET" ? get("", path) : route.method == "PUT" ? put("", path, "{}") : post("", path, "{}");
    EXPECT_EQ(none.status, 401) << action << " without credentials";
    for (const std::string& role : kRoles) {
      const std::string& t = tokens[role];
      // A body every write refuses before acting, so the walk changes
      // nothing (or nothing that matters to the next request).
      Reply r = route.method == "GET" ? get(t, path) : route.method == "PUT" ? put(t, path, "{}") : post(t, path, "{}");
      if (allowed.count(role)) {
        EXPECT_NE(r.status, 403) << action << " as " << role << ": " << r.text;
        EXPECT_NE(r.status, 401) << action << " as " << role << ": " << r.text;
        // What the answer holds, not only whether there is one.
        const bool document = (action.starts_with("GET /api/v1/definition") && action.find("accuracy") == std::string::npos) ||
                              action == "GET /api/v1/openapi.json";
        if (kNever.count(role) && !document) {
          for (const std::string& word : kNever.at(role)) {
            EXPECT_EQ(r.text.find(word), std::string::npos) << action << " as " << role << " holds " << word << ": "
                                                             << r.text.substr(0, 2000);
          }
        }
      } else {
        EXPECT_EQ(r.status, 403) << action << " as " << role << ": " << r.text;
        if (r.status == 403) {
          EXPECT_EQ(r.body["error"]["code"], "forbidden") << action;
        }
      }
    }
  }
  for (const auto& [action, roles] : expected) EXPECT_TRUE(served.count(action)) << action << " is no longer served";
}

// Two vendors, each with a campaign and leads: neither sees the other's in
// any list, record, timeline, export, import, campaign or feedback view,
// and neither can write into the other's.
TEST_F(AccessApiTest, TwoVendorsNeverSeeEachOthersLeads) {
  const std::string admin = testing::create_token(db_, "admin");
  const std::string acme = testing::create_token(db_, "vendor", {"--vendor", "Acme Calls"});
  const std::string globex = testing::create_token(db_, "vendor", {"--vendor", "Globex"});
  start();
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"acme-1","channel":"telemarketing","vendor":"Acme Calls"})")
                .status,
            201);
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"globex-1","channel":"telemarketing","vendor":"globex"})")
                .status,
            201);
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
  std::vector<int64_t> acme_leads, globex_leads;
  for (int i = 0; i < 3; ++i) {
    acme_leads.push_back(capture(acme, "acme" + std::to_string(i) + "@example.com", "acme-1"));
    globex_leads.push_back(capture(globex, "globex" + std::to_string(i) + "@example.org", "globex-1"));
  }
  const int64_t web = capture(admin, "web@example.net", "web-1");
  // A deal won on an Acme lead: Globex must not see it, Acme sees no revenue.
  const std::string won = "/api/v1/leads/" + std::to_string(acme_leads[0]) + "/transitions";
  for (const char* body : {R"({"to":"qualified"})", R"({"to":"working"})"}) post(admin, won, body);

  struct Vendor {
    std::string token;
    std::vector<int64_t> own, other;
    std::string own_campaign, other_campaign, own_domain, other_domain;
  };
  const std::vector<Vendor> vendors = {
      {acme, acme_leads, globex_leads, "acme-1", "globex-1", "example.com", "example.org"},
      {globex, globex_leads, acme_leads, "globex-1", "acme-1", "example.org", "example.com"}};
  for (const Vendor& v : vendors) {
    Reply list = get(v.token, "/api/v1/leads?limit=1000");
    ASSERT_EQ(list.status, 200) << list.text;
    std::set<int64_t> seen;
    for (const json& l : list.body["leads"]) seen.insert(l["id"].get<int64_t>());
    EXPECT_EQ(seen, std::set<int64_t>(v.own.begin(), v.own.end()));
    for (int64_t id : v.other) {
      EXPECT_EQ(get(v.token, "/api/v1/leads/" + std::to_string(id)).status, 404);
      EXPECT_EQ(get(v.token, "/api/v1/leads/" + std::to_string(id) + "/timeline").status, 404);
      EXPECT_EQ(post(v.token, "/api/v1/leads/" + std::to_string(id) + "/touches",
                     R"({"channel":"phone","direction":"outbound","outcome":"connected"})")
                    .status,
                404);
      EXPECT_EQ(post(v.token, "/api/v1/touches",
                     json{{"lead", id}, {"channel", "phone"}, {"direction", "outbound"}, {"outcome", "connected"}}.dump())
                    .status,
                422);
    }
    EXPECT_EQ(get(v.token, "/api/v1/leads/" + std::to_string(web)).status, 404);
    EXPECT_EQ(get(v.token, "/api/v1/leads/" + std::to_string(v.own[1])).status, 200);
    // Search finds nothing of the other's.
    Reply search = get(v.token, "/api/v1/leads?q=" + v.other_domain);
    EXPECT_EQ(search.body["leads"].size(), 0u) << search.text;
    // The export holds its own leads only.
    Reply csv = get(v.token, "/api/v1/exports/leads.csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.text.find(v.other_domain), std::string::npos) << csv.text;
    EXPECT_EQ(csv.text.find("web@"), std::string::npos);
    EXPECT_NE(csv.text.find(v.own_domain), std::string::npos);
    // Campaigns: its own only.
    Reply campaigns = get(v.token, "/api/v1/campaigns");
    ASSERT_EQ(campaigns.body["campaigns"].size(), 1u) << campaigns.text;
    EXPECT_EQ(campaigns.body["campaigns"][0]["key"], v.own_campaign);
    EXPECT_EQ(get(v.token, "/api/v1/campaigns/" + v.other_campaign).status, 404);
    EXPECT_EQ(get(v.token, "/api/v1/campaigns/" + v.other_campaign + "/feedback").status, 404);
    EXPECT_EQ(get(v.token, "/api/v1/campaigns/" + v.own_campaign + "/feedback").status, 200);
    // No capture into the other's campaign, one by one, in bulk or by file.
    Reply one = post(v.token, "/api/v1/leads", json{{"email", "x@x.io"}, {"source_campaign", v.other_campaign}}.dump());
    EXPECT_EQ(one.status, 403) << one.text;
    Reply bulk = post(v.token, "/api/v1/leads/bulk",
                      json{{"leads",
                            {{{"email", "y@y.io"}, {"source_campaign", v.other_campaign}},
                             {{"email", "z" + v.own_campaign + "@z.io"}, {"source_campaign", v.own_campaign}}}}}
                          .dump());
    ASSERT_EQ(bulk.status, 200) << bulk.text;
    EXPECT_EQ(bulk.body["rejected"], 1);
    EXPECT_EQ(bulk.body["results"][0]["error"]["code"], "forbidden");
    EXPECT_EQ(bulk.body["created"], 1);
    Reply file = post(v.token, "/api/v1/imports?campaign=" + v.other_campaign, "email\nq@q.io\n", "text/csv");
    EXPECT_EQ(file.status, 403) << file.text;
  }
  // Capturing a person Acme already has neither reads nor writes Acme's lead,
  // nor tells Globex that Acme has them: the answer is the one a new person
  // gets (docs/security.md, "Capturing a person another party has"), also as
  // a dry run, in bulk or by file, and Globex gets a lead of its own.
  Reply timeline_before = get(admin, "/api/v1/leads/" + std::to_string(acme_leads[1]) + "/timeline");
  // The answer but for what the caller sent and the clock.
  auto without_email = [](json body) {
    if (body.contains("lead")) {
      for (const char* key : {"email", "created_at", "updated_at"}) body["lead"].erase(key);
    }
    return body;
  };
  {
    Reply known = post(globex, "/api/v1/leads?dry_run=true",
                       R"({"email":"acme1@example.com","phone":"+1 555 0100","source_campaign":"globex-1"})");
    Reply fresh = post(globex, "/api/v1/leads?dry_run=true",
                       R"({"email":"fresh1@example.com","phone":"+1 555 0100","source_campaign":"globex-1"})");
    EXPECT_EQ(known.status, fresh.status) << known.text;
    EXPECT_EQ(without_email(known.body), without_email(fresh.body)) << known.text << "\n" << fresh.text;
  }
  Reply same = post(globex, "/api/v1/leads", R"({"email":"acme1@example.com","source_campaign":"globex-1"})");
  ASSERT_EQ(same.status, 201) << same.text;
  EXPECT_EQ(same.body["status"], "created");
  const int64_t globex_own = same.body["id"].get<int64_t>();
  EXPECT_NE(globex_own, acme_leads[1]);
  EXPECT_EQ(same.text.find("acme-1"), std::string::npos) << same.text;
  EXPECT_EQ(same.body["lead"]["source_campaign"], "globex-1");
  EXPECT_EQ(get(globex, "/api/v1/leads/" + std::to_string(globex_own)).status, 200);
  // Searching the email finds Globex's own lead of the person, not Acme's.
  Reply found = get(globex, "/api/v1/leads?q=ACME1@example.com");
  ASSERT_EQ(found.body["leads"].size(), 1u) << found.text;
  EXPECT_EQ(found.body["leads"][0]["id"], globex_own);
  // Captured again, the person merges into Globex's own lead, not Acme's.
  Reply again = post(globex, "/api/v1/leads", R"({"email":"ACME1@example.com","source_campaign":"globex-1"})");
  EXPECT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["id"], globex_own);
  Reply same_bulk = post(globex, "/api/v1/leads/bulk",
                         R"({"leads":[{"email":"acme2@example.com","source_campaign":"globex-1"},
                                      {"email":"fresh2@example.com","source_campaign":"globex-1"}]})");
  EXPECT_EQ(same_bulk.body["created"], 2) << same_bulk.text;
  EXPECT_EQ(same_bulk.body["rejected"], 0);
  for (int i : {0, 1}) EXPECT_NE(same_bulk.body["results"][i]["id"], acme_leads[2]);
  Reply same_file = post(globex, "/api/v1/imports?campaign=globex-1", "email\nacme0@example.com\nfresh3@example.com\n",
                         "text/csv");
  EXPECT_EQ(same_file.body["import"]["created"], 2) << same_file.text;
  EXPECT_EQ(same_file.body["import"]["rejected"], 0);
  EXPECT_EQ(same_file.body["errors"].size(), 0u);
  EXPECT_EQ(get(admin, "/api/v1/leads/" + std::to_string(acme_leads[1]) + "/timeline").body["events"],
            timeline_before.body["events"])
      << "Acme's lead is untouched";
  // Marketing, who may see both, merges as ever.
  const std::string marketing_token = testing::create_token(db_, "marketing");
  EXPECT_EQ(post(marketing_token, "/api/v1/leads", R"({"email":"acme1@example.com","source_campaign":"globex-1"})")
                .status,
            200);
  // A vendor never sees deal amounts or revenue, in a timeline or a campaign view.
  for (const char* body : {R"({"to":"accepted"})", R"({"to":"opportunity","amount":5000,"expected_close":"2026-12-01"})",
                           R"({"to":"won","revenue":4800})"}) {
    Reply moved = post(admin, won, body);
    ASSERT_EQ(moved.status, 200) << body << moved.text;
  }
  Reply acme_timeline = get(acme, "/api/v1/leads/" + std::to_string(acme_leads[0]) + "/timeline");
  ASSERT_EQ(acme_timeline.status, 200);
  for (const char* key : {"amount", "revenue", "amount_cents", "revenue_cents"}) {
    EXPECT_EQ(acme_timeline.text.find(std::string("\"") + key + "\""), std::string::npos) << key;
  }
  EXPECT_NE(get(admin, "/api/v1/leads/" + std::to_string(acme_leads[0]) + "/timeline").text.find("revenue"),
            std::string::npos);
  Reply acme_feedback = get(acme, "/api/v1/campaigns/acme-1/feedback");
  EXPECT_TRUE(acme_feedback.body["outcomes"]["revenue"].is_null()) << acme_feedback.text;
  EXPECT_EQ(get(admin, "/api/v1/campaigns/acme-1/feedback").body["outcomes"]["revenue"], 4800.0);
  // Nor in the events export, the reports or the goals.
  const auto money_free = [](const std::string& text) {
    for (const char* key : {"amount_cents", "revenue_cents", "\"amount\"", "\"revenue\"", "4800", "5000"}) {
      if (text.find(key) != std::string::npos) return ::testing::AssertionFailure() << key << " in " << text;
    }
    return ::testing::AssertionSuccess();
  };
  Reply acme_events = get(acme, "/api/v1/exports/events.csv");
  ASSERT_EQ(acme_events.status, 200);
  EXPECT_TRUE(money_free(acme_events.text));
  EXPECT_NE(acme_events.text.find("opportunity"), std::string::npos) << "the move itself is there";
  EXPECT_NE(get(admin, "/api/v1/exports/events.csv").text.find("revenue_cents"), std::string::npos);
  EXPECT_TRUE(money_free(get(acme, "/api/v1/exports/leads.csv").text));
  for (const char* report : {"/api/v1/reports/campaigns", "/api/v1/reports/attribution",
                             "/api/v1/reports/forecast?by=campaign", "/api/v1/reports/funnel?by=campaign"}) {
    Reply r = get(acme, report);
    ASSERT_EQ(r.status, 200) << report << r.text;
    for (const char* key : {"4800", "5000"}) {
      EXPECT_EQ(r.text.find(key), std::string::npos) << report << ": " << key << " in " << r.text;
    }
  }
  EXPECT_TRUE(get(acme, "/api/v1/reports/campaigns").body["campaigns"][0]["revenue"].is_null());
  EXPECT_EQ(get(admin, "/api/v1/reports/campaigns?campaign=acme-1").body["campaigns"][0]["revenue"], 4800.0);
  const std::string revenue_goal =
      R"({"name":"Acme revenue","metric":"revenue","target":10000,"starts_at":"2026-01-01T00:00:00Z",)"
      R"("ends_at":"2027-01-01T00:00:00Z","vendor":"Acme Calls"})";
  Reply set_by_vendor = post(acme, "/api/v1/goals", revenue_goal);
  EXPECT_EQ(set_by_vendor.status, 403) << set_by_vendor.text;
  Reply set_by_admin = post(admin, "/api/v1/goals", revenue_goal);
  ASSERT_EQ(set_by_admin.status, 201) << set_by_admin.text;
  const std::string goal_path = "/api/v1/goals/" + std::to_string(set_by_admin.body["id"].get<int64_t>());
  EXPECT_EQ(get(acme, goal_path).status, 404);
  EXPECT_EQ(post(acme, goal_path + "/approvals", R"({"side":"vendor"})").status, 404);
  Reply acme_goals = get(acme, "/api/v1/goals");
  ASSERT_EQ(acme_goals.status, 200);
  EXPECT_EQ(acme_goals.body["goals"].size(), 0u) << acme_goals.text;
  Reply leads_goal = post(acme, "/api/v1/goals",
                          R"({"name":"Acme leads","metric":"qualified_leads","target":10,)"
                          R"("starts_at":"2026-01-01T00:00:00Z","ends_at":"2027-01-01T00:00:00Z"})");
  EXPECT_EQ(leads_goal.status, 201) << leads_goal.text << " (other goals stay the vendor's to set)";
  EXPECT_EQ(get(acme, "/api/v1/goals").body["goals"].size(), 1u);
  // Touches count for the vendor's own campaigns only.
  EXPECT_EQ(post(acme, "/api/v1/leads/" + std::to_string(acme_leads[2]) + "/touches",
                 R"({"campaign":"globex-1","channel":"call","direction":"outbound","outcome":"connected"})")
                .status,
            403);
  // Acme's import is its own; Globex cannot read it.
  Reply imported = post(acme, "/api/v1/imports?campaign=acme-1", "email\nimp@example.com\n", "text/csv");
  ASSERT_EQ(imported.status, 201) << imported.text;
  const std::string import_path = "/api/v1/imports/" + std::to_string(imported.body["import"]["id"].get<int64_t>());
  EXPECT_EQ(get(acme, import_path).status, 200);
  EXPECT_EQ(get(globex, import_path).status, 404);
  EXPECT_EQ(get(globex, import_path + "/errors").status, 404);
  // Marketing sees everything.
  Reply all = get(marketing_token, "/api/v1/leads?limit=1000");
  // 3 + 3 + the web lead + 2 in bulk + Globex's own of acme1, acme2, fresh2,
  // acme0, fresh3 + 1 imported by Acme.
  EXPECT_EQ(all.body["leads"].size(), 15u) << all.text;
}

TEST_F(AccessApiTest, RepsSeeTheirOwnLeadsAndTeamManagersTheirTeams) {
  const std::string admin = testing::create_token(db_, "admin");
  const std::string e1 = testing::create_token(db_, "sales_rep", {"--rep", "e1"});
  const std::string emea = testing::create_token(db_, "sales_manager", {"--team", "emea"});
  start();
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
  ASSERT_EQ(post(admin, "/api/v1/teams", R"({"key":"emea","region":"EMEA"})").status, 201);
  ASSERT_EQ(post(admin, "/api/v1/teams", R"({"key":"na","region":"NA"})").status, 201);
  for (auto [rep, team] : {std::pair{"e1", "emea"}, std::pair{"e2", "emea"}, std::pair{"n1", "na"}}) {
    ASSERT_EQ(post(admin, "/api/v1/reps", json{{"key", rep}, {"team", team}}.dump()).status, 201);
  }
  std::map<std::string, int64_t> lead;
  // Nobody's leads: EMEA's is in the EMEA team's scope, NA's is not.
  for (const char* who : {"e1", "e2", "n1", "nobody", "nobody-na"}) {
    const std::string region = std::string(who) == "nobody-na" ? "NA" : "EMEA";
    lead[who] = capture(admin, std::string(who) + "@example.com", "web-1", region);
    if (std::string(who).rfind("nobody", 0) != 0) {
      Reply a = post(admin, "/api/v1/leads/" + std::to_string(lead[who]) + "/assignment", json{{"rep", who}}.dump());
      ASSERT_EQ(a.status, 200) << a.text;
    }
  }
  auto ids = [&](const std::string& token) {
    std::set<int64_t> out;
    const Reply list = get(token, "/api/v1/leads");
    for (const json& l : list.body["leads"]) out.insert(l["id"].get<int64_t>());
    return out;
  };
  EXPECT_EQ(ids(e1), std::set<int64_t>{lead["e1"]});
  EXPECT_EQ(ids(emea), (std::set<int64_t>{lead["e1"], lead["e2"], lead["nobody"]}));
  // A rep moves their own lead, not a colleague's.
  EXPECT_EQ(post(e1, "/api/v1/leads/" + std::to_string(lead["e1"]) + "/transitions", R"({"to":"accepted"})").status,
            200);
  EXPECT_EQ(post(e1, "/api/v1/leads/" + std::to_string(lead["e2"]) + "/transitions", R"({"to":"accepted"})").status,
            404);
  // The EMEA manager cannot touch NA's leads, alone or in a bulk assignment.
  EXPECT_EQ(get(emea, "/api/v1/leads/" + std::to_string(lead["n1"])).status, 404);
  EXPECT_EQ(get(emea, "/api/v1/leads/" + std::to_string(lead["nobody-na"])).status, 404);
  Reply bulk = post(emea, "/api/v1/assignments",
                    json{{"leads", {lead["n1"], lead["nobody"]}}, {"rep", "e2"}, {"reason", "cover"}}.dump());
  ASSERT_EQ(bulk.status, 200) << bulk.text;
  EXPECT_EQ(bulk.body["assigned"], 1);
  EXPECT_EQ(bulk.body["results"][0]["error"]["code"], "not_found");
  EXPECT_EQ(bulk.body["results"][1]["owner"], "e2");
  // Nor widen their scope: no moving NA's rep into EMEA, no other team,
  // no assigning to NA's reps.
  EXPECT_EQ(put(emea, "/api/v1/reps/n1", R"({"team":"emea"})").status, 403);
  EXPECT_EQ(post(emea, "/api/v1/reps", R"({"key":"n2","team":"na"})").status, 403);
  EXPECT_EQ(post(emea, "/api/v1/teams", R"({"key":"na","region":"NA","manager":"e1"})").status, 403);
  EXPECT_EQ(post(emea, "/api/v1/reps", R"({"key":"e3","team":"emea"})").status, 201);
  EXPECT_EQ(put(emea, "/api/v1/reps/e3", R"({"away":true})").status, 200);
  Reply other_team = post(emea, "/api/v1/leads/" + std::to_string(lead["nobody"]) + "/assignment",
                          R"({"rep":"n1","reason":"cover"})");
  EXPECT_EQ(other_team.status, 403) << other_team.text;
  EXPECT_EQ(get(emea, "/api/v1/leads/" + std::to_string(lead["n1"])).status, 404);
}

// A viewer reads figures, never leads: the stalled report and the accuracy
// review count them but list none. A team's manager lists its team's
// stalled leads, queue and imports only.
TEST_F(AccessApiTest, ViewersGetFiguresAndTeamManagersTheirTeamsRowsOnly) {
  const std::string admin = testing::create_token(db_, "admin");
  const std::string viewer = testing::create_token(db_, "viewer");
  const std::string emea = testing::create_token(db_, "sales_manager", {"--team", "emea"});
  const std::string marketing = testing::create_token(db_, "marketing");
  start({"--manual-clock", "2026-03-02T09:00:00Z"});
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
  ASSERT_EQ(post(admin, "/api/v1/teams", R"({"key":"emea","region":"EMEA"})").status, 201);
  ASSERT_EQ(post(admin, "/api/v1/teams", R"({"key":"na","region":"NA"})").status, 201);
  for (auto [rep, team] : {std::pair{"e1", "emea"}, std::pair{"n1", "na"}}) {
    ASSERT_EQ(post(admin, "/api/v1/reps", json{{"key", rep}, {"team", team}}.dump()).status, 201);
  }
  std::map<std::string, int64_t> lead;
  for (const char* who : {"e1", "n1"}) {
    lead[who] = capture(admin, std::string(who) + "@example.com", "web-1");
    ASSERT_EQ(post(admin, "/api/v1/leads/" + std::to_string(lead[who]) + "/assignment", json{{"rep", who}}.dump()).status,
              200);
  }
  ASSERT_EQ(post(admin, "/api/v1/clock", R"({"now":"2026-03-12T09:00:00Z"})").status, 200);
  const std::string stalled = "/api/v1/reports/stalled?days=2&by=owner&segment=" +
                              httplib::detail::encode_query_param("stage == \"assigned\"");
  Reply as_admin = get(admin, stalled);
  ASSERT_EQ(as_admin.status, 200) << as_admin.text;
  EXPECT_EQ(as_admin.body["stalled"], 2);
  EXPECT_EQ(as_admin.body["leads"].size(), 2u);
  Reply as_viewer = get(viewer, stalled);
  ASSERT_EQ(as_viewer.status, 200) << as_viewer.text;
  EXPECT_EQ(as_viewer.body["stalled"], 2) << "the figures";
  EXPECT_EQ(as_viewer.body["leads"].size(), 0u) << "no lead: " << as_viewer.text;
  Reply as_emea = get(emea, stalled);
  ASSERT_EQ(as_emea.body["leads"].size(), 1u) << as_emea.text;
  EXPECT_EQ(as_emea.body["leads"][0]["id"], lead["e1"]);
  // The accuracy review: counts for the viewer, no lead rows.
  Reply accuracy = get(viewer, "/api/v1/definition/accuracy");
  ASSERT_EQ(accuracy.status, 200) << accuracy.text;
  EXPECT_EQ(accuracy.body["review_queue"].size(), 0u);
  EXPECT_EQ(accuracy.body["reviewed"].size(), 0u);
  EXPECT_TRUE(accuracy.body.contains("review_queue_total"));
  EXPECT_EQ(accuracy.text.find("@example.com"), std::string::npos);
  // The queue (unassigned leads) holds no other team's lead, nor another
  // region's unowned one.
  const int64_t waiting = capture(admin, "waiting@example.com", "web-1", "EMEA");
  capture(admin, "waiting-in-na@example.com", "web-1", "NA");
  Reply queue = get(emea, "/api/v1/queue");
  ASSERT_EQ(queue.status, 200) << queue.text;
  std::set<int64_t> queued;
  for (const json& l : queue.body["leads"]) queued.insert(l["id"].get<int64_t>());
  EXPECT_EQ(queued, std::set<int64_t>{waiting});
  // Imports: a team's manager reads its own, not marketing's rejected rows.
  Reply theirs = post(marketing, "/api/v1/imports?campaign=web-1", "email\nnot-an-email\n", "text/csv");
  ASSERT_EQ(theirs.status, 201) << theirs.text;
  const std::string theirs_path = "/api/v1/imports/" + std::to_string(theirs.body["import"]["id"].get<int64_t>());
  EXPECT_EQ(get(emea, theirs_path).status, 404);
  EXPECT_EQ(get(emea, theirs_path + "/errors").status, 404);
  EXPECT_EQ(get(admin, theirs_path + "/errors").status, 200);
  Reply own = post(emea, "/api/v1/imports?campaign=web-1", "email\nalso-not-an-email\n", "text/csv");
  ASSERT_EQ(own.status, 201) << own.text;
  const std::string own_path = "/api/v1/imports/" + std::to_string(own.body["import"]["id"].get<int64_t>());
  Reply own_errors = get(emea, own_path + "/errors");
  ASSERT_EQ(own_errors.status, 200) << own_errors.text;
  EXPECT_EQ(own_errors.body["errors"].size(), 1u);
}

// Consent: a vendor's callers record an opt-out, never lift one.
TEST_F(AccessApiTest, AVendorRecordsAnOptOutButNeverLiftsOne) {
  const std::string admin = testing::create_token(db_, "admin");
  const std::string acme = testing::create_token(db_, "vendor", {"--vendor", "Acme Calls"});
  start();
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"acme-1","channel":"telemarketing","vendor":"Acme Calls"})")
                .status,
            201);
  const int64_t id = capture(acme, "optout@example.com", "acme-1");
  const std::string path = "/api/v1/leads/" + std::to_string(id) + "/consent";
  Reply denied = post(acme, path, R"({"phone":"denied","source":"call"})");
  ASSERT_EQ(denied.status, 200) << denied.text;
  EXPECT_EQ(denied.body["consent"]["phone"], "denied") << denied.text;
  for (const char* lift : {R"({"phone":"granted"})", R"({"phone":"unknown"})", R"({"email":"denied","phone":"granted"})"}) {
    Reply r = post(acme, path, lift);
    EXPECT_EQ(r.status, 403) << lift << r.text;
    EXPECT_EQ(r.body["error"]["code"], "forbidden");
  }
  EXPECT_EQ(get(admin, "/api/v1/leads/" + std::to_string(id)).body["consent"]["phone"], "denied");
  EXPECT_EQ(post(admin, path, R"({"phone":"granted"})").status, 200) << "the programme's own side may";
}

// The audit log holds no personal data: a path value that is no id and the
// login of a failed sign-in are written as a keyed hash; who signed in
// stays named.
TEST_F(AccessApiTest, TheAuditLogHoldsPseudonymsForLoginsThatFailedAndPathValuesThatAreNoIds) {
  const std::string admin = testing::create_token(db_, "admin");
  start();
  ASSERT_EQ(post(admin, "/api/v1/users", R"({"login":"maria","password":"correct horse battery","roles":"marketing"})")
                .status,
            201);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(post("", "/api/v1/session", R"({"login":"Maria","password":"wrong wrong wrong"})").status, 401);
  }
  EXPECT_EQ(post("", "/api/v1/session", R"({"login":"jane.doe@example.org","password":"wrong wrong wrong"})").status,
            401);
  ASSERT_EQ(post("", "/api/v1/session", R"({"login":"maria","password":"correct horse battery"})").status, 201);
  EXPECT_EQ(put(admin, "/api/v1/users/ann.lee@example.com", R"({"name":"x"})").status, 404);
  Reply audit = get(admin, "/api/v1/audit?limit=1000");
  ASSERT_EQ(audit.status, 200);
  std::vector<std::string> failed;
  std::string signed_in, user_path;
  for (const json& e : audit.body["entries"]) {
    if (e["action"] == "POST /api/v1/session") {
      (e["status"] == 201 ? signed_in : failed.emplace_back()) = e["record"].get<std::string>();
    }
    if (e["action"] == "PUT /api/v1/users/{login}" && e["status"] == 404) user_path = e["record"];
  }
  ASSERT_EQ(failed.size(), 3u) << audit.text;
  EXPECT_EQ(signed_in, "user:maria");
  EXPECT_TRUE(failed[0].starts_with("user:#")) << failed[0];
  EXPECT_EQ(failed[0], failed[1]) << "attempts on one login line up (compared without case)";
  EXPECT_NE(failed[0], failed[2]);
  EXPECT_TRUE(user_path.starts_with("user:#")) << user_path;
  for (const char* word : {"Maria\"", "jane.doe", "ann.lee", "example.org", "example.com"}) {
    EXPECT_EQ(audit.text.find(word), std::string::npos) << word << " in " << audit.text;
  }
}

// Failed sign-ins lock a login from the address they came from only, so
// nobody can lock a person out from elsewhere.
TEST_F(AccessApiTest, LockoutCountsPerLoginAndAddress) {
  const std::string admin = testing::create_token(db_, "admin");
  start();
  ASSERT_EQ(post(admin, "/api/v1/users", R"({"login":"maria","password":"correct horse battery","roles":"marketing"})")
                .status,
            201);
  auto sign_in_from = [&](const char* address, const std::string& password) {
    auto c = server_->client();
    c->set_interface(address);
    return reply_of(c->Post("/api/v1/session", json{{"login", "maria"}, {"password", password}}.dump(),
                            "application/json"));
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sign_in_from("127.0.0.2", "guess guess guess").status, 401);
  EXPECT_EQ(sign_in_from("127.0.0.2", "correct horse battery").status, 401) << "locked from there";
  Reply elsewhere = sign_in_from("127.0.0.3", "correct horse battery");
  EXPECT_EQ(elsewhere.status, 201) << "not from elsewhere: " << elsewhere.text;
  EXPECT_EQ(post("", "/api/v1/session", R"({"login":"maria","password":"correct horse battery"})").status, 201);
  Reply users = get(admin, "/api/v1/users");
  EXPECT_FALSE(users.body["users"][0]["locked_until"].is_null()) << users.text;
}

// Exports neutralise cells a spreadsheet would run as formulas (OWASP).
TEST_F(AccessApiTest, CsvExportsNeutraliseFormulas) {
  const std::string admin = testing::create_token(db_, "admin");
  start();
  ASSERT_EQ(post(admin, "/api/v1/campaigns", R"({"key":"web-1","channel":"web"})").status, 201);
  Reply made = post(admin, "/api/v1/leads",
                    R"js({"email":"formula@example.com","first_name":"=HYPERLINK(\"http://evil\")","last_name":"@SUM(A1)",
                        "company":"+cmd|' /C calc'!A0","title":"-2+3","source_campaign":"web-1"})js");
  ASSERT_EQ(made.status, 201) << made.text;
  Reply csv = get(admin, "/api/v1/exports/leads.csv");
  ASSERT_EQ(csv.status, 200);
  for (const char* cell : {"\"'=HYPERLINK(\"\"http://evil\"\")\"", ",'@SUM(A1),", "'+cmd|", ",'-2+3,"}) {
    EXPECT_NE(csv.text.find(cell), std::string::npos) << cell << " in " << csv.text;
  }
  for (const char* raw : {",=HYPERLINK", ",\"=HYPERLINK", ",@SUM", ",+cmd", ",\"+cmd", ",-2+3"}) {
    EXPECT_EQ(csv.text.find(raw), std::string::npos) << raw << " in " << csv.text;
  }
  Reply events = get(admin, "/api/v1/exports/events.csv");
  EXPECT_EQ(events.text.find(",=HYPERLINK"), std::string::npos);
}

// Sign in, CSRF on writes, sign out; the cookie's attributes.
TEST_F(AccessApiTest, SessionsNeedTheCsrfTokenOnWrites) {
  const std::string admin = testing::create_token(db_, "admin");
  start();
  Reply made = post(admin, "/api/v1/users",
                    R"({"login":"maria","name":"Maria Lopez","password":"correct horse battery","roles":["marketing"]})");
  ASSERT_EQ(made.status, 201) << made.text;
  EXPECT_EQ(made.body.dump().find("password"), std::string::npos);
  EXPECT_EQ(post(admin, "/api/v1/users", R"({"login":"short","password":"tiny","roles":"viewer"})").status, 422);
  EXPECT_EQ(post(admin, "/api/v1/users", R"({"login":"maria","password":"another long one","roles":"viewer"})").status,
            409);
  EXPECT_EQ(post(admin, "/api/v1/users", R"({"login":"v","password":"long enough pass","roles":"vendor"})").status,
            422);  // a vendor names its vendor

  // Signing in takes a declared JSON body only (no sign-in from another
  // site's form or untyped body).
  EXPECT_EQ(post("", "/api/v1/session", R"({"login":"Maria","password":"correct horse battery"})", "text/plain").status,
            415);
  EXPECT_EQ(post("", "/api/v1/session", R"({"login":"Maria","password":"correct horse battery"})", "").status, 415);
  Reply in = post("", "/api/v1/session", R"({"login":"Maria","password":"correct horse battery"})");
  ASSERT_EQ(in.status, 201) << in.text;
  const std::string set_cookie = in.header("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP on loopback";
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = in.body["csrf_token"];
  ASSERT_FALSE(csrf.empty());

  Reply me = raw("GET", "/api/v1/session", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200) << me.text;
  EXPECT_EQ(me.body["actor"], "user:maria");
  EXPECT_EQ(me.body["csrf_token"], csrf);
  EXPECT_EQ(raw("GET", "/api/v1/leads", {{"Cookie", cookie}}).status, 200);
  // A write without the token, or with a wrong one, is refused.
  const std::string campaign = R"({"key":"web-1","channel":"web"})";
  Reply no_csrf = raw("POST", "/api/v1/campaigns", {{"Cookie", cookie}}, campaign);
  EXPECT_EQ(no_csrf.status, 403) << no_csrf.text;
  EXPECT_EQ(no_csrf.body["error"]["field"], "X-CSRF-Token");
  EXPECT_EQ(raw("POST", "/api/v1/campaigns", {{"Cookie", cookie}, {"X-CSRF-Token", csrf + "x"}}, campaign).status, 403);
  // A form post carries the token as a field instead.
  Reply form_without = raw("POST", "/api/v1/campaigns", {{"Cookie", cookie}}, "key=web-2&channel=web",
                           "application/x-www-form-urlencoded");
  EXPECT_EQ(form_without.status, 403) << form_without.text;
  Reply form_with = raw("POST", "/api/v1/campaigns", {{"Cookie", cookie}}, "key=web-2&channel=web&csrf_token=" + csrf,
                        "application/x-www-form-urlencoded");
  EXPECT_EQ(form_with.status, 415) << "past the CSRF check; this route takes JSON: " << form_with.text;
  Reply ok = raw("POST", "/api/v1/campaigns", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}, campaign);
  EXPECT_EQ(ok.status, 201) << ok.text;
  // The event names the person.
  Reply lead = raw("POST", "/api/v1/leads", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}},
                   R"({"email":"a@b.io","source_campaign":"web-1"})");
  ASSERT_EQ(lead.status, 201);
  Reply timeline = get(admin, "/api/v1/leads/" + std::to_string(lead.body["id"].get<int64_t>()) + "/timeline");
  EXPECT_EQ(timeline.body["events"][0]["actor"], "user:maria");
  // A role the user lacks.
  EXPECT_EQ(raw("GET", "/api/v1/audit", {{"Cookie", cookie}}).status, 403);
  // The token in the URL does not count: it would end up in logs.
  EXPECT_EQ(raw("POST", "/api/v1/campaigns?csrf_token=" + csrf, {{"Cookie", cookie}}, R"({"key":"web-3","channel":"web"})")
                .status,
            403);
  // Sign out: the cookie is dead.
  Reply out = raw("POST", "/api/v1/session/logout", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(raw("GET", "/api/v1/session", {{"Cookie", cookie}}).status, 401);
  // The sign-ins are on record, with the login they were for.
  // The one that worked names the login; the two refused carry its
  // pseudonym (the log keeps no login typed in a failed sign-in).
  Reply audit = get(admin, "/api/v1/audit?record=user:Maria");
  ASSERT_EQ(audit.body["entries"].size(), 1u) << audit.text;
  EXPECT_EQ(audit.body["entries"][0]["status"], 201);
  Reply refused = get(admin, "/api/v1/audit?action=POST%20/api/v1/session");
  ASSERT_GE(refused.body["entries"].size(), 3u) << refused.text;
  EXPECT_EQ(refused.body["entries"][0]["status"], 415);
  EXPECT_TRUE(refused.body["entries"][0]["record"].get<std::string>().starts_with("user:#")) << refused.text;
}

// Five failures lock the account, also against the right password, until
// the lock expires; a disabled user cannot sign in and loses their session.
TEST_F(AccessApiTest, LockoutAfterRepeatedFailuresAndDisabledUsers) {
  const std::string admin = testing::create_token(db_, "admin");
  start({"--manual-clock", "2026-03-02T09:00:00Z"});
  ASSERT_EQ(post(admin, "/api/v1/users", R"({"login":"sam","password":"sales side pass","roles":"sales_manager"})")
                .status,
            201);
  const std::string good = R"({"login":"sam","password":"sales side pass"})";
  const std::string bad = R"({"login":"sam","password":"guess guess guess"})";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(post("", "/api/v1/session", bad).status, 401);
  Reply locked = post("", "/api/v1/session", good);
  EXPECT_EQ(locked.status, 401) << "locked: even the right password is refused";
  // Unknown logins get the same answer.
  Reply unknown = post("", "/api/v1/session", R"({"login":"nobody","password":"whatever whatever"})");
  EXPECT_EQ(unknown.body["error"]["message"], locked.body["error"]["message"]);
  Reply users = get(admin, "/api/v1/users");
  EXPECT_FALSE(users.body["users"][0]["locked_until"].is_null()) << users.text;
  ASSERT_EQ(post(admin, "/api/v1/clock", R"({"now":"2026-03-02T09:16:00Z"})").status, 200);
  Reply in = post("", "/api/v1/session", good);
  ASSERT_EQ(in.status, 201) << in.text;
  const std::string cookie = in.header("Set-Cookie").substr(0, in.header("Set-Cookie").find(';'));
  EXPECT_EQ(raw("GET", "/api/v1/session", {{"Cookie", cookie}}).status, 200);
  // Disabled: the session ends and sign-in fails.
  EXPECT_EQ(put(admin, "/api/v1/users/sam", R"({"disabled":true})").status, 200);
  EXPECT_EQ(raw("GET", "/api/v1/session", {{"Cookie", cookie}}).status, 401);
  EXPECT_EQ(post("", "/api/v1/session", good).status, 401);
  EXPECT_EQ(put(admin, "/api/v1/users/sam", R"({"disabled":false})").status, 200);
  EXPECT_EQ(post("", "/api/v1/session", good).status, 201);
  // An admin signed in cannot disable or demote themselves (logins match
  // without case).
  ASSERT_EQ(post(admin, "/api/v1/users", R"({"login":"boss","password":"the boss password","roles":"admin"})").status,
            201);
  Reply boss = post("", "/api/v1/session", R"({"login":"boss","password":"the boss password"})");
  ASSERT_EQ(boss.status, 201);
  const httplib::Headers as_boss = {
      {"Cookie", boss.header("Set-Cookie").substr(0, boss.header("Set-Cookie").find(';'))},
      {"X-CSRF-Token", boss.body["csrf_token"].get<std::string>()}};
  auto boss_put = [&](const std::string& body) {
    return reply_of(server_->client()->Put("/api/v1/users/BOSS", as_boss, body, "application/json"));
  };
  EXPECT_EQ(boss_put(R"({"disabled":true})").status, 409);
  EXPECT_EQ(boss_put(R"({"roles":["viewer"]})").status, 409);
  EXPECT_EQ(boss_put(R"({"name":"The Boss"})").status, 200);
  // Sessions expire after 12 hours.
  ASSERT_EQ(post(admin, "/api/v1/clock", R"({"now":"2026-03-02T21:17:00Z"})").status, 200);
  EXPECT_EQ(raw("GET", "/api/v1/session", {{"Cookie", cookie}}).status, 401);
}

TEST_F(AccessApiTest, ExpiredAndRevokedTokensAreRefused) {
  const std::string admin = testing::create_token(db_, "admin");
  start({"--manual-clock", "2026-03-02T09:00:00Z"});
  Reply brief = post(admin, "/api/v1/tokens", R"({"roles":["marketing","sales_manager"],"label":"crm","expires_in_days":1})");
  ASSERT_EQ(brief.status, 201) << brief.text;
  const std::string secret = brief.body["token"];
  Reply me = get(secret, "/api/v1/session");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.body["roles"], json({"marketing", "sales_manager"}));
  EXPECT_EQ(get(admin, "/api/v1/tokens").body.dump().find(secret), std::string::npos) << "secrets are shown once";
  ASSERT_EQ(post(admin, "/api/v1/clock", R"({"now":"2026-03-03T09:00:01Z"})").status, 200);
  EXPECT_EQ(get(secret, "/api/v1/session").status, 401);

  Reply other = post(admin, "/api/v1/tokens", R"({"roles":"viewer"})");
  const std::string viewer = other.body["token"];
  EXPECT_EQ(get(viewer, "/api/v1/campaigns").status, 200);
  EXPECT_EQ(post(admin, "/api/v1/tokens/" + std::to_string(other.body["id"].get<int64_t>()) + "/revoke", "").status,
            200);
  EXPECT_EQ(get(viewer, "/api/v1/campaigns").status, 401);
  EXPECT_EQ(post(admin, "/api/v1/tokens", R"({"roles":"sales_rep"})").status, 422) << "a rep token names its rep";
}

TEST_F(AccessApiTest, RateLimitsAnswer429WithRetryAfter) {
  const std::string admin = testing::create_token(db_, "admin");
  start({"--rate-limit", "5", "--logins-per-minute", "3"});
  int limited = 0;
  Reply last;
  for (int i = 0; i < 30; ++i) {
    Reply r = get(admin, "/api/v1/campaigns");
    if (r.status == 429) {
      ++limited;
      last = r;
    }
  }
  EXPECT_GT(limited, 0);
  EXPECT_EQ(last.body["error"]["code"], "too_many_requests");
  EXPECT_FALSE(last.header("Retry-After").empty());
  int login_limited = 0;
  for (int i = 0; i < 5; ++i) {
    if (post("", "/api/v1/session", R"({"login":"x","password":"yyyyyyyyyyyyyyy"})").status == 429) ++login_limited;
  }
  EXPECT_GE(login_limited, 2);
}

TEST_F(AccessApiTest, EveryAnswerCarriesTheSecurityHeaders) {
  const std::string admin = testing::create_token(db_, "admin");
  start();
  for (const Reply& r : {get(admin, "/api/v1/campaigns"), get("", "/api/v1/health"), get(admin, "/no/such/route"),
                         get("", "/api/v1/leads")}) {
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << r.status;
    EXPECT_EQ(r.header("X-Frame-Options"), "DENY") << r.status;
    EXPECT_FALSE(r.header("Content-Security-Policy").empty()) << r.status;
    EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer") << r.status;
    EXPECT_EQ(r.header("Cache-Control"), "no-store") << r.status;
  }
}

}  // namespace
}  // namespace leadloop
