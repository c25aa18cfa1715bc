// Nurture programmes at scale (docs/nurture.md, docs/benchmarks.md): 1M
// enrolments on a real SQLite file, a send step due for 100,000 of them at
// once; the engine makes the mails (one delivery record per (enrolment,
// step), in its batched transactions) and the delivery engine hands them to
// a real SMTP server (Postfix's smtp-sink, or tests/tools/smtp_sink.py
// --light, started by bench/nurture.sh). The goal: at least 5,000 sends/s from the step falling
// due to the last mail accepted, none sent twice. Checks its own result:
// the sink's messages are read back, their recipients must be distinct and
// as many as the sends, and a second run must send nothing; exits 1 when a
// check fails, 2 when the rate misses the goal.
//
//   leadloop_bench_nurture --smtp smtp://127.0.0.1:PORT --sink-out FILE
//       [--enrolments 1000000] [--due 100000] [--dir DIR] [--goal 5000]
//       [--in-flight 32] [--senders 8]   (the engine's defaults, as `serve` runs it)
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "delivery/engine.h"
#include "engine/campaign_catalog.h"
#include "engine/intake.h"
#include "mail/mail_channel.h"
#include "mail/unsubscribe.h"
#include "nurture/nurture_engine.h"
#include "store/sqlite/sqlite_store.h"

namespace leadloop {
namespace {

constexpr TimePoint kStart = 1772445600000;  // 2026-03-02T10:00:00Z

constexpr const char* kProgramme = R"(name: Bench drip
frequency_cap: {sends: 3, days: 7}
steps:
  - key: welcome
    send: nurture
  - wait: {days: 30}
  - exit: done
)";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void check(const Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, st.to_string().c_str());
    std::exit(1);
  }
}

// What the SMTP server kept: the messages and each one's recipients. Reads
// Postfix's smtp-sink dump (-D FILE: each message's envelope as
// X-Client-Addr, then one X-Rcpt-Args line per recipient) or the JSON lines
// of tests/tools/smtp_sink.py --light.
struct SinkKept {
  size_t messages = 0;
  std::vector<std::string> recipients;
};

SinkKept sink_kept(const std::string& path) {
  SinkKept out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("X-Client-Addr: ")) {
      ++out.messages;
    } else if (line.starts_with("X-Rcpt-Args: <")) {
      const size_t end = line.find('>');
      out.recipients.push_back(line.substr(14, end == std::string::npos ? std::string::npos : end - 14));
    } else if (line.starts_with("{")) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object() || j.value("type", "") != "message") continue;
      ++out.messages;
      for (const auto& r : j["rcpt_tos"]) out.recipients.push_back(r.get<std::string>());
    }
  }
  return out;
}

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress as it comes, also into a file
  int64_t enrolments = 1000000, due = 100000;
  double goal = 5000;
  int in_flight = delivery::EngineConfig{}.in_flight, senders = delivery::EngineConfig{}.senders;
  std::string dir = "/tmp/leadloop-bench-nurture", smtp, sink_out;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--enrolments") enrolments = std::stoll(v);
    else if (a == "--due") due = std::stoll(v);
    else if (a == "--dir") dir = v;
    else if (a == "--smtp") smtp = v;
    else if (a == "--sink-out") sink_out = v;
    else if (a == "--goal") goal = std::stod(v);
    else if (a == "--in-flight") in_flight = std::stoi(v);
    else if (a == "--senders") senders = std::stoi(v);
  }
  if (smtp.empty() || sink_out.empty() || due > enrolments) {
    std::fprintf(stderr, "usage: leadloop_bench_nurture --smtp URL --sink-out FILE [--enrolments N] [--due N]\n");
    return 1;
  }
  if (sodium_init() < 0) return 1;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ManualClock clock(kStart - kMillisPerMinute);  // the step falls due at kStart
  auto opened = SqliteStore::open(dir + "/nurture.db");
  check(opened.status(), "open");
  SqliteStore& store = **opened;
  CampaignCatalog campaigns(store, clock);
  check(campaigns.load(), "campaigns");
  Campaign c;
  c.key = "web-1";
  c.name = "Web";
  c.channel = Channel::kWeb;
  c.owner = "olivia";
  check(campaigns.create(c).status(), "campaign");
  Intake intake(store, clock, campaigns);
  check(intake.open(), "intake");
  UnsubscribeLinks unsubscribe(store);
  check(unsubscribe.open(), "unsubscribe");
  NurtureEngine nurture(store, clock, intake, campaigns, unsubscribe,
                        NurtureConfig{"https://leads.example.com", {"Acme", "news@acme.example"}});
  check(nurture.open(), "nurture");
  check(nurture.run_once().status(), "first run");  // the event cursor, before any lead

  // The leads: warm, in stage nurture, e-mail consent granted (so every
  // mail is tracked: the heavier kind).
  std::printf("== nurture: %lld enrolments, a send step due for %lld at once\n", static_cast<long long>(enrolments),
              static_cast<long long>(due));
  auto t0 = std::chrono::steady_clock::now();
  constexpr int64_t kBatch = 10000;
  for (int64_t done = 0; done < enrolments; done += kBatch) {
    Mutation m;
    for (int64_t i = done; i < std::min(enrolments, done + kBatch); ++i) {
      LeadChange lc;
      Lead& l = lc.lead;
      l.email = "lead" + std::to_string(i) + "@bench.example";
      l.email_key = l.email;
      l.first_name = "Lee";
      l.last_name = "Number " + std::to_string(i);
      l.company = "Company " + std::to_string(i % 5000);
      l.title = "Manager";
      l.country = "DE";
      l.source_campaign = "web-1";
      l.consent.email = Consent::kGranted;
      l.stage = Stage::kNurture;
      l.grade = Grade::kWarm;
      l.created_at = l.updated_at = kStart - kMillisPerDay;
      lc.events.push_back({0, 0, "captured", l.created_at, "bench", "{}"});
      m.leads.push_back(std::move(lc));
    }
    check(store.commit(m), "leads");
  }
  std::printf("setup: %lld leads in %.1f s\n", static_cast<long long>(enrolments), seconds_since(t0));
  ProgrammeRecord rec;
  rec.key = "drip";
  rec.name = "Bench drip";
  rec.source = kProgramme;
  rec.created_at = kStart;
  rec.created_by = "bench";
  check(store.put_programme(rec), "programme");
  check(store.activate_programme("drip", rec.version, "bench", kStart), "activate");
  // Enrolments as the engine makes them, moved past their enrolment: the
  // first `due` ones due at the start, the others a day later.
  for (int64_t done = 0; done < enrolments; done += kBatch) {
    NurtureBatch b;
    for (int64_t i = done; i < std::min(enrolments, done + kBatch); ++i) {
      Enrolment e;
      e.lead_id = i + 1;
      e.programme = "drip";
      e.version = rec.version;
      e.enrolled_at = kStart - kMillisPerHour;
      e.next_at = i < due ? kStart : kStart + kMillisPerDay;
      e.grade_at_enrolment = "warm";
      b.enrol.push_back(std::move(e));
    }
    check(store.apply_nurture(b), "enrolments");
  }
  // The events the setup wrote are history: the engine's cursor past them.
  check(nurture.run_once().status(), "catch up");
  std::printf("setup: %lld leads and enrolments in %.1f s\n", static_cast<long long>(enrolments), seconds_since(t0));

  auto config = parse_smtp_url(smtp);
  check(config.status(), "--smtp");
  config->from = "Acme <news@acme.example>";
  delivery::EngineConfig ec;
  ec.in_flight = in_flight;
  ec.senders = senders;
  ec.batch = 2048;
  delivery::DeliveryEngine deliveries(store, clock, ec);
  deliveries.add_channel(std::make_unique<MailChannel>(*config, clock));

  // The step falls due for `due` leads: the mails made (nurture engine,
  // its own thread) and sent (delivery engine) at once, as the server runs
  // them, until every mail is accepted.
  clock.set(kStart);
  t0 = std::chrono::steady_clock::now();
  double made_s = 0;
  NurtureRun made;
  std::thread maker([&] {
    auto r = nurture.run_once();
    check(r.status(), "nurture run");
    made = *r;
    made_s = seconds_since(t0);
  });
  delivery::RunStats sent;
  int64_t delivered = 0;
  for (;;) {
    auto r = deliveries.run_once();
    check(r.status(), "delivery run");
    delivered += r->delivered;
    sent.attempts += r->attempts;
    sent.failed += r->failed;
    if (delivered >= due) break;
    if (r->attempts == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (seconds_since(t0) > 600) break;
  }
  maker.join();
  const double elapsed = seconds_since(t0);
  const double rate = static_cast<double>(delivered) / elapsed;
  std::printf("made %lld mails in %.2f s (%.0f/s, one transaction per %d enrolments)\n",
              static_cast<long long>(made.sent), made_s, static_cast<double>(made.sent) / made_s, 1000);
  std::printf("sent %lld mails to the SMTP sink in %.2f s: %.0f sends/s (%lld attempts, %lld failed; goal >= %.0f/s)\n",
              static_cast<long long>(delivered), elapsed, rate, static_cast<long long>(sent.attempts),
              static_cast<long long>(sent.failed), goal);

  // Nothing more: a second run sends nothing.
  auto again = nurture.run_once();
  check(again.status(), "second run");
  auto resend = deliveries.run_once();
  check(resend.status(), "second delivery run");
  // The Python sink flushes every 0.2 s; smtp-sink writes as it goes.
  for (int i = 0; i < 50 && sink_kept(sink_out).messages < static_cast<size_t>(delivered); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  std::set<std::string> rcpts;
  size_t twice = 0;
  const SinkKept kept = sink_kept(sink_out);
  const size_t messages = kept.messages;
  for (const std::string& r : kept.recipients) twice += !rcpts.insert(r).second;
  std::printf("sink: %zu messages, %zu distinct recipients, %zu sent twice; second run: %lld mails, %lld attempts\n",
              messages, rcpts.size(), twice, static_cast<long long>(again->sent),
              static_cast<long long>(resend->attempts));
  const bool ok = made.sent == due && delivered == due && messages == static_cast<size_t>(due) &&
                  rcpts.size() == static_cast<size_t>(due) && twice == 0 && again->sent == 0 && resend->attempts == 0;
  if (!ok) {
    std::printf("FAILED: expected %lld distinct messages, each once\n", static_cast<long long>(due));
    return 1;
  }
  if (rate < goal) {
    std::printf("MISSED: %.0f sends/s is under the goal of %.0f/s\n", rate, goal);
    return 2;
  }
  std::printf("ok: %.0f sends/s >= %.0f/s, none sent twice\n", rate, goal);
  return 0;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) { return leadloop::run(argc, argv); }
