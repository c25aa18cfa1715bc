#include "demo/programme.h"

#include <array>

#include "demo/demo_data.h"

namespace leadloop {

namespace {

constexpr std::array<std::string_view, 40> kFirst = {
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Keiko", "Liam", "Maria", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Sven", "Tara",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amir", "Bea", "Chen", "Dana",
    "Emil", "Fatima", "Gustav", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nina"};
constexpr std::array<std::string_view, 40> kLast = {
    "Smith", "Müller", "Garcia", "Rossi", "Dubois", "Jansen", "Kowalski", "Nakamura", "Chen",
    "Silva", "Johnson", "Schmidt", "Lopez", "Bianchi", "Martin", "de Vries", "Nowak", "Tanaka",
    "Wang", "Santos", "Brown", "Schneider", "Martinez", "Romano", "Bernard", "Bakker", "Wiśniewski",
    "Suzuki", "Li", "Oliveira", "Taylor", "Fischer", "Hernandez", "Ricci", "Petit", "Visser",
    "Lewandowski", "Sato", "Zhang", "Pereira"};
constexpr std::array<std::string_view, 24> kCompanyStem = {
    "Acme", "Northwind", "Blue Harbor", "Vertex", "Quantum", "Silverline", "Redwood", "Orion",
    "Helix", "Summit", "Brightpath", "Ironclad", "Nimbus", "Cobalt", "Evergreen", "Falcon",
    "Granite", "Horizon", "Lumen", "Meridian", "Nova", "Pioneer", "Sterling", "Tidewater"};
constexpr std::array<std::string_view, 8> kCompanyKind = {
    "Systems", "Logistics", "Health", "Capital", "Manufacturing", "Software", "Retail", "Energy"};
constexpr std::array<std::string_view, 6> kCompanySuffix = {"Inc.", "GmbH", "Ltd", "B.V.", "LLC", "S.A."};
constexpr std::array<std::string_view, 10> kTitles = {
    "VP Sales", "Director of Marketing", "IT Manager", "CFO", "Head of Operations",
    "Procurement Manager", "CTO", "Marketing Coordinator", "Sales Director", "Analyst"};
constexpr std::array<std::string_view, 8> kIndustries = {
    "software", "manufacturing", "healthcare", "finance", "retail", "logistics", "education", "energy"};

struct Place {
  std::string_view country;
  std::string_view region;
  std::string_view phone_prefix;  // national format
};
constexpr std::array<Place, 10> kPlaces = {{{"US", "NA", "(212) 555-"},
                                            {"US", "NA", "(415) 555-"},
                                            {"CA", "NA", "(416) 555-"},
                                            {"GB", "EMEA", "020 7946 "},
                                            {"DE", "EMEA", "030 9012 "},
                                            {"FR", "EMEA", "01 44 55 "},
                                            {"NL", "EMEA", "020 555 "},
                                            {"AU", "APAC", "02 9876 "},
                                            {"SG", "APAC", "6555 "},
                                            {"JP", "APAC", "03 5555 "}}};

constexpr std::array<CampaignSeed, 10> kCampaigns = {{
    {"tm-callpro-q1", "CallPro outbound: IT decision makers", Channel::kTelemarketing, "marketing.anna", "CallPro Inc", 4500000, 22, 0},
    {"email-nurture-spring", "Spring email programme", Channel::kEmail, "marketing.ben", "", 350000, 14, 0},
    {"web-demo-request", "Website demo request form", Channel::kWeb, "marketing.anna", "", 800000, 16, 0},
    {"webinar-roi-2026", "Webinar: measuring lead ROI", Channel::kWebinar, "marketing.carla", "", 600000, 10, 0},
    {"event-saas-summit", "SaaS Summit booth", Channel::kEvent, "marketing.carla", "", 2500000, 9, 0},
    {"dm-cfo-mailer", "Direct mail to CFOs", Channel::kDirectMail, "marketing.ben", "", 1200000, 5, 0},
    {"social-linkedin-ads", "LinkedIn lead gen ads", Channel::kSocial, "marketing.ben", "", 1800000, 12, 0},
    {"referral-customers", "Customer referral programme", Channel::kReferral, "marketing.anna", "", 200000, 6, 0},
    {"partner-resellers", "Reseller partner leads", Channel::kPartner, "marketing.carla", "Partnerly", 900000, 4, 0},
    {"tm-callpro-q3", "CallPro outbound: operations leaders", Channel::kTelemarketing, "marketing.anna", "CallPro Inc", 3800000, 2, 180},
}};

struct TeamSeed {
  std::string_view key, name, region, manager, manager_name;
};
constexpr std::array<TeamSeed, 3> kTeams = {{
    {"team-na", "NA sales", "NA", "mgr-na", "NA Sales Manager"},
    {"team-emea", "EMEA sales", "EMEA", "mgr-emea", "EMEA Sales Manager"},
    {"team-apac", "APAC sales", "APAC", "mgr-apac", "APAC Sales Manager"},
}};

// Each team has fast and slow reps; two teams have a rep who never follows
// up; one rep is away part of the time. rep-na-1 is the key-account rep that
// the demo definition's first routing rule names.
using R = Responsiveness;
constexpr std::array<RepSeed, 12> kReps = {{
    {"rep-na-1", "Hugo Brown", "team-na", "NA", 50, R::kFast, false},
    {"rep-na-2", "Olivia Taylor", "team-na", "NA", 60, R::kSlow, false},
    {"rep-na-3", "Victor Santos", "team-na", "NA", 70, R::kFast, false},
    {"rep-na-4", "Chen Li", "team-na", "NA", 80, R::kNever, false},
    {"rep-emea-1", "Elena Rossi", "team-emea", "EMEA", 50, R::kFast, false},
    {"rep-emea-2", "Jonas Jansen", "team-emea", "EMEA", 60, R::kFast, true},
    {"rep-emea-3", "Lena Fischer", "team-emea", "EMEA", 70, R::kSlow, false},
    {"rep-emea-4", "Pavel Nowak", "team-emea", "EMEA", 80, R::kFast, false},
    {"rep-apac-1", "Keiko Sato", "team-apac", "APAC", 50, R::kSlow, false},
    {"rep-apac-2", "Amir Wang", "team-apac", "APAC", 60, R::kFast, false},
    {"rep-apac-3", "Wen Zhang", "team-apac", "APAC", 70, R::kNever, false},
    {"rep-apac-4", "Dana Silva", "team-apac", "APAC", 80, R::kFast, false},
}};

constexpr TimePoint kAwayFirst = 21 * kMillisPerDay;
constexpr TimePoint kAwayLength = 14 * kMillisPerDay;
constexpr TimePoint kAwayEvery = 56 * kMillisPerDay;

std::string ascii_lower(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (u == 0xC3 || u == 0xC5) {
      continue;  // lead byte of ü, ś...: drop the accent for the mailbox
    } else if (u >= 0x80) {
      out += 'x';
    }
  }
  return out;
}

int campaign_weight(const CampaignSeed& c, Days day, Days start) { return day - start < c.starts_after ? 0 : c.weight; }

}  // namespace

std::span<const CampaignSeed> programme_campaigns() { return kCampaigns; }

Result<int> create_campaigns(CampaignCatalog& campaigns, Days start, int days) {
  int created = 0;
  for (const CampaignSeed& cs : kCampaigns) {
    if (campaigns.find(std::string(cs.key)) || cs.starts_after >= days) continue;  // there, or never runs
    Campaign c;
    c.key = std::string(cs.key);
    c.name = std::string(cs.name);
    c.channel = cs.channel;
    c.owner = std::string(cs.owner);
    c.vendor = std::string(cs.vendor);
    c.cost_cents = cs.cost_cents;
    c.currency = "USD";
    c.starts_on = start + cs.starts_after;
    c.ends_on = start + days;
    auto stored = campaigns.create(c);
    if (!stored.ok()) return stored.status();
    ++created;
  }
  return created;
}

const CampaignSeed& pick_campaign(Rng& rng, Days day, Days start) {
  int total = 0;
  for (const auto& c : kCampaigns) total += campaign_weight(c, day, start);
  int r = static_cast<int>(rng.below(static_cast<size_t>(total)));
  for (const auto& c : kCampaigns) {
    int w = campaign_weight(c, day, start);
    if (r < w) return c;
    r -= w;
  }
  return kCampaigns[0];
}

Lead make_lead(Rng& rng, const CampaignSeed& c, int64_t serial) {
  Lead l;
  const Place& place = rng.pick(kPlaces);
  l.first_name = std::string(rng.pick(kFirst));
  l.last_name = std::string(rng.pick(kLast));
  // Past the first 9,000 people a middle initial: 40 first names x 40 last
  // names x 9,216 companies would otherwise repeat a name at a company (a
  // duplicate by name) a few hundred thousand times in a million-lead demo.
  if (serial >= 9000) l.first_name += std::string(" ") + static_cast<char>('A' + serial % 26) + ".";
  std::string stem(rng.pick(kCompanyStem));
  std::string kind(rng.pick(kCompanyKind));
  l.company = stem + " " + kind + " " + std::string(rng.pick(kCompanySuffix));
  std::string domain = ascii_lower(stem) + ascii_lower(kind) + ".example";
  l.email = ascii_lower(l.first_name) + "." + ascii_lower(l.last_name) + std::to_string(serial) + "@" + domain;
  if (c.channel == Channel::kTelemarketing || rng.chance(0.6)) {
    // Four digits for the first 9,000 people; then the block number in front
    // of them, so a big demo has no two people sharing a number (which the
    // phone match would merge: a million-lead demo made only 299k leads).
    const int64_t block = serial / 9000;
    l.phone = std::string(place.phone_prefix) + (block > 0 ? std::to_string(block) : "") +
              std::to_string(1000 + (serial * 7919) % 9000);
  }
  if (c.channel == Channel::kTelemarketing && rng.chance(0.15)) l.email.clear();  // phone-only call list
  l.title = std::string(rng.pick(kTitles));
  l.industry = std::string(rng.pick(kIndustries));
  // Company sizes are heavy-tailed: many small, few large.
  double u = rng.unit();
  l.employees = static_cast<int64_t>(5 + 20000 * u * u * u * u);
  l.country = std::string(place.country);
  l.region = std::string(place.region);
  l.source_campaign = std::string(c.key);
  // The vendor's agent who made the call, by the person's number: no draw
  // of the generator, so every other figure of the demo stays the same.
  static constexpr std::array<std::string_view, 5> kCallers = {"Maria K.", "Tom B.", "Ines R.", "Jonas W.", "Priya S."};
  if (c.channel == Channel::kTelemarketing) l.caller = std::string(kCallers[static_cast<size_t>(serial) % kCallers.size()]);
  static constexpr std::array<std::string_view, 3> kBudget = {"confirmed", "unknown", "none"};
  static constexpr std::array<std::string_view, 4> kTimeframe = {"30", "60", "90", "180"};
  l.attributes["budget"] = std::string(rng.pick(kBudget));
  l.attributes["timeframe_days"] = std::string(rng.pick(kTimeframe));
  if (rng.chance(0.3)) l.attributes["current_system"] = rng.chance(0.5) ? "spreadsheet" : "legacy CRM";
  l.consent.email = rng.chance(0.8) ? Consent::kGranted : (rng.chance(0.5) ? Consent::kDenied : Consent::kUnknown);
  l.consent.phone = rng.chance(0.7) ? Consent::kGranted : Consent::kUnknown;
  return l;
}

Lead recapture(Lead l, const CampaignSeed& c) {
  for (char& ch : l.email) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
  l.source_campaign = std::string(c.key);
  l.title.clear();
  return l;
}

std::string_view responsiveness_name(Responsiveness r) {
  switch (r) {
    case Responsiveness::kFast: return "fast";
    case Responsiveness::kSlow: return "slow";
    case Responsiveness::kNever: return "never";
  }
  return "";
}

std::span<const RepSeed> programme_reps() { return kReps; }

const RepSeed* find_rep_seed(std::string_view key) {
  for (const RepSeed& r : kReps) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

Status seed_roster(Store& store, int* teams, int* reps) {
  for (const TeamSeed& ts : kTeams) {
    LEADLOOP_RETURN_IF_ERROR(store.put_team(
        {std::string(ts.key), std::string(ts.name), std::string(ts.region), std::string(ts.manager)}));
    ++*teams;
    Rep mgr{std::string(ts.manager), std::string(ts.manager_name), std::string(ts.manager) + "@leadloop.example",
            std::string(ts.key),     std::string(ts.region),       0};
    LEADLOOP_RETURN_IF_ERROR(store.put_rep(mgr));
    ++*reps;
  }
  for (const RepSeed& rs : kReps) {
    Rep r{std::string(rs.key), std::string(rs.name), std::string(rs.key) + "@leadloop.example", std::string(rs.team),
          std::string(rs.region), rs.capacity};
    LEADLOOP_RETURN_IF_ERROR(store.put_rep(r));
    ++*reps;
  }
  return Status();
}

std::vector<AwayWindow> away_schedule(TimePoint start, TimePoint end) {
  std::vector<AwayWindow> out;
  for (const RepSeed& r : kReps) {
    if (!r.part_time_away) continue;
    for (TimePoint from = start + kAwayFirst; from < end; from += kAwayEvery) {
      out.push_back({std::string(r.key), from, std::min(from + kAwayLength, end)});
    }
  }
  return out;
}

Result<int64_t> sign_demo_definition(DefinitionVersions& definitions) {
  if (auto active = definitions.active_record(); active.ok()) return active->version;
  auto draft = definitions.create(demo_definition_document(), "Maria Lopez");
  if (!draft.ok()) return draft.status();
  LEADLOOP_RETURN_IF_ERROR(
      definitions.approve(draft->version, draft->hash, kMarketingSide, "Maria Lopez", "marketing"));
  LEADLOOP_RETURN_IF_ERROR(definitions.approve(draft->version, draft->hash, kSalesSide, "Sam Chen", "sales_manager"));
  auto active = definitions.activate(draft->version, "Maria Lopez");
  if (!active.ok()) return active.status();
  return active->version;
}

}  // namespace leadloop
