#include "access/feedback_links.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "access/database_key.h"
#include "access/signed_token.h"
#include "domain/normalize.h"
#include "domain/time.h"

namespace leadloop {

namespace {

constexpr std::string_view kPrefix = "flk_";
constexpr std::string_view kKeySetting = "feedback_link_key";
constexpr size_t kMaxRepBytes = 200;

Status not_valid() { return Status(ErrorCode::kUnauthorized, "this feedback link is not valid", "token"); }

}  // namespace

FeedbackLinks::FeedbackLinks(Store& store, const Clock& clock, Lifecycle& lifecycle)
    : store_(store), clock_(clock), lifecycle_(lifecycle) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

Status FeedbackLinks::open() {
  auto key = database_key(store_, kKeySetting, crypto_auth_KEYBYTES, "the feedback link key");
  if (!key.ok()) return key.status();
  key_ = std::move(key).value();
  return Status();
}

Result<IssuedFeedbackLink> FeedbackLinks::create(int64_t lead_id, const std::string& rep, TimePoint expires_at,
                                                 const std::string& created_by) {
  if (key_.empty()) return Status(ErrorCode::kInternal, "feedback links are not open");
  const std::string who(trim(rep));
  if (who.empty()) return Status(ErrorCode::kMissingField, "say which rep the link is for", "rep");
  if (who.size() > kMaxRepBytes || !is_valid_utf8(who)) {
    return Status(ErrorCode::kInvalidValue,
                  "rep must be UTF-8 text of at most " + std::to_string(kMaxRepBytes) + " bytes", "rep");
  }
  const TimePoint now = clock_.now();
  if (expires_at <= now) {
    return Status(ErrorCode::kInvalidValue, "a feedback link must expire in the future", "expires_at");
  }
  auto lead = store_.get_lead(lead_id);
  if (!lead.ok()) return lead.status();
  if (!transition_allowed(lead->stage, Stage::kAccepted) && !transition_allowed(lead->stage, Stage::kRejected)) {
    return Status(ErrorCode::kInvalidValue,
                  "lead " + std::to_string(lead_id) + " is " + std::string(stage_name(lead->stage)) +
                      "; a feedback link accepts or rejects a lead, which it can no longer be",
                  "lead");
  }
  IssuedFeedbackLink out;
  out.link.lead_id = lead_id;
  out.link.rep = who;
  out.link.created_by = created_by;
  out.link.created_at = now;
  out.link.expires_at = expires_at;
  LEADLOOP_RETURN_IF_ERROR(store_.put_feedback_link(out.link));
  out.token = sign(out.link);
  // The mail to the rep (mail/notifications.h) signs the link again from
  // its id: no token is kept in the outbox.
  Mutation m;
  m.outbox.push_back({0, "feedback_link", who, lead_id, now,
                      "{\"link\":" + std::to_string(out.link.id) + ",\"expires_at\":\"" + format_time(expires_at) + "\"}"});
  LEADLOOP_RETURN_IF_ERROR(store_.commit(m));
  return out;
}

// The signed values: the link id and its expiry.
std::string FeedbackLinks::sign(const FeedbackLink& link) const {
  const std::array<uint64_t, 2> values = {static_cast<uint64_t>(link.id), static_cast<uint64_t>(link.expires_at)};
  return sign_values(key_, kPrefix, values);
}

Result<std::string> FeedbackLinks::token_for(int64_t link_id) const {
  if (key_.empty()) return Status(ErrorCode::kInternal, "feedback links are not open");
  auto link = store_.get_feedback_link(link_id);
  if (!link.ok()) return link.status();
  return sign(*link);
}

Result<FeedbackLink> FeedbackLinks::verify(std::string_view token) const {
  if (key_.empty()) return Status(ErrorCode::kInternal, "feedback links are not open");
  // The signature first: nothing unsigned reaches the database. The
  // signed values: the link id and its expiry.
  auto values = verify_values(key_, kPrefix, token, 2);
  if (!values) return not_valid();
  const auto id = static_cast<int64_t>((*values)[0]);
  const auto expires_at = static_cast<TimePoint>((*values)[1]);
  // The lead is the stored link's: the token names only the link.
  auto link = store_.get_feedback_link(id);
  if (!link.ok()) return link.status().code() == ErrorCode::kNotFound ? not_valid() : link.status();
  if (link->expires_at != expires_at) return not_valid();
  if (clock_.now() >= link->expires_at) {
    return Status(ErrorCode::kForbidden,
                  "this feedback link expired on " + format_time_for_people(link->expires_at) + "; ask " + link->created_by +
                      " for a new one",
                  "token");
  }
  if (link->used_at) return Status(ErrorCode::kConflict, "this feedback link has been answered already", "token");
  return link;
}

Result<Lead> FeedbackLinks::answer(std::string_view token, const LinkAnswer& a) {
  auto link = verify(token);
  if (!link.ok()) return link.status();
  if (a.to != Stage::kAccepted && a.to != Stage::kRejected) {
    return Status(ErrorCode::kInvalidValue, "a feedback link accepts or rejects the lead", "answer");
  }
  TransitionInput in;
  in.to = a.to;
  if (a.to == Stage::kRejected) in.reason = a.reason;
  in.note = a.note;
  in.feedback_link = link->id;
  return lifecycle_.transition(link->lead_id, in, "link:" + link->rep);
}

}  // namespace leadloop
