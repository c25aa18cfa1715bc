// A real webhook receiver for tests: cpp-httplib on 127.0.0.1, a free
// port, keeping every request. The path picks the behaviour:
//   /ok            200
//   /fail/N        500 for the first N requests of each webhook-id, then 200
//   /gone          410
//   /throttle/S    429 with Retry-After: S (seconds)
//   /redirect      302 to /ok (which must not be followed)
//   /stall/MS      sleeps MS milliseconds, then 200
//   /slow/MS       sleeps MS milliseconds, then 200 (a large send's pace)
#pragma once

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace leadloop::testing {

struct Received {
  std::string path;
  std::string id;         // webhook-id
  std::string timestamp;  // webhook-timestamp
  std::string signature;  // webhook-signature
  std::string body;
};

class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(16); };
    server_.Post(R"(/.*)",
                 [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return received_.size();
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    Received r{req.path, req.get_header_value("webhook-id"),
               req.get_header_value("webhook-timestamp"), req.get_header_value("webhook-signature"),
               req.body};
    int seen = 0;
    {
      std::lock_guard lock(mu_);
      received_.push_back(r);
      seen = ++per_id_[r.id];
    }
    auto number_after = [&](const std::string& prefix) {
      return std::stoi(req.path.substr(prefix.size()));
    };
    if (req.path.rfind("/fail/", 0) == 0) {
      res.status = seen <= number_after("/fail/") ? 500 : 200;
    } else if (req.path == "/gone") {
      res.status = 410;
    } else if (req.path.rfind("/throttle/", 0) == 0) {
      res.status = 429;
      res.set_header("Retry-After", std::to_string(number_after("/throttle/")));
    } else if (req.path == "/redirect") {
      res.status = 302;
      res.set_header("Location", "/ok");
    } else if (req.path.rfind("/stall/", 0) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(number_after("/stall/")));
      res.status = 200;
    } else if (req.path.rfind("/slow/", 0) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(number_after("/slow/")));
      res.status = 200;
    } else {
      res.status = 200;
    }
    res.set_content("{}", "application/json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
  std::map<std::string, int> per_id_;
};

}  // namespace leadloop::testing
