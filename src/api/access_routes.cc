// Sessions (sign in and out), users and API tokens (docs/security.md).
// Signing in is the one public write besides feedback links; everything
// else here is for admins (route_policy.cc).

#include "api/request.h"
#include "api/routes.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

Json roles_json(RoleSet roles) {
  Json out = Json::array();
  for (int i = 0; i < kRoleCount; ++i) {
    if (roles.has(static_cast<Role>(i))) out.push_back(role_name(static_cast<Role>(i)));
  }
  return out;
}

Json optional_time(const std::optional<TimePoint>& t) { return t ? Json(format_time(*t)) : Json(nullptr); }

void add_binding(Json& j, const AccessBinding& b) {
  j["vendor"] = b.vendor;
  j["rep"] = b.rep;
  j["team"] = b.team;
}

// `locked`: the latest lock from any address (UserDirectory::locked_until).
Json user_json(const User& u, TimePoint now, std::optional<TimePoint> locked = std::nullopt) {
  std::optional<TimePoint> until = u.locked_until && *u.locked_until > now ? u.locked_until : std::nullopt;
  if (locked && (!until || *locked > *until)) until = locked;
  Json j = {{"login", u.login},
            {"name", u.name},
            {"email", u.email},
            {"roles", roles_json(parse_roles(u.roles).value_or(RoleSet{}))},
            {"created_at", format_time(u.created_at)},
            {"disabled", u.disabled_at.has_value()},
            {"locked_until", optional_time(until)},
            {"last_login_at", optional_time(u.last_login_at)}};
  add_binding(j, u.binding);
  return j;
}

Json token_json(const ApiToken& t) {
  Json j = {{"id", t.id},
            {"roles", roles_json(parse_roles(t.role).value_or(RoleSet{}))},
            {"label", t.label},
            {"created_at", format_time(t.created_at)},
            {"expires_at", optional_time(t.expires_at)},
            {"revoked_at", optional_time(t.revoked_at)}};
  add_binding(j, t.binding);
  return j;
}

// "roles": ["marketing", "sales_manager"] or "marketing,sales_manager".
Result<RoleSet> roles_field(const Json& body) {
  std::string text;
  if (body["roles"].is_string()) {
    text = body["roles"].get<std::string>();
  } else if (body["roles"].is_array()) {
    for (const Json& r : body["roles"]) text += (text.empty() ? "" : ",") + r.get<std::string>();
  }
  std::string bad;
  auto roles = parse_roles(text, &bad);
  if (!roles) {
    return Status(ErrorCode::kInvalidValue, "unknown role '" + bad + "'; roles are: " + std::string(role_names()),
                  "roles");
  }
  return *roles;
}

AccessBinding binding_field(const Json& body) {
  AccessBinding b;
  if (body.contains("vendor")) b.vendor = body["vendor"].get<std::string>();
  if (body.contains("rep")) b.rep = body["rep"].get<std::string>();
  if (body.contains("team")) b.team = body["team"].get<std::string>();
  return b;
}

std::string cookie(const RouteContext& ctx, const Request& req, std::string_view value, int64_t max_age_s) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(value) +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_s);
  if (ctx.config.behind_tls || req.get_header_value("X-Forwarded-Proto") == "https") c += "; Secure";
  return c;
}

// ---- sessions -----------------------------------------------------------------

void post_session(RouteContext& ctx, const Request& req, Response& res) {
  // Only a declared JSON body: another site's page can post a form or a
  // body without a type, never application/json without the browser asking
  // this server first, so it cannot sign a visitor into its own account.
  if (!req.get_header_value("Content-Type").starts_with("application/json")) {
    return send_error(res, Status(ErrorCode::kUnsupportedMediaType,
                                  "sign in with a JSON body and 'Content-Type: application/json'"));
  }
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, {{"login", Kind::kString}, {"password", Kind::kString}}); !st.ok()) {
    return send_error(res, st);
  }
  for (const char* f : {"login", "password"}) {
    if (!body->contains(f)) return send_error(res, Status(ErrorCode::kMissingField, std::string(f) + " is required", f));
  }
  auto s = ctx.services.users.login((*body)["login"].get<std::string>(), (*body)["password"].get<std::string>(),
                                    req.remote_addr);
  if (!s.ok()) return send_error(res, s.status());
  const TimePoint now = ctx.services.clock.now();
  res.set_header("Set-Cookie",
                 cookie(ctx, req, s->secret, (s->session.expires_at - now) / kMillisPerSecond));
  Json j = {{"login", s->principal.label},
            {"roles", roles_json(s->principal.roles)},
            {"csrf_token", s->session.csrf},
            {"expires_at", format_time(s->session.expires_at)}};
  add_binding(j, s->principal.binding);
  send_json(res, 201, j);
}

void get_session(RouteContext& ctx, const Request&, Response& res) {
  const Principal& p = ctx.principal;
  Json j = {{"actor", p.actor()}, {"kind", p.is_session() ? "session" : "token"}, {"roles", roles_json(p.roles)}};
  add_binding(j, p.binding);
  if (p.is_session()) {
    j["login"] = p.label;
    j["csrf_token"] = p.csrf;
  }
  send_json(res, 200, j);
}

void post_logout(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = ctx.services.users.logout(ctx.principal); !st.ok()) return send_error(res, st);
  if (ctx.principal.is_session()) res.set_header("Set-Cookie", cookie(ctx, req, "", 0));
  send_json(res, 200, {{"signed_out", ctx.principal.is_session()}});
}

// ---- users --------------------------------------------------------------------

constexpr std::initializer_list<std::pair<const char*, Kind>> kUserFields = {
    {"login", Kind::kString}, {"name", Kind::kString}, {"password", Kind::kString}, {"roles", Kind::kStringList},
    {"vendor", Kind::kString}, {"rep", Kind::kString},  {"team", Kind::kString},     {"disabled", Kind::kBool},
    {"email", Kind::kString}};

// "roles" may also be one comma-separated string.
Status check_user_fields(Json body) {
  if (body.contains("roles") && body["roles"].is_string()) body["roles"] = Json::array({body["roles"]});
  return check_fields(body, kUserFields);
}

void get_users(RouteContext& ctx, const Request&, Response& res) {
  auto users = ctx.services.store.list_users();
  if (!users.ok()) return send_error(res, users.status());
  Json list = Json::array();
  const TimePoint now = ctx.services.clock.now();
  for (const User& u : *users) list.push_back(user_json(u, now, ctx.services.users.locked_until(u.id)));
  send_json(res, 200, {{"users", list}});
}

void post_user(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_user_fields(*body); !st.ok()) return send_error(res, st);
  for (const char* f : {"login", "password", "roles"}) {
    if (!body->contains(f)) return send_error(res, Status(ErrorCode::kMissingField, std::string(f) + " is required", f));
  }
  if (body->contains("disabled")) {
    return send_error(res, Status(ErrorCode::kUnknownField, "a new user is enabled; disable with PUT", "disabled"));
  }
  auto roles = roles_field(*body);
  if (!roles.ok()) return send_error(res, roles.status());
  NewUser n{(*body)["login"].get<std::string>(), body->value("name", ""), (*body)["password"].get<std::string>(),
            *roles, binding_field(*body)};
  // Checked before the user is added, set right after.
  if (Status st = check_user_email(body->value("email", "")); !st.ok()) return send_error(res, st);
  auto u = ctx.services.users.add(std::move(n));
  if (!u.ok()) return send_error(res, u.status());
  if (body->contains("email")) {
    UserChange c;
    c.email = (*body)["email"].get<std::string>();
    u = ctx.services.users.change(u->login, c);
    if (!u.ok()) return send_error(res, u.status());
  }
  res.set_header("Location", "/api/v1/users/" + u->login);
  send_json(res, 201, user_json(*u, ctx.services.clock.now()));
}

void put_user(RouteContext& ctx, const Request& req, Response& res) {
  const std::string login = req.matches[1].str();
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_user_fields(*body); !st.ok()) return send_error(res, st);
  if (body->contains("login")) {
    return send_error(res, Status(ErrorCode::kInvalidValue, "a login does not change; add a new user", "login"));
  }
  UserChange c;
  if (body->contains("name")) c.name = (*body)["name"].get<std::string>();
  if (body->contains("password")) c.password = (*body)["password"].get<std::string>();
  if (body->contains("disabled")) c.disabled = (*body)["disabled"].get<bool>();
  if (body->contains("email")) c.email = (*body)["email"].get<std::string>();
  if (body->contains("roles")) {
    auto roles = roles_field(*body);
    if (!roles.ok()) return send_error(res, roles.status());
    c.roles = *roles;
  }
  if (body->contains("vendor") || body->contains("rep") || body->contains("team")) c.binding = binding_field(*body);
  // An admin cannot lock themselves out: no disabling or demoting oneself.
  if (ctx.principal.user_id) {
    auto target = ctx.services.store.find_user(login);
    if (target.ok() && target->id == ctx.principal.user_id) {
      if (c.disabled && *c.disabled) {
        return send_error(res, Status(ErrorCode::kConflict, "you cannot disable yourself", "disabled"));
      }
      if (c.roles && !c.roles->has(Role::kAdmin)) {
        return send_error(res, Status(ErrorCode::kConflict, "you cannot take away your own admin role", "roles"));
      }
    }
  }
  auto u = ctx.services.users.change(login, c);
  if (!u.ok()) return send_error(res, u.status());
  send_json(res, 200, user_json(*u, ctx.services.clock.now()));
}

// ---- API tokens -----------------------------------------------------------------

void get_tokens(RouteContext& ctx, const Request&, Response& res) {
  auto tokens = ctx.services.store.list_tokens();
  if (!tokens.ok()) return send_error(res, tokens.status());
  Json list = Json::array();
  for (const ApiToken& t : *tokens) list.push_back(token_json(t));
  send_json(res, 200, {{"tokens", list}});
}

void post_token(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  Json checked = *body;
  if (checked.contains("roles") && checked["roles"].is_string()) checked["roles"] = Json::array({checked["roles"]});
  if (Status st = check_fields(checked, {{"roles", Kind::kStringList},
                                         {"label", Kind::kString},
                                         {"expires_in_days", Kind::kNumber},
                                         {"vendor", Kind::kString},
                                         {"rep", Kind::kString},
                                         {"team", Kind::kString}});
      !st.ok()) {
    return send_error(res, st);
  }
  if (!body->contains("roles")) return send_error(res, Status(ErrorCode::kMissingField, "roles are required", "roles"));
  auto roles = roles_field(*body);
  if (!roles.ok()) return send_error(res, roles.status());
  std::optional<TimePoint> expires;
  if (body->contains("expires_in_days")) {
    double days = (*body)["expires_in_days"].get<double>();
    if (!(days > 0 && days <= 3650)) {
      return send_error(res, Status(ErrorCode::kInvalidValue, "expires_in_days is from 0 to 3650", "expires_in_days"));
    }
    expires = ctx.services.clock.now() + static_cast<TimePoint>(days * static_cast<double>(kMillisPerDay));
  }
  auto t = ctx.services.tokens.create(*roles, body->value("label", ""), expires, binding_field(*body));
  if (!t.ok()) return send_error(res, t.status());
  Json j = token_json(t->record);
  j["token"] = t->secret;  // shown once
  res.set_header("Location", "/api/v1/tokens/" + std::to_string(t->record.id));
  send_json(res, 201, j);
}

void post_token_revoke(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "token");
  if (!id.ok()) return send_error(res, id.status());
  if (Status st = ctx.services.tokens.revoke(*id); !st.ok()) return send_error(res, st);
  send_json(res, 200, {{"id", *id}, {"revoked", true}});
}

}  // namespace

std::vector<Route> access_routes() {
  return {
      {{"POST", "/api/v1/session", false}, post_session},
      {{"GET", "/api/v1/session", true}, get_session},
      {{"POST", "/api/v1/session/logout", true}, post_logout},
      {{"GET", "/api/v1/users", true}, get_users},
      {{"POST", "/api/v1/users", true}, post_user},
      {{"PUT", "/api/v1/users/{login}", true}, put_user},
      {{"GET", "/api/v1/tokens", true}, get_tokens},
      {{"POST", "/api/v1/tokens", true}, post_token},
      {{"POST", "/api/v1/tokens/{id}/revoke", true}, post_token_revoke},
  };
}

}  // namespace leadloop::api
