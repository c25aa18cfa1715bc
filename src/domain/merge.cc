#include "domain/merge.h"

#include "domain/validate.h"

namespace leadloop {

namespace {

// The same email or phone written another way ("ANN@X.COM", "(212) 555-0123"
// for "+1 212 555 0123") is the same value, not a conflict.
bool same_identity(std::string_view field, const Lead& a, const Lead& b) {
  if (field == "email") return !a.email_key.empty() && a.email_key == b.email_key;
  if (field == "phone") return !a.phone_key.empty() && a.phone_key == b.phone_key;
  return false;
}

void merge_consent(const char* name, Consent& kept, Consent offered, MergeReport& r) {
  // An opt-out always wins; a grant only fills an unknown.
  if (offered == Consent::kDenied && kept != Consent::kDenied) {
    kept = Consent::kDenied;
    r.filled.push_back(std::string("consent.") + name);
  } else if (offered == Consent::kGranted && kept == Consent::kUnknown) {
    kept = Consent::kGranted;
    r.filled.push_back(std::string("consent.") + name);
  }
}

}  // namespace

MergeReport merge_lead(Lead& existing, const Lead& incoming) {
  MergeReport r;
  for (const auto& f : lead_text_fields()) {
    if (f.name == "source_campaign") continue;  // the first campaign keeps the credit
    std::string& kept = existing.*(f.member);
    const std::string& offered = incoming.*(f.member);
    if (offered.empty()) continue;
    if (kept.empty()) {
      kept = offered;
      r.filled.emplace_back(f.name);
    } else if (kept != offered && !same_identity(f.name, existing, incoming)) {
      r.conflicts.push_back({std::string(f.name), kept, offered});
    }
  }
  if (incoming.employees) {
    if (!existing.employees) {
      existing.employees = incoming.employees;
      r.filled.emplace_back("employees");
    } else if (*existing.employees != *incoming.employees) {
      r.conflicts.push_back({"employees", std::to_string(*existing.employees),
                             std::to_string(*incoming.employees)});
    }
  }
  for (const auto& [k, v] : incoming.attributes) {
    auto it = existing.attributes.find(k);
    if (it == existing.attributes.end()) {
      existing.attributes.emplace(k, v);
      r.filled.push_back("attributes." + k);
    } else if (it->second != v) {
      r.conflicts.push_back({"attributes." + k, it->second, v});
    }
  }
  merge_consent("email", existing.consent.email, incoming.consent.email, r);
  merge_consent("phone", existing.consent.phone, incoming.consent.phone, r);
  merge_consent("mail", existing.consent.mail, incoming.consent.mail, r);
  if (r.changed()) derive_keys(existing);
  return r;
}

}  // namespace leadloop
