#include "api.h"

#include <cstdio>

namespace leadloop::bench {

Api api_from_flags(Flags& flags) {
  Api api;
  api.server.host = flags.text("--host", "127.0.0.1");
  api.server.port = static_cast<int>(flags.number("--port", 0));
  api.token = flags.text("--token", "");
  return api;
}

std::unique_ptr<httplib::Client> make_client(const Api& api, int timeout_s, bool keep_alive) {
  auto client = std::make_unique<httplib::Client>(api.server.host, api.server.port);
  client->set_connection_timeout(timeout_s, 0);
  client->set_read_timeout(timeout_s, 0);
  client->set_write_timeout(timeout_s, 0);
  client->set_keep_alive(keep_alive);
  if (!api.token.empty()) client->set_bearer_token_auth(api.token);
  return client;
}

bool create_campaign(const Api& api, const std::string& key) {
  auto client = make_client(api, 30, false);
  const std::string body = "{\"key\":\"" + key + "\",\"channel\":\"web\"}";
  auto res = client->Post("/api/v1/campaigns", body, "application/json");
  if (res && (res->status == 201 || res->status == 200)) return true;
  std::fprintf(stderr, "cannot create campaign %s: %s\n", key.c_str(),
               res ? (std::to_string(res->status) + " " + res->body).c_str()
                   : httplib::to_string(res.error()).c_str());
  return false;
}

long json_number(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const size_t at = json.find(key);
  if (at == std::string::npos) return -1;
  return std::strtol(json.c_str() + at + key.size(), nullptr, 10);
}

}  // namespace leadloop::bench
