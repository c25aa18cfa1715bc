#include "engine/dedup_index.h"

#include <functional>

namespace leadloop {

std::string_view key_kind_name(KeyKind k) {
  switch (k) {
    case KeyKind::kEmail: return "email";
    case KeyKind::kPhone: return "phone";
    case KeyKind::kCompanyName: break;
  }
  return "company_name";
}

const std::string& lead_key(const Lead& l, KeyKind k) {
  switch (k) {
    case KeyKind::kEmail: return l.email_key;
    case KeyKind::kPhone: return l.phone_key;
    case KeyKind::kCompanyName: break;
  }
  return l.name_key;
}

uint64_t DedupIndex::hash(std::string_view key) { return std::hash<std::string_view>()(key); }

void DedupIndex::reserve(size_t leads) {
  for (auto& m : maps_) m.reserve(leads);
}

void DedupIndex::add(int64_t id, const std::string& email_key, const std::string& phone_key,
                     const std::string& name_key) {
  const std::string* keys[kKeyKinds] = {&email_key, &phone_key, &name_key};
  for (int k = 0; k < kKeyKinds; ++k) {
    if (!keys[k]->empty()) maps_[static_cast<size_t>(k)].emplace(hash(*keys[k]), id);
  }
}

void DedupIndex::remove(int64_t id, const std::string& email_key, const std::string& phone_key,
                        const std::string& name_key) {
  const std::string* keys[kKeyKinds] = {&email_key, &phone_key, &name_key};
  for (int k = 0; k < kKeyKinds; ++k) {
    if (keys[k]->empty()) continue;
    auto& map = maps_[static_cast<size_t>(k)];
    auto it = map.find(hash(*keys[k]));
    if (it != map.end() && it->second == id) map.erase(it);
  }
}

int64_t DedupIndex::find(KeyKind k, const std::string& key) const {
  if (key.empty()) return 0;
  const auto& map = maps_[static_cast<size_t>(k)];
  auto it = map.find(hash(key));
  return it == map.end() ? 0 : it->second;
}

size_t DedupIndex::size() const {
  size_t n = 0;
  for (const auto& m : maps_) n += m.size();
  return n;
}

}  // namespace leadloop
