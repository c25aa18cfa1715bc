#include "measure/reports.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace leadloop {

namespace {

bool same_text_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool any_of_ci(const std::vector<std::string>& list, std::string_view v) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return same_text_ci(s, v); });
}

bool listed(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// The filter compiled against the projection's dictionaries: one flag per
// code, so a row is checked with a few array reads.
struct CompiledFilter {
  const ReportFilter& f;
  std::vector<uint8_t> campaign_ok, region_ok, owner_ok;
  std::vector<uint8_t> scope_campaign, scope_owner;
  std::vector<std::string> channel_of, vendor_of;  // by campaign code

  CompiledFilter(const ReportFilter& filter, const LeadProjection& p, const CampaignCatalog& catalog) : f(filter) {
    const Dictionary& campaigns = p.campaigns();
    campaign_ok.resize(campaigns.size());
    scope_campaign.resize(campaigns.size());
    channel_of.resize(campaigns.size());
    vendor_of.resize(campaigns.size());
    for (uint32_t c = 0; c < campaigns.size(); ++c) {
      const std::string& key = campaigns.text(c);
      auto found = catalog.find(key);
      if (found) {
        channel_of[c] = std::string(channel_name(found->channel));
        vendor_of[c] = found->vendor;
      }
      campaign_ok[c] = (f.campaigns.empty() || listed(f.campaigns, key)) &&
                       (f.channels.empty() || listed(f.channels, channel_of[c])) &&
                       (f.vendors.empty() || (!vendor_of[c].empty() && any_of_ci(f.vendors, vendor_of[c])));
      scope_campaign[c] = listed(f.scope_campaigns, key);
    }
    const Dictionary& regions = p.regions();
    region_ok.resize(regions.size());
    for (uint32_t r = 0; r < regions.size(); ++r) region_ok[r] = f.regions.empty() || listed(f.regions, regions.text(r));
    const Dictionary& owners = p.owners();
    owner_ok.resize(owners.size());
    scope_owner.resize(owners.size());
    for (uint32_t o = 0; o < owners.size(); ++o) {
      owner_ok[o] = f.owners.empty() || listed(f.owners, owners.text(o));
      scope_owner[o] = o != 0 && listed(f.scope_owners, owners.text(o));
    }
  }

  bool lead(const LeadColumns& l, size_t row, bool by_capture_time) const {
    if (by_capture_time) {
      if (f.from && l.created_at[row] < *f.from) return false;
      if (f.to && l.created_at[row] >= *f.to) return false;
    }
    if (!campaign_ok[l.campaign[row]] || !region_ok[l.region[row]] || !owner_ok[l.owner[row]]) return false;
    if (f.grade && l.grade[row] != static_cast<uint8_t>(*f.grade)) return false;
    if (f.definition_version && l.version[row] != static_cast<uint32_t>(*f.definition_version)) return false;
    if (f.scoped) {
      const bool in = scope_owner[l.owner[row]] || scope_campaign[l.campaign[row]] ||
                      (f.scope_unowned && l.owner[row] == 0);
      if (!in) return false;
    }
    return true;
  }
};

std::string week_of(TimePoint t) {
  const auto d = static_cast<Days>(t >= 0 ? t / kMillisPerDay : (t - kMillisPerDay + 1) / kMillisPerDay);
  // 1970-01-01 was a Thursday; weeks start on Monday.
  const Days monday = d - static_cast<Days>(((d % 7) + 7 + 3) % 7);
  return format_date(monday);
}

}  // namespace

std::optional<GroupBy> parse_group_by(std::string_view name) {
  static const std::pair<std::string_view, GroupBy> kNames[] = {
      {"", GroupBy::kNone},          {"campaign", GroupBy::kCampaign}, {"channel", GroupBy::kChannel},
      {"vendor", GroupBy::kVendor},  {"region", GroupBy::kRegion},     {"owner", GroupBy::kOwner},
      {"grade", GroupBy::kGrade},    {"week", GroupBy::kCaptureWeek}};
  for (const auto& [n, g] : kNames) {
    if (n == name) return g;
  }
  return std::nullopt;
}

std::vector<Funnel> Reports::funnel(const ReportFilter& f, GroupBy by) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    // Per group: leads whose furthest step is each step.
    std::map<std::string, std::array<int64_t, kFunnelStepCount>> furthest;
    auto group_of = [&](size_t row) -> std::string {
      switch (by) {
        case GroupBy::kNone: return {};
        case GroupBy::kCampaign: return p.campaigns().text(l.campaign[row]);
        case GroupBy::kChannel: return match.channel_of[l.campaign[row]];
        case GroupBy::kVendor: return match.vendor_of[l.campaign[row]];
        case GroupBy::kRegion: return p.regions().text(l.region[row]);
        case GroupBy::kOwner: return p.owners().text(l.owner[row]);
        case GroupBy::kGrade: return std::string(grade_name(static_cast<Grade>(l.grade[row])));
        case GroupBy::kCaptureWeek: return week_of(l.created_at[row]);
      }
      return {};
    };
    if (by == GroupBy::kNone) furthest[""] = {};
    const size_t n = l.id.size();
    if (by == GroupBy::kNone) {
      auto& counts = furthest[""];
      for (size_t row = 0; row < n; ++row) {
        if (match.lead(l, row, true)) ++counts[l.reached[row]];
      }
    } else {
      for (size_t row = 0; row < n; ++row) {
        if (match.lead(l, row, true)) ++furthest[group_of(row)][l.reached[row]];
      }
    }
    std::vector<Funnel> out;
    for (const auto& [group, counts] : furthest) {
      Funnel fu;
      fu.group = group;
      int64_t at_least = 0;
      fu.steps.resize(kFunnelStepCount);
      for (int s = kFunnelStepCount - 1; s >= 0; --s) {
        at_least += counts[s];
        fu.steps[s] = {kFunnelSteps[s], at_least};
      }
      fu.leads = at_least;
      out.push_back(std::move(fu));
    }
    return out;
  });
}

Leaks Reports::leaks(const ReportFilter& f) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    const ExitColumns& x = p.exits();
    // (stage left, reason code) -> count
    std::map<std::pair<uint8_t, uint32_t>, int64_t> counts;
    Leaks out;
    for (size_t i = 0; i < x.row.size(); ++i) {
      if (f.exits_by_event_time) {
        if (f.from && x.at[i] < *f.from) continue;
        if (f.to && x.at[i] >= *f.to) continue;
      }
      if (!match.lead(l, x.row[i], !f.exits_by_event_time)) continue;
      ++counts[{x.from[i], x.reason[i]}];
      ++out.exits;
    }
    for (const auto& [key, count] : counts) {
      out.rows.push_back({static_cast<Stage>(key.first), p.exit_reasons().text(key.second), count});
    }
    std::stable_sort(out.rows.begin(), out.rows.end(), [](const Leak& a, const Leak& b) {
      if (a.count != b.count) return a.count > b.count;
      if (a.from != b.from) return a.from < b.from;
      return a.reason < b.reason;
    });
    return out;
  });
}

}  // namespace leadloop
