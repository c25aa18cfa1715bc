#include "access/pseudonym.h"

#include <sodium.h>

#include "access/database_key.h"
#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr size_t kKeyBytes = crypto_generichash_KEYBYTES;
constexpr size_t kHashBytes = crypto_generichash_BYTES_MIN;

}  // namespace

Result<std::string> audit_pseudonym(Store& store, std::string_view value) {
  if (sodium_init() < 0) return Status(ErrorCode::kInternal, "libsodium failed to initialise");
  auto key = database_key(store, kAuditKeySetting, kKeyBytes, "the audit key");
  if (!key.ok()) return key.status();
  const std::string text = to_lower_ascii(value);
  unsigned char hash[kHashBytes];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     reinterpret_cast<const unsigned char*>(key->data()), key->size());
  sodium_memzero(key->data(), key->size());
  char hex[kHashBytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return "#" + std::string(hex);
}

}  // namespace leadloop
