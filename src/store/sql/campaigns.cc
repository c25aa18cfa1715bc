// SqlStore: campaigns, teams and reps.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

Status SqlStore::put_campaign(Campaign& c) {
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
  LEADLOOP_RETURN_IF_ERROR(inserted_id(c.id));
  return Status();
}

Result<std::vector<Campaign>> SqlStore::list_campaigns() {
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

Status SqlStore::put_team(const Team& t) {
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

Status SqlStore::put_rep(const Rep& r) {
  std::lock_guard lock(write_mu_);
  auto st = writer_->cached(
      "INSERT INTO reps (key, name, email, team, region, capacity, away, active, last_assignment) VALUES "
      "(?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET name=excluded.name, email=excluded.email, "
      "team=excluded.team, region=excluded.region, capacity=excluded.capacity, "
      "away=excluded.away, active=excluded.active, "
      "last_assignment=CASE WHEN excluded.last_assignment > reps.last_assignment THEN excluded.last_assignment "
      "ELSE reps.last_assignment END");
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

Result<std::vector<Team>> SqlStore::list_teams() {
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

Result<std::vector<Rep>> SqlStore::list_reps() {
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

}  // namespace leadloop
