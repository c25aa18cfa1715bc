// A mail message and its MIME text. MailMessage is a plain value: one
// sender, one recipient, a subject, a plain-text and an HTML body, and extra
// headers (List-Unsubscribe...). build_mime() turns it into the RFC 5322
// bytes handed to the SMTP server: multipart/alternative (text, then HTML),
// both parts UTF-8 in base64, the subject and display names encoded per
// RFC 2047 when they are not plain ASCII, headers folded under 78 columns.
// A CR, LF or NUL in any header value is refused (no header injection).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/status.h"
#include "domain/time.h"

namespace leadloop {

struct MailAddress {
  std::string name;   // display name, UTF-8; may be empty
  std::string email;  // addr-spec: local@domain
};

struct MailMessage {
  MailAddress from;
  MailAddress to;
  std::string subject;  // UTF-8
  std::string text;     // the text/plain part, UTF-8
  std::string html;     // the text/html part, UTF-8; empty: text only
  // Extra headers in order, e.g. {"List-Unsubscribe", "<https://...>"}.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string kind;     // what it is ("sla_breach"...); for logs, not sent
};

// kInvalidValue (field names the part) when an address is not a plain
// addr-spec, a header name is not a token, or a header value, subject or
// display name holds CR, LF or NUL; kInvalidUtf8 for text that is not UTF-8.
Status validate_message(const MailMessage& m);

// "<random@domain-of-sender>".
std::string make_message_id(const MailMessage& m);

// The whole message, CRLF line ends. `date` is the Date header's time and
// `message_id` the Message-ID header (with its angle brackets).
Result<std::string> build_mime(const MailMessage& m, TimePoint date, const std::string& message_id);

// RFC 2047 "B" encoded words for a header value: the value itself when it
// is printable ASCII without "=?", else =?UTF-8?B?...?= words of at most 75
// characters, split on whole UTF-8 characters, joined with CRLF SP.
std::string encode_header_text(std::string_view value);

// "Name <a@b>" or "a@b", the name quoted or encoded as it needs.
std::string format_address(const MailAddress& a);

// RFC 5322 date: "Sat, 05 Dec 2026 07:00:00 +0000".
std::string rfc5322_date(TimePoint t);

}  // namespace leadloop
