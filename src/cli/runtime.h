// The services a Leadloop process runs on one database, built in dependency
// order: store -> campaign catalog -> active definition -> router -> intake
// -> tokens -> importer -> definition versions, review, lifecycle, dispatch,
// follow-up -> feedback links -> users, access policy.
#pragma once

#include <memory>
#include <string>

#include "access/feedback_links.h"
#include "mail/unsubscribe.h"
#include "access/policy.h"
#include "access/tokens.h"
#include "access/users.h"
#include "access/web_forms.h"
#include "engine/definition_review.h"
#include "engine/definition_versions.h"
#include "engine/dispatch.h"
#include "engine/follow_up.h"
#include "engine/intake.h"
#include "engine/lifecycle.h"
#include "io/csv_import.h"
#include "measure/goals.h"
#include "measure/reports.h"
#include "store/open_store.h"

namespace leadloop::cli {

struct Runtime {
  Runtime(std::unique_ptr<Store> s, const Clock& c)
      : store(std::move(s)),
        clock(c),
        campaigns(*store, clock),
        active_definition(campaigns),
        router(*store, campaigns, active_definition),
        intake(*store, clock, campaigns, &active_definition, &router),
        tokens(*store, clock),
        importer(intake, *store, campaigns, clock),
        definitions(*store, clock, intake, active_definition),
        review(*store, clock, intake, active_definition, campaigns),
        lifecycle(*store, clock, intake, active_definition, &router),
        dispatch(*store, clock, intake, router),
        follow_up(*store, clock, intake, router, active_definition),
        feedback_links(*store, clock, lifecycle),
        forms(*store, clock, intake, campaigns, active_definition, &router),
        users(*store, clock),
        policy(campaigns, router),
        projection(*store),
        reports(projection, campaigns, [this] {
          RepTeams teams;
          for (const Rep& r : router.reps()) teams[r.key] = r.team;
          return teams;
        }),
        goals(*store, clock, reports) {}

  std::unique_ptr<Store> store;
  const Clock& clock;
  CampaignCatalog campaigns;
  ActiveDefinition active_definition;
  Router router;
  Intake intake;
  TokenAuthority tokens;
  CsvImporter importer;
  DefinitionVersions definitions;
  DefinitionReview review;
  Lifecycle lifecycle;
  Dispatch dispatch;
  FollowUp follow_up;
  FeedbackLinks feedback_links;
  WebForms forms;
  UnsubscribeLinks unsubscribe_links{*store};
  UserDirectory users;
  Policy policy;
  // Loaded by the commands that report (serve, report): load_projection().
  LeadProjection projection;
  Reports reports;
  Goals goals;
};

// Opens (creating if needed, with its folder) and migrates the database (an
// SQLite file or a postgresql:// URL: open_store), and
// loads campaigns, the active definition, the routing roster, the dedup
// index and the feedback link key.
// `durability` as SqliteStore::open (files only): kFull for everything people rely on;
// the demo generator takes kProcess (synced at checkpoints and at the end).
Result<std::unique_ptr<Runtime>> open_runtime(const std::string& db, const Clock& clock,
                                              Durability durability = Durability::kFull);

}  // namespace leadloop::cli
