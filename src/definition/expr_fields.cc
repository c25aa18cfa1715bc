// The field table: every name an expression can read, its type and where
// the value lives. The compiler resolves names from it and
// expression_fields() publishes it, so docs and errors cannot drift apart.
#include <array>
#include <vector>

#include "definition/expr_program.h"

namespace leadloop::expr {

namespace {

template <typename Enum, int kCount, std::string_view (*kName)(Enum)>
std::vector<std::string_view> enum_names() {
  std::vector<std::string_view> names;
  for (int i = 0; i < kCount; ++i) names.push_back(kName(static_cast<Enum>(i)));
  return names;
}

std::string_view consent_value_name(Consent c) { return consent_name(c); }

struct FieldTable {
  std::vector<std::string_view> stages = enum_names<Stage, kStageCount, stage_name>();
  std::vector<std::string_view> channels = enum_names<Channel, kChannelCount, channel_name>();
  std::vector<std::string_view> consents = enum_names<Consent, 3, consent_value_name>();
  std::vector<FieldSpec> specs;
  std::vector<FieldInfo> infos;

  FieldTable() {
    // The canonical lead text fields come from the domain's own table.
    for (const LeadTextField& f : lead_text_fields()) {
      specs.push_back(
          {f.name, Type::kString, "lead field, as imported", FieldKind::kLeadText, f.member});
    }
    const FieldSpec more[] = {
        {"owner", Type::kString, "key of the rep who owns the lead; empty while unassigned",
         FieldKind::kLeadText, &Lead::owner},
        {"employees", Type::kNumber, "company size", FieldKind::kEmployees},
        {"stage", Type::kString, "lifecycle stage, such as working", FieldKind::kStage, nullptr,
         stages, "stage"},
        {"created_at", Type::kDate, "when the lead was captured", FieldKind::kCreatedAt},
        {"last_touch", Type::kDate, "when the lead was last touched; missing if never",
         FieldKind::kLastTouch},
        {"touches.count", Type::kNumber, "how many touches the lead had", FieldKind::kTouchCount},
        {"campaign.key", Type::kString, "the source campaign's key", FieldKind::kCampaignKey},
        {"campaign.channel", Type::kString, "the source campaign's channel, such as telemarketing",
         FieldKind::kCampaignChannel, nullptr, channels, "channel"},
        {"campaign.vendor", Type::kString, "the source campaign's vendor",
         FieldKind::kCampaignVendor},
        {"campaign.owner", Type::kString, "who runs the source campaign",
         FieldKind::kCampaignOwner},
        {"consent.email", Type::kString, "granted, denied or unknown", FieldKind::kConsentEmail,
         nullptr, consents, "consent"},
        {"consent.phone", Type::kString, "granted, denied or unknown", FieldKind::kConsentPhone,
         nullptr, consents, "consent"},
        {"consent.mail", Type::kString, "granted, denied or unknown", FieldKind::kConsentMail,
         nullptr, consents, "consent"},
    };
    specs.insert(specs.end(), std::begin(more), std::end(more));
    for (const FieldSpec& s : specs) infos.push_back({s.name, type_name(s.type), s.about});
    infos.push_back({"attributes.<name>", type_name(Type::kText),
                     "a free attribute (alias attr.<name>); read as what it is compared with"});
    infos.push_back({"data.<name>", type_name(Type::kText),
                     "the latest call-guide answer; read as what it is compared with"});
  }
};

const FieldTable& table() {
  static const FieldTable kTable;
  return kTable;
}

}  // namespace

std::string_view type_name(Type t) {
  static constexpr std::array<std::string_view, 6> kNames = {"number", "string",   "bool",
                                                             "date",   "duration", "text"};
  return kNames[static_cast<size_t>(t)];
}

std::span<const FieldSpec> field_specs() { return table().specs; }

const FieldSpec* find_field(std::string_view name) {
  for (const FieldSpec& s : table().specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace leadloop::expr

namespace leadloop {

std::span<const FieldInfo> expression_fields() { return expr::table().infos; }

}  // namespace leadloop
