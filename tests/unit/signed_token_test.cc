// Signed tokens (access/signed_token.h): values read back only under the
// key and prefix they were signed with, in their one spelling; any change
// to a character, the count of values or the key is refused.
#include "access/signed_token.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>

namespace leadloop {
namespace {

std::string key_of(unsigned char fill) { return std::string(crypto_auth_KEYBYTES, static_cast<char>(fill)); }

TEST(SignedToken, ReadsBackItsValuesUnderItsKeyOnly) {
  ASSERT_GE(sodium_init(), 0);
  const std::array<uint64_t, 3> values = {42, 1772442000000, UINT64_MAX};
  const std::string token = sign_values(key_of(1), "tst_", values);
  ASSERT_TRUE(token.starts_with("tst_"));
  auto back = verify_values(key_of(1), "tst_", token, 3);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, std::vector<uint64_t>(values.begin(), values.end()));
  EXPECT_FALSE(verify_values(key_of(2), "tst_", token, 3)) << "another key";
  EXPECT_FALSE(verify_values(key_of(1), "abc_", token, 3)) << "another prefix";
  EXPECT_FALSE(verify_values(key_of(1), "tst_", token, 2)) << "another count";
  EXPECT_FALSE(verify_values(key_of(1), "tst_", token + "A", 3)) << "longer";
  EXPECT_FALSE(verify_values(key_of(1), "tst_", token.substr(0, token.size() - 1), 3)) << "shorter";
  EXPECT_FALSE(verify_values(key_of(1), "tst_", "", 3));
  EXPECT_FALSE(verify_values("short", "tst_", token, 3)) << "a key of the wrong size";
  for (size_t i = 4; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_values(key_of(1), "tst_", changed, 3)) << "character " << i;
  }
}

}  // namespace
}  // namespace leadloop
