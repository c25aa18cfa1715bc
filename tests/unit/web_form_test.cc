// A web form's settings (domain/web_form.h): which fields a public form may
// ask for, the checks on a form, one case per rule, and its JSON mapping
// read back unchanged.
#include "domain/web_form.h"

#include <gtest/gtest.h>

#include <functional>

namespace leadloop {
namespace {

WebForm good_form() {
  WebForm f;
  f.campaign = "web-1";
  f.title = "Spring webinar";
  f.fields = {"email", "last_name", "attributes.budget"};
  f.required = {"email"};
  f.origins = {"https://www.example.com", "http://127.0.0.1:8081"};
  f.consents = {{"email", "Yes, e-mail me", false}};
  return f;
}

TEST(WebForm, AsksForContactFieldsAndAttributesNeverTheCampaignOrCaller) {
  for (const char* ok : {"email", "phone", "first_name", "employees", "country", "attributes.budget_2026"}) {
    EXPECT_TRUE(is_form_field(ok)) << ok;
  }
  for (const char* no : {"source_campaign", "caller", "external_id", "consent", "attributes.", "attributes.Bad",
                         "attributes.a-b", "owner", ""}) {
    EXPECT_FALSE(is_form_field(no)) << no;
  }
  EXPECT_EQ(form_field_label("first_name"), "First name");
  EXPECT_EQ(form_field_label("attributes.budget_range"), "Budget range");
  EXPECT_EQ(form_field_max_length("last_name"), 200u);
}

TEST(WebForm, ChecksEachRuleNamingTheField) {
  EXPECT_TRUE(check_web_form(good_form()).ok()) << check_web_form(good_form()).to_string();
  const std::vector<std::pair<std::function<void(WebForm&)>, std::string>> cases = {
      {[](WebForm& f) { f.campaign = ""; }, "campaign"},
      {[](WebForm& f) { f.title = " "; }, "title"},
      {[](WebForm& f) { f.fields = {}; }, "fields"},
      {[](WebForm& f) { f.fields.push_back("caller"); }, "fields"},
      {[](WebForm& f) { f.fields.push_back("email"); }, "fields"},
      {[](WebForm& f) { f.required = {"phone"}; }, "required"},
      {[](WebForm& f) { f.origins = {"https://www.example.com/path"}; }, "origins"},
      {[](WebForm& f) { f.origins = {"www.example.com"}; }, "origins"},
      {[](WebForm& f) { f.origins = {"*"}; }, "origins"},
      {[](WebForm& f) { f.consents = {{"sms", "x", false}}; }, "consents"},
      {[](WebForm& f) { f.consents = {{"email", "", false}}; }, "consents"},
      {[](WebForm& f) { f.consents.push_back({"email", "again", false}); }, "consents"},
      {[](WebForm& f) { f.consents = {}, f.double_opt_in = true; }, "double_opt_in"},
      {[](WebForm& f) { f.redirect_url = "javascript:alert(1)"; }, "redirect_url"},
      {[](WebForm& f) { f.min_fill_seconds = -1; }, "min_fill_seconds"},
      {[](WebForm& f) { f.min_fill_seconds = 3601; }, "min_fill_seconds"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    WebForm f = good_form();
    cases[i].first(f);
    Status st = check_web_form(f);
    EXPECT_FALSE(st.ok()) << "case " << i;
    EXPECT_EQ(st.field(), cases[i].second) << "case " << i << ": " << st.to_string();
  }
  WebForm doi = good_form();
  doi.double_opt_in = true;
  EXPECT_TRUE(check_web_form(doi).ok());
}

TEST(WebForm, JsonReadsBackTheSameSettings) {
  WebForm f = good_form();
  f.double_opt_in = true;
  f.redirect_url = "https://www.example.com/thanks";
  f.thank_you = "See you";
  f.min_fill_seconds = 5;
  f.enabled = false;
  Json j = web_form_json(f);
  for (const char* fixed : {"id", "key", "created_by", "created_at", "updated_at"}) j.erase(fixed);
  WebForm back;
  ASSERT_TRUE(parse_web_form(j, back).ok());
  EXPECT_EQ(web_form_json(back), web_form_json(f));
  WebForm other;
  EXPECT_EQ(parse_web_form(Json{{"key", "mine"}}, other).field(), "key");  // not settable
  EXPECT_EQ(parse_web_form(Json{{"fields", "email"}}, other).field(), "fields");
}

}  // namespace
}  // namespace leadloop
