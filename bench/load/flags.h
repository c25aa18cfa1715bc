// `--name value` command-line flags for the load tools. A flag given but
// never read is an error (a typo must not silently fall back to a default).
#pragma once

#include <map>
#include <string>

namespace leadloop::bench {

class Flags {
 public:
  Flags(int argc, char** argv);

  std::string text(const std::string& name, const std::string& fallback);
  long number(const std::string& name, long fallback);
  double real(const std::string& name, double fallback);

  // An empty string, or what is wrong with the command line: a flag without
  // a value, or flags that no read asked for.
  std::string problems() const;

 private:
  std::map<std::string, std::string> given_;
  std::map<std::string, bool> read_;
  std::string problem_;
};

}  // namespace leadloop::bench
