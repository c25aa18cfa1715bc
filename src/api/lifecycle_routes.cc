// Routes of the lifecycle: stage transitions, touches on a lead, the
// dissemination queue and assignment, teams and reps, the outbox and the
// follow-up timers.

#include <cmath>

#include "api/errors.h"
#include "api/request.h"
#include "api/routes.h"
#include "domain/normalize.h"

namespace leadloop::api {

namespace {

using http::Request;
using http::Response;

// Who may enter feedback on behalf of a rep.
constexpr RoleSet kManagers = {Role::kAdmin, Role::kMarketing, Role::kSalesManager};

Result<int64_t> amount_cents(const Json& body, const char* key) {
  double v = body[key].get<double>();
  if (!(v >= 0 && v <= 1e13)) return Status(ErrorCode::kInvalidValue, std::string(key) + " must be an amount from 0 up", key);
  return std::llround(v * 100);
}

// ---- transitions and touches ------------------------------------------------

Result<TransitionInput> parse_transition(const Json& body) {
  LEADLOOP_RETURN_IF_ERROR(check_fields(body, {{"to", Kind::kString},
                                               {"reason", Kind::kString},
                                               {"note", Kind::kString},
                                               {"amount", Kind::kNumber},
                                               {"revenue", Kind::kNumber},
                                               {"expected_close", Kind::kString},
                                               {"on_behalf_of", Kind::kString}}));
  if (!body.contains("to")) return Status(ErrorCode::kMissingField, "say which stage: to", "to");
  TransitionInput in;
  auto to = parse_stage(body["to"].get<std::string>());
  if (!to) {
    return Status(ErrorCode::kInvalidValue, "unknown stage '" + body["to"].get<std::string>() + "'", "to");
  }
  in.to = *to;
  in.reason = body.value("reason", "");
  in.note = body.value("note", "");
  in.on_behalf_of = body.value("on_behalf_of", "");
  if (in.note.size() > 4000) return Status(ErrorCode::kInvalidValue, "note is longer than 4000 characters", "note");
  if (body.contains("amount")) {
    auto v = amount_cents(body, "amount");
    if (!v.ok()) return v.status();
    in.amount_cents = *v;
  }
  if (body.contains("revenue")) {
    auto v = amount_cents(body, "revenue");
    if (!v.ok()) return v.status();
    in.revenue_cents = *v;
  }
  if (body.contains("expected_close")) {
    auto t = parse_time(body["expected_close"].get<std::string>());
    if (!t.ok()) {
      return Status(ErrorCode::kInvalidValue, "expected_close must be a date such as 2026-09-30", "expected_close");
    }
    in.expected_close = *t;
  }
  return in;
}

void post_transition(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  if (auto seen = visible_lead(ctx, *id); !seen.ok()) return send_error(res, seen.status().with_field("id"));
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  auto in = parse_transition(*body);
  if (!in.ok()) return send_error(res, in.status());
  // Feedback entered for someone else: a campaign owner or manager for a rep.
  if (!in->on_behalf_of.empty()) {
    if (Status st = require_role(ctx, kManagers); !st.ok()) return send_error(res, st.with_field("on_behalf_of"));
  }
  auto lead = ctx.services.lifecycle.transition(*id, *in, ctx.principal.actor());
  if (!lead.ok()) return send_error(res, lead.status().code() == ErrorCode::kNotFound ? lead.status().with_field("id") : lead.status());
  send_json(res, 200, to_json(*lead));
}

void post_lead_touch(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  auto lead = visible_lead(ctx, *id);
  if (!lead.ok()) return send_error(res, lead.status().with_field("id"));
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  auto in = parse_touch(req.body);
  if (!in.ok()) return send_error(res, in.status());
  if (in->touch.lead_id != 0 && in->touch.lead_id != *id) {
    return send_error(res, Status(ErrorCode::kInvalidValue, "the body names another lead than the path", "lead"));
  }
  in->touch.lead_id = *id;
  if (in->touch.campaign.empty()) in->touch.campaign = lead->source_campaign;
  if (Status own = require_touch_campaign(ctx, in->touch.campaign); !own.ok()) return send_error(res, own);
  auto t = ctx.services.intake.log_touch(std::move(in).value(), ctx.principal.actor());
  if (!t.ok()) return send_error(res, t.status());
  send_json(res, 201, to_json(*t));
}

// ---- many moves at once (a history, a day's outcomes) -----------------------

// The lead an item names by id, external_id or email, if the caller may see
// it: one lead, or an error naming the field.
Result<int64_t> resolve_item_lead(RouteContext& ctx, const Json& item) {
  const int named = int(item.contains("lead")) + int(item.contains("external_id")) + int(item.contains("email"));
  if (named != 1) {
    return Status(ErrorCode::kMissingField, "name the lead by one of: lead (its id), external_id or email", "lead");
  }
  if (item.contains("lead")) {
    const Json& v = item["lead"];
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) return Status(ErrorCode::kWrongType, "lead must be a lead id", "lead");
    auto lead = visible_lead(ctx, v.get<int64_t>());
    if (!lead.ok()) return lead.status().with_field("lead");
    return lead->id;
  }
  const bool by_external = item.contains("external_id");
  const char* field = by_external ? "external_id" : "email";
  if (!item[field].is_string()) return Status(ErrorCode::kWrongType, std::string(field) + " must be a string", field);
  const std::string text(trim(item[field].get<std::string>()));
  const std::string key = by_external ? text : email_key(text);
  const KeyKind kind = by_external ? KeyKind::kExternalId : KeyKind::kEmail;
  std::vector<int64_t> seen;
  for (int64_t id : ctx.services.intake.find_keys(kind, key)) {
    auto lead = ctx.services.store.get_lead(id);
    if (!lead.ok() || lead_key(*lead, kind) != key || !require_lead(ctx, *lead).ok()) continue;
    seen.push_back(id);
  }
  if (seen.empty()) return Status(ErrorCode::kNotFound, "no lead with " + std::string(field) + " '" + text + "'", field);
  if (seen.size() > 1) {
    return Status(ErrorCode::kInvalidValue,
                  std::to_string(seen.size()) + " leads have " + field + " '" + text + "'; name the lead by its id",
                  field);
  }
  return seen.front();
}

// One item: the lead, when it happened and the move (the fields of a
// single transition).
Result<RecordedMove> parse_recorded_move(RouteContext& ctx, const Json& item) {
  if (!item.is_object()) return Status(ErrorCode::kWrongType, "each transition is an object");
  RecordedMove mv;
  auto lead = resolve_item_lead(ctx, item);
  if (!lead.ok()) return lead.status();
  mv.lead_id = *lead;
  Json rest = item;
  for (const char* key : {"lead", "external_id", "email", "at"}) rest.erase(key);
  auto in = parse_transition(rest);
  if (!in.ok()) return in.status();
  mv.input = std::move(in).value();
  if (item.contains("at")) {
    if (!item["at"].is_string()) return Status(ErrorCode::kWrongType, "at must be a time such as 2012-05-08T10:30:00Z", "at");
    auto at = parse_time(item["at"].get<std::string>());
    if (!at.ok()) return at.status().with_field("at");
    mv.at = *at;
  }
  if (!mv.input.on_behalf_of.empty()) {
    if (Status st = require_role(ctx, kManagers); !st.ok()) return st.with_field("on_behalf_of");
  }
  return mv;
}

// Many moves in one request, each at the time it happened: a history of
// outcomes, or a day's results from another system. One result per item;
// a refused item leaves the others stored.
void post_transitions_bulk(RouteContext& ctx, const Request& req, Response& res) {
  if (Status st = require_json(req); !st.ok()) return send_error(res, st);
  if (Status st = check_json_limits(req.body); !st.ok()) return send_error(res, st);
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_object() && body.contains("transitions")) body = body["transitions"];
  if (!body.is_array()) {
    return send_error(res, Status(ErrorCode::kInvalidJson, "send an array of transitions or {\"transitions\": [...]}",
                                  "transitions"));
  }
  if (body.size() > ctx.config.max_batch) {
    return send_error(res, Status(ErrorCode::kPayloadTooLarge,
                                  "a batch holds at most " + std::to_string(ctx.config.max_batch) +
                                      " transitions, this one has " + std::to_string(body.size()),
                                  "transitions"));
  }
  std::vector<Status> refused(body.size());
  std::vector<RecordedMove> moves;
  std::vector<size_t> item_of;  // move -> item
  moves.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    auto mv = parse_recorded_move(ctx, body[i]);
    if (!mv.ok()) {
      refused[i] = mv.status();
      continue;
    }
    moves.push_back(std::move(mv).value());
    item_of.push_back(i);
  }
  auto out = ctx.services.lifecycle.record(moves, ctx.principal.actor());
  if (!out.ok()) return send_error(res, out.status());
  std::vector<const RecordedOutcome*> outcome(body.size(), nullptr);
  std::vector<int64_t> lead_of(body.size(), 0);
  for (size_t k = 0; k < moves.size(); ++k) {
    outcome[item_of[k]] = &(*out)[k];
    lead_of[item_of[k]] = moves[k].lead_id;
  }
  int64_t recorded = 0;
  Json results = Json::array();
  for (size_t i = 0; i < body.size(); ++i) {
    const Status& error = outcome[i] ? outcome[i]->error : refused[i];
    Json r = {{"index", i}, {"status", error.ok() ? "recorded" : "rejected"}};
    if (lead_of[i]) r["lead"] = lead_of[i];
    if (error.ok()) {
      r["stage"] = stage_name(outcome[i]->stage);
      ++recorded;
    } else {
      r["error"] = to_json(error);
    }
    results.push_back(std::move(r));
  }
  send_json(res, 200, {{"recorded", recorded},
                       {"rejected", static_cast<int64_t>(body.size()) - recorded},
                       {"results", results}});
}

// ---- queue and assignment ------------------------------------------------------

Json outcome_json(const AssignOutcome& o) {
  Json j = {{"lead", o.lead_id}};
  if (o.error.ok()) {
    j["owner"] = o.owner;
  } else {
    j["error"] = to_json(o.error);
  }
  return j;
}

void get_queue(RouteContext& ctx, const Request& req, Response& res) {
  auto limit = int_param(req, "limit", 50, 1, 1000);
  if (!limit.ok()) return send_error(res, limit.status());
  auto after = int_param(req, "cursor", 0, 0, INT64_MAX);
  if (!after.ok()) return send_error(res, after.status());
  const std::string campaign = req.get_param_value("campaign");
  if (!campaign.empty() && !ctx.services.campaigns.contains(campaign)) {
    return send_error(res, Status(ErrorCode::kUnknownCampaign, "no campaign with key '" + campaign + "'", "campaign"));
  }
  // Dispatch's queue under the caller's scope: a team's manager gets the
  // unowned leads of the team's region only.
  LeadFilter f = Dispatch::queue_filter(campaign);
  f.after_id = *after;
  f.limit = static_cast<int>(*limit);
  ctx.services.policy.lead_scope(ctx.principal).restrict(f);
  auto leads = ctx.services.store.list_leads(f);
  if (!leads.ok()) return send_error(res, leads.status());
  Json list = Json::array();
  for (const Lead& l : *leads) list.push_back(to_json(l));
  Json body = {{"leads", list}, {"next_cursor", nullptr}};
  if (static_cast<int64_t>(leads->size()) == *limit) body["next_cursor"] = leads->back().id;
  send_json(res, 200, body);
}

Result<AssignRequest> parse_assign(const Json& body, bool with_ids) {
  if (with_ids) {
    LEADLOOP_RETURN_IF_ERROR(
        check_fields(body, {{"leads", Kind::kIdList}, {"rep", Kind::kString}, {"reason", Kind::kString}}));
  } else {
    LEADLOOP_RETURN_IF_ERROR(check_fields(body, {{"rep", Kind::kString}, {"reason", Kind::kString}}));
  }
  AssignRequest r;
  r.rep = body.value("rep", "");
  r.reason = body.value("reason", "");
  if (with_ids) {
    if (!body.contains("leads") || body["leads"].empty()) {
      return Status(ErrorCode::kMissingField, "give the ids of the leads to assign: leads", "leads");
    }
    if (body["leads"].size() > 10000) {
      return Status(ErrorCode::kPayloadTooLarge, "at most 10000 leads per call", "leads");
    }
    for (const auto& id : body["leads"]) r.lead_ids.push_back(id.get<int64_t>());
  }
  return r;
}

// A manager bound to a team assigns to its reps only.
Status assign_target(const RouteContext& ctx, const AssignRequest& r) {
  const Principal& p = ctx.principal;
  if (p.has(Role::kAdmin) || p.has(Role::kMarketing) || p.binding.team.empty() || r.rep.empty()) return Status();
  auto rep = ctx.services.router.find_rep(r.rep);
  if (rep && rep->team != p.binding.team) {
    return Status(ErrorCode::kForbidden, "you assign to the reps of team '" + p.binding.team + "' only", "rep");
  }
  return Status();
}

void post_assignment(RouteContext& ctx, const Request& req, Response& res) {
  auto id = path_id(req, 1, "lead");
  if (!id.ok()) return send_error(res, id.status());
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  auto r = parse_assign(*body, false);
  if (!r.ok()) return send_error(res, r.status());
  if (auto seen = visible_lead(ctx, *id); !seen.ok()) return send_error(res, seen.status().with_field("id"));
  if (Status to = assign_target(ctx, *r); !to.ok()) return send_error(res, to);
  r->lead_ids = {*id};
  auto out = ctx.services.dispatch.assign(*r, ctx.principal.actor());
  if (!out.ok()) return send_error(res, out.status());
  const AssignOutcome& o = out->front();
  if (!o.error.ok()) return send_error(res, o.error.code() == ErrorCode::kNotFound ? o.error.with_field("id") : o.error);
  auto lead = ctx.services.store.get_lead(*id);
  if (!lead.ok()) return send_error(res, lead.status());
  send_json(res, 200, to_json(*lead));
}

void post_assignments(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  auto r = parse_assign(*body, true);
  if (!r.ok()) return send_error(res, r.status());
  if (Status to = assign_target(ctx, *r); !to.ok()) return send_error(res, to);
  // A manager of one team assigns the leads they can see; the others are
  // refused as unknown, in the order asked.
  std::vector<int64_t> asked = r->lead_ids;
  std::vector<AssignOutcome> hidden;
  if (!ctx.services.policy.lead_scope(ctx.principal).all) {
    r->lead_ids.clear();
    for (int64_t id : asked) {
      auto seen = visible_lead(ctx, id);
      if (seen.ok()) {
        r->lead_ids.push_back(id);
      } else {
        AssignOutcome o;
        o.lead_id = id;
        o.error = seen.status();
        hidden.push_back(std::move(o));
      }
    }
  }
  // Only leads out of the caller's scope: each refused, nothing to assign.
  Result<std::vector<AssignOutcome>> out = std::vector<AssignOutcome>{};
  if (!r->lead_ids.empty() || hidden.empty()) out = ctx.services.dispatch.assign(*r, ctx.principal.actor());
  if (!out.ok()) return send_error(res, out.status());
  Json results = Json::array();
  int64_t assigned = 0;
  size_t next_done = 0, next_hidden = 0;
  for (int64_t id : asked) {
    const AssignOutcome* o = nullptr;
    if (next_hidden < hidden.size() && hidden[next_hidden].lead_id == id) {
      o = &hidden[next_hidden++];
    } else if (next_done < out->size()) {
      o = &(*out)[next_done++];
    }
    if (!o) continue;
    results.push_back(outcome_json(*o));
    if (o->error.ok()) ++assigned;
  }
  send_json(res, 200, {{"assigned", assigned}, {"refused", static_cast<int64_t>(results.size()) - assigned},
                       {"results", results}});
}

// ---- teams and reps ----------------------------------------------------------------

Json team_json(const Team& t) {
  return {{"key", t.key}, {"name", t.name}, {"region", t.region}, {"manager", t.manager}};
}

Json rep_json(const Rep& r, int64_t open) {
  return {{"key", r.key},        {"name", r.name},      {"email", r.email},   {"team", r.team},
          {"region", r.region},  {"capacity", r.capacity}, {"away", r.away}, {"active", r.active},
          {"open_leads", open}};
}

// A sales manager bound to a team runs that team only: its reps, and no
// other team (so they cannot widen their own scope by moving reps in).
// Admins and unbound managers run the whole floor.
Status require_floor(const RouteContext& ctx, const std::string& team) {
  const Principal& p = ctx.principal;
  if (p.has(Role::kAdmin) || p.binding.team.empty()) return Status();
  if (team == p.binding.team) return Status();
  return Status(ErrorCode::kForbidden, "you manage team '" + p.binding.team + "' only", "team");
}

Status check_key(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].get<std::string>().empty()) {
    return Status(ErrorCode::kMissingField, std::string(field) + " is required", field);
  }
  const std::string key = body[field].get<std::string>();
  if (key.size() > 64 || key.find_first_of(" \t\r\n/") != std::string::npos) {
    return Status(ErrorCode::kInvalidValue, std::string(field) + " must be up to 64 characters without spaces or /",
                  field);
  }
  return Status();
}

void get_teams(RouteContext& ctx, const Request&, Response& res) {
  auto teams = ctx.services.store.list_teams();
  if (!teams.ok()) return send_error(res, teams.status());
  Json list = Json::array();
  for (const auto& t : *teams) list.push_back(team_json(t));
  send_json(res, 200, {{"teams", list}});
}

void post_team(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  Status st = check_fields(*body, {{"key", Kind::kString}, {"name", Kind::kString}, {"region", Kind::kString},
                                   {"manager", Kind::kString}});
  if (st.ok()) st = check_key(*body, "key");
  if (!st.ok()) return send_error(res, st);
  Team t{(*body)["key"], body->value("name", (*body)["key"].get<std::string>()), body->value("region", ""),
         body->value("manager", "")};
  if (Status floor = require_floor(ctx, t.key); !floor.ok()) return send_error(res, floor);
  if (Status put = ctx.services.store.put_team(t); !put.ok()) return send_error(res, put);
  if (Status open = ctx.services.router.open(); !open.ok()) return send_error(res, open);
  send_json(res, 201, team_json(t));
}

void get_reps(RouteContext& ctx, const Request&, Response& res) {
  Json list = Json::array();
  for (const Rep& r : ctx.services.router.reps()) list.push_back(rep_json(r, ctx.services.router.open_leads(r.key)));
  send_json(res, 200, {{"reps", list}});
}

// Creates a rep (POST) or changes one (PUT: only the fields given).
void put_rep_from(RouteContext& ctx, const Json& body, Rep r, int status, Response& res) {
  if (status == 200) {
    if (Status floor = require_floor(ctx, r.team); !floor.ok()) return send_error(res, floor);
  }
  if (body.contains("name")) r.name = body["name"];
  if (body.contains("email")) r.email = body["email"];
  if (body.contains("team")) r.team = body["team"];
  if (body.contains("region")) r.region = body["region"];
  if (body.contains("away")) r.away = body["away"];
  if (body.contains("active")) r.active = body["active"];
  if (body.contains("capacity")) {
    const Json& c = body["capacity"];
    if (!c.is_number_integer() || c.get<int64_t>() < 0 || c.get<int64_t>() > 100000) {
      return send_error(res, Status(ErrorCode::kInvalidValue, "capacity must be a whole number from 0 to 100000",
                                    "capacity"));
    }
    r.capacity = c.get<int>();
  }
  if (r.name.empty()) r.name = r.key;
  if (Status floor = require_floor(ctx, r.team); !floor.ok()) return send_error(res, floor);
  if (!r.team.empty() && !ctx.services.router.find_team(r.team)) {
    return send_error(res, Status(ErrorCode::kInvalidValue, "no team '" + r.team + "'; create it first (POST /api/v1/teams)",
                                  "team"));
  }
  if (r.region.empty() && !r.team.empty()) r.region = ctx.services.router.find_team(r.team)->region;
  if (Status st = ctx.services.store.put_rep(r); !st.ok()) return send_error(res, st);
  if (Status st = ctx.services.router.open(); !st.ok()) return send_error(res, st);
  send_json(res, status, rep_json(r, ctx.services.router.open_leads(r.key)));
}

constexpr std::initializer_list<std::pair<const char*, Kind>> kRepFields = {
    {"key", Kind::kString},    {"name", Kind::kString}, {"email", Kind::kString},  {"team", Kind::kString},
    {"region", Kind::kString}, {"capacity", Kind::kNumber}, {"away", Kind::kBool}, {"active", Kind::kBool}};

void post_rep(RouteContext& ctx, const Request& req, Response& res) {
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  Status st = check_fields(*body, kRepFields);
  if (st.ok()) st = check_key(*body, "key");
  if (!st.ok()) return send_error(res, st);
  const std::string key = (*body)["key"];
  if (ctx.services.router.find_rep(key)) {
    return send_error(res, Status(ErrorCode::kConflict, "rep '" + key + "' exists; change it with PUT /api/v1/reps/" + key,
                                  "key"));
  }
  Rep r;
  r.key = key;
  put_rep_from(ctx, *body, r, 201, res);
}

void put_rep(RouteContext& ctx, const Request& req, Response& res) {
  const std::string key = req.matches[1].str();
  auto rep = ctx.services.router.find_rep(key);
  if (!rep) return send_error(res, Status(ErrorCode::kNotFound, "no rep '" + key + "'", "key"));
  auto body = json_body(req);
  if (!body.ok()) return send_error(res, body.status());
  if (Status st = check_fields(*body, kRepFields); !st.ok()) return send_error(res, st);
  if (body->contains("key") && (*body)["key"] != key) {
    return send_error(res, Status(ErrorCode::kInvalidValue, "a rep's key cannot change", "key"));
  }
  put_rep_from(ctx, *body, *rep, 200, res);
}

// ---- outbox and follow-up ------------------------------------------------------------

void get_outbox(RouteContext& ctx, const Request& req, Response& res) {
  auto limit = int_param(req, "limit", 100, 1, 1000);
  if (!limit.ok()) return send_error(res, limit.status());
  auto after = int_param(req, "cursor", 0, 0, INT64_MAX);
  if (!after.ok()) return send_error(res, after.status());
  auto list = ctx.services.store.list_outbox(req.get_param_value("recipient"), *after, static_cast<int>(*limit));
  if (!list.ok()) return send_error(res, list.status());
  Json out = Json::array();
  const bool everything = ctx.services.policy.lead_scope(ctx.principal).all;
  for (const auto& m : *list) {
    // A team's manager reads the messages about leads they may see.
    if (!everything && (m.lead_id == 0 || !visible_lead(ctx, m.lead_id).ok())) continue;
    Json payload = Json::parse(m.payload, nullptr, false);
    out.push_back({{"id", m.id},
                   {"kind", m.kind},
                   {"recipient", m.recipient},
                   {"lead", m.lead_id ? Json(m.lead_id) : Json(nullptr)},
                   {"at", format_time(m.at)},
                   {"message", payload.is_discarded() ? Json(nullptr) : payload}});
  }
  Json body = {{"messages", out}, {"next_cursor", nullptr}};
  if (static_cast<int64_t>(list->size()) == *limit) body["next_cursor"] = list->back().id;
  send_json(res, 200, body);
}

void post_follow_up_run(RouteContext& ctx, const Request&, Response& res) {
  auto run = ctx.services.follow_up.run_due();
  if (!run.ok()) return send_error(res, run.status());
  send_json(res, 200, follow_up_json(*run, ctx.services.clock.now()));
}

}  // namespace

Json follow_up_json(const FollowUpRun& r, TimePoint now) {
  return {{"at", format_time(now)},
          {"breached", r.breached},
          {"reassigned", r.reassigned},
          {"requeued", r.requeued},
          {"decayed", r.decayed}};
}

std::vector<Route> lifecycle_routes() {
  return {
      {{"POST", "/api/v1/leads/{id}/transitions", true}, post_transition},
      {{"POST", "/api/v1/transitions/bulk", true}, post_transitions_bulk},
      {{"POST", "/api/v1/leads/{id}/touches", true}, post_lead_touch},
      {{"POST", "/api/v1/leads/{id}/assignment", true}, post_assignment},
      {{"POST", "/api/v1/assignments", true}, post_assignments},
      {{"GET", "/api/v1/queue", true}, get_queue},
      {{"GET", "/api/v1/teams", true}, get_teams},
      {{"POST", "/api/v1/teams", true}, post_team},
      {{"GET", "/api/v1/reps", true}, get_reps},
      {{"POST", "/api/v1/reps", true}, post_rep},
      {{"PUT", "/api/v1/reps/{key}", true}, put_rep},
      {{"GET", "/api/v1/outbox", true}, get_outbox},
      {{"POST", "/api/v1/follow-up/run", true}, post_follow_up_run},
  };
}

}  // namespace leadloop::api
