// UserDirectory: people who sign in with a password, and their sessions.
// Passwords are stored as argon2id hashes (libsodium crypto_pwhash_str);
// a session's cookie secret is stored as a keyed hash, with the CSRF token
// the session's writes must echo. Consecutive failed logins from one
// address lock the account for a while from that address only, so nobody
// can lock a person out from elsewhere. Thread-safe (the store serialises
// writes; the per-address locks are guarded by a mutex).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "access/tokens.h"

namespace leadloop {

struct LoginPolicy {
  int max_failures = 5;                                     // in a row, then locked
  TimePoint lock_millis = 15 * 60 * kMillisPerSecond;       // how long
  TimePoint session_millis = 12 * 3600 * kMillisPerSecond;  // a session's life
};

struct NewUser {
  std::string login;
  std::string name;
  std::string password;
  RoleSet roles;
  AccessBinding binding;
};

// What an admin may change of a user; unset fields stay.
struct UserChange {
  std::optional<std::string> name;
  std::optional<std::string> password;
  std::optional<RoleSet> roles;
  std::optional<AccessBinding> binding;
  std::optional<bool> disabled;
  std::optional<std::string> email;  // "" clears it
};

struct SignedIn {
  std::string secret;  // the cookie value; shown once
  SessionRecord session;
  Principal principal;
};

// Passwords: 12 to 1024 bytes.
inline constexpr size_t kMinPasswordBytes = 12;

class UserDirectory {
 public:
  UserDirectory(Store& store, const Clock& clock, LoginPolicy policy = {});

  // kInvalidValue for a bad login, short password or a binding that does
  // not fit the roles; kConflict for a login in use.
  Result<User> add(NewUser u);
  // Changes a user; disabling or a new password ends their sessions.
  Result<User> change(std::string_view login, const UserChange& change);

  // kUnauthorized, with one message whatever went wrong (unknown login,
  // wrong password, disabled, locked), so the answer reveals nothing.
  // Failures count per login and `address` (the client's): max_failures in
  // a row from one address lock the login from that address only.
  Result<SignedIn> login(std::string_view login, std::string_view password, std::string_view address = "");
  // Until when a user is locked out from some address; nullopt if from none.
  std::optional<TimePoint> locked_until(int64_t user_id) const;
  // The principal of a live session; kUnauthorized otherwise.
  Result<Principal> verify_session(std::string_view secret);
  Status logout(const Principal& p);

  const LoginPolicy& policy() const { return policy_; }

 private:
  Store& store_;
  const Clock& clock_;
  LoginPolicy policy_;
  // Verified against for unknown logins, so they take as long; made once.
  std::once_flag dummy_once_;
  std::string dummy_hash_;

  // Failures in a row of one login from one address, and the lock they
  // earned. In memory: a restart forgets them (a lock lasts minutes).
  struct AddressLock {
    int failures = 0;
    TimePoint locked_until = 0;
  };
  using LockKey = std::pair<int64_t, std::string>;  // user id, address
  bool locked_from(const LockKey& k, TimePoint now) const;
  void note_failure(const LockKey& k, TimePoint now);
  void clear_locks(int64_t user_id);
  mutable std::mutex locks_mu_;
  std::map<LockKey, AddressLock> locks_;  // guarded by locks_mu_
};

// "user:<login>" name rules: 1-64 of [a-z0-9._@-], case-insensitive.
Status check_login(std::string_view login);
// kInvalidValue (field "email") unless empty or a plain e-mail address.
Status check_user_email(std::string_view email);

}  // namespace leadloop
