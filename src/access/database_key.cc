#include "access/database_key.h"

#include <sodium.h>

#include <vector>

namespace leadloop {

namespace {

// A new random key as hex; the raw bytes are wiped.
std::string new_key_hex(size_t bytes) {
  std::vector<unsigned char> key(bytes);
  randombytes_buf(key.data(), key.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
  sodium_memzero(key.data(), key.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

}  // namespace

Result<std::string> database_key(Store& store, std::string_view setting, size_t bytes,
                                 std::string_view what) {
  auto stored = store.get_setting(std::string(setting));
  if (!stored.ok()) return stored.status();
  std::string hex = stored->value_or("");
  if (hex.empty()) {
    std::string made = new_key_hex(bytes);
    auto kept = store.put_setting_once(std::string(setting), made);
    sodium_memzero(made.data(), made.size());
    if (!kept.ok()) return kept.status();
    hex = std::move(kept).value();
  }
  std::string key(bytes, '\0');
  size_t len = 0;
  const bool damaged =
      hex.size() != bytes * 2 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != bytes;
  sodium_memzero(hex.data(), hex.size());
  if (damaged) {
    return Status(ErrorCode::kInternal,
                  std::string(what) + " in the database settings is damaged", std::string(setting));
  }
  return key;
}

}  // namespace leadloop
