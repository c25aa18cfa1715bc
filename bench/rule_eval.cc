// Rule evaluation rate of the definition language: 10 realistic rules over N
// generated leads, evaluated several times on one core. Prints evaluations
// per second and the ratio against the same rules hand-coded in C++ (the
// floor an interpreter can hope for), and checks both agree on every lead.
//
//   leadloop_bench_rules [--leads N] [--rounds R]
#include <re2/re2.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "definition/expr.h"

namespace leadloop {
namespace {

const TimePoint kNow = *parse_time("2026-03-15T12:00Z");

constexpr std::array<const char*, 10> kRules = {
    "title matches \"vp|director|head of|chief\" and employees >= 200",
    "country in [\"DE\", \"AT\", \"CH\"] and industry in [\"software\", \"saas\", \"fintech\"]",
    "data.budget = \"confirmed\" and data.timeframe <= 90d",
    "touches.count >= 3 and days_since(last_touch) <= 14d",
    "days_since(created_at) > 30 and stage in [\"captured\", \"nurture\"]",
    "campaign.channel = \"telemarketing\" and data.interest in [\"high\", \"medium\"]",
    "employees < 50 or employees not exists",
    "title contains \"intern\" or title contains \"student\"",
    "consent.email = \"granted\" and email exists and not (email matches \"@(gmail|yahoo)\\.\")",
    "attributes.segment = \"enterprise\" or (attributes.arr > 100000 and created_at >= 2026-01-01)",
};

// --- the same rules, hand-coded ------------------------------------------------

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool ieq(std::string_view a, std::string_view folded) {
  a = trim(a);
  if (a.size() != folded.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i]) != folded[i]) return false;
  }
  return true;
}

bool icontains(std::string_view hay, std::string_view folded) {
  hay = trim(hay);
  for (size_t i = 0; i + folded.size() <= hay.size(); ++i) {
    if (ieq(hay.substr(i, folded.size()), folded)) return true;
  }
  return false;
}

std::string_view get(const Attributes& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string_view() : trim(it->second);
}

struct HandCoded {
  RE2::Options options = [] {
    RE2::Options o;
    o.set_case_sensitive(false);
    return o;
  }();
  RE2 senior{"vp|director|head of|chief", options};
  RE2 freemail{"@(gmail|yahoo)\\.", options};
  std::string budget = "budget", timeframe = "timeframe", interest = "interest",
              segment = "segment", arr = "arr";
  TimePoint jan1 = *parse_time("2026-01-01");

  bool rule(int i, const Lead& l, const Campaign* c) const {
    switch (i) {
      case 0: {
        std::string_view t = trim(l.title);
        return !t.empty() && RE2::PartialMatch(t, senior) && l.employees && *l.employees >= 200;
      }
      case 1:
        return (ieq(l.country, "de") || ieq(l.country, "at") || ieq(l.country, "ch")) &&
               (ieq(l.industry, "software") || ieq(l.industry, "saas") ||
                ieq(l.industry, "fintech"));
      case 2: {
        if (!ieq(get(l.data_points, budget), "confirmed")) return false;
        std::string_view tf = get(l.data_points, timeframe);  // "60d", "2w" or days
        double n = 0;
        auto [end, ec] = std::from_chars(tf.data(), tf.data() + tf.size(), n);
        std::string_view unit(end, static_cast<size_t>(tf.data() + tf.size() - end));
        if (tf.empty() || ec != std::errc() || unit.size() > 1) return false;
        if (unit == "w") n *= 7;
        if (unit == "h") n /= 24;
        return (unit.empty() || unit == "d" || unit == "w" || unit == "h") && n <= 90;
      }
      case 3:
        return l.touch_count >= 3 && l.last_touch_at &&
               kNow - *l.last_touch_at <= 14 * kMillisPerDay;
      case 4:
        return kNow - l.created_at > 30 * kMillisPerDay &&
               (l.stage == Stage::kCaptured || l.stage == Stage::kNurture);
      case 5: {
        std::string_view in = get(l.data_points, interest);
        return c && c->channel == Channel::kTelemarketing && (ieq(in, "high") || ieq(in, "medium"));
      }
      case 6:
        return !l.employees || *l.employees < 50;
      case 7:
        return icontains(l.title, "intern") || icontains(l.title, "student");
      case 8: {
        std::string_view e = trim(l.email);
        return l.consent.email == Consent::kGranted && !e.empty() &&
               !RE2::PartialMatch(e, freemail);
      }
      case 9: {
        if (ieq(get(l.attributes, segment), "enterprise")) return true;
        std::string_view a = get(l.attributes, arr);
        double n = 0;
        auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), n);
        return !a.empty() && ec == std::errc() && end == a.data() + a.size() && n > 100000 &&
               l.created_at >= jan1;
      }
      default:
        return false;
    }
  }
};

// --- generated leads -------------------------------------------------------------

template <typename T>
const T& pick(std::mt19937& rng, const std::vector<T>& from) {
  return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
}

std::vector<Campaign> make_campaigns() {
  std::vector<Campaign> out;
  for (int i = 0; i < kChannelCount; ++i) {
    Campaign c;
    c.key = "campaign-" + std::to_string(i);
    c.channel = static_cast<Channel>(i);
    c.vendor = i % 2 ? "CallCo" : "";
    out.push_back(c);
  }
  return out;
}

Lead make_lead(std::mt19937& rng) {
  static const std::vector<std::string> titles = {
      "VP Sales",        "Head of Marketing",     "Sales Director",    "Software Engineer",
      "Intern",          "Chief Revenue Officer", "Account Executive", "",
      "Working Student", "Office Manager"};
  static const std::vector<std::string> countries = {"DE", "AT", "CH", "FR", "US", "GB", "de"};
  static const std::vector<std::string> industries = {"Software", "SaaS",          "Retail",
                                                      "Fintech",  "Manufacturing", ""};
  static const std::vector<std::string> emails = {"anna@acme.com", "bob@gmail.com", "carl@yahoo.de",
                                                  "dora@corp.io", ""};
  static const std::vector<std::string> timeframes = {"30d", "60d", "90d",  "120d",
                                                      "2w",  "45",  "later"};
  static const std::vector<std::string> interests = {"high", "Medium", "low", "none"};
  static const std::vector<std::string> segments = {"Enterprise", "SMB", "Mid-Market"};
  static const std::vector<std::string> arrs = {"50000", "150000", "250000", "n/a"};
  std::bernoulli_distribution often(0.7);
  auto days = [&](int hi) {
    return std::uniform_int_distribution<int64_t>(0, hi * kMillisPerDay)(rng);
  };
  Lead l;
  l.title = pick(rng, titles);
  l.country = pick(rng, countries);
  l.industry = pick(rng, industries);
  l.email = pick(rng, emails);
  if (often(rng)) l.employees = std::uniform_int_distribution<int64_t>(1, 5000)(rng);
  l.touch_count = std::uniform_int_distribution<int64_t>(0, 8)(rng);
  l.created_at = kNow - days(120);
  if (often(rng)) l.last_touch_at = kNow - days(40);
  l.stage = static_cast<Stage>(std::uniform_int_distribution<int>(0, 3)(rng) * 3);
  l.consent.email = static_cast<Consent>(std::uniform_int_distribution<int>(0, 2)(rng));
  if (often(rng)) l.data_points["budget"] = often(rng) ? "confirmed" : "unknown";
  if (often(rng)) l.data_points["timeframe"] = pick(rng, timeframes);
  if (often(rng)) l.data_points["interest"] = pick(rng, interests);
  if (often(rng)) l.attributes["segment"] = pick(rng, segments);
  if (often(rng)) l.attributes["arr"] = pick(rng, arrs);
  return l;
}

// Runs `rule(r, lead, campaign)` over every lead and rule, `rounds` times;
// returns the seconds taken and the hits per rule of the last round.
double run(int rounds, const std::vector<Lead>& leads, const std::vector<const Campaign*>& by_lead,
           const std::function<bool(size_t, const Lead&, const Campaign*)>& rule,
           std::vector<int64_t>* hits) {
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    hits->assign(kRules.size(), 0);
    for (size_t i = 0; i < leads.size(); ++i) {
      for (size_t r = 0; r < kRules.size(); ++r) (*hits)[r] += rule(r, leads[i], by_lead[i]);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int bench(size_t lead_count, int rounds) {
  std::vector<Expression> rules;
  for (const char* text : kRules) {
    auto compiled = Expression::compile(text);
    if (const auto* e = std::get_if<ExprError>(&compiled)) {
      std::fprintf(stderr, "rule `%s`: line %d, column %d: %s\n", text, e->pos.line, e->pos.column,
                   e->message.c_str());
      return 1;
    }
    rules.push_back(std::get<Expression>(std::move(compiled)));
  }
  std::mt19937 rng(42);
  std::vector<Campaign> campaigns = make_campaigns();
  std::vector<Lead> leads;
  std::vector<const Campaign*> by_lead;
  leads.reserve(lead_count);
  for (size_t i = 0; i < lead_count; ++i) {
    leads.push_back(make_lead(rng));
    size_t c = std::uniform_int_distribution<size_t>(0, campaigns.size())(rng);
    by_lead.push_back(c == campaigns.size() ? nullptr : &campaigns[c]);  // some have none
  }

  std::vector<int64_t> hits, hand_hits;
  double secs = run(
      rounds, leads, by_lead,
      [&](size_t r, const Lead& l, const Campaign* c) {
        return rules[r].matches({&l, c, kNow});
      },
      &hits);
  HandCoded hand;
  double hand_secs = run(
      rounds, leads, by_lead,
      [&](size_t r, const Lead& l, const Campaign* c) {
        return hand.rule(static_cast<int>(r), l, c);
      },
      &hand_hits);

  double evals = static_cast<double>(lead_count) * static_cast<double>(kRules.size()) * rounds;
  std::printf("rule evaluations: %.1f M/s per core (%zu leads x %zu rules, %.2f s)\n",
              evals / secs / 1e6, lead_count, kRules.size(), secs);
  std::printf("hand-coded C++:   %.1f M/s per core (%.2f s); the language takes %.2fx its time\n",
              evals / hand_secs / 1e6, hand_secs, secs / hand_secs);
  for (size_t r = 0; r < kRules.size(); ++r) {
    if (hits[r] != hand_hits[r]) {
      std::fprintf(stderr, "rule %zu disagrees: %lld vs hand-coded %lld\n", r,
                   static_cast<long long>(hits[r]), static_cast<long long>(hand_hits[r]));
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace leadloop

int main(int argc, char** argv) {
  size_t leads = 1000000;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--leads") == 0) {
      leads = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--rounds") == 0) {
      rounds = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: %s [--leads N] [--rounds R]\n", argv[0]);
      return 2;
    }
  }
  if (leads == 0 || rounds <= 0) {
    std::fprintf(stderr, "--leads and --rounds must be positive\n");
    return 2;
  }
  return leadloop::bench(leads, rounds);
}
