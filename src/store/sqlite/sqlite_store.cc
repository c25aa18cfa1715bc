#include "store/sqlite/sqlite_store.h"

#include <nlohmann/json.hpp>
#include <variant>

#include "domain/codec.h"

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_reader.h"

namespace leadloop {

using sqlite::SqliteDb;
using sqlite::Stmt;

namespace {

constexpr const char* kLeadColumns =
    "id, email, phone, first_name, last_name, company, title, industry, employees, country, "
    "region, source_campaign, attributes, consent_email, consent_phone, consent_mail, stage, "
    "grade, owner, created_at, updated_at, last_touch_at, email_key, phone_key, name_key, "
    "touch_count, data_points, definition_version, score, grading, assigned_at, first_response_at, "
    "sla_due_at, sla_level, decay_at, external_id, caller";

std::string encode_map(const Attributes& a) { return json_object(a); }

// Statements run once per row get a numbered slot on the writer.
enum HotStatement : size_t { kInsertLead, kUpdateLead, kInsertEvent, kInsertTouch };

const std::string kInsertLeadSql = std::string("INSERT INTO leads (") + kLeadColumns +
                                   ") VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

Attributes decode_map(std::string_view text) {
  Attributes a;
  if (text.size() <= 2) return a;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return a;
  for (auto& [k, v] : j.items()) a[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return a;
}

// Binds the 36 lead columns after id, starting at parameter `first`, without
// copying: `attributes` and `data_points` are the encoded maps. REQUIRES: l
// and the maps outlive the step.
void bind_lead(Stmt& s, const Lead& l, const std::string& attributes, const std::string& data_points,
               int first) {
  int i = first;
  for (const auto& f : lead_text_fields()) {
    // Columns added by a later migration come last (below).
    if (f.name == "external_id" || f.name == "caller") continue;
    s.bind_static(i++, l.*(f.member));
    if (f.name == "industry") s.bind(i++, l.employees);
  }
  s.bind_static(i++, attributes);
  s.bind(i++, static_cast<int64_t>(l.consent.email));
  s.bind(i++, static_cast<int64_t>(l.consent.phone));
  s.bind(i++, static_cast<int64_t>(l.consent.mail));
  s.bind_static(i++, stage_name(l.stage));
  s.bind_static(i++, grade_name(l.grade));
  s.bind_static(i++, l.owner);
  s.bind(i++, l.created_at);
  s.bind(i++, l.updated_at);
  s.bind(i++, l.last_touch_at);
  s.bind_static(i++, l.email_key);
  s.bind_static(i++, l.phone_key);
  s.bind_static(i++, l.name_key);
  s.bind(i++, l.touch_count);
  s.bind_static(i++, data_points);
  s.bind(i++, l.definition_version);
  s.bind(i++, static_cast<int64_t>(l.score));
  s.bind_static(i++, l.grading);
  s.bind(i++, l.assigned_at);
  s.bind(i++, l.first_response_at);
  s.bind(i++, l.sla_due_at);
  s.bind(i++, static_cast<int64_t>(l.sla_level));
  s.bind(i++, l.decay_at);
  s.bind_static(i++, l.external_id);
  s.bind_static(i++, l.caller);
}


Lead read_lead(const Stmt& s) {
  Lead l;
  l.id = s.int64(0);
  l.email = s.text(1);
  l.phone = s.text(2);
  l.first_name = s.text(3);
  l.last_name = s.text(4);
  l.company = s.text(5);
  l.title = s.text(6);
  l.industry = s.text(7);
  if (!s.is_null(8)) l.employees = s.int64(8);
  l.country = s.text(9);
  l.region = s.text(10);
  l.source_campaign = s.text(11);
  l.attributes = decode_map(s.text_view(12));
  l.consent.email = static_cast<Consent>(s.int64(13));
  l.consent.phone = static_cast<Consent>(s.int64(14));
  l.consent.mail = static_cast<Consent>(s.int64(15));
  l.stage = parse_stage(s.text_view(16)).value_or(Stage::kCaptured);
  l.grade = parse_grade(s.text_view(17)).value_or(Grade::kNone);
  l.owner = s.text(18);
  l.created_at = s.int64(19);
  l.updated_at = s.int64(20);
  if (!s.is_null(21)) l.last_touch_at = s.int64(21);
  l.email_key = s.text(22);
  l.phone_key = s.text(23);
  l.name_key = s.text(24);
  l.touch_count = s.int64(25);
  l.data_points = decode_map(s.text_view(26));
  l.definition_version = s.int64(27);
  l.score = static_cast<int>(s.int64(28));
  l.grading = s.text(29);
  l.assigned_at = s.optional_int64(30);
  l.first_response_at = s.optional_int64(31);
  l.sla_due_at = s.optional_int64(32);
  l.sla_level = static_cast<int>(s.int64(33));
  l.decay_at = s.optional_int64(34);
  l.external_id = s.text(35);
  l.caller = s.text(36);
  return l;
}

LeadEvent read_event(const Stmt& s) {
  return {s.int64(0), s.int64(1), s.text(2), s.int64(3), s.text(4), s.text(5)};
}

Touch read_touch(const Stmt& s) {
  Touch t;
  t.id = s.int64(0);
  t.lead_id = s.is_null(1) ? 0 : s.int64(1);
  t.campaign = s.text(2);
  t.channel = parse_medium(s.text_view(3)).value_or(Medium::kOther);
  t.direction = parse_direction(s.text_view(4)).value_or(Direction::kOutbound);
  t.outcome = s.text(5);
  t.actor = s.text(6);
  t.at = s.int64(7);
  t.notes = s.text(8);
  t.data_points = decode_map(s.text_view(9));
  t.caller = s.text(10);
  return t;
}

Campaign read_campaign(const Stmt& s) {
  Campaign c;
  c.id = s.int64(0);
  c.key = s.text(1);
  c.name = s.text(2);
  c.channel = parse_channel(s.text_view(3)).value_or(Channel::kWeb);
  c.owner = s.text(4);
  c.vendor = s.text(5);
  c.cost_cents = s.int64(6);
  c.currency = s.text(7);
  if (!s.is_null(8)) c.starts_on = static_cast<Days>(s.int64(8));
  if (!s.is_null(9)) c.ends_on = static_cast<Days>(s.int64(9));
  c.created_at = s.int64(10);
  return c;
}

ApiToken read_token(const Stmt& s) {
  ApiToken t;
  t.id = s.int64(0);
  t.hash = s.text(1);
  t.role = s.text(2);
  t.label = s.text(3);
  t.created_at = s.int64(4);
  if (!s.is_null(5)) t.expires_at = s.int64(5);
  if (!s.is_null(6)) t.revoked_at = s.int64(6);
  t.binding = {s.text(7), s.text(8), s.text(9)};
  return t;
}

// LIKE pattern for a substring, with % _ and \ escaped.
std::string like_pattern(std::string_view q) {
  std::string p = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  p += '%';
  return p;
}

// The WHERE clause and its parameters for a LeadFilter.
struct FilterSql {
  std::string where;
  std::vector<std::variant<std::string, int64_t>> params;  // parameter i + 1
  int next = 1;  // the number of the next parameter

  void add(const std::string& clause, std::variant<std::string, int64_t> v) {
    where += (where.empty() ? " WHERE " : " AND ") + clause;
    params.push_back(std::move(v));
    ++next;
  }
  void bind(Stmt& s) const {
    for (size_t i = 0; i < params.size(); ++i) {
      std::visit([&](const auto& v) { s.bind(static_cast<int>(i) + 1, v); }, params[i]);
    }
  }
};

FilterSql filter_sql(const LeadFilter& f) {
  FilterSql q;
  if (f.after_id > 0) q.add("id > ?", f.after_id);
  if (f.unowned) q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + "owner = ''";
  if (!f.stages.empty()) {
    // Stage names come from the table in stage.cc, never from the caller.
    std::string in;
    for (Stage s : f.stages) in += std::string(in.empty() ? "'" : ",'") + std::string(stage_name(s)) + "'";
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + "stage IN (" + in + ")";
  }
  if (!f.campaign.empty()) q.add("source_campaign = ?", f.campaign);
  if (!f.contactable.empty()) {
    // Column names from this fixed list only, never from the caller.
    const char* column = f.contactable == "email" ? "consent_email" : f.contactable == "phone" ? "consent_phone"
                                                                                                : "consent_mail";
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + column + " <> " +
               std::to_string(static_cast<int>(Consent::kDenied));
  }
  if (f.scoped) {
    std::string any;
    auto in_list = [&](const char* column, const std::vector<std::string>& values) {
      if (values.empty()) return;
      std::string list;
      for (const std::string& v : values) {
        list += std::string(list.empty() ? "" : ",") + "?" + std::to_string(q.next++);
        q.params.push_back(v);
      }
      any += std::string(any.empty() ? "" : " OR ") + column + " IN (" + list + ")";
    };
    in_list("owner", f.scope_owners);
    in_list("source_campaign", f.scope_campaigns);
    if (f.scope_unowned) {
      std::string regions;
      for (const std::string& r : f.scope_unowned_regions) {
        regions += std::string(regions.empty() ? "" : ",") + "?" + std::to_string(q.next++);
        q.params.push_back(r);
      }
      any += std::string(any.empty() ? "" : " OR ") + "(owner = ''" +
             (regions.empty() ? std::string() : " AND region IN (" + regions + ")") + ")";
    }
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") + "(" + (any.empty() ? "0" : any) + ")";
  }
  if (f.overdue_at) {
    // Only leads with a running timer are candidates: the subquery reads
    // the small partial index leads_sla_due instead of scanning the table.
    q.add("id IN (SELECT id FROM leads WHERE sla_due_at IS NOT NULL"
          " AND (sla_level > 0 OR sla_due_at <= ?))"
          " AND stage = 'assigned' AND owner <> '' AND first_response_at IS NULL",
          *f.overdue_at);
  }
  if (f.stage) q.add("stage = ?", std::string(stage_name(*f.stage)));
  if (f.grade) q.add("grade = ?", std::string(grade_name(*f.grade)));
  if (!f.owner.empty()) q.add("owner = ?", f.owner);
  if (!f.region.empty()) q.add("region = ?", f.region);
  if (f.created_from) q.add("created_at >= ?", *f.created_from);
  if (f.created_to) q.add("created_at < ?", *f.created_to);
  if (f.id) q.add("id = ?", *f.id);
  if (!f.q.empty()) {
    std::string p = like_pattern(f.q);
    q.where += std::string(q.where.empty() ? " WHERE " : " AND ") +
               "(email LIKE ?" + std::to_string(q.next) + " ESCAPE '\\' OR phone LIKE ?" +
               std::to_string(q.next) + " ESCAPE '\\' OR company LIKE ?" +
               std::to_string(q.next) + " ESCAPE '\\' OR (first_name || ' ' || last_name) LIKE ?" +
               std::to_string(q.next) + " ESCAPE '\\')";
    q.params.push_back(p);
    ++q.next;
  }
  return q;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, Durability durability) {
  auto db = SqliteDb::open(path, false);
  if (!db.ok()) return db.status();
  // In WAL mode, NORMAL syncs at checkpoints only: the file stays
  // consistent, but the latest commits may be lost with the machine.
  if (durability == Durability::kProcess) LEADLOOP_RETURN_IF_ERROR((*db)->exec("PRAGMA synchronous=NORMAL;"));
  auto version = sqlite::migrate(**db, path);
  if (!version.ok()) return version.status();
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(db).value(), *version));
}

Result<SqliteStore::Reader> SqliteStore::reader() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto db = std::move(pool_.back());
      pool_.pop_back();
      return Reader(this, std::move(db));
    }
  }
  auto db = SqliteDb::open(path_, true);
  if (!db.ok()) return db.status();
  return Reader(this, std::move(db).value());
}

Status SqliteStore::insert_lead(Lead& lead) {
  auto st = writer_->slot(kInsertLead, kInsertLeadSql.c_str());
  if (!st.ok()) return st.status();
  const std::string attributes = encode_map(lead.attributes);
  const std::string data_points = encode_map(lead.data_points);
  bind_lead(**st, lead, attributes, data_points, 1);
  LEADLOOP_RETURN_IF_ERROR((*st)->run());
  lead.id = writer_->last_insert_rowid();
  return Status();
}

Status SqliteStore::update_lead(const Lead& lead) {
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

Status SqliteStore::insert_event(LeadEvent& e) {
  auto st = writer_->slot(kInsertEvent,
      "INSERT INTO lead_events (lead_id, type, at, actor, payload) VALUES (?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, e.lead_id);
  s.bind_static(2, e.type);
  s.bind(3, e.at);
  s.bind_static(4, e.actor);
  s.bind_static(5, e.payload);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  e.id = writer_->last_insert_rowid();
  return Status();
}

Status SqliteStore::insert_touch(Touch& t) {
  auto st = writer_->slot(kInsertTouch,
      "INSERT INTO touches (lead_id, campaign, channel, direction, outcome, actor, at, notes, "
      "data_points, caller) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  if (t.lead_id) {
    s.bind(1, t.lead_id);
  } else {
    s.bind_null(1);
  }
  s.bind(2, t.campaign);
  s.bind(3, medium_name(t.channel));
  s.bind(4, direction_name(t.direction));
  s.bind(5, t.outcome);
  s.bind(6, t.actor);
  s.bind(7, t.at);
  s.bind(8, t.notes);
  s.bind(9, encode_map(t.data_points));
  s.bind(10, t.caller);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  t.id = writer_->last_insert_rowid();
  return Status();
}

Status SqliteStore::commit(Mutation& m) {
  std::lock_guard lock(write_mu_);
  return commit_locked(m, [] { return Status(); });
}

Status SqliteStore::commit_locked(Mutation& m, const std::function<Status()>& more) {
  // Ids handed out inside a transaction that rolls back must not leak out.
  std::vector<int64_t> original_ids;
  original_ids.reserve(m.leads.size());
  for (const auto& c : m.leads) original_ids.push_back(c.lead.id);
  Status st = sqlite::in_transaction(*writer_, [&]() -> Status {
    for (LeadChange& c : m.leads) {
      if (c.events.empty()) {
        return Status(ErrorCode::kInternal, "a lead change without an event");
      }
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

void SqliteStore::set_commit_observer(CommitObserver* observer) {
  std::lock_guard lock(write_mu_);
  observer_ = observer;
}

Result<Lead> SqliteStore::get_lead(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kLeadColumns + " FROM leads WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(ErrorCode::kNotFound, "no lead with id " + std::to_string(id), "id");
  Lead l = read_lead(**st);
  (*st)->reset();
  return l;
}

Status SqliteStore::scan_leads(const LeadFilter& f, const std::function<bool(const Lead&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  FilterSql q = filter_sql(f);
  std::string sql = std::string("SELECT ") + kLeadColumns + " FROM leads" + q.where + " ORDER BY id";
  // The limit is a parameter, so each filter shape is one cached statement.
  sql += " LIMIT ?" + std::to_string(q.next);
  auto st = (*r)->cached(sql);
  if (!st.ok()) return st.status();
  q.bind(**st);
  (*st)->bind(q.next, int64_t{f.limit > 0 ? f.limit : -1});
  while (true) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (!fn(read_lead(**st))) break;
  }
  (*st)->reset();
  return Status();
}

Result<std::vector<Lead>> SqliteStore::list_leads(const LeadFilter& f) {
  std::vector<Lead> out;
  Status st = scan_leads(f, [&](const Lead& l) {
    out.push_back(l);
    return true;
  });
  if (!st.ok()) return st;
  return out;
}

Status SqliteStore::scan_lead_keys(const std::function<void(const LeadKeys&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT id, email_key, phone_key, name_key, external_id FROM leads ORDER BY id");
  if (!st.ok()) return st.status();
  LeadKeys k;
  while (true) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    k.id = (*st)->int64(0);
    k.email_key = (*st)->text_view(1);
    k.phone_key = (*st)->text_view(2);
    k.name_key = (*st)->text_view(3);
    k.external_id = (*st)->text_view(4);
    fn(k);
  }
  (*st)->reset();
  return Status();
}

Result<std::vector<LeadEvent>> SqliteStore::lead_events(int64_t lead_id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, lead_id, type, at, actor, payload FROM lead_events WHERE lead_id = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, lead_id);
  std::vector<LeadEvent> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_event(s)); }));
  return out;
}

Result<std::vector<Touch>> SqliteStore::lead_touches(int64_t lead_id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, lead_id, campaign, channel, direction, outcome, actor, at, notes, data_points, caller "
      "FROM touches WHERE lead_id = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, lead_id);
  std::vector<Touch> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_touch(s)); }));
  return out;
}

Result<int64_t> SqliteStore::count_leads() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT count(*) FROM leads");
  if (!st.ok()) return st.status();
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  int64_t n = (*st)->int64(0);
  (*st)->reset();
  return n;
}

Status SqliteStore::put_campaign(Campaign& c) {
  std::lock_guard lock(write_mu_);
  auto exists = writer_->cached("SELECT 1 FROM campaigns WHERE key = ?");
  if (!exists.ok()) return exists.status();
  (*exists)->bind(1, c.key);
  auto row = (*exists)->step();
  if (!row.ok()) return row.status();
  (*exists)->reset();
  if (*row) {
    return Status(ErrorCode::kConflict, "a campaign with key '" + c.key + "' exists already", "key");
  }
  auto st = writer_->cached(
      "INSERT INTO campaigns (key, name, channel, owner, vendor, cost_cents, currency, starts_on, "
      "ends_on, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, c.key);
  s.bind(2, c.name);
  s.bind(3, channel_name(c.channel));
  s.bind(4, c.owner);
  s.bind(5, c.vendor);
  s.bind(6, c.cost_cents);
  s.bind(7, c.currency);
  s.bind(8, c.starts_on ? std::optional<int64_t>(*c.starts_on) : std::nullopt);
  s.bind(9, c.ends_on ? std::optional<int64_t>(*c.ends_on) : std::nullopt);
  s.bind(10, c.created_at);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  c.id = writer_->last_insert_rowid();
  return Status();
}

Result<std::vector<Campaign>> SqliteStore::list_campaigns() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, key, name, channel, owner, vendor, cost_cents, currency, starts_on, ends_on, "
      "created_at FROM campaigns ORDER BY key");
  if (!st.ok()) return st.status();
  std::vector<Campaign> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_campaign(s)); }));
  return out;
}

Status SqliteStore::put_team(const Team& t) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO teams (key, name, region, manager) VALUES (?,?,?,?) ON CONFLICT(key) DO "
      "UPDATE SET name=excluded.name, region=excluded.region, manager=excluded.manager");
  if (!st.ok()) return st.status();
  (*st)->bind(1, t.key);
  (*st)->bind(2, t.name);
  (*st)->bind(3, t.region);
  (*st)->bind(4, t.manager);
  return (*st)->run();
}

Status SqliteStore::put_rep(const Rep& r) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO reps (key, name, email, team, region, capacity, away, active, last_assignment) VALUES "
      "(?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET name=excluded.name, email=excluded.email, "
      "team=excluded.team, region=excluded.region, capacity=excluded.capacity, "
      "away=excluded.away, active=excluded.active, "
      "last_assignment=max(reps.last_assignment, excluded.last_assignment)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, r.key);
  s.bind(2, r.name);
  s.bind(3, r.email);
  s.bind(4, r.team);
  s.bind(5, r.region);
  s.bind(6, int64_t{r.capacity});
  s.bind(7, int64_t{r.away});
  s.bind(8, int64_t{r.active});
  s.bind(9, r.last_assignment);
  return s.run();
}

Result<std::vector<Team>> SqliteStore::list_teams() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT key, name, region, manager FROM teams ORDER BY key");
  if (!st.ok()) return st.status();
  std::vector<Team> out;
  while (true) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({(*st)->text(0), (*st)->text(1), (*st)->text(2), (*st)->text(3)});
  }
  (*st)->reset();
  return out;
}

Result<std::vector<Rep>> SqliteStore::list_reps() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT key, name, email, team, region, capacity, away, active, last_assignment FROM reps ORDER BY key");
  if (!st.ok()) return st.status();
  std::vector<Rep> out;
  while (true) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Stmt& s = **st;
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
                   static_cast<int>(s.int64(5)), s.int64(6) != 0, s.int64(7) != 0, s.int64(8)});
  }
  (*st)->reset();
  return out;
}

Status SqliteStore::put_token(ApiToken& t) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO api_tokens (hash, role, label, created_at, expires_at, revoked_at, vendor, rep, team) "
      "VALUES (?,?,?,?,?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, t.hash);
  s.bind(2, t.role);
  s.bind(3, t.label);
  s.bind(4, t.created_at);
  s.bind(5, t.expires_at);
  s.bind(6, t.revoked_at);
  s.bind(7, t.binding.vendor);
  s.bind(8, t.binding.rep);
  s.bind(9, t.binding.team);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  t.id = writer_->last_insert_rowid();
  return Status();
}

Result<ApiToken> SqliteStore::find_token(const std::string& hash) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, hash, role, label, created_at, expires_at, revoked_at, vendor, rep, team FROM api_tokens WHERE "
      "hash = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, hash);
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(ErrorCode::kNotFound, "no such token");
  ApiToken t = read_token(**st);
  (*st)->reset();
  return t;
}

Result<std::vector<ApiToken>> SqliteStore::list_tokens() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, hash, role, label, created_at, expires_at, revoked_at, vendor, rep, team FROM api_tokens ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<ApiToken> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_token(s)); }));
  return out;
}

Status SqliteStore::revoke_token(int64_t id, TimePoint at) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  if (!st.ok()) return st.status();
  (*st)->bind(1, at);
  (*st)->bind(2, id);
  LEADLOOP_RETURN_IF_ERROR((*st)->run());
  auto check = writer_->cached("SELECT revoked_at FROM api_tokens WHERE id = ?");
  if (!check.ok()) return check.status();
  (*check)->bind(1, id);
  auto row = (*check)->step();
  if (!row.ok()) return row.status();
  bool found = *row;
  (*check)->reset();
  if (!found) return Status(ErrorCode::kNotFound, "no token with id " + std::to_string(id), "id");
  return Status();
}

Status SqliteStore::put_import(ImportRecord& r) {
  std::lock_guard lock(write_mu_);
  std::string sql =
      r.id == 0
          ? "INSERT INTO imports (source, campaign, mapping, actor, dry_run, started_at, "
            "finished_at, rows, created, merged, rejected, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
          : "UPDATE imports SET source=?1, campaign=?2, mapping=?3, actor=?4, dry_run=?5, "
            "started_at=?6, finished_at=?7, rows=?8, created=?9, merged=?10, rejected=?11, "
            "notes=?12 WHERE id=?13";
  auto st = writer_->cached(sql);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, r.source);
  s.bind(2, r.campaign);
  s.bind(3, r.mapping);
  s.bind(4, r.actor);
  s.bind(5, int64_t{r.dry_run});
  s.bind(6, r.started_at);
  s.bind(7, r.finished_at);
  s.bind(8, r.rows);
  s.bind(9, r.created);
  s.bind(10, r.merged);
  s.bind(11, r.rejected);
  s.bind(12, r.notes);
  if (r.id != 0) s.bind(13, r.id);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  if (r.id == 0) r.id = writer_->last_insert_rowid();
  return Status();
}

Status SqliteStore::add_import_errors(int64_t import_id, const std::vector<ImportError>& errors) {
  if (errors.empty()) return Status();
  std::lock_guard lock(write_mu_);
  return sqlite::in_transaction(*writer_, [&]() -> Status {
    auto st = writer_->cached(
        "INSERT INTO import_errors (import_id, line, col, field, code, reason) VALUES (?,?,?,?,?,?)");
    if (!st.ok()) return st.status();
    for (const ImportError& e : errors) {
      Stmt& s = **st;
      s.reset();
      s.bind(1, import_id);
      s.bind(2, e.line);
      s.bind(3, int64_t{e.column});
      s.bind(4, e.field);
      s.bind(5, e.code);
      s.bind(6, e.reason);
      LEADLOOP_RETURN_IF_ERROR(s.run());
    }
    return Status();
  });
}

Result<ImportRecord> SqliteStore::get_import(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, source, campaign, mapping, actor, dry_run, started_at, finished_at, rows, "
      "created, merged, rejected, notes FROM imports WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(ErrorCode::kNotFound, "no import with id " + std::to_string(id), "id");
  Stmt& s = **st;
  ImportRecord rec{s.int64(0), s.text(1), s.text(2),  s.text(3),  s.text(4),
                   s.int64(5) != 0, s.int64(6), s.int64(7), s.int64(8), s.int64(9),
                   s.int64(10), s.int64(11), s.text(12)};
  s.reset();
  return rec;
}

Result<std::vector<ImportError>> SqliteStore::import_errors(int64_t import_id, int64_t after_line,
                                                            int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT line, col, field, code, reason FROM import_errors WHERE import_id = ? AND line > ? "
      "ORDER BY line LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, import_id);
  (*st)->bind(2, after_line);
  (*st)->bind(3, int64_t{limit > 0 ? limit : 1000000000});
  std::vector<ImportError> out;
  while (true) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Stmt& s = **st;
    out.push_back({s.int64(0), static_cast<int>(s.int64(1)), s.text(2), s.text(3), s.text(4)});
  }
  (*st)->reset();
  return out;
}

namespace {

constexpr const char* kDefinitionColumns =
    "version, state, name, source, content, hash, created_at, created_by, updated_at, updated_by, "
    "activated_at, activated_by, leads_regraded, grades_changed";

DefinitionRecord read_definition(const Stmt& s) {
  DefinitionRecord d;
  d.version = s.int64(0);
  d.state = s.text(1);
  d.name = s.text(2);
  d.source = s.text(3);
  d.content = s.text(4);
  d.hash = s.text(5);
  d.created_at = s.int64(6);
  d.created_by = s.text(7);
  d.updated_at = s.int64(8);
  d.updated_by = s.text(9);
  if (!s.is_null(10)) d.activated_at = s.int64(10);
  d.activated_by = s.text(11);
  d.leads_regraded = s.int64(12);
  d.grades_changed = s.int64(13);
  return d;
}

// The state of a version on the writer: "" when there is none.
Result<std::pair<std::string, std::string>> definition_state(SqliteDb& db, int64_t version) {
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

Status require_draft(SqliteDb& db, int64_t version, const std::string& hash) {
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

Status SqliteStore::scan_events(std::string_view type, const std::function<void(const LeadEvent&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT id, lead_id, type, at, actor, payload FROM lead_events WHERE type = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, type);
  return (*st)->each_row([&](const Stmt& s) { fn(read_event(s)); });
}

Status SqliteStore::scan_touches(const std::function<void(int64_t lead_id, std::string_view campaign, TimePoint at,
                                                         int data_points, std::string_view outcome)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT COALESCE(lead_id, 0), campaign, at, CASE WHEN length(data_points) <= 2 THEN 0 "
      "ELSE (SELECT count(*) FROM json_each(touches.data_points)) END, outcome FROM touches ORDER BY id");
  if (!st.ok()) return st.status();
  return (*st)->each_row(
      [&](const Stmt& s) { fn(s.int64(0), s.text_view(1), s.int64(2), static_cast<int>(s.int64(3)), s.text_view(4)); });
}

Status SqliteStore::scan_lead_events(const EventFilter& f,
                                     const std::function<bool(const LeadEvent&, std::string_view campaign)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  FilterSql q = filter_sql(f.leads);
  std::string sql =
      "SELECT e.id, e.lead_id, e.type, e.at, e.actor, e.payload, l.source_campaign FROM lead_events e "
      "JOIN leads l ON l.id = e.lead_id WHERE 1";
  if (!q.where.empty()) sql += " AND e.lead_id IN (SELECT id FROM leads" + q.where + ")";
  auto param = [&](std::variant<std::string, int64_t> v) {
    q.params.push_back(std::move(v));
    return "?" + std::to_string(q.next++);
  };
  if (!f.types.empty()) {
    std::string in;
    for (const std::string& t : f.types) in += (in.empty() ? "" : ",") + param(t);
    sql += " AND e.type IN (" + in + ")";
  }
  if (f.from) sql += " AND e.at >= " + param(*f.from);
  if (f.to) sql += " AND e.at < " + param(*f.to);
  sql += " ORDER BY e.id";
  auto st = (*r)->prepare(sql);
  if (!st.ok()) return st.status();
  q.bind(**st);
  for (;;) {
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row || !fn(read_event(**st), (*st)->text_view(6))) return Status();
  }
}

Status SqliteStore::put_definition(DefinitionRecord& d) {
  std::lock_guard lock(write_mu_);
  return sqlite::in_transaction(*writer_, [&]() -> Status {
    if (d.version == 0) {
      auto st = writer_->cached(
          "INSERT INTO definitions (version, state, name, source, content, hash, created_at, created_by, "
          "updated_at, updated_by) VALUES ((SELECT coalesce(max(version), 0) + 1 FROM definitions), "
          "'draft', ?, ?, ?, ?, ?, ?, ?, ?)");
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
      LEADLOOP_RETURN_IF_ERROR(s.run());
      d.version = writer_->last_insert_rowid();
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

Result<DefinitionRecord> SqliteStore::get_definition(int64_t version) {
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

Result<std::vector<DefinitionRecord>> SqliteStore::list_definitions() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kDefinitionColumns + " FROM definitions ORDER BY version");
  if (!st.ok()) return st.status();
  std::vector<DefinitionRecord> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_definition(s)); }));
  return out;
}

Status SqliteStore::add_approval(const DefinitionApproval& a) {
  std::lock_guard lock(write_mu_);
  return sqlite::in_transaction(*writer_, [&]() -> Status {
    LEADLOOP_RETURN_IF_ERROR(require_draft(*writer_, a.version, a.hash));
    auto st = writer_->cached(
        "INSERT OR REPLACE INTO definition_approvals (version, hash, side, actor, role, at) VALUES (?,?,?,?,?,?)");
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

Result<std::vector<DefinitionApproval>> SqliteStore::list_approvals(int64_t version) {
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

Status SqliteStore::activate_definition(DefinitionRecord& d, std::vector<Regrade>& regrades) {
  std::lock_guard lock(write_mu_);
  Status st = sqlite::in_transaction(*writer_, [&]() -> Status {
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

// ---- routing and follow-up ---------------------------------------------------

Status SqliteStore::insert_outbox(OutboxMessage& o) {
  auto st = writer_->cached("INSERT INTO outbox (kind, recipient, lead_id, at, payload) VALUES (?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, o.kind);
  s.bind(2, o.recipient);
  s.bind(3, o.lead_id);
  s.bind(4, o.at);
  s.bind(5, o.payload);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  o.id = writer_->last_insert_rowid();
  return Status();
}

Status SqliteStore::apply_extras(Mutation& m) {
  for (OutboxMessage& o : m.outbox) LEADLOOP_RETURN_IF_ERROR(insert_outbox(o));
  for (const RepAssignment& a : m.assignments) {
    auto st = writer_->cached("UPDATE reps SET last_assignment = max(last_assignment, ?) WHERE key = ?");
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

Result<std::vector<int64_t>> SqliteStore::due_leads(TimePoint now, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id FROM (SELECT id, sla_due_at AS due FROM leads WHERE sla_due_at <= ?1 "
      "UNION ALL SELECT id, decay_at AS due FROM leads WHERE decay_at <= ?1) "
      "GROUP BY id ORDER BY min(due), id LIMIT ?2");
  if (!st.ok()) return st.status();
  (*st)->bind(1, now);
  (*st)->bind(2, int64_t{limit});
  std::vector<int64_t> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(s.int64(0)); }));
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::open_leads_by_owner() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT owner, count(*) FROM leads WHERE owner <> '' AND stage NOT IN "
      "('won', 'lost', 'disqualified', 'opted_out') GROUP BY owner ORDER BY owner");
  if (!st.ok()) return st.status();
  std::vector<std::pair<std::string, int64_t>> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.emplace_back(s.text(0), s.int64(1)); }));
  return out;
}

Result<std::vector<OutboxMessage>> SqliteStore::list_outbox(const std::string& recipient, int64_t after_id,
                                                            int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, kind, recipient, lead_id, at, payload FROM outbox WHERE (?1 = '' OR recipient = ?1) "
      "AND id > ?2 ORDER BY id LIMIT ?3");
  if (!st.ok()) return st.status();
  (*st)->bind(1, recipient);
  (*st)->bind(2, after_id);
  (*st)->bind(3, int64_t{limit > 0 ? limit : -1});
  std::vector<OutboxMessage> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), s.text(1), s.text(2), s.int64(3), s.int64(4), s.text(5)});
  }));
  return out;
}

Status SqliteStore::scan_campaign_events(const std::string& campaign, std::string_view type,
                                         const std::function<void(const LeadEvent&)>& fn) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT e.id, e.lead_id, e.type, e.at, e.actor, e.payload FROM leads l JOIN lead_events e "
      "ON e.lead_id = l.id WHERE l.source_campaign = ? AND e.type = ? ORDER BY e.id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, campaign);
  (*st)->bind(2, type);
  return (*st)->each_row([&](const Stmt& s) { fn(read_event(s)); });
}

Status SqliteStore::put_feedback_link(FeedbackLink& l) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO feedback_links (lead_id, rep, created_by, created_at, expires_at) VALUES (?,?,?,?,?)");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, l.lead_id);
  s.bind(2, l.rep);
  s.bind(3, l.created_by);
  s.bind(4, l.created_at);
  s.bind(5, l.expires_at);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  l.id = writer_->last_insert_rowid();
  return Status();
}

Result<FeedbackLink> SqliteStore::get_feedback_link(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(
      "SELECT id, lead_id, rep, created_by, created_at, expires_at, used_at FROM feedback_links WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<FeedbackLink> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    found = FeedbackLink{s.int64(0), s.int64(1), s.text(2), s.text(3), s.int64(4), s.int64(5), s.optional_int64(6)};
  }));
  if (!found) return Status(ErrorCode::kNotFound, "no feedback link " + std::to_string(id), "token");
  return *found;
}

Result<std::optional<std::string>> SqliteStore::get_setting(const std::string& key) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached("SELECT value FROM settings WHERE key = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, key);
  std::optional<std::string> value;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { value = s.text(0); }));
  return value;
}

Result<std::string> SqliteStore::put_setting_once(const std::string& key, const std::string& value) {
  std::lock_guard lock(write_mu_);
  auto ins = writer_->cached("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING");
  if (!ins.ok()) return ins.status();
  (*ins)->bind(1, key);
  (*ins)->bind(2, value);
  LEADLOOP_RETURN_IF_ERROR((*ins)->run());
  auto sel = writer_->cached("SELECT value FROM settings WHERE key = ?");
  if (!sel.ok()) return sel.status();
  (*sel)->bind(1, key);
  std::string stored;
  LEADLOOP_RETURN_IF_ERROR((*sel)->each_row([&](const Stmt& s) { stored = s.text(0); }));
  return stored;
}

Status SqliteStore::append_audit(AuditEntry& e) {
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
  e.id = writer_->last_insert_rowid();
  return Status();
}

Result<std::vector<AuditEntry>> SqliteStore::list_audit(const AuditFilter& f) {
  auto r = reader();
  if (!r.ok()) return r.status();
  // The action filter is a prefix: "POST " finds every POST.
  auto st = (*r)->cached(
      "SELECT id, at, actor, role, action, record, status, remote, detail FROM audit_log "
      "WHERE id > ?1 AND (?2 = '' OR actor = ?2) AND (?3 = '' OR record = ?3) "
      "AND (?4 = '' OR substr(action, 1, length(?4)) = ?4) AND (?5 IS NULL OR at >= ?5) "
      "AND (?6 IS NULL OR at < ?6) ORDER BY id LIMIT ?7");
  if (!st.ok()) return st.status();
  Stmt& q = **st;
  q.bind(1, f.after_id);
  q.bind(2, f.actor);
  q.bind(3, f.record);
  q.bind(4, f.action);
  q.bind(5, f.from);
  q.bind(6, f.to);
  q.bind(7, int64_t{f.limit > 0 ? f.limit : -1});
  std::vector<AuditEntry> out;
  LEADLOOP_RETURN_IF_ERROR(q.each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3), s.text(4), s.text(5),
                   static_cast<int>(s.int64(6)), s.text(7), s.text(8)});
  }));
  return out;
}

// ---- privacy: subject access and erasure --------------------------------------

namespace {

// "(instr(lower(col), ?1) > 0 OR ...)" for n needles bound from parameter 1.
std::string mentions_any(const char* column, size_t n) {
  std::string sql = "(";
  for (size_t i = 0; i < n; ++i) {
    sql += (i ? " OR instr(lower(" : "instr(lower(") + std::string(column) + "), ?" + std::to_string(i + 1) + ") > 0";
  }
  return sql + ")";
}

void bind_needles(Stmt& s, const std::vector<std::string>& needles) {
  for (size_t i = 0; i < needles.size(); ++i) s.bind(static_cast<int>(i) + 1, needles[i]);
}

// Lower-case needles that are not empty: an empty one would match every row.
std::vector<std::string> usable(const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  for (const auto& n : needles) {
    if (!n.empty()) out.push_back(n);
  }
  return out;
}

}  // namespace

Result<std::vector<Lead>> SqliteStore::find_leads_by_key(const std::string& email_key, const std::string& phone_key) {
  std::vector<Lead> out;
  if (email_key.empty() && phone_key.empty()) return out;
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kLeadColumns +
                         " FROM leads WHERE (?1 <> '' AND email_key = ?1) OR (?2 <> '' AND phone_key = ?2) ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->bind(1, email_key);
  (*st)->bind(2, phone_key);
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_lead(s)); }));
  return out;
}

Result<std::vector<ImportErrorRow>> SqliteStore::find_import_errors(const std::vector<std::string>& needles) {
  std::vector<ImportErrorRow> out;
  const std::vector<std::string> n = usable(needles);
  if (n.empty()) return out;
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->prepare("SELECT import_id, line, col, field, code, reason FROM import_errors WHERE " +
                          mentions_any("reason", n.size()) + " ORDER BY import_id, line");
  if (!st.ok()) return st.status();
  bind_needles(**st, n);
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) {
    out.push_back({s.int64(0), {s.int64(1), static_cast<int>(s.int64(2)), s.text(3), s.text(4), s.text(5)}});
  }));
  return out;
}

namespace {

// Rewrites (id, text) rows selected by `select` with `redact`, writing back
// with `update` (?1 the new text, ?2 the id) the rows it changed.
Status rewrite_rows(SqliteDb& db, Stmt& select, const char* update,
                    const std::function<std::string(const Stmt&)>& redact, int64_t& count) {
  std::vector<std::pair<int64_t, std::string>> changed;
  LEADLOOP_RETURN_IF_ERROR(select.each_row([&](const Stmt& s) {
    std::string after = redact(s);
    changed.emplace_back(s.int64(0), std::move(after));
  }));
  auto up = db.cached(update);
  if (!up.ok()) return up.status();
  for (const auto& [id, text] : changed) {
    (*up)->bind(1, text);
    (*up)->bind(2, id);
    LEADLOOP_RETURN_IF_ERROR((*up)->run());
    ++count;
  }
  return Status();
}

// Rewrites the touches `select` returns (the touch columns) with `redact`.
Status rewrite_touches(SqliteDb& db, Stmt& select, const std::function<void(Touch&)>& redact, int64_t& count) {
  std::vector<Touch> changed;
  LEADLOOP_RETURN_IF_ERROR(select.each_row([&](const Stmt& s) {
    changed.push_back(read_touch(s));
    redact(changed.back());
  }));
  auto up = db.cached("UPDATE touches SET notes = ?1, data_points = ?2 WHERE id = ?3");
  if (!up.ok()) return up.status();
  for (const Touch& t : changed) {
    (*up)->bind(1, t.notes);
    (*up)->bind(2, encode_map(t.data_points));
    (*up)->bind(3, t.id);
    LEADLOOP_RETURN_IF_ERROR((*up)->run());
    ++count;
  }
  return Status();
}

}  // namespace

Result<ErasureCounts> SqliteStore::erase_leads(Erasure& e) {
  constexpr const char* kTouchColumns =
      "SELECT id, lead_id, campaign, channel, direction, outcome, actor, at, notes, data_points, caller FROM touches ";
  std::lock_guard lock(write_mu_);
  ErasureCounts n;
  const std::vector<std::string> needles = usable(e.needles);
  Status st = sqlite::in_transaction(*writer_, [&]() -> Status {
    for (LeadChange& c : e.leads) {
      if (c.lead.id == 0 || c.events.empty()) return Status(ErrorCode::kInternal, "an erasure without a lead or event");
      auto events = writer_->cached("SELECT id, type, payload FROM lead_events WHERE lead_id = ? ORDER BY id");
      if (!events.ok()) return events.status();
      (*events)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR(rewrite_rows(*writer_, **events, "UPDATE lead_events SET payload = ?1 WHERE id = ?2",
                                            [&](const Stmt& s) { return e.redact_event(s.text_view(1), s.text(2)); },
                                            n.events));
      auto touches = writer_->cached(std::string(kTouchColumns) + "WHERE lead_id = ? ORDER BY id");
      if (!touches.ok()) return touches.status();
      (*touches)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR(rewrite_touches(*writer_, **touches, e.redact_touch, n.touches));
      auto messages = writer_->cached("SELECT id, payload FROM outbox WHERE lead_id = ? ORDER BY id");
      if (!messages.ok()) return messages.status();
      (*messages)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR(rewrite_rows(*writer_, **messages, "UPDATE outbox SET payload = ?1 WHERE id = ?2",
                                            [&](const Stmt& s) { return e.redact_message(s.text(1)); }, n.messages));
      // A message addressed to the person (a double opt-in e-mail) names
      // the lead instead.
      auto addressed = writer_->cached(
          "UPDATE outbox SET recipient = 'lead:' || lead_id WHERE lead_id = ? AND recipient LIKE '%@%'");
      if (!addressed.ok()) return addressed.status();
      (*addressed)->bind(1, c.lead.id);
      LEADLOOP_RETURN_IF_ERROR((*addressed)->run());
      LEADLOOP_RETURN_IF_ERROR(update_lead(c.lead));
      for (LeadEvent& ev : c.events) {
        ev.lead_id = c.lead.id;
        LEADLOOP_RETURN_IF_ERROR(insert_event(ev));
      }
    }
    if (needles.empty()) return Status();
    auto loose = writer_->prepare(std::string(kTouchColumns) + "WHERE lead_id IS NULL AND (" +
                                  mentions_any("notes", needles.size()) + " OR " +
                                  mentions_any("data_points", needles.size()) + ")");
    if (!loose.ok()) return loose.status();
    bind_needles(**loose, needles);
    LEADLOOP_RETURN_IF_ERROR(rewrite_touches(*writer_, **loose, e.redact_touch, n.touches));
    auto errors = writer_->prepare("SELECT rowid, reason FROM import_errors WHERE " +
                                   mentions_any("reason", needles.size()));
    if (!errors.ok()) return errors.status();
    bind_needles(**errors, needles);
    LEADLOOP_RETURN_IF_ERROR(rewrite_rows(*writer_, **errors, "UPDATE import_errors SET reason = ?1 WHERE rowid = ?2",
                                          [&](const Stmt& s) { return e.redact_import_error(s.text(1)); },
                                          n.import_errors));
    return erase_delivery_bodies(needles, n.deliveries);
  });
  if (!st.ok()) return st;
  if (observer_) {
    for (const LeadChange& c : e.leads) observer_->lead_committed(c.lead, c.events);
  }
  // Old page images of the rows live on in the WAL until a checkpoint
  // copies the new ones into the file; TRUNCATE then empties the WAL.
  auto cp = writer_->prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!cp.ok()) return cp.status();
  auto row = (*cp)->step();
  if (!row.ok()) return row.status();
  n.wal_truncated = *row && (*cp)->int64(0) == 0;
  return n;
}

Result<std::vector<int64_t>> SqliteStore::closed_leads_before(TimePoint cutoff, int limit) {
  auto r = reader();
  if (!r.ok()) return r.status();
  // Erased leads have no identity keys left; every other lead has one.
  auto st = (*r)->cached(
      "SELECT id FROM leads WHERE stage IN ('won', 'lost', 'disqualified', 'opted_out') AND updated_at < ? "
      "AND (email_key <> '' OR phone_key <> '' OR external_id <> '') ORDER BY id LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, cutoff);
  (*st)->bind(2, int64_t{limit > 0 ? limit : -1});
  std::vector<int64_t> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(s.int64(0)); }));
  return out;
}

}  // namespace leadloop
