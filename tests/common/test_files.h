// Files for tests: a fresh temporary directory removed afterwards, and the
// fixtures under tests/data. Shared by the unit and integration tests.
#pragma once

#include <string>

namespace leadloop::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The bytes of a file; "" if it cannot be read.
std::string read_file(const std::string& path);
// The bytes of tests/data/<relative>.
std::string fixture(const std::string& relative);

}  // namespace leadloop::testing
