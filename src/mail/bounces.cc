#include "mail/bounces.h"

#include <nlohmann/json.hpp>

#include "domain/normalize.h"

namespace leadloop {

namespace {
constexpr size_t kMaxDetail = 2000;
}  // namespace

Result<NoticeOutcome> record_mail_notice(Store& store, const Clock& clock, ConsentDesk& desk, const MailNotice& n,
                                         const std::string& actor) {
  const std::string key = email_key(n.email);
  if (key.empty()) return Status(ErrorCode::kMissingField, "say which address the notice is about", "email");
  if (!is_valid_email(key)) return Status(ErrorCode::kInvalidValue, "'" + n.email + "' is not an e-mail address", "email");
  if (n.kind != "bounce" && n.kind != "complaint") {
    return Status(ErrorCode::kInvalidValue, "kind must be bounce or complaint", "kind");
  }
  if (n.detail.size() > kMaxDetail || !is_valid_utf8(n.detail)) {
    return Status(ErrorCode::kInvalidValue, "detail must be UTF-8 text of at most 2000 bytes", "detail");
  }
  NoticeOutcome out;
  auto leads = store.find_leads_by_key(key, "");
  if (!leads.ok()) return leads.status();
  const bool deny = n.kind == "complaint" || n.permanent;
  for (const Lead& l : *leads) {
    out.matched.push_back(l.id);
    if (!deny) continue;
    ConsentInput in;
    in.email = Consent::kDenied;
    in.source = n.kind == "complaint" ? "complaint" : "hard bounce";
    in.note = n.detail;
    auto answer = desk.set(l.id, in, actor);
    if (!answer.ok()) return answer.status();
    if (!answer->changed.empty()) out.denied.push_back(l.id);
  }
  out.event.at = clock.now();
  out.event.email = key;
  out.event.kind = n.kind;
  out.event.permanent = n.kind == "complaint" || n.permanent;
  out.event.detail = n.detail;
  out.event.actor = actor;
  out.event.leads = nlohmann::json(out.denied).dump();
  LEADLOOP_RETURN_IF_ERROR(store.add_mail_event(out.event));
  return out;
}

}  // namespace leadloop
