#include "measure/reports.h"

#include <algorithm>
#include <array>
#include <limits>
#include <atomic>
#include <bit>
#include <thread>
#include <tuple>
#include <unordered_map>

namespace leadloop {

namespace {

bool listed(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

constexpr std::string_view kSegmentFields[] = {"industry",     "country",          "region",         "employees",
                                               "stage",        "owner",            "source_campaign", "campaign.key",
                                               "campaign.channel", "campaign.vendor", "campaign.owner"};

// A segment's answer per distinct combination of the fields it reads: most
// leads share their industry, country, region, campaign, owner, stage and
// size with many others, so the expression runs once per combination. The
// dictionary-coded fields it reads number each combination (mixed radix);
// when they are few enough the answers sit in a flat table, one array read
// per lead, else (or with employees) in a hash map.
class SegmentMemo {
 public:
  SegmentMemo(const Expression& e, const LeadProjection& p, const CampaignCatalog& catalog)
      : expression_(e), p_(p), catalog_(catalog) {
    const LeadColumns& l = p.leads();
    auto reads = [&](std::initializer_list<std::string_view> names) {
      for (const std::string& input : e.inputs()) {
        for (std::string_view n : names) {
          if (input == n) return true;
        }
      }
      return false;
    };
    auto dimension = [&](bool read, const std::vector<uint32_t>* column, size_t cardinality, Field field) {
      if (read) dims_.push_back({column, nullptr, std::max<size_t>(cardinality, 1), 0, field});
    };
    dimension(reads({"industry"}), &l.industry, p.industries().size(), Field::kIndustry);
    dimension(reads({"country"}), &l.country, p.countries().size(), Field::kCountry);
    dimension(reads({"region"}), &l.region, p.regions().size(), Field::kRegion);
    dimension(reads({"source_campaign", "campaign.key", "campaign.channel", "campaign.vendor", "campaign.owner"}),
              &l.campaign, p.campaigns().size(), Field::kCampaign);
    dimension(reads({"owner"}), &l.owner, p.owners().size(), Field::kOwner);
    if (reads({"stage"})) dims_.push_back({nullptr, &l.stage, kStageCount, 0, Field::kStage});
    employees_ = reads({"employees"}) ? &l.employees : nullptr;
    // Strides over the full product (dictionaries are far smaller than
    // 2^64 together); a flat table when it has at most 4M entries.
    uint64_t stride = 1;
    for (Dim& d : dims_) {
      d.stride = stride;
      stride *= d.cardinality;
    }
    if (stride <= (uint64_t{1} << 22) && !employees_) flat_.assign(stride, -1);
  }

  bool matches(const LeadColumns& l, size_t row) {
    uint64_t index = 0;
    for (const Dim& d : dims_) index += d.stride * (d.codes ? (*d.codes)[row] : (*d.stages)[row]);
    if (!flat_.empty()) {
      int8_t& known = flat_[index];
      if (known < 0) known = evaluate(l, row) ? 1 : 0;
      return known == 1;
    }
    const std::pair<uint64_t, int64_t> key{index, employees_ ? (*employees_)[row] : 0};
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    const bool yes = evaluate(l, row);
    memo_.emplace(key, yes);
    return yes;
  }

 private:
  enum class Field : uint8_t { kIndustry, kCountry, kRegion, kCampaign, kOwner, kStage };
  struct Dim {
    const std::vector<uint32_t>* codes;
    const std::vector<uint8_t>* stages;
    size_t cardinality;
    uint64_t stride;
    Field field;
  };
  struct Hash {
    size_t operator()(const std::pair<uint64_t, int64_t>& k) const {
      return static_cast<size_t>((k.first * 0x9E3779B97F4A7C15ULL) ^ static_cast<uint64_t>(k.second));
    }
  };

  // The expression on a lead holding this row's values of the fields read.
  bool evaluate(const LeadColumns& l, size_t row) const {
    Lead lead;
    lead.industry = p_.industries().text(l.industry[row]);
    lead.country = p_.countries().text(l.country[row]);
    lead.region = p_.regions().text(l.region[row]);
    lead.source_campaign = p_.campaigns().text(l.campaign[row]);
    lead.owner = p_.owners().text(l.owner[row]);
    lead.stage = static_cast<Stage>(l.stage[row]);
    if (l.employees[row] != INT64_MIN) lead.employees = l.employees[row];
    std::optional<Campaign> campaign = catalog_.find(lead.source_campaign);
    return expression_.matches({&lead, campaign ? &*campaign : nullptr, 0});
  }

  const Expression& expression_;
  const LeadProjection& p_;
  const CampaignCatalog& catalog_;
  std::vector<Dim> dims_;
  const std::vector<int64_t>* employees_ = nullptr;
  std::vector<int8_t> flat_;  // -1: not asked yet
  std::unordered_map<std::pair<uint64_t, int64_t>, bool, Hash> memo_;
};

// The filter compiled against the projection's dictionaries: one flag per
// code, so a row is checked with a few array reads.
struct CompiledFilter {
  const ReportFilter& f;
  // Not safe to share between threads: scans with a segment use one.
  mutable std::optional<SegmentMemo> segment;
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
    note_constraints();
    if (f.segment) segment.emplace(*f.segment, p, catalog);
  }

  // Whether each column is constrained at all: a report without filters
  // reads none of them.
  bool by_campaign = false, by_region = false, by_owner = false;
  void note_constraints() {
    by_campaign = std::find(campaign_ok.begin(), campaign_ok.end(), 0) != campaign_ok.end();
    by_region = std::find(region_ok.begin(), region_ok.end(), 0) != region_ok.end();
    by_owner = std::find(owner_ok.begin(), owner_ok.end(), 0) != owner_ok.end();
  }

  [[gnu::always_inline]] bool lead(const LeadColumns& l, size_t row, bool by_capture_time) const {
    if (by_capture_time) {
      if (f.from && l.created_at[row] < *f.from) return false;
      if (f.to && l.created_at[row] >= *f.to) return false;
    }
    if (by_campaign && !campaign_ok[l.campaign[row]]) return false;
    if (by_region && !region_ok[l.region[row]]) return false;
    if (by_owner && !owner_ok[l.owner[row]]) return false;
    if (f.grade && l.grade[row] != static_cast<uint8_t>(*f.grade)) return false;
    if (f.definition_version && l.version[row] != static_cast<uint32_t>(*f.definition_version)) return false;
    if (f.scoped) {
      const bool in = scope_owner[l.owner[row]] || scope_campaign[l.campaign[row]] ||
                      (f.scope_unowned && l.owner[row] == 0);
      if (!in) return false;
    }
    if (segment && !segment->matches(l, row)) return false;
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

std::string_view segment_fields() {
  return "industry, country, region, employees, stage, owner, source_campaign and campaign.key, .channel, .vendor, "
         ".owner";
}

Result<std::shared_ptr<const Expression>> compile_segment(std::string_view text) {
  auto compiled = Expression::compile(text);
  if (auto* error = std::get_if<ExprError>(&compiled)) {
    return Status(ErrorCode::kInvalidValue,
                  "segment, column " + std::to_string(error->pos.column) + ": " + error->message, "segment");
  }
  auto e = std::make_shared<const Expression>(std::get<Expression>(std::move(compiled)));
  for (const std::string& input : e->inputs()) {
    if (std::find(std::begin(kSegmentFields), std::end(kSegmentFields), input) == std::end(kSegmentFields)) {
      return Status(ErrorCode::kInvalidValue,
                    "a segment reads " + std::string(segment_fields()) + "; not '" + input + "'", "segment");
    }
  }
  return e;
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

namespace {

// The values of two ranks (0-based) at once, without sorting: one pass
// counts the values into log-linear buckets (exact below 64, then 32 per
// power of two, so a bucket spans about 3% of its values), a second pass
// keeps only the values of the two buckets the ranks fall in, and those few
// are ordered. REQUIRES: a <= b < values.size(); values >= 0.
constexpr int kSubBits = 5;
constexpr size_t kExactBelow = size_t{1} << (kSubBits + 1);  // 64
constexpr size_t kBuckets = kExactBelow + (64 - kSubBits - 1) * (size_t{1} << kSubBits);

[[gnu::always_inline]] inline size_t log_bucket(int64_t value) {
  if (value < static_cast<int64_t>(kExactBelow)) return value < 0 ? 0 : static_cast<size_t>(value);
  const auto v = static_cast<uint64_t>(value);
  const int top = std::bit_width(v) - 1;  // >= kSubBits + 1
  const int shift = top - kSubBits;
  return kExactBelow + static_cast<size_t>(top - kSubBits - 1) * (size_t{1} << kSubBits) +
         static_cast<size_t>((v >> shift) - (uint64_t{1} << kSubBits));
}

// The values may come in several vectors (one per scan slice); `counted`:
// the bucket counts of all of them when the caller kept them as it
// collected the values (kBuckets entries), or null.
using ValueParts = std::vector<std::vector<int64_t>*>;

std::pair<int64_t, int64_t> select_two(const ValueParts& parts, size_t a, size_t b,
                                       const std::vector<uint32_t>* counted) {
  size_t total = 0;
  for (const auto* v : parts) total += v->size();
  if (total < 4096 && !counted) {
    std::vector<int64_t>& values = *parts.front();
    for (size_t i = 1; i < parts.size(); ++i) values.insert(values.end(), parts[i]->begin(), parts[i]->end());
    auto at_a = values.begin() + static_cast<std::ptrdiff_t>(a);
    std::nth_element(values.begin(), at_a, values.end());
    const int64_t value_a = *at_a;
    if (b == a) return {value_a, value_a};
    // Everything after a is at least value_a: b is found among those.
    auto at_b = values.begin() + static_cast<std::ptrdiff_t>(b);
    std::nth_element(at_a + 1, at_b, values.end());
    return {value_a, *at_b};
  }
  std::vector<uint32_t> own;
  if (!counted) {
    own.assign(kBuckets, 0);
    for (const auto* part : parts) {
      for (int64_t v : *part) ++own[log_bucket(v)];
    }
  }
  const std::vector<uint32_t>& counts = counted ? *counted : own;
  // The bucket of each rank, and the rank inside it.
  auto bucket_of = [&](size_t rank, size_t* inside) {
    size_t before = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      if (rank < before + counts[i]) {
        *inside = rank - before;
        return i;
      }
      before += counts[i];
    }
    *inside = 0;
    return counts.size() - 1;
  };
  size_t in_a = 0, in_b = 0;
  const size_t bucket_a = bucket_of(a, &in_a), bucket_b = bucket_of(b, &in_b);
  // Buckets 1..63 hold one value each: no second pass for those.
  const bool exact_a = bucket_a > 0 && bucket_a < kExactBelow, exact_b = bucket_b > 0 && bucket_b < kExactBelow;
  if (exact_a && exact_b) return {static_cast<int64_t>(bucket_a), static_cast<int64_t>(bucket_b)};
  std::vector<int64_t> of_a, of_b;
  if (!exact_a) of_a.reserve(counts[bucket_a]);
  if (!exact_b && bucket_b != bucket_a) of_b.reserve(counts[bucket_b]);
  for (const auto* part : parts) {
    for (int64_t v : *part) {
      const size_t bucket = log_bucket(v);
      if (bucket == bucket_a && !exact_a) {
        of_a.push_back(v);
      } else if (bucket == bucket_b && !exact_b) {
        of_b.push_back(v);
      }
    }
  }
  auto pick = [](std::vector<int64_t>& v, size_t k) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  };
  const int64_t value_a = exact_a ? static_cast<int64_t>(bucket_a) : pick(of_a, in_a);
  const int64_t value_b = exact_b ? static_cast<int64_t>(bucket_b) : pick(bucket_b == bucket_a ? of_a : of_b, in_b);
  return {value_a, value_b};
}

}  // namespace

namespace {

Durations durations_counted(const ValueParts& parts, const std::vector<uint32_t>* counts) {
  Durations d;
  for (const auto* v : parts) d.count += static_cast<int64_t>(v->size());
  if (d.count == 0) return d;
  // Nearest rank: the ceil(n * p / 100)-th smallest value.
  auto rank = [&](int64_t percent) { return static_cast<size_t>((d.count * percent + 99) / 100) - 1; };
  std::tie(d.median_ms, d.p90_ms) = select_two(parts, rank(50), rank(90), counts);
  return d;
}

// How many slices a scan of n leads runs in: two threads when the machine
// has the cores and the scan is big enough to pay for a thread; one when
// the grouping adds groups as it goes (capture weeks).
std::atomic<size_t> parallel_from{200000};
std::atomic<bool> parallel_forced{false};

int scan_parts(size_t n, GroupBy by, const ReportFilter& f) {
  static const unsigned cores = std::thread::hardware_concurrency();
  if (by == GroupBy::kCaptureWeek || f.segment || n < parallel_from.load(std::memory_order_relaxed)) return 1;
  return cores >= 2 || parallel_forced.load(std::memory_order_relaxed) ? 2 : 1;
}

// Runs fn(part, begin, end) over rows [0, n) in `parts` slices, slice 0 on
// the calling thread. fn must not throw.
template <class F>
void scan_rows(size_t n, int parts, F&& fn) {
  if (parts <= 1) {
    fn(0, size_t{0}, n);
    return;
  }
  const size_t half = n / 2;
  std::thread other([&] { fn(1, half, n); });
  fn(0, size_t{0}, half);
  other.join();
}

}  // namespace

void set_parallel_scan_threshold(size_t rows) {
  parallel_from.store(rows, std::memory_order_relaxed);
  parallel_forced.store(true, std::memory_order_relaxed);
}

Durations durations_of(std::vector<int64_t>& values) { return durations_counted({&values}, nullptr); }

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
  [[gnu::always_inline]] uint32_t of(const LeadColumns& l, size_t row) {
    if (column_) return by_code_[(*column_)[row]];
    if (by_ == GroupBy::kGrade) return by_code_[l.grade[row]];
    if (by_ != GroupBy::kCaptureWeek) return 0;
    const Days monday = monday_of(l.created_at[row]);
    auto it = week_group_.find(monday);
    if (it == week_group_.end()) it = week_group_.emplace(monday, group(format_date(monday))).first;
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
  std::map<Days, uint32_t> week_group_;  // Monday -> group
};

// Buffers for the durations a report collects, one per (group, step),
// kept per thread and reused: at a million leads a report then neither
// faults in fresh pages nor regrows its vectors on every call. Cleared
// (capacity kept) on each use; released when a call needed more than
// kKeepValues in all, so an odd large report does not pin its memory.
class DurationBuffers {
 public:
  static constexpr size_t kKeepValues = 8u << 20;  // 64 MB per thread at most
  DurationBuffers() : pool_(local()) {
    for (auto& v : pool_) v.clear();
  }
  ~DurationBuffers() {
    size_t held = 0;
    for (const auto& v : pool_) held += v.capacity();
    if (held > kKeepValues) pool_.clear();
  }
  DurationBuffers(const DurationBuffers&) = delete;
  DurationBuffers& operator=(const DurationBuffers&) = delete;
  std::vector<int64_t>& at(size_t i) {
    if (i >= pool_.size()) pool_.resize(i + 1);
    return pool_[i];
  }
  // The `width` buffers of group g, side by side.
  std::vector<int64_t>* group(size_t g, size_t width) {
    if ((g + 1) * width > pool_.size()) pool_.resize((g + 1) * width);
    return &pool_[g * width];
  }

 private:
  static std::vector<std::vector<int64_t>>& local() {
    thread_local std::vector<std::vector<int64_t>> pool;
    return pool;
  }
  std::vector<std::vector<int64_t>>& pool_;
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
    // (part, group, step) -> durations from the step before, and their
    // bucket counts, kept as they are collected.
    const size_t n = l.id.size();
    const int parts = scan_parts(n, by, f);
    const size_t width = kFunnelStepCount;
    DurationBuffers took;
    // Slice `part` of group g: its buffers, and the first of its counts.
    auto set_of = [](int part, size_t g) { return g * 2 + static_cast<size_t>(part); };
    auto slot_of = [&](int part, size_t g) { return set_of(part, g) * width; };
    took.group(groups.size() * 2, width);  // sized before the threads start
    std::vector<std::vector<uint32_t>> counts((groups.size() + 1) * 2 * width);
    const int64_t* qualified_at = l.reached_at[1].data();
    auto scan = [&](int part, size_t begin, size_t end) {
      std::vector<int64_t>* mine = nullptr;  // the current group's buffers
      std::vector<uint32_t>* mine_counts = nullptr;
      uint32_t current = UINT32_MAX;
      for (size_t row = begin; row < end; ++row) {
        if (qualified_at[row] == 0) continue;  // no step after capture: nothing to time
        if (!match.lead(l, row, true)) continue;
        const uint32_t g = groups.of(l, row);
        if (g != current) {
          current = g;
          if (parts == 1 && slot_of(0, g) + width > counts.size()) counts.resize(slot_of(0, g) + width);
          mine = took.group(set_of(part, g), width);
          mine_counts = &counts[slot_of(part, g)];
        }
        int64_t before = l.created_at[row];
        for (size_t s = 1; s < width; ++s) {
          const int64_t at = l.reached_at[s][row];
          if (at == 0) break;
          const int64_t d = std::max<int64_t>(0, at - before);
          mine[s].push_back(d);
          if (mine_counts[s].empty()) mine_counts[s].assign(kBuckets, 0);
          ++mine_counts[s][log_bucket(d)];
          before = at;
        }
      }
    };
    scan_rows(n, parts, scan);
    // The values of both slices, and their counts summed.
    auto finish = [&](size_t g, size_t s) {
      ValueParts values = {&took.group(set_of(0, g), width)[s]};
      std::vector<uint32_t>& c0 = counts[slot_of(0, g) + s];
      if (parts == 2) {
        values.push_back(&took.group(set_of(1, g), width)[s]);
        const std::vector<uint32_t>& c1 = counts[slot_of(1, g) + s];
        if (c0.empty() && !c1.empty()) c0.assign(kBuckets, 0);
        for (size_t i = 0; i < c1.size(); ++i) c0[i] += c1[i];
      }
      return durations_counted(values, c0.empty() ? nullptr : &c0);
    };
    // Each (group, step) is finished on its own: with two slices, the
    // jobs are shared between two threads by their number of values.
    const size_t group_count = groups.size();
    std::vector<Durations> done(group_count * width);
    std::vector<size_t> jobs;
    for (size_t g = 0; g < group_count; ++g) {
      for (size_t s = 1; s < width; ++s) jobs.push_back(g * width + s);
    }
    auto size_of = [&](size_t job) {
      size_t n = 0;
      for (int part = 0; part < parts; ++part) n += took.group(set_of(part, job / width), width)[job % width].size();
      return n;
    };
    std::vector<uint8_t> side(jobs.size(), 0);
    if (parts == 2) {
      std::vector<size_t> order(jobs.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return size_of(jobs[x]) > size_of(jobs[y]); });
      size_t load[2] = {0, 0};
      for (size_t i : order) {
        side[i] = load[1] < load[0] ? 1 : 0;
        load[side[i]] += size_of(jobs[i]);
      }
    }
    scan_rows(jobs.size(), parts, [&](int part, size_t, size_t) {
      for (size_t i = 0; i < jobs.size(); ++i) {
        if (side[i] == part) done[jobs[i]] = finish(jobs[i] / width, jobs[i] % width);
      }
    });
    std::vector<StageTimes> out;
    for (const auto& [name, g] : groups.by_name()) {
      StageTimes t;
      t.group = name;
      bool any = by == GroupBy::kNone;
      for (size_t s = 1; s < width; ++s) {
        const Durations& d = done[g * width + s];
        any = any || d.count > 0;
        t.steps.emplace_back(kFunnelSteps[s], d);
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
    DurationBuffers took;  // group -> response times
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
      took.at(g).push_back(std::max<int64_t>(0, l.responded_at[row] - start));
    }
    per.resize(groups.size());
    std::vector<SpeedToLead> out;
    for (const auto& [name, g] : groups.by_name()) {
      if (per[g].assigned == 0 && by != GroupBy::kNone) continue;
      per[g].group = name;
      per[g].response = durations_of(took.at(g));
      out.push_back(std::move(per[g]));
    }
    return out;
  });
}

Durations Reports::response_or_wait(const ReportFilter& f, TimePoint now) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    const auto assigned = static_cast<uint8_t>(funnel_step(Stage::kAssigned));
    DurationBuffers took;
    std::vector<int64_t>& values = took.at(0);
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (l.reached[row] < assigned || !match.lead(l, row, true)) continue;
      TimePoint answered = l.responded_at[row];
      if (answered == 0) {
        if (!is_open_stage(static_cast<Stage>(l.stage[row]))) continue;  // closed unanswered: no wait left
        answered = now;
      }
      values.push_back(std::max<int64_t>(0, answered - l.created_at[row]));
    }
    return durations_of(values);
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
    // The `limit` longest stalled so far, as a max-heap on (since, id): the
    // top is the most recent of them, the first to give way.
    auto later = [](const std::pair<TimePoint, int64_t>& a, const std::pair<TimePoint, int64_t>& b) { return a < b; };
    std::vector<std::pair<std::pair<TimePoint, int64_t>, uint32_t>> heap;
    heap.reserve(limit + 1);
    auto heap_less = [&](const auto& a, const auto& b) { return later(a.first, b.first); };
    Stalled out;
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (l.stage_since[row] >= before) continue;
      const int step = funnel_step(static_cast<Stage>(l.stage[row]));
      if (step < 0 || step == kFunnelStepCount - 1) continue;  // not a step, or won
      if (!match.lead(l, row, true)) continue;
      auto& [count, first] = slot(per, groups.of(l, row))[step];
      if (count++ == 0 || l.stage_since[row] < first) first = l.stage_since[row];
      ++out.total;
      if (limit == 0) continue;
      const std::pair<TimePoint, int64_t> key{l.stage_since[row], l.id[row]};
      if (heap.size() < limit) {
        heap.emplace_back(key, static_cast<uint32_t>(row));
        std::push_heap(heap.begin(), heap.end(), heap_less);
      } else if (later(key, heap.front().first)) {
        std::pop_heap(heap.begin(), heap.end(), heap_less);
        heap.back() = {key, static_cast<uint32_t>(row)};
        std::push_heap(heap.begin(), heap.end(), heap_less);
      }
    }
    std::sort_heap(heap.begin(), heap.end(), heap_less);  // the longest stalled first
    per.resize(groups.size());
    for (const auto& [name, g] : groups.by_name()) {
      for (int s = 0; s < kFunnelStepCount; ++s) {
        if (per[g][s].first > 0) out.groups.push_back({name, kFunnelSteps[s], per[g][s].first, per[g][s].second});
      }
    }
    for (const auto& [key, row] : heap) {
      out.oldest.push_back({l.id[row], static_cast<Stage>(l.stage[row]), p.owners().text(l.owner[row]),
                            p.regions().text(l.region[row]), p.campaigns().text(l.campaign[row]), key.first});
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
    // Touches by their day in the period.
    const CampaignTouchDays& days = p.touch_days();
    // Whole days: every day the period touches (its first day from
    // midnight, its last up to the day that holds `to`).
    const Days first_day = f.from ? day_of(*f.from) : std::numeric_limits<Days>::min();
    for (uint32_t c = 1; c < by_code.size() && c < days.size(); ++c) {
      if (!match.campaign_ok[c]) continue;
      CampaignResult& r = by_code[c];
      for (auto it = days[c].lower_bound(first_day); it != days[c].end(); ++it) {
        const TimePoint start = static_cast<TimePoint>(it->first) * kMillisPerDay;
        if (f.to && start >= *f.to) break;
        r.touches += it->second.touches;
        r.touches_without_lead += it->second.without_lead;
        r.data_points += it->second.data_points;
        r.attended += it->second.attended;
      }
    }
    std::vector<CampaignResult> out;
    for (uint32_t c = 1; c < by_code.size(); ++c) {
      const std::string& key = p.campaigns().text(c);
      if (by_code[c].leads == 0 && by_code[c].touches == 0 && !listed(f.campaigns, key)) continue;
      by_code[c].campaign = key;
      if (auto found = campaigns_.find(key)) by_code[c].cost_cents = found->cost_cents;
      out.push_back(std::move(by_code[c]));
    }
    std::sort(out.begin(), out.end(),
              [](const CampaignResult& a, const CampaignResult& b) { return a.campaign < b.campaign; });
    return out;
  });
}

std::vector<ForecastGroup> Reports::forecast(const ReportFilter& f, GroupBy by) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    const auto opportunity = static_cast<uint8_t>(funnel_step(Stage::kOpportunity));
    std::vector<ForecastGroup> per(groups.size());
    std::vector<std::map<int64_t, ForecastWeek>> weeks(groups.size());  // Monday (days) -> week
    const size_t n = l.id.size();
    for (size_t row = 0; row < n; ++row) {
      if (l.reached[row] < opportunity || !match.lead(l, row, true)) continue;
      const uint32_t g = groups.of(l, row);
      ForecastGroup& r = slot(per, g);
      const auto stage = static_cast<Stage>(l.stage[row]);
      if (stage == Stage::kWon) {
        ++r.won;
      } else if (stage == Stage::kLost) {
        ++r.lost;
      } else if (stage == Stage::kOpportunity) {
        ++r.opportunities;
        r.amount_cents += l.amount[row];
        int64_t monday = INT64_MIN;  // no expected close
        if (l.expected_close[row] != 0) monday = monday_of(l.expected_close[row]);
        ForecastWeek& w = slot(weeks, g)[monday];
        ++w.opportunities;
        w.amount_cents += l.amount[row];
      }
    }
    per.resize(groups.size());
    weeks.resize(groups.size());
    std::vector<ForecastGroup> out;
    for (const auto& [name, g] : groups.by_name()) {
      ForecastGroup& r = per[g];
      if (r.opportunities == 0 && r.won == 0 && r.lost == 0 && by != GroupBy::kNone) continue;
      r.group = name;
      for (auto& [monday, w] : weeks[g]) {
        w.week = monday == INT64_MIN ? std::string() : format_date(static_cast<Days>(monday));
        r.weeks.push_back(std::move(w));
      }
      out.push_back(std::move(r));
    }
    return out;
  });
}

std::vector<Attribution> Reports::attribution(const ReportFilter& f) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    const TouchColumns& t = p.touches();
    const auto won = static_cast<uint8_t>(funnel_step(Stage::kWon));
    // The won leads of the filter, numbered; each starts with its capture
    // as its first and last touch point.
    struct Deal {
      uint32_t row;
      int64_t won_at;
      uint32_t points = 1;
      uint32_t first_campaign, last_campaign;
      int64_t first_at, last_at;
    };
    std::vector<Deal> deals;
    std::vector<int32_t> deal_of(l.id.size(), -1);
    for (size_t row = 0; row < l.id.size(); ++row) {
      if (l.reached[row] < won || !match.lead(l, row, true)) continue;
      deal_of[row] = static_cast<int32_t>(deals.size());
      const int64_t won_at = l.reached_at[won][row] != 0 ? l.reached_at[won][row] : INT64_MAX;
      deals.push_back({static_cast<uint32_t>(row), won_at, 1, l.campaign[row], l.campaign[row], l.created_at[row],
                       l.created_at[row]});
    }
    auto counts = [&](size_t i) {
      const int32_t d = deal_of[t.row[i]];
      return d >= 0 && t.at[i] <= deals[static_cast<size_t>(d)].won_at ? d : -1;
    };
    // Pass 1: how many touch points each deal has, and its first and last
    // (ties: the capture first, then commit order).
    for (size_t i = 0; i < t.row.size(); ++i) {
      const int32_t d = counts(i);
      if (d < 0) continue;
      Deal& deal = deals[static_cast<size_t>(d)];
      ++deal.points;
      if (t.at[i] < deal.first_at) {
        deal.first_at = t.at[i];
        deal.first_campaign = t.campaign[i];
      }
      if (t.at[i] >= deal.last_at) {
        deal.last_at = t.at[i];
        deal.last_campaign = t.campaign[i];
      }
    }
    // Pass 2: the credits.
    std::vector<Attribution> by_code(p.campaigns().size());
    for (size_t d = 0; d < deals.size(); ++d) {
      const Deal& deal = deals[d];
      const int64_t revenue = l.revenue[deal.row];
      by_code[deal.first_campaign].first_cents += revenue;
      by_code[deal.last_campaign].last_cents += revenue;
      by_code[l.campaign[deal.row]].linear_cents += static_cast<double>(revenue) / deal.points;
      ++by_code[l.campaign[deal.row]].deals;  // its source campaign touched it
    }
    // Deals counted per campaign once: touch points come in commit order,
    // not by deal, so count them with a set per campaign.
    std::vector<std::vector<uint32_t>> seen_deals(p.campaigns().size());
    for (size_t i = 0; i < t.row.size(); ++i) {
      const int32_t d = counts(i);
      if (d < 0) continue;
      const Deal& deal = deals[static_cast<size_t>(d)];
      by_code[t.campaign[i]].linear_cents += static_cast<double>(l.revenue[deal.row]) / deal.points;
      if (t.campaign[i] != l.campaign[deal.row]) seen_deals[t.campaign[i]].push_back(static_cast<uint32_t>(d));
    }
    std::vector<Attribution> out;
    for (uint32_t c = 1; c < by_code.size(); ++c) {
      auto& seen = seen_deals[c];
      std::sort(seen.begin(), seen.end());
      seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
      // Deals it touched after their capture by another campaign.
      by_code[c].deals += static_cast<int64_t>(seen.size());
      if (by_code[c].deals == 0) continue;
      by_code[c].campaign = p.campaigns().text(c);
      out.push_back(std::move(by_code[c]));
    }
    std::sort(out.begin(), out.end(), [](const Attribution& a, const Attribution& b) { return a.campaign < b.campaign; });
    return out;
  });
}

}  // namespace leadloop
