#include "mail/message.h"

#include <sodium.h>

#include <ctime>
#include <stdexcept>

#include "domain/normalize.h"

namespace leadloop {

namespace {

constexpr size_t kFoldAt = 78;
constexpr size_t kMaxAtom = 900;       // a line may hold 998; longer words are refused
constexpr size_t kWordInputBytes = 39;  // 52 base64 chars: "Subject: " + word < 78

bool has_line_break(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool is_printable_ascii(std::string_view v) {
  for (char c : v) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Text with CRLF line ends (a lone LF or CR becomes CRLF), as text/* parts
// are canonically sent, in base64 lines of 76 characters.
std::string body_base64(std::string_view text) {
  std::string canonical;
  canonical.reserve(text.size() + text.size() / 40);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      canonical += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      canonical += "\r\n";
    } else {
      canonical += text[i];
    }
  }
  const std::string encoded = base64(canonical);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) {
    out += encoded.substr(i, 76);
    out += "\r\n";
  }
  return out;
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

// Splits a header value into the words it may be folded between.
std::vector<std::string> words_of(std::string_view value) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < value.size()) {
    const size_t next = value.find_first_of(" \t", i);
    const size_t end = next == std::string_view::npos ? value.size() : next;
    if (end > i) out.emplace_back(value.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

// "Name: value" folded between words before column 78; CRLF at the end.
Result<std::string> header_line(std::string_view name, const std::vector<std::string>& words) {
  std::string out(name);
  out += ':';
  size_t column = out.size();
  for (const std::string& w : words) {
    if (w.size() > kMaxAtom) {
      return Status(ErrorCode::kInvalidValue,
                    "header " + std::string(name) + " holds a word over " + std::to_string(kMaxAtom) + " characters",
                    std::string(name));
    }
    if (column + 1 + w.size() > kFoldAt && column > name.size() + 1) {
      out += "\r\n";
      column = 0;
    }
    out += ' ';
    out += w;
    column += 1 + w.size();
  }
  out += "\r\n";
  return out;
}

std::vector<std::string> encoded_words(std::string_view value) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < value.size()) {
    size_t end = std::min(value.size(), i + kWordInputBytes);
    // Never split a UTF-8 character between two words.
    while (end < value.size() && end > i + 1 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
    out.push_back("=?UTF-8?B?" + base64(value.substr(i, end - i)) + "?=");
    i = end;
  }
  return out;
}

bool needs_encoding(std::string_view value) {
  return !is_printable_ascii(value) || value.find("=?") != std::string_view::npos;
}

std::vector<std::string> text_words(std::string_view value) {
  return needs_encoding(value) ? encoded_words(value) : words_of(value);
}

bool is_plain_phrase(std::string_view name) {
  for (char c : name) {
    if (!(is_token_char(c) || c == ' ' || c == '.' || c == '_' || c == '\'')) return false;
  }
  return true;
}

std::vector<std::string> address_words(const MailAddress& a) {
  std::vector<std::string> out;
  if (a.name.empty()) {
    out.push_back(a.email);
    return out;
  }
  if (needs_encoding(a.name)) {
    out = encoded_words(a.name);
  } else if (is_plain_phrase(a.name)) {
    out = words_of(a.name);
  } else {
    std::string quoted = "\"";
    for (char c : a.name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    out.push_back(quoted + "\"");
  }
  out.push_back("<" + a.email + ">");
  return out;
}

Status check_address(const MailAddress& a, const std::string& field) {
  if (has_line_break(a.name)) {
    return Status(ErrorCode::kInvalidValue, "a display name may not hold a line break", field + ".name");
  }
  if (!is_valid_utf8(a.name)) return Status(ErrorCode::kInvalidUtf8, "the display name is not UTF-8", field + ".name");
  bool plain = !a.email.empty() && is_printable_ascii(a.email) && is_valid_email(a.email);
  for (char c : a.email) {
    if (c == ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\\' || c == '(' || c == ')') {
      plain = false;
    }
  }
  if (!plain) return Status(ErrorCode::kInvalidValue, "'" + a.email + "' is not a plain e-mail address", field + ".email");
  return Status();
}

bool is_reserved_header(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"from", "to", "cc", "bcc", "subject", "date",
                                                   "message-id", "mime-version", "sender", "reply-to-all"};
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower.rfind("content-", 0) == 0) return true;
  for (std::string_view r : kReserved) {
    if (lower == r) return true;
  }
  return false;
}

}  // namespace

Status validate_message(const MailMessage& m) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  LEADLOOP_RETURN_IF_ERROR(check_address(m.from, "from"));
  LEADLOOP_RETURN_IF_ERROR(check_address(m.to, "to"));
  if (has_line_break(m.subject)) {
    return Status(ErrorCode::kInvalidValue, "the subject may not hold a line break", "subject");
  }
  if (!is_valid_utf8(m.subject)) return Status(ErrorCode::kInvalidUtf8, "the subject is not UTF-8", "subject");
  if (!is_valid_utf8(m.text)) return Status(ErrorCode::kInvalidUtf8, "the text part is not UTF-8", "text");
  if (!is_valid_utf8(m.html)) return Status(ErrorCode::kInvalidUtf8, "the HTML part is not UTF-8", "html");
  for (const auto& [name, value] : m.headers) {
    bool token = !name.empty();
    for (char c : name) token = token && is_token_char(c);
    if (!token) return Status(ErrorCode::kInvalidValue, "'" + name + "' is not a header name", "headers");
    if (is_reserved_header(name)) {
      return Status(ErrorCode::kInvalidValue, "header " + name + " is set by the mailer itself", "headers");
    }
    if (has_line_break(value) || !is_printable_ascii(value)) {
      return Status(ErrorCode::kInvalidValue,
                    "header " + name + " must be printable ASCII on one line", "headers." + name);
    }
  }
  return Status();
}

std::string make_message_id(const MailMessage& m) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  const size_t at = m.from.email.rfind('@');
  const std::string domain = at == std::string::npos ? "leadloop.invalid" : m.from.email.substr(at + 1);
  return "<" + random_hex(16) + "@" + domain + ">";
}

std::string encode_header_text(std::string_view value) {
  std::string out;
  for (const std::string& w : text_words(value)) {
    if (!out.empty()) out += needs_encoding(value) ? "\r\n " : " ";
    out += w;
  }
  return out;
}

std::string format_address(const MailAddress& a) {
  std::string out;
  for (const std::string& w : address_words(a)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::string rfc5322_date(TimePoint t) {
  const std::time_t secs = static_cast<std::time_t>(t / kMillisPerSecond);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<std::string> build_mime(const MailMessage& m, TimePoint date, const std::string& message_id) {
  LEADLOOP_RETURN_IF_ERROR(validate_message(m));
  if (has_line_break(message_id) || !is_printable_ascii(message_id)) {
    return Status(ErrorCode::kInvalidValue, "the Message-ID must be printable ASCII on one line", "message_id");
  }
  std::string out;
  auto add = [&](std::string_view name, const std::vector<std::string>& words) -> Status {
    auto line = header_line(name, words);
    if (!line.ok()) return line.status();
    out += *line;
    return Status();
  };
  LEADLOOP_RETURN_IF_ERROR(add("From", address_words(m.from)));
  LEADLOOP_RETURN_IF_ERROR(add("To", address_words(m.to)));
  LEADLOOP_RETURN_IF_ERROR(add("Subject", text_words(m.subject)));
  LEADLOOP_RETURN_IF_ERROR(add("Date", words_of(rfc5322_date(date))));
  LEADLOOP_RETURN_IF_ERROR(add("Message-ID", {message_id}));
  out += "MIME-Version: 1.0\r\n";
  for (const auto& [name, value] : m.headers) LEADLOOP_RETURN_IF_ERROR(add(name, words_of(value)));
  if (m.html.empty()) {
    out += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    out += body_base64(m.text);
    return out;
  }
  // Base64 never holds "=_", so no body line can look like the boundary.
  const std::string boundary = "=_leadloop_" + random_hex(12);
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  out += body_base64(m.text);
  out += "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  out += body_base64(m.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace leadloop
