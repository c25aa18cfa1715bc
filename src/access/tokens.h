// TokenAuthority issues and checks API tokens. A token is "llt_" followed by
// 43 characters of base64url randomness (256 bits); only its BLAKE2b hash is
// stored, so a stolen database yields no usable token. Verified tokens are
// cached briefly to keep the hot path off the database. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "access/role.h"
#include "domain/clock.h"
#include "store/store.h"

namespace leadloop {

struct Principal {
  int64_t token_id = 0;
  Role role = Role::kViewer;
  std::string label;
  // "token:<id>" or "token:<id>:<label>", recorded as the actor of writes.
  std::string actor() const;
};

struct IssuedToken {
  ApiToken record;
  std::string secret;  // shown once
};

class TokenAuthority {
 public:
  TokenAuthority(Store& store, const Clock& clock);

  Result<IssuedToken> create(Role role, std::string label, std::optional<TimePoint> expires_at);
  // kUnauthorized for a malformed, unknown, revoked or expired token.
  Result<Principal> verify(std::string_view token);
  Status revoke(int64_t id);

 private:
  struct Cached {
    Principal principal;
    std::optional<TimePoint> expires_at;
    TimePoint checked_at;
  };
  std::string hash(std::string_view token) const;

  Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // by hash; guarded by mu_
};

}  // namespace leadloop
