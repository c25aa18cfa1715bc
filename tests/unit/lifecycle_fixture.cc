#include "lifecycle_fixture.h"

#include <fstream>
#include <sstream>

#include "definition/document.h"

namespace leadloop::testing {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

template <typename T>
T ok(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.status().to_string());
  return std::move(r).value();
}

void ok(const Status& st) {
  if (!st.ok()) throw std::runtime_error(st.to_string());
}

}  // namespace

LifecycleServices::LifecycleServices(const std::string& db_path, TimePoint start) : path(db_path), clock(start) {
  restart();
  Campaign c;
  c.key = "web-1";
  c.channel = Channel::kWeb;
  c.owner = "olivia";
  ok(campaigns->create(c));
  ok(store->put_team({"emea", "EMEA", "EMEA", "mgr-emea"}));
  ok(store->put_team({"na", "North America", "NA", "mgr-na"}));
  for (const char* r : {"e1", "e2", "e3"}) put_rep(r, "emea");
  for (const char* r : {"n1", "n2", "big"}) put_rep(r, "na");
}

void LifecycleServices::put_rep(const std::string& key, const std::string& team, int capacity, bool away) {
  Rep r;
  r.key = key;
  r.name = key;
  r.team = team;
  r.capacity = capacity;
  r.away = away;
  if (auto existing = router ? router->find_rep(key) : std::nullopt) r.last_assignment = existing->last_assignment;
  ok(store->put_rep(r));
  ok(router->open());
}

void LifecycleServices::restart() {
  follow_up.reset();
  dispatch.reset();
  lifecycle.reset();
  intake.reset();
  router.reset();
  definition.reset();
  campaigns.reset();
  store.reset();
  store = ok(open_test_store(path));
  campaigns = std::make_unique<CampaignCatalog>(*store, clock);
  ok(campaigns->load());
  definition = std::make_unique<ActiveDefinition>(*campaigns);
  auto parsed = parse_definition(read_text(std::string(LEADLOOP_TEST_DATA) + "/lifecycle/definition.yaml"));
  if (!parsed.definition) throw std::runtime_error(issues_status(parsed.issues).to_string());
  definition->set(std::make_shared<DefinitionVersion>(DefinitionVersion{1, parsed.definition}));
  router = std::make_unique<Router>(*store, *campaigns, *definition);
  ok(router->open());
  intake = std::make_unique<Intake>(*store, clock, *campaigns, definition.get(), router.get());
  ok(intake->open());
  lifecycle = std::make_unique<Lifecycle>(*store, clock, *intake, *definition, router.get());
  dispatch = std::make_unique<Dispatch>(*store, clock, *intake, *router);
  follow_up = std::make_unique<FollowUp>(*store, clock, *intake, *router, *definition);
}

Lead LifecycleServices::capture(Lead l) {
  std::vector<Result<Lead>> in;
  in.emplace_back(std::move(l));
  CaptureContext ctx{"tester", "test", false, true};
  auto out = ok(intake->capture(std::move(in), ctx));
  if (out.front().status == CaptureStatus::kRejected) throw std::runtime_error(out.front().error.to_string());
  return out.front().lead;
}

Lead LifecycleServices::hot(const std::string& email, const std::string& country) {
  Lead l = make_lead(email);
  l.title = "VP";
  l.country = country;
  l.company = "Acme";
  return capture(l);
}

Lead LifecycleServices::get(int64_t id) { return ok(store->get_lead(id)); }

std::vector<LeadEvent> LifecycleServices::events(int64_t id, std::string_view type) {
  std::vector<LeadEvent> out;
  for (auto& e : ok(store->lead_events(id))) {
    if (type.empty() || e.type == type) out.push_back(e);
  }
  return out;
}

}  // namespace leadloop::testing
