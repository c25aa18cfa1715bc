#include "engine/campaign_catalog.h"

#include <mutex>

namespace leadloop {

Status CampaignCatalog::load() {
  auto all = store_.list_campaigns();
  if (!all.ok()) return all.status();
  std::unique_lock lock(mu_);
  by_key_.clear();
  for (auto& c : *all) by_key_.emplace(c.key, c);
  return Status();
}

Result<Campaign> CampaignCatalog::create(Campaign c) {
  LEADLOOP_RETURN_IF_ERROR(validate_campaign(c));
  c.created_at = clock_.now();
  std::lock_guard one_create(create_mu_);
  LEADLOOP_RETURN_IF_ERROR(store_.put_campaign(c));
  std::unique_lock lock(mu_);
  by_key_[c.key] = c;
  return c;
}

std::optional<Campaign> CampaignCatalog::find(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

bool CampaignCatalog::contains(const std::string& key) const {
  std::shared_lock lock(mu_);
  return by_key_.count(key) != 0;
}

std::vector<Campaign> CampaignCatalog::list() const {
  std::shared_lock lock(mu_);
  std::vector<Campaign> out;
  for (const auto& [k, c] : by_key_) out.push_back(c);
  return out;
}

}  // namespace leadloop
