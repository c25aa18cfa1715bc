// Blocking requests to the server under load (cpp-httplib's client), for the
// requests the tools time one by one: health, captures, reports, exports.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "flags.h"
#include "net.h"

namespace leadloop::bench {

struct Api {
  Endpoint server;
  std::string token;
};

// The server and token every tool takes: --host (127.0.0.1), --port, --token.
Api api_from_flags(Flags& flags);

// A client with `timeout_s` for connect, read and write. Without keep-alive
// each request opens a fresh connection.
std::unique_ptr<httplib::Client> make_client(const Api& api, int timeout_s, bool keep_alive);

// Creates campaign `key` (channel web); false, with a line on stderr, if the
// server refused.
bool create_campaign(const Api& api, const std::string& key);

// The number after "\"name\":" in a JSON text, or -1.
long json_number(const std::string& json, const std::string& name);

}  // namespace leadloop::bench
