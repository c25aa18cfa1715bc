// The soak's client threads: the route table, the operations and their log.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "leads.h"
#include "soak.h"

namespace leadloop::bench {

const RouteSpec kRoutes[kRouteCount] = {
    {"capture", "POST /api/v1/leads (a new person)", 15},
    {"bulk", "POST /api/v1/leads/bulk (20 new people)", 1},
    {"import", "POST /api/v1/imports (CSV, 20 new people)", 1},
    {"recapture", "POST /api/v1/leads (a person already captured: merged)", 10},
    {"transition", "POST /api/v1/leads/{id}/transitions", 30},
    {"report", "GET /api/v1/reports/{funnel,leaks,speed-to-lead,stage-times,stalled,campaigns}",
     25},
    {"export", "GET /api/v1/exports/leads.csv (the load's campaign)", 2},
    {"read", "GET /api/v1/leads/{id}", 16},
};

const char* const kPath[] = {"captured", "qualified", "accepted", "working", "opportunity", "won"};
const int kPathLength = 6;

void RouteStats::record(Route route, double ms, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  window_[route].push_back(ms);
  ++classes_[route][static_cast<size_t>(status / 100)];
}

std::array<std::vector<double>, kRouteCount> RouteStats::take() {
  std::lock_guard<std::mutex> lock(mu_);
  std::array<std::vector<double>, kRouteCount> out;
  out.swap(window_);
  return out;
}

long RouteStats::answers(Route route, int status_class) const {
  std::lock_guard<std::mutex> lock(mu_);
  return classes_[route][static_cast<size_t>(status_class)];
}

long RouteStats::total(int status_class) const {
  long n = 0;
  for (int r = 0; r < kRouteCount; ++r) n += answers(static_cast<Route>(r), status_class);
  return n;
}

namespace {

// The per-record results of a bulk answer; none if it is not the JSON the
// API documents (the check at the end then misses those leads).
nlohmann::json results_of(const std::string& body) {
  const auto answer = nlohmann::json::parse(body, nullptr, false);
  if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array())
    return nlohmann::json::array();
  return answer["results"];
}

const char* const kReports[] = {"funnel",      "leaks",   "speed-to-lead",
                                "stage-times", "stalled", "campaigns"};
// The body of the move to kPath[stage]: an opportunity needs an amount and
// a close date, a win its revenue.
const char* const kMoveExtras[] = {
    "", "", "", "", ",\"amount\":48000,\"expected_close\":\"2027-03-31\"", ",\"revenue\":51000"};

// One client thread: its connection, its dice and its log.
class Worker {
 public:
  Worker(const SoakContext& ctx, int index, RouteStats& stats, WriteLog& log)
      : ctx_(ctx),
        index_(index),
        stats_(stats),
        log_(log),
        client_(make_client(ctx.api, 120, true)),
        dice_(ctx.run + static_cast<uint64_t>(index)) {
    for (const RouteSpec& r : kRoutes) weights_.push_back(r.weight);
  }

  void step() {
    std::discrete_distribution<int> pick(weights_.begin(), weights_.end());
    switch (static_cast<Route>(pick(dice_))) {
      case kCapture:
        return capture();
      case kBulk:
        return bulk();
      case kImport:
        return import();
      case kRecapture:
        return recapture();
      case kTransition:
        return transition();
      case kReport:
        return report();
      case kExport:
        return export_leads();
      case kReadLead:
        return read_lead();
      case kRouteCount:
        return;
    }
  }

 private:
  // Each thread's people are its own: index_ * 10^9 onwards.
  int64_t next_person() { return static_cast<int64_t>(index_) * 1000000000 + next_++; }

  template <class Send>
  httplib::Result timed(Route route, Send send) {
    const auto t0 = Clock::now();
    httplib::Result res = send();
    const int status = res ? res->status : 0;
    stats_.record(route, ms_between(t0, Clock::now()), status);
    if (status >= 400 && status < 500) ++log_.unexpected_4xx;
    return res;
  }

  void acked(int64_t id, std::string email) {
    stats_.created(1);
    log_.movable.push_back(log_.leads.size());
    log_.leads.push_back({id, std::move(email), 0, 0});
  }

  void capture() {
    const int64_t person = next_person();
    auto res = timed(kCapture, [&] {
      return client_->Post("/api/v1/leads", lead_json(ctx_.run, person, ctx_.campaign),
                           "application/json");
    });
    if (res && res->status == 201)
      acked(json_number(res->body, "id"), lead_email(ctx_.run, person));
  }

  void bulk() {
    const int64_t first = next_person();
    next_ += ctx_.bulk_size - 1;
    auto res = timed(kBulk, [&] {
      return client_->Post("/api/v1/leads/bulk",
                           bulk_json(ctx_.run, first, ctx_.bulk_size, ctx_.campaign),
                           "application/json");
    });
    if (!res || res->status != 200) return;
    for (const auto& r : results_of(res->body)) {
      if (r.value("status", "") == "created")
        acked(r.value("id", int64_t{-1}), lead_email(ctx_.run, first + r.value("index", 0)));
    }
  }

  void import() {
    const int64_t first = next_person();
    next_ += ctx_.import_rows - 1;
    const std::string path = "/api/v1/imports?campaign=" + ctx_.campaign + "&filename=soak.csv";
    auto res = timed(kImport, [&] {
      return client_->Post(path, csv_file(ctx_.run, first, ctx_.import_rows), "text/csv");
    });
    if (!res || res->status != 201) return;
    const auto answer = nlohmann::json::parse(res->body, nullptr, false);
    const auto record = answer.is_object() ? answer.value("import", nlohmann::json::object())
                                           : nlohmann::json::object();
    log_.imports.push_back({record.value("id", int64_t{-1}), ctx_.run, first, ctx_.import_rows,
                            record.value("created", -1L), record.value("merged", -1L)});
    stats_.created(std::max(0L, log_.imports.back().created));
  }

  void recapture() {
    if (log_.leads.empty()) return capture();
    const AckedLead& lead = log_.leads[dice_() % log_.leads.size()];
    const int64_t person = person_of(lead.email);
    auto res = timed(kRecapture, [&] {
      return client_->Post("/api/v1/leads", lead_json(ctx_.run, person, ctx_.campaign),
                           "application/json");
    });
    if (res && res->status == 200 && json_number(res->body, "id") != lead.id)
      ++log_.recapture_mismatches;
  }

  void transition() {
    if (log_.movable.empty()) return capture();
    const size_t at = dice_() % log_.movable.size();
    AckedLead& lead = log_.leads[log_.movable[at]];
    const int to = lead.stage + 1;
    const std::string body = std::string("{\"to\":\"") + kPath[to] + "\"" + kMoveExtras[to] + "}";
    auto res = timed(kTransition, [&] {
      return client_->Post("/api/v1/leads/" + std::to_string(lead.id) + "/transitions", body,
                           "application/json");
    });
    if (!res || res->status / 100 != 2) return;
    lead.stage = to;
    ++lead.transitions;
    if (to + 1 == kPathLength) {
      log_.movable[at] = log_.movable.back();
      log_.movable.pop_back();
    }
  }

  void report() {
    const std::string path =
        std::string("/api/v1/reports/") + kReports[reports_++ % std::size(kReports)];
    timed(kReport, [&] { return client_->Get(path); });
  }

  void export_leads() {
    size_t bytes = 0;
    timed(kExport, [&] {
      return client_->Get("/api/v1/exports/leads.csv?campaign=" + ctx_.campaign,
                          [&bytes](const char*, size_t n) { return (bytes += n, true); });
    });
  }

  void read_lead() {
    if (log_.leads.empty()) return capture();
    const AckedLead& lead = log_.leads[dice_() % log_.leads.size()];
    timed(kReadLead, [&] { return client_->Get("/api/v1/leads/" + std::to_string(lead.id)); });
  }

  // The index a soak email was made from: "load<run>.<index>@...".
  static int64_t person_of(const std::string& email) {
    return std::stoll(email.substr(email.find('.') + 1));
  }

  const SoakContext& ctx_;
  const int index_;
  RouteStats& stats_;
  WriteLog& log_;
  std::unique_ptr<httplib::Client> client_;
  std::mt19937_64 dice_;
  std::vector<int> weights_;
  int64_t next_ = 0;
  size_t reports_ = 0;
};

}  // namespace

void run_worker(const SoakContext& ctx, int index, double rate, Clock::time_point until,
                RouteStats& stats, WriteLog& log) {
  Worker worker(ctx, index, stats, log);
  const auto period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
  auto next = Clock::now();
  while (Clock::now() < until) {
    worker.step();
    next += period;
    // A thread that fell behind (a slow export) carries on at the pace
    // from now, rather than sending a burst to catch up.
    if (next < Clock::now() - std::chrono::seconds(1)) next = Clock::now();
    std::this_thread::sleep_until(std::min(next, until));
  }
}

bool preload(const SoakContext& ctx, int count, WriteLog& log, RouteStats& stats) {
  auto client = make_client(ctx.api, 300, true);
  constexpr int kBatch = 5000;
  const int64_t base = 9000000000;
  for (int first = 0; first < count; first += kBatch) {
    const int n = std::min(kBatch, count - first);
    auto res =
        client->Post("/api/v1/leads/bulk", bulk_json(ctx.run, base + first, n, ctx.base_campaign),
                     "application/json");
    if (!res || res->status != 200) return false;
    for (const auto& r : results_of(res->body)) {
      if (r.value("status", "") != "created") continue;
      log.leads.push_back({r.value("id", int64_t{-1}),
                           lead_email(ctx.run, base + first + r.value("index", 0)), 0, 0});
      stats.created(1);
    }
  }
  return true;
}

}  // namespace leadloop::bench
