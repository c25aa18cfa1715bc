// Snapshots of the report projection (projection.h): every column, the
// dictionaries, the touch days and the won deals, written at a clean stop
// next to the database with the last event and touch the projection had
// applied, and read back at start when they match the database, so the
// server starts without reading every event again.
//
// The file: a header (magic, format version, the schema version, the
// applied marks, the definitions' marks, the body's length and checksum),
// then the body: each column as its length and its bytes. What follows
// from the columns (the kept counts and distributions, the won deals'
// copies of their columns, the index of won rows) is computed again.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "measure/projection.h"

namespace leadloop {

namespace {

constexpr char kMagic[8] = {'L', 'L', 'P', 'R', 'O', 'J', 'S', 'N'};
// Bumped whenever the columns or their layout change: another format is
// never read.
constexpr uint32_t kFormat = 1;

// A 64-bit checksum of a stream of bytes, the same whatever the pieces:
// four lanes over 32-byte blocks (multiply and rotate), then the tail.
class Checksum {
 public:
  void update(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    total_ += n;
    while (n > 0) {
      const size_t take = std::min(n, sizeof(block_) - pending_);
      std::memcpy(block_ + pending_, p, take);
      pending_ += take;
      p += take;
      n -= take;
      if (pending_ == sizeof(block_)) {
        mix_block(block_);
        pending_ = 0;
      }
      // Whole blocks straight from the input.
      while (pending_ == 0 && n >= sizeof(block_)) {
        mix_block(p);
        p += sizeof(block_);
        n -= sizeof(block_);
      }
    }
  }
  uint64_t value() const {
    uint64_t h = total_ * kPrime;
    for (uint64_t lane : lanes_) h = rotl(h ^ lane, 27) * kPrime;
    for (size_t i = 0; i < pending_; ++i) h = (h ^ block_[i]) * kPrime;
    return h ^ (h >> 29);
  }

 private:
  static constexpr uint64_t kPrime = 0x9E3779B185EBCA87ULL;
  static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
  void mix_block(const unsigned char* b) {
    for (int i = 0; i < 4; ++i) {
      uint64_t w = 0;
      std::memcpy(&w, b + 8 * i, 8);
      lanes_[i] = rotl(lanes_[i] + w * kPrime, 31) * 0xC2B2AE3D27D4EB4FULL;
    }
  }
  uint64_t lanes_[4] = {1, 2, 3, 4};
  unsigned char block_[32] = {};
  size_t pending_ = 0;
  uint64_t total_ = 0;
};

struct Header {
  char magic[8];
  uint32_t format;
  int32_t schema;
  int64_t applied_event_id, applied_touch_id, leads, last_lead_id;
  int64_t definition_version, definitions_updated_at;
  uint64_t body_bytes;
  uint64_t checksum;
};

class Writer {
 public:
  explicit Writer(FILE* f) : f_(f) {}
  void bytes(const void* data, size_t n) {
    if (n == 0 || !ok_) return;
    ok_ = std::fwrite(data, 1, n, f_) == n;
    sum_.update(data, n);
    written_ += n;
  }
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&v, sizeof v);
  }
  template <class T>
  void column(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    pod(static_cast<uint64_t>(v.size()));
    bytes(v.data(), v.size() * sizeof(T));
  }
  void text(const std::string& s) {
    pod(static_cast<uint64_t>(s.size()));
    bytes(s.data(), s.size());
  }
  bool ok() const { return ok_; }
  uint64_t written() const { return written_; }
  uint64_t checksum() const { return sum_.value(); }

 private:
  FILE* f_;
  bool ok_ = true;
  Checksum sum_;
  uint64_t written_ = 0;
};

// Reads what Writer wrote; a length past what the file can hold, or a
// short read, fails it (and everything after reads nothing).
class Reader {
 public:
  Reader(FILE* f, uint64_t left) : f_(f), left_(left) {}
  bool bytes(void* data, size_t n) {
    if (!ok_ || n > left_) return ok_ = false;
    if (n == 0) return true;
    ok_ = std::fread(data, 1, n, f_) == n;
    sum_.update(data, n);
    left_ -= n;
    return ok_;
  }
  template <class T>
  bool pod(T& v) {
    return bytes(&v, sizeof v);
  }
  template <class T>
  bool column(std::vector<T>& v) {
    uint64_t n = 0;
    if (!pod(n) || n > left_ / std::max<size_t>(sizeof(T), 1)) return ok_ = false;
    v.resize(n);
    return bytes(v.data(), n * sizeof(T));
  }
  bool text(std::string& s) {
    uint64_t n = 0;
    if (!pod(n) || n > left_) return ok_ = false;
    s.resize(n);
    return bytes(s.data(), n);
  }
  bool ok() const { return ok_; }
  uint64_t left() const { return left_; }
  uint64_t checksum() const { return sum_.value(); }

 private:
  FILE* f_;
  uint64_t left_;
  bool ok_ = true;
  Checksum sum_;
};

}  // namespace

// Every column of the body, in order, for writing (W = Writer) and reading
// (W = Reader) alike.
template <class W, class Leads, class Exits, class Touches>
bool snapshot_columns(W& w, Leads& l, Exits& x, Touches& t) {
  w.column(l.id), w.column(l.created_at), w.column(l.campaign), w.column(l.region), w.column(l.owner);
  w.column(l.grade), w.column(l.stage), w.column(l.version), w.column(l.industry), w.column(l.country);
  w.column(l.employees), w.column(l.title), w.column(l.caller), w.column(l.reached), w.column(l.revenue);
  for (auto& at : l.reached_at) w.column(at);
  w.column(l.timed_steps), w.column(l.step_took), w.column(l.stage_since), w.column(l.responded_at);
  w.column(l.breaches), w.column(l.amount), w.column(l.expected_close), w.column(l.opportunity_rows);
  w.column(x.row), w.column(x.from), w.column(x.reason), w.column(x.at);
  w.column(t.row), w.column(t.campaign), w.column(t.at);
  return w.ok();
}

std::array<const Dictionary*, 10> LeadProjection::dictionaries() const {
  return {&campaigns_, &regions_, &owners_, &exit_reasons_, &industries_, &countries_, &titles_, &callers_,
          &extra_fields_, &extra_values_};
}

Status LeadProjection::save_snapshot(const std::string& path) const {
  std::shared_lock lock(mu_);
  if (!loaded_) return Status(ErrorCode::kInternal, "the projection is not loaded");
  const std::string temp = path + ".tmp";
  FILE* f = std::fopen(temp.c_str(), "wb");
  if (!f) return Status(ErrorCode::kIoError, "snapshot " + temp + ": " + std::strerror(errno));
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormat;
  h.schema = store_.schema_version();
  h.applied_event_id = applied_event_id_;
  h.applied_touch_id = applied_touch_id_;
  h.leads = static_cast<int64_t>(leads_.id.size());
  h.last_lead_id = static_cast<int64_t>(row_by_id_.empty() ? 0 : row_by_id_.size() - 1);
  while (h.last_lead_id > 0 && row_by_id_[h.last_lead_id] < 0) --h.last_lead_id;
  h.definition_version = definition_version_;
  h.definitions_updated_at = definitions_updated_at_;
  bool ok = std::fwrite(&h, sizeof h, 1, f) == 1;
  Writer w(f);
  w.column(row_by_id_);
  snapshot_columns(w, leads_, exits_, touches_);
  // The lead's free attributes and answers: per row its count, then the pairs.
  std::vector<uint32_t> extra_counts(leads_.extras.size()), extra_fields, extra_values;
  for (size_t row = 0; row < leads_.extras.size(); ++row) {
    extra_counts[row] = static_cast<uint32_t>(leads_.extras[row].size());
    for (const auto& [field, value] : leads_.extras[row]) {
      extra_fields.push_back(field);
      extra_values.push_back(value);
    }
  }
  w.column(extra_counts);
  w.column(extra_fields);
  w.column(extra_values);
  w.pod(static_cast<uint64_t>(touch_days_.size()));
  for (const TouchDays& d : touch_days_) {
    w.pod(d.first_);
    w.column(d.days_);
    w.pod(static_cast<uint64_t>(d.far_.size()));
    for (const auto& [day, counts] : d.far_) w.pod(day), w.pod(counts);
  }
  for (const Dictionary* d : dictionaries()) {
    w.pod(static_cast<uint64_t>(d->size()));
    for (uint32_t c = 0; c < d->size(); ++c) w.text(d->text(c));
  }
  w.pod(static_cast<uint64_t>(won_.size()));
  for (const WonDeal& deal : won_) {
    w.pod(deal.row);
    w.column(deal.touches);
  }
  ok = ok && w.ok();
  h.body_bytes = w.written();
  h.checksum = w.checksum();
  ok = ok && std::fseek(f, 0, SEEK_SET) == 0 && std::fwrite(&h, sizeof h, 1, f) == 1 && std::fflush(f) == 0 &&
       ::fsync(fileno(f)) == 0;
  const int saved_errno = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::filesystem::remove(temp);
    return Status(ErrorCode::kIoError, "snapshot " + temp + ": " + std::strerror(saved_errno));
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) return Status(ErrorCode::kIoError, "snapshot " + path + ": " + ec.message());
  return Status();
}

void LeadProjection::reset() {
  leads_ = {};
  exits_ = {};
  touches_ = {};
  touch_days_ = {};
  kept_ = {};
  counters_ = {};
  row_by_id_ = {};
  won_ = {};
  won_index_ = {};
  for (const Dictionary* d : dictionaries()) *const_cast<Dictionary*>(d) = Dictionary();
  loaded_ = false;
  applied_event_id_ = applied_touch_id_ = 0;
}

Status LeadProjection::read_snapshot(const std::string& path, const LogMarks& now, std::string* why) {
  auto fail = [&](std::string reason) {
    *why = std::move(reason);
    return Status(ErrorCode::kInvalidValue, *why);
  };
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return fail("no snapshot at " + path);
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return fail("snapshot " + path + ": " + std::strerror(errno));
  Header h{};
  if (size < sizeof h || std::fread(&h, sizeof h, 1, f.get()) != 1) return fail("the snapshot is truncated");
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return fail("not a snapshot of the projection");
  if (h.format != kFormat) {
    return fail("a snapshot of format " + std::to_string(h.format) + ", this binary reads " + std::to_string(kFormat));
  }
  if (h.schema != store_.schema_version()) {
    return fail("a snapshot of schema " + std::to_string(h.schema) + ", the database is at " +
                std::to_string(store_.schema_version()));
  }
  if (h.body_bytes != size - sizeof h) return fail("the snapshot is truncated or has bytes after its end");
  if (now.last_event_id < h.applied_event_id || now.last_touch_id < h.applied_touch_id ||
      now.leads < h.leads || now.last_lead_id < h.last_lead_id) {
    return fail("the database is behind the snapshot (another database, or one restored from a backup)");
  }
  if (h.definition_version < 0 || h.definition_version != now.last_definition_version ||
      h.definitions_updated_at != now.definitions_updated_at) {
    return fail("the definitions changed since the snapshot (a re-grading changes leads without events)");
  }
  Reader r(f.get(), h.body_bytes);
  r.column(row_by_id_);
  snapshot_columns(r, leads_, exits_, touches_);
  std::vector<uint32_t> extra_counts, extra_fields, extra_values;
  r.column(extra_counts);
  r.column(extra_fields);
  r.column(extra_values);
  uint64_t n = 0;
  if (r.pod(n) && n <= r.left()) {
    touch_days_.resize(n);
    for (TouchDays& d : touch_days_) {
      uint64_t far = 0;
      if (!r.pod(d.first_) || !r.column(d.days_) || !r.pod(far) || far > r.left()) break;
      for (uint64_t i = 0; i < far; ++i) {
        Days day = 0;
        TouchDay counts;
        if (!r.pod(day) || !r.pod(counts)) break;
        d.far_[day] = counts;
      }
    }
  }
  for (const Dictionary* known : dictionaries()) {
    auto* d = const_cast<Dictionary*>(known);
    if (!r.pod(n) || n > r.left()) break;
    std::string text;
    for (uint64_t i = 0; i < n && r.text(text); ++i) {
      if (d->code(text) != i) {
        *why = "the snapshot's dictionaries repeat a text";
        return Status(ErrorCode::kInvalidValue, *why);
      }
    }
  }
  if (r.pod(n) && n <= r.left()) {
    won_.resize(n);
    for (WonDeal& deal : won_) {
      if (!r.pod(deal.row) || !r.column(deal.touches)) break;
    }
  }
  if (!r.ok() || r.left() != 0) return fail("the snapshot is truncated or unreadable");
  if (r.checksum() != h.checksum) return fail("the snapshot's checksum does not match (a corrupt file)");
  // The columns agree in length, and the rows they name exist.
  const size_t rows = leads_.id.size();
  bool whole = static_cast<int64_t>(rows) == h.leads && extra_counts.size() == rows;
  for (size_t size : {leads_.created_at.size(), leads_.campaign.size(), leads_.region.size(), leads_.owner.size(),
                      leads_.grade.size(), leads_.stage.size(), leads_.version.size(), leads_.industry.size(),
                      leads_.country.size(), leads_.employees.size(), leads_.title.size(), leads_.caller.size(),
                      leads_.reached.size(), leads_.revenue.size(), leads_.timed_steps.size(),
                      leads_.step_took.size(), leads_.stage_since.size(), leads_.responded_at.size(),
                      leads_.breaches.size(), leads_.amount.size(), leads_.expected_close.size()}) {
    whole = whole && size == rows;
  }
  for (const auto& at : leads_.reached_at) whole = whole && at.size() == rows;
  whole = whole && exits_.from.size() == exits_.row.size() && exits_.reason.size() == exits_.row.size() &&
          exits_.at.size() == exits_.row.size() && touches_.campaign.size() == touches_.row.size() &&
          touches_.at.size() == touches_.row.size();
  for (const WonDeal& deal : won_) whole = whole && deal.row < rows;
  if (!whole) return fail("the snapshot's columns disagree in length");
  leads_.extras.resize(rows);
  size_t at = 0;
  if (extra_values.size() != extra_fields.size()) return fail("the snapshot's attributes disagree in length");
  for (size_t row = 0; row < rows; ++row) {
    if (extra_fields.size() - at < extra_counts[row]) return fail("the snapshot's attributes disagree in length");
    for (uint32_t i = 0; i < extra_counts[row]; ++i, ++at) leads_.extras[row].emplace_back(extra_fields[at], extra_values[at]);
  }
  for (uint32_t i = 0; i < won_.size(); ++i) won_index_.emplace(won_[i].row, i);
  for (WonDeal& deal : won_) refresh_deal(deal);
  applied_event_id_ = h.applied_event_id;
  applied_touch_id_ = h.applied_touch_id;
  definition_version_ = h.definition_version;
  definitions_updated_at_ = h.definitions_updated_at;
  return Status();
}

// The events and touches committed after the snapshot, applied as the
// commit observer would have: each lead changed since, as it is now, with
// its new events; then the new touches.
Status LeadProjection::apply_log_after_snapshot() {
  std::vector<int64_t> order;  // leads in the order of their first new event
  std::unordered_map<int64_t, std::vector<LeadEvent>> events;
  LEADLOOP_RETURN_IF_ERROR(store_.scan_events_after(applied_event_id_, [&](const LeadEvent& e) {
    auto [it, fresh] = events.try_emplace(e.lead_id);
    if (fresh) order.push_back(e.lead_id);
    it->second.push_back(e);
  }));
  for (int64_t id : order) {
    auto lead = store_.get_lead(id);
    if (!lead.ok()) return lead.status();
    apply_lead(*lead, events[id]);
  }
  for (const auto& [id, list] : events) {
    for (const LeadEvent& e : list) applied_event_id_ = std::max(applied_event_id_, e.id);
  }
  LEADLOOP_RETURN_IF_ERROR(store_.scan_touches_after(
      applied_touch_id_,
      [&](int64_t lead_id, std::string_view campaign, TimePoint at, int data_points, std::string_view outcome) {
        add_touch(lead_id, campaign, at, data_points, is_attended(outcome));
      }));
  return Status();
}

Status LeadProjection::load(const std::string& snapshot, std::string* how) {
  {
    std::unique_lock lock(mu_);
    const auto t0 = std::chrono::steady_clock::now();
    auto now = store_.log_marks();
    if (!now.ok()) return now.status();
    std::string why;
    Status st = read_snapshot(snapshot, *now, &why);
    if (st.ok()) {
      const int64_t events_before = applied_event_id_;
      finish_load();
      st = apply_log_after_snapshot();
      if (!st.ok()) why = "the log after the snapshot: " + st.to_string();
      // Afterwards the projection holds every lead of the database, to
      // the last event and touch.
      int64_t last_id = 0;
      for (int64_t id : leads_.id) last_id = std::max(last_id, id);
      if (st.ok() && (static_cast<int64_t>(leads_.id.size()) != now->leads || last_id != now->last_lead_id ||
                      applied_event_id_ < now->last_event_id)) {
        why = "after the log the leads differ from the database's (" + std::to_string(leads_.id.size()) + " of " +
              std::to_string(now->leads) + ")";
        st = Status(ErrorCode::kInvalidValue, why);
      }
      if (st.ok()) {
        applied_touch_id_ = std::max(applied_touch_id_, now->last_touch_id);
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        *how = "from the snapshot " + snapshot + " in " + std::to_string(ms) + " ms, then " +
               std::to_string(applied_event_id_ - events_before) + " events committed after it";
        lock.unlock();
        store_.set_commit_observer(this);
        observing_ = true;
        return Status();
      }
    }
    reset();
    *how = "in full (" + why + ")";
  }
  return load();
}

}  // namespace leadloop
