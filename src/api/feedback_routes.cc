// Routes of closed-loop feedback: signed links that let a rep without a login
// accept or reject one lead (made by the campaign side, answered on a public
// page), and a campaign's feedback view for the people who generated its
// leads.
#include <spdlog/spdlog.h>

#include "access/feedback_links.h"
#include "api/errors.h"
#include "api/feedback_page.h"
#include "api/http/parsing.h"
#include "api/request.h"
#include "api/routes.h"
#include "domain/normalize.h"
#include "engine/campaign_feedback.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

constexpr int64_t kDefaultLinkHours = 168;
constexpr int64_t kMaxLinkHours = 2160;  // 90 days
constexpr size_t kMaxNoteLength = 2000;
constexpr size_t kRecentAnswers = 20;

// Pages behind a link load nothing and run nothing; the token in their URL
// is not sent on as a Referer.
constexpr const char* kPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void send_page(Response& res, int status, std::string html) {
  res.status = status;
  res.set_header("Content-Security-Policy", kPagePolicy);
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_content(std::move(html), "text/html; charset=utf-8");
}

// A failure as a page: the message a person can act on, never internals.
void send_error_page(Response& res, const Status& st) {
  const int status = http_status(st.code());
  const bool internal = status >= 500;
  if (internal) spdlog::error("feedback page: {}", st.to_string());
  send_page(res, status,
            feedback_error_page(status, internal ? "Something went wrong on our side. Please try again later."
                                                 : st.message()));
}

// The active definition's reject reasons; none when no version is active.
std::vector<RejectReason> reject_reasons(RouteContext& ctx) {
  auto record = ctx.services.definitions.active_record();
  if (!record.ok()) return {};
  auto d = ctx.services.definitions.definition(record->version);
  if (!d.ok()) return {};
  return (*d)->reject_reasons;
}

std::string reason_label(const std::vector<RejectReason>& reasons, const std::string& code) {
  for (const auto& r : reasons) {
    if (r.code == code) return r.label.empty() ? r.code : r.label;
  }
  return code;
}

// ---- making a link -----------------------------------------------------------

struct LinkRequest {
  std::string rep;
  int64_t hours = kDefaultLinkHours;
};

Result<LinkRequest> parse_link_request(const std::string& text) {
  auto body = Json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status(ErrorCode::kInvalidJson, "the body must be a JSON object naming the rep: {\"rep\": \"...\"}");
  }
  LinkRequest out;
  for (auto& [key, value] : body.items()) {
    if (key == "rep") {
      if (!value.is_string()) return Status(ErrorCode::kWrongType, "rep must be a string", key);
      out.rep = value.get<std::string>();
    } else if (key == "expires_in_hours") {
      if (!value.is_number_integer()) return Status(ErrorCode::kWrongType, "expires_in_hours must be an integer", key);
      out.hours = value.get<int64_t>();
      if (out.hours < 1 || out.hours > kMaxLinkHours) {
        return Status(ErrorCode::kInvalidValue,
                      "expires_in_hours must be between 1 and " + std::to_string(kMaxLinkHours), key);
      }
    } else {
      return Status(ErrorCode::kUnknownField, "unknown field '" + key + "'", key);
    }
  }
  return out;  // FeedbackLinks::create checks the rep
}

void post_feedback_link(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  if (auto seen = visible_lead(ctx, *id); !seen.ok()) return send_error(res, seen.status().with_field("id"));
  auto in = parse_link_request(req.body);
  if (!in.ok()) return send_error(res, in.status());
  const TimePoint expires_at = ctx.services.clock.now() + in->hours * kMillisPerHour;
  auto issued = ctx.services.feedback_links.create(*id, in->rep, expires_at, ctx.principal.actor());
  if (!issued.ok()) return send_error(res, issued.status());
  send_json(res, 201,
            {{"id", issued->link.id},
             {"lead", issued->link.lead_id},
             {"rep", issued->link.rep},
             {"expires_at", format_time(issued->link.expires_at)},
             {"token", issued->token},
             {"url", "/feedback/" + issued->token}});
}

// ---- the page behind a link ------------------------------------------------

// The form page for a link that verified; `error` says what was wrong with
// the answer just sent.
void send_form(RouteContext& ctx, Response& res, int status, const FeedbackLink& link, const std::string& error) {
  auto lead = ctx.services.store.get_lead(link.lead_id);
  if (!lead.ok()) return send_error_page(res, lead.status());
  auto campaign = ctx.services.campaigns.find(lead->source_campaign);
  const std::vector<RejectReason> reasons = reject_reasons(ctx);
  send_page(res, status,
            feedback_form_page({*lead, link, campaign ? campaign->name : std::string(), reasons, error}));
}

void get_feedback_page(RouteContext& ctx, const Request& req, Response& res) {
  auto link = ctx.services.feedback_links.verify(req.matches[1].str());
  if (!link.ok()) return send_error_page(res, link.status());
  send_form(ctx, res, 200, *link, "");
}

bool is_form(const Request& req) {
  return req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
}

// answer=accept|reject, reason, note: from the form or a JSON object.
Result<LinkAnswer> parse_answer(const Request& req) {
  std::string answer, reason, note;
  if (is_form(req)) {
    http::Params form;
    http::parse_query(req.body, form);
    auto value = [&](const char* key) {
      auto it = form.find(key);
      return it == form.end() ? std::string() : it->second;
    };
    answer = value("answer");
    reason = value("reason");
    note = value("note");
  } else {
    LEADLOOP_RETURN_IF_ERROR(require_json(req));
    auto body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return Status(ErrorCode::kInvalidJson, "the body must be a JSON object: {\"answer\": \"accept\" or \"reject\"}");
    }
    for (auto& [key, value] : body.items()) {
      if (key != "answer" && key != "reason" && key != "note") {
        return Status(ErrorCode::kUnknownField, "unknown field '" + key + "'", key);
      }
      if (!value.is_string()) return Status(ErrorCode::kWrongType, key + " must be a string", key);
    }
    answer = body.value("answer", "");
    reason = body.value("reason", "");
    note = body.value("note", "");
  }
  if (!is_valid_utf8(answer) || !is_valid_utf8(reason) || !is_valid_utf8(note)) {
    return Status(ErrorCode::kInvalidUtf8, "the answer is not valid UTF-8 text");
  }
  LinkAnswer a;
  if (answer == "accept") {
    a.to = Stage::kAccepted;
  } else if (answer == "reject") {
    a.to = Stage::kRejected;
    a.reason = std::string(trim(reason));
  } else {
    return Status(answer.empty() ? ErrorCode::kMissingField : ErrorCode::kInvalidValue,
                  "choose whether you accept or reject the lead", "answer");
  }
  a.note = std::string(trim(note));
  if (a.note.size() > kMaxNoteLength) {
    return Status(ErrorCode::kInvalidValue, "the note is longer than " + std::to_string(kMaxNoteLength) + " bytes",
                  "note");
  }
  return a;
}

void post_feedback_answer(RouteContext& ctx, const Request& req, Response& res) {
  const bool form = is_form(req);
  const std::string token = req.matches[1].str();
  // The link first: a bad link is refused whatever the body says.
  auto link = ctx.services.feedback_links.verify(token);
  if (!link.ok()) return form ? send_error_page(res, link.status()) : send_error(res, link.status());
  auto a = parse_answer(req);
  Result<Lead> lead = a.ok() ? ctx.services.feedback_links.answer(token, *a) : Result<Lead>(a.status());
  if (!form) return lead.ok() ? send_json(res, 200, to_json(*lead)) : send_error(res, lead.status());
  if (!lead.ok()) {
    // A fixable answer (no reason, an unknown one) gets the form again.
    const int status = http_status(lead.status().code());
    if (status == 422) return send_form(ctx, res, status, *link, lead.status().message());
    return send_error_page(res, lead.status());
  }
  std::string label = lead->stage == Stage::kRejected ? reason_label(reject_reasons(ctx), a->reason) : "";
  send_page(res, 200, feedback_done_page(*lead, link->rep, label));
}

// ---- the campaign's feedback view ------------------------------------------

Json feedback_answer_json(const FeedbackAnswer& a) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return {{"lead", a.lead_id},
          {"at", format_time(a.at)},
          {"actor", a.actor},
          {"on_behalf_of", text_or_null(a.on_behalf_of)},
          {"to", stage_name(a.to)},
          {"reason", text_or_null(a.reason)},
          {"note", text_or_null(a.note)}};
}

void get_campaign_feedback(RouteContext& ctx, const Request& req, Response& res) {
  const std::string key = req.matches[1].str();
  auto campaign = ctx.services.campaigns.find(key);
  if (!campaign || !ctx.services.policy.can_see_campaign(ctx.principal, *campaign)) {
    return send_error(res, Status(ErrorCode::kNotFound, "no campaign '" + key + "'", "key"));
  }
  auto f = campaign_feedback(ctx.services.store, key, kRecentAnswers);
  if (!f.ok()) return send_error(res, f.status());
  const std::vector<RejectReason> labels = reject_reasons(ctx);
  Json reasons = Json::array();
  for (const auto& r : f->reject_reasons) {
    reasons.push_back({{"code", r.code},
                       {"label", reason_label(labels, r.code)},
                       {"count", r.count},
                       {"share", share(r.count, f->rejected)}});
  }
  // The answers name leads: a caller who sees some leads only (a rep, a
  // team's manager) gets those of its own scope; the counts stay whole.
  const bool every_lead = ctx.services.policy.lead_scope(ctx.principal).all;
  Json recent = Json::array();
  for (const auto& a : f->recent) {
    if (every_lead || visible_lead(ctx, a.lead_id).ok()) recent.push_back(feedback_answer_json(a));
  }
  send_json(res, 200,
            {{"campaign", key},
             {"leads", f->leads},
             {"answered", f->answered},
             {"accepted", f->accepted},
             {"rejected", f->rejected},
             {"accepted_share", share(f->accepted, f->answered)},
             {"reject_reasons", reasons},
             {"outcomes",
              {{"working", f->working},
               {"opportunity", f->opportunity},
               {"won", f->won},
               {"lost", f->lost},
               {"revenue", ctx.services.policy.sees_revenue(ctx.principal)
                               ? Json(static_cast<double>(f->revenue_cents) / 100.0)
                               : Json(nullptr)}}},
             {"recent", recent}});
}

}  // namespace

std::vector<Route> feedback_routes() {
  return {
      {{"POST", "/api/v1/leads/{id}/feedback-links", true}, post_feedback_link},
      {{"GET", "/feedback/{token}", false}, get_feedback_page},
      {{"POST", "/feedback/{token}", false}, post_feedback_answer},
      {{"GET", "/api/v1/campaigns/{key}/feedback", true}, get_campaign_feedback},
  };
}

}  // namespace leadloop::api
