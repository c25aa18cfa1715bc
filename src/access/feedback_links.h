// FeedbackLinks lets a channel rep without a login give sales feedback on one
// lead: a signed, expiring, single-lead token URL. The token names a stored
// link (id) and its expiry, signed with HMAC-SHA-512/256 (libsodium
// crypto_auth) under a key kept in the store's settings (made on first use),
// so a forged or altered token is refused before the database is read. A
// link answers once: the answer and the link's use are one transaction.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "domain/clock.h"
#include "engine/lifecycle.h"
#include "store/store.h"

namespace leadloop {

struct IssuedFeedbackLink {
  FeedbackLink link;
  std::string token;  // "flk_..."; the URL is /feedback/<token>
};

// What the rep answers through the link.
struct LinkAnswer {
  Stage to = Stage::kAccepted;  // accepted or rejected
  std::string reason;           // a reject reason code of the definition
  std::string note;
};

class FeedbackLinks {
 public:
  FeedbackLinks(Store& store, const Clock& clock, Lifecycle& lifecycle);

  // Loads the signing key, creating it on first use.
  Status open();

  // kNotFound for an unknown lead; kMissingField for no rep; kInvalidValue
  // for an expiry not in the future or a lead that can no longer be
  // accepted or rejected (closed, or already answered and worked).
  Result<IssuedFeedbackLink> create(int64_t lead_id, const std::string& rep, TimePoint expires_at,
                                    const std::string& created_by);

  // The link a token names. kUnauthorized for a malformed or forged token,
  // or one whose link does not exist; kForbidden for an expired one;
  // kConflict for one already answered.
  Result<FeedbackLink> verify(std::string_view token) const;

  // Verifies the token and applies the answer as a lifecycle transition by
  // "link:<rep>", using the link in the same transaction.
  Result<Lead> answer(std::string_view token, const LinkAnswer& a);

  // The token of a stored link again (the same text create() gave: the
  // signature is a function of the link), for the mail that carries it.
  Result<std::string> token_for(int64_t link_id) const;

 private:
  std::string sign(const FeedbackLink& link) const;  // REQUIRES: open
  Store& store_;
  const Clock& clock_;
  Lifecycle& lifecycle_;
  std::string key_;  // set by open()
};

}  // namespace leadloop
