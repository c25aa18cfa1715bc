// CampaignCatalog keeps every campaign in memory (there are hundreds, not
// millions) so capture can check source_campaign without a query. Writes go
// through to the store first. Thread-safe. mu_ is a leaf lock: nothing else
// is locked while it is held, since reports read the catalog while they hold
// the projection, which a store commit holds while it writes (TSan found the
// cycle catalog -> store -> projection -> catalog when create held mu_).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "store/store.h"

namespace leadloop {

class CampaignCatalog {
 public:
  CampaignCatalog(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Status load();
  // Validates, stores and caches; kConflict if the key is taken.
  Result<Campaign> create(Campaign c);
  std::optional<Campaign> find(const std::string& key) const;
  bool contains(const std::string& key) const;
  std::vector<Campaign> list() const;

 private:
  Store& store_;
  const Clock& clock_;
  std::mutex create_mu_;  // one create at a time: store, then cache
  mutable std::shared_mutex mu_;
  std::map<std::string, Campaign> by_key_;  // guarded by mu_
};

}  // namespace leadloop
