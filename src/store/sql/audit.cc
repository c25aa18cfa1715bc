// SqlStore: the append-only audit log.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

Status SqlStore::append_audit(AuditEntry& e) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO audit_log (at, actor, role, action, record, status, remote, detail) VALUES (?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, e.at);
  s.bind(2, e.actor);
  s.bind(3, e.role);
  s.bind(4, e.action);
  s.bind(5, e.record);
  s.bind(6, int64_t{e.status});
  s.bind(7, e.remote);
  s.bind(8, e.detail);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  LEADLOOP_RETURN_IF_ERROR(inserted_id(e.id));
  return Status();
}

Result<std::vector<AuditEntry>> SqlStore::list_audit(const AuditFilter& f) {
  auto r = reader();
  if (!r.ok()) return r.status();
  // The action filter is a prefix: "POST " finds every POST.
  auto st = (*r)->cached(
      "SELECT id, at, actor, role, action, record, status, remote, detail FROM audit_log "
      "WHERE id > ?1 AND (?2 = '' OR actor = ?2) AND (?3 = '' OR record = ?3) "
      "AND (?4 = '' OR substr(action, 1, length(?4)) = ?4) AND (CAST(?5 AS BIGINT) IS NULL OR at >= ?5) "
      "AND (CAST(?6 AS BIGINT) IS NULL OR at < ?6) ORDER BY id LIMIT ?7");
  if (!st.ok()) return st.status();
  Stmt& q = **st;
  q.bind(1, f.after_id);
  q.bind(2, f.actor);
  q.bind(3, f.record);
  q.bind(4, f.action);
  q.bind(5, f.from);
  q.bind(6, f.to);
  q.bind(7, limit_param(f.limit));
  std::vector<AuditEntry> out;
  LEADLOOP_RETURN_IF_ERROR(q.each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3), s.text(4), s.text(5),
                   static_cast<int>(s.int64(6)), s.text(7), s.text(8)});
  }));
  return out;
}

}  // namespace leadloop
