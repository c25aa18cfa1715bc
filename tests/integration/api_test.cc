// The HTTP API over loopback against the real server and a real SQLite file:
// every route, the bad inputs a client sends, and the JSON error shape.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
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

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->file("api.db");
    token_ = testing::create_token(db_);
    server_ = new ServerProcess(db_, {"--max-body", "2000000"});
    auto c = server_->client(token_);
    for (const char* campaign :
         {R"({"key":"web-1","name":"Web form","channel":"web","cost":1200.50})",
          R"({"key":"tm-1","name":"Calls","channel":"telemarketing","vendor":"CallPro"})"}) {
      auto r = c->Post("/api/v1/campaigns", campaign, "application/json");
      ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no reply");
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  Reply post(const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    return reply_of(server_->client(token_)->Post(path.c_str(), body, type.c_str()));
  }
  Reply get(const std::string& path) { return reply_of(server_->client(token_)->Get(path.c_str())); }
  int64_t lead_count() {
    int64_t n = 0;
    std::string cursor;
    while (true) {
      Reply r = get("/api/v1/leads?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor));
      n += static_cast<int64_t>(r.body["leads"].size());
      if (r.body["next_cursor"].is_null()) return n;
      cursor = r.body["next_cursor"];
    }
  }
  static void expect_error(const Reply& r, int status, const std::string& code,
                           const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.text;
    ASSERT_TRUE(r.body.is_object()) << r.text;
    ASSERT_TRUE(r.body.contains("error")) << r.text;
    EXPECT_EQ(r.body["error"]["code"], code) << r.text;
    EXPECT_TRUE(r.body["error"]["message"].is_string());
    if (!field.empty()) {
      EXPECT_EQ(r.body["error"]["field"], field) << r.text;
    }
  }

  static TempDir* dir_;
  static std::string db_;
  static std::string token_;
  static ServerProcess* server_;
};

TempDir* ApiTest::dir_ = nullptr;
std::string ApiTest::db_;
std::string ApiTest::token_;
ServerProcess* ApiTest::server_ = nullptr;

TEST_F(ApiTest, HealthNeedsNoToken) {
  Reply r = reply_of(server_->client()->Get("/api/v1/health"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body["status"], "ok");
  EXPECT_EQ(r.body["schema_version"], 12);
}

TEST_F(ApiTest, EveryOtherRouteRequiresAValidToken) {
  for (const api::RouteInfo& route : api::api_routes()) {
    if (!route.authenticated) continue;
    std::string path = route.path;
    for (const char* p : {"{id}", "{key}", "{version}"}) {
      size_t at = path.find(p);
      if (at != std::string::npos) path.replace(at, std::string(p).size(), "1");
    }
    for (const std::string& token : {std::string(), std::string("llt_forged")}) {
      auto c = server_->client(token);
      Reply r = reply_of(route.method == "GET"   ? c->Get(path.c_str())
                         : route.method == "PUT" ? c->Put(path.c_str(), "{}", "application/json")
                                                 : c->Post(path.c_str(), "{}", "application/json"));
      expect_error(r, 401, "unauthorized");
      bool has_challenge = false;
      for (const auto& [k, v] : r.headers) has_challenge |= k == "WWW-Authenticate";
      EXPECT_TRUE(has_challenge) << route.method << " " << path;
    }
  }
}

TEST_F(ApiTest, CampaignsCreateListGetAndConflict) {
  Reply created = post("/api/v1/campaigns",
                       R"({"key":"webinar-x","channel":"webinar","cost":"99.9","starts_on":"2026-04-01"})");
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body["name"], "webinar-x");
  EXPECT_EQ(created.body["cost"], 99.9);
  EXPECT_EQ(created.body["currency"], "USD");
  expect_error(post("/api/v1/campaigns", R"({"key":"webinar-x","channel":"webinar"})"), 409,
               "conflict", "key");
  expect_error(post("/api/v1/campaigns", R"({"key":"no-channel"})"), 422, "missing_field",
               "channel");
  expect_error(post("/api/v1/campaigns", R"({"key":"bad","channel":"fax"})"), 422,
               "invalid_value", "channel");
  Reply one = get("/api/v1/campaigns/webinar-x");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body["starts_on"], "2026-04-01");
  expect_error(get("/api/v1/campaigns/nope"), 404, "not_found");
  Reply all = get("/api/v1/campaigns");
  std::set<std::string> keys;
  for (const auto& c : all.body["campaigns"]) keys.insert(c["key"]);
  EXPECT_TRUE(keys.count("web-1") && keys.count("tm-1") && keys.count("webinar-x"));
}

TEST_F(ApiTest, CaptureGetAndRecaptureMergesWithHistory) {
  Reply created = post("/api/v1/leads", R"({"email":"grace.hopper@navy.example","first_name":"Grace",
      "last_name":"Hopper","company":"Navy","employees":5000,"source_campaign":"web-1",
      "attributes":{"budget":"confirmed","seats":25},"consent":{"email":true}})");
  ASSERT_EQ(created.status, 201) << created.text;
  int64_t id = created.body["id"];
  EXPECT_EQ(created.body["status"], "created");
  bool located = false;
  for (const auto& [k, v] : created.headers) located |= k == "Location" && v == "/api/v1/leads/" + std::to_string(id);
  EXPECT_TRUE(located);

  Reply got = get("/api/v1/leads/" + std::to_string(id));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body["attributes"]["seats"], "25");
  EXPECT_EQ(got.body["consent"]["email"], "granted");
  EXPECT_EQ(got.body["stage"], "captured");

  Reply again = post("/api/v1/leads",
                     R"({"email":"  GRACE.HOPPER@NAVY.EXAMPLE ","phone":"+1 202 555 0101","source_campaign":"tm-1"})");
  EXPECT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["status"], "merged");
  EXPECT_EQ(again.body["id"], id);
  EXPECT_EQ(again.body["matched_on"], "email");
  EXPECT_EQ(again.body["lead"]["phone"], "+1 202 555 0101");

  Reply timeline = get("/api/v1/leads/" + std::to_string(id) + "/timeline");
  ASSERT_EQ(timeline.status, 200);
  ASSERT_EQ(timeline.body["events"].size(), 2u);
  EXPECT_EQ(timeline.body["events"][0]["type"], "captured");
  EXPECT_EQ(timeline.body["events"][1]["type"], "recaptured");
  EXPECT_EQ(timeline.body["events"][1]["payload"]["filled"]["phone"], "+1 202 555 0101");
  EXPECT_EQ(timeline.body["next_cursor"], nullptr);
  // Paged: one event a page, in order.
  Reply first = get("/api/v1/leads/" + std::to_string(id) + "/timeline?limit=1");
  ASSERT_EQ(first.body["events"].size(), 1u);
  EXPECT_EQ(first.body["events"][0]["type"], "captured");
  ASSERT_TRUE(first.body["next_cursor"].is_string()) << first.text;
  Reply second = get("/api/v1/leads/" + std::to_string(id) + "/timeline?limit=1&cursor=" +
                     first.body["next_cursor"].get<std::string>());
  ASSERT_EQ(second.body["events"].size(), 1u);
  EXPECT_EQ(second.body["events"][0]["type"], "recaptured");
  EXPECT_EQ(second.body["next_cursor"], nullptr);
  expect_error(get("/api/v1/leads/" + std::to_string(id) + "/timeline?limit=1001"), 422, "invalid_value", "limit");

  expect_error(get("/api/v1/leads/999999"), 404, "not_found");
  expect_error(get("/api/v1/leads/abc"), 404, "not_found");
  expect_error(get("/api/v1/leads/999999/timeline"), 404, "not_found");
}

struct BadInput {
  const char* name;
  std::string body;
  std::string content_type;
  int status;
  const char* code;
  const char* field;
};

TEST_F(ApiTest, BadInputGetsClearErrorsAndWritesNothing) {
  const BadInput cases[] = {
      {"malformed json", R"({"email":"a@b.com",)", "application/json", 400, "invalid_json", ""},
      {"empty body", "", "application/json", 400, "invalid_json", ""},
      {"not an object", R"(["a@b.com"])", "application/json", 422, "wrong_type", ""},
      {"wrong type", R"({"email":"a@b.com","source_campaign":"web-1","employees":"many"})",
       "application/json", 422, "wrong_type", "employees"},
      {"wrong type string", R"({"email":42,"source_campaign":"web-1"})", "application/json", 422,
       "wrong_type", "email"},
      {"no contact", R"({"first_name":"Ann","source_campaign":"web-1"})", "application/json", 422,
       "missing_field", "email"},
      {"no campaign", R"({"email":"a@b.com"})", "application/json", 422, "missing_field",
       "source_campaign"},
      {"unknown campaign", R"({"email":"a@b.com","source_campaign":"nope"})", "application/json",
       422, "unknown_campaign", "source_campaign"},
      {"invalid email", R"({"email":"a@@b","source_campaign":"web-1"})", "application/json", 422,
       "invalid_value", "email"},
      {"invalid phone", R"({"phone":"call me","source_campaign":"web-1"})", "application/json",
       422, "invalid_value", "phone"},
      {"unknown field", R"({"email":"a@b.com","source_campaign":"web-1","emial":"x"})",
       "application/json", 422, "unknown_field", "emial"},
      {"read-only field", R"({"email":"a@b.com","source_campaign":"web-1","stage":"won"})",
       "application/json", 422, "unknown_field", "stage"},
      {"nested attribute", R"({"email":"a@b.com","source_campaign":"web-1","attributes":{"x":{}}})",
       "application/json", 422, "wrong_type", "attributes.x"},
      {"invalid utf-8", "{\"email\":\"a@b.com\",\"first_name\":\"\xC3\x28\",\"source_campaign\":\"web-1\"}",
       "application/json", 400, "invalid_utf8", ""},
      {"form encoded", "email=a@b.com", "application/x-www-form-urlencoded", 415,
       "unsupported_media_type", ""},
  };
  int64_t before = lead_count();
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.name);
    expect_error(post("/api/v1/leads", c.body, c.content_type), c.status, c.code, c.field);
  }
  EXPECT_EQ(lead_count(), before);
}

TEST_F(ApiTest, OversizedBodyIsRefusedWith413) {
  std::string big = R"({"email":"big@b.com","source_campaign":"web-1","attributes":{"x":")" +
                    std::string(2'100'000, 'a') + "\"}}";
  int64_t before = lead_count();
  expect_error(post("/api/v1/leads", big), 413, "payload_too_large");
  expect_error(post("/api/v1/leads/bulk", "[" + big + "]"), 413, "payload_too_large");
  EXPECT_EQ(lead_count(), before);
}

// Hostile JSON is refused before any parser recurses into it, naming the
// limit; the server keeps answering.
TEST_F(ApiTest, AMillionOpenBracketsAreRefusedByName) {
  const std::string deep(1000000, '[');
  for (const char* path : {"/api/v1/leads", "/api/v1/leads/bulk", "/api/v1/campaigns"}) {
    Reply r = post(path, deep);
    expect_error(r, 400, "invalid_json");
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find("(limit: max_json_depth)"), std::string::npos)
        << path << ": " << r.text;
  }
  EXPECT_EQ(get("/api/v1/health").status, 200);
}

TEST_F(ApiTest, CsvFieldsAndRowsOverTheLimitsAreRefusedWithLineAndColumn) {
  std::string csv = "email,company\nok@example.com,Acme\nbig@example.com," + std::string(300000, 'x') + "\n";
  Reply r = post("/api/v1/imports?campaign=tm-1&dry_run=true", csv, "text/csv");
  ASSERT_EQ(r.status, 200) << r.text.substr(0, 500);
  EXPECT_EQ(r.body["import"]["created"], 1);
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_EQ(r.body["errors"][0]["line"], 3);
  EXPECT_EQ(r.body["errors"][0]["column"], 2);
  EXPECT_EQ(r.body["errors"][0]["code"], "invalid_csv");
  EXPECT_NE(r.body["errors"][0]["reason"].get<std::string>().find("(limit: max_csv_field_bytes)"), std::string::npos);

  std::string wide = "email";
  for (int i = 0; i < 100000; ++i) wide += ",c" + std::to_string(i);
  Reply refused = post("/api/v1/imports?campaign=tm-1&dry_run=true", wide + "\n", "text/csv");
  expect_error(refused, 422, "invalid_csv");
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("line 1, column 1001"), std::string::npos)
      << refused.text;
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("(limit: max_csv_columns)"), std::string::npos);
}

TEST_F(ApiTest, BulkStoresValidRecordsAndReportsEachInvalidOne) {
  std::string body = R"({"leads":[
    {"email":"bulk1@x.example","source_campaign":"web-1"},
    {"email":"broken","source_campaign":"web-1"},
    {"email":"BULK1@x.example","source_campaign":"tm-1"},
    {"phone":"+44 20 7946 0000","source_campaign":"nope"},
    {"phone":"+44 20 7946 0001","country":"GB","source_campaign":"tm-1"},
    {"email":"bulk2@x.example","source_campaign":"web-1","employees":"x"}
  ]})";
  Reply r = post("/api/v1/leads/bulk", body);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["created"], 2);
  EXPECT_EQ(r.body["merged"], 1);
  EXPECT_EQ(r.body["rejected"], 3);
  const auto& res = r.body["results"];
  ASSERT_EQ(res.size(), 6u);
  EXPECT_EQ(res[0]["status"], "created");
  EXPECT_EQ(res[1]["index"], 1);
  EXPECT_EQ(res[1]["error"]["field"], "email");
  EXPECT_EQ(res[2]["status"], "merged");
  EXPECT_EQ(res[2]["id"], res[0]["id"]);
  EXPECT_EQ(res[3]["error"]["code"], "unknown_campaign");
  EXPECT_EQ(res[5]["error"]["code"], "wrong_type");
  EXPECT_EQ(res[5]["error"]["field"], "employees");
  EXPECT_EQ(get("/api/v1/leads/" + std::to_string(int64_t(res[4]["id"]))).body["phone"],
            "+44 20 7946 0001");

  // The plain array form, and the 10,000-record limit.
  Reply plain = post("/api/v1/leads/bulk", R"([{"email":"bulk3@x.example","source_campaign":"web-1"}])");
  EXPECT_EQ(plain.body["created"], 1);
  std::string many = "[";
  for (int i = 0; i < 10001; ++i) many += std::string(i ? "," : "") + R"({"phone":"5550000"})";
  many += "]";
  int64_t before = lead_count();
  expect_error(post("/api/v1/leads/bulk", many), 413, "payload_too_large", "leads");
  EXPECT_EQ(lead_count(), before);
  expect_error(post("/api/v1/leads/bulk", R"({"rows":[]})"), 422, "missing_field", "leads");
}

TEST_F(ApiTest, ListFiltersAndCursorPagination) {
  std::string body = "[";
  for (int i = 0; i < 25; ++i) {
    body += std::string(i ? "," : "") + R"({"email":"page)" + std::to_string(i) +
            R"(@list.example","region":")" + (i % 2 ? "EMEA" : "NA") +
            R"(","company":"Pager )" + std::to_string(i) + R"(","source_campaign":"tm-1"})";
  }
  body += "]";
  ASSERT_EQ(post("/api/v1/leads/bulk", body).body["created"], 25);

  std::set<int64_t> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    Reply r = get("/api/v1/leads?q=list.example&limit=10" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200);
    for (const auto& l : r.body["leads"]) seen.insert(int64_t(l["id"]));
    ++pages;
    if (r.body["next_cursor"].is_null()) break;
    cursor = r.body["next_cursor"];
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(get("/api/v1/leads?q=list.example&region=EMEA&limit=100").body["leads"].size(), 12u);
  EXPECT_EQ(get("/api/v1/leads?q=Pager%2017").body["leads"].size(), 1u);
  // A whole address is the person (any case, as deduplication matches it),
  // found through the dedup index; a part of one is still a substring.
  Reply exact = get("/api/v1/leads?q=%20PAGE17%40List.Example%20");
  ASSERT_EQ(exact.body["leads"].size(), 1u) << exact.text;
  EXPECT_EQ(exact.body["leads"][0]["email"], "page17@list.example");
  EXPECT_EQ(get("/api/v1/leads?q=page17%40list.example&region=NA").body["leads"].size(), 0u);  // 17 is EMEA
  EXPECT_EQ(get("/api/v1/leads?q=nobody%40list.example").body["leads"].size(), 0u);
  EXPECT_EQ(get("/api/v1/leads?q=age1").body["leads"].size(), 11u);  // page1, page10-19
  EXPECT_EQ(get("/api/v1/exports/leads.csv?q=page17%40list.example").text.find("page17@list.example") !=
                std::string::npos,
            true);
  EXPECT_EQ(get("/api/v1/leads?created_from=2000-01-01&q=list.example&limit=100").body["leads"].size(), 25u);
  EXPECT_EQ(get("/api/v1/leads?created_to=2000-01-01").body["leads"].size(), 0u);
  EXPECT_EQ(get("/api/v1/leads?stage=captured&q=list.example&limit=100").body["leads"].size(), 25u);
  expect_error(get("/api/v1/leads?stage=closed"), 422, "invalid_value", "stage");
  expect_error(get("/api/v1/leads?grade=lukewarm"), 422, "invalid_value", "grade");
  expect_error(get("/api/v1/leads?limit=0"), 422, "invalid_value", "limit");
  expect_error(get("/api/v1/leads?limit=5000"), 422, "invalid_value", "limit");
  expect_error(get("/api/v1/leads?created_from=yesterday"), 422, "invalid_value", "created_from");
  expect_error(get("/api/v1/leads?cursor=abc"), 422, "invalid_value", "cursor");
}

// Browsers offer brotli, which httplib would run at quality 11 (over 100 ms
// for a page of leads): answers are gzip, or plain.
TEST_F(ApiTest, AnswersAreGzipEvenWhenBrotliIsOffered) {
  auto c = server_->client(token_);
  c->set_decompress(false);
  auto zipped = c->Get("/api/v1/campaigns", {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->status, 200);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  auto brotli_only = c->Get("/api/v1/campaigns", {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(brotli_only);
  EXPECT_EQ(brotli_only->get_header_value("Content-Encoding"), "");
  EXPECT_GE(nlohmann::json::parse(brotli_only->body)["campaigns"].size(), 2u) << brotli_only->body;
}

TEST_F(ApiTest, TouchesAttachToLeadsOrStandAlone) {
  Reply lead = post("/api/v1/leads", R"({"email":"touch@me.example","source_campaign":"tm-1"})");
  int64_t id = lead.body["id"];
  Reply t = post("/api/v1/touches", R"({"lead":)" + std::to_string(id) +
                                        R"(,"campaign":"tm-1","outcome":"connected","at":"2026-03-01T10:00:00Z",
      "data_points":{"budget":"confirmed","users":40},"notes":"asked for a demo"})");
  ASSERT_EQ(t.status, 201) << t.text;
  EXPECT_EQ(t.body["channel"], "call");
  EXPECT_EQ(t.body["data_points"]["users"], "40");
  Reply timeline = get("/api/v1/leads/" + std::to_string(id) + "/timeline");
  EXPECT_EQ(timeline.body["events"].back()["type"], "touched");
  EXPECT_EQ(timeline.body["events"].back()["at"], "2026-03-01T10:00:00.000Z");

  Reply free = post("/api/v1/touches", R"({"campaign":"tm-1","outcome":"not_interested",
      "data_points":{"current_system":"spreadsheet"}})");
  EXPECT_EQ(free.status, 201);
  EXPECT_TRUE(free.body["lead"].is_null());
  expect_error(post("/api/v1/touches", R"({"lead":987654,"campaign":"tm-1"})"), 422,
               "invalid_value", "lead");
  expect_error(post("/api/v1/touches", R"({"outcome":"x"})"), 422, "missing_field", "campaign");
  // On a lead, the campaign defaults to the lead's own (both routes).
  Reply own = post("/api/v1/touches", R"({"lead":)" + std::to_string(id) + R"(,"outcome":"voicemail"})");
  ASSERT_EQ(own.status, 201) << own.text;
  EXPECT_EQ(own.body["campaign"], "tm-1");
  Reply on_lead = post("/api/v1/leads/" + std::to_string(id) + "/touches", R"({"outcome":"voicemail"})");
  ASSERT_EQ(on_lead.status, 201) << on_lead.text;
  EXPECT_EQ(on_lead.body["campaign"], "tm-1");
  EXPECT_EQ(on_lead.body["channel"], "call");
  expect_error(post("/api/v1/touches", R"({"campaign":"tm-1","direction":"sideways"})"), 422,
               "invalid_value", "direction");
}

TEST_F(ApiTest, CsvImportReportsRowsAndDoesNotDuplicateOnReimport) {
  std::string csv = testing::fixture("import/mixed.csv");
  Reply dry = post("/api/v1/imports?campaign=tm-1&dry_run=true", csv, "text/csv");
  ASSERT_EQ(dry.status, 200) << dry.text;
  EXPECT_EQ(dry.body["import"]["created"], 3);
  EXPECT_TRUE(dry.body["import"]["id"].is_null());

  int64_t before = lead_count();
  Reply r = post("/api/v1/imports?campaign=tm-1&filename=mixed.csv", csv, "text/csv");
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["import"]["rows"], 7);
  EXPECT_EQ(r.body["import"]["created"], 3);
  EXPECT_EQ(r.body["import"]["merged"], 1);
  EXPECT_EQ(r.body["import"]["rejected"], 3);
  EXPECT_EQ(r.body["errors_total"], 3);
  EXPECT_EQ(r.body["errors"][0]["line"], 5);
  EXPECT_EQ(r.body["errors"][0]["column"], 1);
  EXPECT_EQ(lead_count(), before + 3);

  int64_t import_id = r.body["import"]["id"];
  Reply rec = get("/api/v1/imports/" + std::to_string(import_id));
  EXPECT_EQ(rec.body["source"], "mixed.csv");
  Reply errors = get("/api/v1/imports/" + std::to_string(import_id) + "/errors?limit=2");
  EXPECT_EQ(errors.body["errors"].size(), 2u);
  EXPECT_EQ(errors.body["next_after_line"], 6);
  Reply rest = get("/api/v1/imports/" + std::to_string(import_id) + "/errors?after_line=6");
  EXPECT_EQ(rest.body["errors"].size(), 1u);

  Reply again = post("/api/v1/imports?campaign=tm-1", csv, "text/csv");
  EXPECT_EQ(again.body["import"]["created"], 0);
  EXPECT_EQ(again.body["import"]["merged"], 4);
  EXPECT_EQ(lead_count(), before + 3);

  expect_error(post("/api/v1/imports", csv, "text/csv"), 422, "missing_field", "campaign");
  expect_error(post("/api/v1/imports?campaign=nope", csv, "text/csv"), 422, "unknown_campaign");
  expect_error(post("/api/v1/imports?campaign=tm-1", "{}", "application/json"), 415,
               "unsupported_media_type");
  expect_error(post("/api/v1/imports?campaign=tm-1&mapping=/etc/passwd", csv, "text/csv"), 422,
               "invalid_value", "mapping");
  expect_error(get("/api/v1/imports/424242"), 404, "not_found");
}

TEST_F(ApiTest, CsvExportRoundTripsIntoAnotherServer) {
  Reply seeded = post("/api/v1/leads/bulk", R"([
    {"email":"rt1@export.example","first_name":"Ann","company":"Acme, \"Quoted\" Inc.","source_campaign":"web-1",
     "attributes":{"note":"two\nlines"},"consent":{"phone":false}},
    {"phone":"+49 30 1234567","country":"DE","employees":12,"source_campaign":"web-1"}])");
  ASSERT_EQ(seeded.status, 200) << seeded.text;
  Reply r = get("/api/v1/exports/leads.csv?campaign=web-1");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.text.rfind("id,email,phone,first_name", 0), 0u) << r.text.substr(0, 200);
  int64_t rows = std::count(r.text.begin(), r.text.end(), '\n') - 1;
  ASSERT_GT(rows, 0);
  Reply listed = get("/api/v1/leads?campaign=web-1&limit=1000");
  EXPECT_EQ(rows, static_cast<int64_t>(listed.body["leads"].size()));

  TempDir other;
  std::string db = other.file("copy.db");
  std::string token = testing::create_token(db);
  ServerProcess copy(db);
  auto c = copy.client(token);
  ASSERT_EQ(c->Post("/api/v1/campaigns", R"({"key":"web-1","channel":"web"})", "application/json")->status, 201);
  auto imported = c->Post("/api/v1/imports", r.text, "text/csv");
  ASSERT_TRUE(imported);
  json report = json::parse(imported->body);
  EXPECT_EQ(report["import"]["created"], rows) << imported->body;
  EXPECT_EQ(report["import"]["rejected"], 0) << imported->body;
  json copied = json::parse(c->Get("/api/v1/leads?q=rt1%40export.example")->body)["leads"][0];
  EXPECT_EQ(copied["company"], "Acme, \"Quoted\" Inc.");
  EXPECT_EQ(copied["attributes"]["note"], "two\nlines");
  EXPECT_EQ(copied["consent"]["phone"], "denied");
}

TEST_F(ApiTest, UnknownRoutesAnswerJson404) {
  expect_error(get("/api/v1/nothing-here"), 404, "not_found");
  expect_error(post("/api/v1/health", "{}"), 404, "not_found");
}

}  // namespace
}  // namespace leadloop
