// Seeded lead data for the load tools. Lead (run, index) is the same person
// every time it is generated; no two (run, index) share an email, phone or
// company, so every one of them is a new lead, never a merge.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace leadloop::bench {

// A run id that differs between runs (so a rerun on the same database
// captures new people): the wall clock in ms.
uint64_t new_run_id();

std::string lead_email(uint64_t run, int64_t index);
// One LeadInput object for `campaign`.
std::string lead_json(uint64_t run, int64_t index, std::string_view campaign);
// A bulk body: a JSON array of leads first ... first + count - 1.
std::string bulk_json(uint64_t run, int64_t first, int count, std::string_view campaign);
// A CSV file (header and rows) of the same leads, for POST /api/v1/imports.
std::string csv_file(uint64_t run, int64_t first, int count);

}  // namespace leadloop::bench
