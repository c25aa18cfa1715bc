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

// Who is calling: an API token or a signed-in user (a session).
struct Principal {
  int64_t token_id = 0;    // 0 for a session
  int64_t user_id = 0;     // 0 for a token
  int64_t session_id = 0;  // 0 for a token
  RoleSet roles;
  std::string label;  // the token's label, or the user's login
  AccessBinding binding;
  std::string csrf;  // the session's CSRF token; empty for a token

  bool has(Role r) const { return roles.has(r); }
  bool is_session() const { return session_id != 0; }
  // "token:<id>", "token:<id>:<label>" or "user:<login>", recorded as the
  // actor of writes.
  std::string actor() const;
};

// "vendor Acme", "rep ann", "team emea" or "-".
std::string binding_text(const AccessBinding& b);

// kInvalidValue unless the binding fits the roles: a vendor is bound to a
// vendor and a sales rep to a rep key; a sales manager may be bound to a
// team (else they manage every team).
Status check_binding(RoleSet roles, const AccessBinding& binding);

// `prefix` + 43 characters of base64url randomness (256 bits).
std::string random_secret(std::string_view prefix);
// Hex of BLAKE2b-256 of `secret` keyed with `domain`: what is stored of a
// secret, so a stolen database yields none usable.
std::string secret_hash(std::string_view secret, std::string_view domain);

struct IssuedToken {
  ApiToken record;
  std::string secret;  // shown once
};

class TokenAuthority {
 public:
  TokenAuthority(Store& store, const Clock& clock);

  Result<IssuedToken> create(RoleSet roles, std::string label, std::optional<TimePoint> expires_at,
                             AccessBinding binding = {});
  // kUnauthorized for a malformed, unknown, revoked or expired token.
  Result<Principal> verify(std::string_view token);
  Status revoke(int64_t id);

 private:
  struct Cached {
    Principal principal;
    std::optional<TimePoint> expires_at;
    TimePoint checked_at;
  };
  Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // by hash; guarded by mu_
  uint64_t generation_ = 0;  // bumped by revoke; guarded by mu_
};

}  // namespace leadloop
