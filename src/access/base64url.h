// URL-safe base64 without padding (libsodium) for fixed-size byte arrays,
// as signed link tokens spell their parts. Decoding accepts only the one
// canonical spelling of the bytes, so no two token texts name the same
// bytes. Pure functions. REQUIRES: sodium_init() has succeeded.
#pragma once

#include <sodium.h>

#include <array>
#include <string>
#include <string_view>

namespace leadloop {

inline constexpr int kBase64Url = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

template <size_t N>
std::string to_base64url(const std::array<unsigned char, N>& bytes) {
  char out[sodium_base64_ENCODED_LEN(N, kBase64Url)];
  sodium_bin2base64(out, sizeof out, bytes.data(), bytes.size(), kBase64Url);
  return out;
}

// Exactly N bytes from their canonical spelling; false otherwise.
template <size_t N>
bool from_base64url(std::string_view text, std::array<unsigned char, N>* bytes) {
  size_t len = 0;
  if (sodium_base642bin(bytes->data(), N, text.data(), text.size(), nullptr, &len, nullptr, kBase64Url) != 0 ||
      len != N) {
    return false;
  }
  return to_base64url(*bytes) == text;
}

}  // namespace leadloop
