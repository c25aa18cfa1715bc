// Web forms over HTTP against the real server and a real SQLite file: a
// form made by marketing, its hosted page posted as a person would (after
// the minimum fill time, on the manual clock), the lead it makes through
// Intake (fields, campaign, via web_form, dedup), the form again with the
// problems and the values, bots answered as people and nothing stored,
// the per-address rate, CORS for the form's origins only, consent with its
// wording, double opt-in through the outbox and the confirm link, a closed
// form, the field limits, and who may make forms.
#include <gtest/gtest.h>

#include <httplib.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "server_process.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::Reply;
using testing::reply_of;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kAllowed = "https://partner.example";
constexpr const char* kEmailWording = "Yes, e-mail me about webinars & events";
constexpr const char* kPhoneWording = "You may call me about my enquiry";

std::string url_encode(const std::string& s) {
  std::string out;
  const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
  return out;
}

class FormsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("forms.db");
    for (const char* role : {"admin", "marketing", "vendor", "sales_manager"}) {
      std::vector<std::string> bound;
      if (std::string(role) == "vendor") bound = {"--vendor", "CallPro"};
      tokens_[role] = testing::create_token(db_, role, bound);
    }
  }

  // A failure shows the end of the server's log.
  void TearDown() override {
    if (!HasFailure()) return;
    std::ifstream in(db_ + ".server.log");
    std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::cerr << "server log (end):\n" << log.substr(log.size() > 4000 ? log.size() - 4000 : 0) << "\n";
  }

  // A server on the manual clock; `extra` serve flags.
  void start(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--manual-clock", "2026-03-02T09:00:00Z"});
    server_ = std::make_unique<ServerProcess>(db_, extra);
    ASSERT_EQ(post("admin", "/api/v1/campaigns",
                   R"({"key":"web-1","name":"Spring webinar","channel":"web","vendor":"CallPro"})")
                  .status,
              201);
    Reply f = post("marketing", "/api/v1/forms", form_settings().dump());
    ASSERT_EQ(f.status, 201) << f.text;
    form_ = f.body;
    key_ = form_["key"].get<std::string>();
  }

  static json form_settings() {
    return {{"campaign", "web-1"},
            {"title", "Spring webinar <sign-up>"},
            {"fields", {"email", "first_name", "last_name", "company", "attributes.budget"}},
            {"required", {"email", "last_name"}},
            {"origins", {kAllowed}},
            {"consents",
             {{{"channel", "email"}, {"wording", kEmailWording}, {"required", false}},
              {{"channel", "phone"}, {"wording", kPhoneWording}, {"required", false}}}}};
  }

  Reply post(const std::string& role, const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    return reply_of(server_->client(tokens_[role])->Post(path.c_str(), body, type.c_str()));
  }
  Reply put(const std::string& role, const std::string& path, const json& body) {
    return reply_of(server_->client(tokens_[role])->Put(path.c_str(), body.dump(), "application/json"));
  }
  Reply get(const std::string& path, const std::string& role = "admin") {
    return reply_of(server_->client(tokens_[role])->Get(path.c_str()));
  }
  Reply get_public(const std::string& path, const httplib::Headers& headers = {}) {
    return reply_of(server_->client()->Get(path.c_str(), headers));
  }
  Reply post_public(const std::string& body, const std::string& type, const httplib::Headers& headers = {}) {
    return reply_of(server_->client()->Post(("/f/" + key_).c_str(), headers, body, type.c_str()));
  }

  // The stamp the hosted page embeds now.
  std::string page_stamp() {
    Reply page = get_public("/f/" + key_);
    EXPECT_EQ(page.status, 200);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(page.text, m, std::regex("name=\"_stamp\" value=\"([^\"]+)\""))) << page.text;
    return m.size() > 1 ? m[1].str() : "";
  }
  // Moves the manual clock on by `seconds`.
  void wait(int seconds) {
    clock_seconds_ += seconds;
    char at[32];
    std::snprintf(at, sizeof at, "2026-03-02T%02d:%02d:%02dZ", 9 + clock_seconds_ / 3600, clock_seconds_ / 60 % 60,
                  clock_seconds_ % 60);
    ASSERT_EQ(post("admin", "/api/v1/clock", json{{"now", at}}.dump()).status, 200);
  }
  // A person: opens the page, takes 5 seconds, sends it.
  Reply send_as_person(std::vector<std::pair<std::string, std::string>> fields) {
    const std::string stamp = page_stamp();
    wait(5);
    fields.push_back({"_stamp", stamp});
    const bool has_honeypot =
        std::any_of(fields.begin(), fields.end(), [](const auto& f) { return f.first == "website"; });
    if (!has_honeypot) fields.push_back({"website", ""});
    return post_public(form_body(fields), "application/x-www-form-urlencoded");
  }

  json leads_with(const std::string& email) {
    Reply r = get("/api/v1/leads?q=" + url_encode(email));
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body["leads"];
  }
  json events_of(int64_t lead, const std::string& type) {
    json out = json::array();
    const Reply timeline = get("/api/v1/leads/" + std::to_string(lead) + "/timeline");
    for (const auto& e : timeline.body["events"]) {
      if (e["type"] == type) out.push_back(e);
    }
    return out;
  }
  std::string form_path() { return "/api/v1/forms/" + std::to_string(form_["id"].get<int64_t>()); }

  TempDir dir_;
  std::string db_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ServerProcess> server_;
  json form_;
  std::string key_;
  int clock_seconds_ = 0;
};

TEST_F(FormsApiTest, AFormPostMakesALeadWithItsFieldsCampaignAndSource) {
  start();
  Reply r = send_as_person({{"email", "ann@example.com"},
                            {"first_name", "Ann"},
                            {"last_name", "Lee"},
                            {"company", "Acme"},
                            {"attributes.budget", "50k"},
                            // Not on the form: never set by a public post.
                            {"caller", "Mallory"},
                            {"source_campaign", "other"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_NE(r.text.find("Thank you: we have received your details."), std::string::npos) << r.text;
  json leads = leads_with("ann@example.com");
  ASSERT_EQ(leads.size(), 1u);
  const json& lead = leads[0];
  EXPECT_EQ(lead["first_name"], "Ann");
  EXPECT_EQ(lead["last_name"], "Lee");
  EXPECT_EQ(lead["company"], "Acme");
  EXPECT_EQ(lead["attributes"]["budget"], "50k");
  EXPECT_EQ(lead["source_campaign"], "web-1");
  EXPECT_TRUE(lead["caller"].is_null());
  json captured = events_of(lead["id"], "captured");
  ASSERT_EQ(captured.size(), 1u);
  EXPECT_EQ(captured[0]["payload"]["via"], "web_form");
  EXPECT_EQ(captured[0]["actor"], "web form " + key_);
}

TEST_F(FormsApiTest, APostOfAKnownPersonMergesIntoTheirLead) {
  start();
  Reply made = post("admin", "/api/v1/leads",
                    R"({"email":"Bob@Example.com","last_name":"Stone","source_campaign":"web-1"})");
  ASSERT_EQ(made.status, 201) << made.text;
  Reply r = send_as_person({{"email", "bob@example.com"}, {"last_name", "Stone"}, {"company", "Globex"}});
  ASSERT_EQ(r.status, 200) << r.text;
  json leads = leads_with("bob@example.com");
  ASSERT_EQ(leads.size(), 1u) << leads.dump();
  EXPECT_EQ(leads[0]["id"], made.body["id"]);
  EXPECT_EQ(leads[0]["company"], "Globex");
}

TEST_F(FormsApiTest, AMissingRequiredFieldShowsTheFormAgainWithTheValuesEntered) {
  start();
  Reply r = send_as_person({{"email", "cat@example.com"}, {"first_name", "Cat <b>"}, {"consent_phone", "yes"}});
  ASSERT_EQ(r.status, 422) << r.text;
  EXPECT_NE(r.text.find("Please fill in Last name"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("value=\"cat@example.com\""), std::string::npos);
  EXPECT_NE(r.text.find("value=\"Cat &lt;b&gt;\""), std::string::npos);  // kept, escaped
  EXPECT_NE(r.text.find("id=\"ll-consent_phone\" name=\"consent_phone\" value=\"yes\" checked"), std::string::npos);
  EXPECT_NE(r.text.find("aria-invalid=\"true\" aria-describedby=\"ll-last_name-error\""), std::string::npos);
  EXPECT_TRUE(leads_with("cat@example.com").empty());
  // As JSON: the one error shape, naming the field.
  const std::string stamp = page_stamp();
  wait(5);
  Reply j = post_public(json{{"email", "cat@example.com"}, {"_stamp", stamp}}.dump(), "application/json");
  EXPECT_EQ(j.status, 422) << j.text;
  EXPECT_EQ(j.body["error"]["field"], "last_name");
}

TEST_F(FormsApiTest, BotsAreAnsweredAsPeopleAndNothingIsStored) {
  start();
  const std::string thanks = "Thank you: we have received your details.";
  // The honeypot filled in.
  Reply honeypot = send_as_person({{"email", "bot1@example.com"}, {"last_name", "Bot"}, {"website", "http://spam"}});
  // Sent before the minimum fill time.
  const std::string stamp = page_stamp();
  wait(1);
  Reply fast = post_public(form_body({{"email", "bot2@example.com"}, {"last_name", "Bot"}, {"_stamp", stamp}}),
                           "application/x-www-form-urlencoded");
  // A stamp altered, and none at all (a script).
  wait(5);
  std::string forged = stamp;
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  Reply altered = post_public(form_body({{"email", "bot3@example.com"}, {"last_name", "Bot"}, {"_stamp", forged}}),
                              "application/x-www-form-urlencoded");
  Reply missing = post_public(json{{"email", "bot4@example.com"}, {"last_name", "Bot"}}.dump(), "application/json");
  for (const Reply* r : {&fast, &altered}) {
    EXPECT_EQ(r->status, 200) << r->text;
    EXPECT_NE(r->text.find(thanks), std::string::npos);
  }
  EXPECT_EQ(missing.status, 200) << missing.text;
  EXPECT_EQ(missing.body["status"], "received");
  EXPECT_EQ(missing.body["message"], thanks);
  // The honeypot's answer is the one a person gets (the page differs only in nothing).
  Reply person = send_as_person({{"email", "dan@example.com"}, {"last_name", "Dan"}});
  EXPECT_EQ(honeypot.status, person.status);
  EXPECT_EQ(honeypot.text, person.text);
  for (const char* bot : {"bot1@example.com", "bot2@example.com", "bot3@example.com", "bot4@example.com"}) {
    EXPECT_TRUE(leads_with(bot).empty()) << bot;
  }
  EXPECT_EQ(leads_with("dan@example.com").size(), 1u);
  Reply f = get(form_path(), "marketing");
  EXPECT_EQ(f.body["refused"], json({{"honeypot", 1}, {"too_fast", 1}, {"bad_stamp", 2}})) << f.text;
}

TEST_F(FormsApiTest, PostsAreLimitedPerAddress) {
  start({"--form-posts-per-minute", "3"});
  int refused = 0;
  std::string retry_after;
  for (int i = 0; i < 5; ++i) {
    Reply r = post_public(json{{"email", "x@example.com"}}.dump(), "application/json");
    if (r.status == 429) {
      ++refused;
      retry_after = r.header("Retry-After");
      EXPECT_EQ(r.body["error"]["code"], "too_many_requests");
    }
  }
  EXPECT_EQ(refused, 2);
  EXPECT_FALSE(retry_after.empty());
}

TEST_F(FormsApiTest, CorsAdmitsTheFormsOriginsOnly) {
  start();
  const std::string path = "/f/" + key_;
  auto client = server_->client();
  httplib::Headers allowed = {{"Origin", kAllowed},
                              {"Access-Control-Request-Method", "POST"},
                              {"Access-Control-Request-Headers", "content-type"}};
  Reply pre = reply_of(client->Options(path.c_str(), allowed));
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), kAllowed);
  EXPECT_NE(pre.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(pre.header("Access-Control-Allow-Headers").find("Content-Type"), std::string::npos);
  for (const char* other : {"https://evil.example", "https://partner.example.evil.example", "http://partner.example"}) {
    httplib::Headers h = {{"Origin", other}, {"Access-Control-Request-Method", "POST"}};
    Reply denied = reply_of(client->Options(path.c_str(), h));
    EXPECT_EQ(denied.header("Access-Control-Allow-Origin"), "") << other;
    EXPECT_EQ(denied.header("Access-Control-Allow-Methods"), "") << other;
    Reply stamp = get_public(path + "/stamp", {{"Origin", other}});
    EXPECT_EQ(stamp.status, 403) << other;
    EXPECT_EQ(stamp.header("Access-Control-Allow-Origin"), "");
  }
  // From the allowed origin: a stamp, then the post, readable by its script.
  Reply stamp = get_public(path + "/stamp", {{"Origin", kAllowed}});
  ASSERT_EQ(stamp.status, 200) << stamp.text;
  EXPECT_EQ(stamp.header("Access-Control-Allow-Origin"), kAllowed);
  wait(5);
  const json body = {{"email", "eve@example.com"}, {"last_name", "Eve"}, {"_stamp", stamp.body["stamp"]}};
  Reply ok = post_public(body.dump(), "application/json", {{"Origin", kAllowed}});
  EXPECT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.header("Access-Control-Allow-Origin"), kAllowed);
  EXPECT_EQ(leads_with("eve@example.com").size(), 1u);
  json other = body;
  other["email"] = "evil@example.com";
  Reply refused = post_public(other.dump(), "application/json", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.header("Access-Control-Allow-Origin"), "");
  EXPECT_TRUE(leads_with("evil@example.com").empty());
  // The hosted page is same-origin: a post from it carries this server's origin.
  const std::string own = "http://127.0.0.1:" + std::to_string(server_->port());
  const std::string s2 = page_stamp();
  wait(5);
  Reply same = post_public(form_body({{"email", "sam@example.com"}, {"last_name", "Sam"}, {"_stamp", s2}}),
                           "application/x-www-form-urlencoded", {{"Origin", own}});
  EXPECT_EQ(same.status, 200) << same.text;
  EXPECT_EQ(leads_with("sam@example.com").size(), 1u);
}

TEST_F(FormsApiTest, CheckedBoxesAreRecordedAsConsentWithTheirWording) {
  start();
  Reply r = send_as_person({{"email", "fay@example.com"}, {"last_name", "Fay"}, {"consent_phone", "yes"}});
  ASSERT_EQ(r.status, 200) << r.text;
  json lead = leads_with("fay@example.com").at(0);
  EXPECT_EQ(lead["consent"]["phone"], "granted");
  EXPECT_EQ(lead["consent"]["email"], "unknown");  // left unchecked: nothing recorded
  json changes = events_of(lead["id"], "consent_changed");
  ASSERT_EQ(changes.size(), 1u) << changes.dump();
  EXPECT_EQ(changes[0]["payload"]["source"], "web form " + key_);
  EXPECT_EQ(changes[0]["payload"]["note"], kPhoneWording);
  EXPECT_EQ(changes[0]["payload"]["channels"], json({{"phone", {{"from", "unknown"}, {"to", "granted"}}}}));
}

TEST_F(FormsApiTest, DoubleOptInWaitsForTheConfirmLinkWhichGrantsOnce) {
  start();
  ASSERT_EQ(put("marketing", form_path(), {{"double_opt_in", true}}).status, 200);
  Reply r = send_as_person({{"email", "gus@example.com"}, {"last_name", "Gus"}, {"consent_email", "yes"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_NE(r.text.find("Please confirm your e-mail address"), std::string::npos);
  json lead = leads_with("gus@example.com").at(0);
  EXPECT_EQ(lead["consent"]["email"], "unknown");
  Reply box = get("/api/v1/outbox?recipient=gus@example.com");
  ASSERT_EQ(box.status, 200) << box.text;
  ASSERT_EQ(box.body["messages"].size(), 1u) << box.text;
  const json& msg = box.body["messages"][0];
  EXPECT_EQ(msg["kind"], "double_opt_in");
  EXPECT_EQ(msg["lead"], lead["id"]);
  EXPECT_EQ(msg["message"]["wording"], kEmailWording);
  const std::string link = msg["message"]["confirm_url"];
  ASSERT_TRUE(link.starts_with("/f/confirm/fco_")) << link;
  // A forged link changes nothing.
  std::string forged = link;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'x' ? 'y' : 'x';
  EXPECT_EQ(get_public(forged).status, 401);
  EXPECT_EQ(leads_with("gus@example.com").at(0)["consent"]["email"], "unknown");
  Reply first = get_public(link);
  EXPECT_EQ(first.status, 200) << first.text;
  EXPECT_NE(first.text.find("your e-mail address is confirmed"), std::string::npos);
  Reply again = get_public(link);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.text.find("confirmed already"), std::string::npos);
  EXPECT_EQ(leads_with("gus@example.com").at(0)["consent"]["email"], "granted");
  json changes = events_of(lead["id"], "consent_changed");
  ASSERT_EQ(changes.size(), 1u) << changes.dump();
  EXPECT_EQ(changes[0]["payload"]["source"], "web form " + key_ + ", double opt-in confirmed");
  EXPECT_EQ(changes[0]["payload"]["note"], kEmailWording);
  // Erasing the person leaves no message addressed to them.
  Reply erased = post("admin", "/api/v1/privacy/erasures", R"({"email":"gus@example.com","reason":"subject request"})");
  ASSERT_EQ(erased.status, 200) << erased.text;
  EXPECT_TRUE(get("/api/v1/outbox?recipient=gus@example.com").body["messages"].empty());
  const std::string by_lead = "lead:" + std::to_string(lead["id"].get<int64_t>());
  Reply kept = get("/api/v1/outbox?recipient=" + by_lead);
  ASSERT_EQ(kept.body["messages"].size(), 1u) << kept.text;
  EXPECT_EQ(kept.body["messages"][0]["kind"], "double_opt_in");
  EXPECT_EQ(kept.body["messages"][0].dump().find("gus@"), std::string::npos) << kept.text;
}

// A link confirms the address it was sent to: once the lead no longer
// holds it (here: erased before the link was followed), it grants nothing.
TEST_F(FormsApiTest, AConfirmLinkIsRefusedOnceTheLeadNoLongerHoldsItsAddress) {
  start();
  ASSERT_EQ(put("marketing", form_path(), {{"double_opt_in", true}}).status, 200);
  Reply r = send_as_person({{"email", "hal@example.com"}, {"last_name", "Hal"}, {"consent_email", "yes"}});
  ASSERT_EQ(r.status, 200) << r.text;
  Reply box = get("/api/v1/outbox?recipient=hal@example.com");
  ASSERT_EQ(box.body["messages"].size(), 1u) << box.text;
  const std::string link = box.body["messages"][0]["message"]["confirm_url"];
  const int64_t id = box.body["messages"][0]["lead"];
  Reply erased = post("admin", "/api/v1/privacy/erasures", R"({"email":"hal@example.com","reason":"subject request"})");
  ASSERT_EQ(erased.status, 200) << erased.text;
  Reply refused = get_public(link);
  EXPECT_EQ(refused.status, 409) << refused.text;
  EXPECT_NE(refused.text.find("This link does not work"), std::string::npos) << refused.text;
  EXPECT_NE(refused.text.find("has changed since this link was sent"), std::string::npos) << refused.text;
  EXPECT_TRUE(events_of(id, "consent_changed").empty());
}

// A "no" from before the sign-up is taken back by the confirmation; a "no"
// after the link was made stands against it.
TEST_F(FormsApiTest, AConfirmLinkGrantsOverAnEarlierNoButNotALaterOne) {
  start();
  ASSERT_EQ(put("marketing", form_path(), {{"double_opt_in", true}}).status, 200);
  Reply made = post("admin", "/api/v1/leads", R"({"email":"joy@example.com","last_name":"Joy","source_campaign":"web-1"})");
  ASSERT_EQ(made.status, 201) << made.text;
  const std::string consent = "/api/v1/leads/" + std::to_string(made.body["id"].get<int64_t>()) + "/consent";
  ASSERT_EQ(post("admin", consent, R"({"email":"denied","source":"call"})").status, 200);
  auto sign_up = [&] {
    Reply r = send_as_person({{"email", "joy@example.com"}, {"last_name", "Joy"}, {"consent_email", "yes"}});
    EXPECT_EQ(r.status, 200) << r.text;
    Reply box = get("/api/v1/outbox?recipient=joy@example.com");
    return box.body["messages"].back()["message"]["confirm_url"].get<std::string>();
  };
  const std::string first = sign_up();
  EXPECT_EQ(get_public(first).status, 200);
  EXPECT_EQ(leads_with("joy@example.com").at(0)["consent"]["email"], "granted");
  wait(60);
  ASSERT_EQ(post("admin", consent, R"({"email":"denied","source":"unsubscribe link"})").status, 200);
  wait(60);
  Reply stale = get_public(first);
  EXPECT_EQ(stale.status, 409) << stale.text;
  EXPECT_EQ(leads_with("joy@example.com").at(0)["consent"]["email"], "denied");
}

TEST_F(FormsApiTest, ADisabledFormIsNotFound) {
  start();
  const std::string stamp = page_stamp();
  Reply off = put("marketing", form_path(), {{"enabled", false}});
  ASSERT_EQ(off.status, 200) << off.text;
  EXPECT_EQ(off.body["enabled"], false);
  EXPECT_EQ(get_public("/f/" + key_).status, 404);
  wait(5);
  Reply r = post_public(form_body({{"email", "hal@example.com"}, {"last_name", "Hal"}, {"_stamp", stamp}}),
                        "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(leads_with("hal@example.com").empty());
  EXPECT_EQ(get_public("/f/no-such-form").status, 404);
}

TEST_F(FormsApiTest, FieldsAndBodiesHaveLimits) {
  start();
  Reply r = send_as_person({{"email", "ivy@example.com"}, {"last_name", std::string(201, 'x')}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.text.find("Last name is longer than 200 characters"), std::string::npos);
  Reply big = post_public(form_body({{"email", "ivy@example.com"}, {"company", std::string(70000, 'y')}}),
                          "application/x-www-form-urlencoded");
  EXPECT_EQ(big.status, 413) << big.text;
  EXPECT_TRUE(leads_with("ivy@example.com").empty());
}

TEST_F(FormsApiTest, MarketingAndAdminsMakeFormsVendorsDoNot) {
  start();
  // A campaign the vendor works: still not theirs to put a public form on.
  Reply vendor = post("vendor", "/api/v1/forms", form_settings().dump());
  EXPECT_EQ(vendor.status, 403) << vendor.text;
  EXPECT_EQ(get("/api/v1/forms", "vendor").status, 403);
  EXPECT_EQ(get("/api/v1/forms", "sales_manager").status, 403);
  Reply admin = post("admin", "/api/v1/forms", form_settings().dump());
  EXPECT_EQ(admin.status, 201) << admin.text;
  EXPECT_NE(admin.body["key"], key_);
  Reply list = get("/api/v1/forms", "marketing");
  EXPECT_EQ(list.body["forms"].size(), 2u);
  json unknown = form_settings();
  unknown["campaign"] = "nope";
  EXPECT_EQ(post("marketing", "/api/v1/forms", unknown.dump()).body["error"]["field"], "campaign");
  json bad = form_settings();
  bad["fields"] = {"email", "caller"};
  Reply refused = post("marketing", "/api/v1/forms", bad.dump());
  EXPECT_EQ(refused.status, 422) << refused.text;
  EXPECT_EQ(refused.body["error"]["field"], "fields");
  // The snippet posts to this server's address for the form.
  Reply snippet = get(form_path() + "/snippet", "marketing");
  ASSERT_EQ(snippet.status, 200);
  const std::string action = "http://127.0.0.1:" + std::to_string(server_->port()) + "/f/" + key_;
  EXPECT_EQ(snippet.body["url"], action);
  EXPECT_NE(snippet.body["html"].get<std::string>().find("action=\"" + action + "\""), std::string::npos);
}

}  // namespace
}  // namespace leadloop
