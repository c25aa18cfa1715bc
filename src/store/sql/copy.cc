// SqlStore: a whole database copied into another, of either backend
// (`leadloop migrate --from --to`, docs/deployment.md). The source is read
// in one snapshot; the target is written in one transaction, so a failed
// copy leaves it as empty as it was. Each table's rows are counted and
// digested as they are read, and the target's again after the commit.
#include <functional>
#include <unordered_set>

#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

namespace {

constexpr size_t kBatch = 5000;

// FNV-1a over a row's values, each with its length, NULL told apart from
// the empty text; finished by splitmix64 so that the table's digest, the
// sum of its rows', does not depend on their order.
uint64_t row_hash(const sql::Stmt& s, size_t columns) {
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (size_t i = 0; i < columns; ++i) {
    const int col = static_cast<int>(i);
    if (s.is_null(col)) {
      mix(0xff);
      continue;
    }
    const std::string_view v = s.text_view(col);
    for (size_t n = v.size(), k = 0; k < 8; ++k, n >>= 8) mix(static_cast<unsigned char>(n & 0xff));
    for (char c : v) mix(static_cast<unsigned char>(c));
  }
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The columns both sides have: every column of each, where SQLite's
// implicit rowid counts as a column of an SQLite side.
Result<std::vector<std::string>> shared_columns(sql::Db& from, sql::Db& to,
                                                const std::string& table) {
  auto a = from.table_columns(table);
  if (!a.ok()) return a.status();
  auto b = to.table_columns(table);
  if (!b.ok()) return b.status();
  if (b->empty())
    return Status(ErrorCode::kConflict, "the target has no table " + table + " (schemas differ)");
  std::vector<std::string> columns = *a;
  const std::unordered_set<std::string> in_a(a->begin(), a->end()), in_b(b->begin(), b->end());
  for (const std::string& c : *b) {
    if (in_a.count(c)) continue;
    if (c == "rowid" && from.implicit_rowid()) {
      columns.insert(columns.begin(), c);
      continue;
    }
    return Status(ErrorCode::kConflict,
                  "table " + table + ": the source has no column " + c + " (schemas differ)");
  }
  for (const std::string& c : *a) {
    if (!in_b.count(c) && !(c == "rowid" && to.implicit_rowid())) {
      return Status(ErrorCode::kConflict,
                    "table " + table + ": the target has no column " + c + " (schemas differ)");
    }
  }
  // Between two SQLite files an implicit rowid is not copied: rows are
  // written in the order they are read, which is the rowid's.
  return columns;
}

Result<int64_t> count_rows(sql::Db& db, const std::string& table) {
  auto st = db.prepare("SELECT count(*) FROM " + table);
  if (!st.ok()) return st.status();
  auto row = (*st)->step();
  if (!row.ok()) return row.status();
  return (*st)->int64(0);
}

// Binds the row's first n columns to parameters 1..n, as text or NULL.
// bind_static: the row stays as it is until the statement runs (a CopyRow
// copies).
void bind_row(sql::Binder& to, const sql::Stmt& row, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const int col = static_cast<int>(i);
    if (row.is_null(col)) {
      to.bind_null(col + 1);
    } else {
      to.bind_static(col + 1, row.text_view(col));
    }
  }
}

// Runs body in a read snapshot of db (Db::begin_snapshot ... COMMIT);
// the first failure is the one returned.
Status in_snapshot(sql::Db& db, const std::function<Status()>& body) {
  LEADLOOP_RETURN_IF_ERROR(db.begin_snapshot());
  Status st = body();
  Status closed = db.exec("COMMIT");
  return st.ok() ? closed : st;
}

// Adds the table's name to a failure's message.
Status in_table(const Status& st, const std::string& table) {
  if (st.ok()) return st;
  return Status(st.code(), "table " + table + ": " + st.message());
}

}  // namespace

Result<std::vector<TableCopy>> SqlStore::copy_to(SqlStore& target, const CopyProgress& progress) {
  if (&target == this)
    return Status(ErrorCode::kInvalidValue, "a database cannot be copied into itself");
  auto from = reader();
  if (!from.ok()) return from.status();
  sql::Db& src = **from;
  std::vector<TableCopy> copied;
  std::lock_guard lock(target.write_mu_);
  sql::Db& dst = target.writer();
  Status st = in_snapshot(src, [&] {
    return sql::in_transaction(dst, [&]() -> Status {
      auto tables = src.table_names();
      if (!tables.ok()) return tables.status();
      auto target_tables = dst.table_names();
      if (!target_tables.ok()) return target_tables.status();
      const std::unordered_set<std::string> here(tables->begin(), tables->end()),
          there(target_tables->begin(), target_tables->end());
      for (const std::string& table : *tables) {
        if (!there.count(table)) {
          return Status(ErrorCode::kConflict,
                        "the target has no table " + table + " (schemas differ)");
        }
      }
      for (const std::string& table : *target_tables) {
        if (!here.count(table)) {
          return Status(ErrorCode::kConflict,
                        "the source has no table " + table +
                            " (schemas differ, or the source's role cannot see it)");
        }
      }
      // Counted first, for the progress and the check; all in the snapshot.
      std::vector<int64_t> totals;
      for (const std::string& table : *tables) {
        auto n = count_rows(src, table);
        if (!n.ok()) return in_table(n.status(), table);
        totals.push_back(*n);
        auto held = count_rows(dst, table);
        if (!held.ok()) return in_table(held.status(), table);
        if (*held > 0) {
          return Status(ErrorCode::kConflict, "the target already holds " + std::to_string(*held) +
                                                  " rows in " + table +
                                                  ": copy into a new, empty database");
        }
      }
      for (size_t t = 0; t < tables->size(); ++t) {
        const std::string& table = (*tables)[t];
        auto columns = shared_columns(src, dst, table);
        if (!columns.ok()) return columns.status();
        const std::string list = joined(*columns);
        TableCopy c{table, *columns, 0, 0};
        std::vector<sql::CopyRow> batch;
        std::unique_ptr<sql::Stmt> insert;
        if (!dst.bulk()) {
          std::string marks;
          for (size_t i = 1; i <= columns->size(); ++i)
            marks += (i > 1 ? ", ?" : "?") + std::to_string(i);
          auto prepared =
              dst.prepare("INSERT INTO " + table + " (" + list + ") VALUES (" + marks + ")");
          if (!prepared.ok()) return in_table(prepared.status(), table);
          insert = std::move(prepared).value();
        }
        auto flush = [&]() -> Status {
          if (batch.empty()) return Status();
          Status written = dst.copy_rows(table, list, batch);
          batch.clear();
          return written;
        };
        Status scanned =
            src.scan("SELECT " + list + " FROM " + table, [&](const sql::Stmt& row) -> Status {
              c.digest += row_hash(row, columns->size());
              ++c.rows;
              if (insert) {
                bind_row(*insert, row, columns->size());
                LEADLOOP_RETURN_IF_ERROR(insert->run());
              } else {
                sql::CopyRow r;
                bind_row(r, row, columns->size());
                batch.push_back(std::move(r));
                if (batch.size() >= kBatch) LEADLOOP_RETURN_IF_ERROR(flush());
              }
              if (progress && c.rows % kBatch == 0) progress(table, c.rows, totals[t]);
              return Status();
            });
        if (scanned.ok()) scanned = flush();
        if (scanned.ok()) scanned = dst.after_copy(table);
        if (!scanned.ok()) return in_table(scanned, table);
        if (c.rows != totals[t]) {
          return Status(ErrorCode::kInternal, "table " + table + ": counted " +
                                                  std::to_string(totals[t]) + " rows, read " +
                                                  std::to_string(c.rows));
        }
        if (progress) progress(table, c.rows, totals[t]);
        copied.push_back(std::move(c));
      }
      return Status();
    });
  });
  if (!st.ok()) return st;
  return copied;
}

Result<std::vector<TableCopy>> SqlStore::digest_tables(const std::vector<TableCopy>& like) {
  auto from = reader();
  if (!from.ok()) return from.status();
  sql::Db& db = **from;
  std::vector<TableCopy> out;
  Status st = in_snapshot(db, [&]() -> Status {
    for (const TableCopy& t : like) {
      TableCopy c{t.table, t.columns, 0, 0};
      const size_t n = c.columns.size();
      LEADLOOP_RETURN_IF_ERROR(in_table(db.scan("SELECT " + joined(c.columns) + " FROM " + c.table,
                                                [&](const sql::Stmt& row) -> Status {
                                                  c.digest += row_hash(row, n);
                                                  ++c.rows;
                                                  return Status();
                                                }),
                                        c.table));
      out.push_back(std::move(c));
    }
    return Status();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace leadloop
