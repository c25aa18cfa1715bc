// The pages a rep sees behind a feedback link (access/feedback_links.h): the
// lead with a small accept/reject form, the thank-you page, and the page for
// a link that cannot be used. No scripts; every text from a lead, a rep or a
// definition is escaped. The token never appears in a page (the form posts
// to the URL it came from).
#pragma once

#include <string>
#include <vector>

#include "definition/document.h"
#include "store/store.h"

namespace leadloop::api {

struct FeedbackPage {
  const Lead& lead;
  const FeedbackLink& link;
  std::string campaign_name;               // "" when the campaign has none
  const std::vector<RejectReason>& reasons;  // the active definition's; may be empty
  std::string error;                       // a problem with the last answer, shown above the form
};

std::string feedback_form_page(const FeedbackPage& p);
// After the answer: the lead as it is now.
std::string feedback_done_page(const Lead& lead, const std::string& rep, const std::string& reason_label);
// A link that cannot be used (not valid, expired, answered) or a failure.
std::string feedback_error_page(int http_status, const std::string& message);


}  // namespace leadloop::api
