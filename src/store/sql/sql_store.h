// SqlStore: the Store written once in SQL for every SQL backend (SQLite,
// PostgreSQL), over the connection interface of sql_db.h. One writer
// connection, serialised by a mutex, and a pool of reader connections, so
// reads never wait for a bulk write. Each concern's methods live in their
// own file of this directory (leads.cc, campaigns.cc, users.cc, ...); the
// row mapping in rows.h. A backend subclass opens the connections and owns
// the schema. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sql/sql_db.h"
#include "store/store.h"

namespace leadloop {

// How hard a commit works to outlive a crash.
enum class Durability : uint8_t {
  kFull,     // the log is flushed at every commit: a commit outlives a crash of the machine
  kProcess,  // no fsync at commit: it outlives the process, not the machine; for scratch
             // databases such as a simulation's, where an fsync per commit is most of the time
};

// One table of a database copy (SqlStore::copy_to): the columns copied, the
// rows, and a digest of their values that does not depend on row order.
struct TableCopy {
  std::string table;
  std::vector<std::string> columns;
  int64_t rows = 0;
  uint64_t digest = 0;
};
// Called as a table's copy goes on: rows done of the table's total.
using CopyProgress = std::function<void(const std::string& table, int64_t done, int64_t total)>;

class SqlStore : public Store {
 public:
  // Copies every table of this database, read in one snapshot, into
  // `target` (of either backend) in one transaction: ids, the event log,
  // settings and secrets as they are. kConflict when the target holds any
  // row or its schema differs (copy.cc).
  Result<std::vector<TableCopy>> copy_to(SqlStore& target, const CopyProgress& progress);
  // The same tables and columns as `like` (a copy's), counted and digested
  // as they are now: after a copy, equal to what the copy read.
  Result<std::vector<TableCopy>> digest_tables(const std::vector<TableCopy>& like);

  int schema_version() const override { return schema_version_; }

  Status commit(Mutation& m) override;
  Result<Lead> get_lead(int64_t id) override;
  Result<std::vector<Lead>> list_leads(const LeadFilter& f) override;
  Status scan_leads(const LeadFilter& f, const std::function<bool(const Lead&)>& fn) override;
  Status scan_lead_keys(const std::function<void(const LeadKeys&)>& fn) override;
  Result<std::vector<LeadEvent>> lead_events(int64_t lead_id) override;
  Result<std::vector<Touch>> lead_touches(int64_t lead_id) override;
  Result<int64_t> count_leads() override;

  Status put_campaign(Campaign& c) override;
  Result<std::vector<Campaign>> list_campaigns() override;

  Status put_team(const Team& t) override;
  Status put_rep(const Rep& r) override;
  Result<std::vector<Team>> list_teams() override;
  Result<std::vector<Rep>> list_reps() override;

  Status put_token(ApiToken& t) override;
  Result<ApiToken> find_token(const std::string& hash) override;
  Result<std::vector<ApiToken>> list_tokens() override;
  Status revoke_token(int64_t id, TimePoint at) override;

  void set_commit_observer(CommitObserver* observer) override;

  Status put_user(User& u) override;
  Result<User> find_user(std::string_view login) override;
  Result<User> get_user(int64_t id) override;
  Result<std::vector<User>> list_users() override;
  Result<User> note_login(int64_t user_id, bool success, TimePoint now, int max_failures,
                          TimePoint lock_millis) override;
  Status put_session(SessionRecord& s) override;
  Result<SessionRecord> find_session(const std::string& hash) override;
  Status revoke_sessions(int64_t user_id, int64_t session_id, TimePoint at) override;

  Status put_goal(Goal& g) override;
  Result<Goal> get_goal(int64_t id) override;
  Result<std::vector<Goal>> list_goals() override;
  Result<bool> mark_goal_behind(int64_t goal_id, TimePoint at, OutboxMessage message) override;
  Status scan_events(std::string_view type, const std::function<void(const LeadEvent&)>& fn) override;
  Status scan_touches(const std::function<void(int64_t lead_id, std::string_view campaign, TimePoint at,
                                               int data_points, std::string_view outcome)>& fn) override;
  Status scan_lead_events(const EventFilter& f,
                          const std::function<bool(const LeadEvent&, std::string_view campaign)>& fn) override;

  Status put_definition(DefinitionRecord& d) override;
  Result<DefinitionRecord> get_definition(int64_t version) override;
  Result<std::vector<DefinitionRecord>> list_definitions() override;
  Status add_approval(const DefinitionApproval& a) override;
  Result<std::vector<DefinitionApproval>> list_approvals(int64_t version) override;
  Status activate_definition(DefinitionRecord& d, std::vector<Regrade>& regrades) override;

  Result<std::vector<int64_t>> due_leads(TimePoint now, int limit) override;
  Result<std::vector<std::pair<std::string, int64_t>>> open_leads_by_owner() override;
  Result<std::vector<OutboxMessage>> list_outbox(const std::string& recipient, int64_t after_id,
                                                 int limit) override;
  Status scan_campaign_events(const std::string& campaign, std::string_view type,
                              const std::function<void(const LeadEvent&)>& fn) override;
  Status put_feedback_link(FeedbackLink& l) override;
  Result<FeedbackLink> get_feedback_link(int64_t id) override;
  Result<std::optional<std::string>> get_setting(const std::string& key) override;
  Result<std::string> put_setting_once(const std::string& key, const std::string& value) override;

  Status append_audit(AuditEntry& e) override;
  Result<std::vector<AuditEntry>> list_audit(const AuditFilter& f) override;

  Status put_import(ImportRecord& r) override;
  Status add_import_errors(int64_t import_id, const std::vector<ImportError>& errors) override;
  Result<ImportRecord> get_import(int64_t id) override;
  Result<std::vector<ImportError>> import_errors(int64_t import_id, int64_t after_line, int limit) override;

  Result<std::vector<Lead>> find_leads_by_key(const std::string& email_key, const std::string& phone_key) override;
  Result<std::vector<ImportErrorRow>> find_import_errors(const std::vector<std::string>& needles) override;
  Result<ErasureCounts> erase_leads(Erasure& e) override;
  Result<std::vector<int64_t>> closed_leads_before(TimePoint cutoff, int limit) override;

  Status put_webhook_endpoint(WebhookEndpoint& e) override;
  Result<WebhookEndpoint> get_webhook_endpoint(int64_t id) override;
  Result<std::vector<WebhookEndpoint>> list_webhook_endpoints() override;
  Result<DeliveryCursor> delivery_cursor() override;
  Result<std::vector<DeliverySource>> delivery_sources(const DeliveryCursor& after, int limit) override;
  Status add_deliveries(const DeliveryCursor& from, const DeliveryCursor& to,
                        std::vector<Delivery>& deliveries) override;
  Result<std::vector<Delivery>> due_deliveries(TimePoint now, int limit) override;
  Result<std::optional<TimePoint>> next_delivery_due() override;
  Status record_delivery_attempt(int64_t delivery_id, const DeliveryOutcomeRecord& r) override;
  Result<Delivery> get_delivery(int64_t id) override;
  Result<std::vector<Delivery>> list_deliveries(const DeliveryFilter& f) override;
  Result<std::vector<DeliveryAttempt>> delivery_attempts(int64_t delivery_id) override;
  Result<std::vector<int64_t>> replay_deliveries(const std::vector<int64_t>& ids, const DeliveryFilter& f,
                                                 TimePoint now) override;
  Status put_web_form(WebForm& f) override;
  Result<WebForm> get_web_form(int64_t id) override;
  Result<WebForm> find_web_form(const std::string& key) override;
  Result<std::vector<WebForm>> list_web_forms() override;
  // mail.cc
  Status put_setting(const std::string& key, const std::string& value) override;
  Status add_mail_event(MailEvent& e) override;
  Result<std::vector<MailEvent>> list_mail_events(const std::string& email, int limit) override;
  // Projection snapshots (snapshot.cc).
  Result<LogMarks> log_marks() override;
  Status scan_events_after(int64_t after_id, const std::function<void(const LeadEvent&)>& fn) override;
  Status scan_touches_after(int64_t after_id,
                            const std::function<void(int64_t lead_id, std::string_view campaign, TimePoint at,
                                                     int data_points, std::string_view outcome)>& fn) override;
  // Nurture programmes (nurture.cc).
  Status put_programme(ProgrammeRecord& p) override;
  Result<ProgrammeRecord> get_programme(const std::string& key, int64_t version) override;
  Result<std::vector<ProgrammeRecord>> list_programmes() override;
  Status activate_programme(const std::string& key, int64_t version, const std::string& actor,
                            TimePoint at) override;
  Status apply_nurture(NurtureBatch& b) override;
  Result<std::vector<Enrolment>> due_enrolments(TimePoint now, int limit) override;
  Result<std::optional<TimePoint>> next_enrolment_due() override;
  Result<std::vector<Enrolment>> lead_enrolments(int64_t lead_id) override;
  Result<Enrolment> get_enrolment(int64_t id) override;
  Result<int64_t> nurture_sends_since(int64_t lead_id, TimePoint since) override;
  Result<std::string> nurture_link(int64_t enrolment_id, int step, int index) override;
  Result<ProgrammeReport> programme_report(const std::string& key) override;
  Result<int64_t> nurture_cursor() override;
  Result<std::vector<LeadEvent>> lead_events_after(int64_t after_id, int limit) override;
  Result<std::vector<Status>> record_delivery_attempts(
      const std::vector<std::pair<int64_t, DeliveryOutcomeRecord>>& records) override;

 protected:
  // Opens one more read connection for the pool.
  using OpenReader = std::function<Result<std::unique_ptr<sql::Db>>()>;
  SqlStore(std::unique_ptr<sql::Db> writer, OpenReader open_reader, int version)
      : writer_(std::move(writer)), open_reader_(std::move(open_reader)), schema_version_(version) {}

  // Runs after an erasure has committed, under the write lock, so that no
  // old copy of the rewritten rows stays behind where the backend can see
  // to it (SQLite: checkpoint and truncate the WAL). Sets wal_truncated
  // when it did.
  virtual Status after_erase(ErasureCounts& counts) {
    (void)counts;
    return Status();
  }
  // The writer connection. REQUIRES: write_mu_ held.
  sql::Db& writer() { return *writer_; }

 private:
  class Reader;  // a pooled read connection, returned on destruction
  Result<Reader> reader();
  // The id the latest insert on the writer gave its row.
  Status inserted_id(int64_t& id);
  // The leads, touches and events of a change: row by row, or in bulk
  // (Db::copy_rows) for a large change on a backend that has it.
  Status write_changes(Mutation& m);
  Status copy_changes(Mutation& m);
  Status insert_lead(Lead& lead);
  Status update_lead(const Lead& lead);
  Status insert_event(LeadEvent& e);
  Status insert_touch(Touch& t);
  Status apply_extras(Mutation& m);  // outbox, assignments, feedback links
  Status insert_outbox(OutboxMessage& o);  // REQUIRES: write_mu_ held, in a transaction
  // Empties the stored webhook bodies that mention a needle (lower-case) and
  // cancels those still pending (deliveries.cc). REQUIRES: write_mu_ held,
  // in a transaction.
  Status erase_delivery_bodies(const std::vector<std::string>& needles, int64_t& count);
  // One attempt and its outcome (deliveries.cc). REQUIRES: write_mu_ held,
  // in a transaction.
  Status record_attempt_locked(int64_t delivery_id, const DeliveryOutcomeRecord& r);
  // Store::commit's work inside its transaction, then `more` in the same
  // transaction; tells the observer after. REQUIRES: write_mu_ held.
  Status commit_locked(Mutation& m, const std::function<Status()>& more);

 protected:
  std::mutex write_mu_;  // guards writer_

 private:
  CommitObserver* observer_ = nullptr;  // guarded by write_mu_
  std::unique_ptr<sql::Db> writer_;
  OpenReader open_reader_;
  std::mutex pool_mu_;  // guards pool_
  std::vector<std::unique_ptr<sql::Db>> pool_;
  int schema_version_;
};

}  // namespace leadloop
