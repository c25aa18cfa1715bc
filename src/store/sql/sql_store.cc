// SqlStore: the write path every change takes (Store::commit) and the reader pool.
#include "store/sql/sql_store.h"

#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

// A change of this many leads or more goes in by Db::copy_rows where the
// backend has it: a CSV import's or a bulk capture's batch.
constexpr size_t kCopyFrom = 16;

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
  bind_event(**st, e, 1);
  return insert_returning_id(**st, e.id);
}

Status SqlStore::insert_touch(Touch& t) {
  auto st = writer_->slot(kInsertTouch,
      "INSERT INTO touches (lead_id, campaign, channel, direction, outcome, actor, at, notes, "
      "data_points, caller) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id");
  if (!st.ok()) return st.status();
  bind_touch(**st, t, 1);
  return insert_returning_id(**st, t.id);
}

Status SqlStore::write_changes(Mutation& m) {
  for (LeadChange& c : m.leads) {
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
  return Status();
}

Status SqlStore::copy_changes(Mutation& m) {
  size_t new_leads = 0, events = 0, touches = m.touches.size();
  for (const LeadChange& c : m.leads) {
    new_leads += c.lead.id == 0;
    events += c.events.size();
    touches += c.touches.size();
  }
  // The ids first, in the order the row-by-row path would hand them out.
  auto lead_ids = writer_->reserve_ids("leads", new_leads);
  if (!lead_ids.ok()) return lead_ids.status();
  auto event_ids = writer_->reserve_ids("lead_events", events);
  if (!event_ids.ok()) return event_ids.status();
  auto touch_ids = writer_->reserve_ids("touches", touches);
  if (!touch_ids.ok()) return touch_ids.status();
  std::vector<CopyRow> lead_rows(new_leads), event_rows(events), touch_rows(touches);
  size_t l = 0, e = 0, t = 0;
  auto add_touch = [&](Touch& touch) {
    touch.id = (*touch_ids)[t];
    touch_rows[t].bind(1, touch.id);
    bind_touch(touch_rows[t++], touch, 2);
  };
  for (LeadChange& c : m.leads) {
    if (c.lead.id == 0) {
      c.lead.id = (*lead_ids)[l];
      lead_rows[l].bind(1, c.lead.id);
      bind_lead(lead_rows[l++], c.lead, encode_map(c.lead.attributes), encode_map(c.lead.data_points), 2);
    } else {
      LEADLOOP_RETURN_IF_ERROR(update_lead(c.lead));
    }
    for (Touch& touch : c.touches) {
      touch.lead_id = c.lead.id;
      add_touch(touch);
    }
    for (LeadEvent& event : c.events) {
      event.lead_id = c.lead.id;
      event.id = (*event_ids)[e];
      event_rows[e].bind(1, event.id);
      bind_event(event_rows[e++], event, 2);
    }
  }
  for (Touch& touch : m.touches) add_touch(touch);
  LEADLOOP_RETURN_IF_ERROR(writer_->copy_rows("leads", kLeadColumns, lead_rows));
  LEADLOOP_RETURN_IF_ERROR(writer_->copy_rows("touches", kTouchColumns, touch_rows));
  return writer_->copy_rows("lead_events", kEventColumns, event_rows);
}

Status SqlStore::commit(Mutation& m) {
  std::lock_guard lock(write_mu_);
  return commit_locked(m, [] { return Status(); });
}

Status SqlStore::commit_locked(Mutation& m, const std::function<Status()>& more) {
  // Ids handed out inside a transaction that rolls back must not leak out.
  std::vector<int64_t> original_ids;
  original_ids.reserve(m.leads.size());
  for (const auto& c : m.leads) original_ids.push_back(c.lead.id);
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    for (const LeadChange& c : m.leads) {
      if (c.events.empty()) return Status(ErrorCode::kInternal, "a lead change without an event");
    }
    LEADLOOP_RETURN_IF_ERROR(writer_->bulk() && m.leads.size() >= kCopyFrom ? copy_changes(m) : write_changes(m));
    for (Mutation::LeadMessage& lm : m.lead_outbox) {
      lm.written.reset();
      if (lm.lead >= m.leads.size()) return Status(ErrorCode::kInternal, "a lead message for no lead of the change");
      std::optional<OutboxMessage> made = lm.make(m.leads[lm.lead].lead);
      if (!made) continue;
      made->lead_id = m.leads[lm.lead].lead.id;
      LEADLOOP_RETURN_IF_ERROR(insert_outbox(*made));
      lm.written = std::move(made);
    }
    LEADLOOP_RETURN_IF_ERROR(apply_extras(m));
    return more();
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
