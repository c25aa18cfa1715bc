#include "engine/privacy.h"

#include <algorithm>

#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr int kRetentionBatch = 200;

// Payload keys whose values are codes, names of our own people, numbers and
// times, never a prospect's data: what reports read from events (stage
// moves and exits, owners, grades, amounts, timers, where a lead came from).
constexpr std::string_view kKeptKeys[] = {
    "from",     "to",          "reason",       "exit",         "owner",         "previous_owner", "team",
    "manager",  "rule",        "grade",        "score",        "definition_version", "version",   "via",
    "campaign", "matched_on",  "amount_cents", "revenue_cents", "expected_close", "on_behalf_of", "feedback_link",
    "was_lead", "due_at",      "reassign_at",  "days",         "stage",         "programme",      "queued",
    "kind",     "lead",        "channel",      "direction",    "outcome",       "at",             "last_touch_at"};

bool kept_key(std::string_view key) {
  return std::find(std::begin(kKeptKeys), std::end(kKeptKeys), key) != std::end(kKeptKeys);
}

bool mentions(std::string_view text, const std::vector<std::string>& needles) {
  const std::string lower = to_lower_ascii(text);
  return std::any_of(needles.begin(), needles.end(),
                     [&](const std::string& n) { return !n.empty() && lower.find(n) != std::string::npos; });
}

// Every occurrence of a needle replaced by "[erased]" (needles are lower
// case; lower-casing ASCII keeps positions).
std::string blank_out(std::string text, const std::vector<std::string>& needles) {
  for (const std::string& n : needles) {
    if (n.empty()) continue;
    std::string lower = to_lower_ascii(text);
    for (size_t at = lower.find(n); at != std::string::npos; at = lower.find(n)) {
      text.replace(at, n.size(), "[erased]");
      lower.replace(at, n.size(), "[erased]");
    }
  }
  return text;
}

// The value every erased answer takes: the question stays (touches and
// data points are counted), the person's answer goes.
constexpr std::string_view kErasedValue = "[erased]";

// Data points keep their questions, never their answers; a question that
// names the person goes whole.
void erase_answers(Attributes& data_points, const std::vector<std::string>& needles) {
  std::erase_if(data_points, [&](const auto& kv) { return mentions(kv.first, needles); });
  for (auto& [question, answer] : data_points) answer = kErasedValue;
}

// The person's identifying values, lower case: `wide` also holds the
// first and last name alone and every value of their attributes and data
// points, which only the person's own rows are checked for (alone, a first
// name or a short answer would match other people's rows); `narrow` holds
// those of the attribute values long enough to name them alone.
constexpr size_t kMinValueNeedle = 3;   // "yes", "no" are nobody's
constexpr size_t kMinNarrowNeedle = 8;  // "12 Rue X", "@janedoe" name one person

struct Needles {
  std::vector<std::string> narrow;
  std::vector<std::string> wide;
};

void add(std::vector<std::string>& to, std::string_view v) {
  std::string s = to_lower_ascii(trim(v));
  if (!s.empty() && std::find(to.begin(), to.end(), s) == to.end()) to.push_back(std::move(s));
}

// The email or phone a request names, as typed.
void add_query(std::string_view q, Needles& n) {
  add(n.narrow, q);
  add(n.wide, q);
}

void add_needles(const Lead& l, Needles& n) {
  for (std::string_view v : {std::string_view(l.email), std::string_view(l.email_key), std::string_view(l.phone),
                             std::string_view(l.phone_key)}) {
    add(n.narrow, v);
    add(n.wide, v);
  }
  if (!l.first_name.empty() && !l.last_name.empty()) {
    add(n.narrow, l.first_name + " " + l.last_name);
    add(n.wide, l.first_name + " " + l.last_name);
  }
  add(n.wide, l.first_name);
  add(n.wide, l.last_name);
  // The id in another system leads to the person there: gone from the
  // lead's own history too.
  if (trim(l.external_id).size() >= kMinValueNeedle) add(n.wide, l.external_id);
  for (const Attributes* map : {&l.attributes, &l.data_points}) {
    for (const auto& [key, value] : *map) {
      if (value == kErasedValue || trim(value).size() < kMinValueNeedle) continue;
      add(n.wide, value);
      if (trim(value).size() >= kMinNarrowNeedle) add(n.narrow, value);
    }
  }
}

// The grading without the inputs it quoted (`email = "..."`).
std::string redact_grading(const std::string& grading) {
  if (grading.empty()) return grading;
  Json j = Json::parse(grading, nullptr, false);
  if (!j.is_object()) return "";
  j.erase("summary");
  for (const char* list : {"reasons", "score_reasons"}) {
    if (!j.contains(list) || !j[list].is_array()) continue;
    for (Json& r : j[list]) {
      if (r.is_object()) r.erase("inputs");
    }
  }
  return dump_json(j);
}

std::string redact_with(const std::string& payload, const std::vector<std::string>& needles) {
  Json in = Json::parse(payload, nullptr, false);
  Json out = Json::object();
  if (in.is_object()) {
    for (auto& [key, value] : in.items()) {
      if (!kept_key(key) || value.is_structured()) continue;
      if (value.is_string() && mentions(value.get<std::string>(), needles)) continue;
      out[key] = value;
    }
  }
  out["redacted"] = true;
  return dump_json(out);
}

}  // namespace

std::string erasure_tombstone(int64_t id) { return "erased:" + std::to_string(id); }

std::string redact_payload(const std::string& payload) { return redact_with(payload, {}); }

Result<std::vector<Lead>> Privacy::find(const std::string& email_or_phone) {
  const std::string_view q = trim(email_or_phone);
  if (q.find('@') != std::string_view::npos) {
    if (!is_valid_email(q)) return Status(ErrorCode::kInvalidValue, "'" + std::string(q) + "' is not an email address", "email");
    return store_.find_leads_by_key(email_key(q), "");
  }
  std::string key = phone_key(q, "");
  if (phone_digit_count(q) < 5) {
    return Status(ErrorCode::kInvalidValue, "give the person's email, or a phone number in international form (+49 30 ...)",
                  "phone");
  }
  return store_.find_leads_by_key("", key);
}

Result<Json> Privacy::subject_access(const std::string& email_or_phone) {
  auto leads = find(email_or_phone);
  if (!leads.ok()) return leads.status();
  Json out = {{"query", std::string(trim(email_or_phone))}, {"leads", Json::array()}};
  Needles needles;
  add_query(email_or_phone, needles);
  for (const Lead& l : *leads) {
    add_needles(l, needles);
    auto events = store_.lead_events(l.id);
    if (!events.ok()) return events.status();
    auto touches = store_.lead_touches(l.id);
    if (!touches.ok()) return touches.status();
    Json e = Json::array();
    for (const LeadEvent& ev : *events) e.push_back(to_json(ev));
    Json t = Json::array();
    for (const Touch& to : *touches) t.push_back(to_json(to));
    out["leads"].push_back({{"lead", to_json(l)}, {"events", e}, {"touches", t}});
  }
  auto errors = store_.find_import_errors(needles.narrow);
  if (!errors.ok()) return errors.status();
  Json rows = Json::array();
  for (const ImportErrorRow& r : *errors) {
    rows.push_back({{"import", r.import_id},
                    {"line", r.error.line},
                    {"field", r.error.field},
                    {"code", r.error.code},
                    {"reason", r.error.reason}});
  }
  out["import_errors"] = rows;
  return out;
}

Result<ErasureReport> Privacy::erase(const std::string& email_or_phone, const std::string& actor,
                                     const std::string& reason) {
  auto lock = intake_.lock_writes();
  auto leads = find(email_or_phone);
  if (!leads.ok()) return leads.status();
  if (leads->empty()) return Status(ErrorCode::kNotFound, "no lead holds this email or phone");
  Needles extra;
  add_query(email_or_phone, extra);
  return erase_leads(std::move(leads).value(), extra.narrow, actor, reason);
}

Result<ErasureReport> Privacy::erase_leads(std::vector<Lead> leads, const std::vector<std::string>& needles_in,
                                           const std::string& actor, const std::string& reason) {
  const TimePoint now = clock_.now();
  Needles needles;
  needles.narrow = needles_in;
  needles.wide = needles_in;
  for (const Lead& l : leads) add_needles(l, needles);
  Erasure e;
  e.needles = needles.narrow;
  const std::vector<std::string>& wide = needles.wide;
  e.redact_event = [&](std::string_view, const std::string& payload) { return redact_with(payload, wide); };
  e.redact_message = [&](const std::string& payload) { return redact_with(payload, wide); };
  e.redact_touch = [&](Touch& t) {
    t.notes.clear();
    erase_answers(t.data_points, wide);
  };
  e.redact_import_error = [&](const std::string& text) { return blank_out(text, wide); };
  std::vector<Lead> before = leads;
  for (Lead& l : leads) {
    LeadChange c;
    const std::string tombstone = erasure_tombstone(l.id);
    l.email = tombstone;
    for (std::string* f : {&l.phone, &l.first_name, &l.last_name}) {
      if (!f->empty()) *f = tombstone;
    }
    l.email_key.clear();
    l.phone_key.clear();
    l.name_key.clear();
    // The id in another system points at the person there: no longer a key.
    l.external_id.clear();
    // Personal by rule, not by matching (docs/privacy.md, "Erasure"): every
    // free attribute (a street, a handle, a profile) and every answer.
    l.attributes.clear();
    erase_answers(l.data_points, wide);
    l.grading = redact_grading(l.grading);
    l.updated_at = now;
    if (is_open_stage(l.stage)) {
      // An erased person is no longer contacted: the lead leaves the funnel.
      Json moved = {{"from", stage_name(l.stage)}, {"to", stage_name(Stage::kOptedOut)}, {"reason", "erasure"},
                    {"exit", exit_reason(Stage::kOptedOut, "")}};
      c.events.push_back({0, l.id, std::string(event_type::kStageChanged), now, actor, dump_json(moved)});
      l.stage = Stage::kOptedOut;
      l.sla_due_at.reset();
      l.sla_level = 0;
      l.decay_at.reset();
    }
    Json erased = {{"reason", reason}, {"tombstone", tombstone}};
    c.events.push_back({0, l.id, std::string(event_type::kErased), now, actor, dump_json(erased)});
    c.lead = l;
    e.leads.push_back(std::move(c));
  }
  auto counts = store_.erase_leads(e);
  if (!counts.ok()) return counts.status();
  ErasureReport report;
  report.counts = *counts;
  for (size_t i = 0; i < before.size(); ++i) {
    const Lead& b = before[i];
    intake_.forget_locked({b.id, b.email_key, b.phone_key, b.name_key, b.external_id});
    if (router_) router_->note_change(&b, e.leads[i].lead);
    report.leads.push_back(b.id);
  }
  return report;
}

Result<int64_t> Privacy::erase_closed_before(TimePoint cutoff, const std::string& actor) {
  int64_t erased = 0;
  while (true) {
    auto ids = store_.closed_leads_before(cutoff, kRetentionBatch);
    if (!ids.ok()) return ids.status();
    if (ids->empty()) return erased;
    auto lock = intake_.lock_writes();
    std::vector<Lead> due;
    for (int64_t id : *ids) {
      auto l = store_.get_lead(id);
      if (!l.ok()) return l.status();
      // Looked at again under the lock: it may have moved since.
      if (!is_open_stage(l->stage) && l->updated_at < cutoff) due.push_back(std::move(l).value());
    }
    if (due.empty()) return erased;
    const int64_t n = static_cast<int64_t>(due.size());
    auto report = erase_leads(std::move(due), {}, actor, "retention");
    if (!report.ok()) return report.status();
    erased += n;
  }
}

}  // namespace leadloop
