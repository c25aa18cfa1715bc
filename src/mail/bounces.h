// Bounce and complaint notices from the mail provider: a hard bounce or a
// complaint denies e-mail consent on every lead with that address (a
// consent_changed event whose source says which, through the consent
// desk); a soft bounce is only recorded. Every notice is kept
// (Store::add_mail_event). Thread-safe as the Store and desk are.
#pragma once

#include <string>
#include <vector>

#include "domain/clock.h"
#include "engine/consent.h"
#include "store/store.h"

namespace leadloop {

struct MailNotice {
  std::string email;
  std::string kind;        // "bounce" or "complaint"
  bool permanent = false;  // a hard bounce (a complaint always counts)
  std::string detail;      // the provider's words, e.g. "550 5.1.1 user unknown"
};

struct NoticeOutcome {
  MailEvent event;                // as stored
  std::vector<int64_t> denied;    // leads whose e-mail consent this denied now
  std::vector<int64_t> matched;   // every lead with the address
};

// kMissingField / kInvalidValue (field "email", "kind", "detail") for a bad
// notice.
Result<NoticeOutcome> record_mail_notice(Store& store, const Clock& clock, ConsentDesk& desk, const MailNotice& n,
                                         const std::string& actor);

}  // namespace leadloop
