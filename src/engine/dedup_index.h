// DedupIndex maps every identity key (external id, email, phone,
// company+name) to the
// first lead that had it, and keeps any later lead with the same key (a
// vendor's own lead of a person another party already has, or a hash
// collision) as a further candidate. Keys are held as 64-bit hashes (16 bytes an entry,
// ~50 MB for a million leads with all three keys); a hit is a candidate that
// the caller confirms against the lead's real key, so a hash collision can
// never merge two different people. Rebuilt from the store at start, updated
// after each commit. Not thread-safe: Intake guards it with its write lock.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/lead.h"

namespace leadloop {

// In priority order: a capture matches on the first kind that finds a lead.
enum class KeyKind : uint8_t { kExternalId, kEmail, kPhone, kCompanyName };
constexpr int kKeyKinds = 4;
std::string_view key_kind_name(KeyKind k);  // "external_id", "email", "phone", "company_name"
const std::string& lead_key(const Lead& l, KeyKind k);

class DedupIndex {
 public:
  void reserve(size_t leads);
  // Adds the lead's keys; keys already taken keep their first lead, and
  // this one becomes a further candidate for them.
  void add(int64_t id, const std::string& email_key, const std::string& phone_key,
           const std::string& name_key, const std::string& external_id = std::string());
  void add(const Lead& l) { add(l.id, l.email_key, l.phone_key, l.name_key, l.external_id); }
  // Removes the entries of these keys that point at lead `id` (a further
  // candidate then becomes the first).
  void remove(int64_t id, const std::string& email_key, const std::string& phone_key,
              const std::string& name_key, const std::string& external_id = std::string());
  // The lead holding this key of kind k, or 0; a candidate to confirm.
  int64_t find(KeyKind k, const std::string& key) const;
  // Every lead holding this key of kind k, the first first; candidates.
  std::vector<int64_t> find_all(KeyKind k, const std::string& key) const;
  size_t size() const;

 private:
  static uint64_t hash(std::string_view key);
  std::array<absl::flat_hash_map<uint64_t, int64_t>, kKeyKinds> maps_;
  // Later holders of a hash already in maps_, in the order they came: rare.
  std::array<absl::flat_hash_map<uint64_t, std::vector<int64_t>>, kKeyKinds> others_;
};

}  // namespace leadloop
