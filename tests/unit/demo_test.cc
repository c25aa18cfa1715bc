// The demo data set is realistic (every channel, a vendor, reps in regions,
// touches, re-captures) and deterministic (same seed, same data).
#include "demo/demo_data.h"

#include <gtest/gtest.h>

#include <set>

#include "io/csv_export.h"
#include "test_db.h"

namespace leadloop {
namespace {

using testing::TempDir;
using testing::TestServices;

std::string generate(const std::string& path, uint64_t seed, DemoSummary* summary) {
  TestServices svc(path);
  DemoOptions opt;
  opt.seed = seed;
  opt.leads = 600;
  opt.start = *parse_date("2026-01-05");
  auto s = generate_demo({*svc.store, *svc.campaigns, *svc.intake, svc.definitions.get(), svc.lifecycle.get()},
                         svc.clock, opt);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (s.ok()) *summary = *s;
  std::string csv;
  LeadFilter all;
  all.limit = 0;
  EXPECT_TRUE(export_leads_csv(*svc.store, all, [&](std::string_view c) {
                csv.append(c);
                return true;
              }).ok());
  return csv;
}

TEST(Demo, SameSeedSameData) {
  TempDir dir;
  DemoSummary a, b, c;
  std::string first = generate(dir.file("a.db"), 7, &a);
  std::string second = generate(dir.file("b.db"), 7, &b);
  std::string other = generate(dir.file("c.db"), 8, &c);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other);
  EXPECT_EQ(a.created, b.created);
  EXPECT_EQ(a.touches, b.touches);
}

TEST(Demo, CoversEveryChannelVendorRegionAndNineMonths) {
  TempDir dir;
  DemoSummary s;
  generate(dir.file("d.db"), 42, &s);
  TestServices svc(dir.file("d.db"));
  std::set<Channel> channels;
  bool vendor = false;
  for (const Campaign& c : *svc.store->list_campaigns()) {
    channels.insert(c.channel);
    vendor |= c.channel == Channel::kTelemarketing && !c.vendor.empty();
  }
  EXPECT_EQ(static_cast<int>(channels.size()), kChannelCount);
  EXPECT_TRUE(vendor);
  std::set<std::string> regions;
  for (const Rep& r : *svc.store->list_reps()) regions.insert(r.region);
  EXPECT_EQ(regions, (std::set<std::string>{"APAC", "EMEA", "NA"}));
  EXPECT_EQ(s.created + s.merged + s.rejected, 600);
  EXPECT_GT(s.merged, 0);   // CAPS re-captures merge instead of duplicating
  EXPECT_EQ(s.rejected, 0);
  EXPECT_GT(s.touches, 300);
  LeadFilter last;
  last.created_from = *parse_time("2026-09-01");
  EXPECT_FALSE(svc.store->list_leads(last)->empty());  // runs nine months
}

}  // namespace
}  // namespace leadloop
