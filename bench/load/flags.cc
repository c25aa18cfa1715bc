#include "flags.h"

namespace leadloop::bench {

Flags::Flags(int argc, char** argv) {
  for (int i = 1; i < argc; i += 2) {
    const std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) {
      problem_ = "expected --name value pairs, got '" + name + "'";
      return;
    }
    given_[name] = argv[i + 1];
  }
}

std::string Flags::text(const std::string& name, const std::string& fallback) {
  read_[name] = true;
  auto it = given_.find(name);
  return it == given_.end() ? fallback : it->second;
}

long Flags::number(const std::string& name, long fallback) {
  const std::string v = text(name, "");
  return v.empty() ? fallback : std::stol(v);
}

double Flags::real(const std::string& name, double fallback) {
  const std::string v = text(name, "");
  return v.empty() ? fallback : std::stod(v);
}

std::string Flags::problems() const {
  std::string out = problem_;
  for (const auto& [name, value] : given_) {
    if (!read_.count(name)) out += (out.empty() ? "" : "; ") + ("unknown flag " + name);
  }
  return out;
}

}  // namespace leadloop::bench
