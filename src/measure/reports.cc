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
    // Groups are numbered; a dimension's codes map to group numbers first,
    // so the scan does array reads only.
    std::vector<std::string> names;
    std::map<std::string, uint32_t> number;
    auto group = [&](const std::string& name) {
      auto [it, fresh] = number.try_emplace(name, static_cast<uint32_t>(names.size()));
      if (fresh) names.push_back(name);
      return it->second;
    };
    std::vector<uint32_t> by_code;  // dictionary code -> group
    const std::vector<uint32_t>* column = nullptr;
    auto from_dictionary = [&](const Dictionary& d, const std::vector<uint32_t>& col) {
      for (uint32_t c = 0; c < d.size(); ++c) by_code.push_back(group(d.text(c)));
      column = &col;
    };
    switch (by) {
      case GroupBy::kNone: group(""); break;
      case GroupBy::kCampaign: from_dictionary(p.campaigns(), l.campaign); break;
      case GroupBy::kRegion: from_dictionary(p.regions(), l.region); break;
      case GroupBy::kOwner: from_dictionary(p.owners(), l.owner); break;
      case GroupBy::kChannel:
      case GroupBy::kVendor:
        for (uint32_t c = 0; c < p.campaigns().size(); ++c) {
          by_code.push_back(group(by == GroupBy::kChannel ? match.channel_of[c] : match.vendor_of[c]));
        }
        column = &l.campaign;
        break;
      case GroupBy::kGrade:
        for (int g = 0; g < kGradeCount; ++g) by_code.push_back(group(std::string(grade_name(static_cast<Grade>(g)))));
        break;
      case GroupBy::kCaptureWeek: break;
    }
    std::vector<std::array<int64_t, kFunnelStepCount>> furthest(names.size());
    std::map<int64_t, uint32_t> week_group;  // Monday (days) -> group
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (!match.lead(l, row, true)) continue;
      uint32_t g = 0;
      if (column) {
        g = by_code[(*column)[row]];
      } else if (by == GroupBy::kGrade) {
        g = by_code[l.grade[row]];
      } else if (by == GroupBy::kCaptureWeek) {
        const int64_t day = l.created_at[row] >= 0 ? l.created_at[row] / kMillisPerDay
                                                   : (l.created_at[row] - kMillisPerDay + 1) / kMillisPerDay;
        const int64_t monday = day - (((day % 7) + 7 + 3) % 7);
        auto it = week_group.find(monday);
        if (it == week_group.end()) {
          it = week_group.emplace(monday, group(format_date(static_cast<Days>(monday)))).first;
          furthest.resize(names.size());
        }
        g = it->second;
      }
      ++furthest[g][l.reached[row]];
    }
    // Groups with leads, in name order (the whole funnel always).
    std::vector<Funnel> out;
    for (const auto& [name, g] : number) {
      const auto& counts = furthest[g];
      Funnel fu;
      fu.group = name;
      int64_t at_least = 0;
      fu.steps.resize(kFunnelStepCount);
      for (int s = kFunnelStepCount - 1; s >= 0; --s) {
        at_least += counts[s];
        fu.steps[s] = {kFunnelSteps[s], at_least};
      }
      fu.leads = at_least;
      if (fu.leads > 0 || by == GroupBy::kNone) out.push_back(std::move(fu));
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

std::vector<CampaignResult> Reports::campaigns(const ReportFilter& f) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    std::vector<CampaignResult> by_code(p.campaigns().size());
    const auto qualified = static_cast<uint8_t>(funnel_step(Stage::kQualified));
    const auto accepted = static_cast<uint8_t>(funnel_step(Stage::kAccepted));
    const auto opportunity = static_cast<uint8_t>(funnel_step(Stage::kOpportunity));
    const auto won = static_cast<uint8_t>(funnel_step(Stage::kWon));
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (!match.lead(l, row, true)) continue;
      CampaignResult& r = by_code[l.campaign[row]];
      const uint8_t reached = l.reached[row];
      ++r.leads;
      r.qualified += reached >= qualified;
      r.accepted += reached >= accepted;
      r.opportunities += reached >= opportunity;
      r.won += reached >= won;
      const auto grade = static_cast<Grade>(l.grade[row]);
      r.hot += grade == Grade::kHot;
      r.warm += grade == Grade::kWarm;
      r.cold += grade == Grade::kCold;
      if (reached >= won) r.revenue_cents += l.revenue[row];
    }
    std::vector<CampaignResult> out;
    for (uint32_t c = 1; c < by_code.size(); ++c) {
      const std::string& key = p.campaigns().text(c);
      if (by_code[c].leads == 0 && !listed(f.campaigns, key)) continue;
      by_code[c].campaign = key;
      if (auto found = campaigns_.find(key)) by_code[c].cost_cents = found->cost_cents;
      out.push_back(std::move(by_code[c]));
    }
    std::sort(out.begin(), out.end(),
              [](const CampaignResult& a, const CampaignResult& b) { return a.campaign < b.campaign; });
    return out;
  });
}

}  // namespace leadloop
