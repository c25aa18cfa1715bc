// Standard Webhooks signatures (v1): HMAC-SHA256 over "id.timestamp.body"
// keyed with the secret's bytes (the base64 after "whsec_"), sent as
// "v1,<base64>"; during a rotation one for each valid secret, separated by
// spaces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace leadloop::delivery {

// A new secret: "whsec_" + base64 of 32 random bytes (libsodium).
std::string new_webhook_secret();
// "v1,<base64 HMAC-SHA256>"; kInvalidValue when the secret is not
// "whsec_" + base64.
Result<std::string> sign_webhook(std::string_view secret, std::string_view id, int64_t timestamp,
                                 std::string_view body);
// The webhook-signature header for every secret given (the current first).
Result<std::string> signature_header(const std::vector<std::string>& secrets, std::string_view id,
                                     int64_t timestamp, std::string_view body);
// A new webhook-id: "msg_" + 24 random base64url characters.
std::string new_webhook_id();

}  // namespace leadloop::delivery
