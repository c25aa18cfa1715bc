// Text normalisation and the identity keys used for deduplication:
//   email_key: trimmed, lower-cased email ("Ann@X.COM " -> "ann@x.com")
//   phone_key: "+<country code><number>" when the country is known or the
//              number is international, else its digits
//   name_key:  normalised company|first|last, when all three are present
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace leadloop {

std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool is_valid_utf8(std::string_view s);

std::string email_key(std::string_view email);
// REQUIRES: email already trimmed.
bool is_valid_email(std::string_view email);

// Digits of the phone number with its country prefix, "+4930123456".
// `country` is an ISO 3166 alpha-2 code or a common country name; it is used
// when the number has no international prefix. Returns "" when the number
// has no digits.
std::string phone_key(std::string_view phone, std::string_view country);
// Count of digits in a phone number as typed.
int phone_digit_count(std::string_view phone);

std::string name_key(std::string_view company, std::string_view first, std::string_view last);

// Calling code for an ISO alpha-2 code or English country name, or "".
std::string_view calling_code(std::string_view country);

}  // namespace leadloop
