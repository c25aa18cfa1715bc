#include "measure/reports.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <limits>
#include <atomic>
#include <bit>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "domain/budget.h"
#include "domain/limits.h"

namespace leadloop {

namespace {

bool listed(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

constexpr std::string_view kSegmentFields[] = {"industry",         "country",        "region",         "employees",
                                               "stage",            "owner",          "source_campaign", "title",
                                               "campaign.key",     "campaign.channel", "campaign.vendor", "campaign.owner"};
// And any attributes.<name> (or attr.<name>) and data.<name>.
constexpr std::string_view kSegmentPrefixes[] = {"attributes.", "data."};

// A segment's answer per distinct combination of the fields it reads: most
// leads share their industry, country, region, campaign, owner, stage,
// title, attributes and size with many others, so the expression runs once
// per combination. The dictionary-coded fields it reads number each
// combination (mixed radix); when they are few enough the answers sit in a
// flat table, one array read per lead, else (or with employees) in a hash
// map; when the combinations cannot be numbered in 64 bits, by the codes
// themselves.
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
    auto dimension = [&](bool read, const std::vector<uint32_t>* column, size_t cardinality) {
      if (read) {
        dims_.push_back({Kind::kCodes, column->data(), nullptr, -1, false, {}, std::max<size_t>(cardinality, 1), 0});
      }
    };
    dimension(reads({"industry"}), &l.industry, p.industries().size());
    dimension(reads({"country"}), &l.country, p.countries().size());
    dimension(reads({"region"}), &l.region, p.regions().size());
    dimension(reads({"source_campaign", "campaign.key", "campaign.channel", "campaign.vendor", "campaign.owner"}),
              &l.campaign, p.campaigns().size());
    dimension(reads({"owner"}), &l.owner, p.owners().size());
    dimension(reads({"title"}), &l.title, p.titles().size());
    if (reads({"stage"})) dims_.push_back({Kind::kStages, nullptr, l.stage.data(), -1, false, {}, kStageCount, 0});
    for (const std::string& input : e.inputs()) {
      for (std::string_view prefix : kSegmentPrefixes) {
        if (input.starts_with(prefix)) {
          dims_.push_back({Kind::kExtra, nullptr, nullptr, p.extra_fields().find(input),
                           prefix == kSegmentPrefixes[0], input.substr(prefix.size()),
                           std::max<size_t>(p.extra_values().size(), 1), 0});
        }
      }
    }
    extras_ = l.extras.data();
    employees_ = reads({"employees"}) ? &l.employees : nullptr;
    // Strides over the full product; a flat table when it has at most 4M
    // entries, codes as the key when it overflows 64 bits.
    uint64_t stride = 1;
    for (Dim& d : dims_) {
      d.stride = stride;
      if (__builtin_mul_overflow(stride, static_cast<uint64_t>(d.cardinality), &stride)) numbered_ = false;
    }
    if (numbered_ && stride <= (uint64_t{1} << 22) && !employees_) flat_.assign(stride, -1);
  }

  bool matches(const LeadColumns& l, size_t row) {
    if (!numbered_) return by_codes(l, row);
    uint64_t index = 0;
    for (const Dim& d : dims_) index += d.stride * value(d, row);
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
  enum class Kind : uint8_t { kCodes, kStages, kExtra };
  struct Dim {
    Kind kind;
    const uint32_t* codes;  // the column's data (stable while the report reads)
    const uint8_t* stages;
    int64_t field;          // kExtra: the code in extra_fields; -1: no lead has it
    bool attribute;         // kExtra: attributes.<key>, else data.<key>
    std::string key;        // kExtra: "budget"
    size_t cardinality;
    uint64_t stride;
  };
  struct Hash {
    size_t operator()(const std::pair<uint64_t, int64_t>& k) const {
      return static_cast<size_t>((k.first * 0x9E3779B97F4A7C15ULL) ^ static_cast<uint64_t>(k.second));
    }
  };

  // The row's value code of an extra field; 0 when it lacks it.
  uint32_t extra_value(const Dim& d, size_t row) const {
    for (const auto& [field, v] : extras_[row]) {
      if (static_cast<int64_t>(field) == d.field) return v;
    }
    return 0;
  }
  // The row's code for a dimension.
  [[gnu::always_inline]] uint32_t value(const Dim& d, size_t row) const {
    return d.kind == Kind::kCodes ? d.codes[row] : d.kind == Kind::kStages ? d.stages[row] : extra_value(d, row);
  }

  // The memo keyed by the codes themselves (bytes of a string).
  bool by_codes(const LeadColumns& l, size_t row) {
    key_.clear();
    for (const Dim& d : dims_) {
      const uint32_t v = value(d, row);
      key_.append(reinterpret_cast<const char*>(&v), sizeof(v));
    }
    if (employees_) key_.append(reinterpret_cast<const char*>(&(*employees_)[row]), sizeof(int64_t));
    auto it = by_codes_.find(key_);
    if (it != by_codes_.end()) return it->second;
    const bool yes = evaluate(l, row);
    by_codes_.emplace(key_, yes);
    return yes;
  }

  // The expression on a lead holding this row's values of the fields read
  // (one scratch lead, and each campaign looked up once).
  bool evaluate(const LeadColumns& l, size_t row) {
    Lead& lead = scratch_;
    lead.industry = p_.industries().text(l.industry[row]);
    lead.country = p_.countries().text(l.country[row]);
    lead.region = p_.regions().text(l.region[row]);
    lead.source_campaign = p_.campaigns().text(l.campaign[row]);
    lead.owner = p_.owners().text(l.owner[row]);
    lead.title = p_.titles().text(l.title[row]);
    lead.stage = static_cast<Stage>(l.stage[row]);
    lead.employees.reset();
    if (l.employees[row] != INT64_MIN) lead.employees = l.employees[row];
    lead.attributes.clear();
    lead.data_points.clear();
    for (const Dim& d : dims_) {
      if (d.kind != Kind::kExtra) continue;
      const uint32_t v = value(d, row);
      if (v == 0) continue;
      (d.attribute ? lead.attributes : lead.data_points)[d.key] = p_.extra_values().text(v);
    }
    const uint32_t code = l.campaign[row];
    if (code >= campaign_of_.size()) campaign_of_.resize(code + 1);
    auto& campaign = campaign_of_[code];
    if (!campaign) campaign = catalog_.find(lead.source_campaign).value_or(Campaign{});
    return expression_.matches({&lead, campaign->key.empty() ? nullptr : &*campaign, 0});
  }

  const Expression& expression_;
  const LeadProjection& p_;
  const CampaignCatalog& catalog_;
  std::vector<Dim> dims_;
  const std::vector<std::pair<uint32_t, uint32_t>>* extras_ = nullptr;  // by row
  const std::vector<int64_t>* employees_ = nullptr;
  bool numbered_ = true;
  std::vector<int8_t> flat_;  // -1: not asked yet
  Lead scratch_;
  std::vector<std::optional<Campaign>> campaign_of_;  // by campaign code; an empty key: none
  std::unordered_map<std::pair<uint64_t, int64_t>, bool, Hash> memo_;
  std::string key_;
  std::unordered_map<std::string, bool> by_codes_;
};

// The filter compiled against the projection's dictionaries: one flag per
// code, so a row is checked with a few array reads.
struct CompiledFilter {
  const ReportFilter& f;
  // One per scan slice: a memo is not safe to share between threads.
  mutable std::array<std::optional<SegmentMemo>, 2> segment;
  std::vector<uint8_t> campaign_ok, region_ok, owner_ok;
  std::vector<uint8_t> scope_campaign, scope_owner, scope_unowned_region;
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
    scope_unowned_region.resize(regions.size());
    for (uint32_t r = 0; r < regions.size(); ++r) {
      region_ok[r] = f.regions.empty() || listed(f.regions, regions.text(r));
      scope_unowned_region[r] = f.scope_unowned_regions.empty() || listed(f.scope_unowned_regions, regions.text(r));
    }
    const Dictionary& owners = p.owners();
    owner_ok.resize(owners.size());
    scope_owner.resize(owners.size());
    for (uint32_t o = 0; o < owners.size(); ++o) {
      owner_ok[o] = f.owners.empty() || listed(f.owners, owners.text(o));
      scope_owner[o] = o != 0 && listed(f.scope_owners, owners.text(o));
    }
    note_constraints();
    if (f.segment) {
      for (auto& memo : segment) memo.emplace(*f.segment, p, catalog);
    }
  }

  // Whether each column is constrained at all: a report without filters
  // reads none of them.
  bool by_campaign = false, by_region = false, by_owner = false;
  void note_constraints() {
    by_campaign = std::find(campaign_ok.begin(), campaign_ok.end(), 0) != campaign_ok.end();
    by_region = std::find(region_ok.begin(), region_ok.end(), 0) != region_ok.end();
    by_owner = std::find(owner_ok.begin(), owner_ok.end(), 0) != owner_ok.end();
  }

  // Whether every lead passes: no condition at all.
  bool everything() const {
    return !f.from && !f.to && !by_campaign && !by_region && !by_owner && !f.grade && !f.definition_version &&
           !f.scoped && !f.segment;
  }

  // `part`: the scan slice asking (0 or 1), for its own segment memo.
  [[gnu::always_inline]] bool lead(const LeadColumns& l, size_t row, bool by_capture_time, int part = 0) const {
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
                      (f.scope_unowned && l.owner[row] == 0 && scope_unowned_region[l.region[row]]);
      if (!in) return false;
    }
    if (segment[part] && !segment[part]->matches(l, row)) return false;
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
  return "industry, country, region, employees, stage, owner, title, source_campaign, campaign.key, .channel, "
         ".vendor, .owner, attributes.<name> and data.<name>";
}

Result<std::shared_ptr<const Expression>> compile_segment(std::string_view text) {
  auto compiled = Expression::compile(text);
  if (auto* error = std::get_if<ExprError>(&compiled)) {
    return Status(ErrorCode::kInvalidValue,
                  "segment, column " + std::to_string(error->pos.column) + ": " + error->message, "segment");
  }
  auto e = std::make_shared<const Expression>(std::get<Expression>(std::move(compiled)));
  if (e->cost() > limits::kMaxSegmentCost) {
    return Status(ErrorCode::kInvalidValue,
                  "the segment costs " + std::to_string(e->cost()) + " steps per lead, more than " +
                      std::to_string(limits::kMaxSegmentCost) + limits::limit_note("max_segment_cost"),
                  "segment");
  }
  for (const std::string& input : e->inputs()) {
    const bool prefixed = std::any_of(std::begin(kSegmentPrefixes), std::end(kSegmentPrefixes),
                                      [&](std::string_view p) { return input.starts_with(p); });
    if (!prefixed &&
        std::find(std::begin(kSegmentFields), std::end(kSegmentFields), input) == std::end(kSegmentFields)) {
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
      {"team", GroupBy::kTeam},     {"grade", GroupBy::kGrade},       {"week", GroupBy::kCaptureWeek},
      {"month", GroupBy::kCaptureMonth}};
  for (const auto& [n, g] : kNames) {
    if (n == name) return g;
  }
  return std::nullopt;
}

std::string_view group_by_names() { return "campaign, channel, vendor, region, owner, team, grade, week or month"; }

namespace {

// The bucket holding the value of `rank` (0-based) among the counted
// values, and the rank inside it.
size_t bucket_of_rank(const std::vector<uint32_t>& counts, size_t rank, size_t* inside) {
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
}

// How many slices a scan of n leads runs in: two threads when the machine
// has the cores and the scan is big enough to pay for a thread; one when
// the grouping adds groups as it goes (capture weeks).
std::atomic<size_t> parallel_from{200000};
std::atomic<bool> parallel_forced{false};

// The first day of the month of t (UTC), for GroupBy::kCaptureMonth.
Days first_of_month(TimePoint t) {
  int year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(day_of(t), &year, &month, &day);
  return days_from_civil(year, month, 1);
}

int scan_parts(size_t n, GroupBy by) {
  static const unsigned cores = std::thread::hardware_concurrency();
  if (by == GroupBy::kCaptureWeek || by == GroupBy::kCaptureMonth || n < parallel_from.load(std::memory_order_relaxed)) return 1;
  return cores >= 2 || parallel_forced.load(std::memory_order_relaxed) ? 2 : 1;
}

// Runs fn(part, begin, end) over rows [begin, end) in consecutive chunks,
// until the request's budget runs out (the caller answers its error).
template <class F>
void scan_chunks(int part, size_t begin, size_t end, F& fn) {
  constexpr size_t kChunk = 1 << 16;
  for (size_t at = begin; at < end; at += kChunk) {
    if (budget_exceeded()) return;
    fn(part, at, std::min(end, at + kChunk));
  }
}

// Runs fn(part, begin, end) over rows [0, n) in `parts` slices, slice 0 on
// the calling thread, the other under the same request budget. A slice
// comes in chunks, in order. fn must not throw.
template <class F>
void scan_rows(size_t n, int parts, F&& fn) {
  if (parts <= 1) {
    scan_chunks(0, size_t{0}, n, fn);
    return;
  }
  const size_t half = n / 2;
  std::thread other([&, budget = current_budget()] {
    ScopedBudget scope(budget);
    scan_chunks(1, half, n, fn);
  });
  scan_chunks(0, size_t{0}, half, fn);
  other.join();
}

}  // namespace

void set_parallel_scan_threshold(size_t rows) {
  parallel_from.store(rows, std::memory_order_relaxed);
  parallel_forced.store(true, std::memory_order_relaxed);
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
      case GroupBy::kCaller:
        for (uint32_t c = 0; c < p.callers().size(); ++c) {
          const std::string& text = p.callers().text(c);
          const size_t sep = text.find('\x1f');
          if (sep == std::string::npos) {
            by_code_.push_back(group(std::string()));
            continue;
          }
          const int64_t campaign = p.campaigns().find(std::string_view(text).substr(0, sep));
          const std::string& vendor =
              campaign >= 0 && static_cast<size_t>(campaign) < match.vendor_of.size() ? match.vendor_of[campaign]
                                                                                       : std::string();
          by_code_.push_back(group(vendor + '\x1f' + text.substr(sep + 1)));
        }
        column_ = &l.caller;
        break;
      case GroupBy::kGrade:
        for (int g = 0; g < kGradeCount; ++g) by_code_.push_back(group(std::string(grade_name(static_cast<Grade>(g)))));
        break;
      case GroupBy::kCaptureWeek:
      case GroupBy::kCaptureMonth: break;
    }
  }

  // The group of a lead's row (a capture week may be new).
  [[gnu::always_inline]] uint32_t of(const LeadColumns& l, size_t row) {
    if (column_) return by_code_[(*column_)[row]];
    if (by_ == GroupBy::kGrade) return by_code_[l.grade[row]];
    if (by_ != GroupBy::kCaptureWeek && by_ != GroupBy::kCaptureMonth) return 0;
    const Days start = by_ == GroupBy::kCaptureWeek ? monday_of(l.created_at[row]) : first_of_month(l.created_at[row]);
    auto it = week_group_.find(start);
    if (it == week_group_.end()) it = week_group_.emplace(start, group(format_date(start))).first;
    return it->second;
  }

  size_t size() const { return names_.size(); }
  // Dictionary code -> group, when the groups come from a dictionary.
  const std::vector<uint32_t>& codes() const { return by_code_; }
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
  std::map<Days, uint32_t> week_group_;  // the week's Monday or the month's first day -> group
};

// Grows a per-group vector to the grouper's size.
template <class T>
T& slot(std::vector<T>& v, uint32_t g) {
  if (g >= v.size()) v.resize(g + 1);
  return v[g];
}

// The sinks of the passes of percentiles() below. A window is a range of
// buckets, kept whole.
struct KeptRange {
  size_t first = kBuckets, last = kBuckets;  // buckets, inclusive; kBuckets (no bucket): none
  bool empty() const { return first == kBuckets; }
  // One unsigned compare, rarely true: a branch the scan predicts well.
  bool holds(size_t bucket) const { return bucket - first <= last - first; }
};
struct Window {
  KeptRange a, b;  // around the median and the p90; b empty when a covers both
};
constexpr Window kKeepAll = {{0, kBuckets - 1}, {}};
using Kept = std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>;  // by slot: in a, in b

// The sample pass: bucket counts only; the scan's own counters stay put.
struct SampleCounter {
  static constexpr bool counting = false;
  std::vector<std::vector<uint32_t>>& counts;  // by slot: kBuckets counts, or empty
  [[gnu::always_inline]] void operator()(size_t slot, int64_t v) {
    if (slot >= counts.size()) counts.resize(slot + 1);
    std::vector<uint32_t>& c = counts[slot];
    if (c.empty()) c.assign(kBuckets, 0);
    ++c[log_bucket(v)];
  }
};

// The full pass: every value counted; those in the slot's window kept.
// Its per-slot state sits in one flat array, so a value costs a bucket,
// an increment and two compares.
class CountKeeper {
 public:
  static constexpr bool counting = true;
  CountKeeper(std::vector<std::vector<uint32_t>>& counts, const std::vector<Window>& windows, Kept& kept)
      : counts_(counts), windows_(windows), kept_(kept) {
    grow(counts_.size());
  }
  [[gnu::always_inline]] void operator()(size_t slot, int64_t v) {
    if (slot >= size_) grow(slot + 1);
    Slot& s = slots_[slot];
    if (s.counts == nullptr) {
      counts_[slot].assign(kBuckets, 0);
      s.counts = counts_[slot].data();
    }
    const size_t bucket = log_bucket(v);
    ++s.counts[bucket];
    if (s.window.a.holds(bucket)) {
      kept_[slot].first.push_back(v);
    } else if (s.window.b.holds(bucket)) {
      kept_[slot].second.push_back(v);
    }
  }

 private:
  struct Slot {
    uint32_t* counts = nullptr;
    Window window;
  };
  void grow(size_t size) {
    size = std::max(size, counts_.size());
    counts_.resize(size);
    kept_.resize(size);
    const size_t known = slots_.size();
    slots_.resize(size);
    for (size_t i = known; i < size; ++i) {
      slots_[i].counts = counts_[i].empty() ? nullptr : counts_[i].data();
      slots_[i].window = i < windows_.size() ? windows_[i] : kKeepAll;
    }
    size_ = size;
  }
  std::vector<std::vector<uint32_t>>& counts_;
  const std::vector<Window>& windows_;
  Kept& kept_;
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

// The rare extra pass, for a rank that fell outside its window: the
// values of exactly that bucket.
template <bool kCounting = false>
struct BucketKeeper {
  static constexpr bool counting = kCounting;
  const std::vector<Window>& windows;
  Kept& kept;
  [[gnu::always_inline]] void operator()(size_t slot, int64_t v) {
    if (slot >= windows.size()) return;
    const Window& w = windows[slot];
    const size_t bucket = log_bucket(v);
    if (w.a.holds(bucket)) {
      kept[slot].first.push_back(v);
    } else if (w.b.holds(bucket)) {
      kept[slot].second.push_back(v);
    }
  }
};

// The median and p90 of many sets of durations (slots: group x step, or
// groups) over a scan of n rows in `parts` slices, exact, without keeping
// every value:
//  1. a sample of the rows (1 in 32, in runs of 256) counts each slot's
//     values into log-linear buckets, which says about where each rank
//     will fall;
//  2. the full scan counts every value into buckets and keeps only those
//     in the buckets near where the sample put the two ranks (a few
//     percent of them);
//  3. each rank's bucket is now known exactly; when it is one the scan
//     kept (nearly always), the rank is picked among the kept values, else
//     one more scan keeps exactly that bucket's values.
// Each pass calls scan(part, begin, end, sink), and the scan calls
// sink(slot, value) for every value (>= 0) of its rows; sink.counting is
// true for the full pass only (for the scan's own counters). Slots are
// numbered from 0; `slots`: how many are known before the scan (a single
// slice may find more).
template <class Scan>
std::vector<Durations> percentiles(size_t n, int parts, size_t slots, Scan&& scan) {
  auto rank_of = [](int64_t count, int64_t percent) {  // nearest rank, 0-based
    return static_cast<size_t>((count * percent + 99) / 100) - 1;
  };
  // 1. The sample, and the windows it suggests.
  constexpr size_t kRun = 256, kEvery = 32 * kRun;
  std::vector<Window> windows(slots, kKeepAll);
  if (n >= 4 * kEvery) {
    std::vector<std::vector<uint32_t>> sample(slots);
    SampleCounter sink{sample};
    for (size_t begin = 0; begin < n; begin += kEvery) scan(0, begin, std::min(n, begin + kRun), sink);
    windows.resize(std::max(windows.size(), sample.size()), kKeepAll);
    for (size_t i = 0; i < sample.size(); ++i) {
      const std::vector<uint32_t>& c = sample[i];
      int64_t m = 0;
      for (uint32_t x : c) m += x;
      if (m < 64) continue;  // too few to say: keep them all (a small slot)
      auto range = [&](int64_t percent) {
        // Four standard deviations of the sample's rank either side, and
        // then some.
        const double p = static_cast<double>(percent) / 100;
        const auto spread = static_cast<int64_t>(4 * std::sqrt(static_cast<double>(m) * p * (1 - p)) + 4 +
                                                 static_cast<double>(m) / 100);
        const auto centre = static_cast<int64_t>(rank_of(m, percent));
        size_t unused = 0;
        KeptRange r;
        r.first = bucket_of_rank(c, static_cast<size_t>(std::max<int64_t>(0, centre - spread)), &unused);
        r.last = bucket_of_rank(c, static_cast<size_t>(std::min<int64_t>(m - 1, centre + spread)), &unused);
        // The end buckets open up: values past the sample's may be there.
        if (r.last == c.size() - 1) r.last = kBuckets - 1;
        return r;
      };
      Window& w = windows[i];
      w.a = range(50);
      w.b = range(90);
      if (w.b.first <= w.a.last + 1) {  // they meet: one range (b never starts before a)
        w.a.last = std::max(w.a.last, w.b.last);
        w.b = {};
      }
    }
  }
  // 2. The full scan.
  std::array<std::vector<std::vector<uint32_t>>, 2> counts;
  std::array<Kept, 2> kept;
  for (int part = 0; part < 2; ++part) {  // sized before the threads start
    counts[static_cast<size_t>(part)].resize(windows.size());
    kept[static_cast<size_t>(part)].resize(windows.size());
  }
  scan_rows(n, parts, [&](int part, size_t begin, size_t end) {
    CountKeeper sink(counts[static_cast<size_t>(part)], windows, kept[static_cast<size_t>(part)]);
    scan(part, begin, end, sink);
  });
  const size_t total = std::max(counts[0].size(), counts[1].size());
  counts[0].resize(total);
  kept[0].resize(total);
  windows.resize(total, kKeepAll);
  for (size_t i = 0; i < counts[1].size(); ++i) {
    if (!counts[1][i].empty()) {
      if (counts[0][i].empty()) counts[0][i].assign(kBuckets, 0);
      for (size_t b = 0; b < kBuckets; ++b) counts[0][i][b] += counts[1][i][b];
    }
    auto& [a, b] = kept[0][i];
    a.insert(a.end(), kept[1][i].first.begin(), kept[1][i].first.end());
    b.insert(b.end(), kept[1][i].second.begin(), kept[1][i].second.end());
  }
  // 3. Each rank from the kept values of its window.
  std::vector<Durations> out(total);
  std::vector<Window> missing(total);  // the buckets a rank fell in, outside its window
  std::vector<std::array<size_t, 2>> missing_inside(total);
  bool extra_pass = false;
  auto pick = [](std::vector<int64_t>& v, size_t k) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  };
  for (size_t i = 0; i < total; ++i) {
    const std::vector<uint32_t>& c = counts[0][i];
    if (c.empty()) continue;
    Durations& d = out[i];
    for (uint32_t x : c) d.count += x;
    for (size_t which = 0; which < 2; ++which) {
      const size_t rank = rank_of(d.count, which == 0 ? 50 : 90);
      int64_t& value = which == 0 ? d.median_ms : d.p90_ms;
      size_t inside = 0;
      const size_t bucket = bucket_of_rank(c, rank, &inside);
      if (bucket < kExactBelow) {  // one value per bucket (the values are >= 0)
        value = static_cast<int64_t>(bucket);
        continue;
      }
      bool found = false;
      for (int r = 0; r < 2 && !found; ++r) {
        const KeptRange& range = r == 0 ? windows[i].a : windows[i].b;
        if (!range.holds(bucket)) continue;
        size_t below = 0;  // values in the buckets before the window
        for (size_t x = 0; x < range.first; ++x) below += c[x];
        value = pick(r == 0 ? kept[0][i].first : kept[0][i].second, rank - below);
        found = true;
      }
      if (!found) {
        (which == 0 ? missing[i].a : missing[i].b) = KeptRange{bucket, bucket};
        missing_inside[i][which] = inside;
        extra_pass = true;
      }
    }
  }
  if (extra_pass) {
    Kept exact(total);
    scan_rows(n, 1, [&](int, size_t begin, size_t end) {
      BucketKeeper<> sink{missing, exact};
      scan(0, begin, end, sink);
    });
    for (size_t i = 0; i < total; ++i) {
      const Window& w = missing[i];
      // Both ranks in one bucket: its values went to the first list.
      const bool same = !w.a.empty() && !w.b.empty() && w.a.first == w.b.first;
      if (!w.a.empty()) out[i].median_ms = pick(exact[i].first, missing_inside[i][0]);
      if (!w.b.empty()) out[i].p90_ms = pick(same ? exact[i].first : exact[i].second, missing_inside[i][1]);
    }
  }
  return out;
}

// The values of one bucket, as [lo, lo + span] (one unsigned compare).
struct ValueRange {
  uint64_t lo = UINT64_MAX, span = 0;  // empty: only UINT64_MAX, which no duration is
  [[gnu::always_inline]] bool holds(int64_t v) const { return static_cast<uint64_t>(v) - lo <= span; }
};
struct ValueWindow {
  ValueRange a, b;
};
ValueRange value_range(size_t bucket) {
  if (bucket < kExactBelow) return {bucket, 0};
  const size_t b = bucket - kExactBelow;
  const int shift = static_cast<int>(b / (size_t{1} << kSubBits)) + 1;  // top bit - kSubBits
  const uint64_t sub = b % (size_t{1} << kSubBits);
  return {((uint64_t{1} << kSubBits) + sub) << shift, (uint64_t{1} << shift) - 1};
}

// The keeping pass when the buckets are known: values in the slot's ranges
// kept; counting (the scan's own counters run in this pass).
struct RangeKeeper {
  static constexpr bool counting = true;
  const std::vector<ValueWindow>& ranges;
  Kept& kept;
  [[gnu::always_inline]] void operator()(size_t slot, int64_t v) {
    if (slot >= ranges.size()) return;
    const ValueWindow& w = ranges[slot];
    if (w.a.holds(v)) {
      kept[slot].first.push_back(v);
    } else if (w.b.holds(v)) {
      kept[slot].second.push_back(v);
    }
  }
};

// As percentiles(), when each slot's bucket counts are known before the
// scan (kept by the projection; known[slot], or null for a slot without
// values): one pass keeps the values of the buckets that hold the two
// ranks, and counts (sink.counting is true in it). Nothing when a kept
// bucket does not hold as many values as its count says (then the caller
// takes the general way).
template <class Scan>
std::optional<std::vector<Durations>> percentiles_known(size_t n, int parts,
                                                        const std::vector<const std::vector<uint32_t>*>& known,
                                                        Scan&& scan) {
  auto rank_of = [](int64_t count, int64_t percent) {  // nearest rank, 0-based
    return static_cast<size_t>((count * percent + 99) / 100) - 1;
  };
  const size_t total = known.size();
  std::vector<Durations> out(total);
  std::vector<Window> windows(total, Window{});
  // Per slot and rank (median, p90): its bucket (kBuckets: none to keep)
  // and its rank inside the bucket.
  std::vector<std::array<std::pair<size_t, size_t>, 2>> where(total);
  for (size_t i = 0; i < total; ++i) {
    where[i].fill({kBuckets, 0});
    if (!known[i]) continue;
    const std::vector<uint32_t>& c = *known[i];
    for (uint32_t x : c) out[i].count += x;
    if (out[i].count == 0) continue;
    for (size_t which = 0; which < 2; ++which) {
      size_t inside = 0;
      const size_t bucket = bucket_of_rank(c, rank_of(out[i].count, which == 0 ? 50 : 90), &inside);
      if (bucket < kExactBelow) {  // one value per bucket
        (which == 0 ? out[i].median_ms : out[i].p90_ms) = static_cast<int64_t>(bucket);
        continue;
      }
      where[i][which] = {bucket, inside};
      Window& w = windows[i];
      if (w.a.empty()) {
        w.a = KeptRange{bucket, bucket};
      } else if (w.a.first != bucket) {
        w.b = KeptRange{bucket, bucket};
      }
    }
  }
  // The windows as ranges of values, so the scan compares values and
  // never computes a bucket.
  std::vector<ValueWindow> ranges(total);
  for (size_t i = 0; i < total; ++i) {
    if (!windows[i].a.empty()) ranges[i].a = value_range(windows[i].a.first);
    if (!windows[i].b.empty()) ranges[i].b = value_range(windows[i].b.first);
  }
  std::array<Kept, 2> kept;
  for (Kept& k : kept) k.resize(total);  // sized before the threads start
  scan_rows(n, parts, [&](int part, size_t begin, size_t end) {
    RangeKeeper sink{ranges, kept[static_cast<size_t>(part)]};
    scan(part, begin, end, sink);
  });
  for (size_t i = 0; i < total; ++i) {
    auto& [a, b] = kept[0][i];
    a.insert(a.end(), kept[1][i].first.begin(), kept[1][i].first.end());
    b.insert(b.end(), kept[1][i].second.begin(), kept[1][i].second.end());
    for (size_t which = 0; which < 2; ++which) {
      const auto [bucket, inside] = where[i][which];
      if (bucket == kBuckets) continue;
      std::vector<int64_t>& values = bucket == windows[i].a.first ? a : b;
      if (values.size() != (*known[i])[bucket] || inside >= values.size()) return std::nullopt;
      std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(inside), values.end());
      (which == 0 ? out[i].median_ms : out[i].p90_ms) = values[inside];
    }
  }
  return out;
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
    // furthest[part][group][step]: the leads whose furthest step it is.
    std::array<std::vector<std::array<int64_t, kFunnelStepCount>>, 2> furthest;
    for (auto& counts : furthest) counts.resize(groups.size());  // sized before the threads start
    const size_t n = l.id.size();
    if (match.everything() && (by == GroupBy::kNone || by == GroupBy::kOwner || by == GroupBy::kRegion)) {
      // Every lead: the projection keeps these counts per owner and region.
      const auto& kept = by == GroupBy::kOwner ? p.counters().by_owner : p.counters().by_region;
      for (uint32_t c = 0; c < kept.size(); ++c) {
        auto& counts = furthest[0][by == GroupBy::kNone ? 0 : groups.codes()[c]];
        for (int s = 0; s < kFunnelStepCount; ++s) counts[s] += kept[c].furthest[s];
      }
    } else {
      scan_rows(n, scan_parts(n, by), [&](int part, size_t begin, size_t end) {
        auto& mine = furthest[static_cast<size_t>(part)];
        for (size_t row = begin; row < end; ++row) {
          if (!match.lead(l, row, true, part)) continue;
          ++slot(mine, groups.of(l, row))[l.reached[row]];
        }
      });
    }
    furthest[0].resize(groups.size());
    for (size_t g = 0; g < furthest[1].size(); ++g) {
      for (int s = 0; s < kFunnelStepCount; ++s) furthest[0][g][s] += furthest[1][g][s];
    }
    // Groups with leads, in name order (the whole funnel always).
    std::vector<Funnel> out;
    for (const auto& [name, g] : groups.by_name()) {
      const auto& counts = furthest[0][g];
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

Durations durations_of(const std::vector<int64_t>& values) {
  return percentiles(values.size(), 1, 1, [&](int, size_t begin, size_t end, auto& sink) {
           for (size_t row = begin; row < end; ++row) sink(0, values[row]);
         })
      .front();
}

std::vector<Durations> scanned_durations(const std::vector<int64_t>& values, const std::vector<uint32_t>& slot_of,
                                         int parts) {
  return percentiles(values.size(), parts, 0, [&](int, size_t begin, size_t end, auto& sink) {
    for (size_t row = begin; row < end; ++row) sink(slot_of[row], values[row]);
  });
}

std::vector<StageTimes> Reports::stage_times(const ReportFilter& f, GroupBy by) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    // Slots: group x step, from the compact step times (4 bytes a step).
    constexpr size_t kSteps = kFunnelStepCount - 1;  // qualified .. won
    const size_t n = l.id.size();
    auto took = [&](size_t row, size_t s) -> int64_t {  // s: 0 for qualified
      const uint32_t t = l.step_took[row][s];
      if (t != kStepTookLong) return t;
      return std::max<int64_t>(0, l.reached_at[s + 1][row] - l.reached_at[s][row]);
    };
    auto scan = [&](int part, size_t begin, size_t end, auto& sink) {
      for (size_t row = begin; row < end; ++row) {
        const size_t k = l.timed_steps[row];
        if (k == 0 || !match.lead(l, row, true, part)) continue;
        const size_t first = groups.of(l, row) * kSteps;
        for (size_t s = 0; s < k; ++s) sink(first + s, took(row, s));
      }
    };
    std::optional<std::vector<Durations>> known;
    if (by == GroupBy::kNone && match.everything()) {
      // Every lead: the projection knows each step's buckets already, and
      // the scan reads the step times only.
      std::vector<const std::vector<uint32_t>*> counts;
      for (const auto& c : p.distributions().step_took) counts.push_back(c.empty() ? nullptr : &c);
      known = percentiles_known(n, scan_parts(n, by), counts, [&](int, size_t begin, size_t end, auto& sink) {
        for (size_t row = begin; row < end; ++row) {
          const size_t k = l.timed_steps[row];
          for (size_t s = 0; s < k; ++s) sink(s, took(row, s));
        }
      });
    }
    const std::vector<Durations> done = known ? std::move(*known) : percentiles(n, scan_parts(n, by), groups.size() * kSteps, scan);
    std::vector<StageTimes> out;
    for (const auto& [name, g] : groups.by_name()) {
      StageTimes st;
      st.group = name;
      bool any = by == GroupBy::kNone;
      for (size_t s = 0; s < kSteps; ++s) {
        const Durations d = g * kSteps + s < done.size() ? done[g * kSteps + s] : Durations{};
        any = any || d.count > 0;
        st.steps.emplace_back(kFunnelSteps[s + 1], d);
      }
      if (any) out.push_back(std::move(st));
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
    const auto start_step = static_cast<size_t>(from_qualification ? funnel_step(Stage::kQualified) : 0);
    std::array<std::vector<SpeedToLead>, 2> per;  // per slice, by group
    for (auto& v : per) v.resize(groups.size());  // sized before the threads start
    const size_t n = l.id.size();
    auto scan = [&](int part, size_t begin, size_t end, auto& sink) {
      auto& mine = per[static_cast<size_t>(part)];
      for (size_t row = begin; row < end; ++row) {
        if (l.reached[row] < assigned || !match.lead(l, row, true, part)) continue;
        const uint32_t g = groups.of(l, row);
        if constexpr (std::remove_reference_t<decltype(sink)>::counting) {
          SpeedToLead& r = slot(mine, g);
          ++r.assigned;
          r.breached += l.breaches[row] > 0;
          r.responded += l.responded_at[row] != 0;
        }
        if (l.responded_at[row] == 0) continue;
        const int64_t start = l.reached_at[start_step][row] != 0 ? l.reached_at[start_step][row] : l.created_at[row];
        sink(g, std::max<int64_t>(0, l.responded_at[row] - start));
      }
    };
    std::optional<std::vector<Durations>> known;
    if ((by == GroupBy::kOwner || by == GroupBy::kRegion) && !from_qualification && match.everything()) {
      // Every lead by owner or region, from capture: the projection knows
      // each one's buckets already (group g is code c when codes()[c] == g).
      const auto& by_owner = by == GroupBy::kOwner ? p.distributions().response_by_owner
                                                    : p.distributions().response_by_region;
      std::vector<const std::vector<uint32_t>*> counts(groups.size(), nullptr);
      for (uint32_t c = 0; c < groups.codes().size() && c < by_owner.size(); ++c) {
        if (!by_owner[c].empty()) counts[groups.codes()[c]] = &by_owner[c];
      }
      known = percentiles_known(n, scan_parts(n, by), counts, scan);
      if (!known) {  // not expected: the scan's counters start again
        for (auto& v : per) v.assign(groups.size(), SpeedToLead{});
      }
    }
    const std::vector<Durations> response =
        known ? std::move(*known) : percentiles(n, scan_parts(n, by), groups.size(), scan);
    per[0].resize(groups.size());
    for (size_t g = 0; g < per[1].size(); ++g) {
      per[0][g].assigned += per[1][g].assigned;
      per[0][g].breached += per[1][g].breached;
      per[0][g].responded += per[1][g].responded;
    }
    std::vector<SpeedToLead> out;
    for (const auto& [name, g] : groups.by_name()) {
      SpeedToLead& r = per[0][g];
      if (r.assigned == 0 && by != GroupBy::kNone) continue;
      r.group = name;
      if (g < response.size()) r.response = response[g];
      out.push_back(std::move(r));
    }
    return out;
  });
}

Durations Reports::response_or_wait(const ReportFilter& f, TimePoint now) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    const auto assigned = static_cast<uint8_t>(funnel_step(Stage::kAssigned));
    const size_t n = l.id.size();
    const std::vector<Durations> d =
        percentiles(n, scan_parts(n, GroupBy::kNone), 1, [&](int part, size_t begin, size_t end, auto& sink) {
          for (size_t row = begin; row < end; ++row) {
            if (l.reached[row] < assigned || !match.lead(l, row, true, part)) continue;
            TimePoint answered = l.responded_at[row];
            if (answered == 0) {
              if (!is_open_stage(static_cast<Stage>(l.stage[row]))) continue;  // closed unanswered: no wait left
              answered = now;
            }
            sink(0, std::max<int64_t>(0, answered - l.created_at[row]));
          }
        });
    return d.front();
  });
}

Stalled Reports::stalled(const ReportFilter& f, TimePoint before, GroupBy by, size_t limit) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    using Key = std::pair<TimePoint, int64_t>;  // (since, id): the longest stalled first
    // Per scan slice: group -> funnel step -> (count, oldest); the `limit`
    // longest stalled so far, as a max-heap on the key (the top is the most
    // recent of them, the first to give way); and the total.
    struct Part {
      std::vector<std::array<std::pair<int64_t, TimePoint>, kFunnelStepCount>> per;
      std::vector<std::pair<Key, uint32_t>> heap;
      int64_t total = 0;
      std::vector<uint32_t> picked;  // a chunk's stalled rows (offsets from its start)
    };
    // Stage code -> the funnel step it stalls in; -1: not a step, or won.
    std::array<int8_t, 256> stalled_step;
    for (size_t code = 0; code < stalled_step.size(); ++code) {
      const int step = code < static_cast<size_t>(kStageCount) ? funnel_step(static_cast<Stage>(code)) : -1;
      stalled_step[code] = static_cast<int8_t>(step < 0 || step == kFunnelStepCount - 1 ? -1 : step);
    }
    std::array<Part, 2> parts;
    for (Part& part : parts) {  // sized before the threads start
      part.per.resize(groups.size());
      part.heap.reserve(limit + 1);
    }
    auto heap_less = [](const std::pair<Key, uint32_t>& a, const std::pair<Key, uint32_t>& b) {
      return a.first < b.first;
    };
    const size_t n = l.id.size();
    scan_rows(n, scan_parts(n, by), [&](int slice, size_t begin, size_t end) {
      Part& mine = parts[static_cast<size_t>(slice)];
      // The stalled rows first, without a branch on each (whether a lead
      // stalled is as good as random to the branch predictor); then only
      // those.
      mine.picked.resize(end - begin);
      uint32_t* picked = mine.picked.data();
      size_t count_picked = 0;
      for (size_t row = begin; row < end; ++row) {
        picked[count_picked] = static_cast<uint32_t>(row - begin);
        count_picked += static_cast<size_t>((l.stage_since[row] < before) & (stalled_step[l.stage[row]] >= 0));
      }
      for (size_t i = 0; i < count_picked; ++i) {
        const size_t row = begin + picked[i];
        const int step = stalled_step[l.stage[row]];
        if (!match.lead(l, row, true, slice)) continue;
        auto& [count, first] = slot(mine.per, groups.of(l, row))[step];
        if (count++ == 0 || l.stage_since[row] < first) first = l.stage_since[row];
        ++mine.total;
        if (limit == 0) continue;
        const Key key{l.stage_since[row], l.id[row]};
        auto& heap = mine.heap;
        if (heap.size() < limit) {
          heap.emplace_back(key, static_cast<uint32_t>(row));
          std::push_heap(heap.begin(), heap.end(), heap_less);
        } else if (key < heap.front().first) {
          std::pop_heap(heap.begin(), heap.end(), heap_less);
          heap.back() = {key, static_cast<uint32_t>(row)};
          std::push_heap(heap.begin(), heap.end(), heap_less);
        }
      }
    });
    // The slices merged: counts added, the oldest kept, the longest stalled
    // of both.
    Stalled out;
    out.total = parts[0].total + parts[1].total;
    auto& per = parts[0].per;
    per.resize(groups.size());
    for (size_t g = 0; g < parts[1].per.size(); ++g) {
      for (int s = 0; s < kFunnelStepCount; ++s) {
        const auto& [count, first] = parts[1].per[g][s];
        if (count == 0) continue;
        auto& [total, oldest] = per[g][s];
        if (total == 0 || first < oldest) oldest = first;
        total += count;
      }
    }
    auto& heap = parts[0].heap;
    heap.insert(heap.end(), parts[1].heap.begin(), parts[1].heap.end());
    std::sort(heap.begin(), heap.end(), heap_less);
    if (heap.size() > limit) heap.resize(limit);
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
    // counts[part][stage left * reasons + reason code]: a flat array, one
    // increment per exit.
    const size_t reasons = p.exit_reasons().size();
    std::array<std::vector<int64_t>, 2> counts;
    for (auto& c : counts) c.assign(kStageCount * reasons, 0);  // sized before the threads start
    const size_t n = x.row.size();
    scan_rows(n, scan_parts(n, GroupBy::kNone), [&](int part, size_t begin, size_t end) {
      std::vector<int64_t>& mine = counts[static_cast<size_t>(part)];
      for (size_t i = begin; i < end; ++i) {
        if (f.exits_by_event_time) {
          if (f.from && x.at[i] < *f.from) continue;
          if (f.to && x.at[i] >= *f.to) continue;
        }
        if (!match.lead(l, x.row[i], !f.exits_by_event_time, part)) continue;
        ++mine[x.from[i] * reasons + x.reason[i]];
      }
    });
    Leaks out;
    for (size_t k = 0; k < counts[0].size(); ++k) {
      const int64_t count = counts[0][k] + counts[1][k];
      if (count == 0) continue;
      out.exits += count;
      out.rows.push_back({static_cast<Stage>(k / reasons), p.exit_reasons().text(static_cast<uint32_t>(k % reasons)),
                          count});
    }
    std::stable_sort(out.rows.begin(), out.rows.end(), [](const Leak& a, const Leak& b) {
      if (a.count != b.count) return a.count > b.count;
      if (a.from != b.from) return a.from < b.from;
      return a.reason < b.reason;
    });
    return out;
  });
}

namespace {

// Each campaign's touches by their day in the period (by_code: campaign
// code -> result; the lead filters do not apply, the campaign lists do).
void add_touch_days(const ReportFilter& f, const LeadProjection& p, const CompiledFilter& match,
                    std::vector<CampaignResult>& by_code) {
  const CampaignTouchDays& days = p.touch_days();
  // Whole days: every day the period touches (its first day from
  // midnight, its last up to the day that holds `to`).
  const Days first_day = f.from ? day_of(*f.from) : std::numeric_limits<Days>::min();
  // The last day that starts before `to`.
  const Days last_day = f.to ? day_of(*f.to - 1) : std::numeric_limits<Days>::max();
  for (uint32_t c = 1; c < by_code.size() && c < days.size(); ++c) {
    if (!match.campaign_ok[c]) continue;
    CampaignResult& r = by_code[c];
    days[c].each(first_day, last_day, [&](Days, const TouchDay& d) {
      r.touches += d.touches;
      r.touches_without_lead += d.without_lead;
      r.data_points += d.data_points;
      r.attended += d.attended;
    });
  }
}

}  // namespace

std::vector<CampaignResult> Reports::campaign_touches(const ReportFilter& f) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    std::vector<CampaignResult> by_code(p.campaigns().size());
    add_touch_days(f, p, match, by_code);
    std::vector<CampaignResult> out;
    for (uint32_t c = 1; c < by_code.size(); ++c) {
      if (by_code[c].touches == 0) continue;
      by_code[c].campaign = p.campaigns().text(c);
      out.push_back(std::move(by_code[c]));
    }
    std::sort(out.begin(), out.end(),
              [](const CampaignResult& a, const CampaignResult& b) { return a.campaign < b.campaign; });
    return out;
  });
}

std::vector<CampaignResult> Reports::campaigns(const ReportFilter& f) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    const auto won = static_cast<uint8_t>(funnel_step(Stage::kWon));
    // Per scan slice and campaign code: leads by furthest step and by
    // grade, and the won revenue; the results follow from those.
    struct Counts {
      std::array<int64_t, kFunnelStepCount> furthest{};
      std::array<int64_t, kGradeCount> grades{};
      int64_t revenue = 0;
    };
    std::array<std::vector<Counts>, 2> counts;
    for (auto& c : counts) c.resize(p.campaigns().size());  // sized before the threads start
    const size_t n = l.id.size();
    scan_rows(n, scan_parts(n, GroupBy::kNone), [&](int part, size_t begin, size_t end) {
      std::vector<Counts>& mine = counts[static_cast<size_t>(part)];
      for (size_t row = begin; row < end; ++row) {
        if (!match.lead(l, row, true, part)) continue;
        Counts& c = mine[l.campaign[row]];
        const uint8_t reached = l.reached[row];
        ++c.furthest[reached];
        ++c.grades[l.grade[row]];
        if (reached >= won) c.revenue += l.revenue[row];
      }
    });
    std::vector<CampaignResult> by_code(p.campaigns().size());
    for (size_t code = 0; code < by_code.size(); ++code) {
      CampaignResult& r = by_code[code];
      for (const std::vector<Counts>& part : counts) {
        const Counts& c = part[code];
        for (int s = 0; s < kFunnelStepCount; ++s) {
          const int64_t k = c.furthest[static_cast<size_t>(s)];
          r.leads += k;
          r.qualified += s >= funnel_step(Stage::kQualified) ? k : 0;
          r.accepted += s >= funnel_step(Stage::kAccepted) ? k : 0;
          r.opportunities += s >= funnel_step(Stage::kOpportunity) ? k : 0;
          r.won += s >= funnel_step(Stage::kWon) ? k : 0;
        }
        r.hot += c.grades[static_cast<size_t>(Grade::kHot)];
        r.warm += c.grades[static_cast<size_t>(Grade::kWarm)];
        r.cold += c.grades[static_cast<size_t>(Grade::kCold)];
        r.revenue_cents += c.revenue;
      }
    }
    add_touch_days(f, p, match, by_code);
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

namespace {

// One group's forecast weeks by Monday (days): a flat array from the first
// Monday seen, grown at either end, and a map for the odd week far from
// the others (a mistyped year), so a row costs an array step.
class ForecastWeeks {
 public:
  static constexpr Days kMaxSpan = 7 * 4000;  // about 77 years
  ForecastWeek& at(Days monday) {
    if (weeks_.empty()) {
      first_ = monday;
      weeks_.resize(1);
      return weeks_[0];
    }
    const Days last = first_ + 7 * static_cast<Days>(weeks_.size() - 1);
    if (monday >= first_ && monday <= last) return weeks_[static_cast<size_t>((monday - first_) / 7)];
    if (std::max(monday, last) - std::min(monday, first_) >= kMaxSpan) return far_[monday];
    if (monday > last) {
      weeks_.resize(static_cast<size_t>((monday - first_) / 7) + 1);
    } else {
      weeks_.insert(weeks_.begin(), static_cast<size_t>((first_ - monday) / 7), ForecastWeek{});
      first_ = monday;
    }
    return weeks_[static_cast<size_t>((monday - first_) / 7)];
  }
  ForecastWeek& undated() { return undated_; }
  // The weeks with opportunities, by Monday; undated ("") first.
  std::vector<ForecastWeek> take() {
    std::map<Days, ForecastWeek> all = std::move(far_);
    for (size_t i = 0; i < weeks_.size(); ++i) {
      if (weeks_[i].opportunities > 0) all[first_ + 7 * static_cast<Days>(i)] = weeks_[i];
    }
    std::vector<ForecastWeek> out;
    if (undated_.opportunities > 0) out.push_back(undated_);
    for (auto& [monday, w] : all) {
      w.week = format_date(monday);
      out.push_back(std::move(w));
    }
    return out;
  }

 private:
  Days first_ = 0;
  std::vector<ForecastWeek> weeks_;
  std::map<Days, ForecastWeek> far_;
  ForecastWeek undated_;
};

}  // namespace

std::vector<ForecastGroup> Reports::forecast(const ReportFilter& f, GroupBy by) const {
  const RepTeams teams = teams_for(by);
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    Grouper groups(by, p, match, teams);
    std::vector<ForecastGroup> per(groups.size());
    std::vector<ForecastWeeks> weeks(groups.size());
    // Only the leads that reached opportunity, in the order they did.
    const std::vector<uint32_t>& rows = l.opportunity_rows;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i % (1 << 16) == 0 && budget_exceeded()) break;  // the caller answers the budget's error
      const uint32_t row = rows[i];
      if (!match.lead(l, row, true)) continue;
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
        ForecastWeek& w = l.expected_close[row] != 0 ? slot(weeks, g).at(monday_of(l.expected_close[row]))
                                                      : slot(weeks, g).undated();
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
      r.weeks = weeks[g].take();
      out.push_back(std::move(r));
    }
    return out;
  });
}

std::vector<Attribution> Reports::attribution(const ReportFilter& f) const {
  return projection_.read([&](const LeadProjection& p) {
    CompiledFilter match(f, p, campaigns_);
    const LeadColumns& l = p.leads();
    const bool every_lead = match.everything();
    std::vector<Attribution> by_code(p.campaigns().size());
    // The campaigns of one deal's touch points that count (up to its win),
    // to credit each campaign one deal once.
    std::vector<uint32_t> touched;
    const std::vector<WonDeal>& deals = p.won_deals();
    for (size_t d = 0; d < deals.size(); ++d) {
      if (d % (1 << 14) == 0 && budget_exceeded()) break;  // the caller answers the budget's error
      const WonDeal& deal = deals[d];
      if (!every_lead && !match.lead(l, deal.row, true)) continue;
      const int64_t won_at = deal.won_at != 0 ? deal.won_at : INT64_MAX;
      // The capture is the first touch point; then the touches up to the
      // win, in commit order: the first is the earliest (ties: the one
      // before), the last the latest (ties: the one after).
      uint32_t first_campaign = deal.campaign, last_campaign = deal.campaign;
      int64_t first_at = deal.created_at, last_at = deal.created_at;
      size_t points = 1;
      touched.clear();
      for (const DealTouch& t : deal.touches) {
        if (t.at > won_at) continue;
        ++points;
        touched.push_back(t.campaign);
        if (t.at < first_at) {
          first_at = t.at;
          first_campaign = t.campaign;
        }
        if (t.at >= last_at) {
          last_at = t.at;
          last_campaign = t.campaign;
        }
      }
      const double share = static_cast<double>(deal.revenue) / static_cast<double>(points);
      by_code[first_campaign].first_cents += deal.revenue;
      by_code[last_campaign].last_cents += deal.revenue;
      by_code[deal.campaign].linear_cents += share;
      for (uint32_t c : touched) by_code[c].linear_cents += share;
      // Each campaign that touched the deal counts it once; the source
      // campaign always did.
      touched.push_back(deal.campaign);
      std::sort(touched.begin(), touched.end());
      for (size_t i = 0; i < touched.size(); ++i) {
        if (i == 0 || touched[i] != touched[i - 1]) ++by_code[touched[i]].deals;
      }
    }
    std::vector<Attribution> out;
    for (uint32_t c = 1; c < by_code.size(); ++c) {
      if (by_code[c].deals == 0) continue;
      by_code[c].campaign = p.campaigns().text(c);
      out.push_back(std::move(by_code[c]));
    }
    std::sort(out.begin(), out.end(), [](const Attribution& a, const Attribution& b) { return a.campaign < b.campaign; });
    return out;
  });
}

}  // namespace leadloop
