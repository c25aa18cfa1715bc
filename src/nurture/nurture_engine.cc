#include "nurture/nurture_engine.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "access/database_key.h"
#include "access/signed_token.h"
#include "delivery/signature.h"
#include "domain/codec.h"
#include "domain/normalize.h"
#include "mail/mail_channel.h"
#include "mail/templates.h"

namespace leadloop {

namespace {

constexpr std::string_view kActor = "nurture";
constexpr std::string_view kOpenPrefix = "tro_";
constexpr std::string_view kClickPrefix = "trc_";
constexpr const char* kKeySetting = "nurture.tracking_key";
// Steps run at most this many in a row without a wait or a send: a branch
// loop in a programme cannot hold the engine.
constexpr int kMaxStepsInARow = 64;

LeadEvent nurture_event(const Lead& lead, std::string_view type, TimePoint now, Json payload) {
  return {0, lead.id, std::string(type), now, std::string(kActor), dump_json(payload)};
}

// The hold-out draw: a stable share of leads per programme, so the report
// compares like with like and a second enrolment draws the same.
bool in_holdout(int64_t lead_id, const std::string& programme, int percent) {
  if (percent <= 0) return false;
  uint64_t h = 1469598103934665603ull;
  for (char c : programme) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  h = (h ^ static_cast<uint64_t>(lead_id)) * 1099511628211ull;
  h ^= h >> 29;
  return static_cast<int>(h % 100) < percent;
}

// Rewrites href="http..." in the HTML part to the tracked redirect and adds
// the open pixel; returns the original targets by index.
std::vector<std::string> track_html(std::string& html, const std::string& base,
                                    const std::function<std::string(int)>& click_url, const std::string& pixel_url) {
  std::vector<std::string> links;
  std::string out;
  size_t i = 0;
  constexpr std::string_view kHref = "href=\"";
  while (true) {
    size_t at = html.find(kHref, i);
    if (at == std::string::npos) break;
    const size_t start = at + kHref.size();
    const size_t end = html.find('"', start);
    if (end == std::string::npos) break;
    std::string target = html.substr(start, end - start);
    out += html.substr(i, start - i);
    // The unsubscribe link stays as it is: it must work without us.
    if ((target.starts_with("http://") || target.starts_with("https://")) && !target.starts_with(base + "/u/")) {
      links.push_back(target);
      out += click_url(static_cast<int>(links.size() - 1));
    } else {
      out += target;
    }
    i = end;
  }
  out += html.substr(i);
  out += "<img src=\"" + pixel_url + "\" width=\"1\" height=\"1\" alt=\"\">\n";
  html = std::move(out);
  return links;
}

}  // namespace

struct NurtureEngine::Work {
  TimePoint now = 0;
  std::string base_url;  // of the mail settings in force for this run
  MailAddress from;
  std::map<std::string, MailTemplate, std::less<>> templates;
  std::unordered_map<int64_t, int64_t> sends_in_batch;  // lead -> mails made in this batch
  std::vector<OutboxMessage> outbox;                    // notify steps
};

std::string exit_reason(const Lead& lead, const Programme& p, TimePoint now) {
  if (lead.consent.email == Consent::kDenied || lead.stage == Stage::kOptedOut) return "opted_out";
  if (lead.grade == Grade::kHot) return "hot";
  switch (lead.stage) {
    case Stage::kAccepted:
    case Stage::kWorking:
    case Stage::kOpportunity:
    case Stage::kWon:
      return "accepted";
    case Stage::kDisqualified:
    case Stage::kRejected:
    case Stage::kLost:
      return "disqualified";
    default:
      break;
  }
  if (p.goal && p.goal->matches(LeadContext{&lead, nullptr, now})) return "goal";
  return "";
}

NurtureEngine::NurtureEngine(Store& store, const Clock& clock, Intake& intake, CampaignCatalog& campaigns,
                             const UnsubscribeLinks& unsubscribe, NurtureConfig config)
    : store_(store),
      clock_(clock),
      intake_(intake),
      campaigns_(campaigns),
      unsubscribe_(unsubscribe),
      config_(std::move(config)) {}

Status NurtureEngine::open() {
  auto key = database_key(store_, kKeySetting, crypto_auth_KEYBYTES, "the nurture tracking key");
  if (!key.ok()) return key.status();
  key_ = *std::move(key);
  return Status();
}

std::string NurtureEngine::open_token(int64_t enrolment_id, int step) const {
  const uint64_t v[] = {static_cast<uint64_t>(enrolment_id), static_cast<uint64_t>(step)};
  return sign_values(key_, kOpenPrefix, v);
}

std::string NurtureEngine::click_token(int64_t enrolment_id, int step, int link) const {
  const uint64_t v[] = {static_cast<uint64_t>(enrolment_id), static_cast<uint64_t>(step),
                        static_cast<uint64_t>(link)};
  return sign_values(key_, kClickPrefix, v);
}

Result<TrackedMail> NurtureEngine::verify(std::string_view token) const {
  if (auto v = verify_values(key_, kOpenPrefix, token, 2)) {
    return TrackedMail{static_cast<int64_t>((*v)[0]), static_cast<int>((*v)[1]), -1};
  }
  if (auto v = verify_values(key_, kClickPrefix, token, 3)) {
    return TrackedMail{static_cast<int64_t>((*v)[0]), static_cast<int>((*v)[1]), static_cast<int>((*v)[2])};
  }
  return Status(ErrorCode::kNotFound, "no such link");
}

Result<std::string> NurtureEngine::track(const TrackedMail& t) {
  auto e = store_.get_enrolment(t.enrolment_id);
  if (!e.ok()) return e.status();
  std::string target;
  if (t.link >= 0) {
    auto url = store_.nurture_link(t.enrolment_id, t.step, t.link);
    if (!url.ok()) return url.status();
    target = *std::move(url);
  }
  auto lead = store_.get_lead(e->lead_id);
  if (!lead.ok()) return lead.status();
  // Tracking needs the lead's consent as it stands now, not as it was
  // when the mail went out.
  if (lead->consent.email != Consent::kGranted || lead->source_campaign.empty()) return target;
  TouchInput in;
  in.touch.lead_id = lead->id;
  in.touch.campaign = lead->source_campaign;
  in.touch.channel = Medium::kEmail;
  in.channel_given = true;
  in.touch.direction = Direction::kInbound;
  in.touch.outcome = t.link >= 0 ? "clicked" : "opened";
  in.touch.notes = e->programme + " step " + std::to_string(t.step + 1);
  auto touch = intake_.log_touch(std::move(in), std::string(kActor));
  if (!touch.ok()) return touch.status();
  return target;
}

Result<std::shared_ptr<const Programme>> NurtureEngine::programme(const std::string& key, int64_t version) {
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find({key, version});
    if (it != cache_.end()) return it->second;
  }
  auto rec = store_.get_programme(key, version);
  if (!rec.ok()) return rec.status();
  ParsedProgramme parsed = parse_programme(rec->source);
  if (!parsed.programme) return issues_status(parsed.issues);
  std::lock_guard lock(cache_mu_);
  cache_[{key, rec->version}] = parsed.programme;
  return parsed.programme;
}

Result<Enrolment> NurtureEngine::enrol(int64_t lead_id, const std::string& key, const std::string& actor) {
  auto rec = store_.get_programme(key, 0);
  if (!rec.ok()) return rec.status();
  auto p = programme(key, rec->version);
  if (!p.ok()) return p.status();
  auto lock = intake_.lock_writes();
  auto lead = store_.get_lead(lead_id);
  if (!lead.ok()) return lead.status();
  auto open = store_.lead_enrolments(lead_id);
  if (!open.ok()) return open.status();
  for (const Enrolment& x : *open) {
    if (x.programme == key && x.state != "exited") {
      return Status(ErrorCode::kConflict, "lead " + std::to_string(lead_id) + " is already in programme '" + key + "'");
    }
  }
  const TimePoint now = clock_.now();
  NurtureBatch b;
  Enrolment e;
  e.lead_id = lead_id;
  e.programme = key;
  e.version = rec->version;
  e.enrolled_at = now;
  e.grade_at_enrolment = std::string(grade_name(lead->grade));
  const bool holdout = in_holdout(lead_id, key, (*p)->holdout_percent);
  e.state = holdout ? "holdout" : "active";
  if (!holdout) e.next_at = now;
  b.enrol.push_back(e);
  LeadChange c{*lead, {}, {}};
  c.events.push_back(nurture_event(*lead, "enrolled", now,
                                   {{"programme", key}, {"version", rec->version}, {"holdout", holdout}, {"by", actor}}));
  b.mutation.leads.push_back(std::move(c));
  LEADLOOP_RETURN_IF_ERROR(store_.apply_nurture(b));
  if (b.enrol.front().id == 0) return Status(ErrorCode::kInternal, "the enrolment was not stored");
  return b.enrol.front();
}

Result<NurtureRun> NurtureEngine::run_once() {
  std::lock_guard lock(run_mu_);
  NurtureRun run;
  for (bool more = true; more;) LEADLOOP_RETURN_IF_ERROR(enrol_from_events(run, more));
  for (bool more = true; more;) LEADLOOP_RETURN_IF_ERROR(run_due(run, more));
  return run;
}

Status NurtureEngine::enrol_from_events(NurtureRun& run, bool& more) {
  more = false;
  auto cursor = store_.nurture_cursor();
  if (!cursor.ok()) return cursor.status();
  auto events = store_.lead_events_after(*cursor, config_.batch);
  if (!events.ok()) return events.status();
  if (events->empty()) return Status();
  more = static_cast<int>(events->size()) == config_.batch;
  const TimePoint now = clock_.now();
  auto lock = intake_.lock_writes();
  NurtureBatch b;
  b.cursor = {{*cursor, events->back().id}};
  // Per lead: the programmes an event of this batch put it in, and whether
  // anything else happened to it.
  std::map<int64_t, std::vector<std::string>> enrol_in;
  std::set<int64_t> touched;
  std::set<int64_t> moved_out;  // moved from stage nurture to another
  for (const LeadEvent& ev : *events) {
    if (ev.actor == kActor || ev.lead_id == 0) continue;  // our own
    touched.insert(ev.lead_id);
    if (ev.type != event_type::kStageChanged) continue;
    const Json p = Json::parse(ev.payload, nullptr, false);
    if (!p.is_object()) continue;
    if (p.value("from", "") == "nurture") moved_out.insert(ev.lead_id);
    if (p.value("to", "") != "nurture" || !p.contains("programme")) continue;
    enrol_in[ev.lead_id].push_back(p.value("programme", ""));
  }
  std::map<int64_t, size_t> change_of;  // lead -> index into b.mutation.leads
  auto change = [&](const Lead& lead) -> LeadChange& {
    auto [it, fresh] = change_of.emplace(lead.id, b.mutation.leads.size());
    if (fresh) b.mutation.leads.push_back(LeadChange{lead, {}, {}});
    return b.mutation.leads[it->second];
  };
  for (int64_t lead_id : touched) {
    auto lead = store_.get_lead(lead_id);
    if (!lead.ok()) {
      if (lead.status().code() == ErrorCode::kNotFound) continue;
      return lead.status();
    }
    auto open = store_.lead_enrolments(lead_id);
    if (!open.ok()) return open.status();
    std::set<std::string> in;
    for (const Enrolment& e : *open) {
      if (e.state == "exited") continue;
      in.insert(e.programme);
      auto p = programme(e.programme, e.version);
      if (!p.ok()) return p.status();
      std::string why = exit_reason(*lead, **p, now);
      if (why.empty() && moved_out.count(lead_id) && lead->stage != Stage::kNurture) why = "left_nurture";
      if (why.empty()) continue;
      EnrolmentMove m;
      m.enrolment_id = e.id;
      m.from_step = e.step;
      m.from_next_at = e.next_at;
      m.to = e;
      m.to.state = "exited";
      m.to.next_at.reset();
      m.to.exited_at = now;
      m.to.exit_reason = why;
      m.to.turned_hot = why == "hot";
      b.moves.push_back(std::move(m));
      change(*lead).events.push_back(nurture_event(
          *lead, "nurture_exited", now, {{"programme", e.programme}, {"enrolment", e.id}, {"reason", why}}));
      ++run.exited;
    }
    auto wanted = enrol_in.find(lead_id);
    if (wanted == enrol_in.end() || lead->stage != Stage::kNurture) continue;
    for (const std::string& key : wanted->second) {
      if (in.count(key)) continue;
      auto rec = store_.get_programme(key, 0);
      if (!rec.ok()) {
        if (rec.status().code() != ErrorCode::kNotFound) return rec.status();
        spdlog::warn("nurture: lead {} routed to programme '{}', which has no active version", lead_id, key);
        continue;
      }
      auto p = programme(key, rec->version);
      if (!p.ok()) return p.status();
      Enrolment e;
      e.lead_id = lead_id;
      e.programme = key;
      e.version = rec->version;
      e.enrolled_at = now;
      e.grade_at_enrolment = std::string(grade_name(lead->grade));
      const bool holdout = in_holdout(lead_id, key, (*p)->holdout_percent);
      e.state = holdout ? "holdout" : "active";
      if (!holdout) e.next_at = now;
      b.enrol.push_back(e);
      in.insert(key);
      change(*lead).events.push_back(nurture_event(
          *lead, "enrolled", now, {{"programme", key}, {"version", rec->version}, {"holdout", holdout}, {"by", "routing"}}));
      ++run.enrolled;
    }
  }
  return store_.apply_nurture(b);
}

bool NurtureEngine::engaged(const Lead& lead, const BranchSpec& b, TimePoint now) {
  const TimePoint since = now - static_cast<TimePoint>(b.within_days) * kMillisPerDay;
  auto has = [&](std::string_view k) { return std::find(b.engaged.begin(), b.engaged.end(), k) != b.engaged.end(); };
  auto touches = store_.lead_touches(lead.id);
  if (touches.ok()) {
    for (const Touch& t : *touches) {
      if (t.at < since || t.at > now) continue;
      if (has("touched")) return true;
      if (has("opened") && t.outcome == "opened") return true;
      if (has("clicked") && t.outcome == "clicked") return true;
      if (has("replied") && t.direction == Direction::kInbound && t.channel == Medium::kEmail &&
          t.outcome != "opened" && t.outcome != "clicked") {
        return true;
      }
    }
  }
  if (has("form")) {
    auto events = store_.lead_events(lead.id);
    if (events.ok()) {
      for (const LeadEvent& e : *events) {
        if (e.at >= since && e.at <= now && e.type == event_type::kRecaptured) return true;
      }
    }
  }
  return false;
}

Status NurtureEngine::run_due(NurtureRun& run, bool& more) {
  more = false;
  Work w;
  w.now = clock_.now();
  w.base_url = config_.base_url;
  w.from = config_.from;
  if (config_.mail) {
    // Without a server the mail is kept without a sender: the one of the
    // server configured later signs it (SmtpMailer fills an empty From).
    const MailSettings now = config_.mail->get();
    w.base_url = now.base_url;
    w.from = now.configured() ? sender_of(now, config_.from) : MailAddress{};
  }
  auto lock = intake_.lock_writes();
  auto due = store_.due_enrolments(w.now, config_.batch);
  if (!due.ok()) return due.status();
  if (due->empty()) return Status();
  NurtureBatch b;
  std::map<int64_t, size_t> change_of;
  for (const Enrolment& e : *due) {
    auto lead = store_.get_lead(e.lead_id);
    auto p = programme(e.programme, e.version);
    if (!p.ok()) return p.status();
    EnrolmentMove m;
    m.enrolment_id = e.id;
    m.from_step = e.step;
    m.from_next_at = e.next_at;
    m.to = e;
    if (!lead.ok()) {
      if (lead.status().code() != ErrorCode::kNotFound) return lead.status();
      m.to.state = "exited";
      m.to.next_at.reset();
      m.to.exited_at = w.now;
      m.to.exit_reason = "lead_gone";
      b.moves.push_back(std::move(m));
      continue;
    }
    std::vector<LeadEvent> events;
    advance(w, e, *lead, **p, m, events, run);
    b.moves.push_back(std::move(m));
    if (events.empty()) continue;
    auto [it, fresh] = change_of.emplace(lead->id, b.mutation.leads.size());
    if (fresh) b.mutation.leads.push_back(LeadChange{*lead, {}, {}});
    LeadChange& c = b.mutation.leads[it->second];
    c.lead = *lead;  // with what the steps set
    for (auto& ev : events) c.events.push_back(std::move(ev));
  }
  b.mutation.outbox = std::move(w.outbox);
  LEADLOOP_RETURN_IF_ERROR(store_.apply_nurture(b));
  more = static_cast<int>(due->size()) == config_.batch &&
         std::any_of(b.applied.begin(), b.applied.end(), [](bool x) { return x; });
  return Status();
}

void NurtureEngine::advance(Work& w, const Enrolment& e, Lead& lead, const Programme& p, EnrolmentMove& move,
                            std::vector<LeadEvent>& events, NurtureRun& run) {
  Enrolment& to = move.to;
  auto exit_with = [&](const std::string& why) {
    to.state = "exited";
    to.next_at.reset();
    to.exited_at = w.now;
    to.exit_reason = why;
    to.turned_hot = why == "hot";
    events.push_back(nurture_event(lead, "nurture_exited", w.now,
                                   {{"programme", e.programme}, {"enrolment", e.id}, {"reason", why}}));
    ++run.exited;
  };
  if (const std::string why = exit_reason(lead, p, w.now); !why.empty()) return exit_with(why);
  bool sent = false;
  for (int n = 0; n < kMaxStepsInARow; ++n) {
    if (to.step < 0 || to.step >= static_cast<int>(p.steps.size())) return exit_with("completed");
    const ProgrammeStep& s = p.steps[static_cast<size_t>(to.step)];
    Json where = {{"programme", e.programme}, {"enrolment", e.id}, {"step", to.step}, {"key", s.key}};
    switch (s.kind) {
      case StepKind::kSend: {
        if (sent) {  // one mail per move: the next one in the next round
          to.next_at = w.now;
          return;
        }
        if (lead.consent.email == Consent::kDenied) return exit_with("opted_out");
        if (lead.email.empty()) {
          where["reason"] = "no e-mail address";
          events.push_back(nurture_event(lead, "step_skipped", w.now, where));
          ++to.step;
          break;
        }
        // The frequency cap, across programmes: this lead's mails in the
        // window, those of this batch included.
        auto recent = store_.nurture_sends_since(lead.id, w.now - static_cast<TimePoint>(p.cap_days) * kMillisPerDay);
        const int64_t count = (recent.ok() ? *recent : 0) + w.sends_in_batch[lead.id];
        if (count >= p.cap_sends) {
          to.next_at = w.now + kMillisPerDay;
          where["reason"] = "frequency_cap";
          where["until"] = format_time(*to.next_at);
          events.push_back(nurture_event(lead, "step_deferred", w.now, where));
          return;
        }
        auto t = w.templates.find(s.template_name);
        if (t == w.templates.end()) {
          auto loaded = load_template(store_, s.template_name);
          if (!loaded.ok()) {
            where["reason"] = loaded.status().message();
            events.push_back(nurture_event(lead, "step_skipped", w.now, where));
            ++to.step;
            break;
          }
          t = w.templates.emplace(s.template_name, *std::move(loaded)).first;
        }
        const std::string unsub = unsubscribe_.token(lead.id);
        const std::string full_name(trim(lead.first_name + " " + lead.last_name));
        TemplateVars vars = {{"lead.first_name", lead.first_name},
                             {"lead.last_name", lead.last_name},
                             {"lead.name", full_name},
                             {"lead.company", lead.company},
                             {"lead.title", lead.title},
                             {"programme.name", p.name},
                             {"unsubscribe_url", w.base_url + "/u/" + unsub}};
        RenderedMail r = render_template(t->second, vars);
        MailMessage mail;
        mail.from = w.from;
        mail.to = {full_name, lead.email};
        mail.subject = r.subject;
        mail.text = r.text;
        mail.html = r.html;
        mail.kind = "nurture";
        mail.headers = unsubscribe_.headers(lead.id, w.base_url);
        const bool tracked = lead.consent.email == Consent::kGranted && !mail.html.empty();
        if (tracked) {
          const int step = to.step;
          move.links = track_html(
              mail.html, w.base_url,
              [&](int i) { return w.base_url + "/t/c/" + click_token(e.id, step, i); },
              w.base_url + "/t/o/" + open_token(e.id, step));
        }
        Delivery d;
        d.webhook_id = delivery::new_webhook_id();
        d.message_key = "nurture:" + std::to_string(e.id) + ":" + std::to_string(to.step);
        d.destination = "email:" + email_key(lead.email);
        d.channel = "email";
        d.event_type = "nurture";
        d.payload = mail_payload(mail);
        d.next_attempt_at = w.now;
        d.created_at = w.now;
        move.delivery = std::move(d);
        where["template"] = s.template_name;
        where["message_key"] = move.delivery->message_key;
        where["tracked"] = tracked;
        events.push_back(nurture_event(lead, "step_sent", w.now, where));
        ++to.sends;
        to.last_sent_at = w.now;
        ++w.sends_in_batch[lead.id];
        ++run.sent;
        sent = true;
        ++to.step;
        break;
      }
      case StepKind::kWait: {
        const TimePoint end = wait_end(s.wait, lead, w.now);
        ++to.step;
        if (end > w.now) {
          to.next_at = end;
          ++run.steps;
          return;
        }
        break;
      }
      case StepKind::kBranch: {
        const bool yes = s.branch.when ? s.branch.when->matches(LeadContext{&lead, nullptr, w.now})
                                       : engaged(lead, s.branch, w.now);
        const int target = yes ? s.branch.then_index : s.branch.else_index;
        where["taken"] = yes ? "then" : "else";
        events.push_back(nurture_event(lead, "step_branched", w.now, where));
        if (target == -2) return exit_with("branch");
        to.step = target == -1 ? to.step + 1 : target;
        break;
      }
      case StepKind::kSet: {
        if (s.set.score) {
          const int before = lead.score;
          lead.score = std::clamp(s.set.relative ? lead.score + *s.set.score : *s.set.score, 0, 100);
          where["score"] = {{"from", before}, {"to", lead.score}};
        } else if (s.set.field.starts_with("attributes.")) {
          const std::string k = s.set.field.substr(11);
          where["field"] = s.set.field;
          where["from"] = lead.attributes.count(k) ? lead.attributes[k] : "";
          where["to"] = s.set.value;
          lead.attributes[k] = s.set.value;
        } else {
          for (const LeadTextField& f : lead_text_fields()) {
            if (f.name != s.set.field) continue;
            where["field"] = s.set.field;
            where["from"] = lead.*f.member;
            where["to"] = s.set.value;
            lead.*f.member = s.set.value.substr(0, f.max_length);
          }
        }
        lead.updated_at = w.now;
        events.push_back(nurture_event(lead, "field_set", w.now, where));
        ++to.step;
        break;
      }
      case StepKind::kNotify: {
        // The lead's owner, else its campaign's owner (a lead in nurture
        // usually has no owner of its own).
        std::string recipient = lead.owner;
        if (recipient.empty()) {
          if (auto c = campaigns_.find(lead.source_campaign); c && !c->owner.empty()) recipient = "user:" + c->owner;
        }
        where["text"] = s.text;
        where["owner"] = recipient;
        events.push_back(nurture_event(lead, "owner_notified", w.now, where));
        w.outbox.push_back({0, "nurture_notify", recipient, lead.id, w.now,
                           dump_json(Json{{"programme", e.programme}, {"step", s.key}, {"text", s.text}})});
        ++to.step;
        break;
      }
      case StepKind::kExit:
        return exit_with(s.text.empty() ? "done" : s.text);
    }
    ++run.steps;
  }
  to.next_at = w.now;  // a long run of steps goes on in the next round
}

}  // namespace leadloop
