#include "mail/unsubscribe.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "access/base64url.h"
#include "access/database_key.h"

namespace leadloop {

namespace {

constexpr std::string_view kPrefix = "uns_";
constexpr std::string_view kKeySetting = "unsubscribe_link_key";
// The signed part: the lead id (8 bytes, big-endian) and the channel (1).
constexpr size_t kPayloadBytes = 9;
constexpr unsigned char kEmail = 1;

using Payload = std::array<unsigned char, kPayloadBytes>;
using Tag = std::array<unsigned char, crypto_auth_BYTES>;

Status not_valid() { return Status(ErrorCode::kNotFound, "this unsubscribe link is not valid", "token"); }

}  // namespace

UnsubscribeLinks::UnsubscribeLinks(Store& store) : store_(store) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

Status UnsubscribeLinks::open() {
  auto key = database_key(store_, kKeySetting, crypto_auth_KEYBYTES, "the unsubscribe link key");
  if (!key.ok()) return key.status();
  key_ = std::move(key).value();
  return Status();
}

std::string UnsubscribeLinks::token(int64_t lead_id, std::string_view channel) const {
  if (key_.empty() || channel != "email") throw std::logic_error("UnsubscribeLinks::token: not open or not email");
  Payload payload;
  uint64_t v = static_cast<uint64_t>(lead_id);
  for (int i = 7; i >= 0; --i, v >>= 8) payload[i] = static_cast<unsigned char>(v & 0xff);
  payload[8] = kEmail;
  Tag tag;
  crypto_auth(tag.data(), payload.data(), payload.size(), reinterpret_cast<const unsigned char*>(key_.data()));
  return std::string(kPrefix) + to_base64url(payload) + "." + to_base64url(tag);
}

Result<UnsubscribeTarget> UnsubscribeLinks::verify(std::string_view token) const {
  if (key_.empty()) return Status(ErrorCode::kInternal, "unsubscribe links are not open");
  if (token.substr(0, kPrefix.size()) != kPrefix) return not_valid();
  token.remove_prefix(kPrefix.size());
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return not_valid();
  Payload payload;
  Tag tag;
  if (!from_base64url(token.substr(0, dot), &payload) || !from_base64url(token.substr(dot + 1), &tag)) return not_valid();
  if (crypto_auth_verify(tag.data(), payload.data(), payload.size(),
                         reinterpret_cast<const unsigned char*>(key_.data())) != 0 ||
      payload[8] != kEmail) {
    return not_valid();
  }
  uint64_t id = 0;
  for (int i = 0; i < 8; ++i) id = (id << 8) | payload[i];
  return UnsubscribeTarget{static_cast<int64_t>(id), "email"};
}

std::vector<std::pair<std::string, std::string>> UnsubscribeLinks::headers(int64_t lead_id,
                                                                          const std::string& base_url,
                                                                          const std::string& mailto) const {
  const std::string t = token(lead_id);
  std::string value = "<" + base_url + "/u/" + t + ">";
  if (!mailto.empty()) value += ", <mailto:" + mailto + "?subject=unsubscribe%20" + t + ">";
  return {{"List-Unsubscribe", value}, {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
}

Result<ConsentAnswer> UnsubscribeLinks::unsubscribe(std::string_view token, ConsentDesk& desk) const {
  auto target = verify(token);
  if (!target.ok()) return target.status();
  ConsentInput in;
  in.email = Consent::kDenied;
  in.source = "unsubscribe link";
  return desk.set(target->lead_id, in, "unsubscribe:" + std::to_string(target->lead_id));
}

}  // namespace leadloop
