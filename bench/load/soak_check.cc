// The soak's end: every write the server acknowledged, read back from the
// API and compared with the client threads' own logs.
#include <functional>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "leads.h"
#include "soak.h"

namespace leadloop::bench {

namespace {

// The columns of GET /api/v1/exports/leads.csv the check reads.
constexpr size_t kIdColumn = 0, kEmailColumn = 1, kStageColumn = 12;

struct Exported {
  std::string email, stage;
};

// RFC 4180 rows, fed in pieces as the export streams in: quoted fields may
// hold commas, "" and line breaks. Calls `on_row` with each row's fields.
class CsvRows {
 public:
  explicit CsvRows(std::function<void(const std::vector<std::string>&)> on_row)
      : on_row_(std::move(on_row)) {}

  void feed(const char* data, size_t n) {
    for (size_t i = 0; i < n; ++i) take(data[i]);
  }

 private:
  void take(char c) {
    if (quoted_) {
      if (quote_pending_ && c != '"') {
        quoted_ = quote_pending_ = false;  // the closing quote; c is outside
      } else {
        if (quote_pending_ || c != '"') fields_.back() += c;
        quote_pending_ = !quote_pending_ && c == '"';
        return;
      }
    }
    if (c == '"') {
      quoted_ = true;
    } else if (c == ',') {
      fields_.emplace_back();
    } else if (c == '\n') {
      on_row_(fields_);
      fields_.assign(1, std::string());
    } else if (c != '\r') {
      fields_.back() += c;
    }
  }

  std::function<void(const std::vector<std::string>&)> on_row_;
  std::vector<std::string> fields_{1};
  bool quoted_ = false, quote_pending_ = false;
};

// The export of `campaign`, streamed: id -> email and stage.
void read_export(httplib::Client& client, const std::string& campaign,
                 std::unordered_map<int64_t, Exported>& leads, std::string& error) {
  bool header = true;
  CsvRows rows([&](const std::vector<std::string>& row) {
    if (!header && row.size() > kStageColumn)
      leads[std::stoll(row[kIdColumn])] = {row[kEmailColumn], row[kStageColumn]};
    header = false;
  });
  auto res =
      client.Get("/api/v1/exports/leads.csv?campaign=" + campaign, [&](const char* data, size_t n) {
        rows.feed(data, n);
        return true;
      });
  if (!res || res->status != 200) {
    error = "the export of " + campaign +
            " failed: " + (res ? std::to_string(res->status) : httplib::to_string(res.error()));
  }
}

void check_leads(const std::vector<WriteLog>& logs,
                 const std::unordered_map<int64_t, Exported>& exported, CheckResult& r) {
  for (const WriteLog& log : logs) {
    r.recapture_mismatches += log.recapture_mismatches;
    for (const AckedLead& lead : log.leads) {
      ++r.leads;
      auto it = exported.find(lead.id);
      if (it == exported.end())
        ++r.leads_missing;
      else if (it->second.email != lead.email || it->second.stage != kPath[lead.stage])
        ++r.leads_wrong;
    }
  }
}

void check_imports(httplib::Client& client, const std::vector<WriteLog>& logs,
                   const std::unordered_map<int64_t, Exported>& exported, CheckResult& r) {
  std::unordered_set<std::string> emails;
  for (const auto& [id, lead] : exported) emails.insert(lead.email);
  for (const WriteLog& log : logs) {
    for (const AckedImport& imp : log.imports) {
      ++r.imports;
      auto res = client.Get("/api/v1/imports/" + std::to_string(imp.id));
      if (!res || res->status != 200 || json_number(res->body, "created") != imp.created ||
          json_number(res->body, "merged") != imp.merged) {
        ++r.imports_missing;
      }
      for (int i = 0; i < imp.rows; ++i) {
        ++r.import_rows;
        r.import_rows_missing += !emails.count(lead_email(imp.run, imp.first + i));
      }
    }
  }
}

// Each moved lead's timeline holds one stage_changed per transition
// answered 2xx; the first `limit` moved leads are read.
void check_timelines(httplib::Client& client, const std::vector<WriteLog>& logs, int limit,
                     CheckResult& r) {
  for (const WriteLog& log : logs) {
    for (const AckedLead& lead : log.leads) {
      if (lead.transitions == 0 || r.timelines >= limit) continue;
      ++r.timelines;
      auto res = client.Get("/api/v1/leads/" + std::to_string(lead.id) + "/timeline");
      const auto body = res && res->status == 200 ? nlohmann::json::parse(res->body, nullptr, false)
                                                  : nlohmann::json();
      int moves = 0;
      if (body.is_object() && body.contains("events") && body["events"].is_array()) {
        for (const auto& e : body["events"])
          moves += e.is_object() && e.value("type", "") == "stage_changed";
      }
      r.timelines_wrong += moves != lead.transitions;
    }
  }
}

}  // namespace

bool CheckResult::ok() const {
  return error.empty() && leads_missing == 0 && leads_wrong == 0 && imports_missing == 0 &&
         import_rows_missing == 0 && timelines_wrong == 0 && recapture_mismatches == 0;
}

CheckResult check_writes(const SoakContext& ctx, const std::vector<WriteLog>& logs,
                         int timeline_checks) {
  CheckResult r;
  auto client = make_client(ctx.api, 300, true);
  std::unordered_map<int64_t, Exported> exported;
  read_export(*client, ctx.campaign, exported, r.error);
  if (r.error.empty()) read_export(*client, ctx.base_campaign, exported, r.error);
  if (!r.error.empty()) return r;
  check_leads(logs, exported, r);
  check_imports(*client, logs, exported, r);
  check_timelines(*client, logs, timeline_checks, r);
  return r;
}

}  // namespace leadloop::bench
