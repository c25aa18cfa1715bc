#include "engine/dedup_index.h"

namespace leadloop {

void DedupIndex::reserve(size_t leads) {
  email_.reserve(leads);
  phone_.reserve(leads);
  name_.reserve(leads);
}

void DedupIndex::add(int64_t id, const std::string& email_key, const std::string& phone_key,
                     const std::string& name_key) {
  if (!email_key.empty()) email_.emplace(email_key, id);
  if (!phone_key.empty()) phone_.emplace(phone_key, id);
  if (!name_key.empty()) name_.emplace(name_key, id);
}

std::optional<DedupMatch> DedupIndex::find(const Lead& l) const {
  if (!l.email_key.empty()) {
    if (auto it = email_.find(l.email_key); it != email_.end()) return DedupMatch{it->second, "email"};
  }
  if (!l.phone_key.empty()) {
    if (auto it = phone_.find(l.phone_key); it != phone_.end()) return DedupMatch{it->second, "phone"};
  }
  if (!l.name_key.empty()) {
    if (auto it = name_.find(l.name_key); it != name_.end()) {
      return DedupMatch{it->second, "company_name"};
    }
  }
  return std::nullopt;
}

}  // namespace leadloop
