#include "engine/consent.h"

#include "domain/codec.h"
#include "engine/lifecycle.h"

namespace leadloop {

namespace {

std::vector<std::string> changed_channels(const ConsentFlags& before, const ConsentFlags& after) {
  std::vector<std::string> out;
  for (const ConsentChannel& ch : consent_channels()) {
    if (before.*ch.member != after.*ch.member) out.emplace_back(ch.name);
  }
  return out;
}

Status check(const ConsentInput& in) {
  if (!in.do_not_contact) return Status();
  for (const std::optional<Consent>& given : {in.email, in.phone, in.mail}) {
    if (given && *given != Consent::kDenied) {
      return Status(ErrorCode::kInvalidValue,
                    "do_not_contact denies every channel; leave the channels out or say denied",
                    "do_not_contact");
    }
  }
  return Status();
}

ConsentFlags applied(ConsentFlags c, const ConsentInput& in) {
  if (in.do_not_contact) return {Consent::kDenied, Consent::kDenied, Consent::kDenied};
  if (in.email) c.email = *in.email;
  if (in.phone) c.phone = *in.phone;
  if (in.mail) c.mail = *in.mail;
  return c;
}

}  // namespace

std::optional<LeadEvent> consent_event(const ConsentFlags& before, const Lead& lead, TimePoint now,
                                       const std::string& actor, std::string_view source,
                                       std::string_view note) {
  Json channels = Json::object();
  for (const ConsentChannel& ch : consent_channels()) {
    const Consent from = before.*ch.member;
    const Consent to = lead.consent.*ch.member;
    if (from != to)
      channels[std::string(ch.name)] = {{"from", consent_name(from)}, {"to", consent_name(to)}};
  }
  if (channels.empty()) return std::nullopt;
  Json payload = {{"channels", std::move(channels)}, {"source", std::string(source)}};
  if (!note.empty()) payload["note"] = std::string(note);
  return LeadEvent{0,   lead.id, std::string(event_type::kConsentChanged),
                   now, actor,   dump_json(payload)};
}

bool honour_consent(Lead& lead, const Definition* definition, TimePoint now,
                    const std::string& actor, std::vector<LeadEvent>& events, Router* router) {
  // Every case below needs e-mail denied: one compare on the bulk path.
  if (lead.consent.email != Consent::kDenied || !is_open_stage(lead.stage)) return false;
  TransitionInput in;
  if (do_not_contact(lead.consent)) {
    in.to = Stage::kOptedOut;
    in.reason = "do not contact";
    in.release_owner = true;
  } else if (lead.stage == Stage::kNurture) {
    in.to = Stage::kRecycled;
    in.reason = "email consent denied";
  } else {
    return false;
  }
  if (!transition_allowed(lead.stage, in.to)) return false;
  const Lead before = lead;
  events.push_back(move_stage(lead, in, definition, now, actor));
  if (router) router->note_change(&before, lead);
  return true;
}

Result<ConsentAnswer> ConsentDesk::set(int64_t lead_id, const ConsentInput& in,
                                       const std::string& actor) {
  LEADLOOP_RETURN_IF_ERROR(check(in));
  auto lock = intake_.lock_writes();
  auto lead = store_.get_lead(lead_id);
  if (!lead.ok()) return lead.status();
  const TimePoint now = clock_.now();
  const ConsentFlags before = lead->consent;
  ConsentAnswer answer;
  LeadChange c{std::move(lead).value(), {}, {}};
  c.lead.consent = applied(before, in);
  answer.changed = changed_channels(before, c.lead.consent);
  if (auto e = consent_event(before, c.lead, now, actor, in.source, in.note))
    c.events.push_back(std::move(*e));
  auto active = definition_.get();
  honour_consent(c.lead, active ? active->definition.get() : nullptr, now, actor, c.events,
                 router_);
  if (c.events.empty()) {
    answer.lead = std::move(c.lead);
    return answer;
  }
  c.lead.updated_at = now;
  Mutation m;
  m.leads.push_back(std::move(c));
  if (Status st = store_.commit(m); !st.ok()) {
    if (router_) (void)router_->open();  // honour_consent counted a release that was not stored
    return st;
  }
  answer.lead = std::move(m.leads.front().lead);
  return answer;
}

}  // namespace leadloop
