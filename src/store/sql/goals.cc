// SqlStore: goals (schema v6).
#include <sstream>

#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

namespace {

constexpr const char* kGoalColumns =
    "id, name, metric, target, starts_at, ends_at, campaign, vendor, region, rep, curve, created_by, created_at, "
    "client_approved_by, client_approved_at, vendor_approved_by, vendor_approved_at, behind_at";

std::string curve_text(const std::vector<int>& curve) {
  std::string out;
  for (int p : curve) out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

std::vector<int> parse_curve(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(std::stoi(part));
  }
  return out;
}

Goal read_goal(const Stmt& s) {
  Goal g;
  g.id = s.int64(0);
  g.name = s.text(1);
  g.metric = parse_goal_metric(s.text(2)).value_or(GoalMetric::kLeads);
  g.target = s.int64(3);
  g.starts_at = s.int64(4);
  g.ends_at = s.int64(5);
  g.campaign = s.text(6);
  g.vendor = s.text(7);
  g.region = s.text(8);
  g.rep = s.text(9);
  g.curve = parse_curve(s.text(10));
  g.created_by = s.text(11);
  g.created_at = s.int64(12);
  g.client_approved_by = s.text(13);
  g.client_approved_at = s.optional_int64(14);
  g.vendor_approved_by = s.text(15);
  g.vendor_approved_at = s.optional_int64(16);
  g.behind_at = s.optional_int64(17);
  return g;
}

}  // namespace

Status SqlStore::put_goal(Goal& g) {
  std::lock_guard lock(write_mu_);
  auto st = g.id == 0 ? writer_->cached(
                            "INSERT INTO goals (name, metric, target, starts_at, ends_at, campaign, vendor, region, rep, "
                            "curve, created_by, created_at, client_approved_by, client_approved_at, vendor_approved_by, "
                            "vendor_approved_at, behind_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
                            "?16,?17)")
                      : writer_->cached(
                            "UPDATE goals SET name=?1, metric=?2, target=?3, starts_at=?4, ends_at=?5, campaign=?6, "
                            "vendor=?7, region=?8, rep=?9, curve=?10, created_by=?11, created_at=?12, "
                            "client_approved_by=?13, client_approved_at=?14, vendor_approved_by=?15, "
                            "vendor_approved_at=?16, behind_at=?17 WHERE id=?18");
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.bind(1, g.name);
  s.bind(2, goal_metric_name(g.metric));
  s.bind(3, g.target);
  s.bind(4, g.starts_at);
  s.bind(5, g.ends_at);
  s.bind(6, g.campaign);
  s.bind(7, g.vendor);
  s.bind(8, g.region);
  s.bind(9, g.rep);
  s.bind(10, curve_text(g.curve));
  s.bind(11, g.created_by);
  s.bind(12, g.created_at);
  s.bind(13, g.client_approved_by);
  s.bind(14, g.client_approved_at);
  s.bind(15, g.vendor_approved_by);
  s.bind(16, g.vendor_approved_at);
  s.bind(17, g.behind_at);
  if (g.id != 0) s.bind(18, g.id);
  LEADLOOP_RETURN_IF_ERROR(s.run());
  if (g.id == 0) {
    LEADLOOP_RETURN_IF_ERROR(inserted_id(g.id));
  } else if (writer_->changes() == 0) {
    return Status(ErrorCode::kNotFound, "no goal with id " + std::to_string(g.id));
  }
  return Status();
}

Result<Goal> SqlStore::get_goal(int64_t id) {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kGoalColumns + " FROM goals WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->bind(1, id);
  std::optional<Goal> found;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { found = read_goal(s); }));
  if (!found) return Status(ErrorCode::kNotFound, "no goal with id " + std::to_string(id));
  return *std::move(found);
}

Result<std::vector<Goal>> SqlStore::list_goals() {
  auto r = reader();
  if (!r.ok()) return r.status();
  auto st = (*r)->cached(std::string("SELECT ") + kGoalColumns + " FROM goals ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<Goal> out;
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const Stmt& s) { out.push_back(read_goal(s)); }));
  return out;
}

Result<bool> SqlStore::mark_goal_behind(int64_t goal_id, TimePoint at, OutboxMessage message) {
  std::lock_guard lock(write_mu_);
  bool marked = false;
  Status st = sql::in_transaction(*writer_, [&]() -> Status {
    auto mark = writer_->cached("UPDATE goals SET behind_at = ? WHERE id = ? AND behind_at IS NULL");
    if (!mark.ok()) return mark.status();
    (*mark)->bind(1, at);
    (*mark)->bind(2, goal_id);
    LEADLOOP_RETURN_IF_ERROR((*mark)->run());
    if (writer_->changes() == 0) return Status();
    marked = true;
    return insert_outbox(message);
  });
  if (!st.ok()) return st;
  return marked;
}

}  // namespace leadloop
