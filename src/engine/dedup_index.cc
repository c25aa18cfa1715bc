#include "engine/dedup_index.h"

#include <algorithm>
#include <functional>

namespace leadloop {

std::string_view key_kind_name(KeyKind k) {
  switch (k) {
    case KeyKind::kExternalId: return "external_id";
    case KeyKind::kEmail: return "email";
    case KeyKind::kPhone: return "phone";
    case KeyKind::kCompanyName: break;
  }
  return "company_name";
}

const std::string& lead_key(const Lead& l, KeyKind k) {
  switch (k) {
    case KeyKind::kExternalId: return l.external_id;
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
                     const std::string& name_key, const std::string& external_id) {
  const std::string* keys[kKeyKinds] = {&external_id, &email_key, &phone_key, &name_key};
  for (int k = 0; k < kKeyKinds; ++k) {
    if (keys[k]->empty()) continue;
    const uint64_t h = hash(*keys[k]);
    auto [it, added] = maps_[static_cast<size_t>(k)].emplace(h, id);
    if (added || it->second == id) continue;
    std::vector<int64_t>& more = others_[static_cast<size_t>(k)][h];
    if (std::find(more.begin(), more.end(), id) == more.end()) more.push_back(id);
  }
}

void DedupIndex::remove(int64_t id, const std::string& email_key, const std::string& phone_key,
                        const std::string& name_key, const std::string& external_id) {
  const std::string* keys[kKeyKinds] = {&external_id, &email_key, &phone_key, &name_key};
  for (int k = 0; k < kKeyKinds; ++k) {
    if (keys[k]->empty()) continue;
    const uint64_t h = hash(*keys[k]);
    auto& map = maps_[static_cast<size_t>(k)];
    auto& rest = others_[static_cast<size_t>(k)];
    auto more = rest.find(h);
    if (more != rest.end()) std::erase(more->second, id);
    auto it = map.find(h);
    if (it != map.end() && it->second == id) {
      if (more != rest.end() && !more->second.empty()) {
        it->second = more->second.front();
        more->second.erase(more->second.begin());
      } else {
        map.erase(it);
      }
    }
    if (more != rest.end() && more->second.empty()) rest.erase(more);
  }
}

std::vector<int64_t> DedupIndex::find_all(KeyKind k, const std::string& key) const {
  std::vector<int64_t> out;
  const int64_t first = find(k, key);
  if (first == 0) return out;
  out.push_back(first);
  const auto& rest = others_[static_cast<size_t>(k)];
  auto more = rest.find(hash(key));
  if (more != rest.end()) out.insert(out.end(), more->second.begin(), more->second.end());
  return out;
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
