// Notifications by e-mail: outbox messages (store.h OutboxMessage) rendered
// into MailMessages for the people they concern, skipping those who opted
// out of that kind; the daily digest of what is due for a rep; and the
// preferences people choose. Recipients resolve to addresses through the
// store: a rep key to the rep's email, "user:<login>" to the user's email
// (or its rep's), "team:<key>" to the team's manager. Nothing is sent here
// (the delivery engine sends). Thread-safe as the Store is.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "domain/time.h"
#include "mail/message.h"
#include "store/store.h"

namespace leadloop {

// The notification kinds a person may turn off: sla_breach, reassigned,
// goal_behind, feedback_link, daily_digest (= template_names()).
// Defaults: every kind on except daily_digest (docs/email.md).
using NotificationPrefs = std::map<std::string, bool, std::less<>>;
NotificationPrefs default_notification_prefs();

// The person key of preferences: "rep:<key>" or "user:<login>".
Result<NotificationPrefs> load_notification_prefs(Store& store, const std::string& person);
// Merges `changes` into the stored preferences; kInvalidValue (field: the
// kind) for an unknown kind.
Result<NotificationPrefs> save_notification_prefs(Store& store, const std::string& person,
                                                  const NotificationPrefs& changes);

// Someone a notification goes to.
struct MailPerson {
  std::string key;    // "rep:<key>" or "user:<login>": whose preferences
  std::string name;
  std::string email;  // "" : no address known
};

// Who a recipient text names (0..1 people; a team names its manager).
Result<std::vector<MailPerson>> resolve_recipient(Store& store, const std::string& recipient);

struct NotificationContext {
  Store& store;
  std::string base_url;  // "https://leads.example.com": links in the mail
  MailAddress from;
  // The signed token of a feedback link (access/feedback_links.h); unset:
  // feedback_link messages cannot be rendered (kInternal).
  std::function<Result<std::string>(int64_t link_id)> feedback_token;
};

// The mails an outbox message becomes: one per person with an address who
// has not turned its kind off (none for a kind that is not mailed).
// m.kind "feedback_link" carries {"link": id} and is rendered with a fresh
// signature of the link. kInternal for a payload that is not JSON.
Result<std::vector<MailMessage>> render(const OutboxMessage& m, const NotificationContext& ctx);

// The rep's digest of what is due on `day` (UTC): its open leads whose
// follow-up SLA falls due by the end of the day (overdue ones included),
// earliest first. No mail (empty) when nothing is due, the rep has no
// address or turned the digest off.
Result<std::vector<MailMessage>> daily_digest(const NotificationContext& ctx, const std::string& rep, Days day);

}  // namespace leadloop
