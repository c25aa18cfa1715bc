#include "measure/reports.h"

#include <algorithm>
#include <array>

namespace leadloop {

namespace {

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
      // A key the catalog lacks (code 0: "") has no channel or vendor.
      campaign_ok[c] = found ? campaign_matches(f, *found)
                             : (f.campaigns.empty() || listed(f.campaigns, key)) && f.channels.empty() &&
                                   f.vendors.empty();
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

bool campaign_matches(const ReportFilter& f, const Campaign& c) {
  return (f.campaigns.empty() || listed(f.campaigns, c.key)) &&
         (f.channels.empty() || listed(f.channels, channel_name(c.channel))) &&
         (f.vendors.empty() || std::any_of(f.vendors.begin(), f.vendors.end(),
                                           [&](const std::string& v) { return same_vendor(c.vendor, v); }));
}

std::optional<GroupBy> parse_group_by(std::string_view name) {
  static const std::pair<std::string_view, GroupBy> kNames[] = {
      {"", GroupBy::kNone},         {"campaign", GroupBy::kCampaign}, {"channel", GroupBy::kChannel},
      {"vendor", GroupBy::kVendor}, {"region", GroupBy::kRegion},     {"owner", GroupBy::kOwner},
      {"team", GroupBy::kTeam},     {"grade", GroupBy::kGrade},       {"week", GroupBy::kCaptureWeek}};
  for (const auto& [n, g] : kNames) {
    if (n == name) return g;
  }
  return std::nullopt;
}

std::string_view group_by_names() { return "campaign, channel, vendor, region, owner, team, grade or week"; }

Durations durations_of(std::vector<int64_t>& values) {
  Durations d;
  d.count = static_cast<int64_t>(values.size());
  if (values.empty()) return d;
  auto rank = [&](int64_t percent) {
    // Nearest rank: the ceil(n * p / 100)-th smallest value.
    const auto k = static_cast<size_t>((d.count * percent + 99) / 100);
    auto at = values.begin() + static_cast<std::ptrdiff_t>(k - 1);
    std::nth_element(values.begin(), at, values.end());
    return *at;
  };
  d.median_ms = rank(50);
  d.p90_ms = rank(90);
  return d;
}

namespace {

// Numbers the groups of a report: a dimension's dictionary codes map to
// group numbers first, so the scan does array reads only. Groups keep
// their names; reports list them in name order.
class Grouper {
 public:
  Grouper(GroupBy by, const LeadProjection& p, const CompiledFilter& match, const RepTeams& teams) : by_(by) {
    const LeadColumns& l = p.leads();
    auto from_dictionary = [&](const Dictionary& d, const std::vector<uint32_t>& col) {
      for (uint32_t c = 0; c < d.size(); ++c) by_code_.push_back(group(d.text(c)));
      column_ = &col;
    };
    switch (by) {
      case GroupBy::kNone: group(""); break;
      case GroupBy::kCampaign: from_dictionary(p.campaigns(), l.campaign); break;
      case GroupBy::kRegion: from_dictionary(p.regions(), l.region); break;
      case GroupBy::kOwner: from_dictionary(p.owners(), l.owner); break;
      case GroupBy::kTeam:
        for (uint32_t c = 0; c < p.owners().size(); ++c) {
          const std::string& rep = p.owners().text(c);
          auto team = teams.find(rep);
          by_code_.push_back(group(team == teams.end() ? std::string() : team->second));
        }
        column_ = &l.owner;
        break;
      case GroupBy::kChannel:
      case GroupBy::kVendor:
        for (uint32_t c = 0; c < p.campaigns().size(); ++c) {
          by_code_.push_back(group(by == GroupBy::kChannel ? match.channel_of[c] : match.vendor_of[c]));
        }
        column_ = &l.campaign;
        break;
      case GroupBy::kGrade:
        for (int g = 0; g < kGradeCount; ++g) by_code_.push_back(group(std::string(grade_name(static_cast<Grade>(g)))));
        break;
      case GroupBy::kCaptureWeek: break;
    }
  }

  // The group of a lead's row (a capture week may be new).
  uint32_t of(const LeadColumns& l, size_t row) {
    if (column_) return by_code_[(*column_)[row]];
    if (by_ == GroupBy::kGrade) return by_code_[l.grade[row]];
    if (by_ != GroupBy::kCaptureWeek) return 0;
    const int64_t day = l.created_at[row] >= 0 ? l.created_at[row] / kMillisPerDay
                                               : (l.created_at[row] - kMillisPerDay + 1) / kMillisPerDay;
    const int64_t monday = day - (((day % 7) + 7 + 3) % 7);
    auto it = week_group_.find(monday);
    if (it == week_group_.end()) it = week_group_.emplace(monday, group(format_date(static_cast<Days>(monday)))).first;
    return it->second;
  }

  size_t size() const { return names_.size(); }
  // (name, group number) in name order.
  const std::map<std::string, uint32_t>& by_name() const { return number_; }
  const std::string& name(uint32_t g) const { return names_[g]; }

 private:
  uint32_t group(const std::string& name) {
    auto [it, fresh] = number_.try_emplace(name, static_cast<uint32_t>(names_.size()));
    if (fresh) names_.push_back(name);
    return it->second;
  }

  GroupBy by_;
  std::vector<std::string> names_;
  std::map<std::string, uint32_t> number_;
  std::vector<uint32_t> by_code_;  // dictionary code -> group
  const std::vector<uint32_t>* column_ = nullptr;
  std::map<int64_t, uint32_t> week_group_;  // Monday (days) -> group
};

// Grows a per-group vector to the grouper's size.
template <class T>
T& slot(std::vector<T>& v, uint32_t g) {
  if (g >= v.size()) v.resize(g + 1);
  return v[g];
}

}  // namespace

RepTeams Reports::teams_for(GroupBy by) const {
  return by == GroupBy::kTeam && teams_of_ ? teams_of_() : RepTeams();
}

std::vector<Funnel> Reports::funnel(const ReportFilter& f, GroupBy by) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    std::vector<std::array<int64_t, kFunnelStepCount>> furthest(groups.size());
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (!match.lead(l, row, true)) continue;
      ++slot(furthest, groups.of(l, row))[l.reached[row]];
    }
    furthest.resize(groups.size());
    // Groups with leads, in name order (the whole funnel always).
    std::vector<Funnel> out;
    for (const auto& [name, g] : groups.by_name()) {
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

std::vector<StageTimes> Reports::stage_times(const ReportFilter& f, GroupBy by) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    // group -> step -> durations from the step before
    std::vector<std::array<std::vector<int64_t>, kFunnelStepCount>> took(groups.size());
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (!match.lead(l, row, true)) continue;
      auto& mine = slot(took, groups.of(l, row));
      for (int s = 1; s < kFunnelStepCount; ++s) {
        const int64_t at = l.reached_at[s][row];
        if (at == 0) break;
        mine[s].push_back(std::max<int64_t>(0, at - l.reached_at[s - 1][row]));
      }
    }
    took.resize(groups.size());
    std::vector<StageTimes> out;
    for (const auto& [name, g] : groups.by_name()) {
      StageTimes t;
      t.group = name;
      bool any = by == GroupBy::kNone;
      for (int s = 1; s < kFunnelStepCount; ++s) {
        any = any || !took[g][s].empty();
        t.steps.emplace_back(kFunnelSteps[s], durations_of(took[g][s]));
      }
      if (any) out.push_back(std::move(t));
    }
    return out;
  });
}

std::vector<SpeedToLead> Reports::speed_to_lead(const ReportFilter& f, GroupBy by, bool from_qualification) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    const auto assigned = static_cast<uint8_t>(funnel_step(Stage::kAssigned));
    const int start_step = from_qualification ? funnel_step(Stage::kQualified) : 0;
    std::vector<SpeedToLead> per(groups.size());
    std::vector<std::vector<int64_t>> took(groups.size());
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (l.reached[row] < assigned || !match.lead(l, row, true)) continue;
      const uint32_t g = groups.of(l, row);
      SpeedToLead& r = slot(per, g);
      ++r.assigned;
      r.breached += l.breaches[row] > 0;
      if (l.responded_at[row] == 0) continue;
      ++r.responded;
      const int64_t start = l.reached_at[start_step][row] != 0 ? l.reached_at[start_step][row] : l.created_at[row];
      slot(took, g).push_back(std::max<int64_t>(0, l.responded_at[row] - start));
    }
    per.resize(groups.size());
    took.resize(groups.size());
    std::vector<SpeedToLead> out;
    for (const auto& [name, g] : groups.by_name()) {
      if (per[g].assigned == 0 && by != GroupBy::kNone) continue;
      per[g].group = name;
      per[g].response = durations_of(took[g]);
      out.push_back(std::move(per[g]));
    }
    return out;
  });
}

Stalled Reports::stalled(const ReportFilter& f, TimePoint before, GroupBy by, size_t limit) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    // group -> funnel step -> (count, oldest)
    std::vector<std::array<std::pair<int64_t, TimePoint>, kFunnelStepCount>> per(groups.size());
    std::vector<std::pair<TimePoint, uint32_t>> rows;  // (since, row)
    Stalled out;
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      const int step = funnel_step(static_cast<Stage>(l.stage[row]));
      if (step < 0 || kFunnelSteps[step] == Stage::kWon || l.stage_since[row] >= before) continue;
      if (!match.lead(l, row, true)) continue;
      auto& [count, oldest] = slot(per, groups.of(l, row))[step];
      if (count++ == 0 || l.stage_since[row] < oldest) oldest = l.stage_since[row];
      ++out.total;
      rows.emplace_back(l.stage_since[row], static_cast<uint32_t>(row));
    }
    per.resize(groups.size());
    for (const auto& [name, g] : groups.by_name()) {
      for (int s = 0; s < kFunnelStepCount; ++s) {
        if (per[g][s].first > 0) out.groups.push_back({name, kFunnelSteps[s], per[g][s].first, per[g][s].second});
      }
    }
    // The longest stalled first; ties by lead id.
    const size_t keep = std::min(limit, rows.size());
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(),
                      [&](const auto& a, const auto& b) {
                        return a.first != b.first ? a.first < b.first : l.id[a.second] < l.id[b.second];
                      });
    for (size_t i = 0; i < keep; ++i) {
      const uint32_t row = rows[i].second;
      out.oldest.push_back({l.id[row], static_cast<Stage>(l.stage[row]), p.owners().text(l.owner[row]),
                            p.regions().text(l.region[row]), p.campaigns().text(l.campaign[row]), rows[i].first});
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
