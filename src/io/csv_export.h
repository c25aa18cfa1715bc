// Writes leads, or their events, as CSV (RFC 4180, UTF-8, header row),
// streaming in chunks so a million leads never sit in memory. The lead
// columns round-trip: a file this writes imports back with the default
// mapping. The event columns are the raw history for any BI tool. Every
// text cell is neutralised against formula injection (append_csv_cell).
#pragma once

#include <functional>
#include <string_view>

#include "io/csv_formula.h"
#include "store/store.h"

namespace leadloop {

// Calls sink with consecutive chunks of the file; stops early when sink
// returns false, or with the budget's error past the request's budget
// (domain/budget.h). filter.limit <= 0 exports every match.
Status export_leads_csv(Store& store, const LeadFilter& filter,
                        const std::function<bool(std::string_view)>& sink);

// The events export: event_id, lead_id, campaign, type, at, actor, then
// the payload's top-level from, to, exit and reason (stage names, grades,
// exit reasons such as rejected:no_budget; empty when the event has
// none) and the whole payload as JSON. In commit order. Returns the
// number of events written in *written when given. Without `with_money`
// the payloads lose their deal amounts and revenue (kMoneyPayloadKeys: for a
// caller who may not see them).
Status export_events_csv(Store& store, const EventFilter& filter, const std::function<bool(std::string_view)>& sink,
                         int64_t* written = nullptr, bool with_money = true);

// Appends one CSV cell (quoted as RFC 4180 needs) that a spreadsheet will
// not run as a formula: a value starting with = + - @ tab or CR gets a
// leading single quote (OWASP, CSV injection). The importer takes the quote
// off again (csv_mapping.h), so an export imports back unchanged.
void append_csv_cell(std::string& out, std::string_view value, char delimiter = ',');

}  // namespace leadloop
