// SqlStore: webhook endpoints, deliveries and their attempts, and the
// fan-out cursor (schema v9; src/delivery/).
#include <sstream>

#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

constexpr const char* kEndpointColumns =
    "id, url, description, event_types, secret, previous_secret, previous_secret_expires_at, "
    "enabled, "
    "disabled_reason, allow_private, created_at, created_by";

constexpr const char* kDeliveryColumns =
    "id, webhook_id, message_key, destination, channel, endpoint_id, event_type, payload, state, "
    "attempts, "
    "next_attempt_at, last_status, last_error, created_at, delivered_at";

constexpr const char* kEventCursorKey = "delivery.cursor.events";
constexpr const char* kOutboxCursorKey = "delivery.cursor.outbox";

std::string join_types(const std::vector<std::string>& types) {
  std::string out;
  for (const std::string& t : types) out += (out.empty() ? "" : ",") + t;
  return out;
}

std::vector<std::string> split_types(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

WebhookEndpoint read_endpoint(const Stmt& s) {
  WebhookEndpoint e;
  e.id = s.int64(0);
  e.url = s.text(1);
  e.description = s.text(2);
  e.event_types = split_types(s.text(3));
  e.secret = s.text(4);
  e.previous_secret = s.text(5);
  e.previous_secret_expires_at = s.optional_int64(6);
  e.enabled = s.int64(7) != 0;
  e.disabled_reason = s.text(8);
  e.allow_private = s.int64(9) != 0;
  e.created_at = s.int64(10);
  e.created_by = s.text(11);
  return e;
}

Delivery read_delivery(const Stmt& s) {
  Delivery d;
  d.id = s.int64(0);
  d.webhook_id = s.text(1);
  d.message_key = s.text(2);
  d.destination = s.text(3);
  d.channel = s.text(4);
  d.endpoint_id = s.int64(5);
  d.event_type = s.text(6);
  d.payload = s.text(7);
  d.state = s.text(8);
  d.attempts = static_cast<int>(s.int64(9));
  d.next_attempt_at = s.optional_int64(10);
  d.last_status = static_cast<int>(s.int64(11));
  d.last_error = s.text(12);
  d.created_at = s.int64(13);
  d.delivered_at = s.optional_int64(14);
  return d;
}

Result<int64_t> max_id(sql::Db& db, const char* table) {
  auto st = db.cached(std::string("SELECT coalesce(max(id), 0) FROM ") + table);
  if (!st.ok()) return st.status();
  int64_t value = 0;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { value = s.int64(0); }));
  return value;
}

// The WHERE clause of a DeliveryFilter, binding from ?1.
std::string filter_sql(const DeliveryFilter& f) {
  std::string where = "WHERE id > ?1";
  if (f.endpoint_id != 0) where += " AND endpoint_id = ?2";
  if (!f.state.empty()) where += " AND state = ?3";
  if (f.from) where += " AND created_at >= ?4";
  if (f.to) where += " AND created_at < ?5";
  if (!f.channel.empty()) where += " AND channel = ?7";  // ?6: list_deliveries' limit
  return where;
}

void bind_filter(Stmt& s, const DeliveryFilter& f) {
  s.bind(1, f.after_id);
  if (f.endpoint_id != 0) s.bind(2, f.endpoint_id);
  if (!f.state.empty()) s.bind(3, f.state);
  if (f.from) s.bind(4, *f.from);
  if (f.to) s.bind(5, *f.to);
  if (!f.channel.empty()) s.bind(7, f.channel);
}

}  // namespace

Status SqlStore::put_webhook_endpoint(WebhookEndpoint& e) {
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status {
    auto st =
        e.id == 0
            ? writer_->cached(
                  "INSERT INTO webhook_endpoints (url, description, event_types, secret, "
                  "previous_secret, "
                  "previous_secret_expires_at, enabled, disabled_reason, allow_private, "
                  "created_at, "
                  "created_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")
            : writer_->cached(
                  "UPDATE webhook_endpoints SET url=?1, description=?2, event_types=?3, secret=?4, "
                  "previous_secret=?5, previous_secret_expires_at=?6, enabled=?7, "
                  "disabled_reason=?8, "
                  "allow_private=?9, created_at=?10, created_by=?11 WHERE id=?12");
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.bind(1, e.url);
    s.bind(2, e.description);
    s.bind(3, join_types(e.event_types));
    s.bind(4, e.secret);
    s.bind(5, e.previous_secret);
    s.bind(6, e.previous_secret_expires_at);
    s.bind(7, int64_t{e.enabled ? 1 : 0});
    s.bind(8, e.disabled_reason);
    s.bind(9, int64_t{e.allow_private ? 1 : 0});
    s.bind(10, e.created_at);
    s.bind(11, e.created_by);
    if (e.id != 0) s.bind(12, e.id);
    LEADLOOP_RETURN_IF_ERROR(s.run());
    if (e.id == 0) {
      LEADLOOP_RETURN_IF_ERROR(inserted_id(e.id));
      return Status();
    }
    if (writer_->changes() == 0)
      return Status(ErrorCode::kNotFound, "no webhook endpoint with id " + std::to_string(e.id));
    if (e.enabled) return Status();
    auto cancel = writer_->cached(
        "UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL WHERE endpoint_id = ? "
        "AND state = 'pending'");
    if (!cancel.ok()) return cancel.status();
    (*cancel)->bind(1, e.id);
    return (*cancel)->run();
  });
}

Result<WebhookEndpoint> SqlStore::get_webhook_endpoint(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kEndpointColumns +
                         " FROM webhook_endpoints WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<WebhookEndpoint> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_endpoint(s); }));
  if (!found)
    return Status(ErrorCode::kNotFound, "no webhook endpoint with id " + std::to_string(id));
  return *std::move(found);
}

Result<std::vector<WebhookEndpoint>> SqlStore::list_webhook_endpoints() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kEndpointColumns +
                         " FROM webhook_endpoints ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<WebhookEndpoint> out;
  LEADLOOP_RETURN_IF_ERROR(
      (*st)->each_row([&](const Stmt& s) { out.push_back(read_endpoint(s)); }));
  return out;
}

Result<DeliveryCursor> SqlStore::delivery_cursor() {
  std::lock_guard lock(write_mu_);
  DeliveryCursor c;
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    auto events = read_setting_int(*writer_, kEventCursorKey);
    if (!events.ok()) return events.status();
    auto outbox = read_setting_int(*writer_, kOutboxCursorKey);
    if (!outbox.ok()) return outbox.status();
    if (*events && *outbox) {
      c = {**events, **outbox};
      return Status();
    }
    auto max_event = max_id(*writer_, "lead_events");
    if (!max_event.ok()) return max_event.status();
    auto max_outbox = max_id(*writer_, "outbox");
    if (!max_outbox.ok()) return max_outbox.status();
    c = {events->value_or(*max_event), outbox->value_or(*max_outbox)};
    LEADLOOP_RETURN_IF_ERROR(write_setting_int(*writer_, kEventCursorKey, c.event_id));
    return write_setting_int(*writer_, kOutboxCursorKey, c.outbox_id);
  });
  if (!st.ok()) return st;
  return c;
}

Result<std::vector<DeliverySource>> SqlStore::delivery_sources(const DeliveryCursor& after,
                                                                  int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  std::vector<DeliverySource> out;
  auto events = (*r)->cached(
      "SELECT id, type, lead_id, at, payload FROM lead_events WHERE id > ? ORDER BY id LIMIT ?");
  if (!events.ok()) return events.status();
  (*events)->bind(1, after.event_id);
  (*events)->bind(2, int64_t{limit});
  LEADLOOP_RETURN_IF_ERROR((*events)->each_row([&](const Stmt& s) {
    out.push_back({"event:" + std::to_string(s.int64(0)), s.int64(0), false, s.text(1), s.int64(2),
                   s.int64(3), s.text(4), ""});
  }));
  auto outbox = (*r)->cached(
      "SELECT id, kind, lead_id, at, payload, recipient FROM outbox WHERE id > ? ORDER BY id LIMIT ?");
  if (!outbox.ok()) return outbox.status();
  (*outbox)->bind(1, after.outbox_id);
  (*outbox)->bind(2, int64_t{limit});
  LEADLOOP_RETURN_IF_ERROR((*outbox)->each_row([&](const Stmt& s) {
    out.push_back({"outbox:" + std::to_string(s.int64(0)), s.int64(0), true, s.text(1), s.int64(2),
                   s.int64(3), s.text(4), s.text(5)});
  }));
  return out;
}

Status SqlStore::add_deliveries(const DeliveryCursor& from, const DeliveryCursor& to,
                                   std::vector<Delivery>& deliveries) {
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status {
    auto events = read_setting_int(*writer_, kEventCursorKey);
    if (!events.ok()) return events.status();
    auto outbox = read_setting_int(*writer_, kOutboxCursorKey);
    if (!outbox.ok()) return outbox.status();
    if (events->value_or(-1) != from.event_id || outbox->value_or(-1) != from.outbox_id) {
      return Status(ErrorCode::kConflict, "the delivery cursor has moved");
    }
    auto ins = writer_->cached(
        "INSERT INTO deliveries (webhook_id, message_key, destination, channel, endpoint_id, "
        "event_type, payload, "
        "state, attempts, next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?,0,?,?) "
        "ON CONFLICT(message_key, destination) DO NOTHING");
    if (!ins.ok()) return ins.status();
    for (Delivery& d : deliveries) {
      Stmt& s = **ins;
      s.bind(1, d.webhook_id);
      s.bind(2, d.message_key);
      s.bind(3, d.destination);
      s.bind(4, d.channel);
      s.bind(5, d.endpoint_id);
      s.bind(6, d.event_type);
      s.bind(7, d.payload);
      s.bind(8, d.state);
      s.bind(9, d.next_attempt_at);
      s.bind(10, d.created_at);
      LEADLOOP_RETURN_IF_ERROR(s.run());
      if (writer_->changes() > 0) LEADLOOP_RETURN_IF_ERROR(inserted_id(d.id));
    }
    LEADLOOP_RETURN_IF_ERROR(write_setting_int(*writer_, kEventCursorKey, to.event_id));
    return write_setting_int(*writer_, kOutboxCursorKey, to.outbox_id);
  });
}

Result<std::vector<Delivery>> SqlStore::due_deliveries(TimePoint now, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kDeliveryColumns +
                         " FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? "
                         "ORDER BY next_attempt_at, id LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, now);
  (*st)->bind(2, int64_t{limit});
  std::vector<Delivery> out;
  LEADLOOP_RETURN_IF_ERROR(
      (*st)->each_row([&](const Stmt& s) { out.push_back(read_delivery(s)); }));
  return out;
}

Result<std::optional<TimePoint>> SqlStore::next_delivery_due() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT min(next_attempt_at) FROM deliveries WHERE state = 'pending'");
  if (!st.ok()) return st.status();
  std::optional<TimePoint> next;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { next = s.optional_int64(0); }));
  return next;
}

Status SqlStore::record_delivery_attempt(int64_t delivery_id, const DeliveryOutcomeRecord& r) {
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status { return record_attempt_locked(delivery_id, r); });
}

Result<std::vector<Status>> SqlStore::record_delivery_attempts(
    const std::vector<std::pair<int64_t, DeliveryOutcomeRecord>>& records) {
  std::lock_guard lock(write_mu_);
  std::vector<Status> out;
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    out.clear();
    for (const auto& [id, r] : records) {
      Status one = record_attempt_locked(id, r);
      if (!one.ok() && one.code() != ErrorCode::kNotFound) return one;
      out.push_back(std::move(one));
    }
    return Status();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqlStore::record_attempt_locked(int64_t delivery_id, const DeliveryOutcomeRecord& r) {
  // The delivery first: a missing one leaves no attempt row behind, also
  // inside record_delivery_attempts' shared transaction.
  const DeliveryAttempt& a = r.attempt;
  auto upd = writer_->cached(
      "UPDATE deliveries SET attempts = attempts + 1, state = ?, next_attempt_at = ?, "
      "last_status = ?, "
      "last_error = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END "
      "WHERE id = ?");
  if (!upd.ok()) return upd.status();
  (*upd)->bind(1, r.state);
  (*upd)->bind(2, r.next_attempt_at);
  (*upd)->bind(3, int64_t{a.status});
  (*upd)->bind(4, a.error);
  (*upd)->bind(5, r.state);
  (*upd)->bind(6, a.at);
  (*upd)->bind(7, delivery_id);
  LEADLOOP_RETURN_IF_ERROR((*upd)->run());
  if (writer_->changes() == 0) {
    return Status(ErrorCode::kNotFound, "no delivery with id " + std::to_string(delivery_id));
  }
  auto ins = writer_->cached(
      "INSERT INTO delivery_attempts (delivery_id, at, status, error, duration_ms) VALUES "
      "(?,?,?,?,?)");
  if (!ins.ok()) return ins.status();
  (*ins)->bind(1, delivery_id);
  (*ins)->bind(2, a.at);
  (*ins)->bind(3, int64_t{a.status});
  (*ins)->bind(4, a.error);
  (*ins)->bind(5, a.duration_ms);
  LEADLOOP_RETURN_IF_ERROR((*ins)->run());
  if (!r.disable_endpoint) return Status();
  auto off = writer_->cached(
      "UPDATE webhook_endpoints SET disabled_reason = CASE WHEN enabled = 1 THEN ? ELSE "
      "disabled_reason END, "
      "enabled = 0 "
      "WHERE id = (SELECT endpoint_id FROM deliveries WHERE id = ?)");
  if (!off.ok()) return off.status();
  (*off)->bind(1, r.disabled_reason);
  (*off)->bind(2, delivery_id);
  LEADLOOP_RETURN_IF_ERROR((*off)->run());
  auto cancel = writer_->cached(
      "UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL "
      "WHERE endpoint_id = (SELECT endpoint_id FROM deliveries WHERE id = ?) AND (state = "
      "'pending' OR id = ?)");
  if (!cancel.ok()) return cancel.status();
  (*cancel)->bind(1, delivery_id);
  (*cancel)->bind(2, delivery_id);
  return (*cancel)->run();
}

Result<Delivery> SqlStore::get_delivery(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st =
      (*r)->cached(std::string("SELECT ") + kDeliveryColumns + " FROM deliveries WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<Delivery> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_delivery(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no delivery with id " + std::to_string(id));
  return *std::move(found);
}

Result<std::vector<Delivery>> SqlStore::list_deliveries(const DeliveryFilter& f) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->prepare(std::string("SELECT ") + kDeliveryColumns + " FROM deliveries " +
                          filter_sql(f) + " ORDER BY id LIMIT ?6");
  if (!st.ok()) return st.status();
  bind_filter(**st, f);
  (*st)->bind(6, limit_param(f.limit));
  std::vector<Delivery> out;
  LEADLOOP_RETURN_IF_ERROR(
      (*st)->each_row([&](const Stmt& s) { out.push_back(read_delivery(s)); }));
  return out;
}

Result<std::vector<DeliveryAttempt>> SqlStore::delivery_attempts(int64_t delivery_id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT delivery_id, at, status, error, duration_ms FROM delivery_attempts WHERE delivery_id "
      "= ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, delivery_id);
  std::vector<DeliveryAttempt> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), s.int64(1), static_cast<int>(s.int64(2)), s.text(3), s.int64(4)});
  }));
  return out;
}

Result<std::vector<int64_t>> SqlStore::replay_deliveries(const std::vector<int64_t>& ids,
                                                            const DeliveryFilter& f,
                                                            TimePoint now) {
  std::lock_guard lock(write_mu_);
  std::vector<int64_t> replayed;
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    std::vector<int64_t> candidates = ids;
    if (ids.empty()) {
      auto sel = writer_->prepare("SELECT id FROM deliveries " + filter_sql(f) + " ORDER BY id");
      if (!sel.ok()) return sel.status();
      bind_filter(**sel, f);
      LEADLOOP_RETURN_IF_ERROR(
          (*sel)->each_row([&](const Stmt& s) { candidates.push_back(s.int64(0)); }));
    }
    auto upd = writer_->cached(
        "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? "
        "AND state <> 'pending' AND (endpoint_id = 0 OR endpoint_id IN (SELECT id FROM "
        "webhook_endpoints "
        "WHERE enabled = 1))");
    if (!upd.ok()) return upd.status();
    for (int64_t id : candidates) {
      (*upd)->bind(1, now);
      (*upd)->bind(2, id);
      LEADLOOP_RETURN_IF_ERROR((*upd)->run());
      if (writer_->changes() > 0) replayed.push_back(id);
    }
    return Status();
  });
  if (!st.ok()) return st;
  return replayed;
}

Status SqlStore::erase_delivery_bodies(const std::vector<std::string>& needles, int64_t& count) {
  if (needles.empty()) return Status();
  std::string sql =
      "UPDATE deliveries SET payload = '{\"erased\":true}', "
      "next_attempt_at = CASE WHEN state = 'pending' THEN NULL ELSE next_attempt_at END, "
      "state = CASE WHEN state = 'pending' THEN 'cancelled' ELSE state END WHERE ";
  for (size_t i = 0; i < needles.size(); ++i) {
    sql += (i ? " OR " : "") + std::string("instr(lower(payload), ?") + std::to_string(i + 1) + ") > 0";
  }
  auto st = writer_->prepare(sql);
  if (!st.ok()) return st.status();
  for (size_t i = 0; i < needles.size(); ++i) (*st)->bind(static_cast<int>(i) + 1, needles[i]);
  LEADLOOP_RETURN_IF_ERROR((*st)->run());
  count += writer_->changes();
  return Status();
}

}  // namespace leadloop
