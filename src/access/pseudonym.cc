#include "access/pseudonym.h"

#include <sodium.h>

#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr size_t kKeyBytes = crypto_generichash_KEYBYTES;
constexpr size_t kHashBytes = crypto_generichash_BYTES_MIN;

// The database's audit key: read, or made once (put_setting_once keeps the
// first of two processes that race here).
Result<std::string> audit_key(Store& store) {
  auto stored = store.get_setting(std::string(kAuditKeySetting));
  if (!stored.ok()) return stored.status();
  std::string hex = stored->value_or("");
  if (hex.empty()) {
    unsigned char key[kKeyBytes];
    crypto_generichash_keygen(key);
    char text[kKeyBytes * 2 + 1];
    sodium_bin2hex(text, sizeof text, key, sizeof key);
    sodium_memzero(key, sizeof key);
    auto kept = store.put_setting_once(std::string(kAuditKeySetting), text);
    sodium_memzero(text, sizeof text);
    if (!kept.ok()) return kept.status();
    hex = std::move(kept).value();
  }
  std::string key(kKeyBytes, '\0');
  size_t len = 0;
  if (hex.size() != kKeyBytes * 2 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(), hex.size(), nullptr,
                     &len, nullptr) != 0 ||
      len != key.size()) {
    return Status(ErrorCode::kInternal, "the audit key in the database settings is damaged",
                  std::string(kAuditKeySetting));
  }
  return key;
}

}  // namespace

Result<std::string> audit_pseudonym(Store& store, std::string_view value) {
  if (sodium_init() < 0) return Status(ErrorCode::kInternal, "libsodium failed to initialise");
  auto key = audit_key(store);
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
