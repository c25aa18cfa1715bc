// Signed tokens: a few 64-bit values (ids, times) and an HMAC-SHA-512/256
// tag (libsodium crypto_auth) over them, as "<prefix><payload>.<tag>" in
// URL-safe base64. A forged or altered token is refused before anything
// is read from the database. Used by feedback links and web forms. Pure
// functions; thread-safe. REQUIRES: sodium_init() has succeeded and `key`
// holds crypto_auth_KEYBYTES bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leadloop {

std::string sign_values(std::string_view key, std::string_view prefix, std::span<const uint64_t> values);

// The `count` values a token signed with `key` and `prefix` carries;
// nullopt for any other text (one canonical spelling per token).
std::optional<std::vector<uint64_t>> verify_values(std::string_view key, std::string_view prefix,
                                                   std::string_view token, size_t count);

}  // namespace leadloop
