// SqlStore: follow-up timers, routing capacity, the outbox, feedback links and settings.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

Result<std::vector<int64_t>> SqlStore::due_leads(TimePoint now, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id FROM (SELECT id, sla_due_at AS due FROM leads WHERE sla_due_at <= ?1 "
      "UNION ALL SELECT id, decay_at AS due FROM leads WHERE decay_at <= ?1) AS timers "
      "GROUP BY id ORDER BY min(due), id LIMIT ?2");
  if (!st.ok()) return st.status();
  (*st)->bind(1, now);
  (*st)->bind(2, int64_t{limit});
  std::vector<int64_t> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(s.int64(0)); }));
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqlStore::open_leads_by_owner() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT owner, count(*) FROM leads WHERE owner <> '' AND stage NOT IN "
      "('won', 'lost', 'disqualified', 'opted_out') GROUP BY owner ORDER BY owner");
  if (!st.ok()) return st.status();
  std::vector<std::pair<std::string, int64_t>> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.emplace_back(s.text(0), s.int64(1)); }));
  return out;
}

Result<std::vector<OutboxMessage>> SqlStore::list_outbox(const std::string& recipient, int64_t after_id,
                                                            int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, kind, recipient, lead_id, at, payload FROM outbox WHERE (?1 = '' OR recipient = ?1) "
      "AND id > ?2 ORDER BY id LIMIT ?3");
  if (!st.ok()) return st.status();
  (*st)->bind(1, recipient);
  (*st)->bind(2, after_id);
  (*st)->bind(3, limit_param(limit));
  std::vector<OutboxMessage> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), s.text(1), s.text(2), s.int64(3), s.int64(4), s.text(5)});
  }));
  return out;
}

Status SqlStore::put_feedback_link(FeedbackLink& l) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO feedback_links (lead_id, rep, created_by, created_at, expires_at) VALUES (?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, l.lead_id);
  s.bind(2, l.rep);
  s.bind(3, l.created_by);
  s.bind(4, l.created_at);
  s.bind(5, l.expires_at);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  LEADLOOP_RETURN_IF_ERROR(inserted_id(l.id));
  return Status();
}

Result<FeedbackLink> SqlStore::get_feedback_link(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, lead_id, rep, created_by, created_at, expires_at, used_at FROM feedback_links WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<FeedbackLink> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    found = FeedbackLink{s.int64(0), s.int64(1), s.text(2), s.text(3), s.int64(4), s.int64(5), s.optional_int64(6)};
  }));
  if (!found) return Status(ErrorCode::kNotFound, "no feedback link " + std::to_string(id), "token");
  return *found;
}

Result<std::optional<std::string>> SqlStore::get_setting(const std::string& key) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT value FROM settings WHERE key = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, key);
  std::optional<std::string> value;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { value = s.text(0); }));
  return value;
}

Result<std::string> SqlStore::put_setting_once(const std::string& key, const std::string& value) {
  std::lock_guard lock(write_mu_);
  auto ins = writer_->cached("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING");
  if (!ins.ok()) return ins.status();
  (*ins)->bind(1, key);
  (*ins)->bind(2, value);
  LEADLOOP_RETURN_IF_ERROR((*ins)->run());
  auto sel = writer_->cached("SELECT value FROM settings WHERE key = ?");
  if (!sel.ok()) return sel.status();
  (*sel)->bind(1, key);
  std::string stored;
  LEADLOOP_RETURN_IF_ERROR((*sel)->each_row([&](const Stmt& s) { stored = s.text(0); }));
  return stored;
}

}  // namespace leadloop
