// Cookie headers and query strings (api/http_text.h), as browsers and
// clients write them.
#include "api/http_text.h"

#include <gtest/gtest.h>

namespace leadloop::api {
namespace {

TEST(CookieValue, FindsTheNamedCookieOnly) {
  EXPECT_EQ(cookie_value("leadloop_session=abc", "leadloop_session"), "abc");
  EXPECT_EQ(cookie_value("theme=dark;  leadloop_session=a.b; x=1", "leadloop_session"), "a.b");
  EXPECT_EQ(cookie_value("leadloop_sessionx=1; leadloop_session=2", "leadloop_session"), "2");
  EXPECT_FALSE(cookie_value("leadloop_session", "leadloop_session"));
  EXPECT_FALSE(cookie_value("", "leadloop_session"));
  EXPECT_FALSE(cookie_value(";;;", "leadloop_session"));
  EXPECT_EQ(cookie_value("leadloop_session=", "leadloop_session"), "");  // present, empty
}

TEST(ParseQuery, DecodesPairsAndCapsTheirNumber) {
  auto q = parse_query("a=1&b=x%20y+z&c&&d=%zz%4", 10);
  ASSERT_TRUE(q);
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(*q, (Pairs{{"a", "1"}, {"b", "x y z"}, {"c", ""}, {"d", "%zz%4"}}));
  EXPECT_FALSE(parse_query("a&b&c", 2));
  EXPECT_EQ(percent_decode("%41%2b%2B%"), "A++%");
}

}  // namespace
}  // namespace leadloop::api
