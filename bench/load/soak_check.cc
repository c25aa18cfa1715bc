// The soak's end: every write the server acknowledged, read back from the
// API and compared with the client threads' own logs.
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

// RFC 4180 rows: quoted fields may hold commas, "" and line breaks.
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& field = rows.back().back();
    if (quoted) {
      if (c != '"') field += c;
      else if (i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
      else quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else if (c != '\r') {
      field += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

std::unordered_map<int64_t, Exported> read_export(httplib::Client& client, const std::string& campaign,
                                                  std::string& error) {
  std::unordered_map<int64_t, Exported> leads;
  auto res = client.Get("/api/v1/exports/leads.csv?campaign=" + campaign);
  if (!res || res->status != 200) {
    error = "the export failed: " + (res ? std::to_string(res->status) : httplib::to_string(res.error()));
    return leads;
  }
  const auto rows = csv_rows(res->body);
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() <= kStageColumn) continue;
    leads[std::stoll(rows[i][kIdColumn])] = {rows[i][kEmailColumn], rows[i][kStageColumn]};
  }
  return leads;
}

void check_leads(const std::vector<WriteLog>& logs, const std::unordered_map<int64_t, Exported>& exported,
                 CheckResult& r) {
  for (const WriteLog& log : logs) {
    r.recapture_mismatches += log.recapture_mismatches;
    for (const AckedLead& lead : log.leads) {
      ++r.leads;
      auto it = exported.find(lead.id);
      if (it == exported.end()) ++r.leads_missing;
      else if (it->second.email != lead.email || it->second.stage != kPath[lead.stage]) ++r.leads_wrong;
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
void check_timelines(httplib::Client& client, const std::vector<WriteLog>& logs, int limit, CheckResult& r) {
  for (const WriteLog& log : logs) {
    for (const AckedLead& lead : log.leads) {
      if (lead.transitions == 0 || r.timelines >= limit) continue;
      ++r.timelines;
      auto res = client.Get("/api/v1/leads/" + std::to_string(lead.id) + "/timeline");
      const auto body = res && res->status == 200 ? nlohmann::json::parse(res->body, nullptr, false)
                                                  : nlohmann::json();
      int moves = 0;
      if (body.is_object() && body.contains("events") && body["events"].is_array()) {
        for (const auto& e : body["events"]) moves += e.is_object() && e.value("type", "") == "stage_changed";
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

CheckResult check_writes(const SoakContext& ctx, const std::vector<WriteLog>& logs, int timeline_checks) {
  CheckResult r;
  auto client = make_client(ctx.api, 300, true);
  const auto exported = read_export(*client, ctx.campaign, r.error);
  if (!r.error.empty()) return r;
  check_leads(logs, exported, r);
  check_imports(*client, logs, exported, r);
  check_timelines(*client, logs, timeline_checks, r);
  return r;
}

}  // namespace leadloop::bench
