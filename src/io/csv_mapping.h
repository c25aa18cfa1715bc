// How the columns of a CSV file become lead fields. A mapping spec is a list
// of header aliases -> targets; the built-in presets cover the lead exports
// of Salesforce, HubSpot and Mautic and Leadloop's own export, and a YAML
// file can add or override columns. Columns no spec knows become attributes
// (named after the header), so nothing in a file is lost. Thread-safe
// (values only).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/lead.h"
#include "domain/status.h"

namespace leadloop {

enum class TargetKind : uint8_t {
  kTextField,   // a canonical text field; name = field name
  kEmployees,   // "1,200", "51-200", "10000+"
  kAttribute,   // name = attribute key
  kAttributes,  // a JSON object of attributes (Leadloop's export)
  kConsent,     // name = email|phone|mail; value granted/denied/yes/no...
  kOptOut,      // name = email|phone|mail; a true value means denied
  kFullName,    // split into first and last name when those are absent
  kCapturedAt,  // when a lead of a history was captured (Lead::captured_at)
  kIgnore,
};

struct ColumnTarget {
  TargetKind kind = TargetKind::kIgnore;
  std::string name;
  std::string describe() const;  // "email", "attributes.city", "optout.email"
};

// Parses a target as written in a YAML mapping file.
Result<ColumnTarget> parse_target(std::string_view text);

struct MappingSpec {
  std::string name;    // "auto", "salesforce", "hubspot", "mautic", or a file
  std::string preset;  // the preset it builds on; "auto" detects one per file
  // Header (normalised, see header_key) -> target, from a mapping file.
  std::vector<std::pair<std::string, ColumnTarget>> own;
};

// "First Name", "first_name", "FirstName" -> "firstname".
std::string header_key(std::string_view header);

// A preset by name ("auto" uses every preset's aliases) or a YAML file path.
Result<MappingSpec> load_mapping(const std::string& name_or_path);
// A mapping document sent in a request (the text of a mapping file: YAML,
// or JSON), read within small size and depth limits; named "request".
Result<MappingSpec> parse_mapping(std::string_view text);

struct ColumnMapping {
  std::string spec_name;  // for "auto": "auto (salesforce)" when detected
  std::vector<std::string> headers;
  std::vector<ColumnTarget> columns;  // one per header
  bool has_campaign_column = false;
  // The campaign column was named by the mapping's own columns, not found
  // by a header alias ("campaign", "source_campaign").
  bool campaign_column_named = false;
  // The 1-based column that feeds a field, for error reports; 0 if none.
  int column_of(std::string_view field) const;
};

// Resolves a spec against a file's header row. Fails when no column gives
// an email, a phone or an external id.
Result<ColumnMapping> resolve_mapping(const MappingSpec& spec,
                                      const std::vector<std::string>& headers);

// The request names the campaign: a campaign column that only a header
// alias found (a column "campaign" that may hold anything, such as the
// number of calls) is kept as an attribute, so the request's campaign
// applies to every row. A column the mapping names stays the campaign.
void yield_campaign_column(ColumnMapping& m);

// Builds a lead from one record. Errors carry the field; the caller adds the
// column with column_of().
Result<Lead> map_record(const ColumnMapping& m, const std::vector<std::string>& fields);

}  // namespace leadloop
