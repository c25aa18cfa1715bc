// SqlStore: leads, their events and touches, read by filter.
#include <variant>

#include "domain/codec.h"
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

// LIKE pattern for a substring, with % _ and \ escaped, in lower case for
// ASCII: matched against lower(column), it finds the text without case on
// every backend (SQLite's LIKE ignores ASCII case, PostgreSQL's does not).
std::string like_pattern(std::string_view q) {
  std::string p = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  p += '%';
  return p;
}

// The WHERE clause and its parameters for a LeadFilter.
struct FilterSql {
  std::string where;
  std::vector<std::variant<std::string, int64_t>> params;  // parameter i + 1
  int next = 1;  // the number of the next parameter

  void add(const std::string& clause, std::variant<std::string, int64_t> v) {
    where += (where.empty() ? " WHERE " : " AND ") + clause;
    params.push_back(std::move(v));
    ++next;
  }
  void bind(Stmt& s) const {
    for (size_t i = 0; i < params.size(); ++i) {
      std::visit([&](const auto& v) { s.bind(static_cast<int>(i) + 1, v); }, params[i]);
    }
  }
};

FilterSql filter_sql(const LeadFilter& f) {
  FilterSql q;
  if (f.after_id > 0) q.add("id > ?", f.after_id);
  if (f.unowned) q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + "owner = ''";
  if (!f.stages.empty()) {
    // Stage names come from the table in stage.cc, never from the caller.
    std::string in;
    for (Stage s : f.stages) in += std::string(in.empty() ? "'" : ",'") + std::string(stage_name(s)) + "'";
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + "stage IN (" + in + ")";
  }
  if (!f.campaign.empty()) q.add("source_campaign = ?", f.campaign);
  if (!f.contactable.empty()) {
    // Column names from this fixed list only, never from the caller.
    const char* column = f.contactable == "email" ? "consent_email" : f.contactable == "phone" ? "consent_phone"
                                                                                                : "consent_mail";
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + column + " <> " +
               std::to_string(static_cast<int>(Consent::kDenied));
  }
  if (f.scoped) {
    std::string any;
    auto in_list = [&](const char* column, const std::vector<std::string>& values) {
      if (values.empty()) return;
      std::string list;
      for (const std::string& v : values) {
        list += std::string(list.empty() ? "" : ",") + "?" + std::to_string(q.next++);
        q.params.push_back(v);
      }
      any += std::string(any.empty() ? "" : " OR ") + column + " IN (" + list + ")";
    };
    in_list("owner", f.scope_owners);
    in_list("source_campaign", f.scope_campaigns);
    if (f.scope_unowned) {
      std::string regions;
      for (const std::string& r : f.scope_unowned_regions) {
        regions += std::string(regions.empty() ? "" : ",") + "?" + std::to_string(q.next++);
        q.params.push_back(r);
      }
      any += std::string(any.empty() ? "" : " OR ") + "(owner = ''" +
             (regions.empty() ? std::string() : " AND region IN (" + regions + ")") + ")";
    }
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + "(" + (any.empty() ? "FALSE" : any) + ")";
  }
  if (f.overdue_at) {
    // Only leads with a running timer are candidates: the subquery reads
    // the small partial index leads_sla_due instead of scanning the table.
    q.add("id IN (SELECT id FROM leads WHERE sla_due_at IS NOT NULL"
          " AND (sla_level > 0 OR sla_due_at <= ?))"
          " AND stage = 'assigned' AND owner <> '' AND first_response_at IS NULL",
          *f.overdue_at);
  }
  if (f.stage) q.add("stage = ?", std::string(stage_name(*f.stage)));
  if (f.grade) q.add("grade = ?", std::string(grade_name(*f.grade)));
  if (!f.owner.empty()) q.add("owner = ?", f.owner);
  if (!f.region.empty()) q.add("region = ?", f.region);
  if (f.created_from) q.add("created_at >= ?", *f.created_from);
  if (f.created_to) q.add("created_at < ?", *f.created_to);
  if (f.id) q.add("id = ?", *f.id);
  if (!f.q.empty()) {
    std::string p = like_pattern(f.q);
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") +
               "(lower(email) LIKE ?" + std::to_string(q.next) + " ESCAPE '\\' OR lower(phone) LIKE ?" +
               std::to_string(q.next) + " ESCAPE '\\' OR lower(company) LIKE ?" +
               std::to_string(q.next) + " ESCAPE '\\' OR lower(first_name || ' ' || last_name) LIKE ?" +
               std::to_string(q.next) + " ESCAPE '\\')";
    q.params.push_back(p);
    ++q.next;
  }
  return q;
}

}  // namespace

Result<Lead> SqlStore::get_lead(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kLeadColumns + " FROM leads WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(ErrorCode::kNotFound, "no lead with id " + std::to_string(id), "id");
  Lead l = read_lead(**st);
  (*st)->reset();
  return l;
}

Status SqlStore::scan_leads(const LeadFilter& f, const std::function<bool(const Lead&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  FilterSql q = filter_sql(f);
  std::string sql = std::string("SELECT ") + kLeadColumns + " FROM leads" + q.where + " ORDER BY id";
  // The limit is a parameter, so each filter shape is one cached statement.
  sql += " LIMIT ?" + std::to_string(q.next);
  auto st = (*r)->cached(sql);
  if (!st.ok()) return st.status();
  q.bind(**st);
  (*st)->bind(q.next, limit_param(f.limit));
  while (true) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (!fn(read_lead(**st))) break;
  }
  (*st)->reset();
  return Status();
}

Result<std::vector<Lead>> SqlStore::list_leads(const LeadFilter& f) {
  std::vector<Lead> out;
  Status st = scan_leads(f, [&](const Lead& l) {
    out.push_back(l);
    return true;
  });
  if (!st.ok()) return st;
  return out;
}

Status SqlStore::scan_lead_keys(const std::function<void(const LeadKeys&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT id, email_key, phone_key, name_key, external_id FROM leads ORDER BY id");
  if (!st.ok()) return st.status();
  LeadKeys k;
  while (true) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    k.id = (*st)->int64(0);
    k.email_key = (*st)->text_view(1);
    k.phone_key = (*st)->text_view(2);
    k.name_key = (*st)->text_view(3);
    k.external_id = (*st)->text_view(4);
    fn(k);
  }
  (*st)->reset();
  return Status();
}

Result<std::vector<LeadEvent>> SqlStore::lead_events(int64_t lead_id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, lead_id, type, at, actor, payload FROM lead_events WHERE lead_id = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, lead_id);
  std::vector<LeadEvent> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_event(s)); }));
  return out;
}

Result<std::vector<Touch>> SqlStore::lead_touches(int64_t lead_id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, lead_id, campaign, channel, direction, outcome, actor, at, notes, data_points, caller "
      "FROM touches WHERE lead_id = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, lead_id);
  std::vector<Touch> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_touch(s)); }));
  return out;
}

Result<int64_t> SqlStore::count_leads() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT count(*) FROM leads");
  if (!st.ok()) return st.status();
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  int64_t n = (*st)->int64(0);
  (*st)->reset();
  return n;
}
Status SqlStore::scan_events(std::string_view type, const std::function<void(const LeadEvent&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT id, lead_id, type, at, actor, payload FROM lead_events WHERE type = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, type);
  return (*st)->each_row([&](const Stmt& s) { fn(read_event(s)); });
}

Status SqlStore::scan_touches(const std::function<void(int64_t lead_id, std::string_view campaign, TimePoint at,
                                                         int data_points, std::string_view outcome)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT COALESCE(lead_id, 0), campaign, at, CASE WHEN length(data_points) <= 2 THEN 0 "
      "ELSE (SELECT count(*) FROM json_each(touches.data_points)) END, outcome FROM touches ORDER BY id");
  if (!st.ok()) return st.status();
  return (*st)->each_row(
      [&](const Stmt& s) { fn(s.int64(0), s.text_view(1), s.int64(2), static_cast<int>(s.int64(3)), s.text_view(4)); });
}

Status SqlStore::scan_lead_events(const EventFilter& f,
                                     const std::function<bool(const LeadEvent&, std::string_view campaign)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  FilterSql q = filter_sql(f.leads);
  std::string sql =
      "SELECT e.id, e.lead_id, e.type, e.at, e.actor, e.payload, l.source_campaign FROM lead_events e "
      "JOIN leads l ON l.id = e.lead_id WHERE TRUE";
  if (!q.where.empty()) sql += " AND e.lead_id IN (SELECT id FROM leads" + q.where + ")";
  auto param = [&](std::variant<std::string, int64_t> v) {
    q.params.push_back(std::move(v));
    return "?" + std::to_string(q.next++);
  };
  if (!f.types.empty()) {
    std::string in;
    for (const std::string& t : f.types) in += (in.empty() ? "" : ",") + param(t);
    sql += " AND e.type IN (" + in + ")";
  }
  if (f.from) sql += " AND e.at >= " + param(*f.from);
  if (f.to) sql += " AND e.at < " + param(*f.to);
  sql += " ORDER BY e.id";
  auto st = (*r)->prepare(sql);
  if (!st.ok()) return st.status();
  q.bind(**st);
  for (;;) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row || !fn(read_event(**st), (*st)->text_view(6))) return Status();
  }
}
Status SqlStore::scan_campaign_events(const std::string& campaign, std::string_view type,
                                         const std::function<void(const LeadEvent&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT e.id, e.lead_id, e.type, e.at, e.actor, e.payload FROM leads l JOIN lead_events e "
      "ON e.lead_id = l.id WHERE l.source_campaign = ? AND e.type = ? ORDER BY e.id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, campaign);
  (*st)->bind(2, type);
  return (*st)->each_row([&](const Stmt& s) { fn(read_event(s)); });
}

}  // namespace leadloop
