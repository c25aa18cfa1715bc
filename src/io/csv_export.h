// Writes leads as CSV (RFC 4180, UTF-8, header row), streaming in chunks so
// a million leads never sit in memory. The columns round-trip: a file this
// writes imports back with the default mapping.
#pragma once

#include <functional>
#include <string_view>

#include "store/store.h"

namespace leadloop {

// Calls sink with consecutive chunks of the file; stops early when sink
// returns false. filter.limit <= 0 exports every match.
Status export_leads_csv(Store& store, const LeadFilter& filter,
                        const std::function<bool(std::string_view)>& sink);

}  // namespace leadloop
