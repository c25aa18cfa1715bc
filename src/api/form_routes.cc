// Routes of web forms: their settings and snippet for marketing, and the
// public side: the hosted page, its posts (a plain HTML form or a script's
// JSON), the CORS preflight and stamp for the snippet on an allowed
// origin, and the double opt-in confirmation (docs/forms.md).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "api/errors.h"
#include "api/form_page.h"
#include "api/form_post.h"
#include "api/http/parsing.h"
#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

// A person's details fit in far less; the limit stops a body of megabytes
// from being parsed on a public route.
constexpr size_t kMaxFormBodyBytes = 64 << 10;

// ---- settings (marketing, admin) ------------------------------------------

Json form_json(RouteContext& ctx, const WebForm& f) {
  Json j = web_form_json(f);
  const FormRefusals r = ctx.services.forms.refusals(f.id);
  j["url"] = "/f/" + f.key;
  j["refused"] = {{"honeypot", r.honeypot}, {"too_fast", r.too_fast}, {"bad_stamp", r.bad_stamp}};
  return j;
}

Result<WebForm> stored_form(RouteContext& ctx, const Request& req) {
  auto id = path_id(req, 1, "form");
  if (!id.ok()) return id.status();
  auto f = ctx.services.store.get_web_form(*id);
  if (!f.ok()) return f.status().code() == ErrorCode::kNotFound ? f.status().with_field("id") : f.status();
  return f;
}

void list_forms(RouteContext& ctx, const Request&, Response& res) {
  auto forms = ctx.services.store.list_web_forms();
  if (!forms.ok()) return send_error(res, forms.status());
  Json out = Json::array();
  for (const auto& f : *forms) out.push_back(form_json(ctx, f));
  send_json(res, 200, {{"forms", out}});
}

void post_form(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  WebForm f;
  f.min_fill_seconds = kDefaultMinFillSeconds;
  if (Status st = parse_web_form(*body, f); !st.ok()) return send_error(res, st);
  auto made = ctx.services.forms.create(std::move(f), ctx.principal.actor());
  if (!made.ok()) return send_error(res, made.status());
  res.set_header("Location", "/api/v1/forms/" + std::to_string(made->id));
  send_json(res, 201, form_json(ctx, *made));
}

void get_form(RouteContext& ctx, const Request& req, Response& res) {
  auto f = stored_form(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  send_json(res, 200, form_json(ctx, *f));
}

// Changes the settings the body names; the others stay.
void put_form(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  auto f = stored_form(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  if (Status st = parse_web_form(*body, *f); !st.ok()) return send_error(res, st);
  auto saved = ctx.services.forms.update(*std::move(f));
  if (!saved.ok()) return send_error(res, saved.status());
  send_json(res, 200, form_json(ctx, *saved));
}

// "https://leads.example.com": how the caller reached this server.
std::string base_url(const RouteContext& ctx, const Request& req) {
  const bool tls = ctx.config.behind_tls || req.get_header_value("X-Forwarded-Proto") == "https";
  return std::string(tls ? "https://" : "http://") + req.get_header_value("Host");
}

void get_snippet(RouteContext& ctx, const Request& req, Response& res) {
  auto f = stored_form(ctx, req);
  if (!f.ok()) return send_error(res, f.status());
  const std::string url = base_url(ctx, req) + "/f/" + f->key;
  send_json(res, 200, {{"html", form_snippet(*f, url)}, {"url", url}});
}

// ---- the public side -------------------------------------------------------

bool is_form_post(const Request& req) {
  return req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded");
}

// The page's policy: nothing loaded, nothing run; the form posts here (or
// its redirect's origin, which a form post follows).
std::string page_policy(const WebForm* form) {
  std::string targets = "'self'";
  if (form && !form->redirect_url.empty()) {
    const size_t host = form->redirect_url.find("://");
    const size_t end = form->redirect_url.find('/', host == std::string::npos ? 0 : host + 3);
    targets += " " + form->redirect_url.substr(0, end);
  }
  return "default-src 'none'; style-src 'unsafe-inline'; form-action " + targets +
         "; frame-ancestors 'none'; base-uri 'none'";
}

void send_page(Response& res, int status, const WebForm* form, std::string html) {
  res.status = status;
  res.set_header("Content-Security-Policy", page_policy(form));
  // Not no-referrer: with it a browser sends "Origin: null" on the page's
  // own post, which the origin check would refuse. The URL holds no secret.
  res.set_header("Referrer-Policy", "same-origin");
  res.set_content(std::move(html), "text/html; charset=utf-8");
}

void send_not_found(Response& res, bool page) {
  const Status st(ErrorCode::kNotFound, "no such form", "key");
  if (!page) return send_error(res, st);
  send_page(res, 404, nullptr,
            form_message_page("Form not found", "This form does not exist or is closed. Check the address."));
}

// The enabled form a key names.
std::optional<WebForm> public_form(RouteContext& ctx, const Request& req) {
  auto f = ctx.services.store.find_web_form(req.matches[1].str());
  if (!f.ok()) {
    if (f.status().code() != ErrorCode::kNotFound) spdlog::error("web form: {}", f.status().to_string());
    return std::nullopt;
  }
  if (!f->enabled) return std::nullopt;
  return *std::move(f);
}

// A cross-origin request may come from the form's allowed origins only
// (exact match); a request without an Origin, or from this server itself,
// is same-origin. Sets Access-Control-Allow-Origin for an allowed one.
bool origin_admitted(const WebForm& form, const Request& req, Response& res) {
  const std::string origin = req.get_header_value("Origin");
  res.set_header("Vary", "Origin");
  if (origin.empty()) return true;
  const std::string host = req.get_header_value("Host");
  if (origin == "http://" + host || origin == "https://" + host) return true;
  if (std::find(form.origins.begin(), form.origins.end(), origin) == form.origins.end()) return false;
  res.set_header("Access-Control-Allow-Origin", origin);
  return true;
}

Status origin_refused() {
  return Status(ErrorCode::kForbidden, "this form may not be sent from that site", "Origin");
}

void get_form_page(RouteContext& ctx, const Request& req, Response& res) {
  auto form = public_form(ctx, req);
  if (!form) return send_not_found(res, true);
  send_page(res, 200, &*form, form_page({*form, ctx.services.forms.stamp(*form), {}, {}, {}}));
}

void get_form_stamp(RouteContext& ctx, const Request& req, Response& res) {
  auto form = public_form(ctx, req);
  if (!form) return send_not_found(res, false);
  if (!origin_admitted(*form, req, res)) return send_error(res, origin_refused());
  send_json(res, 200, {{"stamp", ctx.services.forms.stamp(*form)}});
}

void options_form(RouteContext& ctx, const Request& req, Response& res) {
  res.status = 204;
  auto form = public_form(ctx, req);
  if (!form || !origin_admitted(*form, req, res) || !res.has_header("Access-Control-Allow-Origin")) return;
  res.set_header("Access-Control-Allow-Methods", "GET, POST");
  res.set_header("Access-Control-Allow-Headers", "Content-Type");
  res.set_header("Access-Control-Max-Age", "600");
}

// The form's own inputs from either body (api/form_post.h); a script's
// must say it is JSON.
Result<FormPost> parse_post(const WebForm& form, const Request& req) {
  const bool urlencoded = is_form_post(req);
  if (!urlencoded) LEADLOOP_RETURN_IF_ERROR(require_json(req));
  return parse_form_post(form, urlencoded, req.body);
}

int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What a person sees when the form went in; a suspected bot sees the same.
void send_received(const WebForm& form, bool page, bool confirm_email, Response& res) {
  if (!page) {
    return send_json(res, 200,
                     {{"status", "received"},
                      {"message", form_thanks_text(form, confirm_email)},
                      {"redirect", form.redirect_url.empty() ? Json(nullptr) : Json(form.redirect_url)}});
  }
  if (!form.redirect_url.empty()) {
    res.status = 303;
    res.set_header("Location", form.redirect_url);
    res.set_header("Content-Security-Policy", page_policy(&form));
    return;
  }
  send_page(res, 200, &form, form_thanks_page(form, confirm_email));
}

// Problems the person can fix: the form again with what they entered (and
// the stamp they had: no second wait), or the first problem as JSON.
void send_problems(const WebForm& form, bool page, const FormPost& p, std::vector<FormFieldError> errors,
                   Response& res) {
  if (!page) {
    return send_error(res, Status(ErrorCode::kInvalidValue, errors.front().message, errors.front().field));
  }
  send_page(res, 422, &form, form_page({form, p.stamp, p.submission.values, p.submission.consents, std::move(errors)}));
}

void post_form_answer(RouteContext& ctx, const Request& req, Response& res) {
  const bool page = is_form_post(req);
  int64_t retry_ms = 0;
  if (ctx.form_posts && !ctx.form_posts->allow("f" + req.remote_addr, monotonic_ms(), &retry_ms)) {
    res.set_header("Retry-After", std::to_string((retry_ms + 999) / 1000));
    const Status st(ErrorCode::kTooManyRequests, "too many forms sent from this address; please try again later");
    if (!page) return send_error(res, st);
    return send_page(res, 429, nullptr, form_message_page("Please wait a moment", st.message() + "."));
  }
  auto form = public_form(ctx, req);
  if (!form) return send_not_found(res, page);
  if (!origin_admitted(*form, req, res)) {
    if (!page) return send_error(res, origin_refused());
    return send_page(res, 403, nullptr, form_message_page("Not sent", "This form may not be sent from that site."));
  }
  if (req.body.size() > kMaxFormBodyBytes) {
    return send_error(res, Status(ErrorCode::kPayloadTooLarge, "a form post is at most 64 KiB"));
  }
  auto posted = parse_post(*form, req);
  if (!posted.ok()) return send_error(res, posted.status());
  const bool confirm_email = form->double_opt_in && posted->submission.consents.count("email") > 0;
  // A bot learns nothing: it is answered as a person would be.
  const StampVerdict verdict = ctx.services.forms.check_stamp(*form, posted->stamp);
  if (!posted->honeypot.empty() || (verdict != StampVerdict::kOk && verdict != StampVerdict::kStale)) {
    ctx.services.forms.count_refusal(form->id, posted->honeypot.empty() ? verdict : StampVerdict::kOk);
    spdlog::info("web form {}: a post from {} refused as a bot ({})", form->id, req.remote_addr,
                 posted->honeypot.empty() ? stamp_verdict_name(verdict) : "honeypot");
    return send_received(*form, page, confirm_email, res);
  }
  if (verdict == StampVerdict::kStale) {
    posted->stamp = ctx.services.forms.stamp(*form);
    return send_problems(*form, page, *posted,
                         {{"", "This page was open for more than a day: please check the form and send it again."}},
                         res);
  }
  auto outcome = ctx.services.forms.submit(*form, posted->submission);
  if (!outcome.ok()) {
    spdlog::error("web form {}: {}", form->id, outcome.status().to_string());
    if (!page) return send_error(res, outcome.status());
    return send_page(res, 500, nullptr,
                     form_message_page("Not sent", "Something went wrong on our side. Please try again later."));
  }
  if (!outcome->errors.empty()) return send_problems(*form, page, *posted, std::move(outcome->errors), res);
  send_received(*form, page, outcome->confirmation_sent, res);
}

void get_confirmation(RouteContext& ctx, const Request& req, Response& res) {
  auto done = ctx.services.forms.confirm(req.matches[1].str());
  if (!done.ok()) {
    const int status = http_status(done.status().code());
    if (status >= 500) spdlog::error("web form confirmation: {}", done.status().to_string());
    return send_page(res, status, nullptr,
                     form_message_page("This link does not work",
                                       status >= 500 ? "Something went wrong on our side. Please try again later."
                                                     : done.status().message() + "."));
  }
  send_page(res, 200, nullptr,
            form_message_page("E-mail address confirmed",
                              done->granted_now ? "Thank you: your e-mail address is confirmed."
                                                : "Your e-mail address was confirmed already. Thank you."));
}

}  // namespace

std::vector<Route> form_routes() {
  return {
      {{"GET", "/api/v1/forms", true}, list_forms},
      {{"POST", "/api/v1/forms", true}, post_form},
      {{"GET", "/api/v1/forms/{id}", true}, get_form},
      {{"PUT", "/api/v1/forms/{id}", true}, put_form},
      {{"GET", "/api/v1/forms/{id}/snippet", true}, get_snippet},
      {{"GET", "/f/confirm/{token}", false}, get_confirmation},
      {{"GET", "/f/{key}", false}, get_form_page},
      {{"POST", "/f/{key}", false}, post_form_answer},
      {{"OPTIONS", "/f/{key}", false}, options_form},
      {{"GET", "/f/{key}/stamp", false}, get_form_stamp},
  };
}

}  // namespace leadloop::api
