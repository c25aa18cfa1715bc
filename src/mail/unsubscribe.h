// One-click unsubscribe (RFC 8058) for mail to leads. A token names a lead
// and a channel and is signed (HMAC-SHA-512/256, libsodium crypto_auth)
// under a key kept in the store's settings like the feedback link key
// (access/database_key.h), so a forged or altered token is refused before
// the database is read. It does not expire: an unsubscribe link must keep
// working. Using it denies the channel through the consent desk, a
// consent_changed event with source "unsubscribe link"; again is a no-op.
// Thread-safe after open().
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/consent.h"
#include "store/store.h"

namespace leadloop {

struct UnsubscribeTarget {
  int64_t lead_id = 0;
  std::string channel;  // "email"
};

class UnsubscribeLinks {
 public:
  explicit UnsubscribeLinks(Store& store);

  // Loads the signing key, creating it on first use.
  Status open();

  // "uns_<payload>.<signature>"; the URL is <base>/u/<token>.
  // REQUIRES: open() succeeded; channel is "email".
  std::string token(int64_t lead_id, std::string_view channel = "email") const;
  // kNotFound for a malformed or forged token (answered 404: nothing to
  // tell a guesser).
  Result<UnsubscribeTarget> verify(std::string_view token) const;

  // The headers of a mail to a lead: List-Unsubscribe with the one-click
  // URL (and `mailto` when not empty: "unsubscribe@example.com") and
  // List-Unsubscribe-Post: List-Unsubscribe=One-Click.
  std::vector<std::pair<std::string, std::string>> headers(int64_t lead_id, const std::string& base_url,
                                                           const std::string& mailto = "") const;

  // Verifies and denies the channel by actor "unsubscribe:<lead>".
  // Idempotent: `changed` is empty the second time.
  Result<ConsentAnswer> unsubscribe(std::string_view token, ConsentDesk& desk) const;

 private:
  Store& store_;
  std::string key_;
};

}  // namespace leadloop
