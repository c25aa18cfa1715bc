// E-mail (docs/email.md): the SMTP settings, the templates, each person's
// notification choices, bounce and complaint notices, and the one-click
// unsubscribe page behind the List-Unsubscribe link of mail to leads.

#include <spdlog/spdlog.h>

#include "domain/html.h"
#include "api/request.h"
#include "api/routes.h"
#include "engine/consent.h"
#include "mail/bounces.h"
#include "mail/notifications.h"
#include "mail/settings.h"
#include "mail/templates.h"
#include "mail/unsubscribe.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

// ---- settings ----------------------------------------------------------------

void get_mail_settings(RouteContext& ctx, const Request&, Response& res) {
  auto stored = load_mail_settings(ctx.services.store);
  if (!stored.ok()) return send_error(res, stored.status());
  const bool from_command_line = ctx.config.mail.configured();
  Json out = mail_settings_json(from_command_line ? ctx.config.mail : *stored);
  out["stored"] = mail_settings_json(*stored);
  send_json(res, 200, out);
}

void put_mail_settings(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  auto stored = load_mail_settings(ctx.services.store);
  if (!stored.ok()) return send_error(res, stored.status());
  auto next = parse_mail_settings(*body, *stored);
  if (!next.ok()) return send_error(res, next.status());
  next->source = next->configured() ? "settings" : "";
  if (Status st = save_mail_settings(ctx.services.store, *next); !st.ok()) return send_error(res, st);
  // In force at once, unless serve --smtp wins over the stored setting.
  const bool in_force = ctx.services.mail && ctx.services.mail->replace(*next);
  spdlog::info("mail: settings changed by {}: {}{}", ctx.principal.actor(), next->smtp.redacted_url(),
               in_force ? ", in force now" : "");
  if (in_force && ctx.services.deliveries) ctx.services.deliveries->wake();
  Json out = mail_settings_json(*next);
  out["overridden_by_command_line"] = ctx.config.mail.configured();
  out["in_force"] = in_force;
  send_json(res, 200, out);
}

// ---- templates ---------------------------------------------------------------

Json template_json(const MailTemplate& t) {
  return {{"name", t.name},
          {"subject", t.subject},
          {"text", t.text},
          {"html", t.html},
          {"variables", template_variables(t.name)},
          {"stored", t.stored},
          {"updated_by", t.stored ? Json(t.updated_by) : Json(nullptr)},
          {"updated_at", t.stored ? Json(format_time(t.updated_at)) : Json(nullptr)}};
}

void get_mail_template(RouteContext& ctx, const Request& req, Response& res) {
  auto t = load_template(ctx.services.store, req.matches[1].str());
  if (!t.ok()) return send_error(res, t.status());
  send_json(res, 200, template_json(*t));
}

void put_mail_template(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, {{"subject", Kind::kString}, {"text", Kind::kString}, {"html", Kind::kString}});
      !st.ok()) {
    return send_error(res, st);
  }
  auto t = load_template(ctx.services.store, req.matches[1].str());
  if (!t.ok()) return send_error(res, t.status());
  t->subject = body->value("subject", t->subject);
  t->text = body->value("text", t->text);
  t->html = body->value("html", t->html);
  const TimePoint now = ctx.services.clock.now();
  if (Status st = save_template(ctx.services.store, *t, ctx.principal.actor(), now); !st.ok()) {
    return send_error(res, st);
  }
  auto saved = load_template(ctx.services.store, t->name);
  if (!saved.ok()) return send_error(res, saved.status());
  send_json(res, 200, template_json(*saved));
}

// ---- my notifications --------------------------------------------------------

// Whose choices: a person bound to a rep gets the rep's mail, so chooses
// for the rep; anyone else for themself.
std::string person_of(const Principal& p) {
  return p.binding.rep.empty() ? p.actor() : "rep:" + p.binding.rep;
}

Json prefs_json(const std::string& person, const NotificationPrefs& prefs) {
  Json kinds = Json::object();
  for (const auto& [kind, on] : prefs) kinds[kind] = on;
  return {{"person", person}, {"notifications", kinds}};
}

void get_my_notifications(RouteContext& ctx, const Request&, Response& res) {
  const std::string person = person_of(ctx.principal);
  auto prefs = load_notification_prefs(ctx.services.store, person);
  if (!prefs.ok()) return send_error(res, prefs.status());
  send_json(res, 200, prefs_json(person, *prefs));
}

void put_my_notifications(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  NotificationPrefs changes;
  for (const auto& [kind, on] : body->items()) {
    if (!on.is_boolean()) return send_error(res, Status(ErrorCode::kWrongType, kind + " must be true or false", kind));
    changes[kind] = on.get<bool>();
  }
  const std::string person = person_of(ctx.principal);
  auto prefs = save_notification_prefs(ctx.services.store, person, changes);
  if (!prefs.ok()) return send_error(res, prefs.status());
  send_json(res, 200, prefs_json(person, *prefs));
}

// ---- bounces and complaints --------------------------------------------------

void post_mail_event(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, {{"email", Kind::kString},
                                       {"kind", Kind::kString},
                                       {"permanent", Kind::kBool},
                                       {"detail", Kind::kString}});
      !st.ok()) {
    return send_error(res, st);
  }
  MailNotice n{body->value("email", ""), body->value("kind", ""), body->value("permanent", false),
               body->value("detail", "")};
  ConsentDesk desk(ctx.services.store, ctx.services.clock, ctx.services.intake, ctx.services.definitions.active(),
                   &ctx.services.router);
  auto out = record_mail_notice(ctx.services.store, ctx.services.clock, desk, n, ctx.principal.actor());
  if (!out.ok()) return send_error(res, out.status());
  send_json(res, 201,
            {{"id", out->event.id},
             {"email", out->event.email},
             {"kind", out->event.kind},
             {"permanent", out->event.permanent},
             {"at", format_time(out->event.at)},
             {"leads", out->matched},
             {"denied", out->denied}});
}

// ---- one-click unsubscribe (RFC 8058) ----------------------------------------

constexpr const char* kPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void send_page(Response& res, int status, const std::string& title, const std::string& body_html) {
  res.status = status;
  res.set_header("Content-Security-Policy", kPagePolicy);
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
  res.set_content(html_document(title,
                                "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
                                "button{font-size:1rem;padding:.5rem 1rem}",
                                "<main>\n<h1>" + html_escape(title) + "</h1>\n" + body_html + "</main>"),
                  "text/html; charset=utf-8");
}

// The confirm page: GET changes nothing (mail scanners follow links).
void get_unsubscribe(RouteContext& ctx, const Request& req, Response& res) {
  const std::string token = req.matches[1].str();
  auto target = ctx.services.unsubscribe.verify(token);
  if (!target.ok()) {
    return send_page(res, 404, "Link not valid",
                     "<p>This unsubscribe link is not valid. Please use the link from the latest mail.</p>\n");
  }
  send_page(res, 200, "Unsubscribe",
            "<p>Stop e-mail from us to this address?</p>\n<form method=\"post\" action=\"/u/" + html_escape(token) +
                "\">\n<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
                "<button type=\"submit\">Unsubscribe</button>\n</form>\n");
}

// RFC 8058: the body says List-Unsubscribe=One-Click, as a form in either
// encoding; no credentials, no CSRF token (the signed link is the proof).
bool one_click_body(const std::string& body) {
  return body.find("List-Unsubscribe=One-Click") != std::string::npos ||
         (body.find("name=\"List-Unsubscribe\"") != std::string::npos && body.find("One-Click") != std::string::npos);
}

void post_unsubscribe(RouteContext& ctx, const Request& req, Response& res) {
  const std::string token = req.matches[1].str();
  if (!one_click_body(req.body)) {
    return send_error(res, Status(ErrorCode::kInvalidValue,
                                  "the body must be List-Unsubscribe=One-Click (RFC 8058)", "List-Unsubscribe"));
  }
  ConsentDesk desk(ctx.services.store, ctx.services.clock, ctx.services.intake, ctx.services.definitions.active(),
                   &ctx.services.router);
  auto answer = ctx.services.unsubscribe.unsubscribe(token, desk);
  if (!answer.ok()) {
    // A lead erased since: the link names nobody any more.
    const Status& st = answer.status();
    return send_error(res, st.code() == ErrorCode::kNotFound
                               ? Status(ErrorCode::kNotFound, "this unsubscribe link is not valid", "token")
                               : st);
  }
  if (req.get_header_value("Accept").find("text/html") != std::string::npos) {
    return send_page(res, 200, "Unsubscribed", "<p>You will get no more e-mail from us at this address.</p>\n");
  }
  send_json(res, 200, {{"unsubscribed", true}, {"channel", "email"}, {"changed", answer->changed}});
}

}  // namespace

std::vector<Route> mail_routes() {
  return {
      {{"GET", "/api/v1/settings/mail", true}, get_mail_settings},
      {{"PUT", "/api/v1/settings/mail", true}, put_mail_settings},
      {{"GET", "/api/v1/mail/templates/{name}", true}, get_mail_template},
      {{"PUT", "/api/v1/mail/templates/{name}", true}, put_mail_template},
      {{"GET", "/api/v1/me/notifications", true}, get_my_notifications},
      {{"PUT", "/api/v1/me/notifications", true}, put_my_notifications},
      {{"POST", "/api/v1/mail/events", true}, post_mail_event},
      {{"GET", "/u/{token}", false}, get_unsubscribe},
      {{"POST", "/u/{token}", false}, post_unsubscribe},
  };
}

}  // namespace leadloop::api
