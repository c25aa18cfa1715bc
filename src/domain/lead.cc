#include "domain/lead.h"

#include <array>

namespace leadloop {

namespace {
const std::array<LeadTextField, 12> kTextFields = {{
    {"email", &Lead::email, 254},
    {"phone", &Lead::phone, 40},
    {"first_name", &Lead::first_name, 200},
    {"last_name", &Lead::last_name, 200},
    {"company", &Lead::company, 300},
    {"title", &Lead::title, 300},
    {"industry", &Lead::industry, 200},
    {"country", &Lead::country, 100},
    {"region", &Lead::region, 100},
    {"source_campaign", &Lead::source_campaign, 64},
    {"external_id", &Lead::external_id, 200},
    {"caller", &Lead::caller, 200},
}};

const std::array<ConsentChannel, 3> kConsentChannels = {{
    {"email", &ConsentFlags::email},
    {"phone", &ConsentFlags::phone},
    {"mail", &ConsentFlags::mail},
}};
}  // namespace

std::span<const LeadTextField> lead_text_fields() {
  return kTextFields;
}

bool is_lead_field(std::string_view name) {
  for (const auto& f : lead_text_fields()) {
    if (f.name == name) return true;
  }
  return name == "employees" || name == "attributes" || name == "consent";
}

std::string_view consent_name(Consent c) {
  switch (c) {
    case Consent::kGranted: return "granted";
    case Consent::kDenied: return "denied";
    case Consent::kUnknown: break;
  }
  return "unknown";
}

std::span<const ConsentChannel> consent_channels() { return kConsentChannels; }

bool do_not_contact(const ConsentFlags& c) {
  return c.email == Consent::kDenied && c.phone == Consent::kDenied && c.mail == Consent::kDenied;
}

std::optional<Consent> parse_consent(std::string_view t) {
  std::string s;
  for (char c : t) {
    if (c != ' ') s += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  if (s == "granted" || s == "yes" || s == "y" || s == "true" || s == "1" || s == "opt_in" ||
      s == "optin" || s == "subscribed") {
    return Consent::kGranted;
  }
  if (s == "denied" || s == "no" || s == "n" || s == "false" || s == "0" || s == "opt_out" ||
      s == "optout" || s == "unsubscribed") {
    return Consent::kDenied;
  }
  if (s.empty() || s == "unknown") return Consent::kUnknown;
  return std::nullopt;
}

}  // namespace leadloop
