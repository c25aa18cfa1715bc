// Store is Leadloop's persistence boundary: current state plus the
// append-only lead event log, written together. Every write call is one
// transaction: all of it or none, durable when the call returns ok.
// Implementations are safe for concurrent use from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/campaign.h"
#include "domain/event.h"
#include "domain/goal.h"
#include "domain/lead.h"
#include "domain/status.h"
#include "domain/team.h"
#include "domain/touch.h"
#include "domain/web_form.h"

namespace leadloop {

// A change to one lead: its full new state and what happened to it. New
// leads (lead.id == 0) get their id from the store, which also fills
// lead_id in the events and touches.
struct LeadChange {
  Lead lead;
  std::vector<LeadEvent> events;  // REQUIRES: at least one
  std::vector<Touch> touches;
};

// A message for a person, written in the same transaction as the change that
// caused it (an SLA breach for the owner's manager, a goal falling behind),
// and listed by the API; delivery (mail, chat) reads it from there.
struct OutboxMessage {
  int64_t id = 0;
  std::string kind;       // "sla_breach", ...
  std::string recipient;  // rep key, user or role
  int64_t lead_id = 0;    // 0 when not about one lead
  TimePoint at = 0;
  std::string payload;    // JSON object text
};

// A rep's place in the round-robin after an assignment (Rep::last_assignment).
struct RepAssignment {
  std::string rep;
  int64_t number = 0;
};

struct Mutation {
  std::vector<LeadChange> leads;
  std::vector<Touch> touches;  // touches without a lead (lead_id == 0)
  std::vector<OutboxMessage> outbox;
  std::vector<RepAssignment> assignments;
  // Feedback links answered by this change: each must be unused, or the
  // whole mutation fails with kConflict (a link answers once).
  std::vector<int64_t> feedback_links_used;
  // Messages about a lead of this mutation that need its id (a new lead
  // gets one inside the transaction, so a signed link in the payload can
  // name it): after the leads are written, make(leads[lead].lead) runs and
  // what it returns goes to the outbox in the same transaction (nullopt:
  // nothing). On success `written` holds the message stored.
  struct LeadMessage {
    size_t lead = 0;  // index into leads
    std::function<std::optional<OutboxMessage>(const Lead&)> make;
    std::optional<OutboxMessage> written;
  };
  std::vector<LeadMessage> lead_outbox;
};

// A signed, expiring link that lets a rep without a login answer for one
// lead (access/feedback_links.h). The signature is not stored: only the
// id, which the signed token names.
struct FeedbackLink {
  int64_t id = 0;
  int64_t lead_id = 0;
  std::string rep;         // who the link is for
  std::string created_by;  // actor who made it
  TimePoint created_at = 0;
  TimePoint expires_at = 0;
  std::optional<TimePoint> used_at;
};

struct LeadFilter {
  std::string campaign;
  std::optional<Stage> stage;
  std::optional<Grade> grade;
  std::string owner;
  std::string region;
  std::optional<TimePoint> created_from;  // inclusive
  std::optional<TimePoint> created_to;    // exclusive
  std::string q;                          // text in email, name, company, phone
  // Only this lead (0: none): a search for a whole email address, resolved
  // through the dedup index by the API instead of a scan for the text.
  std::optional<int64_t> id;
  std::vector<Stage> stages;              // any of these (with `stage`, both apply)
  bool unowned = false;                   // only leads without an owner
  // Only leads that may be contacted on this channel ("email", "phone",
  // "mail"): consent not denied.
  std::string contactable;
  // Only leads past their follow-up SLA at this time: with an owner in
  // stage assigned, no first response, and the deadline passed or already
  // breached (docs/lifecycle.md, "Follow-up SLAs"). Unset: no such filter.
  std::optional<TimePoint> overdue_at;
  // The caller's scope (access/policy.h), when not everything: leads of
  // these owners, of these campaigns, or without an owner.
  bool scoped = false;
  std::vector<std::string> scope_owners;
  std::vector<std::string> scope_campaigns;
  bool scope_unowned = false;
  std::vector<std::string> scope_unowned_regions;  // with scope_unowned: only in these (empty: any)
  int64_t after_id = 0;                   // cursor: leads with id > after_id
  int limit = 50;                         // <= 0: no limit (exports)
};

// Which events an export reads: those of the leads `leads` selects (the
// caller's scope included), of these types, in this period.
struct EventFilter {
  LeadFilter leads;
  std::vector<std::string> types;  // every type when empty
  std::optional<TimePoint> from;   // inclusive
  std::optional<TimePoint> to;     // exclusive
};

// Whose records a user or token is bound to, for the roles that need it:
// a vendor user to its vendor, a sales rep to its rep key, a sales manager
// to its team. Empty: not bound.
struct AccessBinding {
  std::string vendor;
  std::string rep;
  std::string team;
};

struct ApiToken {
  int64_t id = 0;
  std::string hash;  // hex of a keyed hash of the secret; the secret is never stored
  std::string role;  // one role or a list: "marketing,sales_manager"
  std::string label;
  AccessBinding binding;
  TimePoint created_at = 0;
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> revoked_at;
};

// A person who signs in with a password.
struct User {
  int64_t id = 0;
  std::string login;  // unique, compared without case
  std::string name;
  std::string password_hash;  // argon2id, libsodium's crypto_pwhash_str format
  std::string roles;          // "marketing,sales_manager"
  AccessBinding binding;
  std::string email;          // where notifications go; "" : none (schema v11)
  TimePoint created_at = 0;
  std::optional<TimePoint> disabled_at;
  int failed_logins = 0;  // consecutive failures since the last success or lock
  std::optional<TimePoint> locked_until;
  std::optional<TimePoint> last_login_at;
};

// A signed-in browser session; the cookie's secret is stored hashed.
struct SessionRecord {
  int64_t id = 0;
  std::string hash;
  int64_t user_id = 0;
  std::string csrf;  // the token a form or script echoes on every write
  TimePoint created_at = 0;
  TimePoint expires_at = 0;
  std::optional<TimePoint> revoked_at;
};

struct ImportError {
  int64_t line = 0;    // physical line where the row starts (1 = header)
  int column = 0;      // 1-based; 0 when not one column
  std::string field;   // canonical field, when known
  std::string code;    // error code name
  std::string reason;  // readable message
};

struct ImportRecord {
  int64_t id = 0;
  std::string source;   // file name or "api"
  std::string campaign;
  std::string mapping;
  std::string actor;
  bool dry_run = false;
  TimePoint started_at = 0;
  TimePoint finished_at = 0;
  int64_t rows = 0;
  int64_t created = 0;
  int64_t merged = 0;
  int64_t rejected = 0;
  std::string notes;    // e.g. "decoded as Windows-1252"
};

// One row of the append-only audit log: who did what to which record, when
// and from where. Written for every API write and every bulk read or export
// of personal data; the database refuses to change or delete a row.
struct AuditEntry {
  int64_t id = 0;      // handed out by the store
  TimePoint at = 0;
  std::string actor;   // Principal::actor(), "link:<id>" or "public"
  std::string role;    // role name, "" for public routes
  std::string action;  // method and route template: "POST /api/v1/leads/{id}/transitions"
  std::string record;  // "lead:42", "campaign:web-1", ...; "" when not one record
  int status = 0;      // the HTTP status answered
  std::string remote;  // client address
  std::string detail = "{}";  // JSON object text
};

struct AuditFilter {
  std::string actor;                // exact
  std::string record;               // exact
  std::string action;               // prefix
  std::optional<TimePoint> from;    // inclusive
  std::optional<TimePoint> to;      // exclusive
  int64_t after_id = 0;             // cursor: entries with id > after_id
  int limit = 100;                  // <= 0: no limit
};

// A bounce or complaint notice about an address (POST /api/v1/mail/events).
struct MailEvent {
  int64_t id = 0;
  TimePoint at = 0;
  std::string email;      // lower-case
  std::string kind;       // "bounce" or "complaint"
  bool permanent = false; // a hard bounce
  std::string detail;
  std::string actor;
  std::string leads = "[]";  // JSON array of the lead ids whose e-mail consent it denied
};

// The identity keys of every lead, to rebuild the dedup index at start.
struct LeadKeys {
  int64_t id;
  std::string email_key;
  std::string phone_key;
  std::string name_key;
  std::string external_id;
};

// One version of the lead definition. Drafts are edited in place; active
// and retired versions never change.
struct DefinitionRecord {
  int64_t version = 0;        // 0 until stored: the store hands out max+1
  std::string state = "draft";  // draft, active, retired
  std::string name;
  std::string source;         // the document as submitted (YAML or JSON)
  std::string content;        // canonical JSON (definition/document.h)
  std::string hash;           // content hash that approvals sign
  TimePoint created_at = 0;
  std::string created_by;
  TimePoint updated_at = 0;
  std::string updated_by;
  std::optional<TimePoint> activated_at;
  std::string activated_by;
  int64_t leads_regraded = 0;  // open leads graded on activation
  int64_t grades_changed = 0;  // of those, how many changed grade
};

// A sign-off of one exact content (hash) of a version by one side.
struct DefinitionApproval {
  int64_t version = 0;
  std::string hash;
  std::string side;   // "marketing" or "sales"
  std::string actor;  // who approved (user or token label)
  std::string role;   // the role they held
  TimePoint at = 0;
  // Set when an edit of the draft voided it (the edit's time and author):
  // it no longer counts, even for a content that comes back to its hash.
  std::optional<TimePoint> voided_at;
  std::string voided_by;
  bool counts() const { return !voided_at.has_value(); }
};

// A lead's grading after an activation; the event is there when its grade
// changed.
struct Regrade {
  int64_t lead_id = 0;
  Grade grade = Grade::kNone;
  int score = 0;
  std::string grading;
  std::optional<TimePoint> decay_at;
  std::optional<LeadEvent> event;
};

// A rejected import row with the import it belongs to.
struct ImportErrorRow {
  int64_t import_id = 0;
  ImportError error;
};

// What an erasure rewrites (Store::erase_leads). The redactions are given by
// the engine (engine/privacy.h); the store applies them to every row.
struct Erasure {
  // The tombstoned leads (id set) with their events (the `erased` event).
  std::vector<LeadChange> leads;
  // Lower-case values that identify the person (email, phone, name): rows
  // outside the leads' own (import errors, touches without a lead) that
  // mention one are redacted too.
  std::vector<std::string> needles;
  std::function<std::string(std::string_view type, const std::string& payload)> redact_event;
  std::function<void(Touch&)> redact_touch;
  std::function<std::string(const std::string& payload)> redact_message;  // outbox
  std::function<std::string(const std::string& reason)> redact_import_error;
};

struct ErasureCounts {
  int64_t events = 0;         // event payloads rewritten
  int64_t touches = 0;        // touches rewritten (on the leads or mentioning them)
  int64_t messages = 0;       // outbox messages rewritten
  int64_t import_errors = 0;  // rejected import rows rewritten
  int64_t deliveries = 0;     // webhook bodies emptied (pending ones cancelled)
  bool wal_truncated = false; // the checkpoint moved every page into the file
};

// ---- Delivery (src/delivery/, docs/webhooks.md) ------------------------------

// A webhook receiver. The secret is "whsec_" + base64 of random bytes; after
// a rotation the previous one stays valid until previous_secret_expires_at.
struct WebhookEndpoint {
  int64_t id = 0;
  std::string url;
  std::string description;
  std::vector<std::string> event_types;  // "lead.captured", ...; empty: every type
  std::string secret;
  std::string previous_secret;  // "" when none
  std::optional<TimePoint> previous_secret_expires_at;
  bool enabled = true;
  std::string disabled_reason;  // why it was disabled ("" when enabled)
  bool allow_private = false;   // an admin allowed a private, loopback or link-local target
  TimePoint created_at = 0;
  std::string created_by;
};

// One message for one destination, with its webhook-id, stable across
// attempts and replays. state: pending, delivered, dead, cancelled.
struct Delivery {
  int64_t id = 0;
  std::string webhook_id;   // "msg_..."
  std::string message_key;  // "event:42", "outbox:7"
  std::string destination;  // "webhook:3"
  std::string channel;      // "webhook"
  int64_t endpoint_id = 0;  // 0 when not a webhook
  std::string event_type;   // "lead.captured", ...
  std::string payload;      // the body sent, identical on every attempt
  std::string state = "pending";
  int attempts = 0;         // in the current cycle (a replay starts a new one)
  std::optional<TimePoint> next_attempt_at;
  int last_status = 0;      // HTTP status of the latest attempt (0: none)
  std::string last_error;
  TimePoint created_at = 0;
  std::optional<TimePoint> delivered_at;
};

struct DeliveryAttempt {
  int64_t delivery_id = 0;
  TimePoint at = 0;
  int status = 0;  // HTTP status; 0 when no answer
  std::string error;
  int64_t duration_ms = 0;
};

// One attempt and what follows from it, recorded in one transaction. With
// disable_endpoint, the endpoint is disabled with the reason and its
// pending deliveries (this one too) are cancelled.
struct DeliveryOutcomeRecord {
  DeliveryAttempt attempt;
  std::string state;  // the delivery's next state
  std::optional<TimePoint> next_attempt_at;
  bool disable_endpoint = false;
  std::string disabled_reason;
};

// Where fan-out has read up to: the last lead event and outbox message
// turned into deliveries.
struct DeliveryCursor {
  int64_t event_id = 0;
  int64_t outbox_id = 0;
  bool operator==(const DeliveryCursor&) const = default;
};

// A lead event or outbox message past the cursor, to fan out.
struct DeliverySource {
  std::string key;   // "event:<id>" or "outbox:<id>"
  int64_t id = 0;    // the event's or message's id
  bool outbox = false;
  std::string type;  // event type or outbox kind
  int64_t lead_id = 0;
  TimePoint at = 0;
  std::string payload;  // JSON object text
  std::string recipient;  // an outbox message's recipient ("" for events)
};

struct DeliveryFilter {
  int64_t endpoint_id = 0;  // 0: any
  std::string state;        // "": any
  std::string channel;      // "": any; "webhook", "email"
  std::optional<TimePoint> from;  // created at or after
  std::optional<TimePoint> to;    // created before
  int64_t after_id = 0;     // cursor: ids > after_id
  int limit = 100;
};

// ---- Nurture programmes (src/nurture/, docs/nurture.md; schema v12) ---------

// One version of a programme document. Versions of a key count from 1; at
// most one is active; active and retired versions never change.
struct ProgrammeRecord {
  std::string key;
  int64_t version = 0;  // 0 until stored: the store hands out max+1
  std::string state = "draft";  // draft, active, retired
  std::string name;
  std::string source;  // the document as submitted (YAML or JSON)
  TimePoint created_at = 0;
  std::string created_by;
  std::optional<TimePoint> activated_at;
  std::string activated_by;
};

// A lead's place in a programme. state: active (steps run), holdout
// (counted only, never sent) or exited (exit_reason says why).
struct Enrolment {
  int64_t id = 0;
  int64_t lead_id = 0;
  std::string programme;
  int64_t version = 0;
  std::string state = "active";
  int step = 0;                      // the next step to run (index)
  std::optional<TimePoint> next_at;  // when it runs; unset once exited
  TimePoint enrolled_at = 0;
  std::optional<TimePoint> exited_at;
  std::string exit_reason;
  int sends = 0;                     // mails handed to the delivery engine
  std::optional<TimePoint> last_sent_at;
  std::string grade_at_enrolment;    // for the report's warm -> hot
  bool turned_hot = false;
};

// One enrolment's move, applied only when it still stands where the engine
// read it (state active or holdout, at step `from_step`, due at `from_next_at`).
struct EnrolmentMove {
  int64_t enrolment_id = 0;
  int from_step = 0;
  std::optional<TimePoint> from_next_at;
  Enrolment to;  // its new state (id, lead and programme as stored)
  std::optional<Delivery> delivery;  // a mail: message_key "nurture:<enrolment>:<step>"
  std::vector<std::string> links;    // tracked click targets of the mail, by index
};

// What one run of the nurture engine writes, in one transaction: the lead
// changes and outbox messages (`mutation`, as Store::commit), new
// enrolments, enrolment moves, and the event cursor.
struct NurtureBatch {
  Mutation mutation;
  std::vector<Enrolment> enrol;      // ids filled; skipped (id 0) when the lead already is in that programme
  std::vector<EnrolmentMove> moves;  // `applied` says which still stood
  std::vector<bool> applied;
  std::optional<std::pair<int64_t, int64_t>> cursor;  // from, to (kConflict when not at from)
};

struct ProgrammeReport {
  int64_t enrolled = 0;
  int64_t active = 0;
  int64_t holdout = 0;
  std::vector<std::pair<int, int64_t>> at_step;              // active ones per step index
  std::vector<std::pair<std::string, int64_t>> exited;       // by reason
  int64_t turned_hot = 0;           // enrolled (not holdout) that turned hot
  int64_t holdout_turned_hot = 0;
  int64_t opted_out = 0;
  int64_t sends = 0;
};

// Told of every lead change a store has committed, in commit order, right
// after the commit and before the next one (under the store's write lock:
// keep it quick and never call back into the store). In-memory projections
// (measure/) stay current with it.
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  // A lead's new state and the events the change appended (ids filled).
  virtual void lead_committed(const Lead& lead, const std::vector<LeadEvent>& events) = 0;
  // A definition's activation re-graded a lead.
  virtual void lead_regraded(int64_t lead_id, Grade grade, int64_t definition_version) = 0;
  // A touch was stored (id and lead_id filled; lead_id 0: a conversation
  // that produced no lead).
  virtual void touch_committed(const Touch& touch) { (void)touch; }
};

// See Store::log_marks.
struct LogMarks {
  int64_t last_event_id = 0;
  int64_t last_touch_id = 0;
  int64_t last_lead_id = 0;
  int64_t leads = 0;
  int64_t last_definition_version = 0;
  int64_t definitions_updated_at = 0;
  friend bool operator==(const LogMarks&, const LogMarks&) = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // The one observer of committed changes (nullptr: none).
  virtual void set_commit_observer(CommitObserver* observer) = 0;

  virtual int schema_version() const = 0;

  // Leads and their history.
  virtual Status commit(Mutation& m) = 0;
  virtual Result<Lead> get_lead(int64_t id) = 0;
  virtual Result<std::vector<Lead>> list_leads(const LeadFilter& f) = 0;
  // Calls fn for each matching lead in id order until it returns false.
  virtual Status scan_leads(const LeadFilter& f, const std::function<bool(const Lead&)>& fn) = 0;
  virtual Status scan_lead_keys(const std::function<void(const LeadKeys&)>& fn) = 0;
  virtual Result<std::vector<LeadEvent>> lead_events(int64_t lead_id) = 0;
  virtual Result<std::vector<Touch>> lead_touches(int64_t lead_id) = 0;
  virtual Result<int64_t> count_leads() = 0;

  // Campaigns. put_campaign fails with kConflict when the key exists.
  virtual Status put_campaign(Campaign& c) = 0;
  virtual Result<std::vector<Campaign>> list_campaigns() = 0;

  // Teams and reps (upsert by key).
  virtual Status put_team(const Team& t) = 0;
  virtual Status put_rep(const Rep& r) = 0;
  virtual Result<std::vector<Team>> list_teams() = 0;
  virtual Result<std::vector<Rep>> list_reps() = 0;

  // API tokens.
  virtual Status put_token(ApiToken& t) = 0;
  virtual Result<ApiToken> find_token(const std::string& hash) = 0;
  virtual Result<std::vector<ApiToken>> list_tokens() = 0;
  virtual Status revoke_token(int64_t id, TimePoint at) = 0;

  // Users: put_user inserts (id == 0; kConflict when the login is taken)
  // or updates by id. find_user matches the login without case.
  virtual Status put_user(User& u) = 0;
  virtual Result<User> find_user(std::string_view login) = 0;
  virtual Result<User> get_user(int64_t id) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  // Sign-in bookkeeping in one statement each, so attempts in parallel all
  // count and never write back a stale copy of the user: a failure adds one
  // to failed_logins and, at max_failures, locks the user until now + lock
  // (and starts the count again); a success clears both and sets
  // last_login_at, unless the user is locked by then. Returns the user as stored afterwards.
  virtual Result<User> note_login(int64_t user_id, bool success, TimePoint now, int max_failures,
                                  TimePoint lock_millis) = 0;
  // Sessions: revoke_sessions ends one session (session_id) or, when
  // session_id is 0, every session of the user.
  virtual Status put_session(SessionRecord& s) = 0;
  virtual Result<SessionRecord> find_session(const std::string& hash) = 0;
  virtual Status revoke_sessions(int64_t user_id, int64_t session_id, TimePoint at) = 0;

  // Goals (domain/goal.h). put_goal inserts (id == 0) or updates.
  // mark_goal_behind sets behind_at and writes the message in one
  // transaction, only if behind_at was unset: true when this call did, so
  // the message goes out once, also when two processes race.
  virtual Status put_goal(Goal& g) = 0;
  virtual Result<Goal> get_goal(int64_t id) = 0;
  virtual Result<std::vector<Goal>> list_goals() = 0;
  virtual Result<bool> mark_goal_behind(int64_t goal_id, TimePoint at, OutboxMessage message) = 0;

  // Every touch, in commit order: its lead (0: none), campaign, time,
  // number of call-guide answers and outcome. For attribution and campaign
  // counts.
  virtual Status scan_touches(const std::function<void(int64_t lead_id, std::string_view campaign, TimePoint at,
                                                       int data_points, std::string_view outcome)>& fn) = 0;

  // Every event of one type, in commit order ("stage_changed", "reviewed").
  virtual Status scan_events(std::string_view type, const std::function<void(const LeadEvent&)>& fn) = 0;
  // The events of the leads `f.leads` selects (its limit is ignored), of
  // `f.types` (every type when empty), at or after `f.from` and before
  // `f.to`, in commit order, each with its lead's source campaign; fn
  // returns false to stop. For exports: one pass, no list in memory.
  virtual Status scan_lead_events(const EventFilter& f,
                                  const std::function<bool(const LeadEvent&, std::string_view campaign)>& fn) = 0;

  // Lead definition versions. put_definition inserts (version == 0) or
  // updates a draft, which voids its approvals; kConflict for a version
  // that is not a draft.
  virtual Status put_definition(DefinitionRecord& d) = 0;
  virtual Result<DefinitionRecord> get_definition(int64_t version) = 0;
  virtual Result<std::vector<DefinitionRecord>> list_definitions() = 0;
  // kConflict when the version is not a draft or its hash is no longer d.hash.
  virtual Status add_approval(const DefinitionApproval& a) = 0;
  virtual Result<std::vector<DefinitionApproval>> list_approvals(int64_t version) = 0;
  // In one transaction: retires the active version, activates `d.version`
  // (which must still be a draft with hash d.hash) and applies the
  // re-grading of the open leads with their grade_changed events.
  virtual Status activate_definition(DefinitionRecord& d, std::vector<Regrade>& regrades) = 0;

  // Follow-up timers: ids of leads whose sla_due_at or decay_at is <= now,
  // at most `limit`, earliest first.
  virtual Result<std::vector<int64_t>> due_leads(TimePoint now, int limit) = 0;
  // Open leads per owner (stages where is_open_stage), for routing capacity.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> open_leads_by_owner() = 0;
  // The outbox, oldest first; recipient "" lists every recipient.
  virtual Result<std::vector<OutboxMessage>> list_outbox(const std::string& recipient, int64_t after_id,
                                                         int limit) = 0;
  // Every event of one type on the leads of one campaign, in commit order.
  virtual Status scan_campaign_events(const std::string& campaign, std::string_view type,
                                      const std::function<void(const LeadEvent&)>& fn) = 0;

  // Feedback links (ids handed out by the store) and settings: small named
  // values such as the link signing key.
  virtual Status put_feedback_link(FeedbackLink& l) = 0;
  virtual Result<FeedbackLink> get_feedback_link(int64_t id) = 0;
  virtual Result<std::optional<std::string>> get_setting(const std::string& key) = 0;
  // Stores value under key unless the key exists; returns the stored value.
  virtual Result<std::string> put_setting_once(const std::string& key, const std::string& value) = 0;

  // The audit log: append only, oldest first.
  virtual Status append_audit(AuditEntry& e) = 0;
  virtual Result<std::vector<AuditEntry>> list_audit(const AuditFilter& f) = 0;

  // Imports and their rejected rows.
  virtual Status put_import(ImportRecord& r) = 0;     // insert (id == 0) or update
  virtual Status add_import_errors(int64_t import_id, const std::vector<ImportError>& errors) = 0;
  virtual Result<ImportRecord> get_import(int64_t id) = 0;
  virtual Result<std::vector<ImportError>> import_errors(int64_t import_id, int64_t after_line, int limit) = 0;

  // Subject access and erasure (engine/privacy.h). Leads holding this email
  // or phone key ("" matches nothing), in id order.
  virtual Result<std::vector<Lead>> find_leads_by_key(const std::string& email_key, const std::string& phone_key) = 0;
  // Rejected import rows whose reason mentions one of `needles`
  // (lower-case; matched case-insensitively for ASCII).
  virtual Result<std::vector<ImportErrorRow>> find_import_errors(const std::vector<std::string>& needles) = 0;
  // In one transaction: rewrites every event, touch and outbox message of
  // the erased leads and every row elsewhere that mentions a needle, then
  // writes the leads' new state with their events; afterwards moves the
  // WAL into the file and truncates it, so no old page keeps the data.
  virtual Result<ErasureCounts> erase_leads(Erasure& e) = 0;
  // Ids of leads in a closed stage (won, lost, disqualified, opted_out) not
  // updated since `cutoff`, whose email is not a tombstone yet.
  virtual Result<std::vector<int64_t>> closed_leads_before(TimePoint cutoff, int limit) = 0;

  // ---- Delivery (src/delivery/, docs/webhooks.md) ----------------------------
  // Webhook endpoints: put inserts (id == 0) or updates; an update that
  // disables an endpoint cancels its pending deliveries in the same
  // transaction.
  virtual Status put_webhook_endpoint(WebhookEndpoint& e) = 0;
  virtual Result<WebhookEndpoint> get_webhook_endpoint(int64_t id) = 0;
  virtual Result<std::vector<WebhookEndpoint>> list_webhook_endpoints() = 0;
  // The fan-out cursor; the first call sets it to the newest event and
  // message, so history from before delivery existed is not sent.
  virtual Result<DeliveryCursor> delivery_cursor() = 0;
  // Lead events and outbox messages after `after`, oldest first, at most
  // `limit` of each.
  virtual Result<std::vector<DeliverySource>> delivery_sources(const DeliveryCursor& after, int limit) = 0;
  // In one transaction: moves the cursor from `from` to `to` (kConflict when
  // it is no longer at `from`) and inserts the deliveries, skipping any
  // whose (message_key, destination) exists. Fills ids of those inserted.
  virtual Status add_deliveries(const DeliveryCursor& from, const DeliveryCursor& to,
                                std::vector<Delivery>& deliveries) = 0;
  // Pending deliveries with next_attempt_at <= now, earliest first.
  virtual Result<std::vector<Delivery>> due_deliveries(TimePoint now, int limit) = 0;
  // The earliest next_attempt_at of a pending delivery.
  virtual Result<std::optional<TimePoint>> next_delivery_due() = 0;
  virtual Status record_delivery_attempt(int64_t delivery_id, const DeliveryOutcomeRecord& r) = 0;
  virtual Result<Delivery> get_delivery(int64_t id) = 0;
  virtual Result<std::vector<Delivery>> list_deliveries(const DeliveryFilter& f) = 0;
  virtual Result<std::vector<DeliveryAttempt>> delivery_attempts(int64_t delivery_id) = 0;
  // Starts a new attempt cycle (pending, attempts 0, due at `now`) on the
  // same records and webhook-ids: those in `ids`, or when ids is empty those
  // `f` selects (its limit ignored). Pending deliveries and those of a
  // disabled endpoint are left alone. Returns the ids replayed.
  virtual Result<std::vector<int64_t>> replay_deliveries(const std::vector<int64_t>& ids, const DeliveryFilter& f,
                                                         TimePoint now) = 0;
  // ---- Web forms (domain/web_form.h) ----
  // put_web_form inserts (id == 0; kConflict when the key is taken) or
  // updates by id (kNotFound). find_web_form looks a form up by its key.
  virtual Status put_web_form(WebForm& f) = 0;
  virtual Result<WebForm> get_web_form(int64_t id) = 0;
  virtual Result<WebForm> find_web_form(const std::string& key) = 0;
  virtual Result<std::vector<WebForm>> list_web_forms() = 0;
  // ---- E-mail (src/mail, docs/email.md; schema v11) ----
  // Stores value under key, replacing what was there (mail settings,
  // stored templates, notification preferences).
  virtual Status put_setting(const std::string& key, const std::string& value) = 0;
  // Bounce and complaint notices as received (ids handed out by the store).
  virtual Status add_mail_event(MailEvent& e) = 0;
  // Notices for this address (lower-case; "" : every address), newest first.
  virtual Result<std::vector<MailEvent>> list_mail_events(const std::string& email, int limit) = 0;
  // ---- Projection snapshots (measure/snapshot.h) ----
  // The database's marks a snapshot of the report projection is checked
  // against when loaded: the last event, touch and lead ids, the number of
  // leads, and the definitions' last version and change (a re-grading
  // changes leads without events). All cheap: ids and an index count.
  virtual Result<LogMarks> log_marks() = 0;
  // Every event after `after_id` (all types), in commit order.
  virtual Status scan_events_after(int64_t after_id, const std::function<void(const LeadEvent&)>& fn) = 0;
  // The touches after `after_id`, in commit order, as scan_touches gives them.
  virtual Status scan_touches_after(int64_t after_id,
                                    const std::function<void(int64_t lead_id, std::string_view campaign, TimePoint at,
                                                             int data_points, std::string_view outcome)>& fn) = 0;
  // ---- Nurture programmes (src/nurture/, docs/nurture.md; schema v12) ----
  // put_programme inserts a new version of the key (version 0 in: max + 1).
  virtual Status put_programme(ProgrammeRecord& p) = 0;
  // version 0: the active one (kNotFound when none).
  virtual Result<ProgrammeRecord> get_programme(const std::string& key, int64_t version) = 0;
  // Every version of every programme, by key and version.
  virtual Result<std::vector<ProgrammeRecord>> list_programmes() = 0;
  // Retires the key's active version and activates `version`.
  virtual Status activate_programme(const std::string& key, int64_t version, const std::string& actor,
                                    TimePoint at) = 0;
  // In one transaction, as NurtureBatch says. Lead changes are told to the
  // commit observer as Store::commit does.
  virtual Status apply_nurture(NurtureBatch& b) = 0;
  // The claim: active enrolments with next_at <= now, earliest first.
  virtual Result<std::vector<Enrolment>> due_enrolments(TimePoint now, int limit) = 0;
  // The earliest next_at of an active enrolment.
  virtual Result<std::optional<TimePoint>> next_enrolment_due() = 0;
  // A lead's enrolments, newest first.
  virtual Result<std::vector<Enrolment>> lead_enrolments(int64_t lead_id) = 0;
  virtual Result<Enrolment> get_enrolment(int64_t id) = 0;
  // Programme mails handed to delivery for the lead at or after `since`.
  virtual Result<int64_t> nurture_sends_since(int64_t lead_id, TimePoint since) = 0;
  // A tracked link's target; kNotFound when none.
  virtual Result<std::string> nurture_link(int64_t enrolment_id, int step, int index) = 0;
  virtual Result<ProgrammeReport> programme_report(const std::string& key) = 0;
  // The nurture engine's event cursor (a setting; 0 before the first run).
  virtual Result<int64_t> nurture_cursor() = 0;
  // Lead events after `after_id`, oldest first, at most `limit`.
  virtual Result<std::vector<LeadEvent>> lead_events_after(int64_t after_id, int limit) = 0;
  // ---- Delivery, group commit (src/delivery/engine.cc) ----
  // Several record_delivery_attempt in one transaction: one status per
  // record (kNotFound for a delivery that is gone), the others kept. Fails
  // as a whole only when the store does.
  virtual Result<std::vector<Status>> record_delivery_attempts(
      const std::vector<std::pair<int64_t, DeliveryOutcomeRecord>>& records) = 0;
};

}  // namespace leadloop
