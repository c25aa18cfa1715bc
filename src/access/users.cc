#include "access/users.h"

#include <sodium.h>

#include <stdexcept>

#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr std::string_view kSessionPrefix = "lls_";
constexpr std::string_view kSessionDomain = "leadloop session v1";
constexpr size_t kMaxPasswordBytes = 1024;
// Past this many (login, address) pairs tracked, those not locked are
// forgotten, so a spray of addresses cannot grow the table without bound.
constexpr size_t kMaxTrackedPairs = 100000;

Status bad_login() {
  return Status(ErrorCode::kUnauthorized,
                "wrong login or password (after several failures in a row the account is locked for a while)");
}

Result<std::string> hash_password(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return Status(ErrorCode::kInvalidValue,
                  "the password must have at least " + std::to_string(kMinPasswordBytes) + " characters", "password");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status(ErrorCode::kInvalidValue, "the password is longer than 1024 bytes", "password");
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(ErrorCode::kInternal, "out of memory hashing the password");
  }
  return std::string(out);
}

bool password_matches(const std::string& hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace

Status check_login(std::string_view login) {
  if (login.empty() || login.size() > 64) {
    return Status(ErrorCode::kInvalidValue, "a login has 1 to 64 characters", "login");
  }
  for (char c : login) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '@' || c == '-';
    if (!ok) return Status(ErrorCode::kInvalidValue, "a login uses letters, digits and . _ @ - only", "login");
  }
  return Status();
}

UserDirectory::UserDirectory(Store& store, const Clock& clock, LoginPolicy policy)
    : store_(store), clock_(clock), policy_(policy) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

Status check_user_email(std::string_view email) {
  if (email.empty()) return Status();
  if (email.size() > 254 || !is_valid_email(email) || email.find_first_of(" <>,;\"\r\n") != std::string_view::npos) {
    return Status(ErrorCode::kInvalidValue, "'" + std::string(email) + "' is not an e-mail address", "email");
  }
  return Status();
}

Result<User> UserDirectory::add(NewUser n) {
  LEADLOOP_RETURN_IF_ERROR(check_login(n.login));
  if (n.roles.empty()) return Status(ErrorCode::kMissingField, "give the user at least one role", "roles");
  LEADLOOP_RETURN_IF_ERROR(check_binding(n.roles, n.binding));
  auto hash = hash_password(n.password);
  if (!hash.ok()) return hash.status();
  User u;
  u.login = std::move(n.login);
  u.name = std::move(n.name);
  u.password_hash = std::move(hash).value();
  u.roles = n.roles.text();
  u.binding = std::move(n.binding);
  u.created_at = clock_.now();
  LEADLOOP_RETURN_IF_ERROR(store_.put_user(u));
  return u;
}

Result<User> UserDirectory::change(std::string_view login, const UserChange& c) {
  auto u = store_.find_user(login);
  if (!u.ok()) return u.status();
  bool end_sessions = false;
  if (c.name) u->name = *c.name;
  if (c.email) {
    LEADLOOP_RETURN_IF_ERROR(check_user_email(*c.email));
    u->email = *c.email;
  }
  RoleSet roles = parse_roles(u->roles).value_or(RoleSet{});
  if (c.roles) {
    if (c.roles->empty()) return Status(ErrorCode::kMissingField, "give the user at least one role", "roles");
    roles = *c.roles;
    end_sessions = true;  // a session carries the roles it started with
  }
  if (c.binding) {
    u->binding = *c.binding;
    end_sessions = true;
  }
  LEADLOOP_RETURN_IF_ERROR(check_binding(roles, u->binding));
  u->roles = roles.text();
  if (c.password) {
    auto hash = hash_password(*c.password);
    if (!hash.ok()) return hash.status();
    u->password_hash = std::move(hash).value();
    u->failed_logins = 0;
    u->locked_until.reset();
    end_sessions = true;
  }
  if (c.disabled) {
    if (*c.disabled && !u->disabled_at) u->disabled_at = clock_.now();
    if (!*c.disabled) u->disabled_at.reset();
    end_sessions = end_sessions || *c.disabled;
  }
  LEADLOOP_RETURN_IF_ERROR(store_.put_user(*u));
  if (c.password) clear_locks(u->id);  // a new password clears every lock
  if (end_sessions) LEADLOOP_RETURN_IF_ERROR(store_.revoke_sessions(u->id, 0, clock_.now()));
  return u;
}

bool UserDirectory::locked_from(const LockKey& k, TimePoint now) const {
  std::lock_guard lock(locks_mu_);
  auto it = locks_.find(k);
  return it != locks_.end() && it->second.locked_until > now;
}

void UserDirectory::note_failure(const LockKey& k, TimePoint now) {
  std::lock_guard lock(locks_mu_);
  if (locks_.size() >= kMaxTrackedPairs) {
    std::erase_if(locks_, [&](const auto& kv) { return kv.second.locked_until <= now; });
  }
  AddressLock& l = locks_[k];
  if (++l.failures >= policy_.max_failures) {
    l.failures = 0;
    l.locked_until = now + policy_.lock_millis;
  }
}

void UserDirectory::clear_locks(int64_t user_id) {
  std::lock_guard lock(locks_mu_);
  std::erase_if(locks_, [&](const auto& kv) { return kv.first.first == user_id; });
}

std::optional<TimePoint> UserDirectory::locked_until(int64_t user_id) const {
  const TimePoint now = clock_.now();
  std::lock_guard lock(locks_mu_);
  std::optional<TimePoint> latest;
  for (auto it = locks_.lower_bound({user_id, ""}); it != locks_.end() && it->first.first == user_id; ++it) {
    if (it->second.locked_until > now && (!latest || it->second.locked_until > *latest)) {
      latest = it->second.locked_until;
    }
  }
  return latest;
}

Result<SignedIn> UserDirectory::login(std::string_view login, std::string_view password, std::string_view address) {
  auto u = store_.find_user(login);
  if (!u.ok() && u.status().code() != ErrorCode::kNotFound) return u.status();
  // The hash is checked first, whatever the account's state, so an unknown,
  // disabled or locked login takes as long as any other.
  std::call_once(dummy_once_, [this] {
    auto h = hash_password("not a password of anyone");
    if (h.ok()) dummy_hash_ = *h;
  });
  const bool matches = password_matches(u.ok() ? u->password_hash : dummy_hash_, password);
  if (!u.ok()) return bad_login();
  const TimePoint now = clock_.now();
  if (u->disabled_at) return bad_login();
  // A lock stored by an earlier version holds from everywhere until it ends.
  if (u->locked_until && *u->locked_until > now) return bad_login();
  const LockKey where{u->id, std::string(address)};
  if (locked_from(where, now)) return bad_login();
  if (!matches) {
    note_failure(where, now);
    return bad_login();
  }
  // Read again after the success is noted: an admin may have disabled the
  // user, changed the password or roles, or parallel failures locked the
  // account while the hash was being checked.
  const std::string verified_hash = u->password_hash;
  u = store_.note_login(u->id, true, now, policy_.max_failures, policy_.lock_millis);
  if (!u.ok()) return u.status();
  if (u->disabled_at || u->password_hash != verified_hash) return bad_login();
  if (u->locked_until && *u->locked_until > now) return bad_login();
  if (locked_from(where, now)) return bad_login();  // parallel failures locked it meanwhile
  {
    std::lock_guard lock(locks_mu_);
    locks_.erase(where);
  }

  SignedIn s;
  s.secret = random_secret(kSessionPrefix);
  s.session.hash = secret_hash(s.secret, kSessionDomain);
  s.session.user_id = u->id;
  s.session.csrf = random_secret("");
  s.session.created_at = now;
  s.session.expires_at = now + policy_.session_millis;
  LEADLOOP_RETURN_IF_ERROR(store_.put_session(s.session));
  s.principal.user_id = u->id;
  s.principal.session_id = s.session.id;
  s.principal.roles = parse_roles(u->roles).value_or(RoleSet{});
  s.principal.label = u->login;
  s.principal.binding = u->binding;
  s.principal.csrf = s.session.csrf;
  return s;
}

Result<Principal> UserDirectory::verify_session(std::string_view secret) {
  const Status denied(ErrorCode::kUnauthorized, "the session has ended; sign in again (POST /api/v1/session)");
  if (secret.size() != kSessionPrefix.size() + 43 || secret.substr(0, kSessionPrefix.size()) != kSessionPrefix) {
    return denied;
  }
  const std::string h = secret_hash(secret, kSessionDomain);
  auto s = store_.find_session(h);
  if (!s.ok()) return s.status().code() == ErrorCode::kNotFound ? denied : s.status();
  if (s->hash.size() != h.size() || sodium_memcmp(s->hash.data(), h.data(), h.size()) != 0) return denied;
  const TimePoint now = clock_.now();
  if (s->revoked_at || s->expires_at <= now) return denied;
  auto u = store_.get_user(s->user_id);
  if (!u.ok()) return denied;
  if (u->disabled_at) return denied;
  auto roles = parse_roles(u->roles);
  if (!roles) return denied;
  Principal p;
  p.user_id = u->id;
  p.session_id = s->id;
  p.roles = *roles;
  p.label = u->login;
  p.binding = u->binding;
  p.csrf = s->csrf;
  return p;
}

Status UserDirectory::logout(const Principal& p) {
  if (!p.is_session()) return Status();
  return store_.revoke_sessions(p.user_id, p.session_id, clock_.now());
}

}  // namespace leadloop
