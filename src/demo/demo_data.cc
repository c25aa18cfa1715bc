#include "demo/demo_data.h"

#include <array>
#include <random>
#include <string>
#include <vector>

namespace leadloop {

namespace {

// A small deterministic generator: mt19937_64's output is fixed by the
// standard, and we never use the library's distributions (which are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t next() { return engine_(); }
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return unit() < p; }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& a) { return a[below(N)]; }

 private:
  std::mt19937_64 engine_;
};

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

struct CampaignSeed {
  std::string_view key, name;
  Channel channel;
  std::string_view owner, vendor;
  int64_t cost_cents;
  int weight;  // share of leads
};
constexpr std::array<CampaignSeed, 10> kCampaigns = {{
    {"tm-callpro-q1", "CallPro outbound: IT decision makers", Channel::kTelemarketing, "marketing.anna", "CallPro Inc", 4500000, 22},
    {"email-nurture-spring", "Spring email programme", Channel::kEmail, "marketing.ben", "", 350000, 14},
    {"web-demo-request", "Website demo request form", Channel::kWeb, "marketing.anna", "", 800000, 16},
    {"webinar-roi-2026", "Webinar: measuring lead ROI", Channel::kWebinar, "marketing.carla", "", 600000, 10},
    {"event-saas-summit", "SaaS Summit booth", Channel::kEvent, "marketing.carla", "", 2500000, 9},
    {"dm-cfo-mailer", "Direct mail to CFOs", Channel::kDirectMail, "marketing.ben", "", 1200000, 5},
    {"social-linkedin-ads", "LinkedIn lead gen ads", Channel::kSocial, "marketing.ben", "", 1800000, 12},
    {"referral-customers", "Customer referral programme", Channel::kReferral, "marketing.anna", "", 200000, 6},
    {"partner-resellers", "Reseller partner leads", Channel::kPartner, "marketing.carla", "Partnerly", 900000, 4},
    {"tm-callpro-q3", "CallPro outbound: operations leaders", Channel::kTelemarketing, "marketing.anna", "CallPro Inc", 3800000, 2},
}};

constexpr std::array<std::string_view, 3> kRegions = {"NA", "EMEA", "APAC"};

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

Status seed_people(Store& store, DemoSummary& s) {
  for (std::string_view region : kRegions) {
    Team t{"team-" + ascii_lower(region), std::string(region) + " sales", std::string(region),
           "mgr-" + ascii_lower(region)};
    LEADLOOP_RETURN_IF_ERROR(store.put_team(t));
    ++s.teams;
    Rep mgr{t.manager, std::string(region) + " Sales Manager", t.manager + "@leadloop.example", t.key,
            std::string(region), 0, false, true};
    LEADLOOP_RETURN_IF_ERROR(store.put_rep(mgr));
    ++s.reps;
    for (int i = 1; i <= 4; ++i) {
      std::string key = "rep-" + ascii_lower(region) + "-" + std::to_string(i);
      Rep r{key, std::string(kFirst[static_cast<size_t>(i * 7) % kFirst.size()]) + " " +
                     std::string(region) + std::to_string(i),
            key + "@leadloop.example", t.key, std::string(region), 40 + 10 * i, i == 4, true};
      LEADLOOP_RETURN_IF_ERROR(store.put_rep(r));
      ++s.reps;
    }
  }
  return Status();
}

Lead make_lead(Rng& rng, const CampaignSeed& c, int64_t serial) {
  Lead l;
  const Place& place = rng.pick(kPlaces);
  l.first_name = std::string(rng.pick(kFirst));
  l.last_name = std::string(rng.pick(kLast));
  std::string stem(rng.pick(kCompanyStem));
  std::string kind(rng.pick(kCompanyKind));
  l.company = stem + " " + kind + " " + std::string(rng.pick(kCompanySuffix));
  std::string domain = ascii_lower(stem) + ascii_lower(kind) + ".example";
  l.email = ascii_lower(l.first_name) + "." + ascii_lower(l.last_name) + std::to_string(serial) + "@" + domain;
  if (c.channel == Channel::kTelemarketing || rng.chance(0.6)) {
    l.phone = std::string(place.phone_prefix) + std::to_string(1000 + (serial * 7919) % 9000);
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
  static constexpr std::array<std::string_view, 3> kBudget = {"confirmed", "unknown", "none"};
  static constexpr std::array<std::string_view, 4> kTimeframe = {"30", "60", "90", "180"};
  l.attributes["budget"] = std::string(rng.pick(kBudget));
  l.attributes["timeframe_days"] = std::string(rng.pick(kTimeframe));
  if (rng.chance(0.3)) l.attributes["current_system"] = rng.chance(0.5) ? "spreadsheet" : "legacy CRM";
  l.consent.email = rng.chance(0.8) ? Consent::kGranted : (rng.chance(0.5) ? Consent::kDenied : Consent::kUnknown);
  l.consent.phone = rng.chance(0.7) ? Consent::kGranted : Consent::kUnknown;
  return l;
}

const CampaignSeed& pick_campaign(Rng& rng, Days day, Days start) {
  // The Q3 telemarketing campaign only runs in the last three months.
  int total = 0;
  for (const auto& c : kCampaigns) total += (c.key == "tm-callpro-q3" && day - start < 180) ? 0 : c.weight;
  int r = static_cast<int>(rng.below(static_cast<size_t>(total)));
  for (const auto& c : kCampaigns) {
    int w = (c.key == "tm-callpro-q3" && day - start < 180) ? 0 : c.weight;
    if (r < w) return c;
    r -= w;
  }
  return kCampaigns[0];
}

// Marketing and sales sign the demo definition and activate it, as two
// people would, unless a definition is active already.
Result<int64_t> sign_definition(DefinitionVersions& definitions) {
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

// What sales does with a new lead, by its grade: accept or reject (with a
// reason), then some accepted leads become opportunities, won or lost.
// Cold and unqualified leads convert now and then: the misses the accuracy
// review is for.
Status sales_feedback(Rng& rng, Lifecycle& lifecycle, const Lead& lead, int64_t* transitions) {
  static constexpr std::array<std::string_view, 6> kRejects = {
      "no_budget", "not_decision_maker", "bad_timing", "wrong_contact", "existing_customer", "duplicate"};
  struct Odds {
    double accept, reject, opportunity;
  };
  Odds o = lead.grade == Grade::kHot    ? Odds{0.75, 0.2, 0.35}
           : lead.grade == Grade::kWarm ? Odds{0.45, 0.3, 0.2}
           : lead.grade == Grade::kCold ? Odds{0.15, 0.4, 0.1}
                                        : Odds{0.05, 0.4, 0.1};
  double u = rng.unit();
  auto move = [&](Stage to, std::string reason = {}) {
    TransitionInput in;
    in.to = to;
    in.reason = std::move(reason);
    if (to == Stage::kOpportunity) in.amount_cents = static_cast<int64_t>(5000 + rng.below(45000)) * 100;
    if (to == Stage::kWon) in.revenue_cents = static_cast<int64_t>(5000 + rng.below(45000)) * 100;
    ++*transitions;
    return lifecycle.transition(lead.id, in, "rep:demo").status();
  };
  if (u < o.reject) return move(Stage::kRejected, std::string(rng.pick(kRejects)));
  if (u >= o.reject + o.accept) return Status();  // no answer yet
  LEADLOOP_RETURN_IF_ERROR(move(Stage::kAccepted));
  if (!rng.chance(o.opportunity)) return Status();
  LEADLOOP_RETURN_IF_ERROR(move(Stage::kOpportunity));
  double close = rng.unit();
  if (close < 0.4) return move(Stage::kWon);
  if (close < 0.7) return move(Stage::kLost, rng.chance(0.5) ? "competitor" : "no_decision");
  return Status();
}

}  // namespace

Result<DemoSummary> generate_demo(const DemoServices& svc, ManualClock& clock, const DemoOptions& opt,
                                  const std::function<void(int64_t, int64_t)>& progress) {
  Store& store = svc.store;
  CampaignCatalog& campaigns = svc.campaigns;
  Intake& intake = svc.intake;
  Rng rng(opt.seed);
  DemoSummary s;
  const TimePoint day0 = int64_t{opt.start} * kMillisPerDay;
  clock.set(day0);
  for (const CampaignSeed& cs : kCampaigns) {
    if (campaigns.find(std::string(cs.key))) continue;
    Campaign c;
    c.key = std::string(cs.key);
    c.name = std::string(cs.name);
    c.channel = cs.channel;
    c.owner = std::string(cs.owner);
    c.vendor = std::string(cs.vendor);
    c.cost_cents = cs.cost_cents;
    c.currency = "USD";
    c.starts_on = opt.start + (cs.key == "tm-callpro-q3" ? 180 : 0);
    c.ends_on = opt.start + opt.days;
    auto created = campaigns.create(c);
    if (!created.ok()) return created.status();
    ++s.campaigns;
  }
  LEADLOOP_RETURN_IF_ERROR(seed_people(store, s));
  if (svc.definitions) {
    auto version = sign_definition(*svc.definitions);
    if (!version.ok()) return version.status();
    s.definition_version = *version;
  }

  std::vector<Lead> recent;  // recent leads, re-captured now and then
  std::vector<int64_t> recent_ids;
  int64_t made = 0;
  for (int d = 0; d < opt.days && made < opt.leads; ++d) {
    const Days day = opt.start + d;
    // Spread the leads evenly over the days, with weekday bumps.
    int64_t due = (int64_t{opt.leads} * (d + 1)) / opt.days - made;
    if (d == opt.days - 1) due = opt.leads - made;
    std::vector<Result<Lead>> batch;
    for (int64_t k = 0; k < due; ++k) {
      const CampaignSeed& c = pick_campaign(rng, day, opt.start);
      if (!recent.empty() && rng.chance(0.03)) {
        // A re-capture: same person, shouting email, other campaign.
        Lead again = recent[rng.below(recent.size())];
        for (char& ch : again.email) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
        again.source_campaign = std::string(c.key);
        again.title.clear();
        batch.emplace_back(std::move(again));
        continue;
      }
      batch.emplace_back(make_lead(rng, c, made + k + 1));
    }
    clock.set(int64_t{day} * kMillisPerDay + 9 * kMillisPerHour + static_cast<int64_t>(rng.below(8)) * kMillisPerHour);
    CaptureContext ctx{"demo", "demo", false, svc.lifecycle != nullptr};
    std::vector<Lead> inputs;
    for (auto& b : batch) inputs.push_back(*b);
    auto out = intake.capture(std::move(batch), ctx);
    if (!out.ok()) return out.status();
    for (size_t i = 0; i < out->size(); ++i) {
      const CaptureOutcome& o = (*out)[i];
      if (o.status == CaptureStatus::kCreated) {
        ++s.created;
        if (svc.lifecycle) LEADLOOP_RETURN_IF_ERROR(sales_feedback(rng, *svc.lifecycle, o.lead, &s.transitions));
        if (recent.size() < 500) {
          recent.push_back(inputs[i]);
          recent_ids.push_back(o.lead_id);
        } else {
          size_t slot = rng.below(recent.size());
          recent[slot] = inputs[i];
          recent_ids[slot] = o.lead_id;
        }
      } else if (o.status == CaptureStatus::kMerged) {
        ++s.merged;
      } else {
        ++s.rejected;
      }
    }
    made += due;

    // Touches of the day: follow-up calls and emails on recent leads, and
    // vendor conversations that produced no lead but still yield data.
    int touches_today = static_cast<int>(due / 2) + 1;
    for (int k = 0; k < touches_today && !recent_ids.empty(); ++k) {
      size_t idx = rng.below(recent_ids.size());
      TouchInput in;
      in.touch.lead_id = recent_ids[idx];
      in.touch.campaign = recent[idx].source_campaign;
      bool call = rng.chance(0.6);
      in.touch.channel = call ? Medium::kCall : Medium::kEmail;
      in.channel_given = true;
      in.touch.direction = rng.chance(0.8) ? Direction::kOutbound : Direction::kInbound;
      static constexpr std::array<std::string_view, 5> kOutcomes = {
          "connected", "voicemail", "no_answer", "meeting_set", "replied"};
      in.touch.outcome = std::string(rng.pick(kOutcomes));
      in.touch.at = clock.now() + static_cast<int64_t>(rng.below(6)) * kMillisPerHour;
      in.at_given = true;
      if (call && in.touch.outcome == "connected") {
        in.touch.data_points["budget"] = rng.chance(0.4) ? "confirmed" : "unknown";
        in.touch.data_points["decision_maker"] = rng.chance(0.5) ? "yes" : "no";
      }
      auto t = intake.log_touch(std::move(in), "demo");
      if (!t.ok()) return t.status();
      ++s.touches;
    }
    if (rng.chance(0.7)) {
      TouchInput in;
      in.touch.campaign = "tm-callpro-q1";
      in.touch.channel = Medium::kCall;
      in.channel_given = true;
      in.touch.outcome = "not_interested";
      in.touch.actor = "vendor:CallPro Inc";
      in.touch.data_points["current_system"] = rng.chance(0.5) ? "spreadsheet" : "competitor";
      in.touch.data_points["company_size"] = std::to_string(10 + rng.below(500));
      auto t = intake.log_touch(std::move(in), "demo");
      if (!t.ok()) return t.status();
      ++s.touches;
    }
    if (progress) progress(made, opt.leads);
  }
  return s;
}

}  // namespace leadloop
