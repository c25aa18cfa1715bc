// Nurture programmes under /api/v1/programmes (docs/nurture.md): versions
// of a programme document, activation, enrolment by hand, the report with
// its hold-out; a lead's enrolments; and the public tracking links of the
// programme mails (/t/o/{token}: a 1x1 GIF, /t/c/{token}: a 302 to the
// link the mail had, never to a target the request names).

#include <algorithm>

#include "api/request.h"
#include "api/routes.h"
#include "mail/templates.h"
#include "nurture/nurture_engine.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

Json optional_time(const std::optional<TimePoint>& t) { return t ? Json(format_time(*t)) : Json(nullptr); }

Result<NurtureEngine*> engine_of(RouteContext& ctx) {
  if (!ctx.services.nurture) return Status(ErrorCode::kNotFound, "nurture programmes are not run by this server");
  return ctx.services.nurture;
}

Json version_json(const ProgrammeRecord& r, bool with_source) {
  Json j = {{"key", r.key},
            {"version", r.version},
            {"state", r.state},
            {"name", r.name},
            {"created_at", format_time(r.created_at)},
            {"created_by", r.created_by},
            {"activated_at", optional_time(r.activated_at)},
            {"activated_by", r.activated_by.empty() ? Json(nullptr) : Json(r.activated_by)}};
  if (with_source) {
    j["source"] = r.source;
    ParsedProgramme p = parse_programme(r.source);
    Json steps = Json::array();
    if (p.programme) {
      for (const ProgrammeStep& s : p.programme->steps) {
        Json step = {{"key", s.key}, {"kind", step_kind_name(s.kind)}};
        if (s.kind == StepKind::kSend) step["template"] = s.template_name;
        steps.push_back(step);
      }
      j["holdout"] = p.programme->holdout_percent;
      j["frequency_cap"] = {{"sends", p.programme->cap_sends}, {"days", p.programme->cap_days}};
      j["goal"] = p.programme->goal_text.empty() ? Json(nullptr) : Json(p.programme->goal_text);
    }
    j["steps"] = steps;
  }
  return j;
}

Json enrolment_json(const Enrolment& e, const Programme* p) {
  Json j = {{"id", e.id},
            {"lead", e.lead_id},
            {"programme", e.programme},
            {"version", e.version},
            {"state", e.state},
            {"step", e.step},
            {"next_at", optional_time(e.next_at)},
            {"enrolled_at", format_time(e.enrolled_at)},
            {"exited_at", optional_time(e.exited_at)},
            {"exit_reason", e.exit_reason.empty() ? Json(nullptr) : Json(e.exit_reason)},
            {"sends", e.sends},
            {"last_sent_at", optional_time(e.last_sent_at)}};
  if (p) {
    j["programme_name"] = p->name;
    j["steps"] = static_cast<int64_t>(p->steps.size());
    const bool within = e.step >= 0 && e.step < static_cast<int>(p->steps.size());
    j["step_key"] = within ? Json(p->steps[static_cast<size_t>(e.step)].key) : Json(nullptr);
  }
  return j;
}

// Checks a document and that every template it sends exists.
Result<ParsedProgramme> checked(RouteContext& ctx, const std::string& source) {
  ParsedProgramme p = parse_programme(source);
  if (!p.programme) return issues_status(p.issues).with_field("source");
  for (const ProgrammeStep& s : p.programme->steps) {
    if (s.kind != StepKind::kSend) continue;
    auto t = load_template(ctx.services.store, s.template_name);
    if (!t.ok()) return Status(ErrorCode::kInvalidValue, "no mail template '" + s.template_name + "'", "source");
  }
  return p;
}

Status add_version(RouteContext& ctx, const std::string& key, const std::string& source, ProgrammeRecord& out) {
  if (!valid_programme_key(key)) {
    return Status(ErrorCode::kInvalidValue, "a programme key is 1-64 of a-z, 0-9, _ and -", "key");
  }
  auto p = checked(ctx, source);
  if (!p.ok()) return p.status();
  out.key = key;
  out.name = p->programme->name;
  out.source = source;
  out.created_at = ctx.services.clock.now();
  out.created_by = ctx.principal.actor();
  return ctx.services.store.put_programme(out);
}

void get_programmes(RouteContext& ctx, const Request&, Response& res) {
  auto all = ctx.services.store.list_programmes();
  if (!all.ok()) return send_error(res, all.status());
  // One entry per key: its newest version and its active one.
  Json items = Json::array();
  for (size_t i = 0; i < all->size();) {
    size_t j = i;
    const ProgrammeRecord* active = nullptr;
    while (j < all->size() && (*all)[j].key == (*all)[i].key) {
      if ((*all)[j].state == "active") active = &(*all)[j];
      ++j;
    }
    const ProgrammeRecord& latest = (*all)[j - 1];
    Json item = {{"key", latest.key},
                 {"name", active ? active->name : latest.name},
                 {"latest_version", latest.version},
                 {"active_version", active ? Json(active->version) : Json(nullptr)}};
    auto report = ctx.services.store.programme_report(latest.key);
    if (!report.ok()) return send_error(res, report.status());
    item["enrolled"] = report->enrolled;
    item["active_enrolments"] = report->active;
    items.push_back(item);
    i = j;
  }
  send_json(res, 200, {{"items", items}});
}

void post_programme(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, {{"key", Kind::kString}, {"source", Kind::kString}}); !st.ok()) {
    return send_error(res, st);
  }
  if (!body->contains("key")) return send_error(res, Status(ErrorCode::kMissingField, "key is required", "key"));
  if (!body->contains("source")) {
    return send_error(res, Status(ErrorCode::kMissingField, "source is required", "source"));
  }
  const std::string key = (*body)["key"].get<std::string>();
  auto existing = ctx.services.store.list_programmes();
  if (!existing.ok()) return send_error(res, existing.status());
  if (std::any_of(existing->begin(), existing->end(), [&](const ProgrammeRecord& r) { return r.key == key; })) {
    return send_error(res, Status(ErrorCode::kConflict,
                                  "programme '" + key + "' exists; add a version with POST /api/v1/programmes/" + key +
                                      "/versions",
                                  "key"));
  }
  ProgrammeRecord r;
  if (Status st = add_version(ctx, key, (*body)["source"].get<std::string>(), r); !st.ok()) return send_error(res, st);
  send_json(res, 201, version_json(r, true));
}

void get_programme(RouteContext& ctx, const Request& req, Response& res) {
  const std::string key = req.matches[1].str();
  auto all = ctx.services.store.list_programmes();
  if (!all.ok()) return send_error(res, all.status());
  Json versions = Json::array();
  Json active = nullptr;
  for (const ProgrammeRecord& r : *all) {
    if (r.key != key) continue;
    versions.push_back(version_json(r, true));
    if (r.state == "active") active = r.version;
  }
  if (versions.empty()) return send_error(res, Status(ErrorCode::kNotFound, "no programme '" + key + "'", "key"));
  send_json(res, 200, {{"key", key}, {"active_version", active}, {"versions", versions}});
}

void post_programme_version(RouteContext& ctx, const Request& req, Response& res) {
  const std::string key = req.matches[1].str();
  auto all = ctx.services.store.list_programmes();
  if (!all.ok()) return send_error(res, all.status());
  if (std::none_of(all->begin(), all->end(), [&](const ProgrammeRecord& r) { return r.key == key; })) {
    return send_error(res, Status(ErrorCode::kNotFound, "no programme '" + key + "'", "key"));
  }
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, {{"source", Kind::kString}}); !st.ok()) return send_error(res, st);
  if (!body->contains("source")) {
    return send_error(res, Status(ErrorCode::kMissingField, "source is required", "source"));
  }
  ProgrammeRecord r;
  if (Status st = add_version(ctx, key, (*body)["source"].get<std::string>(), r); !st.ok()) return send_error(res, st);
  send_json(res, 201, version_json(r, true));
}

void post_programme_activate(RouteContext& ctx, const Request& req, Response& res) {
  const std::string key = req.matches[1].str();
  auto version = path_id(req, 2, "programme version");
  if (!version.ok()) return send_error(res, version.status());
  auto rec = ctx.services.store.get_programme(key, *version);
  if (!rec.ok()) return send_error(res, rec.status());
  // Templates may have changed since the version was made.
  if (auto p = checked(ctx, rec->source); !p.ok()) return send_error(res, p.status());
  if (Status st = ctx.services.store.activate_programme(key, *version, ctx.principal.actor(), ctx.services.clock.now());
      !st.ok()) {
    return send_error(res, st);
  }
  auto now = ctx.services.store.get_programme(key, *version);
  if (!now.ok()) return send_error(res, now.status());
  send_json(res, 200, version_json(*now, true));
}

void post_enrolment(RouteContext& ctx, const Request& req, Response& res) {
  auto engine = engine_of(ctx);
  if (!engine.ok()) return send_error(res, engine.status());
  const std::string key = req.matches[1].str();
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, {{"lead", Kind::kNumber}}); !st.ok()) return send_error(res, st);
  if (!body->contains("lead") || !(*body)["lead"].is_number_integer()) {
    return send_error(res, Status(ErrorCode::kMissingField, "lead (a lead id) is required", "lead"));
  }
  auto lead = visible_lead(ctx, (*body)["lead"].get<int64_t>());
  if (!lead.ok()) return send_error(res, lead.status().with_field("lead"));
  auto e = (*engine)->enrol(lead->id, key, ctx.principal.actor());
  if (!e.ok()) return send_error(res, e.status());
  auto p = (*engine)->programme(e->programme, e->version);
  send_json(res, 201, enrolment_json(*e, p.ok() ? p->get() : nullptr));
}

void get_programme_report(RouteContext& ctx, const Request& req, Response& res) {
  const std::string key = req.matches[1].str();
  auto versions = ctx.services.store.list_programmes();
  if (!versions.ok()) return send_error(res, versions.status());
  if (std::none_of(versions->begin(), versions->end(), [&](const ProgrammeRecord& r) { return r.key == key; })) {
    return send_error(res, Status(ErrorCode::kNotFound, "no programme '" + key + "'", "key"));
  }
  auto r = ctx.services.store.programme_report(key);
  if (!r.ok()) return send_error(res, r.status());
  // Step keys of the active (else newest) version, for people.
  std::shared_ptr<const Programme> p;
  if (ctx.services.nurture) {
    auto rec = ctx.services.store.get_programme(key, 0);
    if (rec.ok()) {
      auto parsed = ctx.services.nurture->programme(key, rec->version);
      if (parsed.ok()) p = *parsed;
    }
  }
  Json at_step = Json::array();
  for (const auto& [step, n] : r->at_step) {
    const bool named = p && step >= 0 && step < static_cast<int>(p->steps.size());
    at_step.push_back({{"step", step}, {"key", named ? Json(p->steps[static_cast<size_t>(step)].key) : Json(nullptr)},
                       {"enrolments", n}});
  }
  Json exited = Json::object();
  for (const auto& [reason, n] : r->exited) exited[reason] = n;
  const int64_t treated = r->enrolled - r->holdout;
  send_json(res, 200,
            {{"programme", key},
             {"enrolled", r->enrolled},
             {"active", r->active},
             {"at_step", at_step},
             {"exited", exited},
             {"turned_hot", r->turned_hot},
             {"opted_out", r->opted_out},
             {"sends", r->sends},
             {"holdout",
              {{"enrolments", r->holdout},
               {"turned_hot", r->holdout_turned_hot},
               {"warm_to_hot", share(r->holdout_turned_hot, r->holdout)}}},
             {"treated", {{"enrolments", treated}, {"turned_hot", r->turned_hot}, {"warm_to_hot", share(r->turned_hot, treated)}}}});
}

void get_lead_enrolments(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  auto lead = visible_lead(ctx, *id);
  if (!lead.ok()) return send_error(res, lead.status());
  auto list = ctx.services.store.lead_enrolments(*id);
  if (!list.ok()) return send_error(res, list.status());
  Json items = Json::array();
  for (const Enrolment& e : *list) {
    std::shared_ptr<const Programme> p;
    if (ctx.services.nurture) {
      auto parsed = ctx.services.nurture->programme(e.programme, e.version);
      if (parsed.ok()) p = *parsed;
    }
    items.push_back(enrolment_json(e, p.get()));
  }
  send_json(res, 200, {{"items", items}});
}

// ---- tracking (public: the signed token is the authorisation) ---------------

constexpr unsigned char kPixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
                                    0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00,
                                    0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02,
                                    0x44, 0x01, 0x00, 0x3b};

void get_open_pixel(RouteContext& ctx, const Request& req, Response& res) {
  // The pixel is answered whatever happens: a mail client shows no error.
  if (ctx.services.nurture) {
    auto t = ctx.services.nurture->verify(req.matches[1].str());
    if (t.ok() && t->link < 0) (void)ctx.services.nurture->track(*t);
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_content(std::string(reinterpret_cast<const char*>(kPixel), sizeof kPixel), "image/gif");
}

void get_click(RouteContext& ctx, const Request& req, Response& res) {
  auto engine = engine_of(ctx);
  if (!engine.ok()) return send_error(res, engine.status());
  auto t = (*engine)->verify(req.matches[1].str());
  if (!t.ok() || t->link < 0) return send_error(res, Status(ErrorCode::kNotFound, "this link is not valid", "token"));
  auto target = (*engine)->track(*t);
  if (!target.ok()) return send_error(res, Status(ErrorCode::kNotFound, "this link is not valid", "token"));
  res.status = 302;
  res.set_header("Location", *target);
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", "no-referrer");
}

}  // namespace

std::vector<Route> nurture_routes() {
  return {
      {{"GET", "/api/v1/programmes", true}, get_programmes},
      {{"POST", "/api/v1/programmes", true}, post_programme},
      {{"GET", "/api/v1/programmes/{key}", true}, get_programme},
      {{"POST", "/api/v1/programmes/{key}/versions", true}, post_programme_version},
      {{"POST", "/api/v1/programmes/{key}/versions/{version}/activate", true}, post_programme_activate},
      {{"POST", "/api/v1/programmes/{key}/enrolments", true}, post_enrolment},
      {{"GET", "/api/v1/programmes/{key}/report", true}, get_programme_report},
      {{"GET", "/api/v1/leads/{id}/enrolments", true}, get_lead_enrolments},
      {{"GET", "/t/o/{token}", false}, get_open_pixel},
      {{"GET", "/t/c/{token}", false}, get_click},
  };
}

}  // namespace leadloop::api
