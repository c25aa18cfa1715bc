#include "domain/status.h"

#include <array>

namespace leadloop {

namespace {
// Indexed by ErrorCode; keep in the enum's order.
constexpr std::array<std::string_view, 21> kNames = {
    "ok",           "invalid_json",          "invalid_utf8",    "wrong_type",
    "missing_field", "invalid_value",        "unknown_field",   "unknown_campaign",
    "not_found",    "conflict",              "unauthorized",    "forbidden",
    "payload_too_large", "unsupported_media_type", "schema_too_new", "io_error",
    "internal",     "invalid_csv",           "invalid_transition", "too_many_requests",
    "budget_exceeded",
};
}  // namespace

std::string_view error_code_name(ErrorCode code) {
  auto i = static_cast<size_t>(code);
  return i < kNames.size() ? kNames[i] : "internal";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string s(error_code_name(code_));
  s += ": ";
  if (!field_.empty()) {
    s += field_;
    s += ": ";
  }
  s += message_;
  return s;
}

}  // namespace leadloop
