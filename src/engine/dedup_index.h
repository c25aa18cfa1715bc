// DedupIndex maps every identity key (email, phone, company+name) to the
// first lead that had it. Rebuilt from the store at start, updated after each
// commit. Not thread-safe: Intake guards it with its write lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/lead.h"

namespace leadloop {

struct DedupMatch {
  int64_t lead_id;
  std::string_view matched_on;  // "email", "phone" or "company_name"
};

class DedupIndex {
 public:
  void reserve(size_t leads);
  // Adds the lead's keys; keys already taken keep their first lead.
  void add(int64_t id, const std::string& email_key, const std::string& phone_key,
           const std::string& name_key);
  void add(const Lead& l) { add(l.id, l.email_key, l.phone_key, l.name_key); }
  // The existing lead this one duplicates, trying email, phone, then name.
  std::optional<DedupMatch> find(const Lead& l) const;
  size_t size() const { return email_.size() + phone_.size() + name_.size(); }

 private:
  std::unordered_map<std::string, int64_t> email_;
  std::unordered_map<std::string, int64_t> phone_;
  std::unordered_map<std::string, int64_t> name_;
};

}  // namespace leadloop
