#include "io/csv_mapping.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <map>
#include <set>

#include "domain/codec.h"
#include "definition/yaml_limits.h"
#include "domain/normalize.h"
#include "io/csv_formula.h"

namespace leadloop {

namespace {

struct Alias {
  std::string_view preset;  // "" for every preset
  std::string_view header;
  std::string_view target;
};

// One table of every header we know. Generic aliases ("" preset) apply to
// every file; preset ones win when that preset is chosen or detected.
constexpr Alias kAliases[] = {
    // Leadloop's own names and their common spellings.
    {"", "email", "email"}, {"", "e-mail", "email"}, {"", "email address", "email"},
    {"", "work email", "email"}, {"", "phone", "phone"}, {"", "phone number", "phone"},
    {"", "telephone", "phone"}, {"", "tel", "phone"}, {"", "business phone", "phone"},
    {"", "work phone", "phone"}, {"", "first_name", "first_name"}, {"", "given name", "first_name"},
    {"", "last_name", "last_name"}, {"", "surname", "last_name"}, {"", "family name", "last_name"},
    {"", "company", "company"}, {"", "company name", "company"}, {"", "organization", "company"},
    {"", "organisation", "company"}, {"", "account name", "company"}, {"", "title", "title"},
    {"", "job title", "title"}, {"", "position", "title"}, {"", "industry", "industry"},
    {"", "employees", "employees"}, {"", "number of employees", "employees"},
    {"", "no. of employees", "employees"}, {"", "company size", "employees"},
    {"", "country", "country"}, {"", "region", "region"}, {"", "sales region", "region"},
    {"", "source_campaign", "source_campaign"}, {"", "campaign", "source_campaign"},
    {"", "external id", "external_id"}, {"", "external_ref", "external_id"},
    {"", "caller", "caller"}, {"", "agent", "caller"},
    {"", "captured_at", "captured_at"}, {"", "captured", "captured_at"},
    {"", "attributes", "attributes"}, {"", "consent_email", "consent.email"},
    {"", "consent_phone", "consent.phone"}, {"", "consent_mail", "consent.mail"},
    {"", "name", "full_name"}, {"", "full name", "full_name"}, {"", "contact name", "full_name"},
    {"", "mobile", "attributes.mobile"}, {"", "city", "attributes.city"},
    {"", "state", "attributes.state"}, {"", "website", "attributes.website"},
    {"", "id", "attributes.source_id"},
    // The other columns of Leadloop's own export, so that a re-import is
    // never taken for another CRM's file.
    {"", "stage", "attributes.stage"}, {"", "grade", "attributes.grade"},
    {"", "owner", "attributes.owner"}, {"", "created_at", "attributes.created_at"},
    {"", "updated_at", "attributes.updated_at"}, {"", "last_touch_at", "attributes.last_touch_at"},
    // Salesforce lead export (report labels and API names).
    {"salesforce", "lead id", "attributes.salesforce_id"}, {"salesforce", "id", "attributes.salesforce_id"},
    {"salesforce", "firstname", "first_name"}, {"salesforce", "lastname", "last_name"},
    {"salesforce", "numberofemployees", "employees"}, {"salesforce", "state/province", "attributes.state"},
    {"salesforce", "zip/postal code", "attributes.postal_code"}, {"salesforce", "postalcode", "attributes.postal_code"},
    {"salesforce", "street", "attributes.street"}, {"salesforce", "lead source", "attributes.lead_source"},
    {"salesforce", "leadsource", "attributes.lead_source"}, {"salesforce", "lead status", "attributes.salesforce_status"},
    {"salesforce", "status", "attributes.salesforce_status"}, {"salesforce", "rating", "attributes.salesforce_rating"},
    {"salesforce", "lead owner", "attributes.salesforce_owner"}, {"salesforce", "email opt out", "optout.email"},
    {"salesforce", "hasoptedoutofemail", "optout.email"}, {"salesforce", "do not call", "optout.phone"},
    {"salesforce", "donotcall", "optout.phone"}, {"salesforce", "annual revenue", "attributes.annual_revenue"},
    {"salesforce", "annualrevenue", "attributes.annual_revenue"},
    // HubSpot contact export.
    {"hubspot", "record id", "attributes.hubspot_id"}, {"hubspot", "contact id", "attributes.hubspot_id"},
    {"hubspot", "country/region", "country"}, {"hubspot", "state/region", "attributes.state"},
    {"hubspot", "mobile phone number", "attributes.mobile"}, {"hubspot", "lifecycle stage", "attributes.hubspot_lifecycle_stage"},
    {"hubspot", "lead status", "attributes.hubspot_lead_status"}, {"hubspot", "contact owner", "attributes.hubspot_owner"},
    {"hubspot", "original source", "attributes.hubspot_original_source"},
    {"hubspot", "unsubscribed from all email", "optout.email"}, {"hubspot", "create date", "attributes.hubspot_created"},
    {"hubspot", "postal code", "attributes.postal_code"}, {"hubspot", "annual revenue", "attributes.annual_revenue"},
    // Mautic contact export.
    {"mautic", "id", "attributes.mautic_id"}, {"mautic", "firstname", "first_name"},
    {"mautic", "lastname", "last_name"}, {"mautic", "position", "title"},
    {"mautic", "points", "attributes.mautic_points"}, {"mautic", "stage", "attributes.mautic_stage"},
    {"mautic", "zipcode", "attributes.postal_code"}, {"mautic", "address1", "attributes.street"},
    {"mautic", "preferred_locale", "attributes.locale"}, {"mautic", "last_active", "attributes.mautic_last_active"},
    {"mautic", "dnc_email", "optout.email"}, {"mautic", "companyname", "company"},
};

constexpr std::string_view kPresets[] = {"salesforce", "hubspot", "mautic"};

// A mapping is a list of columns: a few kilobytes, shallow.
constexpr YamlLimits kMappingYamlLimits = {64 * 1024, 8, 10000, 0};

bool is_preset(std::string_view name) {
  for (auto p : kPresets) {
    if (p == name) return true;
  }
  return false;
}

std::string attribute_name(std::string_view header) {
  std::string out;
  bool gap = false;
  for (char c : trim(header)) {
    auto u = static_cast<unsigned char>(c);
    bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80;
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
      word = true;
    }
    if (word) {
      if (gap && !out.empty()) out += '_';
      out += c;
      gap = false;
    } else {
      gap = true;
    }
  }
  return out.substr(0, 100);
}

bool truthy(std::string_view v) {
  std::string s = to_lower_ascii(trim(v));
  return s == "1" || s == "true" || s == "yes" || s == "y" || s == "x" || s == "checked";
}

Status parse_employees(std::string_view text, Lead* lead) {
  std::string digits;
  std::string_view t = trim(text);
  if (t.empty()) return Status();
  size_t i = 0;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == ',' || c == '.' || c == ' ' || c == '\'') {
      continue;  // thousands separators
    } else {
      break;
    }
  }
  std::string_view rest = trim(t.substr(i));
  bool range = !rest.empty() && (rest[0] == '-' || rest[0] == '+');
  if (digits.empty() || digits.size() > 9 || (!rest.empty() && !range)) {
    return Status(ErrorCode::kInvalidValue,
                  "'" + std::string(t) + "' is not a number of employees", "employees");
  }
  int64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  lead->employees = v;
  if (range) lead->attributes["employees_range"] = std::string(t);
  return Status();
}

}  // namespace

std::string ColumnTarget::describe() const {
  switch (kind) {
    case TargetKind::kTextField: return name;
    case TargetKind::kEmployees: return "employees";
    case TargetKind::kAttribute: return "attributes." + name;
    case TargetKind::kAttributes: return "attributes";
    case TargetKind::kConsent: return "consent." + name;
    case TargetKind::kOptOut: return "optout." + name;
    case TargetKind::kFullName: return "full_name";
    case TargetKind::kCapturedAt: return "captured_at";
    case TargetKind::kIgnore: break;
  }
  return "ignore";
}

Result<ColumnTarget> parse_target(std::string_view text) {
  std::string t = std::string(trim(text));
  for (const auto& f : lead_text_fields()) {
    if (f.name == t) return ColumnTarget{TargetKind::kTextField, t};
  }
  if (t == "employees") return ColumnTarget{TargetKind::kEmployees, ""};
  if (t == "attributes") return ColumnTarget{TargetKind::kAttributes, ""};
  if (t == "full_name") return ColumnTarget{TargetKind::kFullName, ""};
  if (t == "captured_at") return ColumnTarget{TargetKind::kCapturedAt, ""};
  if (t == "ignore" || t.empty()) return ColumnTarget{TargetKind::kIgnore, ""};
  auto sub = [&](std::string_view prefix) -> std::string {
    return t.size() > prefix.size() && t.compare(0, prefix.size(), prefix) == 0
               ? t.substr(prefix.size())
               : std::string();
  };
  if (auto a = sub("attributes."); !a.empty()) return ColumnTarget{TargetKind::kAttribute, a};
  for (auto [prefix, kind] : {std::pair{std::string_view("consent."), TargetKind::kConsent},
                              std::pair{std::string_view("optout."), TargetKind::kOptOut}}) {
    std::string ch = sub(prefix);
    if (ch == "email" || ch == "phone" || ch == "mail") return ColumnTarget{kind, ch};
  }
  return Status(ErrorCode::kInvalidValue,
                "'" + t + "' is not a target; use a lead field (email, phone, first_name, ...), "
                "employees, attributes.NAME, consent.CHANNEL, optout.CHANNEL, full_name, captured_at or ignore");
}

std::string header_key(std::string_view header) {
  std::string out;
  for (char c : trim(header)) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return out;
}

namespace {

// {preset: NAME, columns: {"Header": target, ...}}, from a file or a
// request; `where` names it in errors.
Result<MappingSpec> spec_from_yaml(const YAML::Node& doc, const std::string& where, MappingSpec spec) {
  if (!doc.IsMap() || !doc["columns"] || !doc["columns"].IsMap()) {
    return Status(ErrorCode::kInvalidValue,
                  where + ": expected a map with 'columns: {\"Header\": target}'", "mapping");
  }
  for (const auto& kv : doc["columns"]) {
    if (!kv.second.IsNull() && !kv.second.IsScalar()) {
      return Status(ErrorCode::kInvalidValue,
                    where + ": column '" + kv.first.as<std::string>("") + "': a target is one name", "mapping");
    }
    auto target = parse_target(kv.second.IsNull() ? "ignore" : kv.second.as<std::string>(""));
    if (!target.ok()) {
      return Status(ErrorCode::kInvalidValue,
                    where + ": column '" + kv.first.as<std::string>("") + "': " +
                        target.status().message(), "mapping");
    }
    spec.own.emplace_back(header_key(kv.first.as<std::string>("")), *target);
  }
  spec.preset = doc["preset"] && doc["preset"].IsScalar() ? doc["preset"].as<std::string>("auto") : "auto";
  if (spec.preset != "auto" && !is_preset(spec.preset)) {
    return Status(ErrorCode::kInvalidValue, where + ": unknown preset '" + spec.preset + "'",
                  "mapping");
  }
  return spec;
}

}  // namespace

Result<MappingSpec> load_mapping(const std::string& name_or_path) {
  MappingSpec spec;
  spec.name = name_or_path.empty() ? "auto" : name_or_path;
  spec.preset = spec.name;
  if (spec.name == "auto" || is_preset(spec.name)) return spec;
  const std::string path = spec.name;  // a copy: spec moves below
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status(ErrorCode::kInvalidValue,
                  "'" + path + "' is neither a mapping preset (salesforce, hubspot, mautic) "
                  "nor a readable YAML file", "mapping");
  } catch (const YAML::Exception& e) {
    return Status(ErrorCode::kInvalidValue,
                  path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg, "mapping");
  }
  return spec_from_yaml(doc, path, std::move(spec));
}

Result<MappingSpec> parse_mapping(std::string_view text) {
  const std::string where = "the mapping";
  if (auto refused = check_yaml_limits(text, kMappingYamlLimits)) {
    return Status(ErrorCode::kInvalidValue,
                  where + (refused->line ? ": line " + std::to_string(refused->line) : std::string()) + ": " +
                      refused->message,
                  "mapping");
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status(ErrorCode::kInvalidValue, where + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg,
                  "mapping");
  }
  MappingSpec spec;
  spec.name = "request";
  return spec_from_yaml(doc, where, std::move(spec));
}

namespace {

// Every alias a spec resolves headers with, in order: the file's own
// columns, the preset's, the generic ones, then the canonical field names.
// With no preset ("auto" that detected none), every preset's aliases come
// last as a fallback.
std::vector<std::pair<std::string, ColumnTarget>> aliases_for(const MappingSpec& spec,
                                                             std::string_view preset) {
  std::vector<std::pair<std::string, ColumnTarget>> out = spec.own;
  auto add = [&](auto&& keep) {
    for (const Alias& a : kAliases) {
      if (keep(a)) out.emplace_back(header_key(a.header), *parse_target(a.target));
    }
  };
  add([&](const Alias& a) { return !preset.empty() && a.preset == preset; });
  add([](const Alias& a) { return a.preset.empty(); });
  for (const auto& f : lead_text_fields()) {
    out.emplace_back(header_key(f.name), *parse_target(f.name));
  }
  if (preset.empty()) add([](const Alias& a) { return !a.preset.empty(); });
  return out;
}

// The header keys of the aliases every system shares and of the lead's
// own fields (no evidence for a preset), and those of each preset: made
// once, so a file of a thousand columns is matched in a thousand lookups.
struct PresetKeys {
  std::set<std::string, std::less<>> generic;
  std::map<std::string_view, std::set<std::string, std::less<>>> own;
};

const PresetKeys& preset_keys() {
  static const PresetKeys keys = [] {
    PresetKeys k;
    for (const Alias& a : kAliases) (a.preset.empty() ? k.generic : k.own[a.preset]).insert(header_key(a.header));
    for (const auto& f : lead_text_fields()) k.generic.insert(header_key(f.name));
    return k;
  }();
  return keys;
}

// The preset whose own headers match the most columns, or "". Headers that
// every system shares (email, first_name, id...) are no evidence.
std::string detect_preset(const std::vector<std::string>& headers) {
  const PresetKeys& keys = preset_keys();
  std::vector<std::string> evidence;
  for (const auto& h : headers) {
    std::string k = header_key(h);
    if (!keys.generic.count(k)) evidence.push_back(std::move(k));
  }
  int best = 0;
  std::string best_name;
  for (auto preset : kPresets) {
    auto own = keys.own.find(preset);
    if (own == keys.own.end()) continue;
    int score = 0;
    for (const auto& k : evidence) score += own->second.count(k) > 0;
    if (score > best) {
      best = score;
      best_name = std::string(preset);
    }
  }
  return best_name;
}

}  // namespace

void yield_campaign_column(ColumnMapping& m) {
  if (!m.has_campaign_column || m.campaign_column_named) return;
  for (size_t i = 0; i < m.columns.size(); ++i) {
    ColumnTarget& t = m.columns[i];
    if (t.kind != TargetKind::kTextField || t.name != "source_campaign") continue;
    std::string attr = attribute_name(m.headers[i]);
    t = attr.empty() ? ColumnTarget{TargetKind::kIgnore, ""} : ColumnTarget{TargetKind::kAttribute, attr};
  }
  m.has_campaign_column = false;
}

int ColumnMapping::column_of(std::string_view field) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnTarget& t = columns[i];
    std::string d = t.describe();
    if (d == field) return static_cast<int>(i) + 1;
    if (t.kind == TargetKind::kFullName && (field == "first_name" || field == "last_name")) {
      return static_cast<int>(i) + 1;
    }
    if (t.kind == TargetKind::kOptOut && field == "consent." + t.name) return static_cast<int>(i) + 1;
    if (t.kind == TargetKind::kAttributes && field.rfind("attributes", 0) == 0) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

Result<ColumnMapping> resolve_mapping(const MappingSpec& spec,
                                      const std::vector<std::string>& headers) {
  ColumnMapping m;
  m.spec_name = spec.name;
  m.headers = headers;
  std::string preset = spec.preset;
  if (preset == "auto") {
    preset = detect_preset(headers);
    if (!preset.empty()) m.spec_name += " (" + preset + ")";
  }
  const auto aliases = aliases_for(spec, preset);
  bool has_contact = false;
  std::vector<bool> taken_text(lead_text_fields().size(), false);
  auto named_by_mapping = [&](const std::string& k) {
    for (const auto& [alias, t] : spec.own) {
      if (alias == k) return true;
    }
    return false;
  };
  for (const auto& h : headers) {
    std::string k = header_key(h);
    ColumnTarget target;
    bool found = false;
    for (const auto& [alias, t] : aliases) {
      if (alias == k) {
        target = t;
        found = true;
        break;
      }
    }
    if (!found) {
      std::string attr = attribute_name(h);
      target = attr.empty() ? ColumnTarget{TargetKind::kIgnore, ""}
                            : ColumnTarget{TargetKind::kAttribute, attr};
    }
    // A second column for the same text field keeps its data as an attribute.
    if (target.kind == TargetKind::kTextField) {
      for (size_t f = 0; f < lead_text_fields().size(); ++f) {
        if (lead_text_fields()[f].name != target.name) continue;
        if (taken_text[f]) {
          target = ColumnTarget{TargetKind::kAttribute, attribute_name(h)};
        } else {
          taken_text[f] = true;
        }
      }
    }
    if (target.kind == TargetKind::kTextField &&
        (target.name == "email" || target.name == "phone" || target.name == "external_id")) {
      has_contact = true;
    }
    if (target.kind == TargetKind::kTextField && target.name == "source_campaign") {
      m.has_campaign_column = true;
      m.campaign_column_named = named_by_mapping(k);
    }
    m.columns.push_back(target);
  }
  if (!has_contact) {
    std::string list;
    for (const auto& h : headers) list += (list.empty() ? "" : ", ") + h;
    return Status(ErrorCode::kMissingField,
                  "no column holds an email, a phone or an external_id (headers: " + list.substr(0, 500) +
                      "); name the columns in a mapping (--mapping FILE.yaml, or ?mapping= over HTTP)",
                  "email");
  }
  return m;
}

namespace {

// A cell an export neutralised against formula injection ("'=1+2",
// csv_export.h) reads back as it was written.
bool neutralised_cell(const std::string& cell) {
  return cell.size() > 1 && cell[0] == '\'' && formula_like(std::string_view(cell).substr(1));
}

}  // namespace

Result<Lead> map_record(const ColumnMapping& m, const std::vector<std::string>& fields) {
  Lead lead;
  std::string full_name;
  std::string unquoted;
  for (size_t i = 0; i < m.columns.size() && i < fields.size(); ++i) {
    const ColumnTarget& t = m.columns[i];
    const bool quoted = neutralised_cell(fields[i]);
    if (quoted) unquoted = fields[i].substr(1);
    const std::string& v = quoted ? unquoted : fields[i];
    switch (t.kind) {
      case TargetKind::kTextField:
        for (const auto& f : lead_text_fields()) {
          if (f.name == t.name) lead.*(f.member) = v;
        }
        break;
      case TargetKind::kEmployees:
        LEADLOOP_RETURN_IF_ERROR(parse_employees(v, &lead));
        break;
      case TargetKind::kAttribute:
        if (!trim(v).empty()) lead.attributes[t.name] = std::string(trim(v));
        break;
      case TargetKind::kAttributes: {
        if (trim(v).empty()) break;
        auto j = Json::parse(v, nullptr, false);
        if (!j.is_object()) {
          return Status(ErrorCode::kInvalidValue, "expected a JSON object of attributes",
                        "attributes");
        }
        for (auto& [k, val] : j.items()) {
          lead.attributes[k] = val.is_string() ? val.get<std::string>() : val.dump();
        }
        break;
      }
      case TargetKind::kConsent:
      case TargetKind::kOptOut: {
        if (trim(v).empty()) break;
        Consent c;
        if (t.kind == TargetKind::kOptOut) {
          c = truthy(v) ? Consent::kDenied : Consent::kUnknown;
        } else {
          auto parsed = parse_consent(v);
          if (!parsed) {
            return Status(ErrorCode::kInvalidValue,
                          "'" + v + "' is not a consent value (granted/denied, yes/no, 1/0)",
                          "consent." + t.name);
          }
          c = *parsed;
        }
        Consent& slot = t.name == "email" ? lead.consent.email
                        : t.name == "phone" ? lead.consent.phone
                                            : lead.consent.mail;
        if (c != Consent::kUnknown) slot = c;
        break;
      }
      case TargetKind::kFullName:
        full_name = std::string(trim(v));
        break;
      case TargetKind::kCapturedAt: {
        if (trim(v).empty()) break;
        auto at = parse_time(trim(v));
        if (!at.ok()) return at.status().with_field("captured_at");
        lead.captured_at = *at;
        break;
      }
      case TargetKind::kIgnore:
        break;
    }
  }
  if (!full_name.empty() && lead.first_name.empty() && lead.last_name.empty()) {
    size_t sp = full_name.rfind(' ');
    if (sp == std::string::npos) {
      lead.last_name = full_name;
    } else {
      lead.first_name = full_name.substr(0, sp);
      lead.last_name = full_name.substr(sp + 1);
    }
  }
  if (fields.size() > m.columns.size()) {
    bool extra = false;
    for (size_t i = m.columns.size(); i < fields.size(); ++i) extra |= !trim(fields[i]).empty();
    if (extra) {
      return Status(ErrorCode::kInvalidCsv,
                    "the row has " + std::to_string(fields.size()) + " fields, the header " +
                        std::to_string(m.columns.size()));
    }
  }
  return lead;
}

}  // namespace leadloop
