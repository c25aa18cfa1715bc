#include "store/postgres/pg_db.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>

namespace leadloop::pg {

namespace {

constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

void ignore_notice(void*, const char*) {}

}  // namespace

std::string pg_parameters(std::string_view sql, int& count, std::vector<bool>* used) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  if (used) used->clear();
  char quote = 0;  // ' or " while inside quotes
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    size_t j = i + 1;
    int n = 0;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (j == i + 1) n = count + 1;
    if (n > count) count = n;
    if (used) {
      if (used->size() < static_cast<size_t>(n)) used->resize(n, false);
      (*used)[n - 1] = true;
    }
    out += '$' + std::to_string(n);
    i = j - 1;
  }
  return out;
}

void append_copy_row(std::string& out, const sql::CopyRow& row) {
  bool first = true;
  for (const auto& value : row.values()) {
    if (!first) out += '\t';
    first = false;
    if (!value) {
      out += "\\N";
      continue;
    }
    for (char c : *value) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
      }
    }
  }
  out += '\n';
}

std::string redact_url(std::string_view url) {
  size_t scheme = url.find("://");
  size_t at = url.find('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) return std::string(url);
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

PgStmt::PgStmt(PgDb* db, std::string sql, std::vector<bool> used)
    : db_(db),
      sql_(std::move(sql)),
      values_(used.size()),
      null_(used.size(), true),
      types_(used.size(), 0),
      used_(std::move(used)) {}

PgStmt::~PgStmt() { clear_result(); }

void PgStmt::bind(int i, int64_t v) {
  if (i < 1 || i > static_cast<int>(values_.size())) return;
  values_[i - 1] = std::to_string(v);
  null_[i - 1] = false;
  types_[i - 1] = kInt8Oid;
}

void PgStmt::bind(int i, std::string_view v) {
  if (i < 1 || i > static_cast<int>(values_.size())) return;
  values_[i - 1].assign(v.data(), v.size());
  null_[i - 1] = false;
  types_[i - 1] = kTextOid;
}

void PgStmt::bind_null(int i) {
  if (i < 1 || i > static_cast<int>(values_.size())) return;
  values_[i - 1].clear();
  null_[i - 1] = true;
  types_[i - 1] = 0;
}

void PgStmt::clear_result() {
  if (result_) PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  rows_ = 0;
}

Status PgStmt::execute() {
  std::vector<const char*> values(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    values[i] = null_[i] || !used_[i] ? nullptr : values_[i].c_str();
    if (!used_[i]) types_[i] = kTextOid;
  }
  result_ = PQexecParams(db_->conn_, sql_.c_str(), static_cast<int>(values_.size()), types_.data(), values.data(),
                         nullptr, nullptr, 0);
  Status st = db_->check(result_);
  if (!st.ok()) {
    clear_result();
    return st;
  }
  rows_ = PQntuples(result_);
  row_ = -1;
  return Status();
}

Result<bool> PgStmt::step() {
  if (!result_) LEADLOOP_RETURN_IF_ERROR(execute());
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

Status PgStmt::run() {
  auto r = step();
  clear_result();  // ready to run again, with the same bindings
  if (!r.ok()) return r.status();
  return Status();
}

void PgStmt::reset() {
  clear_result();
  for (size_t i = 0; i < values_.size(); ++i) bind_null(static_cast<int>(i) + 1);
}

int64_t PgStmt::int64(int col) const {
  const char* v = PQgetvalue(result_, row_, col);
  if (v[0] == 't' && v[1] == 0) return 1;  // a boolean
  if (v[0] == 'f' && v[1] == 0) return 0;
  return std::strtoll(v, nullptr, 10);
}

double PgStmt::real(int col) const { return std::strtod(PQgetvalue(result_, row_, col), nullptr); }

std::string_view PgStmt::text_view(int col) const {
  return {PQgetvalue(result_, row_, col), static_cast<size_t>(PQgetlength(result_, row_, col))};
}

bool PgStmt::is_null(int col) const { return PQgetisnull(result_, row_, col) != 0; }

Result<std::unique_ptr<PgDb>> PgDb::open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn);
    return Status(ErrorCode::kIoError, "cannot open database '" + redact_url(url) + "': " + msg);
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  std::unique_ptr<PgDb> db(new PgDb(conn));
  // Timestamps are integers and text is compared byte by byte in the
  // schema; only the client encoding matters here.
  LEADLOOP_RETURN_IF_ERROR(db->exec("SET client_encoding = 'UTF8'"));
  return db;
}

PgDb::~PgDb() {
  clear_statements();
  PQfinish(conn_);
}

Status PgDb::check(PGresult* result) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string msg = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status(ErrorCode::kIoError, "database: " + msg);
  }
  const char* command = PQcmdStatus(result);
  if (std::strncmp(command, "INSERT", 6) == 0 || std::strncmp(command, "UPDATE", 6) == 0 ||
      std::strncmp(command, "DELETE", 6) == 0) {
    changes_ = std::strtoll(PQcmdTuples(result), nullptr, 10);
  }
  return Status();
}

Status PgDb::exec(std::string_view sql) {
  std::string s(sql);
  PGresult* result = PQexec(conn_, s.c_str());
  Status st = check(result);
  PQclear(result);
  return st;
}

Result<std::unique_ptr<sql::Stmt>> PgDb::prepare(std::string_view sql) {
  int count = 0;
  std::vector<bool> used;
  std::string text = pg_parameters(sql, count, &used);
  return std::unique_ptr<sql::Stmt>(std::make_unique<PgStmt>(this, std::move(text), std::move(used)));
}

Result<std::vector<int64_t>> PgDb::reserve_ids(std::string_view table, size_t n) {
  std::vector<int64_t> ids;
  if (n == 0) return ids;
  auto st = prepare("SELECT nextval(pg_get_serial_sequence(?1, 'id')) FROM generate_series(1, ?2) ORDER BY 1");
  if (!st.ok()) return st.status();
  (*st)->bind(1, table);
  (*st)->bind(2, static_cast<int64_t>(n));
  ids.reserve(n);
  LEADLOOP_RETURN_IF_ERROR((*st)->each_row([&](const sql::Stmt& s) { ids.push_back(s.int64(0)); }));
  if (ids.size() != n) return Status(ErrorCode::kInternal, "the sequence of " + std::string(table) + " gave too few ids");
  return ids;
}

Status PgDb::copy_rows(std::string_view table, std::string_view columns, const std::vector<sql::CopyRow>& rows) {
  if (rows.empty()) return Status();
  const std::string sql = "COPY " + std::string(table) + " (" + std::string(columns) + ") FROM STDIN";
  PGresult* start = PQexec(conn_, sql.c_str());
  const bool copying = start && PQresultStatus(start) == PGRES_COPY_IN;
  Status st = copying ? Status() : check(start);
  PQclear(start);
  if (!copying) return st.ok() ? Status(ErrorCode::kIoError, "database: COPY did not start") : st;
  std::string chunk;
  bool sent = true;
  for (size_t i = 0; i < rows.size() && sent; ++i) {
    append_copy_row(chunk, rows[i]);
    if (chunk.size() >= (1 << 16) || i + 1 == rows.size()) {
      sent = PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) == 1;
      chunk.clear();
    }
  }
  PQputCopyEnd(conn_, sent ? nullptr : "the client could not send the rows");
  // The COPY's outcome, then nothing more.
  while (PGresult* result = PQgetResult(conn_)) {
    Status each = check(result);
    if (st.ok()) st = each;
    PQclear(result);
  }
  return st;
}

namespace {

std::string quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<std::vector<std::string>> PgDb::table_names() {
  // leadloop_schema is the migrations' own (pg_migrations.cc).
  return sql::first_column(
      *this,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
      "AND table_type = 'BASE TABLE' AND table_name <> 'leadloop_schema' ORDER BY table_name");
}

Result<std::vector<std::string>> PgDb::table_columns(std::string_view table) {
  return sql::first_column(
      *this,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = ?1 ORDER BY ordinal_position",
      table);
}

Status PgDb::scan(std::string_view sql, const std::function<Status(const sql::Stmt&)>& fn) {
  LEADLOOP_RETURN_IF_ERROR(exec("DECLARE leadloop_scan NO SCROLL CURSOR FOR " + std::string(sql)));
  auto fetch = prepare("FETCH FORWARD 5000 FROM leadloop_scan");
  Status st = fetch.status();
  while (st.ok()) {
    int rows = 0;
    while (st.ok()) {
      auto row = (*fetch)->step();
      if (!row.ok()) {
        st = row.status();
      } else if (!*row) {
        break;
      } else {
        ++rows;
        st = fn(**fetch);
      }
    }
    if (fetch.ok()) (*fetch)->reset();
    if (rows == 0) break;
  }
  Status closed = exec("CLOSE leadloop_scan");
  return st.ok() ? closed : st;
}

Status PgDb::after_copy(std::string_view table) {
  auto identity = sql::first_column(
      *this,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = ?1 AND is_identity = 'YES'",
      table);
  if (!identity.ok()) return identity.status();
  for (const std::string& column : *identity) {
    auto st = prepare("SELECT setval(pg_get_serial_sequence(?1, ?2), coalesce(max(" +
                      quoted(column) + "), 0) + 1, false) FROM " + quoted(table));
    if (!st.ok()) return st.status();
    (*st)->bind(1, quoted(table));
    (*st)->bind(2, column);
    LEADLOOP_RETURN_IF_ERROR((*st)->run());
  }
  return Status();
}

Result<int64_t> PgDb::last_insert_id() {
  PGresult* result = PQexec(conn_, "SELECT lastval()");
  Status st = check(result);
  int64_t id = st.ok() ? std::strtoll(PQgetvalue(result, 0, 0), nullptr, 10) : 0;
  PQclear(result);
  if (!st.ok()) return st;
  return id;
}

}  // namespace leadloop::pg
