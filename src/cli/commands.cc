#include "cli/commands.h"

#include <malloc.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/file.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "access/role.h"
#include "api/change_feed.h"
#include "api/server.h"
#include "cli/progress.h"
#include "cli/runtime.h"
#include "store/postgres/pg_db.h"
#include "delivery/webhook_sender.h"
#include "mail/mail_channel.h"
#include "demo/demo_data.h"
#include "io/csv_export.h"
#include "io/csv_reader.h"

#ifndef LEADLOOP_VERSION
#define LEADLOOP_VERSION "0.1.0"
#endif

namespace leadloop::cli {

namespace {

// A bulk request allocates tens of megabytes (body, parsed leads, the
// transaction) and frees them again. glibc would hand such blocks back to
// the kernel each time and fault them in anew on the next request; keeping
// them in the heap removes most of that kernel time.
void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
}

// ---- serve ------------------------------------------------------------------

struct ServeArgs {
  std::string db = kDefaultDb;
  std::string listen = "127.0.0.1:8080";
  size_t max_body = 32u << 20;
  int threads = 0;
  int timer_ms = 1000;
  int header_timeout_ms = 10000;
  int idle_timeout_ms = 10000;
  int min_body_rate = 1024;
  int stop_grace_ms = 10000;
  int max_connections = 20000;
  int max_connections_per_address = 512;
  int max_streams = 2000;
  std::string manual_clock;  // tests and demos: the clock stands still at this time
  double rate_limit = 1000;
  double form_posts_per_minute = 20;
  double logins_per_minute = 30;
  bool behind_tls = false;
  int retention_days = 0;
  std::string web_dir = LEADLOOP_WEB_DIR;
  double request_time_budget = 30;   // seconds
  double export_time_budget = 600;   // seconds
  int64_t request_memory_budget = 1024;  // MB
  bool allow_private_webhooks = false;   // tests: every webhook may reach 127.0.0.1
  int webhook_timeout_ms = 15000;
  // Mail (docs/email.md).
  std::string smtp;                // smtp[s]://[USER@]HOST[:PORT]
  std::string smtp_from;
  std::string smtp_password_file;  // else LEADLOOP_SMTP_PASSWORD, else the URL's
  std::string smtp_tls = "try";
  std::string smtp_ca_file;  // PEM CAs for the server's certificate; "": the system's
  double smtp_rate = 0;
  std::string public_url;
  int digest_hour = 7;  // UTC hour from which the daily digest goes out
};

// The mail settings the serve options give (not configured without --smtp).
Result<MailSettings> mail_settings_of(const ServeArgs& a) {
  MailSettings s;
  if (a.smtp.empty()) return s;
  auto smtp = parse_smtp_url(a.smtp);
  if (!smtp.ok()) return Status(smtp.status().code(), smtp.status().message(), "--smtp");
  s.smtp = *smtp;
  auto tls = parse_smtp_tls(a.smtp_tls);
  if (!tls.ok()) return Status(ErrorCode::kInvalidValue, tls.status().message(), "--smtp-tls");
  s.smtp.tls = *tls;
  s.smtp.ca_file = a.smtp_ca_file;
  s.smtp.rate = a.smtp_rate;
  s.smtp.from = a.smtp_from;
  if (!a.smtp_password_file.empty()) {
    auto text = read_file(a.smtp_password_file);
    if (!text.ok()) return text.status().with_field("--smtp-password-file");
    std::string password = *text;
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
    s.smtp.password = password;
  } else if (const char* env = std::getenv("LEADLOOP_SMTP_PASSWORD"); env != nullptr && *env != '\0') {
    s.smtp.password = env;
  }
  s.base_url = a.public_url;
  s.source = "command line";
  if (Status st = check_mail_settings(s); !st.ok()) {
    return Status(st.code(), st.message(),
                  st.field() == "from"       ? "--smtp-from"
                  : st.field() == "base_url" ? "--public-url"
                  : st.field() == "ca_file"  ? "--smtp-ca-file"
                                             : st.field());
  }
  return s;
}
// The projection's snapshot lives next to an SQLite file; a server on
// PostgreSQL keeps none and loads the projection from the database at start.
std::string projection_snapshot(const std::string& db) { return is_postgres_url(db) ? "" : db + ".projection"; }

int run_serve(const ServeArgs& a) {
  size_t colon = a.listen.rfind(':');
  if (colon == std::string::npos) {
    return fail(Status(ErrorCode::kInvalidValue, "use HOST:PORT, e.g. 127.0.0.1:8080", "--listen"));
  }
  api::ServerConfig config;
  config.host = a.listen.substr(0, colon);
  const std::string_view port_text = std::string_view(a.listen).substr(colon + 1);
  auto [end, err] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), config.port);
  if (err != std::errc() || end != port_text.data() + port_text.size() || config.port < 0 ||
      config.port > 65535) {
    return fail(Status(ErrorCode::kInvalidValue, "the port is not a number from 0 to 65535",
                       "--listen"));
  }
  config.max_body_bytes = a.max_body;
  config.threads = a.threads;
  config.header_timeout_ms = a.header_timeout_ms;
  config.idle_timeout_ms = a.idle_timeout_ms;
  config.min_body_rate = a.min_body_rate;
  config.stop_grace_ms = a.stop_grace_ms;
  config.max_connections = a.max_connections;
  config.max_connections_per_address = a.max_connections_per_address;
  config.max_streams = a.max_streams;
  config.version = LEADLOOP_VERSION;

  // Signals are taken by one thread with sigwait, never by a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (Status st = lock_database(a.db, "serve"); !st.ok()) return fail(st);
  keep_freed_memory();
  // Logs go to stderr; stdout carries only the "listening on" line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("leadloop"));
  SystemClock system_clock;
  std::unique_ptr<ManualClock> manual_clock;
  if (!a.manual_clock.empty()) {
    auto start = parse_time(a.manual_clock);
    if (!start.ok()) return fail(start.status().with_field("--manual-clock"));
    manual_clock = std::make_unique<ManualClock>(*start);
    config.manual_clock = manual_clock.get();
    spdlog::warn("the clock stands at {} and moves only by POST /api/v1/clock (--manual-clock)",
                 format_time(*start));
  }
  const Clock& clock = manual_clock ? static_cast<const Clock&>(*manual_clock) : system_clock;
  config.timer_interval_ms = a.timer_ms;
  config.rate_limit = a.rate_limit;
  config.form_posts_per_minute = a.form_posts_per_minute;
  config.logins_per_minute = a.logins_per_minute;
  config.behind_tls = a.behind_tls;
  config.retention_days = a.retention_days;
  config.web_dir = a.web_dir;
  config.request_time_budget_s = a.request_time_budget;
  config.export_time_budget_s = a.export_time_budget;
  config.request_memory_budget_mb = a.request_memory_budget;
  auto mail = mail_settings_of(a);
  if (!mail.ok()) return fail(mail.status());
  config.mail = *mail;
  if (config.mail.configured()) {
    spdlog::info("mail: SMTP server {} (STARTTLS {}, {} message(s)/s; password {})", config.mail.smtp.redacted_url(),
                 smtp_tls_name(config.mail.smtp.tls), config.mail.smtp.rate,
                 config.mail.smtp.password.empty() ? "none" : "set");
  }
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  Runtime& r = **rt;
  {
    const auto t0 = std::chrono::steady_clock::now();
    // From the snapshot of the last clean stop when it matches the
    // database, else in full (measure/snapshot.cc).
    std::string how;
    if (Status st = r.projection.load(projection_snapshot(a.db), &how); !st.ok()) return fail(st);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    spdlog::info("reports: loaded {}", how);
    spdlog::info("reports: {} leads and {} funnel exits in memory ({} MB) in {} ms",
                 r.projection.read([](const LeadProjection& p) { return p.leads().id.size(); }),
                 r.projection.read([](const LeadProjection& p) { return p.exits().row.size(); }),
                 r.projection.read([](const LeadProjection& p) { return p.memory_bytes() >> 20; }), ms.count());
  }
  if (!std::filesystem::exists(a.web_dir + "/index.html")) {
    spdlog::warn("no web app in {} (run `make build`, or pass --web-dir): / answers 503, the API works",
                 a.web_dir);
  }
  // Live streams are held by the server's event loop, not by threads.
  api::ChangeFeed changes(*r.store, r.projection, a.max_streams);
  // Webhooks: one delivery worker, started before the server listens and
  // stopped after it has stopped (docs/webhooks.md).
  delivery::WebhookEndpoints webhooks(*r.store, clock);
  delivery::DeliveryEngine deliveries(*r.store, clock);
  deliveries.add_channel(std::make_unique<delivery::WebhookSender>(
      *r.store, clock, delivery::WebhookConfig{a.allow_private_webhooks, a.webhook_timeout_ms}));
  // E-mail: a second channel of the same engine. The settings in force are
  // the command line's, else the admin setting, which PUT
  // /api/v1/settings/mail replaces while the server runs; while neither
  // names an SMTP server no notification is mailed (docs/email.md).
  MailSettings mail_now = config.mail;
  if (!mail_now.configured()) {
    auto stored = load_mail_settings(*r.store);
    if (!stored.ok()) return fail(stored.status());
    if (stored->configured()) mail_now = *stored;
  }
  if (mail_now.configured()) {
    if (auto from = parse_mail_address(mail_now.smtp.from); !from.ok()) {
      return fail(from.status().with_field("--smtp-from"));
    }
  }
  auto live_mail = std::make_shared<LiveMailSettings>(mail_now, config.mail.configured());
  const MailAddress fallback_from{"Leadloop", "no-reply@localhost"};
  NotificationContext mail_ctx{*r.store, mail_now.base_url, sender_of(mail_now, fallback_from),
                               [&r](int64_t link) { return r.feedback_links.token_for(link); }};
  deliveries.add_fan_out(std::make_unique<MailFanOut>(std::move(mail_ctx), a.digest_hour, live_mail));
  deliveries.add_channel(std::make_unique<MailChannel>(live_mail, clock));
  if (mail_now.configured()) {
    spdlog::info("mail: notifications go out through the delivery engine; daily digests from {:02}:00 UTC",
                 a.digest_hour);
  } else {
    spdlog::info("mail: no SMTP server configured: notifications are not mailed until one is "
                 "(--smtp, or PUT /api/v1/settings/mail)");
  }
  // Nurture programmes (docs/nurture.md): their mails are e-mail
  // deliveries, sent while SMTP is configured; run with the timers.
  NurtureEngine nurture(*r.store, clock, r.intake, r.campaigns, r.unsubscribe_links,
                        NurtureConfig{mail_now.base_url, fallback_from, live_mail});
  if (Status st = nurture.open(); !st.ok()) return fail(st);
  if (a.allow_private_webhooks) {
    spdlog::warn("webhooks may reach private, loopback and link-local addresses (--allow-private-webhooks)");
  }
  api::ApiServer server(api::Services{*r.store, clock, r.campaigns, r.intake, r.tokens, r.importer,
                                           r.definitions, r.review, r.lifecycle, r.feedback_links, r.router,
                                           r.dispatch, r.follow_up, r.users, r.policy, r.reports, r.goals,
                                           changes, r.forms, r.unsubscribe_links, &webhooks, &deliveries, &nurture,
                                           live_mail.get()},
                        config);
  auto port = server.bind();
  if (!port.ok()) return fail(port.status());
  std::cout << "leadloop " << LEADLOOP_VERSION << " listening on http://" << config.host << ":"
            << *port << " (database " << a.db << ")" << std::endl;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: stopping", sig);
    server.stop();
  });
  deliveries.start();
  server.serve();
  // serve() can also end without a signal (socket failure); wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  deliveries.stop();
  // A clean stop: the projection as it stands, for the next start.
  {
    const auto t0 = std::chrono::steady_clock::now();
    if (projection_snapshot(a.db).empty()) {
      spdlog::info("reports: no snapshot on PostgreSQL; the next start loads from the database");
    } else if (Status st = r.projection.save_snapshot(projection_snapshot(a.db)); !st.ok()) {
      spdlog::warn("no snapshot of the reports' projection: {}", st.to_string());
    } else {
      spdlog::info("reports: snapshot {} written in {} ms", projection_snapshot(a.db),
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                       .count());
    }
  }
  spdlog::info("stopped");
  return 0;
}

// ---- import -----------------------------------------------------------------

struct ImportArgs {
  std::string db = kDefaultDb;
  std::string file;
  std::string campaign;
  std::string mapping = "auto";
  std::string errors_out;
  bool dry_run = false;
  size_t batch = 10000;
};

int run_import(const ImportArgs& a) {
  if (!a.dry_run) {
    if (Status st = lock_database(a.db, "import"); !st.ok()) return fail(st);
  }
  keep_freed_memory();
  SystemClock clock;
  auto raw = read_file(a.file);
  if (!raw.ok()) return fail(raw.status());
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  ImportOptions opt;
  opt.campaign = a.campaign;
  opt.mapping = a.mapping;
  opt.dry_run = a.dry_run;
  opt.source = std::filesystem::path(a.file).filename().string();
  opt.actor = "cli:" + std::string(getenv("USER") ? getenv("USER") : "operator");
  opt.batch_size = a.batch;
  ProgressBar bar("importing", clock);
  auto report = (*rt)->importer.run(std::move(raw).value(), opt, [&](const ImportProgress& p) {
    bar.update(p.bytes_done, p.bytes_total,
               with_commas(p.rows) + " rows, " + with_commas(p.created) + " new, " +
                   with_commas(p.merged) + " merged, " + with_commas(p.rejected) + " rejected");
  });
  bar.finish();
  if (!report.ok()) return fail(report.status());
  const ImportRecord& r = report->record;
  double secs = static_cast<double>(r.finished_at - r.started_at) / 1000.0;
  std::cout << (a.dry_run ? "dry run (nothing stored): " : "import " + std::to_string(r.id) + ": ")
            << with_commas(r.rows) << " rows, " << with_commas(r.created) << " created, "
            << with_commas(r.merged) << " merged, " << with_commas(r.rejected) << " rejected in "
            << secs << " s\n"
            << "mapping: " << report->mapping << "; encoding: " << report->encoding << "\n";
  for (const auto& [header, target] : report->columns) {
    std::cout << "  " << header << " -> " << target << "\n";
  }
  if (!report->errors.empty()) {
    std::string path = a.errors_out.empty() ? a.file + ".errors.csv" : a.errors_out;
    std::ofstream out(path, std::ios::binary);
    out << "line,column,field,code,reason\r\n";
    for (const ImportError& e : report->errors) {
      std::string row = std::to_string(e.line) + "," + (e.column ? std::to_string(e.column) : "") + ",";
      append_csv_cell(row, e.field);
      row += ",";
      append_csv_cell(row, e.code);
      row += ",";
      append_csv_cell(row, e.reason);
      out << row << "\r\n";
    }
    std::cout << "rejected rows: " << path << "\n";
    size_t shown = 0;
    for (const ImportError& e : report->errors) {
      if (++shown > 10) break;
      std::cout << "  line " << e.line << (e.column ? ", column " + std::to_string(e.column) : "")
                << ": " << e.code << ": " << (e.field.empty() ? "" : e.field + ": ") << e.reason
                << "\n";
    }
  }
  return 0;
}

// ---- export -----------------------------------------------------------------

struct ExportArgs {
  std::string db = kDefaultDb;
  std::string format = "csv";
  std::string out;
  std::string campaign, stage, grade, owner, region, created_from, created_to, q;
  // events: the events' own period and types
  std::string from, to;
  std::vector<std::string> types;
};

// `leadloop export` (leads) and `leadloop export events`.
int run_export(const ExportArgs& a, bool events) {
  LeadFilter f;
  f.limit = 0;
  f.campaign = a.campaign;
  f.owner = a.owner;
  f.region = a.region;
  f.q = a.q;
  if (!a.stage.empty()) {
    auto s = parse_stage(a.stage);
    if (!s) return fail(Status(ErrorCode::kInvalidValue, "unknown stage '" + a.stage + "'", "--stage"));
    f.stage = *s;
  }
  if (!a.grade.empty()) {
    auto g = parse_grade(a.grade);
    if (!g) return fail(Status(ErrorCode::kInvalidValue, "unknown grade '" + a.grade + "'", "--grade"));
    f.grade = *g;
  }
  if (!a.created_from.empty()) {
    auto t = parse_time(a.created_from);
    if (!t.ok()) return fail(t.status().with_field("--created-from"));
    f.created_from = *t;
  }
  if (!a.created_to.empty()) {
    auto t = parse_time(a.created_to);
    if (!t.ok()) return fail(t.status().with_field("--created-to"));
    f.created_to = *t;
  }
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!a.out.empty() && a.out != "-") {
    file.open(a.out, std::ios::binary);
    if (!file) return fail(Status(ErrorCode::kIoError, "cannot write '" + a.out + "'"));
    out = &file;
  }
  auto sink = [&](std::string_view chunk) {
    out->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return static_cast<bool>(*out);
  };
  int64_t written = 0;
  Status st;
  if (events) {
    EventFilter ef;
    ef.leads = f;
    ef.types = a.types;
    for (const auto& [value, field] : {std::pair{&a.from, "--from"}, std::pair{&a.to, "--to"}}) {
      if (value->empty()) continue;
      auto t = parse_time(*value);
      if (!t.ok()) return fail(t.status().with_field(field));
      (value == &a.from ? ef.from : ef.to) = *t;
    }
    st = export_events_csv(*(*rt)->store, ef, sink, &written);
  } else {
    st = export_leads_csv(*(*rt)->store, f, sink);
  }
  if (!st.ok()) return fail(st);
  out->flush();
  if (!*out) return fail(Status(ErrorCode::kIoError, "write failed"));
  if (events && out == &file) std::cerr << "exported " << written << " events to " << a.out << "\n";
  return 0;
}

// ---- demo, migrate, token ---------------------------------------------------

struct DemoArgs {
  std::string db = kDefaultDb;
  uint64_t seed = 42;
  int leads = 5000;
  std::string start = "2026-01-05";
};

// The demo's people, one per role, all with the password kDemoPassword
// (printed by `make run`; for a trial only: disable them or set their
// passwords before real data goes in).
constexpr const char* kDemoPassword = "leadloop-demo";

Status add_demo_users(Runtime& r, std::ostream& out) {
  std::string team, rep, vendor;
  for (const Rep& p : r.router.reps()) {
    auto t = r.router.find_team(p.team);
    const bool manages = t && t->manager == p.key;
    if (rep.empty() && p.active && !manages) {
      rep = p.key;
      team = p.team;
    }
  }
  // The telemarketing vendor, if one runs a campaign; else any vendor.
  for (const Campaign& c : r.campaigns.list()) {
    if (c.vendor.empty()) continue;
    if (vendor.empty() || c.channel == Channel::kTelemarketing) vendor = c.vendor;
    if (c.channel == Channel::kTelemarketing) break;
  }
  std::vector<NewUser> people = {
      {"admin", "Demo Admin", kDemoPassword, Role::kAdmin, {}},
      {"maria", "Maria Lopez", kDemoPassword, Role::kMarketing, {}},
      {"sam", "Sam Chen", kDemoPassword, Role::kSalesManager, {"", "", team}},
      {"rep", "Rep " + rep, kDemoPassword, Role::kSalesRep, {"", rep, ""}},
      {"vendor", vendor + " (vendor)", kDemoPassword, Role::kVendor, {vendor, "", ""}},
      {"viewer", "Board viewer", kDemoPassword, Role::kViewer, {}},
  };
  out << "demo users (password " << kDemoPassword << "):";
  for (NewUser& u : people) {
    if (u.roles.has(Role::kSalesRep) && rep.empty()) continue;
    if (u.roles.has(Role::kVendor) && vendor.empty()) continue;
    const std::string login = u.login, roles = u.roles.text(), bound = binding_text(u.binding);
    auto added = r.users.add(std::move(u));
    if (!added.ok()) return added.status();
    out << " " << login << " (" << roles << (bound == "-" ? "" : ", " + bound) << ")";
  }
  out << "\n";
  return Status();
}

int run_demo(const DemoArgs& a) {
  auto start = parse_date(a.start);
  if (!start.ok()) return fail(start.status().with_field("--start"));
  if (Status st = lock_database(a.db, "generate demo data"); !st.ok()) return fail(st);
  SystemClock wall;
  ManualClock clock(int64_t{*start} * kMillisPerDay);
  // Demo data is made again rather than recovered: its commits are not
  // each synced to disk (a million leads took over an hour of fsyncs), only
  // the checkpoints and the close at the end.
  auto rt = open_runtime(a.db, clock, Durability::kProcess);
  if (!rt.ok()) return fail(rt.status());
  DemoOptions opt;
  opt.seed = a.seed;
  opt.leads = a.leads;
  opt.start = *start;
  ProgressBar bar("demo data", wall);
  Runtime& r = **rt;
  auto summary = generate_demo({*r.store, r.campaigns, r.intake, &r.definitions, &r.lifecycle, &r.router, &r.follow_up,
                                &r.goals},
                               clock, opt,
                               [&](int64_t done, int64_t total) {
                                 bar.update(static_cast<size_t>(done), static_cast<size_t>(total),
                                            with_commas(done) + " leads");
                               });
  bar.finish();
  if (!summary.ok()) return fail(summary.status());
  const DemoSummary& s = *summary;
  std::cout << "demo data in " << a.db << ": " << s.campaigns << " campaigns, " << s.teams
            << " teams, " << s.reps << " reps, " << with_commas(s.created) << " leads created, "
            << with_commas(s.merged) << " re-captures merged, " << with_commas(s.touches)
            << " touches, " << with_commas(s.transitions) << " sales outcomes; lead definition version "
            << s.definition_version << " signed by marketing and sales on " << format_date(day_of(s.signed_at))
            << ", with " << s.goals << " goals agreed (seed " << a.seed << "); follow-up: "
            << with_commas(s.sla_breaches) << " SLA breaches, " << with_commas(s.reassignments) << " reassigned, "
            << with_commas(s.decays) << " warm leads decayed\n";
  if (Status st = add_demo_users(r, std::cout); !st.ok()) return fail(st);
  return 0;
}

struct TokenArgs {
  std::string db = kDefaultDb;
  std::string role = "admin";
  std::string label;
  AccessBinding binding;
  int expires_days = 0;
  int64_t id = 0;
};

int run_token_create(const TokenArgs& a) {
  std::string bad;
  auto roles = parse_roles(a.role, &bad);
  if (!roles) {
    return fail(Status(ErrorCode::kInvalidValue,
                       "unknown role '" + bad + "'; use one or more of " + std::string(role_names()), "--role"));
  }
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  std::optional<TimePoint> expires;
  if (a.expires_days > 0) expires = clock.now() + a.expires_days * kMillisPerDay;
  auto t = (*rt)->tokens.create(*roles, a.label, expires, a.binding);
  if (!t.ok()) return fail(t.status());
  std::cout << t->secret << std::endl;  // only the token: scripts capture it
  return 0;
}

int run_token_list(const TokenArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  auto list = (*rt)->store->list_tokens();
  if (!list.ok()) return fail(list.status());
  std::cout << "id\troles\tlabel\tbound to\tcreated\texpires\trevoked\n";
  for (const ApiToken& t : *list) {
    const std::string bound = binding_text(t.binding);
    std::cout << t.id << "\t" << t.role << "\t" << t.label << "\t" << bound << "\t" << format_time(t.created_at)
              << "\t" << (t.expires_at ? format_time(*t.expires_at) : "-") << "\t"
              << (t.revoked_at ? format_time(*t.revoked_at) : "-") << "\n";
  }
  return 0;
}

int run_token_revoke(const TokenArgs& a) {
  SystemClock clock;
  auto rt = open_runtime(a.db, clock);
  if (!rt.ok()) return fail(rt.status());
  Status st = (*rt)->tokens.revoke(a.id);
  if (!st.ok()) return fail(st);
  std::cout << "token " << a.id << " revoked\n";
  return 0;
}

}  // namespace

int fail(const Status& st) {
  std::cerr << "leadloop: " << st.to_string() << "\n";
  return 1;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, "cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The processes that capture (serve, import, demo) keep the dedup index and
// campaigns in memory, so only one of them may write a database at a time.
// Held until the process ends; the kernel releases it even on kill -9. On
// PostgreSQL it is an advisory lock of one connection, per schema, which the
// server releases when the connection ends.
Status lock_database(const std::string& db, const char* who, const char* instead) {
  const std::string busy = std::string("cannot ") + who + ": another leadloop process (serve, import or demo) is writing '" +
                           (is_postgres_url(db) ? pg::redact_url(db) : db) + "'. Stop it first, or " + instead + ".";
  if (is_postgres_url(db)) {
    auto conn = pg::PgDb::open(db);
    if (!conn.ok()) return conn.status();
    auto st = (*conn)->prepare("SELECT pg_try_advisory_lock(1818585441, hashtext(current_schema()))");
    if (!st.ok()) return st.status();
    auto row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row || (*st)->int64(0) == 0) return Status(ErrorCode::kConflict, busy);
    (void)conn->release();  // the connection stays open, and the lock held, for the process's life
    return Status();
  }
  std::filesystem::path parent = std::filesystem::path(db).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
  std::string path = db + ".lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status(ErrorCode::kIoError, "cannot open lock file '" + path + "'");
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return Status(ErrorCode::kConflict, busy);
  }
  return Status();  // the descriptor stays open, and locked, for the process's life
}

Result<std::unique_ptr<Runtime>> open_runtime(const std::string& db, const Clock& clock,
                                              Durability durability) {
  std::filesystem::path parent = is_postgres_url(db) ? std::filesystem::path() : std::filesystem::path(db).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
  auto store = open_store(db, durability);
  if (!store.ok()) return store.status();
  auto rt = std::make_unique<Runtime>(std::move(store).value(), clock);
  LEADLOOP_RETURN_IF_ERROR(rt->campaigns.load());
  LEADLOOP_RETURN_IF_ERROR(rt->definitions.load());
  LEADLOOP_RETURN_IF_ERROR(rt->router.open());
  LEADLOOP_RETURN_IF_ERROR(rt->intake.open());
  LEADLOOP_RETURN_IF_ERROR(rt->feedback_links.open());
  LEADLOOP_RETURN_IF_ERROR(rt->forms.open());
  LEADLOOP_RETURN_IF_ERROR(rt->unsubscribe_links.open());
  return rt;
}

void add_commands(CLI::App& app, int* exit_code) {
  auto serve = std::make_shared<ServeArgs>();
  auto* s = app.add_subcommand("serve", "Serve the HTTP API (stops cleanly on SIGTERM/SIGINT)");
  s->add_option("--db", serve->db, "SQLite database file (created if absent) or postgresql:// URL")->capture_default_str();
  s->add_option("--listen", serve->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  s->add_option("--max-body", serve->max_body, "Largest request body in bytes (413 above)")->capture_default_str();
  s->add_option("--threads", serve->threads, "Request handler threads; 0: one per core, at least 2")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  s->add_option("--header-timeout-ms", serve->header_timeout_ms,
                "A request's whole header must arrive within this, however slowly it is sent")
      ->capture_default_str()
      ->check(CLI::Range(100, 600000));
  s->add_option("--idle-timeout-ms", serve->idle_timeout_ms, "An idle keep-alive connection is closed after this")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  s->add_option("--min-body-rate", serve->min_body_rate,
                "Bytes per second a request body must keep up on average (after a grace second)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  s->add_option("--stop-grace-ms", serve->stop_grace_ms,
                "On SIGTERM, how long requests in flight may take to finish")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  s->add_option("--max-connections", serve->max_connections, "Open connections in all (503 above)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  s->add_option("--max-connections-per-address", serve->max_connections_per_address,
                "Open connections from one client address (503 above)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  s->add_option("--max-streams", serve->max_streams, "Live streams (GET /api/v1/stream) open at once (429 above)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  s->add_option("--timer-interval-ms", serve->timer_ms, "How often follow-up timers (SLA, decay) are checked")
      ->capture_default_str()
      ->check(CLI::Range(50, 3600000));
  s->add_option("--rate-limit", serve->rate_limit,
                 "Requests per second per client (token, user or address), bursts of twice that; 0: no limit")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  s->add_option("--form-posts-per-minute", serve->form_posts_per_minute,
                 "Posts of public web forms per minute from one address, bursts of as many; 0: no limit")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  s->add_option("--logins-per-minute", serve->logins_per_minute, "Sign-in attempts per minute from one address")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  s->add_flag("--behind-tls", serve->behind_tls,
              "Served behind a proxy terminating HTTPS: Secure cookies and Strict-Transport-Security");
  s->add_option("--retention-days", serve->retention_days,
                 "Erase closed leads (won, lost, disqualified, opted out) not updated for this many days; 0: keep")
      ->capture_default_str()
      ->check(CLI::Range(0, 36500));
  s->add_option("--request-time-budget", serve->request_time_budget,
                "Seconds a request may run before it is cancelled (budget_exceeded, 503); 0: no limit")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  s->add_option("--export-time-budget", serve->export_time_budget,
                "Seconds an export or import (and a definition's activation) may run; 0: no limit")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  s->add_option("--request-memory-budget", serve->request_memory_budget,
                "Megabytes a request may hold before it is cancelled (budget_exceeded, 503); 0: no limit")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  s->add_flag("--allow-private-webhooks", serve->allow_private_webhooks,
              "Let every webhook reach private, loopback and link-local addresses (tests; an admin can allow "
              "one endpoint instead)");
  s->add_option("--webhook-timeout-ms", serve->webhook_timeout_ms, "How long one webhook attempt may take")
      ->capture_default_str()
      ->check(CLI::Range(100, 60000));
  s->add_option("--manual-clock", serve->manual_clock,
                "For tests and demos: start the clock at this time (ISO 8601); it moves only by POST /api/v1/clock");
  s->add_option("--web-dir", serve->web_dir, "Directory of the built web app (index.html and its assets)")
      ->capture_default_str();
  s->add_option("--smtp", serve->smtp,
                "SMTP server for mail: smtp://[USER@]HOST[:PORT] (STARTTLS per --smtp-tls) or smtps://...; "
                "overrides the admin setting");
  s->add_option("--smtp-from", serve->smtp_from, "Sender of the mail: ADDRESS or \"Name <ADDRESS>\"");
  s->add_option("--smtp-password-file", serve->smtp_password_file,
                "File holding the SMTP password (else $LEADLOOP_SMTP_PASSWORD, else the URL's)")
      ->check(CLI::ExistingFile);
  s->add_option("--smtp-tls", serve->smtp_tls, "STARTTLS on smtp://: none, try or require")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "try", "require"}));
  s->add_option("--smtp-ca-file", serve->smtp_ca_file,
                "PEM file of the CAs that sign the SMTP server's certificate (else the system's); the "
                "certificate and host name are always verified")
      ->check(CLI::ExistingFile);
  s->add_option("--smtp-rate", serve->smtp_rate, "Messages per second per sender; 0: no limit")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100000.0));
  s->add_option("--digest-hour", serve->digest_hour, "UTC hour from which each rep's daily digest goes out")
      ->capture_default_str()
      ->check(CLI::Range(0, 23));
  s->add_option("--public-url", serve->public_url,
                "The server's public URL (https://HOST), which links in mail start with");
  s->callback([serve, exit_code] { *exit_code = run_serve(*serve); });

  auto imp = std::make_shared<ImportArgs>();
  auto* i = app.add_subcommand("import", "Import leads from a CSV file (any CRM's export)");
  i->add_option("file", imp->file, "CSV file")->required()->check(CLI::ExistingFile);
  i->add_option("--db", imp->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  i->add_option("--campaign", imp->campaign, "Campaign key for rows without one");
  i->add_option("--mapping", imp->mapping, "auto, salesforce, hubspot, mautic, or a YAML mapping file")->capture_default_str();
  i->add_option("--errors", imp->errors_out, "Where to write rejected rows (default FILE.errors.csv)");
  i->add_option("--batch", imp->batch, "Leads per transaction")->capture_default_str()->check(CLI::Range(1, 100000));
  i->add_flag("--dry-run", imp->dry_run, "Validate and find duplicates; store nothing");
  i->callback([imp, exit_code] { *exit_code = run_import(*imp); });

  auto exp = std::make_shared<ExportArgs>();
  auto* e = app.add_subcommand("export", "Export leads as CSV (or, with `events`, their events)");
  e->add_option("--db", exp->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  e->add_option("--format", exp->format, "Output format")->check(CLI::IsMember({"csv"}))->capture_default_str();
  e->add_option("--out", exp->out, "Output file (default: standard output)");
  e->add_option("--campaign", exp->campaign, "Only leads of this campaign");
  e->add_option("--stage", exp->stage, "Only leads in this stage");
  e->add_option("--grade", exp->grade, "Only leads of this grade");
  e->add_option("--owner", exp->owner, "Only leads of this owner");
  e->add_option("--region", exp->region, "Only leads of this region");
  e->add_option("--created-from", exp->created_from, "Captured at or after (YYYY-MM-DD or ISO time)");
  e->add_option("--created-to", exp->created_to, "Captured before (YYYY-MM-DD or ISO time)");
  e->add_option("--q", exp->q, "Text in email, phone, name or company");
  auto evs = std::make_shared<ExportArgs>();
  auto* ev = e->add_subcommand("events", "Export the events of the leads as CSV: the raw history for any BI tool");
  ev->add_option("--db", evs->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  ev->add_option("--format", evs->format, "Output format")->check(CLI::IsMember({"csv"}))->capture_default_str();
  ev->add_option("--out", evs->out, "Output file (default: standard output)");
  ev->add_option("--from", evs->from, "Events at or after (YYYY-MM-DD or ISO time)");
  ev->add_option("--to", evs->to, "Events before (YYYY-MM-DD or ISO time)");
  ev->add_option("--type", evs->types, "Only these event types (stage_changed, touched, assigned, ...)");
  ev->add_option("--campaign", evs->campaign, "Only the events of this campaign's leads");
  ev->add_option("--owner", evs->owner, "Only the events of this owner's leads");
  ev->add_option("--region", evs->region, "Only the events of this region's leads");
  ev->add_option("--created-from", evs->created_from, "Only leads captured at or after");
  ev->add_option("--created-to", evs->created_to, "Only leads captured before");
  ev->callback([evs, exit_code] { *exit_code = run_export(*evs, true); });
  e->callback([exp, ev, exit_code] {
    if (ev->parsed()) return;  // `export events`
    *exit_code = run_export(*exp, false);
  });

  auto demo = std::make_shared<DemoArgs>();
  auto* d = app.add_subcommand("demo", "Generate a realistic, deterministic demo data set");
  d->add_option("--db", demo->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  d->add_option("--seed", demo->seed, "Random seed (same seed, same data)")->capture_default_str();
  d->add_option("--leads", demo->leads, "Number of leads to capture")->capture_default_str()->check(CLI::Range(0, 100000000));
  d->add_option("--start", demo->start, "First day of the nine-month programme")->capture_default_str();
  d->callback([demo, exit_code] { *exit_code = run_demo(*demo); });

  add_migrate_command(app, exit_code);

  auto tok = std::make_shared<TokenArgs>();
  auto* t = app.add_subcommand("token", "Manage API tokens");
  t->require_subcommand(1);
  auto* tc = t->add_subcommand("create", "Create a token and print it (only the token)");
  tc->add_option("--db", tok->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  tc->add_option("--role", tok->role, std::string("Role, or roles separated by commas: ") + std::string(role_names()))->capture_default_str();
  tc->add_option("--label", tok->label, "A name to recognise the token by");
  tc->add_option("--vendor", tok->binding.vendor, "The vendor a vendor token is bound to (required for vendor)");
  tc->add_option("--rep", tok->binding.rep, "The rep key a sales_rep token is bound to (required for sales_rep)");
  tc->add_option("--team", tok->binding.team, "The team a sales_manager token manages (default: every team)");
  tc->add_option("--expires-days", tok->expires_days, "Days until it expires (0: never)")->check(CLI::Range(0, 3650));
  tc->callback([tok, exit_code] { *exit_code = run_token_create(*tok); });
  auto* tl = t->add_subcommand("list", "List tokens (never their secrets)");
  tl->add_option("--db", tok->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  tl->callback([tok, exit_code] { *exit_code = run_token_list(*tok); });
  auto* tr = t->add_subcommand("revoke", "Revoke a token by id");
  tr->add_option("id", tok->id, "Token id (see token list)")->required();
  tr->add_option("--db", tok->db, "SQLite database file or postgresql:// URL")->capture_default_str();
  tr->callback([tok, exit_code] { *exit_code = run_token_revoke(*tok); });

  add_definition_commands(app, exit_code);
  add_feedback_commands(app, exit_code);
  add_lifecycle_commands(app, exit_code);
  add_privacy_commands(app, exit_code);
  add_audit_commands(app, exit_code);
  add_user_commands(app, exit_code);
  add_report_commands(app, exit_code);
  add_goal_commands(app, exit_code);

  app.add_subcommand("version", "Print the version")->callback([] {
    std::cout << "leadloop " << LEADLOOP_VERSION << "\n";
  });
}

}  // namespace leadloop::cli
