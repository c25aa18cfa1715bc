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
  lock.unlock();
  // From here on every commit is applied as it happens. A commit between
  // the scans and this line would be missed: load before serving.
  store_.set_commit_observer(this);
  observing_ = true;
  return Status();
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
  leads_.reached[row] = static_cast<uint8_t>(std::max(static_cast<int>(leads_.reached[row]), funnel_step(l.stage)));
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
    leads_.reached[row] = static_cast<uint8_t>(std::max(static_cast<int>(leads_.reached[row]), step));
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
  const uint32_t row = row_for(lead);
  for (const LeadEvent& e : events) apply_event(row, e);
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
  touches_.row.push_back(static_cast<uint32_t>(row_by_id_[lead_id]));
  touches_.campaign.push_back(code);
  touches_.at.push_back(at);
}

void LeadProjection::touch_committed(const Touch& touch) {
  std::unique_lock lock(mu_);
  add_touch(touch.lead_id, touch.campaign, touch.at, static_cast<int>(touch.data_points.size()),
            is_attended(touch.outcome));
}

void LeadProjection::lead_regraded(int64_t lead_id, Grade grade, int64_t definition_version) {
  std::unique_lock lock(mu_);
  if (lead_id < 0 || static_cast<size_t>(lead_id) >= row_by_id_.size() || row_by_id_[lead_id] < 0) return;
  const auto row = static_cast<size_t>(row_by_id_[lead_id]);
  leads_.grade[row] = static_cast<uint8_t>(grade);
  leads_.version[row] = static_cast<uint32_t>(definition_version);
}

size_t LeadProjection::memory_bytes() const {
  const size_t per_lead = sizeof(int64_t) * (3 + kFunnelStepCount + 5) + sizeof(uint32_t) * 7 + 3 + sizeof(uint16_t) +
                          1 + sizeof(uint32_t) * (kFunnelStepCount - 1) + sizeof(uint32_t) +
                          sizeof(std::vector<std::pair<uint32_t, uint32_t>>);
  const size_t per_exit = sizeof(uint32_t) * 2 + 1 + sizeof(int64_t);
  size_t dict = 0;
  size_t extras = 0;
  for (const auto& e : leads_.extras) extras += e.capacity() * sizeof(e[0]);
  for (const Dictionary* d : {&campaigns_, &regions_, &owners_, &exit_reasons_, &industries_, &countries_, &titles_, &callers_,
                              &extra_fields_, &extra_values_}) {
    dict += d->size() * 64;
  }
  const size_t per_touch = sizeof(uint32_t) * 2 + sizeof(int64_t);
  return leads_.id.capacity() * per_lead + exits_.row.capacity() * per_exit + touches_.row.capacity() * per_touch +
         row_by_id_.capacity() * 4 + dict + extras;
}

}  // namespace leadloop
