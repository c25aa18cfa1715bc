// The HTTP layer's own parsers: percent escapes, query strings and form
// bodies, cookies, path templates; and the request accessors over them.
#include <gtest/gtest.h>
#include <zlib.h>

#include "api/http/gzip.h"
#include "api/http/parsing.h"

namespace leadloop::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlusOnlyWhenAsked) {
  struct Case {
    const char* in;
    bool plus;
    const char* out;
  };
  const Case cases[] = {
      {"a%20b", false, "a b"},
      {"a+b", true, "a b"},
      {"a+b", false, "a+b"},
      {"%41%6a", false, "Aj"},
      {"100%", false, "100%"},
      {"%zz%4", false, "%zz%4"},
      {"%e2%82%ac", true, "\xe2\x82\xac"},
      {"", true, ""},
  };
  for (const Case& c : cases) EXPECT_EQ(percent_decode(c.in, c.plus), c.out) << c.in;
}

TEST(ParseQuery, KeepsEveryValueInOrderAndDecodes) {
  Params p;
  parse_query("channel=web&channel=event&q=a+b%26c&flag&=skipped&&note=x%3Dy=z", p);
  Request r;
  r.params = p;
  EXPECT_EQ(r.get_param_value_count("channel"), 2u);
  EXPECT_EQ(r.get_param_value("channel", 0), "web");
  EXPECT_EQ(r.get_param_value("channel", 1), "event");
  EXPECT_EQ(r.get_param_value("channel", 2), "");
  EXPECT_EQ(r.get_param_value("q"), "a b&c");
  EXPECT_TRUE(r.has_param("flag"));
  EXPECT_EQ(r.get_param_value("flag"), "");
  EXPECT_EQ(r.get_param_value("note"), "x=y=z");
  EXPECT_FALSE(r.has_param(""));
  EXPECT_EQ(p.size(), 5u);
}

TEST(ParseQuery, ReadsAFormBody) {
  Params p;
  parse_query("answer=reject&reason=no+budget&note=Call+%C3%A9mile&csrf_token=abc", p);
  Request r;
  r.params = p;
  EXPECT_EQ(r.get_param_value("reason"), "no budget");
  EXPECT_EQ(r.get_param_value("note"), "Call \xc3\xa9mile");
}

TEST(CookieValue, FindsTheNamedCookieOnly) {
  EXPECT_EQ(cookie_value("a=1; leadloop_session=xyz; b=2", "leadloop_session"), "xyz");
  EXPECT_EQ(cookie_value("leadloop_session=xyz", "leadloop_session"), "xyz");
  EXPECT_EQ(cookie_value("leadloop_sessionx=1; c=2", "leadloop_session"), "");
  EXPECT_EQ(cookie_value("leadloop_session", "leadloop_session"), "");
  EXPECT_EQ(cookie_value("", "leadloop_session"), "");
}

TEST(MatchPath, MatchesSegmentBySegment) {
  const PathTemplate t = parse_template("/api/v1/leads/{id}/timeline");
  std::vector<PathCapture> caps;
  ASSERT_TRUE(match_path(t, "/api/v1/leads/42/timeline", &caps));
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[0].str(), "/api/v1/leads/42/timeline");
  EXPECT_EQ(caps[1].str(), "42");
  for (const char* miss :
       {"/api/v1/leads//timeline", "/api/v1/leads/42", "/api/v1/leads/42/timeline/x",
        "/api/v1/leads/4/2/timeline", "/api/v1/lead/42/timeline", ""}) {
    EXPECT_FALSE(match_path(t, miss, &caps)) << miss;
  }
  EXPECT_TRUE(match_path(parse_template("/"), "/", &caps));
  EXPECT_FALSE(match_path(parse_template("/"), "/x", &caps));
  EXPECT_TRUE(match_path(parse_template("/assets/{file}"), "/assets/app.js", &caps));
  EXPECT_EQ(std::string(caps[1]), "app.js");
}

TEST(Headers, AreFoundInAnyCase) {
  Request r;
  r.headers.emplace("Content-Type", "application/json");
  EXPECT_TRUE(r.has_header("content-type"));
  EXPECT_EQ(r.get_header_value("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(r.get_header_value("Accept"), "");
  Response res;
  res.set_header("Set-Cookie", "a=1");
  res.set_header("Set-Cookie", "b=2");
  res.set_header("X-Bad", "a\r\nInjected: 1");
  EXPECT_EQ(res.headers.count("set-cookie"), 2u);
  EXPECT_FALSE(res.has_header("X-Bad"));
}

TEST(Gzip, OnlyForOffersAndTextTypes) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_FALSE(accepts_gzip("br"));
  EXPECT_TRUE(compressible("application/json"));
  EXPECT_TRUE(compressible("text/javascript; charset=utf-8"));
  EXPECT_FALSE(compressible("text/event-stream"));
  EXPECT_FALSE(compressible("image/png"));
  std::string out;
  ASSERT_TRUE(gzip(std::string(1000, 'a'), &out));
  EXPECT_LT(out.size(), 100u);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 0x8b);
}

// The pieces of a streamed answer, each flushed, make one gzip member.
TEST(GzipStream, PiecesInflateToTheWhole) {
  GzipStream zip;
  ASSERT_TRUE(zip.ok());
  std::string whole, zipped;
  for (int i = 0; i < 50; ++i) {
    const std::string piece =
        "row " + std::to_string(i) + "," + std::string(static_cast<size_t>(i * 37), 'x') + "\n";
    whole += piece;
    zipped += zip.compress(piece, false);
  }
  zipped += zip.compress("", true);
  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(whole.size() + 100, '\0');
  z.next_in = reinterpret_cast<Bytef*>(zipped.data());
  z.avail_in = static_cast<uInt>(zipped.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  EXPECT_EQ(out, whole);
  EXPECT_LT(zipped.size(), whole.size() / 4);
}

}  // namespace
}  // namespace leadloop::http
