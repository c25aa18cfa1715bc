#include "store/sqlite/migrations.h"

#include <vector>

namespace leadloop::sqlite {

namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: a released migration is never edited.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  vendor TEXT NOT NULL DEFAULT '',
  cost_cents INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'USD',
  starts_on INTEGER,
  ends_on INTEGER,
  created_at INTEGER NOT NULL
);
CREATE TABLE leads (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  company TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  industry TEXT NOT NULL DEFAULT '',
  employees INTEGER,
  country TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  source_campaign TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}',
  consent_email INTEGER NOT NULL DEFAULT 0,
  consent_phone INTEGER NOT NULL DEFAULT 0,
  consent_mail INTEGER NOT NULL DEFAULT 0,
  stage TEXT NOT NULL,
  grade TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_touch_at INTEGER,
  email_key TEXT NOT NULL DEFAULT '',
  phone_key TEXT NOT NULL DEFAULT '',
  name_key TEXT NOT NULL DEFAULT ''
);
CREATE TABLE lead_events (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX lead_events_by_lead ON lead_events(lead_id);
CREATE TABLE touches (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER,
  campaign TEXT NOT NULL,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL,
  outcome TEXT NOT NULL,
  actor TEXT NOT NULL,
  at INTEGER NOT NULL,
  notes TEXT NOT NULL,
  data_points TEXT NOT NULL
);
CREATE INDEX touches_by_lead ON touches(lead_id);
CREATE TABLE teams (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  manager TEXT NOT NULL DEFAULT ''
);
CREATE TABLE reps (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  team TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  capacity INTEGER NOT NULL DEFAULT 50,
  away INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  campaign TEXT NOT NULL,
  mapping TEXT NOT NULL,
  actor TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  created INTEGER NOT NULL,
  merged INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  notes TEXT NOT NULL DEFAULT ''
);
CREATE TABLE import_errors (
  import_id INTEGER NOT NULL,
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  field TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX import_errors_by_import ON import_errors(import_id, line);
)sql"},
      {2, R"sql(
-- What touches told us and how the lead definition graded each lead.
ALTER TABLE leads ADD COLUMN touch_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN data_points TEXT NOT NULL DEFAULT '{}';
ALTER TABLE leads ADD COLUMN definition_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN grading TEXT NOT NULL DEFAULT '';
UPDATE leads SET touch_count = (SELECT count(*) FROM touches t WHERE t.lead_id = leads.id);
CREATE INDEX lead_events_by_type ON lead_events(type, id);
CREATE TABLE definitions (
  version INTEGER PRIMARY KEY,
  state TEXT NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  content TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  activated_at INTEGER,
  activated_by TEXT NOT NULL DEFAULT '',
  leads_regraded INTEGER NOT NULL DEFAULT 0,
  grades_changed INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX definitions_one_active ON definitions(state) WHERE state = 'active';
CREATE TABLE definition_approvals (
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  side TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (version, hash, side, actor)
);
)sql"},
      {3, R"sql(
-- Routing and follow-up: who got the lead when, its timers, round-robin
-- order, the outbox, feedback links and settings.
ALTER TABLE leads ADD COLUMN assigned_at INTEGER;
ALTER TABLE leads ADD COLUMN first_response_at INTEGER;
ALTER TABLE leads ADD COLUMN sla_due_at INTEGER;
ALTER TABLE leads ADD COLUMN sla_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN decay_at INTEGER;
CREATE INDEX leads_sla_due ON leads(sla_due_at) WHERE sla_due_at IS NOT NULL;
CREATE INDEX leads_decay ON leads(decay_at) WHERE decay_at IS NOT NULL;
CREATE INDEX leads_by_owner ON leads(owner, stage) WHERE owner <> '';
CREATE INDEX leads_queue ON leads(stage, id) WHERE owner = '';
CREATE INDEX leads_by_campaign ON leads(source_campaign, id);
ALTER TABLE reps ADD COLUMN last_assignment INTEGER NOT NULL DEFAULT 0;
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  lead_id INTEGER NOT NULL DEFAULT 0,
  at INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX outbox_by_recipient ON outbox(recipient, id);
CREATE TABLE feedback_links (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL,
  rep TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
      {4, R"sql(
-- The audit log: who did what to which record, when and from where. Append
-- only: the triggers refuse every change and deletion of a row.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  record TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL,
  remote TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_record ON audit_log(record, id);
CREATE INDEX audit_log_actor ON audit_log(actor, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
)sql"},
      {5, R"sql(
-- Access: tokens bound to a vendor, rep or team and holding several roles;
-- people who sign in with a password; their sessions.
ALTER TABLE api_tokens ADD COLUMN vendor TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN rep TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN team TEXT NOT NULL DEFAULT '';
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  vendor TEXT NOT NULL DEFAULT '',
  rep TEXT NOT NULL DEFAULT '',
  team TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  disabled_at INTEGER,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  last_login_at INTEGER
);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sessions_by_user ON sessions(user_id);
)sql"},
      {6, R"sql(
-- Goals: a target for a measured figure over a period and a scope, active
-- once both sides approved it; behind_at marks the one falling-behind
-- message.
CREATE TABLE goals (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  metric TEXT NOT NULL,
  target INTEGER NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  campaign TEXT NOT NULL DEFAULT '',
  vendor TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  rep TEXT NOT NULL DEFAULT '',
  curve TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  client_approved_by TEXT NOT NULL DEFAULT '',
  client_approved_at INTEGER,
  vendor_approved_by TEXT NOT NULL DEFAULT '',
  vendor_approved_at INTEGER,
  behind_at INTEGER
);
)sql"},
      {7, R"sql(
-- An edit of a draft voids its approvals but keeps them, so both sides can
-- see what they had signed and that it no longer counts.
ALTER TABLE definition_approvals ADD COLUMN voided_at INTEGER;
ALTER TABLE definition_approvals ADD COLUMN voided_by TEXT NOT NULL DEFAULT '';
)sql"},
      {8, R"sql(
-- A lead's id in the system it came from (an identity key, as email and
-- phone are) and the vendor's agent who made the call; a touch names its
-- caller too.
ALTER TABLE leads ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN caller TEXT NOT NULL DEFAULT '';
ALTER TABLE touches ADD COLUMN caller TEXT NOT NULL DEFAULT '';
CREATE INDEX leads_by_external_id ON leads(external_id) WHERE external_id <> '';
)sql"},
      {9, R"sql(
-- Delivery (src/delivery/): webhook endpoints, one delivery per (message,
-- destination) with its attempts. The fan-out cursor over lead_events and
-- the outbox lives in settings, advanced in the transaction that inserts
-- the deliveries.
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  event_types TEXT NOT NULL DEFAULT '',
  secret TEXT NOT NULL,
  previous_secret TEXT NOT NULL DEFAULT '',
  previous_secret_expires_at INTEGER,
  enabled INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT NOT NULL DEFAULT '',
  allow_private INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  webhook_id TEXT NOT NULL UNIQUE,
  message_key TEXT NOT NULL,
  destination TEXT NOT NULL,
  channel TEXT NOT NULL,
  endpoint_id INTEGER NOT NULL DEFAULT 0,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (message_key, destination)
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_by_endpoint ON deliveries(endpoint_id, id);
CREATE TABLE delivery_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  status INTEGER NOT NULL,
  error TEXT NOT NULL,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts(delivery_id, id);
)sql"},
      {10, R"sql(
-- Web forms: a campaign's public form, addressed by its random key. The
-- settings (fields, consent boxes with their wording, origins, ...) are
-- one JSON object (domain/web_form.h); what is looked up is a column.
CREATE TABLE web_forms (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  campaign TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  settings TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
)sql"},
      {11, R"sql(
-- E-mail (docs/email.md): a user's address for notifications, and the
-- bounce and complaint notices received for an address.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE TABLE mail_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  email TEXT NOT NULL,
  kind TEXT NOT NULL,
  permanent INTEGER NOT NULL,
  detail TEXT NOT NULL,
  actor TEXT NOT NULL,
  leads TEXT NOT NULL
);
CREATE INDEX mail_events_by_email ON mail_events(email, id);
)sql"},
      {12, R"sql(
-- Nurture programmes (docs/nurture.md): versioned documents, the leads
-- enrolled in them with the step they are at and when it runs, the links
-- of the mails sent (click tracking) and each lead's programme mails (the
-- frequency cap across programmes).
CREATE TABLE programmes (
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  activated_at INTEGER,
  activated_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (key, version)
);
CREATE TABLE enrolments (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL,
  programme TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  step INTEGER NOT NULL,
  next_at INTEGER,
  enrolled_at INTEGER NOT NULL,
  exited_at INTEGER,
  exit_reason TEXT NOT NULL DEFAULT '',
  sends INTEGER NOT NULL DEFAULT 0,
  last_sent_at INTEGER,
  grade_at_enrolment TEXT NOT NULL DEFAULT '',
  turned_hot INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX enrolments_open ON enrolments(lead_id, programme) WHERE state <> 'exited';
CREATE INDEX enrolments_due ON enrolments(next_at) WHERE state = 'active';
CREATE INDEX enrolments_by_programme ON enrolments(programme, state);
CREATE INDEX enrolments_by_lead ON enrolments(lead_id, id);
CREATE TABLE nurture_links (
  enrolment_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (enrolment_id, step, idx)
) WITHOUT ROWID;
CREATE TABLE nurture_sends (
  lead_id INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX nurture_sends_by_lead ON nurture_sends(lead_id, at);
)sql"},
  };
  return kMigrations;
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

Result<int> migrate(SqliteDb& db, const std::string& path) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st.ok()) return st.status();
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  int version = static_cast<int>((*st)->int64(0));
  (*st)->reset();
  if (version > latest_schema_version()) {
    return Status(ErrorCode::kSchemaTooNew,
                  "database '" + path + "' was written by a newer Leadloop (schema version " +
                      std::to_string(version) + "); this binary knows versions up to " +
                      std::to_string(latest_schema_version()) +
                      ". Upgrade leadloop, or point --db at another file.");
  }
  for (const Migration& m : migrations()) {
    if (m.version <= version) continue;
    Status s = in_transaction(db, [&] {
      // Another process may have migrated since we looked; look again
      // under the write lock.
      auto again = db.prepare("PRAGMA user_version");
      if (!again.ok()) return again.status();
      auto r = (*again)->step();
      if (!r.ok()) return r.status();
      if ((*again)->int64(0) >= m.version) return Status();
      LEADLOOP_RETURN_IF_ERROR(db.exec(m.sql));
      return db.exec("PRAGMA user_version=" + std::to_string(m.version));
    });
    if (!s.ok()) {
      return Status(ErrorCode::kIoError, "migration " + std::to_string(m.version) +
                                             " failed: " + s.message());
    }
    version = m.version;
  }
  return version;
}

}  // namespace leadloop::sqlite
