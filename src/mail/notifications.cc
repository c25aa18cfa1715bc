#include "mail/notifications.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/normalize.h"
#include "domain/stage.h"
#include "mail/templates.h"

namespace leadloop {

namespace {

using PayloadJson = nlohmann::json;

constexpr std::string_view kPrefsPrefix = "notify:";
constexpr int kDigestMaxLeads = 200;

std::string lead_name(const Lead& l) {
  std::string name = l.first_name;
  if (!name.empty() && !l.last_name.empty()) name += ' ';
  name += l.last_name;
  return name.empty() ? l.email : name;
}

// A time from a payload ("2026-...Z") for people; the text itself otherwise.
std::string when(const PayloadJson& payload, const char* key) {
  const std::string text = payload.value(key, "");
  auto t = parse_time(text);
  return t.ok() ? format_time_for_people(*t) : text;
}

std::string scalar_text(const PayloadJson& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

void add_lead(TemplateVars& vars, const Lead& l) {
  vars["lead.id"] = std::to_string(l.id);
  vars["lead.name"] = lead_name(l);
  vars["lead.company"] = l.company;
  vars["lead.grade"] = std::string(grade_name(l.grade));
}

Result<std::optional<Rep>> find_rep(Store& store, const std::string& key) {
  auto reps = store.list_reps();
  if (!reps.ok()) return reps.status();
  for (const Rep& r : *reps) {
    if (r.key == key) return std::optional<Rep>(r);
  }
  return std::optional<Rep>();
}

std::string rep_name(Store& store, const std::string& key) {
  auto rep = find_rep(store, key);
  return rep.ok() && *rep && !(*rep)->name.empty() ? (*rep)->name : key;
}

Result<std::vector<MailMessage>> mails_for(const NotificationContext& ctx, const std::string& kind,
                                           const std::vector<MailPerson>& people, TemplateVars vars) {
  std::vector<MailMessage> out;
  if (people.empty()) return out;
  auto tmpl = load_template(ctx.store, kind);
  if (!tmpl.ok()) return tmpl.status();
  std::vector<std::string> seen;
  for (const MailPerson& p : people) {
    if (p.email.empty() || std::find(seen.begin(), seen.end(), p.email) != seen.end()) continue;
    auto prefs = load_notification_prefs(ctx.store, p.key);
    if (!prefs.ok()) return prefs.status();
    if (auto on = prefs->find(kind); on != prefs->end() && !on->second) continue;
    seen.push_back(p.email);
    vars["recipient.name"] = p.name;
    RenderedMail r = render_template(*tmpl, vars);
    MailMessage m;
    m.from = ctx.from;
    m.to = {p.name, p.email};
    m.subject = std::move(r.subject);
    m.text = std::move(r.text);
    m.html = std::move(r.html);
    m.kind = kind;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

NotificationPrefs default_notification_prefs() {
  NotificationPrefs p;
  for (const std::string& kind : template_names()) {
    // Mail to the lead itself, not to people of the firm: no preference.
    if (kind == "double_opt_in" || kind == "nurture") continue;
    p[kind] = kind != "daily_digest";
  }
  return p;
}

Result<NotificationPrefs> load_notification_prefs(Store& store, const std::string& person) {
  NotificationPrefs p = default_notification_prefs();
  auto stored = store.get_setting(std::string(kPrefsPrefix) + person);
  if (!stored.ok()) return stored.status();
  if (*stored) {
    auto j = PayloadJson::parse(**stored, nullptr, false);
    if (j.is_object()) {
      for (auto& [kind, on] : j.items()) {
        if (p.count(kind) && on.is_boolean()) p[kind] = on.get<bool>();
      }
    }
  }
  return p;
}

Result<NotificationPrefs> save_notification_prefs(Store& store, const std::string& person,
                                                  const NotificationPrefs& changes) {
  auto p = load_notification_prefs(store, person);
  if (!p.ok()) return p.status();
  for (const auto& [kind, on] : changes) {
    if (!p->count(kind)) {
      std::string kinds;
      for (const auto& k : template_names()) kinds += (kinds.empty() ? "" : ", ") + k;
      return Status(ErrorCode::kInvalidValue, "'" + kind + "' is not a notification kind (" + kinds + ")", kind);
    }
    (*p)[kind] = on;
  }
  PayloadJson j = PayloadJson::object();
  for (const auto& [kind, on] : *p) j[kind] = on;
  LEADLOOP_RETURN_IF_ERROR(store.put_setting(std::string(kPrefsPrefix) + person, j.dump()));
  return p;
}

Result<std::vector<MailPerson>> resolve_recipient(Store& store, const std::string& recipient) {
  std::vector<MailPerson> out;
  if (recipient.rfind("team:", 0) == 0) {
    auto teams = store.list_teams();
    if (!teams.ok()) return teams.status();
    for (const Team& t : *teams) {
      if (t.key == recipient.substr(5) && !t.manager.empty()) return resolve_recipient(store, t.manager);
    }
    return out;
  }
  if (recipient.rfind("user:", 0) == 0) {
    auto user = store.find_user(recipient.substr(5));
    if (!user.ok()) return user.status().code() == ErrorCode::kNotFound ? Result<std::vector<MailPerson>>(out)
                                                                        : user.status();
    MailPerson p{"user:" + user->login, user->name.empty() ? user->login : user->name, user->email};
    if (p.email.empty() && !user->binding.rep.empty()) {
      auto rep = find_rep(store, user->binding.rep);
      if (!rep.ok()) return rep.status();
      if (*rep) p = {"rep:" + (*rep)->key, (*rep)->name, (*rep)->email};
    }
    out.push_back(std::move(p));
    return out;
  }
  if (recipient.rfind("token:", 0) == 0) return out;  // a token has no address
  auto rep = find_rep(store, recipient);
  if (!rep.ok()) return rep.status();
  if (*rep) {
    out.push_back({"rep:" + (*rep)->key, (*rep)->name, (*rep)->email});
  } else if (is_valid_email(std::string(trim(recipient)))) {
    out.push_back({"email:" + email_key(recipient), "", std::string(trim(recipient))});
  }
  return out;
}

Result<std::vector<MailMessage>> render(const OutboxMessage& m, const NotificationContext& ctx) {
  const PayloadJson payload = PayloadJson::parse(m.payload, nullptr, false);
  if (!payload.is_object()) {
    return Status(ErrorCode::kInternal, "outbox message " + std::to_string(m.id) + " holds no JSON object");
  }
  TemplateVars vars;
  std::vector<MailPerson> people;
  auto add_people = [&](const std::string& recipient) -> Status {
    if (recipient.empty()) return Status();
    auto found = resolve_recipient(ctx.store, recipient);
    if (!found.ok()) return found.status();
    people.insert(people.end(), found->begin(), found->end());
    return Status();
  };
  auto with_lead = [&](int64_t id) -> Status {
    auto lead = ctx.store.get_lead(id);
    if (!lead.ok()) return lead.status();
    add_lead(vars, *lead);
    vars["link"] = ctx.base_url + "/leads/" + std::to_string(id);
    return Status();
  };
  if (m.kind == "sla_breach") {
    LEADLOOP_RETURN_IF_ERROR(with_lead(m.lead_id));
    vars["rep.name"] = rep_name(ctx.store, payload.value("owner", ""));
    vars["due_at"] = when(payload, "due_at");
    vars["reassign_at"] = when(payload, "reassign_at");
    LEADLOOP_RETURN_IF_ERROR(add_people(m.recipient));
  } else if (m.kind == "reassigned") {
    LEADLOOP_RETURN_IF_ERROR(with_lead(m.lead_id));
    vars["rep.name"] = rep_name(ctx.store, m.recipient);
    vars["previous_owner"] = rep_name(ctx.store, payload.value("previous_owner", ""));
    vars["reason"] = payload.value("reason", "");
    vars["sla_due_at"] = when(payload, "sla_due_at");
    LEADLOOP_RETURN_IF_ERROR(add_people(m.recipient));
  } else if (m.kind == "goal_behind") {
    const int64_t goal_id = payload.value("goal", int64_t{0});
    vars["goal.id"] = std::to_string(goal_id);
    for (const char* key : {"name", "metric", "target", "actual", "expected"}) {
      vars[std::string("goal.") + key] = payload.contains(key) ? scalar_text(payload[key]) : "";
    }
    vars["goal.ends_at"] = when(payload, "ends_at");
    vars["link"] = ctx.base_url + "/goals";
    // Its owners: who made it, who approved it, the rep it is about.
    LEADLOOP_RETURN_IF_ERROR(add_people(m.recipient));
    auto goal = ctx.store.get_goal(goal_id);
    if (goal.ok()) {
      LEADLOOP_RETURN_IF_ERROR(add_people(goal->client_approved_by));
      LEADLOOP_RETURN_IF_ERROR(add_people(goal->rep));
    } else if (goal.status().code() != ErrorCode::kNotFound) {
      return goal.status();
    }
  } else if (m.kind == "feedback_link") {
    if (!ctx.feedback_token) return Status(ErrorCode::kInternal, "feedback links are not open for mail");
    auto link = ctx.store.get_feedback_link(payload.value("link", int64_t{0}));
    if (!link.ok()) return link.status();
    if (link->used_at) return std::vector<MailMessage>();  // answered already: nothing to ask
    auto token = ctx.feedback_token(link->id);
    if (!token.ok()) return token.status();
    LEADLOOP_RETURN_IF_ERROR(with_lead(link->lead_id));
    vars["rep.name"] = rep_name(ctx.store, link->rep);
    vars["expires_at"] = format_time_for_people(link->expires_at);
    vars["link"] = ctx.base_url + "/feedback/" + *token;
    LEADLOOP_RETURN_IF_ERROR(add_people(link->rep));
  } else if (m.kind == "nurture_notify") {
    // A programme's "notify the owner" step: to the lead's owner, else its
    // campaign's owner (nurture/nurture_engine.cc).
    LEADLOOP_RETURN_IF_ERROR(with_lead(m.lead_id));
    vars["programme"] = payload.value("programme", "");
    vars["step"] = payload.value("step", "");
    vars["text"] = payload.value("text", "");
    LEADLOOP_RETURN_IF_ERROR(add_people(m.recipient));
  } else if (m.kind == "double_opt_in") {
    // To the address the form was posted with, which the lead must still hold.
    LEADLOOP_RETURN_IF_ERROR(with_lead(m.lead_id));
    auto lead = ctx.store.get_lead(m.lead_id);
    if (!lead.ok()) return lead.status();
    if (email_key(lead->email) != email_key(m.recipient)) return std::vector<MailMessage>();
    vars["form.title"] = payload.value("title", "");
    vars["wording"] = payload.value("wording", "");
    vars["expires_at"] = when(payload, "expires_at");
    vars["link"] = ctx.base_url + payload.value("confirm_url", "");
    people.push_back({"email:" + email_key(m.recipient), vars["lead.name"], std::string(trim(m.recipient))});
  } else {
    return std::vector<MailMessage>();  // not a kind that is mailed
  }
  return mails_for(ctx, m.kind, people, std::move(vars));
}

Result<std::vector<MailMessage>> daily_digest(const NotificationContext& ctx, const std::string& rep, Days day) {
  auto people = resolve_recipient(ctx.store, rep);
  if (!people.ok()) return people.status();
  const TimePoint day_end = (static_cast<TimePoint>(day) + 1) * kMillisPerDay;
  LeadFilter f;
  f.owner = rep;
  f.limit = 0;
  std::vector<Lead> due;
  LEADLOOP_RETURN_IF_ERROR(ctx.store.scan_leads(f, [&](const Lead& l) {
    if (is_open_stage(l.stage) && l.sla_due_at && *l.sla_due_at < day_end) due.push_back(l);
    return true;
  }));
  if (due.empty()) return std::vector<MailMessage>();
  std::sort(due.begin(), due.end(), [](const Lead& a, const Lead& b) {
    return std::pair(*a.sla_due_at, a.id) < std::pair(*b.sla_due_at, b.id);
  });
  std::string list;
  for (size_t i = 0; i < due.size() && i < static_cast<size_t>(kDigestMaxLeads); ++i) {
    const Lead& l = due[i];
    list += (i ? "\n" : "") + std::string("- ") + lead_name(l) + (l.company.empty() ? "" : " (" + l.company + ")") +
            ", due " + format_time_for_people(*l.sla_due_at) + (*l.sla_due_at < day_end - kMillisPerDay ? " (overdue)" : "") +
            ": " + ctx.base_url + "/leads/" + std::to_string(l.id);
  }
  if (due.size() > static_cast<size_t>(kDigestMaxLeads)) {
    list += "\n... and " + std::to_string(due.size() - kDigestMaxLeads) + " more";
  }
  TemplateVars vars{{"rep.name", rep_name(ctx.store, rep)},
                    {"day", format_date(day)},
                    {"due.count", std::to_string(due.size())},
                    {"due.list", list},
                    {"link", ctx.base_url + "/my-leads"}};
  return mails_for(ctx, "daily_digest", *people, std::move(vars));
}

}  // namespace leadloop
