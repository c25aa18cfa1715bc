// The HTTP layer against hostile and numerous clients, over raw sockets on
// loopback: slow headers and bodies, idle keep-alive, connection caps, many
// live streams, the stop on SIGTERM, and the error shape of the answers the
// server makes before any route runs.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"
#include "test_store.h"

namespace leadloop {
namespace {

using nlohmann::json;
using testing::ServerProcess;
using testing::TempDir;
using SteadyClock = std::chrono::steady_clock;

int64_t ms_since(SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t).count();
}

// A raw client connection: what is sent is exactly what the test writes.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  bool send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads what arrives within `timeout_ms`; stops early once `until` is in
  // the text or the server closed. closed() tells which.
  std::string read(int timeout_ms, std::string_view until = {}) {
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (!closed_ && (until.empty() || text_.find(until) == std::string::npos)) {
      const int64_t left = -ms_since(deadline);
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[65536];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      text_.append(buf, static_cast<size_t>(n));
    }
    return text_;
  }
  // True when the server closed the connection within `timeout_ms`.
  bool closed_within(int timeout_ms) {
    read(timeout_ms);
    return closed_;
  }
  bool closed() const { return closed_; }
  const std::string& text() const { return text_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string text_;
};

// A whole answer read off a raw connection.
struct RawAnswer {
  int status = 0;
  std::string head;
  json body;
};

RawAnswer parse_answer(const std::string& text) {
  RawAnswer a;
  const size_t end = text.find("\r\n\r\n");
  if (end == std::string::npos || text.size() < 12) return a;
  a.head = text.substr(0, end);
  a.status = std::stoi(text.substr(9, 3));
  a.body = json::parse(text.substr(end + 4), nullptr, false);
  return a;
}

bool has_header(const RawAnswer& a, const std::string& line) {
  return a.head.find("\r\n" + line + "\r\n") != std::string::npos ||
         a.head.ends_with("\r\n" + line);
}

std::string get_request(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

int64_t rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6));
  }
  return 0;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("server.db");
    token_ = testing::create_token(db_);
  }
  void start(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerProcess>(db_, extra);
  }
  void add_campaign() {
    auto r = server_->client(token_)->Post(
        "/api/v1/campaigns", R"({"key":"web-1","name":"Web","channel":"web"})", "application/json");
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no reply");
  }
  // GET /api/v1/health on a fresh connection; its time in ms, or -1.
  int64_t health_ms() {
    const auto t0 = SteadyClock::now();
    auto r = server_->client()->Get("/api/v1/health");
    if (!r || r->status != 200 || json::parse(r->body, nullptr, false).value("status", "") != "ok")
      return -1;
    return ms_since(t0);
  }

  TempDir dir_;
  std::string db_;
  std::string token_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServerTest, StalledHeadersNeitherBlockHealthNorOutliveTheHeaderDeadline) {
  start({"--header-timeout-ms", "1500"});
  const auto opened = SteadyClock::now();
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 200; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(stalled.back()->connected());
    ASSERT_TRUE(
        stalled.back()->send_all("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: "));
  }
  // One more that trickles a byte every 100 ms: the deadline is for the
  // whole header, not renewed by each byte.
  RawConnection trickle(server_->port());
  std::thread trickler([&] {
    for (int i = 0; i < 40 && trickle.send_all("a"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  });
  int64_t worst = 0;
  for (int i = 0; i < 5; ++i) {
    const int64_t ms = health_ms();
    ASSERT_GE(ms, 0) << "health did not answer while 200 headers were stalled";
    worst = std::max(worst, ms);
  }
  EXPECT_LT(worst, 500) << "health took " << worst << " ms";
  std::cout << "health with 200 stalled headers: worst of 5 " << worst << " ms\n";
  for (auto& c : stalled) {
    EXPECT_TRUE(c->closed_within(std::max<int64_t>(1, 3000 - ms_since(opened))));
    EXPECT_EQ(c->text(), "");  // closed without an answer
  }
  EXPECT_LT(ms_since(opened), 3000);
  EXPECT_TRUE(trickle.closed_within(2500));
  trickler.join();
  EXPECT_LT(ms_since(opened), 4000) << "the trickling header outlived its deadline";
  EXPECT_GE(health_ms(), 0);
}

TEST_F(ServerTest, BodyBelowTheMinimumRateIsCut) {
  start({"--min-body-rate", "1000"});
  add_campaign();
  RawConnection c(server_->port());
  ASSERT_TRUE(
      c.send_all("POST /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                 token_ + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"));
  const auto t0 = SteadyClock::now();
  // 20 bytes every 100 ms is 200 B/s: cut after the grace second and the
  // one second's allowance.
  bool cut = false;
  while (ms_since(t0) < 6000 && !cut) {
    cut = !c.send_all(std::string(20, ' ')) || c.closed_within(100);
  }
  EXPECT_TRUE(cut);
  EXPECT_LT(ms_since(t0), 4000);
  EXPECT_EQ(c.text().find("HTTP/1.1 2"), std::string::npos) << c.text();
  EXPECT_GE(health_ms(), 0);
}

TEST_F(ServerTest, IdleKeepAliveIsClosedOnTime) {
  start({"--idle-timeout-ms", "700"});
  RawConnection c(server_->port());
  ASSERT_TRUE(c.send_all(get_request("/api/v1/health")));
  RawAnswer first = parse_answer(c.read(2000, "}"));
  ASSERT_EQ(first.status, 200) << c.text();
  EXPECT_TRUE(has_header(first, "Connection: keep-alive")) << first.head;
  EXPECT_EQ(first.body["status"], "ok");
  const auto t0 = SteadyClock::now();
  EXPECT_TRUE(c.closed_within(2500));
  EXPECT_GE(ms_since(t0), 500);
  EXPECT_LT(ms_since(t0), 1500);
}

TEST_F(ServerTest, ConnectionsOverThePerAddressCapGet503WithRetryAfter) {
  start({"--max-connections-per-address", "5"});
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 5; ++i) {
    held.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(held.back()->send_all(get_request("/api/v1/health")));
    ASSERT_EQ(parse_answer(held.back()->read(2000, "}")).status, 200);
  }
  RawConnection over(server_->port());
  over.read(2000);
  RawAnswer refused = parse_answer(over.text());
  EXPECT_EQ(refused.status, 503) << over.text();
  EXPECT_TRUE(has_header(refused, "Retry-After: 1")) << refused.head;
  EXPECT_TRUE(has_header(refused, "X-Content-Type-Options: nosniff")) << refused.head;
  ASSERT_TRUE(refused.body.is_object()) << over.text();
  EXPECT_EQ(refused.body["error"]["code"], "too_many_requests");
  EXPECT_NE(
      refused.body["error"]["message"].get<std::string>().find("--max-connections-per-address"),
      std::string::npos);
  EXPECT_TRUE(over.closed());
  // A place freed is a place to take.
  held.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GE(health_ms(), 0);
}

TEST_F(ServerTest, SigtermExitsAtOnceWhenIdleWithKeepAliveAndStreamsOpen) {
  start();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(idle.back()->send_all(get_request("/api/v1/health")));
    ASSERT_EQ(parse_answer(idle.back()->read(2000, "}")).status, 200);
  }
  RawConnection stream(server_->port());
  ASSERT_TRUE(
      stream.send_all(get_request("/api/v1/stream", "Authorization: Bearer " + token_ + "\r\n")));
  ASSERT_NE(stream.read(2000, "event: ready").find("event: ready"), std::string::npos)
      << stream.text();
  const auto t0 = SteadyClock::now();
  const int status = server_->terminate();
  const int64_t took = ms_since(t0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(took, 1000) << "an idle server took " << took << " ms to stop";
  std::cout << "SIGTERM to exit, idle with 3 keep-alive connections and a stream: " << took
            << " ms\n";
  for (auto& c : idle) EXPECT_TRUE(c->closed_within(100));
  EXPECT_TRUE(stream.closed_within(100));
}

TEST_F(ServerTest, SigtermLetsARequestInFlightFinish) {
  start();
  add_campaign();
  std::string body = "[";
  for (int i = 0; i < 10000; ++i) {
    body += std::string(i ? "," : "") + R"({"email":"stop)" + std::to_string(i) +
            R"(@x.example","source_campaign":"web-1","attributes":{"note":")" +
            std::string(150, 'n') + "\"}}";
  }
  body += "]";
  RawConnection c(server_->port());
  ASSERT_TRUE(c.send_all(
      "POST /api/v1/leads/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token_ +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body));
  // The body is sent: the request is in flight when the signal comes.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(server_->pid(), SIGTERM);
  RawAnswer a = parse_answer(c.read(30000, "\"results\""));
  c.read(30000);  // to the end: the server closes after answering
  a = parse_answer(c.text());
  ASSERT_EQ(a.status, 200) << c.text().substr(0, 300);
  EXPECT_TRUE(has_header(a, "Connection: close")) << a.head;
  EXPECT_EQ(a.body["created"], 10000);
  EXPECT_TRUE(c.closed());
  const int status = server_->terminate();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(ServerTest, ManyStreamsEachReceiveTheChangeWithinASecond) {
  start();
  add_campaign();
  const int64_t rss_before = rss_kb(server_->pid());
  constexpr int kStreams = 200;
  std::vector<std::unique_ptr<RawConnection>> streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(streams.back()->send_all(
        get_request("/api/v1/stream", "Authorization: Bearer " + token_ + "\r\n")));
  }
  for (auto& s : streams) {
    ASSERT_NE(s->read(5000, "event: ready").find("event: ready"), std::string::npos) << s->text();
    EXPECT_NE(s->text().find("Content-Type: text/event-stream"), std::string::npos);
  }
  const int64_t per_stream_kb = (rss_kb(server_->pid()) - rss_before) / kStreams;
  std::cout << "memory per open stream: " << per_stream_kb << " KB\n";
  EXPECT_LE(per_stream_kb, 100);
  auto r = server_->client(token_)->Post("/api/v1/leads",
                                         R"({"email":"live@x.example","source_campaign":"web-1"})",
                                         "application/json");
  ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no reply");
  const auto answered = SteadyClock::now();
  int64_t slowest = 0;
  for (auto& s : streams) {
    const int64_t left = std::max<int64_t>(1, 1000 - ms_since(answered));
    ASSERT_NE(s->read(static_cast<int>(left), "event: change").find("event: change"),
              std::string::npos)
        << "a stream had no change event 1 s after the capture";
    slowest = std::max(slowest, ms_since(answered));
  }
  std::cout << "change event on " << kStreams << " streams: last after " << slowest << " ms\n";
}

// An export is written as the client reads it: a client that stops
// reading and goes away ends the export on the server, which logs it as
// cut short, and the server goes on answering.
TEST_F(ServerTest, AnExportWhoseClientGoesAwayEndsAndIsLoggedCutShort) {
  start({"--stop-grace-ms", "1000"});
  add_campaign();
  // 30,000 leads, about 12 MB of CSV: more than the sockets' buffers hold.
  for (int batch = 0; batch < 3; ++batch) {
    std::string body = "[";
    for (int i = 0; i < 10000; ++i) {
      body += std::string(i ? "," : "") + R"({"email":"x)" + std::to_string(batch) + "-" +
              std::to_string(i) +
              R"(@x.example","source_campaign":"web-1","attributes":{"note":")" +
              std::string(300, 'n') + "\"}}";
    }
    body += "]";
    auto r = server_->client(token_)->Post("/api/v1/leads/bulk", body, "application/json");
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body.substr(0, 200) : "no reply");
  }
  {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.send_all(
        get_request("/api/v1/exports/leads.csv", "Authorization: Bearer " + token_ + "\r\n")));
    ASSERT_NE(c.read(5000, "id,email").find("Transfer-Encoding: chunked"), std::string::npos)
        << c.text();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }  // the client goes away without reading on
  const std::string log_file = db_ + ".server.log";
  bool logged = false;
  for (int i = 0; i < 50 && !logged; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(log_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    logged =
        text.find("GET /api/v1/exports/leads.csv: streamed body cut short") != std::string::npos;
  }
  EXPECT_TRUE(logged) << "no 'cut short' line in " << log_file;
  EXPECT_GE(health_ms(), 0);
  // A client that reads it all gets it all.
  auto whole = server_->client(token_)->Get("/api/v1/exports/leads.csv");
  ASSERT_TRUE(whole && whole->status == 200);
  EXPECT_EQ(std::count(whole->body.begin(), whole->body.end(), '\n'), 30001);
  // Both exports are in the audit log, each row written when its stream
  // ended: the first cut short, the second complete, with the bytes sent.
  auto audit = server_->client(token_)->Get(
      "/api/v1/audit?action=GET%20/api/v1/exports/leads.csv&limit=10");
  ASSERT_TRUE(audit && audit->status == 200);
  const auto entries = nlohmann::json::parse(audit->body)["entries"];
  ASSERT_EQ(entries.size(), 2u) << audit->body;
  int complete = 0, cut = 0;
  for (const auto& e : entries) {
    const auto& stream = e["detail"]["stream"];
    if (stream["complete"].get<bool>()) {
      ++complete;
      EXPECT_EQ(stream["bytes"].get<size_t>(), whole->body.size());
    } else {
      ++cut;
      EXPECT_EQ(stream["error"], "the client went away");
      EXPECT_LT(stream["bytes"].get<size_t>(), whole->body.size());
    }
  }
  EXPECT_EQ(complete, 1);
  EXPECT_EQ(cut, 1);
  // A reader that stalls does not hold a stop past its grace.
  RawConnection stalled(server_->port());
  ASSERT_TRUE(stalled.send_all(
      get_request("/api/v1/exports/leads.csv", "Authorization: Bearer " + token_ + "\r\n")));
  ASSERT_NE(stalled.read(5000, "id,email").find("id,email"), std::string::npos);
  const auto t0 = SteadyClock::now();
  const int status = server_->terminate();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  // Known gap on PostgreSQL (docs/deployment.md): the stop waits for the
  // export's open query on its pooled connection, 4.9-6.5 s here, past the
  // grace. The clean exit is checked on both backends, the bound on SQLite.
  if (!testing::on_postgres()) {
    EXPECT_LT(ms_since(t0), 2500) << "--stop-grace-ms 1000";
  }
}

TEST_F(ServerTest, RefusalsHaveTheJsonErrorShape) {
  start({"--max-body", "1000"});
  struct Case {
    std::string name;
    std::string request;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"unknown route", get_request("/api/v1/nothing"), 404, "not_found"},
      {"wrong method", "POST /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 404,
       "not_found"},
      {"body too large", "POST /api/v1/leads HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n",
       413, "payload_too_large"},
      {"malformed", "GARBAGE\r\n\r\n", 400, "invalid_value"},
      {"header too large",
       get_request("/api/v1/health", "X-Big: " + std::string(40000, 'b') + "\r\n"), 431,
       "payload_too_large"},
  };
  for (const Case& c : cases) {
    RawConnection conn(server_->port());
    conn.send_all(c.request);
    RawAnswer a = parse_answer(conn.read(3000, "}}"));
    EXPECT_EQ(a.status, c.status) << c.name << ": " << conn.text();
    ASSERT_TRUE(a.body.is_object() && a.body.contains("error")) << c.name << ": " << conn.text();
    EXPECT_EQ(a.body["error"]["code"], c.code) << c.name;
    EXPECT_TRUE(a.body["error"]["message"].is_string()) << c.name;
    EXPECT_TRUE(a.body["error"].contains("field")) << c.name;
    EXPECT_TRUE(has_header(a, "Content-Type: application/json")) << c.name << ": " << a.head;
    EXPECT_TRUE(has_header(a, "X-Content-Type-Options: nosniff")) << c.name << ": " << a.head;
  }
}

}  // namespace
}  // namespace leadloop
