// M live streams (GET /api/v1/stream) against a running server (issue 17,
// section 1): every stream receives a capture's `change` <= 1 s after the
// API answered, and the server's heap (RssAnon) grows <= 100 KB per open
// stream.
//
//   leadloop_bench_streams --port P --token T --server-pid PID [--streams 1000]
//       [--captures 3] [--gap-ms 1000] [--wait-s 3] [--open-timeout-s 30]
//
// A change that reaches a stream before the capture's answer reaches this
// client counts as 0 ms. Exit status 1 if a bar fails, 2 on a usage error.
#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "api.h"
#include "flags.h"
#include "leads.h"
#include "proc.h"
#include "stats.h"
#include "stream_pool.h"

namespace leadloop::bench {

namespace {

constexpr double kDelayBarMs = 1000;
constexpr double kMemoryBarKb = 100;

struct Options {
  Api api;
  int server_pid = 0;
  int streams = 1000, captures = 3, gap_ms = 1000, wait_s = 3, open_timeout_s = 30;
};

struct Sent {
  Clock::time_point sent, answered;
  bool ok = false;
};

Sent capture_one(const Api& api, uint64_t run, int64_t index, const std::string& campaign) {
  auto client = make_client(api, 10, false);
  Sent s;
  s.sent = Clock::now();
  auto res = client->Post("/api/v1/leads", lead_json(run, index, campaign), "application/json");
  s.answered = Clock::now();
  s.ok = res && res->status == 201;
  return s;
}

void wait_ready(const StreamPool& pool, const Options& o) {
  const auto t0 = Clock::now();
  const StreamCounters& c = pool.counters();
  auto refused = [&c] {
    long n = 0;
    for (const auto& r : c.refused) n += r.load();
    return n;
  };
  while (c.ready + c.failed + refused() < o.streams && seconds_since(t0) < o.open_timeout_s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::printf(
      "  streams ready: %ld of %d in %.2f s (refused: %s; failed or no ready in %d s: %ld)\n",
      c.ready.load(), o.streams, seconds_since(t0), pool.refusals().c_str(), o.open_timeout_s,
      c.failed.load());
}

// Per stream that was ready throughout, per capture: the delay from the
// answer to the first `change` after the request was sent.
struct Delays {
  std::vector<double> ms;
  std::vector<double> from_sent;  // from the request's start instead
  size_t missed = 0, within_bar = 0, before_answer = 0;
};

Delays delays(const std::vector<StreamRecord>& records, const std::vector<Sent>& sent,
              Clock::time_point end) {
  Delays d;
  for (const StreamRecord& r : records) {
    if (r.ready_at == Clock::time_point{} ||
        (r.ended_at != Clock::time_point{} && r.ended_at < end))
      continue;
    for (size_t k = 0; k < sent.size(); ++k) {
      const auto until = k + 1 < sent.size() ? sent[k + 1].sent : end;
      auto it = std::lower_bound(r.changes.begin(), r.changes.end(), sent[k].sent);
      if (it == r.changes.end() || *it >= until) {
        ++d.missed;
        continue;
      }
      const double ms = std::max(0.0, ms_between(sent[k].answered, *it));
      d.before_answer += *it < sent[k].answered;
      d.within_bar += ms <= kDelayBarMs;
      d.ms.push_back(ms);
      d.from_sent.push_back(ms_between(sent[k].sent, *it));
    }
  }
  return d;
}

int run(const Options& o) {
  std::printf(
      "streams: %d live streams from %d loopback addresses (open file limit %ld); %d captures, %d "
      "ms apart\n",
      o.streams, SourceAddresses::kCount, raise_fd_limit(), o.captures, o.gap_ms);
  const uint64_t run_id = new_run_id();
  const std::string campaign = "load-streams-" + std::to_string(run_id);
  if (!create_campaign(o.api, campaign)) return 1;
  capture_one(o.api, run_id, -1, campaign);  // warm-up
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const Memory before = read_memory(o.server_pid);

  StreamOptions so;
  so.count = o.streams;
  so.token = o.api.token;
  so.ready_timeout = std::chrono::seconds(o.open_timeout_s);
  StreamPool pool(o.api.server, so);
  pool.start();
  wait_ready(pool, o);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const Memory after = read_memory(o.server_pid);
  const long open = pool.counters().ready;

  std::vector<Sent> sent;
  for (int k = 0; k < o.captures; ++k) {
    sent.push_back(capture_one(o.api, run_id, k, campaign));
    std::this_thread::sleep_for(std::chrono::milliseconds(o.gap_ms));
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.wait_s));
  const auto end = Clock::now();
  const long open_at_end = pool.counters().ready;
  pool.stop();

  const long captured = std::count_if(sent.begin(), sent.end(), [](const Sent& s) { return s.ok; });
  const Delays d = delays(pool.records(), sent, end);
  const size_t expected = static_cast<size_t>(o.streams) * sent.size();
  const Summary s = summarize(d.ms, d.missed);
  const bool delay_ok = captured == o.captures && d.within_bar == expected;
  std::printf(
      "  change after a capture: %ld captures x %ld streams open (%ld at the end, %ld never open): "
      "%zu of %zu "
      "within 1 s, %zu missed; %s (%zu before the answer)   bar every stream <= 1 s: %s\n",
      captured, open, open_at_end, o.streams - open, d.within_bar, expected, d.missed,
      describe(s).c_str(), d.before_answer, verdict(delay_ok));
  std::printf("  change after a capture, from the request's start: %s\n",
              describe(summarize(d.from_sent, d.missed)).c_str());
  // The heap (RssAnon) is what a stream costs; the mapped pages of the
  // SQLite file (RssFile) come and go with the kernel's page cache.
  const double per_stream_kb =
      open > 0 ? static_cast<double>(after.anon_kb - before.anon_kb) / open : 0;
  const bool memory_ok = open == o.streams && before.anon_kb > 0 && per_stream_kb <= kMemoryBarKb;
  std::printf(
      "  server memory: heap %ld KB before, %ld KB with %ld streams open: %.1f KB per stream (RSS "
      "%ld -> %ld KB)"
      "   bar <= %.0f KB with all %d open: %s\n",
      before.anon_kb, after.anon_kb, open, per_stream_kb, before.rss_kb, after.rss_kb, kMemoryBarKb,
      o.streams, verdict(memory_ok));
  return delay_ok && memory_ok ? 0 : 1;
}

}  // namespace

}  // namespace leadloop::bench

int main(int argc, char** argv) {
  using namespace leadloop::bench;
  Flags flags(argc, argv);
  Options o;
  o.api = api_from_flags(flags);
  o.server_pid = static_cast<int>(flags.number("--server-pid", 0));
  o.streams = static_cast<int>(flags.number("--streams", 1000));
  o.captures = static_cast<int>(flags.number("--captures", 3));
  o.gap_ms = static_cast<int>(flags.number("--gap-ms", 1000));
  o.wait_s = static_cast<int>(flags.number("--wait-s", 3));
  o.open_timeout_s = static_cast<int>(flags.number("--open-timeout-s", 30));
  const std::string problems = flags.problems();
  if (!problems.empty() || o.api.server.port <= 0 || o.api.token.empty() || o.server_pid <= 0 ||
      !is_loopback(o.api.server.host) || o.streams < 1 || o.captures < 1 || o.gap_ms < 200) {
    std::fprintf(
        stderr,
        "%s\nusage: %s --port P --token T --server-pid PID [--streams N] [--captures N] ...\n"
        "(the server must be on 127.0.0.0/8; --gap-ms >= 200, as the server merges changes < 100 "
        "ms apart)\n",
        problems.c_str(), argv[0]);
    return 2;
  }
  return run(o);
}
