// The one place where error codes become HTTP statuses, and the JSON error
// shape every route answers with: {"error":{"code","message","field"}}.
#pragma once

#include <string>

#include "domain/status.h"

namespace leadloop::api {

int http_status(ErrorCode code);
std::string error_body(const Status& status);

}  // namespace leadloop::api
