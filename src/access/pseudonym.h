// Pseudonyms for the audit log: a keyed hash that stands for a value the log
// may not hold in clear (the login of a failed sign-in, a path value that is
// not an id, such as an email). The same value (compared without case) gives
// the same pseudonym, so repeated attempts line up; without the key, kept in
// the database's settings and never shown, nobody can test a guess against
// it. Thread-safe: the key is read from the store on each call.
#pragma once

#include <string>
#include <string_view>

#include "store/store.h"

namespace leadloop {

// "#" and 32 hex digits: BLAKE2b-128 (libsodium crypto_generichash) of the
// lower-cased value, keyed with the database's audit key (made on first use).
Result<std::string> audit_pseudonym(Store& store, std::string_view value);

// The settings key under which the audit key is kept.
inline constexpr std::string_view kAuditKeySetting = "audit_pseudonym_key";

}  // namespace leadloop
