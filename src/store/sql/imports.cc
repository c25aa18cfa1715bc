// SqlStore: imports and their rejected rows.
#include "store/sql/rows.h"
#include "store/sql/sql_reader.h"
#include "store/sql/sql_store.h"

namespace leadloop {

using namespace sql;  // Stmt and the row mapping (rows.h)

Status SqlStore::put_import(ImportRecord& r) {
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
  if (r.id == 0) LEADLOOP_RETURN_IF_ERROR(inserted_id(r.id));
  return Status();
}

namespace {

constexpr const char* kImportErrorColumns = "import_id, line, col, field, code, reason";

void bind_import_error(Binder& s, int64_t import_id, const ImportError& e) {
  s.bind(1, import_id);
  s.bind(2, e.line);
  s.bind(3, int64_t{e.column});
  s.bind(4, e.field);
  s.bind(5, e.code);
  s.bind(6, e.reason);
}

}  // namespace

Status SqlStore::add_import_errors(int64_t import_id, const std::vector<ImportError>& errors) {
  if (errors.empty()) return Status();
  std::lock_guard lock(write_mu_);
  return sql::in_transaction(*writer_, [&]() -> Status {
    if (writer_->bulk()) {
      std::vector<CopyRow> rows(errors.size());
      for (size_t i = 0; i < errors.size(); ++i) bind_import_error(rows[i], import_id, errors[i]);
      return writer_->copy_rows("import_errors", kImportErrorColumns, rows);
    }
    auto st = writer_->cached(std::string("INSERT INTO import_errors (") + kImportErrorColumns +
                              ") VALUES (?,?,?,?,?,?)");
    if (!st.ok()) return st.status();
    for (const ImportError& e : errors) {
      bind_import_error(**st, import_id, e);
      LEADLOOP_RETURN_IF_ERROR((*st)->run());
    }
    return Status();
  });
}

Result<ImportRecord> SqlStore::get_import(int64_t id) {
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

Result<std::vector<ImportError>> SqlStore::import_errors(int64_t import_id, int64_t after_line,
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

}  // namespace leadloop
