// The one validation path for a captured lead, shared by the API, CSV import,
// the CLI and the demo generator. Pure, thread-safe.
#pragma once

#include "domain/lead.h"
#include "domain/status.h"

namespace leadloop {

// Tidies (trims, upper-cases 2-letter countries) and checks a lead as
// captured, then derives its identity keys. Returns the first problem found,
// naming the field. Does not check that source_campaign exists (the engine
// knows the campaigns).
Status validate_lead(Lead& lead);

// Recomputes email_key, phone_key and name_key from the fields.
void derive_keys(Lead& lead);

// Checks one attribute or data point (name and value) as given by a caller.
Status validate_attribute(std::string_view prefix, const std::string& key,
                          const std::string& value);

}  // namespace leadloop
