// Who works leads: teams in regions, and reps in teams. Plain values; routing
// (engine) reads capacity and away.
#pragma once

#include <string>

namespace leadloop {

struct Team {
  std::string key;
  std::string name;
  std::string region;   // e.g. "NA", "EMEA", "APAC"
  std::string manager;  // rep key of the sales manager
};

struct Rep {
  std::string key;
  std::string name;
  std::string email;
  std::string team;
  std::string region;
  int capacity = 50;  // max open leads
  bool away = false;
  bool active = true;
  // Round-robin order: the number of the rep's latest assignment (0: never).
  // Routing picks the eligible rep assigned longest ago.
  int64_t last_assignment = 0;
};

}  // namespace leadloop
