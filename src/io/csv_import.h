// CsvImporter loads a CSV file of leads through Intake, in batches, so a
// file gets exactly the validation, deduplication and history of the API.
// Every rejected row is reported with its line, column and reason, and the
// import with its errors is recorded in the store. Thread-safe if Intake is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/intake.h"
#include "io/csv_mapping.h"

namespace leadloop {

struct ImportOptions {
  // The campaign of every row; it wins over a file column that a header
  // alias took for the campaign (yield_campaign_column), else it is the
  // campaign of rows without a campaign column value.
  std::string campaign;
  std::string mapping = "auto"; // preset name or YAML file
  // A mapping document sent with the request (parse_mapping); when set,
  // it is used instead of `mapping`.
  std::string mapping_text;
  bool dry_run = false;
  std::string source = "api";   // file name, for the record
  std::string actor;
  size_t batch_size = 10000;
  // When set, rows of any other campaign are refused (a vendor imports into
  // its own campaigns only).
  std::optional<std::vector<std::string>> only_campaigns;
  // Passed to the capture: see CaptureContext::may_merge_into.
  std::function<bool(const Lead&)> may_merge_into = nullptr;
};

struct ImportProgress {
  size_t bytes_done = 0;
  size_t bytes_total = 0;
  int64_t rows = 0;
  int64_t created = 0;
  int64_t merged = 0;
  int64_t rejected = 0;
};

struct ImportReport {
  ImportRecord record;               // id 0 for a dry run
  std::vector<ImportError> errors;   // every rejected row
  std::string encoding;
  std::string mapping;               // the mapping used, e.g. "auto (hubspot)"
  std::vector<std::pair<std::string, std::string>> columns;  // header -> target
};

class CsvImporter {
 public:
  CsvImporter(Intake& intake, Store& store, CampaignCatalog& campaigns, const Clock& clock)
      : intake_(intake), store_(store), campaigns_(campaigns), clock_(clock) {}

  // Fails as a whole only for a file that cannot be read as a lead list at
  // all (no header, no email/phone column, unknown campaign), a store
  // failure, or the request's budget running out (domain/budget.h; the
  // batches committed stay, the record says aborted); row problems are
  // reported in the report.
  Result<ImportReport> run(std::string raw, const ImportOptions& options,
                           const std::function<void(const ImportProgress&)>& progress = {});

 private:
  Intake& intake_;
  Store& store_;
  CampaignCatalog& campaigns_;
  const Clock& clock_;
};

}  // namespace leadloop
