// Bulk ingest benchmark: N seeded leads through POST /api/v1/leads/bulk of
// a running server (durable: each 2xx is fsynced), against its SQL twin:
// the same rows inserted into a plain SQLite file (WAL, synchronous=FULL,
// one transaction per batch, prepared statement) in the same run. The twin
// checks every SQLite call and counts its rows afterwards; the exit status is
// 1 when a request failed, a lead is missing from the answers, or the twin
// failed.
//
//   leadloop_bench_ingest --port P --token T [--leads 100000] [--batch 10000]
//                         [--connections 2] [--seed 1] [--twin-db FILE]
#include <httplib.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Row {
  std::string email, phone, first_name, last_name, company, title, industry, country, region;
  int employees;
  std::string budget, timeframe;
};

const char* kFirst[] = {"Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"};
const char* kLast[] = {"Smith", "Garcia", "Rossi", "Dubois", "Jansen", "Nakamura", "Chen", "Silva", "Novak", "Berg"};
const char* kCompany[] = {"Acme", "Northwind", "Vertex", "Orion", "Helix", "Summit", "Nimbus", "Cobalt"};
const char* kTitle[] = {"VP Sales", "CTO", "IT Manager", "CFO", "Head of Operations"};
const char* kIndustry[] = {"software", "manufacturing", "healthcare", "finance", "retail"};
const char* kCountry[][2] = {{"US", "NA"}, {"DE", "EMEA"}, {"GB", "EMEA"}, {"SG", "APAC"}, {"CA", "NA"}};

std::vector<Row> generate(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Row> rows(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Row& r = rows[static_cast<size_t>(i)];
    r.first_name = kFirst[rng() % 10];
    r.last_name = kLast[rng() % 10];
    // Unique identities: every generated lead is a new person.
    r.company = std::string(kCompany[rng() % 8]) + " " + std::to_string(seed) + "-" + std::to_string(i);
    r.email = "bench" + std::to_string(seed) + "." + std::to_string(i) + "@" + std::to_string(rng() % 100000) + ".example";
    r.phone = "+1 " + std::to_string(200 + seed % 700) + " " + std::to_string(1000000 + i);
    r.title = kTitle[rng() % 5];
    r.industry = kIndustry[rng() % 5];
    const auto& c = kCountry[rng() % 5];
    r.country = c[0];
    r.region = c[1];
    r.employees = static_cast<int>(5 + rng() % 20000);
    r.budget = rng() % 2 ? "confirmed" : "unknown";
    r.timeframe = std::to_string(30 * (1 + rng() % 6));
  }
  return rows;
}

std::string body_of(const std::vector<Row>& rows, size_t from, size_t to, const std::string& campaign) {
  std::string b = "[";
  for (size_t i = from; i < to; ++i) {
    const Row& r = rows[i];
    if (i > from) b += ',';
    b += "{\"email\":\"" + r.email + "\",\"phone\":\"" + r.phone + "\",\"first_name\":\"" + r.first_name +
         "\",\"last_name\":\"" + r.last_name + "\",\"company\":\"" + r.company + "\",\"title\":\"" + r.title +
         "\",\"industry\":\"" + r.industry + "\",\"employees\":" + std::to_string(r.employees) +
         ",\"country\":\"" + r.country + "\",\"region\":\"" + r.region + "\",\"source_campaign\":\"" + campaign +
         "\",\"attributes\":{\"budget\":\"" + r.budget + "\",\"timeframe_days\":\"" + r.timeframe + "\"}}";
  }
  return b + "]";
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The twin's time in seconds, or a negative number when one of its SQLite
// calls failed or the file does not hold every row afterwards (said on
// stderr): a twin that did less work would flatter it.
double sqlite_twin(const std::vector<Row>& rows, size_t batch, const std::string& path) {
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  sqlite3* db = nullptr;
  bool ok = true;
  auto expect = [&](int rc, int wanted, const char* what) {
    if (rc == wanted) return;
    if (ok) std::fprintf(stderr, "sqlite twin: %s failed: %s\n", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    ok = false;
  };
  expect(sqlite3_open(path.c_str(), &db), SQLITE_OK, "open");
  expect(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "CREATE TABLE leads(id INTEGER PRIMARY KEY, email TEXT, phone TEXT, first_name TEXT,"
                          " last_name TEXT, company TEXT, title TEXT, industry TEXT, employees INTEGER,"
                          " country TEXT, region TEXT, source_campaign TEXT, attributes TEXT)",
                      nullptr, nullptr, nullptr),
         SQLITE_OK, "CREATE TABLE");
  sqlite3_stmt* st = nullptr;
  expect(sqlite3_prepare_v2(db, "INSERT INTO leads VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, nullptr),
         SQLITE_OK, "prepare");
  if (!ok) {
    sqlite3_close(db);
    return -1;
  }
  auto t0 = std::chrono::steady_clock::now();
  for (size_t from = 0; from < rows.size() && ok; from += batch) {
    expect(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), SQLITE_OK, "BEGIN");
    for (size_t i = from; i < std::min(rows.size(), from + batch); ++i) {
      const Row& r = rows[i];
      int k = 1;
      for (const std::string* s : {&r.email, &r.phone, &r.first_name, &r.last_name, &r.company, &r.title, &r.industry}) {
        sqlite3_bind_text(st, k++, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      }
      sqlite3_bind_int(st, k++, r.employees);
      sqlite3_bind_text(st, k++, r.country.data(), static_cast<int>(r.country.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, k++, r.region.data(), static_cast<int>(r.region.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, k++, "bench", 5, SQLITE_STATIC);
      std::string attrs = "{\"budget\":\"" + r.budget + "\",\"timeframe_days\":\"" + r.timeframe + "\"}";
      sqlite3_bind_text(st, k++, attrs.data(), static_cast<int>(attrs.size()), SQLITE_TRANSIENT);
      expect(sqlite3_step(st), SQLITE_DONE, "INSERT");
      sqlite3_reset(st);
    }
    expect(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK, "COMMIT");
  }
  double secs = seconds_since(t0);
  sqlite3_finalize(st);
  // Every row there, read back after the timing.
  sqlite3_stmt* count = nullptr;
  int64_t stored = -1;
  expect(sqlite3_prepare_v2(db, "SELECT count(*) FROM leads", -1, &count, nullptr), SQLITE_OK, "prepare count");
  if (count && sqlite3_step(count) == SQLITE_ROW) stored = sqlite3_column_int64(count, 0);
  sqlite3_finalize(count);
  sqlite3_close(db);
  if (stored != static_cast<int64_t>(rows.size())) {
    std::fprintf(stderr, "sqlite twin: the file holds %lld rows, not %zu\n", static_cast<long long>(stored),
                 rows.size());
    ok = false;
  }
  return ok ? secs : -1;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, leads = 100000, connections = 2;
  size_t batch = 10000;
  uint64_t seed = 1;
  std::string token, campaign = "bench", twin_db = "/tmp/leadloop-bench-twin.db";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") port = std::stoi(v);
    else if (k == "--token") token = v;
    else if (k == "--leads") leads = std::stoi(v);
    else if (k == "--batch") batch = static_cast<size_t>(std::stoul(v));
    else if (k == "--connections") connections = std::stoi(v);
    else if (k == "--seed") seed = std::stoull(v);
    else if (k == "--campaign") campaign = v;
    else if (k == "--twin-db") twin_db = v;
  }
  if (!port || token.empty()) {
    std::fprintf(stderr, "usage: %s --port P --token T [--leads N] [--batch N] [--connections N]\n", argv[0]);
    return 2;
  }
  std::vector<Row> rows = generate(leads, seed);
  std::vector<std::string> bodies;
  for (size_t from = 0; from < rows.size(); from += batch) {
    bodies.push_back(body_of(rows, from, std::min(rows.size(), from + batch), campaign));
  }

  std::atomic<size_t> next{0};
  std::atomic<long> created{0}, merged{0}, failures{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int c = 0; c < connections; ++c) {
    workers.emplace_back([&] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_bearer_token_auth(token);
      cli.set_read_timeout(120, 0);
      cli.set_keep_alive(true);
      for (size_t i = next++; i < bodies.size(); i = next++) {
        auto r = cli.Post("/api/v1/leads/bulk", bodies[i], "application/json");
        if (!r || r->status != 200) {
          ++failures;
          continue;
        }
        const std::string& b = r->body;
        size_t at = b.find("\"created\":");
        if (at != std::string::npos) created += std::stol(b.substr(at + 10));
        at = b.find("\"merged\":");
        if (at != std::string::npos) merged += std::stol(b.substr(at + 9));
      }
    });
  }
  for (auto& w : workers) w.join();
  double api_secs = seconds_since(t0);
  double twin_secs = sqlite_twin(rows, batch, twin_db);
  if (twin_secs < 0) {
    std::printf("bulk ingest: the SQLite twin failed (see above); no ratio\n");
    return 1;
  }
  double api_rate = leads / api_secs, twin_rate = leads / twin_secs;
  std::printf("bulk ingest: %d leads, batches of %zu, %d connections\n", leads, batch, connections);
  std::printf("  leadloop  POST /api/v1/leads/bulk (validate, dedupe, lead + event, fsync): %.3f s  %.0f leads/s  (%ld created, %ld merged, %ld failed requests)\n",
              api_secs, api_rate, created.load(), merged.load(), failures.load());
  std::printf("  sqlite    plain INSERT of the same rows (WAL, synchronous=FULL):             %.3f s  %.0f rows/s\n",
              twin_secs, twin_rate);
  std::printf("  ratio     leadloop / sqlite twin: %.2fx\n", api_rate / twin_rate);
  return failures.load() == 0 && created.load() + merged.load() == leads ? 0 : 1;
}
