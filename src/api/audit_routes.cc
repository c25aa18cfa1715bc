// The audit trail of the API: which requests leave a row (every write, and
// the GET routes that read personal data in bulk or export it), what the row
// says, and GET /api/v1/audit to read it back (admins only).
#include <spdlog/spdlog.h>

#include <string_view>

#include "access/pseudonym.h"
#include "api/errors.h"
#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

// GET routes that read personal data of many people, or of one person in
// full. Every path holding "export", and every privacy route (subject
// access), is audited as well.
constexpr std::string_view kAuditedReads[] = {
    "/api/v1/leads", "/api/v1/leads/{id}", "/api/v1/leads/{id}/timeline",
    "/api/v1/queue", "/api/v1/outbox",     "/api/v1/imports/{id}/errors",
};

// The collection a path parameter names -> the record kind in the log.
struct RecordKind {
  std::string_view collection;
  std::string_view kind;
};
constexpr RecordKind kRecordKinds[] = {
    {"leads", "lead"}, {"campaigns", "campaign"}, {"versions", "definition"}, {"reps", "rep"},
    {"teams", "team"}, {"imports", "import"},     {"users", "user"},          {"tokens", "token"},
    {"webhooks", "webhook"}, {"deliveries", "delivery"},
};

std::string_view kind_of(std::string_view collection) {
  for (const RecordKind& k : kRecordKinds) {
    if (k.collection == collection) return k.kind;
  }
  return {};
}

// Whether a path value has the form of an id or a key (digits, letters,
// "_", ".", "-"; at most 64): written as it is. Anything else (an email, a
// phone, a name with spaces) could name a person and is written as a
// pseudonym (access/pseudonym.h).
bool id_like(std::string_view value) {
  if (value.empty() || value.size() > 64) return false;
  for (char c : value) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The value as the log may hold it: as it is, or its pseudonym ("#..."),
// or "(withheld)" when the key cannot be read.
std::string loggable(Store& store, std::string_view value) {
  if (id_like(value)) return std::string(value);
  auto p = audit_pseudonym(store, value);
  return p.ok() ? *p : "(withheld)";
}

// "kind:value" for the first path parameter that follows a known
// collection, reading the parameters of `path` against `values`.
// Parameters of other collections (a feedback link's token, which is a
// credential) are never written.
std::string record_from(std::string_view path, const std::vector<std::string>& values) {
  std::string_view previous;
  size_t param = 0;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (segment.starts_with('{')) {
      std::string_view kind = kind_of(previous);
      if (!kind.empty() && param < values.size()) return std::string(kind) + ":" + values[param];
      ++param;
    }
    previous = segment;
  }
  return {};
}

std::vector<std::string> path_params(const Request& req) {
  std::vector<std::string> values;
  for (size_t i = 1; i < req.matches.size(); ++i) values.push_back(req.matches[i].str());
  return values;
}

// Query parameters whose values say what was asked without naming a person.
// The values of all others (a search text, a file name) are left out: the
// log is append-only, so personal data written to it could never be erased.
constexpr std::string_view kQueryValuesKept[] = {
    "campaign",   "stage",     "grade",  "owner", "region",  "created_from",
    "created_to", "unowned",   "cursor", "limit", "dry_run", "mapping",
    "after_line", "recipient", "from",   "to",    "version",
};

Json query_detail(const Request& req) {
  Json query = Json::object();
  for (const auto& [name, value] : req.params) {
    bool kept = false;
    for (std::string_view k : kQueryValuesKept) kept = kept || k == name;
    query[name] = kept ? value : "(withheld)";
  }
  return query;
}

Json audit_json(const AuditEntry& e) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  Json detail = Json::parse(e.detail, nullptr, false);
  return {{"id", e.id},
          {"at", format_time(e.at)},
          {"actor", e.actor},
          {"role", text_or_null(e.role)},
          {"action", e.action},
          {"record", text_or_null(e.record)},
          {"status", e.status},
          {"remote", text_or_null(e.remote)},
          {"detail", detail.is_discarded() ? Json::object() : detail}};
}

Result<std::optional<TimePoint>> time_param(const Request& req, const char* name) {
  if (!req.has_param(name)) return std::optional<TimePoint>();
  auto t = parse_time(req.get_param_value(name));
  if (!t.ok()) return t.status().with_field(name);
  return std::optional<TimePoint>(*t);
}

void get_audit(RouteContext& ctx, const Request& req, Response& res) {
  AuditFilter f;
  f.actor = req.get_param_value("actor");
  f.record = req.get_param_value("record");
  f.action = req.get_param_value("action");
  auto from = time_param(req, "from");
  if (!from.ok()) return send_error(res, from.status());
  auto to = time_param(req, "to");
  if (!to.ok()) return send_error(res, to.status());
  f.from = *from;
  f.to = *to;
  auto cursor = int_param(req, "cursor", 0, 0, INT64_MAX);
  if (!cursor.ok()) return send_error(res, cursor.status());
  auto limit = int_param(req, "limit", 100, 1, 1000);
  if (!limit.ok()) return send_error(res, limit.status());
  f.after_id = *cursor;
  f.limit = static_cast<int>(*limit);
  auto entries = ctx.services.store.list_audit(f);
  if (!entries.ok()) return send_error(res, entries.status());
  Json list = Json::array();
  for (const AuditEntry& e : *entries) list.push_back(audit_json(e));
  Json next = nullptr;
  if (static_cast<int>(entries->size()) == f.limit) next = std::to_string(entries->back().id);
  send_json(res, 200, {{"entries", list}, {"next_cursor", next}});
}

}  // namespace

bool audited_route(const RouteInfo& route) {
  // A CORS preflight changes nothing.
  if (route.method == "OPTIONS") return false;
  if (route.method != "GET") return true;
  for (std::string_view path : kAuditedReads) {
    if (route.path == path) return true;
  }
  return route.path.find("export") != std::string::npos ||
         route.path.starts_with("/api/v1/privacy/");
}

std::string audit_record(const RouteInfo& route, const Request& req, const Response& res) {
  std::string record = record_from(route.path, path_params(req));
  if (!record.empty()) return record;
  // A created record names itself in Location: "/api/v1/leads/42".
  std::string location = res.get_header_value("Location");
  if (!location.starts_with("/api/v1/")) return {};
  std::string_view rest = std::string_view(location).substr(std::string_view("/api/v1/").size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos)
    return {};
  std::string_view kind = kind_of(rest.substr(0, slash));
  if (kind.empty()) return {};
  return std::string(kind) + ":" + std::string(rest.substr(slash + 1));
}

// The record as the log may hold it: the value after "kind:" through
// loggable(); a sign-in that failed names its login by pseudonym only (a
// mistyped password in the login field must not stay on record).
std::string loggable_record(Store& store, const RouteInfo& route, const std::string& record, int status) {
  const size_t colon = record.find(':');
  if (colon == std::string::npos) return record;
  const std::string_view value = std::string_view(record).substr(colon + 1);
  const bool sign_in = route.method == "POST" && route.path == "/api/v1/session";
  if (sign_in && status == 201) return record;  // who signed in stays named, as every actor
  if (!sign_in) return record.substr(0, colon + 1) + loggable(store, value);
  auto p = audit_pseudonym(store, value);
  return record.substr(0, colon + 1) + (p.ok() ? *p : "(withheld)");
}

namespace {

AuditEntry audit_entry(Store& store, AuditEntry entry, const RouteInfo& route, const Request& req,
                       const Response& res) {
  entry.action = route.method + " " + route.path;
  if (entry.record.empty()) entry.record = audit_record(route, req, res);
  entry.record = loggable_record(store, route, entry.record, res.status > 0 ? res.status : 200);
  entry.remote = req.remote_addr;
  entry.status = res.status > 0 ? res.status : 200;
  if (!req.params.empty()) entry.detail = dump_json(Json{{"query", query_detail(req)}});
  return entry;
}

void append_audit(Store& store, AuditEntry entry) {
  // The request has been answered and its write committed: a failed audit
  // row is reported loudly, but does not undo or fail the request.
  if (Status st = store.append_audit(entry); !st.ok()) {
    spdlog::error("audit log: could not record {} by {}: {}", entry.action, entry.actor,
                  st.to_string());
  }
}

}  // namespace

void record_audit(Store& store, AuditEntry entry, const RouteInfo& route, const Request& req,
                  Response& res) {
  entry = audit_entry(store, std::move(entry), route, req, res);
  if (!res.producer) return append_audit(store, entry);
  // A streamed body (an export) is written after the handler returns: its
  // row is appended when the stream ends, and says whether the client got
  // all of it ("stream": {"bytes", "complete", "error"}).
  res.producer = [&store, entry = std::move(entry), inner = std::move(res.producer)](
                     const http::ChunkSink& sink) mutable {
    int64_t bytes = 0;
    bool client_left = false;
    Status st = inner([&](std::string_view chunk) {
      if (!sink(chunk)) {
        client_left = true;
        return false;
      }
      bytes += static_cast<int64_t>(chunk.size());
      return true;
    });
    Json stream = {{"bytes", bytes}, {"complete", st.ok() && !client_left}};
    if (!st.ok()) {
      stream["error"] = st.to_string();
    } else if (client_left) {
      stream["error"] = "the client went away";
    }
    Json detail = Json::parse(entry.detail, nullptr, false);
    if (!detail.is_object()) detail = Json::object();
    detail["stream"] = stream;
    entry.detail = dump_json(detail);
    append_audit(store, entry);
    return st;
  };
}

std::vector<Route> audit_routes() {
  return {
      {{"GET", "/api/v1/audit", true}, get_audit},
  };
}

}  // namespace leadloop::api
