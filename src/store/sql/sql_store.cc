// SqlStore: the write path every change takes (Store::commit) and the reader pool.
#include "store/sql/sql_store.h"

#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

// Statements run once per row get a numbered slot on the writer.
enum HotStatement : size_t { kInsertLead, kUpdateLead, kInsertEvent, kInsertTouch };

const std::string kInsertLeadSql = std::string("INSERT INTO leads (") + kLeadDataColumns +
                                   ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                                   " RETURNING id";

// Runs an INSERT ... RETURNING id and takes the id: one round trip where
// the database is across a network, for the statements run once per row.
Status insert_returning_id(Stmt& s, int64_t& id) {
  auto row = s.step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(ErrorCode::kInternal, "an insert returned no id");
  id = s.int64(0);
  s.reset();
  return Status();
}

}  // namespace

Result<SqlStore::Reader> SqlStore::reader() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto db = std::move(pool_.back());
      pool_.pop_back();
      return Reader(this, std::move(db));
    }
  }
  auto db = open_reader_();
  if (!db.ok()) return db.status();
  return Reader(this, std::move(db).value());
}

Status SqlStore::inserted_id(int64_t& id) {
  auto r = writer_->last_insert_id();
  if (!r.ok()) return r.status();
  id = *r;
  return Status();
}

Status SqlStore::insert_lead(Lead& lead) {
  auto st = writer_->slot(kInsertLead, kInsertLeadSql.c_str());
  if (!st.ok()) return st.status();
  const std::string attributes = encode_map(lead.attributes);
  const std::string data_points = encode_map(lead.data_points);
  bind_lead(**st, lead, attributes, data_points, 1);
  return insert_returning_id(**st, lead.id);
  return Status();
}

Status SqlStore::update_lead(const Lead& lead) {
  auto st = writer_->slot(kUpdateLead,
      "UPDATE leads SET email=?1, phone=?2, first_name=?3, last_name=?4, company=?5, title=?6, "
      "industry=?7, employees=?8, country=?9, region=?10, source_campaign=?11, attributes=?12, "
      "consent_email=?13, consent_phone=?14, consent_mail=?15, stage=?16, grade=?17, owner=?18, "
      "created_at=?19, updated_at=?20, last_touch_at=?21, email_key=?22, phone_key=?23, "
      "name_key=?24, touch_count=?25, data_points=?26, definition_version=?27, score=?28, "
      "grading=?29, assigned_at=?30, first_response_at=?31, sla_due_at=?32, sla_level=?33, "
      "decay_at=?34, external_id=?35, caller=?36 WHERE id=?37");
  if (!st.ok()) return st.status();
  const std::string attributes = encode_map(lead.attributes);
  const std::string data_points = encode_map(lead.data_points);
  bind_lead(**st, lead, attributes, data_points, 1);
  (*st)->bind(37, lead.id);
  return (*st)->run();
}

Status SqlStore::insert_event(LeadEvent& e) {
  auto st = writer_->slot(kInsertEvent,
      "INSERT INTO lead_events (lead_id, type, at, actor, payload) VALUES (?,?,?,?,?) RETURNING id");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, e.lead_id);
  s.bind_static(2, e.type);
  s.bind(3, e.at);
  s.bind_static(4, e.actor);
  s.bind_static(5, e.payload);
  return insert_returning_id(s, e.id);
  return Status();
}

Status SqlStore::insert_touch(Touch& t) {
  auto st = writer_->slot(kInsertTouch,
      "INSERT INTO touches (lead_id, campaign, channel, direction, outcome, actor, at, notes, "
      "data_points, caller) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  if (t.lead_id) {
    s.bind(1, t.lead_id);
  } else {
    s.bind_null(1);
  }
  s.bind(2, t.campaign);
  s.bind(3, medium_name(t.channel));
  s.bind(4, direction_name(t.direction));
  s.bind(5, t.outcome);
  s.bind(6, t.actor);
  s.bind(7, t.at);
  s.bind(8, t.notes);
  s.bind(9, encode_map(t.data_points));
  s.bind(10, t.caller);
  return insert_returning_id(s, t.id);
  return Status();
}

Status SqlStore::commit(Mutation& m) {
  std::lock_guard lock(write_mu_);
  // Ids handed out inside a transaction that rolls back must not leak out.
  std::vector<int64_t> original_ids;
  original_ids.reserve(m.leads.size());
  for (const auto& c : m.leads) original_ids.push_back(c.lead.id);
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    for (LeadChange& c : m.leads) {
      if (c.events.empty()) {
        return Status(ErrorCode::kInternal, "a lead change without an event");
      }
      if (c.lead.id == 0) {
        LEADLOOP_RETURN_IF_ERROR(insert_lead(c.lead));
      } else {
        LEADLOOP_RETURN_IF_ERROR(update_lead(c.lead));
      }
      for (Touch& t : c.touches) {
        t.lead_id = c.lead.id;
        LEADLOOP_RETURN_IF_ERROR(insert_touch(t));
      }
      for (LeadEvent& e : c.events) {
        e.lead_id = c.lead.id;
        LEADLOOP_RETURN_IF_ERROR(insert_event(e));
      }
    }
    for (Touch& t : m.touches) LEADLOOP_RETURN_IF_ERROR(insert_touch(t));
    for (Mutation::LeadMessage& lm : m.lead_outbox) {
      lm.written.reset();
      if (lm.lead >= m.leads.size()) return Status(ErrorCode::kInternal, "a lead message for no lead of the change");
      std::optional<OutboxMessage> made = lm.make(m.leads[lm.lead].lead);
      if (!made) continue;
      made->lead_id = m.leads[lm.lead].lead.id;
      LEADLOOP_RETURN_IF_ERROR(insert_outbox(*made));
      lm.written = std::move(made);
    }
    return apply_extras(m);
  });
  if (!st.ok()) {
    for (size_t i = 0; i < m.leads.size(); ++i) m.leads[i].lead.id = original_ids[i];
    for (Mutation::LeadMessage& lm : m.lead_outbox) lm.written.reset();
  } else if (observer_) {
    for (const LeadChange& c : m.leads) {
      observer_->lead_committed(c.lead, c.events);
      for (const Touch& t : c.touches) observer_->touch_committed(t);
    }
    for (const Touch& t : m.touches) observer_->touch_committed(t);
  }
  return st;
}

void SqlStore::set_commit_observer(CommitObserver* observer) {
  std::lock_guard lock(write_mu_);
  observer_ = observer;
}
Status SqlStore::insert_outbox(OutboxMessage& o) {
  auto st = writer_->cached("INSERT INTO outbox (kind, recipient, lead_id, at, payload) VALUES (?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, o.kind);
  s.bind(2, o.recipient);
  s.bind(3, o.lead_id);
  s.bind(4, o.at);
  s.bind(5, o.payload);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  LEADLOOP_RETURN_IF_ERROR(inserted_id(o.id));
  return Status();
}

Status SqlStore::apply_extras(Mutation& m) {
  for (OutboxMessage& o : m.outbox) LEADLOOP_RETURN_IF_ERROR(insert_outbox(o));
  for (const RepAssignment& a : m.assignments) {
    auto st = writer_->cached(
        "UPDATE reps SET last_assignment = CASE WHEN ?1 > last_assignment THEN ?1 ELSE last_assignment END "
        "WHERE key = ?2");
    if (!st.ok()) return st.status();
    (*st)->bind(1, a.number);
    (*st)->bind(2, a.rep);
    LEADLOOP_RETURN_IF_ERROR((*st)->run());
  }
  TimePoint used_at = m.leads.empty() ? 0 : m.leads.front().lead.updated_at;
  for (int64_t id : m.feedback_links_used) {
    auto st = writer_->cached("UPDATE feedback_links SET used_at = ? WHERE id = ? AND used_at IS NULL");
    if (!st.ok()) return st.status();
    (*st)->bind(1, used_at);
    (*st)->bind(2, id);
    LEADLOOP_RETURN_IF_ERROR((*st)->run());
    if (writer_->changes() != 1) {
      return Status(ErrorCode::kConflict, "this feedback link has been answered already", "token");
    }
  }
  return Status();
}

}  // namespace leadloop
