// API tokens: shown once, stored hashed, verified, revoked, expired.
#include "access/tokens.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_db.h"

namespace leadloop {
namespace {

using testing::TempDir;
using testing::TestServices;

TEST(Tokens, IssuedTokenVerifiesWithItsRole) {
  TempDir dir;
  TestServices svc(dir.file("t.db"));
  TokenAuthority auth(*svc.store, svc.clock);
  auto t = auth.create(Role::kMarketing, "ci", std::nullopt);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->secret.rfind("llt_", 0), 0u);
  EXPECT_EQ(t->secret.size(), 47u);
  auto p = auth.verify(t->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->roles, RoleSet{Role::kMarketing});
  EXPECT_EQ(p->actor(), "token:" + std::to_string(t->record.id) + ":ci");
}

TEST(Tokens, WrongMalformedRevokedAndExpiredTokensAreRefused) {
  TempDir dir;
  TestServices svc(dir.file("t.db"));
  TokenAuthority auth(*svc.store, svc.clock);
  auto good = auth.create(Role::kAdmin, "", std::nullopt).value();
  std::string forged = good.secret;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {std::string(), std::string("llt_short"), forged,
                                 std::string("Bearer ") + good.secret}) {
    EXPECT_EQ(auth.verify(bad).status().code(), ErrorCode::kUnauthorized) << bad;
  }
  ASSERT_TRUE(auth.verify(good.secret).ok());
  ASSERT_TRUE(auth.revoke(good.record.id).ok());
  EXPECT_EQ(auth.verify(good.secret).status().code(), ErrorCode::kUnauthorized);
  EXPECT_EQ(auth.revoke(999).code(), ErrorCode::kNotFound);

  auto brief = auth.create(Role::kViewer, "", svc.clock.now() + kMillisPerHour).value();
  ASSERT_TRUE(auth.verify(brief.secret).ok());
  svc.clock.advance(kMillisPerHour);
  EXPECT_EQ(auth.verify(brief.secret).status().code(), ErrorCode::kUnauthorized);
}

TEST(Tokens, TheSecretIsNeverStored) {
  if (testing::on_postgres()) GTEST_SKIP() << "reads the SQLite file's bytes";
  TempDir dir;
  std::string secret;
  {
    TestServices svc(dir.file("t.db"));
    TokenAuthority auth(*svc.store, svc.clock);
    secret = auth.create(Role::kAdmin, "", std::nullopt).value().secret;
  }
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(dir.file("t.db") + suffix, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes += ss.str();
  }
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(secret.substr(4)), std::string::npos);
}

}  // namespace
}  // namespace leadloop
