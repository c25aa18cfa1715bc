// Access building blocks: role sets, users with argon2id passwords and
// lockout, sessions, the lead scope of each role, the rate limiter.
#include <gtest/gtest.h>

#include <thread>

#include "access/policy.h"
#include "access/users.h"
#include "api/rate_limit.h"
#include "test_db.h"

namespace leadloop {
namespace {

using testing::TempDir;
using testing::TestServices;

TEST(Roles, SetsParseAndPrintInOneOrder) {
  auto s = parse_roles("sales_manager, marketing");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->has(Role::kMarketing));
  EXPECT_TRUE(s->has(Role::kSalesManager));
  EXPECT_FALSE(s->has(Role::kAdmin));
  EXPECT_EQ(s->text(), "marketing,sales_manager");
  std::string bad;
  EXPECT_FALSE(parse_roles("marketing,king", &bad));
  EXPECT_EQ(bad, "king");
  EXPECT_FALSE(parse_roles(""));
  EXPECT_EQ(RoleSet::all().text(), "admin,marketing,sales_manager,sales_rep,vendor,viewer");
}

TEST(Bindings, VendorsAndRepsMustBeBoundAndOnlyTheyTo) {
  EXPECT_FALSE(check_binding(Role::kVendor, {}).ok());
  EXPECT_TRUE(check_binding(Role::kVendor, {"Acme", "", ""}).ok());
  EXPECT_FALSE(check_binding(Role::kSalesRep, {}).ok());
  EXPECT_TRUE(check_binding(Role::kSalesManager, {}).ok());
  EXPECT_FALSE(check_binding(Role::kMarketing, {"Acme", "", ""}).ok());
  EXPECT_FALSE(check_binding(Role::kViewer, {"", "", "emea"}).ok());
  EXPECT_TRUE(check_binding(RoleSet{Role::kSalesRep, Role::kVendor}, {"Acme", "ann", ""}).ok());
}

class UsersTest : public ::testing::Test {
 protected:
  TempDir dir_;
  TestServices svc_{dir_.file("u.db")};
  UserDirectory users_{*svc_.store, svc_.clock};
};

TEST_F(UsersTest, PasswordsAreArgon2idHashesNeverTheText) {
  auto u = users_.add({"maria", "Maria Lopez", "correct horse battery", Role::kMarketing, {}});
  ASSERT_TRUE(u.ok()) << u.status().to_string();
  EXPECT_EQ(u->password_hash.rfind("$argon2id$", 0), 0u) << u->password_hash;
  EXPECT_EQ(u->password_hash.find("correct horse"), std::string::npos);
  EXPECT_EQ(users_.add({"MARIA", "", "another long password", Role::kViewer, {}}).status().code(),
            ErrorCode::kConflict)
      << "logins are compared without case";
  EXPECT_EQ(users_.add({"x y", "", "long enough password", Role::kViewer, {}}).status().code(),
            ErrorCode::kInvalidValue);
  EXPECT_EQ(users_.add({"bob", "", "short", Role::kViewer, {}}).status().field(), "password");
  EXPECT_EQ(users_.add({"carl", "", "long enough password", Role::kVendor, {}}).status().field(), "vendor");
}

TEST_F(UsersTest, SignInMakesASessionThatSignOutEnds) {
  ASSERT_TRUE(users_.add({"sam", "Sam Chen", "sales side password", Role::kSalesManager, {"", "", "emea"}}).ok());
  auto s = users_.login("SAM", "sales side password");
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->secret.rfind("lls_", 0), 0u);
  EXPECT_EQ(s->session.hash.find(s->secret), std::string::npos);
  auto p = users_.verify_session(s->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->actor(), "user:sam");
  EXPECT_EQ(p->binding.team, "emea");
  EXPECT_EQ(p->csrf, s->session.csrf);
  EXPECT_FALSE(p->csrf.empty());
  EXPECT_FALSE(users_.verify_session(s->secret + "x").ok());
  ASSERT_TRUE(users_.logout(*p).ok());
  EXPECT_EQ(users_.verify_session(s->secret).status().code(), ErrorCode::kUnauthorized);
}

TEST_F(UsersTest, FiveFailuresLockTheAccountUntilTheLockEnds) {
  ASSERT_TRUE(users_.add({"sam", "", "sales side password", Role::kSalesManager, {}}).ok());
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(users_.login("sam", "wrong wrong wrong").ok());
  // A success before the fifth failure resets the count.
  ASSERT_TRUE(users_.login("sam", "sales side password").ok());
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(users_.login("sam", "wrong wrong wrong").ok());
  auto locked = users_.login("sam", "sales side password");
  EXPECT_EQ(locked.status().code(), ErrorCode::kUnauthorized);
  // The same answer as for a login that does not exist.
  EXPECT_EQ(locked.status().message(), users_.login("nobody", "whatever whatever").status().message());
  svc_.clock.advance(users_.policy().lock_millis - 1);
  EXPECT_FALSE(users_.login("sam", "sales side password").ok());
  svc_.clock.advance(1);
  EXPECT_TRUE(users_.login("sam", "sales side password").ok());
}

// Failures in parallel all count: none writes back a stale copy.
TEST_F(UsersTest, ParallelFailuresStillLockTheAccount) {
  ASSERT_TRUE(users_.add({"sam", "", "sales side password", Role::kSalesManager, {}}).ok());
  std::vector<std::thread> guessers;
  for (int t = 0; t < 4; ++t) {
    guessers.emplace_back([&] {
      for (int i = 0; i < 2; ++i) (void)users_.login("sam", "wrong wrong wrong");
    });
  }
  for (auto& g : guessers) g.join();
  EXPECT_FALSE(users_.login("sam", "sales side password").ok()) << "locked";
  auto u = svc_.store->find_user("sam");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(users_.locked_until(u->id).has_value());
}

// Failures count per login and address: a guesser locks the login out of
// its own address only, never out of the person's.
TEST_F(UsersTest, FailuresFromOneAddressLockThatAddressOnly) {
  ASSERT_TRUE(users_.add({"maria", "", "correct horse battery", Role::kMarketing, {}}).ok());
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(users_.login("maria", "wrong wrong wrong", "10.0.0.7").ok());
  EXPECT_FALSE(users_.login("maria", "correct horse battery", "10.0.0.7").ok()) << "locked from there";
  EXPECT_TRUE(users_.login("maria", "correct horse battery", "10.0.0.8").ok()) << "not from elsewhere";
  auto u = svc_.store->find_user("maria");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(users_.locked_until(u->id).has_value());
  // A new password clears every lock.
  UserChange new_password;
  new_password.password = "another good password";
  ASSERT_TRUE(users_.change("maria", new_password).ok());
  EXPECT_FALSE(users_.locked_until(u->id).has_value());
  EXPECT_TRUE(users_.login("maria", "another good password", "10.0.0.7").ok());
}

TEST_F(UsersTest, DisablingOrNewRolesEndSessionsAndSessionsExpire) {
  ASSERT_TRUE(users_.add({"ann", "", "rep password here", Role::kSalesRep, {"", "ann", ""}}).ok());
  auto s = users_.login("ann", "rep password here");
  ASSERT_TRUE(s.ok());
  UserChange promote;
  promote.roles = RoleSet{Role::kSalesRep, Role::kSalesManager};
  ASSERT_TRUE(users_.change("ann", promote).ok());
  EXPECT_FALSE(users_.verify_session(s->secret).ok()) << "a session carries the roles it started with";
  s = users_.login("ann", "rep password here");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(users_.verify_session(s->secret)->roles.text(), "sales_manager,sales_rep");
  UserChange off;
  off.disabled = true;
  ASSERT_TRUE(users_.change("ann", off).ok());
  EXPECT_FALSE(users_.verify_session(s->secret).ok());
  EXPECT_FALSE(users_.login("ann", "rep password here").ok());
  off.disabled = false;
  ASSERT_TRUE(users_.change("ann", off).ok());
  s = users_.login("ann", "rep password here");
  ASSERT_TRUE(s.ok());
  svc_.clock.advance(users_.policy().session_millis);
  EXPECT_FALSE(users_.verify_session(s->secret).ok());
  UserChange unbind;
  unbind.binding = AccessBinding{};
  EXPECT_EQ(users_.change("ann", unbind).status().field(), "rep") << "a rep stays bound";
}

TEST(Policy, EachRoleSeesItsScopeAndSeveralRolesTheUnion) {
  TempDir dir;
  TestServices svc(dir.file("p.db"));
  Campaign c;
  c.key = "acme-2";
  c.channel = Channel::kTelemarketing;
  c.vendor = "ACME";
  ASSERT_TRUE(svc.campaigns->create(c).ok());
  svc.add_campaign("web-1");
  ActiveDefinition none(*svc.campaigns);
  Router router(*svc.store, *svc.campaigns, none);
  ASSERT_TRUE(svc.store->put_team({"emea", "EMEA", "EMEA", ""}).ok());
  Rep e1;
  e1.key = "e1";
  e1.team = "emea";
  Rep n1;
  n1.key = "n1";
  n1.team = "na";
  ASSERT_TRUE(svc.store->put_rep(e1).ok());
  ASSERT_TRUE(svc.store->put_rep(n1).ok());
  ASSERT_TRUE(router.open().ok());
  Policy policy(*svc.campaigns, router);

  Lead mine = testing::make_lead("a@x.io", "web-1");
  mine.owner = "e1";
  Lead theirs = testing::make_lead("b@x.io", "web-1");
  theirs.owner = "n1";
  Lead queued = testing::make_lead("c@x.io", "web-1");
  queued.region = "EMEA";
  Lead called = testing::make_lead("d@x.io", "acme-2");
  Lead elsewhere = testing::make_lead("e@x.io", "web-1");  // nobody's, in another team's region
  elsewhere.region = "NA";

  Principal rep;
  rep.roles = Role::kSalesRep;
  rep.binding.rep = "e1";
  EXPECT_TRUE(policy.can_see_lead(rep, mine));
  EXPECT_FALSE(policy.can_see_lead(rep, theirs));
  EXPECT_FALSE(policy.can_see_lead(rep, queued));

  Principal manager;
  manager.roles = Role::kSalesManager;
  manager.binding.team = "emea";
  EXPECT_TRUE(policy.can_see_lead(manager, mine));
  EXPECT_TRUE(policy.can_see_lead(manager, queued)) << "the unowned leads of the team's region";
  EXPECT_FALSE(policy.can_see_lead(manager, elsewhere)) << "another region's unowned lead";
  EXPECT_FALSE(policy.can_see_lead(manager, theirs));
  const Principal team_manager = manager;
  manager.binding.team.clear();
  EXPECT_TRUE(policy.lead_scope(manager).all);

  Principal vendor;
  vendor.roles = Role::kVendor;
  vendor.binding.vendor = "acme";
  EXPECT_TRUE(policy.can_see_lead(vendor, called)) << "vendor names match without case";
  EXPECT_FALSE(policy.can_see_lead(vendor, mine));
  EXPECT_FALSE(policy.sees_revenue(vendor));
  EXPECT_FALSE(policy.can_see_campaign(vendor, *svc.campaigns->find("web-1")));
  EXPECT_TRUE(policy.can_see_campaign(vendor, *svc.campaigns->find("acme-2")));

  Principal viewer;
  viewer.roles = Role::kViewer;
  EXPECT_FALSE(policy.can_see_lead(viewer, mine));
  EXPECT_TRUE(policy.can_see_campaign(viewer, *svc.campaigns->find("web-1")));

  Principal both = vendor;
  both.roles = RoleSet{Role::kVendor, Role::kSalesRep};
  both.binding.rep = "e1";
  EXPECT_TRUE(policy.can_see_lead(both, called));
  EXPECT_TRUE(policy.can_see_lead(both, mine));
  EXPECT_FALSE(policy.can_see_lead(both, theirs));

  // The list filter says the same as the record check.
  LeadFilter f;
  f.limit = 0;
  policy.lead_scope(both).restrict(f);
  Mutation m;
  for (Lead* l : {&mine, &theirs, &queued, &called, &elsewhere}) {
    m.leads.push_back({*l, {{0, 0, "captured", 1, "test", "{}"}}, {}});
  }
  ASSERT_TRUE(svc.store->commit(m).ok());
  auto listed = svc.store->list_leads(f);
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> emails;
  for (const Lead& l : *listed) emails.push_back(l.email);
  EXPECT_EQ(emails, (std::vector<std::string>{"a@x.io", "d@x.io"}));
  LeadFilter team;
  team.limit = 0;
  policy.lead_scope(team_manager).restrict(team);
  listed = svc.store->list_leads(team);
  ASSERT_TRUE(listed.ok());
  emails.clear();
  for (const Lead& l : *listed) emails.push_back(l.email);
  EXPECT_EQ(emails, (std::vector<std::string>{"a@x.io", "c@x.io"}));
}

TEST(RateLimiter, BurstThenSteadyRatePerClient) {
  api::RateLimiter limit(10, 20);
  int64_t retry = 0;
  int admitted = 0;
  for (int i = 0; i < 30; ++i) admitted += limit.allow("a", 1000, &retry) ? 1 : 0;
  EXPECT_EQ(admitted, 20);
  EXPECT_EQ(retry, 100);
  EXPECT_TRUE(limit.allow("b", 1000, &retry)) << "another client has its own bucket";
  EXPECT_FALSE(limit.allow("a", 1050, &retry));
  EXPECT_TRUE(limit.allow("a", 1100, &retry));
  api::RateLimiter off(0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.allow("a", 0, nullptr));
}

}  // namespace
}  // namespace leadloop
