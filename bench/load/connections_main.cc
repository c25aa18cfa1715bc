// Health latency and bulk capture time while N idle or slow connections are
// held open against a running server (issue 17, section 1):
//   health p99 <= 50 ms and a 10k-lead bulk capture <= 1.2x its time without
//   them, with all N still open at the end.
//
//   leadloop_bench_connections --port P --token T [--connections 10000]
//       [--mode idle|slow] [--slow-interval-ms 3000] [--health 500] [--leads 10000] [--repeat 3]
//       [--hold-s 20] [--open-timeout-s 30] [--request-timeout-s 5]
//       [--health-deadline-s 30] [--capture-timeout-s 60] [--server-pid PID]
//
// Exit status 1 if a bar fails, 2 on a usage error.
#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "api.h"
#include "flags.h"
#include "held_connections.h"
#include "leads.h"
#include "proc.h"
#include "stats.h"

namespace leadloop::bench {

namespace {

constexpr double kHealthP99BarMs = 50;
constexpr double kCaptureRatioBar = 1.2;

struct Options {
  Api api;
  HoldOptions hold;
  int health = 500;
  int leads = 10000;
  int repeat = 3;
  int hold_s = 20, open_timeout_s = 30, request_timeout_s = 5, health_deadline_s = 30,
      capture_timeout_s = 60;
  int server_pid = 0;
};

struct Health {
  Summary summary;
  size_t not_sent = 0;  // by the deadline; counted as failed in the summary
};

// `count` health requests, each on a fresh connection, one after the other,
// until `deadline_s`: the requests not sent by then count as failed.
Health time_health(const Options& o, int count, int deadline_s) {
  std::vector<double> ms;
  size_t failed = 0, not_sent = 0;
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    if (seconds_since(start) > deadline_s) {
      not_sent = static_cast<size_t>(count - i);
      break;
    }
    auto client = make_client(o.api, o.request_timeout_s, false);
    const auto t0 = Clock::now();
    auto res = client->Get("/api/v1/health");
    if (res && res->status == 200) {
      ms.push_back(ms_between(t0, Clock::now()));
    } else {
      ++failed;
    }
  }
  return {summarize(std::move(ms), failed + not_sent), not_sent};
}

std::string describe(const Health& h) {
  const size_t unanswered = h.summary.failed - h.not_sent;
  return describe(h.summary) + "  (" + std::to_string(unanswered) + " failed or timed out, " +
         std::to_string(h.not_sent) + " not sent by the deadline)";
}

struct Capture {
  double seconds = 0;
  long created = -1;
  std::string error;
};

Capture time_capture(const Options& o, uint64_t run, int64_t first, int count,
                     const std::string& campaign) {
  const std::string body = bulk_json(run, first, count, campaign);
  auto client = make_client(o.api, o.capture_timeout_s, false);
  const auto t0 = Clock::now();
  auto res = client->Post("/api/v1/leads/bulk", body, "application/json");
  Capture c{seconds_since(t0), -1, ""};
  if (!res)
    c.error = "no answer: " + httplib::to_string(res.error());
  else if (res->status != 200)
    c.error = "status " + std::to_string(res->status);
  else
    c.created = json_number(res->body, "created");
  return c;
}

// `repeat` captures of `leads` new leads each; the median one, and all the
// times ("0.31 0.29 0.30 s"). A failed one stands for the whole.
Capture median_capture(const Options& o, uint64_t run, int64_t first, const std::string& campaign,
                       std::string& times) {
  std::vector<Capture> all;
  for (int k = 0; k < o.repeat; ++k) {
    all.push_back(
        time_capture(o, run, first + static_cast<int64_t>(k) * o.leads, o.leads, campaign));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.3f", k ? " " : "", all.back().seconds);
    times += buf;
    if (!all.back().error.empty()) return all.back();
  }
  std::sort(all.begin(), all.end(),
            [](const Capture& a, const Capture& b) { return a.seconds < b.seconds; });
  return all[all.size() / 2];
}

std::string describe(const Capture& c, int leads) {
  char buf[160];
  if (!c.error.empty()) {
    std::snprintf(buf, sizeof buf, "%d leads  failed after %.3f s (%s)", leads, c.seconds,
                  c.error.c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%d leads  %.3f s  %.0f leads/s  (%ld created)", leads,
                  c.seconds, leads / c.seconds, c.created);
  }
  return buf;
}

// Waits until all N are open or the timeout; returns the seconds it took.
double wait_open(const HeldConnections& held, const Options& o) {
  const auto t0 = Clock::now();
  while (held.counters().open < o.hold.count && seconds_since(t0) < o.open_timeout_s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return seconds_since(t0);
}

void print_hold_state(const HeldConnections& held, const Options& o, const char* when) {
  const HoldCounters& c = held.counters();
  std::printf(
      "  held connections %s: %ld of %d open (client side); server closed %ld and answered %s; "
      "reopened %ld; "
      "connect errors %ld",
      when, c.open.load(), o.hold.count, c.closed_by_server.load(), held.answers().c_str(),
      c.reopened.load(), c.connect_errors.load());
  if (o.server_pid) std::printf("; server holds %ld descriptors", count_fds(o.server_pid));
  std::printf("\n");
}

int run(const Options& o) {
  const char* mode = o.hold.slow ? "slow" : "idle";
  std::printf(
      "connections: %d %s connections held from %d loopback addresses (open file limit %ld); "
      "health: %d requests, a fresh connection each; bulk capture: %d leads\n",
      o.hold.count, mode, SourceAddresses::kCount, raise_fd_limit(), o.health, o.leads);
  const uint64_t run_id = new_run_id();
  const std::string campaign = "load-conn-" + std::to_string(run_id);
  if (!create_campaign(o.api, campaign)) return 1;
  time_health(o, 50, o.health_deadline_s);                             // warm-up
  time_capture(o, run_id, 2 * o.repeat * o.leads, o.leads, campaign);  // warm-up

  const Health health_before = time_health(o, o.health, o.health_deadline_s);
  std::printf("  health without held connections: %d requests  %s\n", o.health,
              describe(health_before).c_str());
  std::string times_before, times_during;
  const Capture before = median_capture(o, run_id, 0, campaign, times_before);
  std::printf("  bulk capture without held connections, median of %d: %s  (each: %s s)\n", o.repeat,
              describe(before, o.leads).c_str(), times_before.c_str());

  HeldConnections held(o.api.server, o.hold);
  const auto hold_start = Clock::now();
  held.start();
  const double open_s = wait_open(held, o);
  std::printf("  opened %ld of %d %s connections in %.1f s\n", held.counters().open.load(),
              o.hold.count, mode, open_s);
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const Health health = time_health(o, o.health, o.health_deadline_s);
  const bool health_ok = health.summary.failed == 0 && health.summary.p99 <= kHealthP99BarMs;
  std::printf("  health with %ld held: %d requests  %s   bar p99 <= %.0f ms: %s\n",
              held.counters().open.load(), o.health, describe(health).c_str(), kHealthP99BarMs,
              verdict(health_ok));
  const Capture during =
      median_capture(o, run_id, static_cast<int64_t>(o.repeat) * o.leads, campaign, times_during);
  const double ratio = during.seconds / before.seconds;
  const bool capture_ok = during.error.empty() && before.error.empty() && ratio <= kCaptureRatioBar;
  char ratio_text[32] = "-";
  if (during.error.empty() && before.error.empty())
    std::snprintf(ratio_text, sizeof ratio_text, "%.2fx", ratio);
  std::printf(
      "  bulk capture with %ld held, median of %d: %s  (each: %s s)  ratio %s   bar <= %.1fx: %s\n",
      held.counters().open.load(), o.repeat, describe(during, o.leads).c_str(),
      times_during.c_str(), ratio_text, kCaptureRatioBar, verdict(capture_ok));

  while (seconds_since(hold_start) < o.hold_s)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  print_hold_state(
      held, o,
      ("after " + std::to_string(static_cast<int>(seconds_since(hold_start))) + " s").c_str());
  const bool held_ok = held.counters().open == o.hold.count;
  std::printf("  bar: all %d connections open at the end: %s\n", o.hold.count, verdict(held_ok));
  held.stop();
  return health_ok && capture_ok && held_ok ? 0 : 1;
}

}  // namespace

}  // namespace leadloop::bench

int main(int argc, char** argv) {
  using namespace leadloop::bench;
  Flags flags(argc, argv);
  Options o;
  o.api = api_from_flags(flags);
  o.hold.count = static_cast<int>(flags.number("--connections", 10000));
  const std::string mode = flags.text("--mode", "idle");
  o.hold.slow = mode == "slow";
  o.hold.slow_interval = std::chrono::milliseconds(flags.number("--slow-interval-ms", 3000));
  o.health = static_cast<int>(flags.number("--health", 500));
  o.leads = static_cast<int>(flags.number("--leads", 10000));
  o.repeat = static_cast<int>(flags.number("--repeat", 3));
  o.hold_s = static_cast<int>(flags.number("--hold-s", 20));
  o.open_timeout_s = static_cast<int>(flags.number("--open-timeout-s", 30));
  o.request_timeout_s = static_cast<int>(flags.number("--request-timeout-s", 5));
  o.health_deadline_s = static_cast<int>(flags.number("--health-deadline-s", 30));
  o.capture_timeout_s = static_cast<int>(flags.number("--capture-timeout-s", 60));
  o.server_pid = static_cast<int>(flags.number("--server-pid", 0));
  const std::string problems = flags.problems();
  if (!problems.empty() || o.api.server.port <= 0 || o.api.token.empty() ||
      !is_loopback(o.api.server.host) || (mode != "idle" && mode != "slow") || o.hold.count < 1 ||
      o.health < 1 || o.leads < 1 || o.repeat < 1) {
    std::fprintf(stderr,
                 "%s\nusage: %s --port P --token T [--connections N] [--mode idle|slow] ...\n"
                 "(the server must be on 127.0.0.0/8)\n",
                 problems.c_str(), argv[0]);
    return 2;
  }
  return run(o);
}
