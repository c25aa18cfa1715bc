// The soak (issue 17, section 5): a paced mixed load from a few client
// threads against a running server, with the client's own log of every
// acknowledged write, checked against the server at the end.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "api.h"
#include "proc.h"
#include "stats.h"

namespace leadloop::bench {

// The routes of the mix, each with its share of the operations.
enum Route : int {
  kCapture,
  kBulk,
  kImport,
  kRecapture,
  kTransition,
  kReport,
  kExport,
  kReadLead,
  kRouteCount
};

struct RouteSpec {
  const char* name;  // a CSV column and chart legend
  const char* what;  // the request
  int weight;
};
extern const RouteSpec kRoutes[kRouteCount];

// The stages a soak lead moves through, one acknowledged transition each.
extern const char* const kPath[];
extern const int kPathLength;

// Latencies per route since the last take(), and answers by status class
// for the whole run. Thread-safe.
class RouteStats {
 public:
  // `status` 0: no answer (refused, reset, timed out).
  void record(Route route, double ms, int status);
  std::array<std::vector<double>, kRouteCount> take();
  long answers(Route route, int status_class) const;  // 2, 4, 5; 0: no answer
  long total(int status_class) const;
  // New leads the server acknowledged, so far.
  void created(long leads) { created_ += leads; }
  long created() const { return created_; }

 private:
  std::atomic<long> created_{0};
  mutable std::mutex mu_;
  std::array<std::vector<double>, kRouteCount> window_;
  std::array<std::array<long, 6>, kRouteCount> classes_{};
};

// What the server acknowledged to one client thread.
struct AckedLead {
  int64_t id;
  std::string email;
  int stage;  // index in kPath: the last transition answered 2xx
  int transitions;
};
struct AckedImport {
  int64_t id;
  uint64_t run;
  int64_t first;
  int rows;
  long created, merged;
};
struct WriteLog {
  std::vector<AckedLead> leads;
  std::vector<size_t> movable;  // leads not yet at the end of kPath
  std::vector<AckedImport> imports;
  long recapture_mismatches = 0;  // a re-capture merged into another lead
  long unexpected_4xx = 0;
};

// The shared setting of the client threads.
struct SoakContext {
  Api api;
  std::string campaign;       // the load's leads
  std::string base_campaign;  // the preloaded leads
  uint64_t run = 0;
  int bulk_size = 20;
  int import_rows = 20;
};

// One client thread's load: `rate` operations per second, drawn from kRoutes
// by weight, until `until`.
void run_worker(const SoakContext& ctx, int index, double rate, Clock::time_point until,
                RouteStats& stats, WriteLog& log);

// Captures `count` leads in bulk into the base campaign before the load, so
// the server holds a database of some size; they join `log`. False if the
// server refused.
bool preload(const SoakContext& ctx, int count, WriteLog& log, RouteStats& stats);

// Every acknowledged write read back from the API at the end.
struct CheckResult {
  long leads = 0, leads_missing = 0, leads_wrong = 0;  // wrong: another email or stage
  long imports = 0, imports_missing = 0, import_rows = 0, import_rows_missing = 0;
  long timelines = 0, timelines_wrong = 0;  // transitions answered 2xx vs stage_changed events
  long recapture_mismatches = 0;
  std::string error;  // the export or a read failed
  bool ok() const;
};
CheckResult check_writes(const SoakContext& ctx, const std::vector<WriteLog>& logs,
                         int timeline_checks);

// One sample of the run, every `--sample-s`.
struct Sample {
  double t = 0;
  Memory memory;
  long streams = 0;
  long requests = 0;
  long leads = 0;  // new leads acknowledged so far, the preload included
  long errors_5xx = 0;
  std::array<double, kRouteCount> p99{};  // NaN: no request in the window
};
// The samples as CSV, and as an SVG chart of RSS and p99 per route over time.
bool write_csv(const std::string& path, const std::vector<Sample>& samples);
bool write_svg(const std::string& path, const std::vector<Sample>& samples, double warmup_s,
               const std::string& title);

}  // namespace leadloop::bench
