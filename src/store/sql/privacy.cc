// SqlStore: subject access and erasure.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

// "(instr(lower(col), ?1) > 0 OR ...)" for n needles bound from parameter 1.
std::string mentions_any(const char* column, size_t n) {
  std::string sql = "(";
  for (size_t i = 0; i < n; ++i) {
    sql += (i ? " OR instr(lower(" : "instr(lower(") + std::string(column) + "), ?" + std::to_string(i + 1) + ") > 0";
  }
  return sql + ")";
}

void bind_needles(Stmt& s, const std::vector<std::string>& needles) {
  for (size_t i = 0; i < needles.size(); ++i) s.bind(static_cast<int>(i) + 1, needles[i]);
}

// Lower-case needles that are not empty: an empty one would match every row.
std::vector<std::string> usable(const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  for (const auto& n : needles) {
    if (!n.empty()) out.push_back(n);
  }
  return out;
}

}  // namespace

Result<std::vector<Lead>> SqlStore::find_leads_by_key(const std::string& email_key, const std::string& phone_key) {
  std::vector<Lead> out;
  if (email_key.empty() && phone_key.empty()) return out;
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kLeadColumns +
                         " FROM leads WHERE (?1 <> '' AND email_key = ?1) OR (?2 <> '' AND phone_key = ?2) ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, email_key);
  (*st)->bind(2, phone_key);
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_lead(s)); }));
  return out;
}

Result<std::vector<ImportErrorRow>> SqlStore::find_import_errors(const std::vector<std::string>& needles) {
  std::vector<ImportErrorRow> out;
  const std::vector<std::string> n = usable(needles);
  if (n.empty()) return out;
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->prepare("SELECT import_id, line, col, field, code, reason FROM import_errors WHERE " +
                          mentions_any("reason", n.size()) + " ORDER BY import_id, line");
  if (!st.ok()) return st.status();
  bind_needles(**st, n);
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), {s.int64(1), static_cast<int>(s.int64(2)), s.text(3), s.text(4), s.text(5)}});
  }));
  return out;
}

namespace {

// Rewrites (id, text) rows selected by `select` with `redact`, writing back
// with `update` (?1 the new text, ?2 the id) the rows it changed.
Status rewrite_rows(sql::Db& db, Stmt& select, const char* update,
                    const std::function<std::string(const Stmt&)>& redact, int64_t& count) {
  std::vector<std::pair<int64_t, std::string>> changed;
  LEADLOOP_RETURN_IF_ERROR(select.each_row([&](const Stmt& s) {
    std::string after = redact(s);
    changed.emplace_back(s.int64(0), std::move(after));
  }));
  auto up = db.cached(update);
  if (!up.ok()) return up.status();
  for (const auto& [id, text] : changed) {
    (*up)->bind(1, text);
    (*up)->bind(2, id);
    LEADLOOP_RETURN_IF_ERROR((*up)->run());
    ++count;
  }
  return Status();
}

// Rewrites the touches `select` returns (the touch columns) with `redact`.
Status rewrite_touches(sql::Db& db, Stmt& select, const std::function<void(Touch&)>& redact, int64_t& count) {
  std::vector<Touch> changed;
  LEADLOOP_RETURN_IF_ERROR(select.each_row([&](const Stmt& s) {
    changed.push_back(read_touch(s));
    redact(changed.back());
  }));
  auto up = db.cached("UPDATE touches SET notes = ?1, data_points = ?2 WHERE id = ?3");
  if (!up.ok()) return up.status();
  for (const Touch& t : changed) {
    (*up)->bind(1, t.notes);
    (*up)->bind(2, encode_map(t.data_points));
    (*up)->bind(3, t.id);
    LEADLOOP_RETURN_IF_ERROR((*up)->run());
    ++count;
  }
  return Status();
}

}  // namespace

Result<ErasureCounts> SqlStore::erase_leads(Erasure& e) {
  const std::string select_touches = std::string("SELECT ") + kTouchColumns + " FROM touches ";
  std::lock_guard lock(write_mu_);
  ErasureCounts n;
  const std::vector<std::string> needles = usable(e.needles);
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    for (LeadChange& c : e.leads) {
      if (c.lead.id == 0 || c.events.empty()) return Status(ErrorCode::kInternal, "an erasure without a lead or event");
      auto events = writer_->cached("SELECT id, type, payload FROM lead_events WHERE lead_id = ? ORDER BY id");
      if (!events.ok()) return events.status();
      (*events)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR(rewrite_rows(*writer_, **events, "UPDATE lead_events SET payload = ?1 WHERE id = ?2",
                                            [&](const Stmt& s) { return e.redact_event(s.text_view(1), s.text(2)); },
                                            n.events));
      auto touches = writer_->cached(select_touches + "WHERE lead_id = ? ORDER BY id");
      if (!touches.ok()) return touches.status();
      (*touches)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR(rewrite_touches(*writer_, **touches, e.redact_touch, n.touches));
      auto messages = writer_->cached("SELECT id, payload FROM outbox WHERE lead_id = ? ORDER BY id");
      if (!messages.ok()) return messages.status();
      (*messages)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR(rewrite_rows(*writer_, **messages, "UPDATE outbox SET payload = ?1 WHERE id = ?2",
                                            [&](const Stmt& s) { return e.redact_message(s.text(1)); }, n.messages));
      // A message addressed to the person (a double opt-in e-mail) names
      // the lead instead.
      auto addressed = writer_->cached(
          "UPDATE outbox SET recipient = 'lead:' || lead_id WHERE lead_id = ? AND recipient LIKE '%@%'");
      if (!addressed.ok()) return addressed.status();
      (*addressed)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR((*addressed)->run());
      LEADLOOP_RETURN_IF_ERROR(update_lead(c.lead));
      for (LeadEvent& ev : c.events) {
        ev.lead_id = c.lead.id;
        LEADLOOP_RETURN_IF_ERROR(insert_event(ev));
      }
    }
    if (needles.empty()) return Status();
    auto loose = writer_->prepare(select_touches + "WHERE lead_id IS NULL AND (" +
                                  mentions_any("notes", needles.size()) + " OR " +
                                  mentions_any("data_points", needles.size()) + ")");
    if (!loose.ok()) return loose.status();
    bind_needles(**loose, needles);
    LEADLOOP_RETURN_IF_ERROR(rewrite_touches(*writer_, **loose, e.redact_touch, n.touches));
    auto errors = writer_->prepare("SELECT rowid, reason FROM import_errors WHERE " +
                                   mentions_any("reason", needles.size()));
    if (!errors.ok()) return errors.status();
    bind_needles(**errors, needles);
    LEADLOOP_RETURN_IF_ERROR(rewrite_rows(*writer_, **errors, "UPDATE import_errors SET reason = ?1 WHERE rowid = ?2",
                                          [&](const Stmt& s) { return e.redact_import_error(s.text(1)); },
                                          n.import_errors));
    return erase_delivery_bodies(needles, n.deliveries);
  });
  if (!st.ok()) return st;
  if (observer_) {
    for (const LeadChange& c : e.leads) observer_->lead_committed(c.lead, c.events);
  }
  LEADLOOP_RETURN_IF_ERROR(after_erase(n));
  return n;
}

Result<std::vector<int64_t>> SqlStore::closed_leads_before(TimePoint cutoff, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  // Erased leads have no identity keys left; every other lead has one.
  auto st = (*r)->cached(
      "SELECT id FROM leads WHERE stage IN ('won', 'lost', 'disqualified', 'opted_out') AND updated_at < ? "
      "AND (email_key <> '' OR phone_key <> '' OR external_id <> '') ORDER BY id LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, cutoff);
  (*st)->bind(2, limit_param(limit));
  std::vector<int64_t> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(s.int64(0)); }));
  return out;
}

}  // namespace leadloop
