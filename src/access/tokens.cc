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
constexpr std::string_view kHashDomain = "leadloop api token v1";
}  // namespace

std::string random_secret(std::string_view prefix) {
  unsigned char secret[kSecretBytes];
  randombytes_buf(secret, sizeof secret);
  char b64[sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, secret, sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret, sizeof secret);
  std::string out = std::string(prefix) + b64;
  sodium_memzero(b64, sizeof b64);
  return out;
}

std::string secret_hash(std::string_view secret, std::string_view domain) {
  // The key is the domain, zero-padded to the key size.
  unsigned char key[crypto_generichash_KEYBYTES] = {};
  for (size_t i = 0; i < domain.size() && i < sizeof key; ++i) key[i] = static_cast<unsigned char>(domain[i]);
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), key,
                     sizeof key);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string Principal::actor() const {
  if (user_id != 0) return "user:" + label;
  std::string a = "token:" + std::to_string(token_id);
  if (!label.empty()) a += ":" + label;
  return a;
}

std::string binding_text(const AccessBinding& b) {
  if (!b.vendor.empty()) return "vendor " + b.vendor;
  if (!b.rep.empty()) return "rep " + b.rep;
  if (!b.team.empty()) return "team " + b.team;
  return "-";
}

Status check_binding(RoleSet roles, const AccessBinding& binding) {
  if (roles.has(Role::kVendor) && binding.vendor.empty()) {
    return Status(ErrorCode::kMissingField, "a vendor is bound to its vendor: name it (--vendor)", "vendor");
  }
  if (roles.has(Role::kSalesRep) && binding.rep.empty()) {
    return Status(ErrorCode::kMissingField, "a sales rep is bound to their rep key: name it (--rep)", "rep");
  }
  if (!binding.vendor.empty() && !roles.has(Role::kVendor)) {
    return Status(ErrorCode::kInvalidValue, "only the vendor role is bound to a vendor", "vendor");
  }
  if (!binding.rep.empty() && !roles.has(Role::kSalesRep)) {
    return Status(ErrorCode::kInvalidValue, "only the sales_rep role is bound to a rep", "rep");
  }
  if (!binding.team.empty() && !roles.has(Role::kSalesManager)) {
    return Status(ErrorCode::kInvalidValue, "only the sales_manager role is bound to a team", "team");
  }
  return Status();
}

TokenAuthority::TokenAuthority(Store& store, const Clock& clock) : store_(store), clock_(clock) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

Result<IssuedToken> TokenAuthority::create(RoleSet roles, std::string label,
                                           std::optional<TimePoint> expires_at, AccessBinding binding) {
  LEADLOOP_RETURN_IF_ERROR(check_binding(roles, binding));
  IssuedToken t;
  t.secret = random_secret(kPrefix);
  t.record.hash = secret_hash(t.secret, kHashDomain);
  t.record.role = roles.text();
  t.record.binding = std::move(binding);
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
  const std::string h = secret_hash(token, kHashDomain);
  const TimePoint now = clock_.now();
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    generation = generation_;
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
  auto roles = parse_roles(rec->role);
  if (!roles) return denied;
  Principal p;
  p.token_id = rec->id;
  p.roles = *roles;
  p.label = rec->label;
  p.binding = rec->binding;
  std::lock_guard lock(mu_);
  // A revoke while the store was read: the record may be stale, so it is
  // not cached (the next request reads it again).
  if (generation != generation_) return p;
  if (cache_.size() > 10000) cache_.clear();
  cache_[h] = Cached{p, rec->expires_at, now};
  return p;
}

Status TokenAuthority::revoke(int64_t id) {
  LEADLOOP_RETURN_IF_ERROR(store_.revoke_token(id, clock_.now()));
  std::lock_guard lock(mu_);
  ++generation_;
  cache_.clear();
  return Status();
}

}  // namespace leadloop
