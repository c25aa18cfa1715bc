#include "access/tokens.h"

#include <sodium.h>

#include <stdexcept>

namespace leadloop {

namespace {
constexpr std::string_view kPrefix = "llt_";
constexpr size_t kSecretBytes = 32;
// A revocation is seen by a running server within this time.
constexpr TimePoint kCacheMillis = 5 * kMillisPerSecond;
// Domain separation for the stored hash.
constexpr unsigned char kHashKey[crypto_generichash_KEYBYTES] = "leadloop api token v1";
}  // namespace

std::string Principal::actor() const {
  std::string a = "token:" + std::to_string(token_id);
  if (!label.empty()) a += ":" + label;
  return a;
}

TokenAuthority::TokenAuthority(Store& store, const Clock& clock) : store_(store), clock_(clock) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string TokenAuthority::hash(std::string_view token) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), kHashKey, sizeof kHashKey);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

Result<IssuedToken> TokenAuthority::create(Role role, std::string label,
                                           std::optional<TimePoint> expires_at) {
  unsigned char secret[kSecretBytes];
  randombytes_buf(secret, sizeof secret);
  char b64[sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, secret, sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret, sizeof secret);
  IssuedToken t;
  t.secret = std::string(kPrefix) + b64;
  t.record.hash = hash(t.secret);
  t.record.role = std::string(role_name(role));
  t.record.label = std::move(label);
  t.record.created_at = clock_.now();
  t.record.expires_at = expires_at;
  LEADLOOP_RETURN_IF_ERROR(store_.put_token(t.record));
  return t;
}

Result<Principal> TokenAuthority::verify(std::string_view token) {
  const Status denied(ErrorCode::kUnauthorized,
                      "a valid API token is required: send 'Authorization: Bearer <token>'");
  if (token.size() != kPrefix.size() + 43 || token.substr(0, kPrefix.size()) != kPrefix) {
    return denied;
  }
  const std::string h = hash(token);
  const TimePoint now = clock_.now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(h);
    if (it != cache_.end() && now - it->second.checked_at < kCacheMillis) {
      if (it->second.expires_at && *it->second.expires_at <= now) return denied;
      return it->second.principal;
    }
  }
  auto rec = store_.find_token(h);
  if (!rec.ok()) return rec.status().code() == ErrorCode::kNotFound ? denied : rec.status();
  // The lookup was by hash; compare again in constant time all the same.
  if (rec->hash.size() != h.size() || sodium_memcmp(rec->hash.data(), h.data(), h.size()) != 0) {
    return denied;
  }
  if (rec->revoked_at || (rec->expires_at && *rec->expires_at <= now)) {
    std::lock_guard lock(mu_);
    cache_.erase(h);
    return denied;
  }
  auto role = parse_role(rec->role);
  if (!role) return denied;
  Principal p{rec->id, *role, rec->label};
  std::lock_guard lock(mu_);
  if (cache_.size() > 10000) cache_.clear();
  cache_[h] = Cached{p, rec->expires_at, now};
  return p;
}

Status TokenAuthority::revoke(int64_t id) {
  LEADLOOP_RETURN_IF_ERROR(store_.revoke_token(id, clock_.now()));
  std::lock_guard lock(mu_);
  cache_.clear();
  return Status();
}

}  // namespace leadloop
