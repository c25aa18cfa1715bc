#include "delivery/signature.h"

#include <sodium.h>

namespace leadloop::delivery {

namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string to_base64(const unsigned char* bytes, size_t n, int variant) {
  std::string out(sodium_base64_encoded_len(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

std::string new_webhook_secret() {
  if (sodium_init() < 0) abort();
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  return std::string(kPrefix) + to_base64(key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
}

std::string new_webhook_id() {
  if (sodium_init() < 0) abort();
  unsigned char bytes[18];
  randombytes_buf(bytes, sizeof bytes);
  return "msg_" + to_base64(bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Result<std::string> sign_webhook(std::string_view secret, std::string_view id, int64_t timestamp,
                                 std::string_view body) {
  if (sodium_init() < 0) return Status(ErrorCode::kInternal, "libsodium failed to start");
  if (secret.substr(0, kPrefix.size()) != kPrefix) {
    return Status(ErrorCode::kInvalidValue, "a webhook secret starts with whsec_");
  }
  const std::string_view encoded = secret.substr(kPrefix.size());
  std::string key(encoded.size(), '\0');
  size_t key_len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), encoded.data(),
                        encoded.size(), nullptr, &key_len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      key_len == 0) {
    return Status(ErrorCode::kInvalidValue, "a webhook secret is whsec_ and base64");
  }
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key_len);
  sodium_memzero(key.data(), key.size());
  const std::string signed_part = std::string(id) + "." + std::to_string(timestamp) + ".";
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signed_part.data()),
                                signed_part.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return "v1," + to_base64(mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
}

Result<std::string> signature_header(const std::vector<std::string>& secrets, std::string_view id,
                                     int64_t timestamp, std::string_view body) {
  std::string out;
  for (const std::string& s : secrets) {
    auto sig = sign_webhook(s, id, timestamp, body);
    if (!sig.ok()) return sig.status();
    out += (out.empty() ? "" : " ") + *sig;
  }
  return out;
}

}  // namespace leadloop::delivery
