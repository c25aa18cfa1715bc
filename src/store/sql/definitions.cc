// SqlStore: lead definition versions, approvals and activation.
#include <nlohmann/json.hpp>

#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

// The state of a version on the writer: "" when there is none.
Result<std::pair<std::string, std::string>> definition_state(sql::Db& db, int64_t version) {
  auto st = db.cached("SELECT state, hash FROM definitions WHERE version = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, version);
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  std::pair<std::string, std::string> out;
  if (*row) out = {(*st)->text(0), (*st)->text(1)};
  (*st)->reset();
  if (out.first.empty()) {
    return Status(ErrorCode::kNotFound, "no definition version " + std::to_string(version), "version");
  }
  return out;
}

Status require_draft(sql::Db& db, int64_t version, const std::string& hash) {
  auto state = definition_state(db, version);
  if (!state.ok()) return state.status();
  if (state->first != "draft") {
    return Status(ErrorCode::kConflict,
                  "version " + std::to_string(version) + " is " + state->first +
                      "; only drafts can change. Create a new version to change the definition.",
                  "version");
  }
  if (!hash.empty() && state->second != hash) {
    return Status(ErrorCode::kConflict,
                  "that is not the content of version " + std::to_string(version) +
                      " now (it was edited, or the hash is mistyped); review and approve its current content, hash " +
                      state->second,
                  "hash");
  }
  return Status();
}

}  // namespace

Status SqlStore::put_definition(DefinitionRecord& d) {
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status {
    if (d.version == 0) {
      auto st = writer_->cached(
          "INSERT INTO definitions (version, state, name, source, content, hash, created_at, created_by, "
          "updated_at, updated_by) VALUES ((SELECT coalesce(max(version), 0) + 1 FROM definitions), "
          "'draft', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING version");
      if (!st.ok()) return st.status();
      Stmt& s = **st;
      s.bind(1, d.name);
      s.bind(2, d.source);
      s.bind(3, d.content);
      s.bind(4, d.hash);
      s.bind(5, d.created_at);
      s.bind(6, d.created_by);
      s.bind(7, d.updated_at);
      s.bind(8, d.updated_by);
      auto row = s.step();
      if (!row.ok()) return row.status();
      d.version = s.int64(0);
      s.reset();
      d.state = "draft";
      return Status();
    }
    LEADLOOP_RETURN_IF_ERROR(require_draft(*writer_, d.version, ""));
    auto st = writer_->cached(
        "UPDATE definitions SET name = ?, source = ?, content = ?, hash = ?, updated_at = ?, updated_by = ? "
        "WHERE version = ?");
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.bind(1, d.name);
    s.bind(2, d.source);
    s.bind(3, d.content);
    s.bind(4, d.hash);
    s.bind(5, d.updated_at);
    s.bind(6, d.updated_by);
    s.bind(7, d.version);
    LEADLOOP_RETURN_IF_ERROR(s.run());
    // Approvals sign a content hash; an edit voids them all, even one that
    // comes back to the same content. They stay on record, marked.
    auto voided = writer_->cached(
        "UPDATE definition_approvals SET voided_at = ?, voided_by = ? WHERE version = ? AND voided_at IS NULL");
    if (!voided.ok()) return voided.status();
    (*voided)->bind(1, d.updated_at);
    (*voided)->bind(2, d.updated_by);
    (*voided)->bind(3, d.version);
    return (*voided)->run();
  });
}

Result<DefinitionRecord> SqlStore::get_definition(int64_t version) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kDefinitionColumns + " FROM definitions WHERE version = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, version);
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) {
    (*st)->reset();
    return Status(ErrorCode::kNotFound, "no definition version " + std::to_string(version), "version");
  }
  DefinitionRecord d = read_definition(**st);
  (*st)->reset();
  return d;
}

Result<std::vector<DefinitionRecord>> SqlStore::list_definitions() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kDefinitionColumns + " FROM definitions ORDER BY version");
  if (!st.ok()) return st.status();
  std::vector<DefinitionRecord> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_definition(s)); }));
  return out;
}

Status SqlStore::add_approval(const DefinitionApproval& a) {
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status {
    LEADLOOP_RETURN_IF_ERROR(require_draft(*writer_, a.version, a.hash));
    auto st = writer_->cached(
        "INSERT INTO definition_approvals (version, hash, side, actor, role, at) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT (version, hash, side, actor) DO UPDATE SET role = excluded.role, at = excluded.at, "
        "voided_at = NULL, voided_by = ''");
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.bind(1, a.version);
    s.bind(2, a.hash);
    s.bind(3, a.side);
    s.bind(4, a.actor);
    s.bind(5, a.role);
    s.bind(6, a.at);
    return s.run();
  });
}

Result<std::vector<DefinitionApproval>> SqlStore::list_approvals(int64_t version) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT version, hash, side, actor, role, at, voided_at, voided_by FROM definition_approvals WHERE version = ? "
      "ORDER BY at, side");
  if (!st.ok()) return st.status();
  (*st)->bind(1, version);
  std::vector<DefinitionApproval> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    DefinitionApproval a{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.int64(5), std::nullopt, s.text(7)};
    if (!s.is_null(6)) a.voided_at = s.int64(6);
    out.push_back(std::move(a));
  }));
  return out;
}

Status SqlStore::activate_definition(DefinitionRecord& d, std::vector<Regrade>& regrades) {
  std::lock_guard lock(write_mu_);
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    LEADLOOP_RETURN_IF_ERROR(require_draft(*writer_, d.version, d.hash));
    LEADLOOP_RETURN_IF_ERROR(writer_->exec("UPDATE definitions SET state = 'retired' WHERE state = 'active'"));
    auto act = writer_->cached(
        "UPDATE definitions SET state = 'active', activated_at = ?, activated_by = ?, leads_regraded = ?, "
        "grades_changed = ? WHERE version = ?");
    if (!act.ok()) return act.status();
    (*act)->bind(1, d.activated_at);
    (*act)->bind(2, d.activated_by);
    (*act)->bind(3, d.leads_regraded);
    (*act)->bind(4, d.grades_changed);
    (*act)->bind(5, d.version);
    LEADLOOP_RETURN_IF_ERROR((*act)->run());
    auto upd = writer_->cached(
        "UPDATE leads SET grade = ?, score = ?, grading = ?, definition_version = ?, updated_at = ?, "
        "decay_at = ? WHERE id = ?");
    if (!upd.ok()) return upd.status();
    for (Regrade& r : regrades) {
      Stmt& s = **upd;
      s.bind_static(1, grade_name(r.grade));
      s.bind(2, static_cast<int64_t>(r.score));
      s.bind_static(3, r.grading);
      s.bind(4, d.version);
      s.bind(5, *d.activated_at);
      s.bind(6, r.decay_at);
      s.bind(7, r.lead_id);
      LEADLOOP_RETURN_IF_ERROR(s.run());
      if (r.event) {
        r.event->lead_id = r.lead_id;
        LEADLOOP_RETURN_IF_ERROR(insert_event(*r.event));
      }
    }
    d.state = "active";
    // The activation's message, for webhooks (src/delivery/): written here
    // so it is durable exactly when the activation is.
    OutboxMessage activated{0, "definition_activated", "admin", 0, d.activated_at.value_or(0),
                            nlohmann::json({{"version", d.version},
                                            {"name", d.name},
                                            {"hash", d.hash},
                                            {"activated_by", d.activated_by},
                                            {"leads_regraded", d.leads_regraded},
                                            {"grades_changed", d.grades_changed}})
                                .dump()};
    return insert_outbox(activated);
  });
  if (st.ok() && observer_) {
    for (const Regrade& r : regrades) observer_->lead_regraded(r.lead_id, r.grade, d.version);
  }
  return st;
}

}  // namespace leadloop
