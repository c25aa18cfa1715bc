#include "api/errors.h"

#include <array>

#include "domain/codec.h"

namespace leadloop::api {

namespace {
struct CodeStatus {
  ErrorCode code;
  int http;
};
constexpr std::array<CodeStatus, 21> kHttpStatus = {{
    {ErrorCode::kOk, 200},
    {ErrorCode::kInvalidJson, 400},
    {ErrorCode::kInvalidUtf8, 400},
    {ErrorCode::kWrongType, 422},
    {ErrorCode::kMissingField, 422},
    {ErrorCode::kInvalidValue, 422},
    {ErrorCode::kUnknownField, 422},
    {ErrorCode::kUnknownCampaign, 422},
    {ErrorCode::kNotFound, 404},
    {ErrorCode::kConflict, 409},
    {ErrorCode::kUnauthorized, 401},
    {ErrorCode::kForbidden, 403},
    {ErrorCode::kPayloadTooLarge, 413},
    {ErrorCode::kUnsupportedMediaType, 415},
    {ErrorCode::kSchemaTooNew, 500},
    {ErrorCode::kIoError, 503},
    {ErrorCode::kInternal, 500},
    {ErrorCode::kInvalidCsv, 422},
    {ErrorCode::kInvalidTransition, 409},
    {ErrorCode::kTooManyRequests, 429},
    {ErrorCode::kBudgetExceeded, 503},
}};
}  // namespace

int http_status(ErrorCode code) {
  for (const auto& e : kHttpStatus) {
    if (e.code == code) return e.http;
  }
  return 500;
}

std::string error_body(const Status& status) {
  return dump_json(Json{{"error", to_json(status)}});
}

}  // namespace leadloop::api
