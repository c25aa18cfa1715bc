// SqlStore: nurture programmes (schema v12; src/nurture/, docs/nurture.md):
// programme versions, enrolments and their moves, tracked links, each
// lead's programme mails, and the engine's event cursor.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using sql::read_setting_int;
using sql::Stmt;
using sql::write_setting_int;

namespace {

constexpr const char* kProgrammeColumns =
    "key, version, state, name, source, created_at, created_by, activated_at, activated_by";
constexpr const char* kEnrolmentColumns =
    "id, lead_id, programme, version, state, step, next_at, enrolled_at, exited_at, exit_reason, sends, "
    "last_sent_at, grade_at_enrolment, turned_hot";
constexpr const char* kCursorKey = "nurture.cursor.events";

ProgrammeRecord read_programme(const Stmt& s) {
  ProgrammeRecord p;
  p.key = s.text(0);
  p.version = s.int64(1);
  p.state = s.text(2);
  p.name = s.text(3);
  p.source = s.text(4);
  p.created_at = s.int64(5);
  p.created_by = s.text(6);
  p.activated_at = s.optional_int64(7);
  p.activated_by = s.text(8);
  return p;
}

Enrolment read_enrolment(const Stmt& s) {
  Enrolment e;
  e.id = s.int64(0);
  e.lead_id = s.int64(1);
  e.programme = s.text(2);
  e.version = s.int64(3);
  e.state = s.text(4);
  e.step = static_cast<int>(s.int64(5));
  e.next_at = s.optional_int64(6);
  e.enrolled_at = s.int64(7);
  e.exited_at = s.optional_int64(8);
  e.exit_reason = s.text(9);
  e.sends = static_cast<int>(s.int64(10));
  e.last_sent_at = s.optional_int64(11);
  e.grade_at_enrolment = s.text(12);
  e.turned_hot = s.int64(13) != 0;
  return e;
}

void bind_enrolment_state(Stmt& s, const Enrolment& e) {
  s.bind(1, e.state);
  s.bind(2, int64_t{e.step});
  s.bind(3, e.next_at);
  s.bind(4, e.exited_at);
  s.bind(5, e.exit_reason);
  s.bind(6, int64_t{e.sends});
  s.bind(7, e.last_sent_at);
  s.bind(8, int64_t{e.turned_hot ? 1 : 0});
}

}  // namespace

Status SqlStore::put_programme(ProgrammeRecord& p) {
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status {
    auto max = writer_->cached("SELECT coalesce(max(version), 0) FROM programmes WHERE key = ?");
    if (!max.ok()) return max.status();
    (*max)->bind(1, p.key);
    int64_t last = 0;
    LEADLOOP_RETURN_IF_ERROR((*max)->each_row([&](const Stmt& s) { last = s.int64(0); }));
    auto ins = writer_->cached(
        "INSERT INTO programmes (key, version, state, name, source, created_at, created_by, activated_at, "
        "activated_by) VALUES (?,?,?,?,?,?,?,?,?)");
    if (!ins.ok()) return ins.status();
    Stmt& s = **ins;
    s.bind(1, p.key);
    s.bind(2, last + 1);
    s.bind(3, std::string_view("draft"));
    s.bind(4, p.name);
    s.bind(5, p.source);
    s.bind(6, p.created_at);
    s.bind(7, p.created_by);
    s.bind_null(8);
    s.bind(9, std::string_view(""));
    LEADLOOP_RETURN_IF_ERROR(s.run());
    p.version = last + 1;
    p.state = "draft";
    return Status();
  });
}

Result<ProgrammeRecord> SqlStore::get_programme(const std::string& key, int64_t version) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kProgrammeColumns +
                         " FROM programmes WHERE key = ?1 AND (version = ?2 OR (?2 = 0 AND state = 'active'))");
  if (!st.ok()) return st.status();
  (*st)->bind(1, key);
  (*st)->bind(2, version);
  std::optional<ProgrammeRecord> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_programme(s); }));
  if (!found) {
    return Status(ErrorCode::kNotFound,
                  version == 0 ? "programme '" + key + "' has no active version"
                               : "no version " + std::to_string(version) + " of programme '" + key + "'",
                  "key");
  }
  return *std::move(found);
}

Result<std::vector<ProgrammeRecord>> SqlStore::list_programmes() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kProgrammeColumns + " FROM programmes ORDER BY key, version");
  if (!st.ok()) return st.status();
  std::vector<ProgrammeRecord> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_programme(s)); }));
  return out;
}

Status SqlStore::activate_programme(const std::string& key, int64_t version, const std::string& actor,
                                       TimePoint at) {
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status {
    auto check = writer_->cached("SELECT state FROM programmes WHERE key = ? AND version = ?");
    if (!check.ok()) return check.status();
    (*check)->bind(1, key);
    (*check)->bind(2, version);
    std::optional<std::string> state;
    LEADLOOP_RETURN_IF_ERROR((*check)->each_row([&](const Stmt& s) { state = s.text(0); }));
    if (!state) {
      return Status(ErrorCode::kNotFound, "no version " + std::to_string(version) + " of programme '" + key + "'");
    }
    if (*state != "draft") {
      return Status(ErrorCode::kConflict, "version " + std::to_string(version) + " is " + *state + ", not a draft");
    }
    auto retire = writer_->cached("UPDATE programmes SET state = 'retired' WHERE key = ? AND state = 'active'");
    if (!retire.ok()) return retire.status();
    (*retire)->bind(1, key);
    LEADLOOP_RETURN_IF_ERROR((*retire)->run());
    auto act = writer_->cached(
        "UPDATE programmes SET state = 'active', activated_at = ?, activated_by = ? WHERE key = ? AND version = ?");
    if (!act.ok()) return act.status();
    (*act)->bind(1, at);
    (*act)->bind(2, actor);
    (*act)->bind(3, key);
    (*act)->bind(4, version);
    return (*act)->run();
  });
}

Status SqlStore::apply_nurture(NurtureBatch& b) {
  std::lock_guard lock(write_mu_);
  std::vector<int64_t> original;
  for (const Enrolment& e : b.enrol) original.push_back(e.id);
  b.applied.assign(b.moves.size(), false);
  Status st = commit_locked(b.mutation, [&]() -> Status {
    if (b.cursor) {
      auto at = read_setting_int(*writer_, kCursorKey);
      if (!at.ok()) return at.status();
      if (at->value_or(b.cursor->first) != b.cursor->first) {
        return Status(ErrorCode::kConflict, "the nurture cursor has moved");
      }
      LEADLOOP_RETURN_IF_ERROR(write_setting_int(*writer_, kCursorKey, b.cursor->second));
    }
    auto ins = writer_->cached(
        "INSERT INTO enrolments (lead_id, programme, version, state, step, next_at, enrolled_at, sends, "
        "grade_at_enrolment) VALUES (?,?,?,?,?,?,?,0,?) ON CONFLICT DO NOTHING");
    if (!ins.ok()) return ins.status();
    for (Enrolment& e : b.enrol) {
      Stmt& s = **ins;
      s.bind(1, e.lead_id);
      s.bind(2, e.programme);
      s.bind(3, e.version);
      s.bind(4, e.state);
      s.bind(5, int64_t{e.step});
      s.bind(6, e.next_at);
      s.bind(7, e.enrolled_at);
      s.bind(8, e.grade_at_enrolment);
      LEADLOOP_RETURN_IF_ERROR(s.run());
      e.id = 0;
      if (writer_->changes() > 0) LEADLOOP_RETURN_IF_ERROR(inserted_id(e.id));
    }
    auto upd = writer_->cached(
        "UPDATE enrolments SET state = ?1, step = ?2, next_at = ?3, exited_at = ?4, exit_reason = ?5, "
        "sends = ?6, last_sent_at = ?7, turned_hot = ?8 WHERE id = ?9 AND step = ?10 AND state <> 'exited' "
        "AND next_at IS NOT DISTINCT FROM ?11");
    if (!upd.ok()) return upd.status();
    auto del = writer_->cached(
        "INSERT INTO deliveries (webhook_id, message_key, destination, channel, endpoint_id, event_type, payload, "
        "state, attempts, next_attempt_at, created_at) VALUES (?,?,?,?,0,?,?,'pending',0,?,?) "
        "ON CONFLICT(message_key, destination) DO NOTHING");
    if (!del.ok()) return del.status();
    auto link = writer_->cached(
        "INSERT INTO nurture_links (enrolment_id, step, idx, url) VALUES (?,?,?,?) ON CONFLICT DO NOTHING");
    if (!link.ok()) return link.status();
    auto sent = writer_->cached("INSERT INTO nurture_sends (lead_id, at) VALUES (?, ?)");
    if (!sent.ok()) return sent.status();
    for (size_t i = 0; i < b.moves.size(); ++i) {
      EnrolmentMove& m = b.moves[i];
      Stmt& s = **upd;
      bind_enrolment_state(s, m.to);
      s.bind(9, m.enrolment_id);
      s.bind(10, int64_t{m.from_step});
      s.bind(11, m.from_next_at);
      LEADLOOP_RETURN_IF_ERROR(s.run());
      if (writer_->changes() == 0) continue;  // moved on since it was read
      b.applied[i] = true;
      if (!m.delivery) continue;
      Delivery& d = *m.delivery;
      Stmt& ds = **del;
      ds.bind(1, d.webhook_id);
      ds.bind(2, d.message_key);
      ds.bind(3, d.destination);
      ds.bind(4, d.channel);
      ds.bind(5, d.event_type);
      ds.bind(6, d.payload);
      ds.bind(7, d.next_attempt_at);
      ds.bind(8, d.created_at);
      LEADLOOP_RETURN_IF_ERROR(ds.run());
      if (writer_->changes() > 0) LEADLOOP_RETURN_IF_ERROR(inserted_id(d.id));
      for (size_t k = 0; k < m.links.size(); ++k) {
        Stmt& ls = **link;
        ls.bind(1, m.enrolment_id);
        ls.bind(2, int64_t{m.from_step});
        ls.bind(3, static_cast<int64_t>(k));
        ls.bind(4, m.links[k]);
        LEADLOOP_RETURN_IF_ERROR(ls.run());
      }
      Stmt& ss = **sent;
      ss.bind(1, m.to.lead_id);
      ss.bind(2, d.created_at);
      LEADLOOP_RETURN_IF_ERROR(ss.run());
    }
    return Status();
  });
  if (!st.ok()) {
    for (size_t i = 0; i < b.enrol.size(); ++i) b.enrol[i].id = original[i];
    b.applied.assign(b.moves.size(), false);
  }
  return st;
}

Result<std::vector<Enrolment>> SqlStore::due_enrolments(TimePoint now, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kEnrolmentColumns +
                         " FROM enrolments WHERE state = 'active' AND next_at <= ? ORDER BY next_at, id LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, now);
  (*st)->bind(2, int64_t{limit});
  std::vector<Enrolment> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_enrolment(s)); }));
  return out;
}

Result<std::optional<TimePoint>> SqlStore::next_enrolment_due() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT min(next_at) FROM enrolments WHERE state = 'active'");
  if (!st.ok()) return st.status();
  std::optional<TimePoint> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out = s.optional_int64(0); }));
  return out;
}

Result<std::vector<Enrolment>> SqlStore::lead_enrolments(int64_t lead_id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kEnrolmentColumns +
                         " FROM enrolments WHERE lead_id = ? ORDER BY id DESC");
  if (!st.ok()) return st.status();
  (*st)->bind(1, lead_id);
  std::vector<Enrolment> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_enrolment(s)); }));
  return out;
}

Result<Enrolment> SqlStore::get_enrolment(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kEnrolmentColumns + " FROM enrolments WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<Enrolment> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_enrolment(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no enrolment " + std::to_string(id));
  return *std::move(found);
}

Result<int64_t> SqlStore::nurture_sends_since(int64_t lead_id, TimePoint since) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT count(*) FROM nurture_sends WHERE lead_id = ? AND at >= ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, lead_id);
  (*st)->bind(2, since);
  int64_t n = 0;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { n = s.int64(0); }));
  return n;
}

Result<std::string> SqlStore::nurture_link(int64_t enrolment_id, int step, int index) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT url FROM nurture_links WHERE enrolment_id = ? AND step = ? AND idx = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, enrolment_id);
  (*st)->bind(2, int64_t{step});
  (*st)->bind(3, int64_t{index});
  std::optional<std::string> url;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { url = s.text(0); }));
  if (!url) return Status(ErrorCode::kNotFound, "no such link");
  return *std::move(url);
}

Result<ProgrammeReport> SqlStore::programme_report(const std::string& key) {
  auto r = reader();
  if (!r.ok()) return r.status();
  ProgrammeReport out;
  auto st = (*r)->cached(
      "SELECT state, step, exit_reason, count(*), sum(turned_hot), sum(sends) FROM enrolments WHERE programme = ? "
      "GROUP BY state, step, exit_reason ORDER BY state, step, exit_reason");
  if (!st.ok()) return st.status();
  (*st)->bind(1, key);
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    const std::string state = s.text(0);
    const int step = static_cast<int>(s.int64(1));
    const std::string reason = s.text(2);
    const int64_t n = s.int64(3);
    const int64_t hot = s.int64(4);
    out.enrolled += n;
    out.sends += s.int64(5);
    const bool holdout = state == "holdout" || reason.starts_with("holdout");
    if (holdout) {
      out.holdout += n;
      out.holdout_turned_hot += hot;
    } else {
      out.turned_hot += hot;
    }
    if (state == "active") {
      out.active += n;
      if (!out.at_step.empty() && out.at_step.back().first == step) {
        out.at_step.back().second += n;
      } else {
        out.at_step.emplace_back(step, n);
      }
    } else if (state == "exited") {
      auto it = std::find_if(out.exited.begin(), out.exited.end(), [&](const auto& p) { return p.first == reason; });
      if (it == out.exited.end()) {
        out.exited.emplace_back(reason, n);
      } else {
        it->second += n;
      }
      if (reason == "opted_out") out.opted_out += n;
    }
  }));
  return out;
}

Result<int64_t> SqlStore::nurture_cursor() {
  std::lock_guard lock(write_mu_);
  int64_t value = 0;
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    auto at = read_setting_int(*writer_, kCursorKey);
    if (!at.ok()) return at.status();
    if (*at) {
      value = **at;
      return Status();
    }
    // The first run starts at the newest event: history from before
    // programmes existed enrols nobody (docs/nurture.md).
    auto max = writer_->cached("SELECT coalesce(max(id), 0) FROM lead_events");
    if (!max.ok()) return max.status();
    LEADLOOP_RETURN_IF_ERROR((*max)->each_row([&](const Stmt& s) { value = s.int64(0); }));
    return write_setting_int(*writer_, kCursorKey, value);
  });
  if (!st.ok()) return st;
  return value;
}

Result<std::vector<LeadEvent>> SqlStore::lead_events_after(int64_t after_id, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, lead_id, type, at, actor, payload FROM lead_events WHERE id > ? ORDER BY id LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, after_id);
  (*st)->bind(2, int64_t{limit});
  std::vector<LeadEvent> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), s.int64(1), s.text(2), s.int64(3), s.text(4), s.text(5)});
  }));
  return out;
}

}  // namespace leadloop
