// The one JSON mapping per type: parse what callers send (simdjson, strict
// about types, unknown fields and UTF-8) and render what we answer
// (nlohmann::json). Field errors name the field ("attributes.budget").
// Thread-safe (each thread parses with its own parser).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/campaign.h"
#include "domain/event.h"
#include "domain/lead.h"
#include "domain/status.h"
#include "domain/team.h"
#include "domain/touch.h"

namespace leadloop {

using Json = nlohmann::ordered_json;

// Serialises without throwing: invalid UTF-8 (which validation keeps out)
// would be replaced rather than abort a response.
std::string dump_json(const Json& j);

// Appends s as a JSON string literal (quoted, escaped). REQUIRES: valid UTF-8.
void append_json_string(std::string& out, std::string_view s);
// {"k":"v",...} for a string map, without building a Json value: this runs
// once per lead on the bulk capture path.
std::string json_object(const Attributes& map);

Json to_json(const Lead& lead);
Json to_json(const Campaign& campaign);
Json to_json(const Touch& touch);
Json to_json(const LeadEvent& event);  // payload embedded as an object
Json to_json(const Rep& rep);
Json to_json(const Team& team);
Json to_json(const Status& status);     // {"code","message","field"}

// Refuses a JSON text over limits::kMaxJsonBytes (payload_too_large) or
// nested deeper than limits::kMaxJsonDepth (invalid_json), before a parser
// sees it: one linear pass, no recursion, so 1,000,000 '[' cost nothing.
// Every parse of a caller's JSON goes through it.
Status check_json_limits(std::string_view json);

// A JSON object a caller sent (nlohmann), within the limits above; kInvalidJson with
// `not_object` as its message when the text is not a JSON object.
Result<Json> parse_json_object(std::string_view json,
                               std::string_view not_object = "the body must be a JSON object");

// A lead as sent by a caller: one JSON object.
Result<Lead> parse_lead(std::string_view json);

// A batch: a JSON array of lead objects, or {"leads": [...]}. The outer
// Result fails for a body that is not such a document, or that holds more
// than max_records; each element is parsed on its own.
Result<std::vector<Result<Lead>>> parse_lead_batch(std::string_view json, size_t max_records);

Result<Campaign> parse_campaign(std::string_view json);

struct TouchInput {
  Touch touch;
  bool channel_given = false;  // else the campaign's default medium
  bool at_given = false;       // else now
};
Result<TouchInput> parse_touch(std::string_view json);

// An amount such as 1500 or 1500.5 or "1500.50" into minor units (cents).
Result<int64_t> parse_money(std::string_view text);
std::string format_money(int64_t cents);  // "1500.50"

}  // namespace leadloop
