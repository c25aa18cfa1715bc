#include "measure/projection.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <thread>

namespace leadloop {

namespace {

// The string value of a top-level key in a payload written by dump_json
// ({"from":"captured","to":"qualified",...}); "" when absent. A quote
// inside a string value is always escaped, so `"key":"` cannot be matched
// inside another value. Stage names and exit reasons hold no escapes.
std::string_view string_field(std::string_view json, std::string_view key) {
  std::string pattern;
  pattern.reserve(key.size() + 4);
  pattern += '"';
  pattern += key;
  pattern += "\":\"";
  size_t at = json.find(pattern);
  if (at == std::string_view::npos) return {};
  size_t start = at + pattern.size();
  size_t end = json.find('"', start);
  if (end == std::string_view::npos) return {};
  return json.substr(start, end - start);
}

// The integer value of a top-level key ({"revenue_cents":480000,...}); 0
// when absent.
int64_t integer_field(std::string_view json, std::string_view key) {
  std::string pattern = "\"" + std::string(key) + "\":";
  size_t at = json.find(pattern);
  if (at == std::string_view::npos) return 0;
  int64_t v = 0;
  bool negative = false;
  size_t i = at + pattern.size();
  if (i < json.size() && json[i] == '-') {
    negative = true;
    ++i;
  }
  for (; i < json.size() && json[i] >= '0' && json[i] <= '9'; ++i) v = v * 10 + (json[i] - '0');
  return negative ? -v : v;
}

}  // namespace

bool is_attended(std::string_view outcome) {
  constexpr std::string_view kAttended = "attended";
  if (outcome.size() != kAttended.size()) return false;
  for (size_t i = 0; i < outcome.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(outcome[i])) != kAttended[i]) return false;
  }
  return true;
}

TouchDay& TouchDays::at(Days day) {
  if (days_.empty() && far_.empty()) {
    first_ = day;
    days_.resize(1);
    return days_[0];
  }
  if (days_.empty()) return far_[day];
  const Days last = first_ + static_cast<Days>(days_.size()) - 1;
  if (day >= first_ && day <= last) return days_[static_cast<size_t>(day - first_)];
  if (std::max(day, last) - std::min(day, first_) >= kMaxSpan) return far_[day];
  if (day > last) {
    days_.resize(static_cast<size_t>(day - first_) + 1);
  } else {
    days_.insert(days_.begin(), static_cast<size_t>(first_ - day), TouchDay{});
    first_ = day;
  }
  return days_[static_cast<size_t>(day - first_)];
}

uint32_t Dictionary::code(std::string_view text) {
  auto it = codes_.find(text);
  if (it != codes_.end()) return it->second;
  const auto c = static_cast<uint32_t>(texts_.size());
  texts_.emplace_back(text);
  codes_.emplace(std::string(text), c);
  return c;
}

int64_t Dictionary::find(std::string_view text) const {
  auto it = codes_.find(text);
  return it == codes_.end() ? -1 : static_cast<int64_t>(it->second);
}

LeadProjection::~LeadProjection() {
  if (observing_) store_.set_commit_observer(nullptr);
}

Status LeadProjection::load() {
  std::unique_lock lock(mu_);
  // The marks first: the scans below read at least this much (nothing
  // else writes while the server loads: it holds the database's lock).
  auto marks = store_.log_marks();
  if (!marks.ok()) return marks.status();
  applied_event_id_ = marks->last_event_id;
  applied_touch_id_ = marks->last_touch_id;
  definition_version_ = marks->last_definition_version;
  definitions_updated_at_ = marks->definitions_updated_at;
  LeadFilter all;
  all.limit = 0;
  LEADLOOP_RETURN_IF_ERROR(store_.scan_leads(all, [&](const Lead& l) {
    row_for(l);
    return true;
  }));
  // The touches on a second reader, while this thread reads the events:
  // they write apart (touch columns and the campaign dictionary; lead and
  // exit columns and the reason dictionary), and both only read row_by_id_.
  Status touches;
  std::thread touch_reader([&] {
    touches = store_.scan_touches(
        [&](int64_t lead_id, std::string_view campaign, TimePoint at, int data_points, std::string_view outcome) {
          add_touch(lead_id, campaign, at, data_points, is_attended(outcome));
        });
  });
  Status events;
  for (std::string_view type : {event_type::kStageChanged, event_type::kSlaBreached}) {
    events = store_.scan_events(type, [&](const LeadEvent& e) {
      if (e.lead_id >= 0 && static_cast<size_t>(e.lead_id) < row_by_id_.size() && row_by_id_[e.lead_id] >= 0) {
        apply_event(static_cast<uint32_t>(row_by_id_[e.lead_id]), e);
      }
    });
    if (!events.ok()) break;
  }
  touch_reader.join();
  LEADLOOP_RETURN_IF_ERROR(events);
  LEADLOOP_RETURN_IF_ERROR(touches);
  index_all_won_touches();
  finish_load();
  lock.unlock();
  // From here on every commit is applied as it happens. A commit between
  // the scans and this line would be missed: load before serving.
  store_.set_commit_observer(this);
  observing_ = true;
  return Status();
}

void LeadProjection::finish_load() {
  for (auto& counts : kept_.step_took) counts.assign(kBuckets, 0);
  for (uint32_t row = 0; row < leads_.id.size(); ++row) count_row(row, 1);
  fit_columns();
  loaded_ = true;
}

uint32_t LeadProjection::row_for(const Lead& l) {
  if (static_cast<size_t>(l.id) >= row_by_id_.size()) {
    row_by_id_.resize(std::max<size_t>(static_cast<size_t>(l.id) + 1, row_by_id_.size() * 2), -1);
  }
  int32_t& slot = row_by_id_[l.id];
  if (slot < 0) {
    slot = static_cast<int32_t>(leads_.id.size());
    leads_.id.push_back(l.id);
    leads_.created_at.push_back(l.created_at);
    leads_.campaign.push_back(0);
    leads_.region.push_back(0);
    leads_.owner.push_back(0);
    leads_.grade.push_back(0);
    leads_.stage.push_back(0);
    leads_.version.push_back(0);
    leads_.industry.push_back(0);
    leads_.country.push_back(0);
    leads_.employees.push_back(INT64_MIN);
    leads_.title.push_back(0);
    leads_.caller.push_back(0);
    leads_.extras.emplace_back();
    leads_.reached.push_back(0);
    leads_.revenue.push_back(0);
    for (auto& at : leads_.reached_at) at.push_back(0);
    leads_.reached_at[0].back() = l.created_at;
    leads_.timed_steps.push_back(0);
    leads_.step_took.push_back({});
    leads_.stage_since.push_back(l.created_at);
    leads_.responded_at.push_back(0);
    leads_.breaches.push_back(0);
    leads_.amount.push_back(0);
    leads_.expected_close.push_back(0);
  }
  const auto row = static_cast<uint32_t>(slot);
  leads_.campaign[row] = campaigns_.code(l.source_campaign);
  leads_.region[row] = regions_.code(l.region);
  leads_.owner[row] = owners_.code(l.owner);
  leads_.grade[row] = static_cast<uint8_t>(l.grade);
  leads_.stage[row] = static_cast<uint8_t>(l.stage);
  leads_.version[row] = static_cast<uint32_t>(l.definition_version);
  leads_.industry[row] = industries_.code(l.industry);
  leads_.country[row] = countries_.code(l.country);
  leads_.employees[row] = l.employees.value_or(INT64_MIN);
  leads_.title[row] = titles_.code(l.title);
  leads_.caller[row] = l.caller.empty() ? 0 : callers_.code(l.source_campaign + '\x1f' + l.caller);
  auto& extras = leads_.extras[row];
  extras.clear();
  std::string field;
  for (const auto& [prefix, values] : {std::pair<std::string_view, const Attributes*>{"attributes.", &l.attributes},
                                       std::pair<std::string_view, const Attributes*>{"data.", &l.data_points}}) {
    for (const auto& [name, value] : *values) {
      if (value.empty()) continue;  // missing, as in the definition's language
      field.assign(prefix);
      field += name;
      extras.emplace_back(extra_fields_.code(field), extra_values_.code(value));
    }
  }
  std::sort(extras.begin(), extras.end());
  if (extras.empty()) extras.shrink_to_fit();
  reach(row, funnel_step(l.stage));
  leads_.responded_at[row] = l.first_response_at.value_or(0);
  return row;
}

void LeadProjection::apply_event(uint32_t row, const LeadEvent& e) {
  if (e.type == event_type::kSlaBreached) {
    if (leads_.breaches[row] < UINT16_MAX) ++leads_.breaches[row];
    return;
  }
  if (e.type != event_type::kStageChanged) return;
  leads_.stage_since[row] = std::max(leads_.stage_since[row], e.at);
  auto to = parse_stage(string_field(e.payload, "to"));
  if (to) {
    const int step = funnel_step(*to);
    reach(row, step);
    for (int s = 1; s <= step; ++s) {
      int64_t& at = leads_.reached_at[s][row];
      if (at == 0 || e.at < at) at = e.at;
    }
    if (step > 0) time_steps(row);
    if (*to == Stage::kWon) leads_.revenue[row] = integer_field(e.payload, "revenue_cents");
    if (*to == Stage::kOpportunity) {
      leads_.amount[row] = integer_field(e.payload, "amount_cents");
      auto close = parse_time(string_field(e.payload, "expected_close"));
      leads_.expected_close[row] = close.ok() ? *close : 0;
    }
  }
  std::string_view exit = string_field(e.payload, "exit");
  if (exit.empty()) return;
  auto from = parse_stage(string_field(e.payload, "from"));
  exits_.row.push_back(row);
  exits_.from.push_back(static_cast<uint8_t>(from.value_or(Stage::kCaptured)));
  exits_.reason.push_back(exit_reasons_.code(exit));
  exits_.at.push_back(e.at);
}

void LeadProjection::reach(uint32_t row, int step) {
  const int before = leads_.reached[row];
  if (step <= before) return;
  leads_.reached[row] = static_cast<uint8_t>(step);
  constexpr int kOpportunity = kFunnelStepOf[static_cast<size_t>(Stage::kOpportunity)];
  constexpr int kWon = kFunnelStepOf[static_cast<size_t>(Stage::kWon)];
  if (before < kOpportunity && step >= kOpportunity) leads_.opportunity_rows.push_back(row);
  if (before < kWon && step >= kWon) {
    won_index_.emplace(row, static_cast<uint32_t>(won_.size()));
    WonDeal deal;
    deal.row = row;
    won_.push_back(std::move(deal));
    // At load the touches come on another thread: indexed once at the end.
    if (loaded_) index_won_touches(won_.back());
  }
}

namespace {

// A column grown by doubling holds up to twice its rows: after the load it
// keeps its rows and a sixteenth more for what comes next (a copy, then
// the old one freed). Growth after that doubles again, as vectors do.
template <class T>
void fit(std::vector<T>& column) {
  std::vector<T> fitted;
  fitted.reserve(column.size() + column.size() / 16 + 64);
  fitted.insert(fitted.end(), std::make_move_iterator(column.begin()), std::make_move_iterator(column.end()));
  column.swap(fitted);
}

}  // namespace

void LeadProjection::fit_columns() {
  LeadColumns& l = leads_;
  fit(l.id), fit(l.created_at), fit(l.campaign), fit(l.region), fit(l.owner), fit(l.grade), fit(l.stage);
  fit(l.version), fit(l.industry), fit(l.country), fit(l.employees), fit(l.title), fit(l.caller), fit(l.extras);
  fit(l.reached), fit(l.revenue), fit(l.timed_steps), fit(l.step_took), fit(l.stage_since), fit(l.responded_at);
  fit(l.breaches), fit(l.amount), fit(l.expected_close), fit(l.opportunity_rows);
  for (auto& at : l.reached_at) fit(at);
  fit(exits_.row), fit(exits_.from), fit(exits_.reason), fit(exits_.at);
  fit(touches_.row), fit(touches_.campaign), fit(touches_.at);
  fit(won_);
  for (WonDeal& deal : won_) deal.touches.shrink_to_fit();
}

// A lead won after the load: its touches so far, from one pass over the
// touch columns (a win is rare next to touches and captures).
void LeadProjection::index_won_touches(WonDeal& deal) {
  deal.touches.clear();
  for (size_t i = 0; i < touches_.row.size(); ++i) {
    if (touches_.row[i] == deal.row) deal.touches.push_back({touches_.at[i], touches_.campaign[i]});
  }
  refresh_deal(deal);
}

void LeadProjection::index_all_won_touches() {
  for (WonDeal& deal : won_) deal.touches.clear();
  for (size_t i = 0; i < touches_.row.size(); ++i) {
    auto it = won_index_.find(touches_.row[i]);
    if (it != won_index_.end()) won_[it->second].touches.push_back({touches_.at[i], touches_.campaign[i]});
  }
  for (WonDeal& deal : won_) refresh_deal(deal);
}

void LeadProjection::refresh_deal(WonDeal& deal) {
  constexpr int kWon = kFunnelStepOf[static_cast<size_t>(Stage::kWon)];
  deal.campaign = leads_.campaign[deal.row];
  deal.created_at = leads_.created_at[deal.row];
  deal.won_at = leads_.reached_at[kWon][deal.row];
  deal.revenue = leads_.revenue[deal.row];
}

void LeadProjection::time_steps(uint32_t row) {
  uint8_t timed = 0;
  int64_t before = leads_.reached_at[0][row];
  for (int s = 1; s < kFunnelStepCount; ++s) {
    const int64_t at = leads_.reached_at[s][row];
    if (at == 0) break;
    const int64_t took = std::max<int64_t>(0, at - before);
    leads_.step_took[row][s - 1] = took >= kStepTookLong ? kStepTookLong : static_cast<uint32_t>(took);
    timed = static_cast<uint8_t>(s);
    before = at;
  }
  leads_.timed_steps[row] = timed;
}

void LeadProjection::lead_committed(const Lead& lead, const std::vector<LeadEvent>& events) {
  std::unique_lock lock(mu_);
  apply_lead(lead, events);
}

void LeadProjection::apply_lead(const Lead& lead, const std::vector<LeadEvent>& events) {
  const bool known = lead.id >= 0 && static_cast<size_t>(lead.id) < row_by_id_.size() && row_by_id_[lead.id] >= 0;
  if (loaded_ && known) count_row(static_cast<uint32_t>(row_by_id_[lead.id]), -1);
  const uint32_t row = row_for(lead);
  for (const LeadEvent& e : events) {
    apply_event(row, e);
    applied_event_id_ = std::max(applied_event_id_, e.id);
  }
  if (!loaded_) return;
  count_row(row, 1);
  auto won = won_index_.find(row);
  if (won != won_index_.end()) refresh_deal(won_[won->second]);
}

void LeadProjection::count_row(uint32_t row, int sign) {
  const auto add = [sign](std::vector<uint32_t>& counts, int64_t value) {
    counts[log_bucket(value)] += static_cast<uint32_t>(sign);
  };
  int64_t before = leads_.reached_at[0][row];
  for (int s = 0; s < leads_.timed_steps[row]; ++s) {
    const uint32_t took = leads_.step_took[row][s];
    const int64_t at = leads_.reached_at[s + 1][row];
    add(kept_.step_took[s], took != kStepTookLong ? took : std::max<int64_t>(0, at - before));
    before = at;
  }
  constexpr int kAssigned = kFunnelStepOf[static_cast<size_t>(Stage::kAssigned)];
  const uint8_t reached = leads_.reached[row];
  for (auto [by_code, code] : {std::pair{&counters_.by_owner, leads_.owner[row]},
                               std::pair{&counters_.by_region, leads_.region[row]}}) {
    if (code >= by_code->size()) by_code->resize(code + 1);
    KeptCounts& c = (*by_code)[code];
    c.furthest[reached] += sign;
    if (reached < kAssigned) continue;
    c.assigned += sign;
    c.responded += leads_.responded_at[row] != 0 ? sign : 0;
    c.breached += leads_.breaches[row] > 0 ? sign : 0;
  }
  if (reached < kAssigned || leads_.responded_at[row] == 0) return;
  const int64_t took = std::max<int64_t>(0, leads_.responded_at[row] - leads_.created_at[row]);
  for (auto [by_code, code] : {std::pair{&kept_.response_by_owner, leads_.owner[row]},
                               std::pair{&kept_.response_by_region, leads_.region[row]}}) {
    if (code >= by_code->size()) by_code->resize(code + 1);
    std::vector<uint32_t>& counts = (*by_code)[code];
    if (counts.empty()) counts.assign(kBuckets, 0);
    add(counts, took);
  }
}

void LeadProjection::add_touch(int64_t lead_id, std::string_view campaign, TimePoint at, int data_points,
                               bool attended) {
  if (campaign.empty()) return;
  const uint32_t code = campaigns_.code(campaign);
  if (code >= touch_days_.size()) touch_days_.resize(code + 1);
  TouchDay& d = touch_days_[code].at(day_of(at));
  ++d.touches;
  d.data_points += data_points;
  d.attended += attended;
  if (lead_id <= 0 || static_cast<size_t>(lead_id) >= row_by_id_.size() || row_by_id_[lead_id] < 0) {
    d.without_lead += lead_id <= 0;
    return;
  }
  const auto row = static_cast<uint32_t>(row_by_id_[lead_id]);
  touches_.row.push_back(row);
  touches_.campaign.push_back(code);
  touches_.at.push_back(at);
  if (loaded_) {
    auto won = won_index_.find(row);
    if (won != won_index_.end()) won_[won->second].touches.push_back({at, code});
  }
}

void LeadProjection::touch_committed(const Touch& touch) {
  std::unique_lock lock(mu_);
  add_touch(touch.lead_id, touch.campaign, touch.at, static_cast<int>(touch.data_points.size()),
            is_attended(touch.outcome));
  applied_touch_id_ = std::max(applied_touch_id_, touch.id);
}

void LeadProjection::lead_regraded(int64_t lead_id, Grade grade, int64_t definition_version) {
  std::unique_lock lock(mu_);
  definition_version_ = definitions_updated_at_ = -1;  // a snapshot from now on cannot follow the log
  if (lead_id < 0 || static_cast<size_t>(lead_id) >= row_by_id_.size() || row_by_id_[lead_id] < 0) return;
  const auto row = static_cast<size_t>(row_by_id_[lead_id]);
  leads_.grade[row] = static_cast<uint8_t>(grade);
  leads_.version[row] = static_cast<uint32_t>(definition_version);
}

size_t LeadProjection::memory_bytes() const {
  // By the columns' capacity: what they hold, and the room they keep.
  auto bytes = [](const auto& column) { return column.capacity() * sizeof(column[0]); };
  const LeadColumns& l = leads_;
  size_t total = bytes(l.id) + bytes(l.created_at) + bytes(l.campaign) + bytes(l.region) + bytes(l.owner) +
                 bytes(l.grade) + bytes(l.stage) + bytes(l.version) + bytes(l.industry) + bytes(l.country) +
                 bytes(l.employees) + bytes(l.title) + bytes(l.caller) + bytes(l.extras) + bytes(l.reached) +
                 bytes(l.revenue) + bytes(l.timed_steps) + bytes(l.step_took) + bytes(l.stage_since) +
                 bytes(l.responded_at) + bytes(l.breaches) + bytes(l.amount) + bytes(l.expected_close) +
                 bytes(l.opportunity_rows);
  for (const auto& at : l.reached_at) total += bytes(at);
  for (const auto& e : l.extras) total += bytes(e);
  total += bytes(won_);
  for (const WonDeal& deal : won_) total += bytes(deal.touches);
  total += bytes(counters_.by_owner) + bytes(counters_.by_region);
  total += bytes(exits_.row) + bytes(exits_.from) + bytes(exits_.reason) + bytes(exits_.at);
  total += bytes(touches_.row) + bytes(touches_.campaign) + bytes(touches_.at);
  total += bytes(row_by_id_);
  // A hash node per won row (key, value, next pointer, hash) and its bucket.
  total += won_index_.size() * 32 + won_index_.bucket_count() * sizeof(void*);
  for (const auto& counts : kept_.step_took) total += bytes(counts);
  for (const auto* by_code : {&kept_.response_by_owner, &kept_.response_by_region}) {
    for (const auto& counts : *by_code) total += bytes(counts);
  }
  for (const auto& days : touch_days_) total += days.memory_bytes();
  for (const Dictionary* d : {&campaigns_, &regions_, &owners_, &exit_reasons_, &industries_, &countries_, &titles_,
                              &callers_, &extra_fields_, &extra_values_}) {
    total += d->size() * 64;
  }
  return total;
}

}  // namespace leadloop
