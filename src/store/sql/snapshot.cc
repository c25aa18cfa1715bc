// SqlStore: what a snapshot of the report projection is checked against,
// and the log after it (measure/snapshot.h).
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

Result<LogMarks> SqlStore::log_marks() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->prepare(
      "SELECT (SELECT COALESCE(MAX(id), 0) FROM lead_events), (SELECT COALESCE(MAX(id), 0) FROM touches), "
      "(SELECT COALESCE(MAX(id), 0) FROM leads), (SELECT count(*) FROM leads), "
      "(SELECT COALESCE(MAX(version), 0) FROM definitions), (SELECT COALESCE(MAX(updated_at), 0) FROM definitions)");
  if (!st.ok()) return st.status();
  LogMarks m;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    m.last_event_id = s.int64(0);
    m.last_touch_id = s.int64(1);
    m.last_lead_id = s.int64(2);
    m.leads = s.int64(3);
    m.last_definition_version = s.int64(4);
    m.definitions_updated_at = s.int64(5);
  }));
  return m;
}

Status SqlStore::scan_events_after(int64_t after_id, const std::function<void(const LeadEvent&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->prepare("SELECT id, lead_id, type, at, actor, payload FROM lead_events WHERE id > ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, after_id);
  return (*st)->each_row([&](const Stmt& s) {
    fn(LeadEvent{s.int64(0), s.int64(1), s.text(2), s.int64(3), s.text(4), s.text(5)});
  });
}

Status SqlStore::scan_touches_after(int64_t after_id,
                                       const std::function<void(int64_t lead_id, std::string_view campaign,
                                                                TimePoint at, int data_points,
                                                                std::string_view outcome)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->prepare(
      "SELECT COALESCE(lead_id, 0), campaign, at, CASE WHEN length(data_points) <= 2 THEN 0 "
      "ELSE (SELECT count(*) FROM json_each(touches.data_points)) END, outcome FROM touches WHERE id > ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, after_id);
  return (*st)->each_row(
      [&](const Stmt& s) { fn(s.int64(0), s.text_view(1), s.int64(2), static_cast<int>(s.int64(3)), s.text_view(4)); });
}

}  // namespace leadloop
