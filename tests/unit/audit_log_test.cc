// The audit log in the SQLite store: rows come back as appended, filtered and
// paged; the database itself refuses to change or delete a row.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "test_files.h"

namespace leadloop {
namespace {

using testing::TempDir;

AuditEntry entry(TimePoint at, const std::string& actor, const std::string& action, const std::string& record,
                 int status = 200) {
  AuditEntry e;
  e.at = at;
  e.actor = actor;
  e.role = "admin";
  e.action = action;
  e.record = record;
  e.status = status;
  e.remote = "127.0.0.1";
  return e;
}

std::vector<int64_t> ids(const std::vector<AuditEntry>& list) {
  std::vector<int64_t> out;
  for (const AuditEntry& e : list) out.push_back(e.id);
  return out;
}

class AuditLog : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::open(dir_.file("audit.db"));
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    store_ = std::move(s).value();
    std::vector<AuditEntry> rows = {
        entry(1000, "token:1:crm", "POST /api/v1/leads", "lead:1", 201),
        entry(2000, "token:2", "POST /api/v1/leads/{id}/transitions", "lead:1", 409),
        entry(3000, "token:1:crm", "GET /api/v1/exports/leads.csv", ""),
        entry(4000, "link:7", "POST /feedback/{token}", "lead:2"),
        entry(5000, "token:1:crm", "PUT /api/v1/reps/{key}", "rep:ann"),
    };
    for (AuditEntry& e : rows) {
      ASSERT_TRUE(store_->append_audit(e).ok());
      appended_.push_back(e.id);
    }
  }

  std::vector<int64_t> list(const AuditFilter& f) {
    auto out = store_->list_audit(f);
    EXPECT_TRUE(out.ok()) << out.status().to_string();
    return out.ok() ? ids(*out) : std::vector<int64_t>{};
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::vector<int64_t> appended_;  // ids in append order
};

TEST_F(AuditLog, ReadsBackEveryFieldInAppendOrder) {
  auto all = store_->list_audit(AuditFilter{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ(ids(*all), appended_);
  const AuditEntry& e = (*all)[1];
  EXPECT_EQ(e.at, 2000);
  EXPECT_EQ(e.actor, "token:2");
  EXPECT_EQ(e.role, "admin");
  EXPECT_EQ(e.action, "POST /api/v1/leads/{id}/transitions");
  EXPECT_EQ(e.record, "lead:1");
  EXPECT_EQ(e.status, 409);
  EXPECT_EQ(e.remote, "127.0.0.1");
  EXPECT_EQ(e.detail, "{}");
}

TEST_F(AuditLog, Filters) {
  const auto& a = appended_;
  struct Case {
    const char* name;
    AuditFilter filter;
    std::vector<int64_t> want;
  };
  auto with = [](auto set) {
    AuditFilter f;
    set(f);
    return f;
  };
  std::vector<Case> cases = {
      {"actor", with([](AuditFilter& f) { f.actor = "token:1:crm"; }), {a[0], a[2], a[4]}},
      {"record", with([](AuditFilter& f) { f.record = "lead:1"; }), {a[0], a[1]}},
      {"action prefix", with([](AuditFilter& f) { f.action = "POST "; }), {a[0], a[1], a[3]}},
      {"action route", with([](AuditFilter& f) { f.action = "POST /api/v1/leads"; }), {a[0], a[1]}},
      {"action has no wildcards", with([](AuditFilter& f) { f.action = "%"; }), {}},
      {"from is inclusive", with([](AuditFilter& f) { f.from = 3000; }), {a[2], a[3], a[4]}},
      {"to is exclusive", with([](AuditFilter& f) { f.to = 3000; }), {a[0], a[1]}},
      {"actor and time", with([](AuditFilter& f) { f.actor = "token:1:crm"; f.from = 2000; f.to = 5000; }), {a[2]}},
      {"nothing", with([](AuditFilter& f) { f.record = "lead:99"; }), {}},
  };
  for (const Case& c : cases) EXPECT_EQ(list(c.filter), c.want) << c.name;
}

TEST_F(AuditLog, PagesWithTheCursor) {
  AuditFilter f;
  f.limit = 2;
  std::vector<int64_t> seen;
  for (int page = 0; page < 10; ++page) {
    std::vector<int64_t> got = list(f);
    seen.insert(seen.end(), got.begin(), got.end());
    if (static_cast<int>(got.size()) < f.limit) break;
    f.after_id = got.back();
  }
  EXPECT_EQ(seen, appended_);
}

TEST_F(AuditLog, TheDatabaseRefusesToChangeOrDeleteARow) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("audit.db").c_str(), &db), SQLITE_OK);
  for (const char* sql : {"UPDATE audit_log SET actor = 'someone else' WHERE id = 1",
                          "UPDATE audit_log SET status = 200", "DELETE FROM audit_log WHERE id = 2",
                          "DELETE FROM audit_log"}) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_CONSTRAINT) << sql;
    EXPECT_NE(std::string(err ? err : "").find("append-only"), std::string::npos) << sql;
    sqlite3_free(err);
  }
  sqlite3_close(db);
  auto all = store_->list_audit(AuditFilter{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].actor, "token:1:crm");
  EXPECT_EQ((*all)[1].status, 409);
}

}  // namespace
}  // namespace leadloop
