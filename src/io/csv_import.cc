#include "io/csv_import.h"

#include <algorithm>

#include "domain/budget.h"
#include "io/csv_reader.h"
#include "io/text_encoding.h"

namespace leadloop {

namespace {

ImportError row_error(const CsvRecord& rec, const ColumnMapping& m, const Status& st) {
  ImportError e;
  e.line = rec.line;
  e.column = rec.fault_column > 0 ? rec.fault_column : m.column_of(st.field());
  e.field = st.field();
  e.code = std::string(error_code_name(st.code()));
  e.reason = st.message();
  return e;
}

}  // namespace

Result<ImportReport> CsvImporter::run(std::string raw, const ImportOptions& opt,
                                      const std::function<void(const ImportProgress&)>& progress) {
  ImportReport report;
  DecodedText decoded = decode_to_utf8(std::move(raw));
  report.encoding = decoded.encoding;
  const std::string& text = decoded.text;

  auto spec = opt.mapping_text.empty() ? load_mapping(opt.mapping) : parse_mapping(opt.mapping_text);
  if (!spec.ok()) return spec.status();
  if (!opt.campaign.empty() && !campaigns_.contains(opt.campaign)) {
    return Status(ErrorCode::kUnknownCampaign, "no campaign with key '" + opt.campaign + "'",
                  "campaign");
  }

  CsvReader reader(text);
  CsvRecord header;
  Status st;
  if (!reader.next(header, st) || !st.ok()) {
    return Status(ErrorCode::kInvalidCsv,
                  st.ok() ? "the file is empty; expected a header row" : st.message());
  }
  auto mapping = resolve_mapping(*spec, header.fields);
  if (!mapping.ok()) return mapping.status();
  if (!opt.campaign.empty()) yield_campaign_column(*mapping);
  if (opt.campaign.empty() && !mapping->has_campaign_column) {
    return Status(ErrorCode::kMissingField,
                  "say which campaign these leads come from (--campaign KEY, or ?campaign=KEY)",
                  "campaign");
  }
  report.mapping = mapping->spec_name;
  for (size_t i = 0; i < mapping->headers.size(); ++i) {
    report.columns.emplace_back(mapping->headers[i], mapping->columns[i].describe());
  }

  ImportRecord& rec = report.record;
  rec.source = opt.source;
  rec.campaign = opt.campaign;
  rec.mapping = report.mapping;
  rec.actor = opt.actor;
  rec.dry_run = opt.dry_run;
  rec.started_at = clock_.now();
  if (decoded.encoding != "utf-8") rec.notes = "decoded as " + decoded.encoding;
  if (!opt.dry_run) LEADLOOP_RETURN_IF_ERROR(store_.put_import(rec));

  CaptureContext ctx;
  ctx.actor = opt.actor;
  ctx.via = opt.dry_run ? "import:dry-run" : "import:" + std::to_string(rec.id);
  ctx.dry_run = opt.dry_run;
  ctx.may_merge_into = opt.may_merge_into;

  ImportProgress prog;
  prog.bytes_total = text.size();
  std::vector<Result<Lead>> batch;
  std::vector<CsvRecord> batch_records;
  batch.reserve(opt.batch_size);
  batch_records.reserve(opt.batch_size);

  auto flush = [&]() -> Status {
    if (batch.empty()) return Status();
    auto outcomes = intake_.capture(std::move(batch), ctx);
    if (!outcomes.ok()) return outcomes.status();
    for (size_t i = 0; i < outcomes->size(); ++i) {
      const CaptureOutcome& o = (*outcomes)[i];
      switch (o.status) {
        case CaptureStatus::kCreated: ++rec.created; break;
        case CaptureStatus::kMerged: ++rec.merged; break;
        case CaptureStatus::kRejected:
          ++rec.rejected;
          report.errors.push_back(row_error(batch_records[i], *mapping, o.error));
          break;
      }
    }
    batch.clear();
    batch_records.clear();
    prog.bytes_done = reader.position();
    prog.rows = rec.rows;
    prog.created = rec.created;
    prog.merged = rec.merged;
    prog.rejected = rec.rejected;
    if (progress) progress(prog);
    return Status();
  };

  // On a store failure the batches already committed stay; the record says
  // how far the import got.
  auto abort = [&](const Status& failure) -> Status {
    if (!opt.dry_run) {
      rec.finished_at = clock_.now();
      rec.notes += (rec.notes.empty() ? "" : "; ") + std::string("aborted: ") + failure.message();
      (void)store_.put_import(rec);
      (void)store_.add_import_errors(rec.id, report.errors);
    }
    return failure;
  };

  CsvRecord record;
  while (reader.next(record, st)) {
    // Past the request's budget the import stops, recorded as aborted.
    if (Status budget = check_budget(); !budget.ok()) return abort(budget);
    ++rec.rows;
    if (!st.ok()) {
      batch.emplace_back(st);
    } else {
      auto lead = map_record(*mapping, record.fields);
      if (lead.ok() && lead->source_campaign.empty()) lead->source_campaign = opt.campaign;
      if (lead.ok() && opt.only_campaigns &&
          std::find(opt.only_campaigns->begin(), opt.only_campaigns->end(), lead->source_campaign) ==
              opt.only_campaigns->end()) {
        lead = Status(ErrorCode::kForbidden, "campaign '" + lead->source_campaign + "' is not one of yours",
                      "source_campaign");
      }
      batch.push_back(std::move(lead));
    }
    batch_records.push_back(std::move(record));
    record = CsvRecord();
    if (batch.size() >= opt.batch_size) {
      if (Status fs = flush(); !fs.ok()) return abort(fs);
    }
  }
  if (Status fs = flush(); !fs.ok()) return abort(fs);

  rec.finished_at = clock_.now();
  if (!opt.dry_run) {
    LEADLOOP_RETURN_IF_ERROR(store_.put_import(rec));
    LEADLOOP_RETURN_IF_ERROR(store_.add_import_errors(rec.id, report.errors));
  }
  return report;
}

}  // namespace leadloop
