// Helpers that read requests and write responses the same way on every route:
// JSON bodies, query parameters with typed errors, the lead filter.
#pragma once

#include "api/http/message.h"

#include <optional>
#include <string>
#include <vector>

#include "domain/codec.h"
#include "store/store.h"

namespace leadloop::api {

void send_json(http::Response& res, int status, const Json& body);
void send_json_text(http::Response& res, int status, std::string body);
void send_error(http::Response& res, const Status& status);

// kUnsupportedMediaType unless the body is JSON (or has no content type).
Status require_json(const http::Request& req);

// The body as a JSON object: kUnsupportedMediaType or kInvalidJson else.
Result<Json> json_body(const http::Request& req);

// The JSON type a field must have, for check_fields.
enum class Kind { kString, kNumber, kBool, kIdList, kStringList };
// kUnknownField for a key not in `fields`, kWrongType for a value not of
// its kind.
Status check_fields(const Json& body, std::initializer_list<std::pair<const char*, Kind>> fields);

// A positive integer query parameter within [min, max], or the default.
Result<int64_t> int_param(const http::Request& req, const char* name, int64_t fallback,
                          int64_t min, int64_t max);
bool bool_param(const http::Request& req, const char* name);
// Every value of a repeatable parameter, also comma-separated:
// ?channel=web&channel=event or ?channel=web,event.
std::vector<std::string> list_param(const http::Request& req, const char* name);

// campaign, stage, grade, owner, region, created_from, created_to, q,
// contactable, follow_up (overdue: past its SLA at `now`), cursor, limit.
Result<LeadFilter> lead_filter(const http::Request& req, int default_limit, int max_limit,
                               TimePoint now);

// part / whole as a JSON number, or null when whole is 0.
Json share(int64_t part, int64_t whole);

// The positive integer in a path segment, or kNotFound.
Result<int64_t> path_id(const http::Request& req, size_t index, const char* what);

}  // namespace leadloop::api
