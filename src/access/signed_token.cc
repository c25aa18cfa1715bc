#include "access/signed_token.h"

#include <sodium.h>

#include <array>

namespace leadloop {

namespace {

constexpr int kB64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
using Tag = std::array<unsigned char, crypto_auth_BYTES>;

std::string to_base64(const unsigned char* bytes, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, kB64), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, kB64);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Decodes exactly `n` bytes, and only from their one canonical spelling, so
// that no two token texts name the same bytes.
bool from_base64(std::string_view text, unsigned char* bytes, size_t n) {
  size_t len = 0;
  if (sodium_base642bin(bytes, n, text.data(), text.size(), nullptr, &len, nullptr, kB64) != 0 || len != n) {
    return false;
  }
  return to_base64(bytes, n) == text;
}

// Big-endian, 8 bytes each.
std::vector<unsigned char> payload_of(std::span<const uint64_t> values) {
  std::vector<unsigned char> out(values.size() * 8);
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t v = values[i];
    for (int b = 7; b >= 0; --b, v >>= 8) out[i * 8 + static_cast<size_t>(b)] = static_cast<unsigned char>(v & 0xff);
  }
  return out;
}

const unsigned char* key_bytes(std::string_view key) { return reinterpret_cast<const unsigned char*>(key.data()); }

}  // namespace

std::string sign_values(std::string_view key, std::string_view prefix, std::span<const uint64_t> values) {
  const std::vector<unsigned char> payload = payload_of(values);
  Tag tag;
  crypto_auth(tag.data(), payload.data(), payload.size(), key_bytes(key));
  return std::string(prefix) + to_base64(payload.data(), payload.size()) + "." + to_base64(tag.data(), tag.size());
}

std::optional<std::vector<uint64_t>> verify_values(std::string_view key, std::string_view prefix,
                                                   std::string_view token, size_t count) {
  if (key.size() != crypto_auth_KEYBYTES || !token.starts_with(prefix)) return std::nullopt;
  token.remove_prefix(prefix.size());
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::vector<unsigned char> payload(count * 8);
  Tag tag;
  if (!from_base64(token.substr(0, dot), payload.data(), payload.size()) ||
      !from_base64(token.substr(dot + 1), tag.data(), tag.size())) {
    return std::nullopt;
  }
  if (crypto_auth_verify(tag.data(), payload.data(), payload.size(), key_bytes(key)) != 0) return std::nullopt;
  std::vector<uint64_t> values(count, 0);
  for (size_t i = 0; i < payload.size(); ++i) values[i / 8] = (values[i / 8] << 8) | payload[i];
  return values;
}

}  // namespace leadloop
