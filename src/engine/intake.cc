#include "engine/intake.h"

#include <unordered_map>

#include "domain/merge.h"
#include "domain/validate.h"
#include "engine/consent.h"
#include "engine/timers.h"

namespace leadloop {

namespace {

// {"via":..,"lead":{captured fields that are set}}, written by hand: this
// runs once per lead on the bulk path.
std::string captured_payload(const CaptureContext& ctx, const Lead& l) {
  std::string out = "{\"via\":";
  append_json_string(out, ctx.via);
  out += ",\"lead\":{";
  bool first = true;
  auto field = [&](std::string_view name) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, name);
    out += ':';
  };
  for (const auto& f : lead_text_fields()) {
    const std::string& v = l.*(f.member);
    if (v.empty()) continue;
    field(f.name);
    append_json_string(out, v);
  }
  if (l.employees) {
    field("employees");
    out += std::to_string(*l.employees);
  }
  if (!l.attributes.empty()) {
    field("attributes");
    out += json_object(l.attributes);
  }
  std::string consent;
  for (auto [name, c] : {std::pair{"email", l.consent.email}, std::pair{"phone", l.consent.phone},
                         std::pair{"mail", l.consent.mail}}) {
    if (c == Consent::kUnknown) continue;
    consent += consent.empty() ? "{" : ",";
    append_json_string(consent, name);
    consent += ':';
    append_json_string(consent, consent_name(c));
  }
  if (!consent.empty()) {
    field("consent");
    out += consent + "}";
  }
  out += "}";
  if (l.definition_version > 0) {
    out += ",\"grade\":";
    append_json_string(out, grade_name(l.grade));
    out += ",\"score\":" + std::to_string(l.score);
    out += ",\"definition_version\":" + std::to_string(l.definition_version);
  }
  out += "}";
  return out;
}

std::string field_value(const Lead& l, const std::string& field) {
  for (const auto& f : lead_text_fields()) {
    if (f.name == field) return l.*(f.member);
  }
  if (field == "employees") return l.employees ? std::to_string(*l.employees) : "";
  if (field.rfind("attributes.", 0) == 0) {
    auto it = l.attributes.find(field.substr(11));
    return it == l.attributes.end() ? "" : it->second;
  }
  if (field == "consent.email") return std::string(consent_name(l.consent.email));
  if (field == "consent.phone") return std::string(consent_name(l.consent.phone));
  if (field == "consent.mail") return std::string(consent_name(l.consent.mail));
  return "";
}

Json merge_payload(const CaptureContext& ctx, const Lead& incoming, const Lead& merged,
                   const MergeReport& r, std::string_view matched_on) {
  Json filled = Json::object();
  for (const auto& f : r.filled) filled[f] = field_value(merged, f);
  Json conflicts = Json::array();
  for (const auto& c : r.conflicts) {
    conflicts.push_back({{"field", c.field}, {"kept", c.kept}, {"offered", c.offered}});
  }
  return {{"via", ctx.via},
          {"campaign", incoming.source_campaign},
          {"matched_on", matched_on},
          {"filled", filled},
          {"conflicts", conflicts}};
}

// The consent an input gave, one consent_changed event per change, and its
// messages, queued on the mutation for the lead at `change`.
void apply_extras(LeadChange& c, size_t change, CaptureExtras& extras, const CaptureContext& ctx, TimePoint now,
                  Mutation& m, CaptureOutcome& out) {
  for (const CaptureConsent& given : extras.consents) {
    const ConsentFlags before = c.lead.consent;
    for (const ConsentChannel& ch : consent_channels()) {
      if (given.set.*ch.member != Consent::kUnknown) c.lead.consent.*ch.member = given.set.*ch.member;
    }
    auto e = consent_event(before, c.lead, now, ctx.actor, given.source, given.note);
    if (!e) continue;
    c.events.push_back(std::move(*e));
    for (const ConsentChannel& ch : consent_channels()) {
      if (before.*ch.member != c.lead.consent.*ch.member) out.consent_changed.emplace_back(ch.name);
    }
  }
  for (auto& make : extras.messages) m.lead_outbox.push_back({change, std::move(make), std::nullopt});
}

}  // namespace

std::string_view capture_status_name(CaptureStatus s) {
  switch (s) {
    case CaptureStatus::kCreated: return "created";
    case CaptureStatus::kMerged: return "merged";
    case CaptureStatus::kRejected: break;
  }
  return "rejected";
}

Status Intake::open() {
  std::lock_guard lock(mu_);
  auto n = store_.count_leads();
  if (!n.ok()) return n.status();
  index_.reserve(static_cast<size_t>(*n));
  return store_.scan_lead_keys(
      [&](const LeadKeys& k) { index_.add(k.id, k.email_key, k.phone_key, k.name_key, k.external_id); });
}

Result<std::vector<CaptureOutcome>> Intake::capture(std::vector<Result<Lead>> inputs,
                                                    const CaptureContext& ctx,
                                                    std::vector<CaptureExtras> extras) {
  if (!extras.empty() && extras.size() != inputs.size()) {
    return Status(ErrorCode::kInternal, "capture extras must match the inputs one to one");
  }
  std::vector<CaptureOutcome> out(inputs.size());
  // Everything that does not depend on the other leads happens before the
  // lock: validation, the campaign check, the capture event's payload.
  std::vector<std::string> payloads(inputs.size());
  std::shared_ptr<const DefinitionVersion> graded_by = definition_ ? definition_->get() : nullptr;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].ok()) {
      Status st = validate_lead(*inputs[i]);
      if (st.ok() && inputs[i]->captured_at && *inputs[i]->captured_at > clock_.now()) {
        st = Status(ErrorCode::kInvalidValue, "captured_at is in the future; it says when a lead of a history was captured",
                    "captured_at");
      }
      if (st.ok() && !campaigns_.contains(inputs[i]->source_campaign)) {
        st = Status(ErrorCode::kUnknownCampaign,
                    "no campaign with key '" + inputs[i]->source_campaign +
                        "'; create it first (POST /api/v1/campaigns)",
                    "source_campaign");
      }
      if (!st.ok()) inputs[i] = st;
    }
    if (!inputs[i].ok()) {
      out[i].error = inputs[i].status();
    } else {
      if (graded_by) definition_->grade(*graded_by, *inputs[i], clock_.now());
      payloads[i] = captured_payload(ctx, *inputs[i]);
    }
  }

  std::lock_guard lock(mu_);
  const TimePoint now = clock_.now();
  // A version activated while this batch was graded re-grades it: no lead
  // is stored graded by a definition that is no longer active.
  if (definition_ && definition_->get() != graded_by) {
    graded_by = definition_->get();
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].ok()) continue;
      if (graded_by) {
        definition_->grade(*graded_by, *inputs[i], now);
      } else {
        inputs[i]->grade = Grade::kNone;
        inputs[i]->definition_version = 0;
        inputs[i]->score = 0;
        inputs[i]->grading.clear();
      }
      payloads[i] = captured_payload(ctx, *inputs[i]);
    }
  }
  Mutation m;
  m.leads.reserve(inputs.size());
  std::vector<size_t> change_of(inputs.size(), SIZE_MAX);  // input -> change index
  std::unordered_map<int64_t, size_t> change_of_lead;      // existing lead id -> change
  // Keys of every lead this batch touches, new or stored, as change index + 1.
  DedupIndex batch;
  batch.reserve(inputs.size());
  std::vector<LeadKeys> keys_before;  // of the stored leads loaded, for the index update

  // A stored lead the caller may merge into: a caller restricted to some
  // leads (a vendor) never merges into, reads or learns of another party's
  // lead of the same person; its capture makes (or finds) its own lead.
  auto mergeable = [&](const Lead& stored) { return !ctx.may_merge_into || ctx.may_merge_into(stored); };

  // The change that already holds a lead matching `in` on key kind k, or
  // the first mergeable stored lead with that key, loaded; SIZE_MAX if none.
  // Candidates come from hashes, so each is confirmed on the real key. A
  // stored lead the caller may not merge into is never loaded, so every
  // lead in this batch is mergeable.
  auto find_target = [&](const Lead& in, KeyKind k) -> Result<size_t> {
    const std::string& key = lead_key(in, k);
    if (key.empty()) return SIZE_MAX;
    int64_t hit = batch.find(k, key);
    if (hit && lead_key(m.leads[static_cast<size_t>(hit - 1)].lead, k) == key) {
      return static_cast<size_t>(hit - 1);
    }
    for (int64_t id : index_.find_all(k, key)) {
      if (change_of_lead.count(id)) continue;  // in the batch: checked above
      auto existing = store_.get_lead(id);
      if (!existing.ok()) return existing.status();
      if (lead_key(*existing, k) != key || !mergeable(*existing)) continue;
      size_t target = m.leads.size();
      change_of_lead.emplace(id, target);
      keys_before.push_back(
          {id, existing->email_key, existing->phone_key, existing->name_key, existing->external_id});
      batch.add(static_cast<int64_t>(target + 1), existing->email_key, existing->phone_key,
                existing->name_key, existing->external_id);
      m.leads.push_back(LeadChange{std::move(existing).value(), {}, {}});
      return target;
    }
    return SIZE_MAX;
  };

  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].ok()) continue;
    Lead& in = *inputs[i];
    // Key kinds in priority order (external id, email, phone, company+name); for each,
    // this batch first, then the stored leads.
    size_t target = SIZE_MAX;
    std::string_view matched_on;
    for (int k = 0; k < kKeyKinds && target == SIZE_MAX; ++k) {
      auto found = find_target(in, static_cast<KeyKind>(k));
      if (!found.ok()) return found.status();
      target = *found;
      if (target != SIZE_MAX) matched_on = key_kind_name(static_cast<KeyKind>(k));
    }
    if (target != SIZE_MAX) out[i].matched_in_batch = m.leads[target].lead.id == 0;

    if (target == SIZE_MAX) {
      in.stage = Stage::kCaptured;
      // A lead of a history keeps the time it was captured then.
      in.created_at = in.captured_at.value_or(now);
      in.updated_at = now;
      // Graded before it had a capture time: its decay counts from then.
      if (graded_by) plan_decay(graded_by->definition.get(), in);
      LeadChange c;
      c.events.push_back({0, 0, std::string(event_type::kCaptured), in.created_at, ctx.actor,
                          std::move(payloads[i])});
      c.lead = std::move(in);
      batch.add(static_cast<int64_t>(m.leads.size() + 1), c.lead.email_key, c.lead.phone_key,
                c.lead.name_key, c.lead.external_id);
      change_of[i] = m.leads.size();
      out[i].status = CaptureStatus::kCreated;
      m.leads.push_back(std::move(c));
      if (!extras.empty()) apply_extras(m.leads.back(), change_of[i], extras[i], ctx, now, m, out[i]);
      continue;
    }

    LeadChange& c = m.leads[target];
    const ConsentFlags consent_before = c.lead.consent;
    MergeReport report = merge_lead(c.lead, in);
    c.lead.updated_at = now;
    c.lead.last_touch_at = now;
    Touch t;
    t.campaign = in.source_campaign;
    auto campaign = campaigns_.find(in.source_campaign);
    t.channel = campaign ? default_medium(campaign->channel) : Medium::kOther;
    t.direction = Direction::kInbound;
    t.outcome = "recaptured";
    t.actor = ctx.actor;
    t.at = now;
    c.touches.push_back(std::move(t));
    c.lead.touch_count += 1;
    c.events.push_back({0, 0, std::string(event_type::kRecaptured), now, ctx.actor,
                        dump_json(merge_payload(ctx, in, c.lead, report, matched_on))});
    // An opt-out is an event, whichever way it came.
    if (auto e = consent_event(consent_before, c.lead, now, ctx.actor, "capture", ctx.via)) {
      c.events.push_back(std::move(*e));
    }
    if (graded_by && is_open_stage(c.lead.stage)) {
      if (auto e = definition_->regrade_with(*graded_by, c.lead, now, ctx.actor)) c.events.push_back(std::move(*e));
    }
    // Keys the merge added are seen by the rest of the batch.
    batch.add(static_cast<int64_t>(target + 1), c.lead.email_key, c.lead.phone_key,
              c.lead.name_key, c.lead.external_id);
    change_of[i] = target;
    out[i].status = CaptureStatus::kMerged;
    out[i].matched_on = std::string(matched_on);
    if (!extras.empty()) apply_extras(c, target, extras[i], ctx, now, m, out[i]);
  }

  if (!ctx.dry_run && !m.leads.empty()) {
    const Definition* definition = graded_by ? graded_by->definition.get() : nullptr;
    for (LeadChange& c : m.leads) honour_consent(c.lead, definition, now, ctx.actor, c.events, router_);
    // Only a version with a routing: section routes; checked once per batch
    // rather than per lead (graded_by is the active version: activation
    // takes this lock too).
    if (router_ && graded_by && graded_by->definition->routing.written) {
      for (LeadChange& c : m.leads) router_->route(c.lead, now, {&c.events, &m.assignments});
    }
    if (Status st = store_.commit(m); !st.ok()) {
      if (router_) (void)router_->open();  // routing counted leads that were not stored
      return st;
    }
    // A merge can change a stored lead's keys (a phone gains its country
    // prefix): move its index entries along.
    for (const LeadKeys& before : keys_before) {
      const Lead& now_lead = m.leads[change_of_lead.at(before.id)].lead;
      index_.remove(before.id, before.email_key, before.phone_key, before.name_key, before.external_id);
      index_.add(now_lead);
    }
    for (const LeadChange& c : m.leads) {
      if (!change_of_lead.count(c.lead.id)) index_.add(c.lead);
    }
  }
  // Which lead messages are whose: in input order, as apply_extras added them.
  for (size_t i = 0, next = 0; i < extras.size() && !ctx.dry_run; ++i) {
    if (change_of[i] == SIZE_MAX) continue;
    for (size_t k = 0; k < extras[i].messages.size(); ++k, ++next) {
      if (m.lead_outbox[next].written) out[i].messages.push_back(*m.lead_outbox[next].written);
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (change_of[i] == SIZE_MAX) continue;
    const Lead& l = m.leads[change_of[i]].lead;
    out[i].lead_id = l.id;
    if (ctx.return_leads) out[i].lead = l;
  }
  return out;
}

Result<Touch> Intake::log_touch(TouchInput input, const std::string& actor) {
  Touch& t = input.touch;
  auto campaign = campaigns_.find(t.campaign);
  if (!campaign) {
    return Status(ErrorCode::kUnknownCampaign, "no campaign with key '" + t.campaign + "'",
                  "campaign");
  }
  if (!input.channel_given) t.channel = default_medium(campaign->channel);
  if (t.actor.empty()) t.actor = actor;
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.now();
  if (!input.at_given) t.at = now;
  Mutation m;
  if (t.lead_id == 0) {
    m.touches.push_back(t);
    LEADLOOP_RETURN_IF_ERROR(store_.commit(m));
    return m.touches.front();
  }
  auto lead = store_.get_lead(t.lead_id);
  if (!lead.ok()) {
    if (lead.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kInvalidValue, "no lead with id " + std::to_string(t.lead_id),
                    "lead");
    }
    return lead.status();
  }
  LeadChange c{std::move(lead).value(), {}, {}};
  // The latest answer to each call-guide question wins; an older touch
  // logged late only fills questions not answered yet.
  const bool latest = !c.lead.last_touch_at || *c.lead.last_touch_at <= t.at;
  for (const auto& [key, value] : t.data_points) {
    if (latest || !c.lead.data_points.count(key)) c.lead.data_points[key] = value;
  }
  if (latest) c.lead.last_touch_at = t.at;
  c.lead.touch_count += 1;
  c.lead.updated_at = now;
  Json payload = to_json(t);
  payload.erase("id");
  payload.erase("lead");
  if (t.caller.empty()) payload.erase("caller");  // events before callers read the same
  // The first caller named on a lead is the one who produced it.
  if (c.lead.caller.empty()) c.lead.caller = t.caller;
  c.events.push_back({0, 0, std::string(event_type::kTouched), t.at, actor, dump_json(payload)});
  if (definition_ && is_open_stage(c.lead.stage)) {
    if (auto e = definition_->regrade(c.lead, now, actor)) c.events.push_back(std::move(*e));
  }
  // A touch is a response: the owner's follow-up clock stops.
  stop_sla(c.lead, now);
  if (router_) router_->route(c.lead, now, {&c.events, &m.assignments});
  c.touches.push_back(t);
  m.leads.push_back(std::move(c));
  if (Status st = store_.commit(m); !st.ok()) {
    if (router_) (void)router_->open();
    return st;
  }
  return m.leads.front().touches.front();
}

}  // namespace leadloop
