// The soak (issue 17, section 5): a paced mixed load against a running
// server for --seconds, with the server's RSS and the p99 per route sampled
// every --sample-s into bench/out/soak.csv and soak.svg. Bars: after the
// warm-up RSS grows <= 5%; no 5xx (nor a request left without an answer);
// every acknowledged write is there at the end, read back from the API.
//
//   leadloop_bench_soak --port P --token T --server-pid PID [--seconds 600]
//       [--warmup-s min(120, seconds / 5)] [--sample-s 10] [--rate 20] [--threads 4]
//       [--streams 100] [--preload 200000] [--timeline-checks 2000] [--out bench/out]
//
// The preload gives the server a database of some size before the load, so
// that the leads the load adds (about 11 a second at the default rate) grow
// it by a few percent in 10 minutes: RSS that follows the data is not a leak.
//
// Exit status 1 if a bar fails, 2 on a usage error.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <thread>

#include "flags.h"
#include "leads.h"
#include "soak.h"
#include "stream_pool.h"

namespace leadloop::bench {

namespace {

constexpr double kRssGrowthBar = 0.05;

struct Options {
  SoakContext ctx;
  int server_pid = 0;
  int seconds = 600, warmup_s = 120, sample_s = 10, threads = 4, streams = 100, preload = 200000;
  int timeline_checks = 2000;
  double rate = 20;
  std::string out = "bench/out";
};

Sample take_sample(double t, const Options& o, RouteStats& stats, const StreamPool& streams) {
  Sample s;
  s.t = t;
  s.memory = read_memory(o.server_pid);
  s.streams = streams.counters().ready;
  s.errors_5xx = stats.total(5);
  s.leads = stats.created();
  auto window = stats.take();
  for (int r = 0; r < kRouteCount; ++r) {
    const auto& ms = window[static_cast<size_t>(r)];
    s.requests += static_cast<long>(ms.size());
    s.p99[static_cast<size_t>(r)] =
        ms.empty() ? std::numeric_limits<double>::quiet_NaN() : summarize(ms).p99;
  }
  return s;
}

void print_sample(const Sample& s) {
  std::printf(
      "  %4.0f s  RSS %6.1f MB (heap %6.1f)  leads %7ld  streams %3ld  %4ld requests  5xx %ld  p99 "
      "ms:",
      s.t, s.memory.rss_kb / 1024.0, s.memory.anon_kb / 1024.0, s.leads, s.streams, s.requests,
      s.errors_5xx);
  for (int r = 0; r < kRouteCount; ++r) {
    const double v = s.p99[static_cast<size_t>(r)];
    if (!std::isnan(v)) std::printf(" %s %.1f", kRoutes[r].name, v);
  }
  std::printf("\n");
  std::fflush(stdout);
}

// Runs the load with `streams` open; samples until the threads are done.
std::vector<Sample> run_load(const Options& o, RouteStats& stats, std::vector<WriteLog>& logs,
                             const StreamPool& streams) {
  const auto start = Clock::now();
  const auto until = start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) {
    threads.emplace_back([&, i] {
      run_worker(o.ctx, i, o.rate / o.threads, until, stats, logs[static_cast<size_t>(i)]);
    });
  }
  std::vector<Sample> samples{take_sample(0, o, stats, streams)};
  print_sample(samples.back());
  for (int k = 1; k * o.sample_s <= o.seconds; ++k) {
    std::this_thread::sleep_until(start + std::chrono::seconds(k * o.sample_s));
    samples.push_back(take_sample(k * o.sample_s, o, stats, streams));
    print_sample(samples.back());
  }
  for (auto& t : threads) t.join();
  return samples;
}

// The median of a memory figure over up to three samples ending at `last`.
long median_memory(const std::vector<Sample>& samples, size_t last, long Memory::*field) {
  std::vector<long> v;
  for (size_t i = last + 1 - std::min<size_t>(3, last + 1); i <= last; ++i)
    v.push_back(samples[i].memory.*field);
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// RSS at the end against RSS at the end of the warm-up, each the median of
// three samples, so one sample that caught the kernel mapping in a burst of
// file pages decides nothing; a leak moves all three.
bool rss_bar(const std::vector<Sample>& samples, double warmup_s) {
  size_t base = 0;
  while (base < samples.size() && samples[base].t < warmup_s) ++base;
  const size_t end = samples.size() - 1;
  if (base + 3 > end || samples[base].memory.rss_kb <= 0) {
    std::printf("  RSS after warm-up: too few samples after %.0f s   bar <= 5%%: FAIL\n", warmup_s);
    return false;
  }
  const long from = median_memory(samples, base, &Memory::rss_kb);
  const long to = median_memory(samples, end, &Memory::rss_kb);
  const long heap_from = median_memory(samples, base, &Memory::anon_kb);
  const long heap_to = median_memory(samples, end, &Memory::anon_kb);
  long peak = 0;
  for (size_t i = base; i <= end; ++i) peak = std::max(peak, samples[i].memory.rss_kb);
  const double growth = static_cast<double>(to) / from - 1;
  const long leads_from = samples[base].leads, leads_to = samples[end].leads;
  std::printf(
      "  RSS after warm-up (median of 3 samples): %.1f MB at %.0f s -> %.1f MB at %.0f s: %+.1f%% "
      "(peak %.1f MB; heap %.1f -> %.1f MB, %+.1f%%) while the leads grew %ld -> %ld (%+.1f%%)   "
      "bar <= 5%%: %s\n",
      from / 1024.0, samples[base].t, to / 1024.0, samples[end].t, 100 * growth, peak / 1024.0,
      heap_from / 1024.0, heap_to / 1024.0, 100.0 * heap_to / heap_from - 100, leads_from, leads_to,
      leads_from ? 100.0 * (leads_to - leads_from) / leads_from : 0.0,
      verdict(growth <= kRssGrowthBar));
  return growth <= kRssGrowthBar;
}

bool errors_bar(const RouteStats& stats, const std::vector<WriteLog>& logs) {
  long requests = 0, unexpected_4xx = 0;
  for (int r = 0; r < kRouteCount; ++r) {
    const auto route = static_cast<Route>(r);
    const long n = stats.answers(route, 2) + stats.answers(route, 4) + stats.answers(route, 5) +
                   stats.answers(route, 0);
    requests += n;
    std::printf("    %-10s %7ld requests  %ld 4xx  %ld 5xx  %ld without an answer   %s\n",
                kRoutes[r].name, n, stats.answers(route, 4), stats.answers(route, 5),
                stats.answers(route, 0), kRoutes[r].what);
  }
  for (const WriteLog& log : logs) unexpected_4xx += log.unexpected_4xx;
  const long bad = stats.total(5) + stats.total(0);
  std::printf("  answers: %ld requests, %ld 5xx, %ld without an answer, %ld 4xx   bar no 5xx: %s\n",
              requests, stats.total(5), stats.total(0), unexpected_4xx, verdict(bad == 0));
  return bad == 0;
}

bool writes_bar(const CheckResult& c, long timelines_wanted) {
  std::printf(
      "  acknowledged writes read back: %ld leads (%ld missing, %ld with another email or stage); "
      "%ld "
      "imports (%ld missing), %ld imported rows (%ld missing); %ld of %ld moved leads' timelines "
      "(%ld "
      "wrong); %ld re-captures merged elsewhere%s%s   bar all there: %s\n",
      c.leads, c.leads_missing, c.leads_wrong, c.imports, c.imports_missing, c.import_rows,
      c.import_rows_missing, c.timelines, timelines_wanted, c.timelines_wrong,
      c.recapture_mismatches, c.error.empty() ? "" : "; ", c.error.c_str(), verdict(c.ok()));
  return c.ok();
}

long moved_leads(const std::vector<WriteLog>& logs) {
  long n = 0;
  for (const WriteLog& log : logs) {
    for (const AckedLead& lead : log.leads) n += lead.transitions > 0;
  }
  return n;
}

int run(Options o) {
  std::printf(
      "soak: %d s at %.0f operations/s from %d threads, %d streams, %d leads preloaded; sampled "
      "every %d s, "
      "warm-up %d s (open file limit %ld)\n",
      o.seconds, o.rate, o.threads, o.streams, o.preload, o.sample_s, o.warmup_s, raise_fd_limit());
  o.ctx.run = new_run_id();
  o.ctx.campaign = "load-soak-" + std::to_string(o.ctx.run);
  o.ctx.base_campaign = "load-soak-base-" + std::to_string(o.ctx.run);
  if (!create_campaign(o.ctx.api, o.ctx.campaign) ||
      !create_campaign(o.ctx.api, o.ctx.base_campaign))
    return 1;
  RouteStats stats;
  std::vector<WriteLog> logs(static_cast<size_t>(o.threads) + 1);  // the last: the preload
  const auto t0 = Clock::now();
  if (!preload(o.ctx, o.preload, logs.back(), stats)) {
    std::printf("  preload of %d leads refused\n", o.preload);
    return 1;
  }
  std::printf("  preloaded %zu leads in %.1f s\n", logs.back().leads.size(), seconds_since(t0));

  StreamOptions so;
  so.count = o.streams;
  so.token = o.ctx.api.token;
  so.reopen = true;
  so.keep_times = false;
  so.retry_delay = std::chrono::seconds(5);  // the Retry-After of a refusal
  StreamPool streams(o.ctx.api.server, so);
  streams.start();
  for (int i = 0; i < 200 && streams.counters().ready < o.streams; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::vector<Sample> samples = run_load(o, stats, logs, streams);
  const long streams_at_end = streams.counters().ready;
  streams.stop();
  const StreamCounters& sc = streams.counters();
  // Streams the server ends (today after 5 minutes) come back within a
  // second, as a browser's would; a refused or failed one is a failure.
  const bool streams_ok = sc.failed == 0 && streams.refusals() == "none";
  long fewest = o.streams;
  for (const Sample& s : samples) fewest = std::min(fewest, s.streams);
  std::printf(
      "  streams: %ld of %d open at the end, %ld at the fewest sample; %ld change events; %ld "
      "ended by the server and reopened; refused: %s; failed or no ready in 10 s: %ld   "
      "load held: %s\n",
      streams_at_end, o.streams, fewest, sc.changes.load(), sc.ended_by_server.load(),
      streams.refusals().c_str(), sc.failed.load(), verdict(streams_ok));

  std::filesystem::create_directories(o.out);
  const std::string csv = o.out + "/soak.csv", svg = o.out + "/soak.svg";
  write_csv(csv, samples);
  write_svg(svg, samples, o.warmup_s,
            "leadloop soak: " + std::to_string(o.seconds) + " s, " +
                std::to_string(static_cast<int>(o.rate)) + " ops/s, " + std::to_string(o.streams) +
                " streams");
  std::printf("  samples: %s, chart: %s\n", csv.c_str(), svg.c_str());

  const bool rss_ok = rss_bar(samples, o.warmup_s);
  const bool errors_ok = errors_bar(stats, logs);
  const auto check_start = Clock::now();
  const CheckResult check = check_writes(o.ctx, logs, o.timeline_checks);
  const bool writes_ok = writes_bar(check, std::min<long>(moved_leads(logs), o.timeline_checks));
  std::printf("  (read back in %.1f s)\n", seconds_since(check_start));
  const bool ok = rss_ok && errors_ok && writes_ok && streams_ok;
  std::printf("soak: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

}  // namespace

}  // namespace leadloop::bench

int main(int argc, char** argv) {
  using namespace leadloop::bench;
  Flags flags(argc, argv);
  Options o;
  o.ctx.api = api_from_flags(flags);
  o.server_pid = static_cast<int>(flags.number("--server-pid", 0));
  o.seconds = static_cast<int>(flags.number("--seconds", 600));
  // By default 2 minutes, or a fifth of a run shorter than 10.
  o.warmup_s = static_cast<int>(flags.number("--warmup-s", std::min(120, o.seconds / 5)));
  o.sample_s = static_cast<int>(flags.number("--sample-s", 10));
  o.rate = flags.real("--rate", 20);
  o.threads = static_cast<int>(flags.number("--threads", 4));
  o.streams = static_cast<int>(flags.number("--streams", 100));
  o.preload = static_cast<int>(flags.number("--preload", 200000));
  o.timeline_checks = static_cast<int>(flags.number("--timeline-checks", 2000));
  o.out = flags.text("--out", "bench/out");
  const std::string problems = flags.problems();
  if (!problems.empty() || o.ctx.api.server.port <= 0 || o.ctx.api.token.empty() ||
      o.server_pid <= 0 || !is_loopback(o.ctx.api.server.host) || o.seconds < 1 || o.sample_s < 1 ||
      o.threads < 1 || o.rate <= 0 || o.streams < 0 || o.preload < 0) {
    std::fprintf(
        stderr,
        "%s\nusage: %s --port P --token T --server-pid PID [--seconds 600] [--rate 20] ...\n"
        "(the server must be on 127.0.0.0/8)\n",
        problems.c_str(), argv[0]);
    return 2;
  }
  return run(o);
}
