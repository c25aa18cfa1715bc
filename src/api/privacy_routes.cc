// Routes of a person's privacy requests (docs/privacy.md): subject access,
// everything held about a person as JSON, and erasure, admins only; consent
// per channel and do-not-contact on a lead, for marketing and sales.

#include "api/request.h"
#include "api/routes.h"
#include "engine/consent.h"
#include "engine/privacy.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

constexpr size_t kMaxReasonLength = 500;

// Exactly one of email and phone: the person the request is about.
Result<std::string> subject_of(const std::string& email, const std::string& phone) {
  if (email.empty() == phone.empty()) {
    return Status(ErrorCode::kMissingField, "say who the request is about: email or phone (one of them)", "email");
  }
  return email.empty() ? phone : email;
}

void get_subject(RouteContext& ctx, const Request& req, Response& res) {
  auto who = subject_of(req.get_param_value("email"), req.get_param_value("phone"));
  if (!who.ok()) return send_error(res, who.status());
  Privacy privacy(ctx.services.store, ctx.services.clock, ctx.services.intake, &ctx.services.router);
  auto out = privacy.subject_access(*who);
  if (!out.ok()) return send_error(res, out.status());
  send_json(res, 200, *out);
}

Result<std::pair<std::string, std::string>> parse_erasure(const Request& req) {
  LEADLOOP_RETURN_IF_ERROR(require_json(req));
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Status(ErrorCode::kInvalidJson, "the body must be a JSON object");
  for (auto& [key, value] : body.items()) {
    if (key != "email" && key != "phone" && key != "reason") {
      return Status(ErrorCode::kUnknownField, "unknown field '" + key + "'", key);
    }
    if (!value.is_string()) return Status(ErrorCode::kWrongType, key + " must be a string", key);
  }
  auto who = subject_of(body.value("email", ""), body.value("phone", ""));
  if (!who.ok()) return who.status();
  std::string reason = body.value("reason", "");
  if (reason.empty()) return Status(ErrorCode::kMissingField, "say why: reason (\"subject request\", ...)", "reason");
  if (reason.size() > kMaxReasonLength) {
    return Status(ErrorCode::kInvalidValue, "reason is longer than 500 characters", "reason");
  }
  return std::pair{std::move(who).value(), std::move(reason)};
}

void post_erasure(RouteContext& ctx, const Request& req, Response& res) {
  auto in = parse_erasure(req);
  if (!in.ok()) return send_error(res, in.status());
  Privacy privacy(ctx.services.store, ctx.services.clock, ctx.services.intake, &ctx.services.router);
  auto report = privacy.erase(in->first, ctx.principal.actor(), in->second);
  if (!report.ok()) return send_error(res, report.status());
  const ErasureCounts& n = report->counts;
  send_json(res, 200,
            {{"leads", report->leads},
             {"events_redacted", n.events},
             {"touches_redacted", n.touches},
             {"messages_redacted", n.messages},
             {"import_errors_redacted", n.import_errors},
             {"wal_truncated", n.wal_truncated}});
}

constexpr size_t kMaxSourceLength = 200;
constexpr size_t kMaxNoteLength = 4000;

Result<ConsentInput> parse_consent_input(const Request& req) {
  LEADLOOP_RETURN_IF_ERROR(require_json(req));
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status(ErrorCode::kInvalidJson, "the body must be a JSON object");
  }
  ConsentInput in;
  for (auto& [key, value] : body.items()) {
    if (key == "do_not_contact") {
      if (!value.is_boolean()) {
        return Status(ErrorCode::kWrongType, "do_not_contact must be true or false", key);
      }
      in.do_not_contact = value.get<bool>();
      continue;
    }
    std::optional<Consent>* channel = key == "email"   ? &in.email
                                      : key == "phone" ? &in.phone
                                      : key == "mail"  ? &in.mail
                                                       : nullptr;
    std::string* text = key == "source" ? &in.source : key == "note" ? &in.note : nullptr;
    if (!channel && !text) return Status(ErrorCode::kUnknownField, "unknown field '" + key + "'", key);
    if (!value.is_string()) return Status(ErrorCode::kWrongType, key + " must be a string", key);
    const std::string v = value.get<std::string>();
    if (text) {
      *text = v;
      continue;
    }
    *channel = parse_consent(v);
    if (!*channel) {
      return Status(ErrorCode::kInvalidValue,
                    "'" + v + "' is not a consent; use granted, denied or unknown", key);
    }
  }
  if (!in.email && !in.phone && !in.mail && !in.do_not_contact) {
    return Status(ErrorCode::kMissingField,
                  "say what the person wants: email, phone, mail or do_not_contact", "email");
  }
  if (in.source.size() > kMaxSourceLength) {
    return Status(ErrorCode::kInvalidValue, "source is longer than 200 characters", "source");
  }
  if (in.note.size() > kMaxNoteLength) {
    return Status(ErrorCode::kInvalidValue, "note is longer than 4000 characters", "note");
  }
  if (in.source.empty()) in.source = "api";
  return in;
}

// A caller who may not lift an opt-out (a vendor) records denials only:
// granting a channel, or setting it back to unknown, is refused.
Status require_denials_only(const RouteContext& ctx, const ConsentInput& in) {
  if (ctx.services.policy.may_lift_opt_out(ctx.principal)) return Status();
  for (auto [name, value] : {std::pair{"email", in.email}, std::pair{"phone", in.phone}, std::pair{"mail", in.mail}}) {
    if (value && *value != Consent::kDenied) {
      return Status(ErrorCode::kForbidden, "a vendor records an opt-out (denied), never lifts one", name);
    }
  }
  return Status();
}

void post_consent(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  // A caller records the wishes of the people they may see (a vendor's
  // callers hear "do not call me again" first).
  if (auto seen = visible_lead(ctx, *id); !seen.ok()) return send_error(res, seen.status().with_field("id"));
  auto in = parse_consent_input(req);
  if (!in.ok()) return send_error(res, in.status());
  if (Status st = require_denials_only(ctx, *in); !st.ok()) return send_error(res, st);
  ConsentDesk desk(ctx.services.store, ctx.services.clock, ctx.services.intake,
                   ctx.services.definitions.active(), &ctx.services.router);
  auto answer = desk.set(*id, *in, ctx.principal.actor());
  if (!answer.ok()) {
    const Status& st = answer.status();
    return send_error(res, st.code() == ErrorCode::kNotFound ? st.with_field("id") : st);
  }
  Json out = to_json(answer->lead);
  out["changed"] = answer->changed;
  send_json(res, 200, out);
}

}  // namespace

std::vector<Route> privacy_routes() {
  return {
      {{"GET", "/api/v1/privacy/subjects", true}, get_subject},
      {{"POST", "/api/v1/privacy/erasures", true}, post_erasure},
      {{"POST", "/api/v1/leads/{id}/consent", true}, post_consent},
  };
}

}  // namespace leadloop::api
