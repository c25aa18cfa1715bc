// SqlStore: e-mail (schema v11): settings written over, bounce and
// complaint notices.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

Status SqlStore::put_setting(const std::string& key, const std::string& value) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached("INSERT INTO settings (key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st.ok()) return st.status();
  (*st)->bind(1, key);
  (*st)->bind(2, value);
  return (*st)->run();
}

Status SqlStore::add_mail_event(MailEvent& e) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO mail_events (at, email, kind, permanent, detail, actor, leads) VALUES (?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, e.at);
  s.bind(2, e.email);
  s.bind(3, e.kind);
  s.bind(4, static_cast<int64_t>(e.permanent ? 1 : 0));
  s.bind(5, e.detail);
  s.bind(6, e.actor);
  s.bind(7, e.leads);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  LEADLOOP_RETURN_IF_ERROR(inserted_id(e.id));
  return Status();
}

Result<std::vector<MailEvent>> SqlStore::list_mail_events(const std::string& email, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, at, email, kind, permanent, detail, actor, leads FROM mail_events "
      "WHERE (?1 = '' OR email = ?1) ORDER BY id DESC LIMIT ?2");
  if (!st.ok()) return st.status();
  (*st)->bind(1, email);
  (*st)->bind(2, limit_param(limit));
  std::vector<MailEvent> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    MailEvent e;
    e.id = s.int64(0);
    e.at = s.int64(1);
    e.email = s.text(2);
    e.kind = s.text(3);
    e.permanent = s.int64(4) != 0;
    e.detail = s.text(5);
    e.actor = s.text(6);
    e.leads = s.text(7);
    out.push_back(std::move(e));
  }));
  return out;
}

}  // namespace leadloop
