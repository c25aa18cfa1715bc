#include "api/route_policy.h"

#include <array>

namespace leadloop::api {

namespace {

using enum Role;

constexpr RoleSet kEveryone = RoleSet::all();
// Those who work leads; records are scoped (a rep: own leads, a vendor: its
// campaigns' leads, a team manager: the team's).
constexpr RoleSet kLeadWorkers = {kAdmin, kMarketing, kSalesManager, kSalesRep, kVendor};
constexpr RoleSet kSalesSide = {kAdmin, kMarketing, kSalesManager, kSalesRep};
constexpr RoleSet kManagers = {kAdmin, kMarketing, kSalesManager};
constexpr RoleSet kCapture = {kAdmin, kMarketing, kSalesManager, kVendor};
constexpr RoleSet kFloor = {kAdmin, kSalesManager};
constexpr RoleSet kMarketingSide = {kAdmin, kMarketing};
constexpr RoleSet kSigners = {kMarketing, kSalesManager};
constexpr RoleSet kReports = {kAdmin, kMarketing, kSalesManager, kSalesRep, kVendor, kViewer};
constexpr RoleSet kAdminOnly = {kAdmin};

struct Entry {
  std::string_view method;
  std::string_view path;
  RoleSet roles;
};

constexpr std::array kTable = std::to_array<Entry>({
    {"GET", "/api/v1/openapi.json", kEveryone},
    // Sessions: who am I, sign out.
    {"GET", "/api/v1/session", kEveryone},
    {"POST", "/api/v1/session/logout", kEveryone},
    // Leads.
    {"POST", "/api/v1/leads", kCapture},
    {"POST", "/api/v1/leads/bulk", kCapture},
    {"GET", "/api/v1/leads", kLeadWorkers},
    {"GET", "/api/v1/leads/{id}", kLeadWorkers},
    {"GET", "/api/v1/leads/{id}/timeline", kLeadWorkers},
    {"POST", "/api/v1/leads/{id}/transitions", kSalesSide},
    {"POST", "/api/v1/transitions/bulk", kSalesSide},
    {"POST", "/api/v1/leads/{id}/touches", kLeadWorkers},
    {"POST", "/api/v1/touches", kLeadWorkers},
    {"POST", "/api/v1/leads/{id}/consent", kLeadWorkers},
    {"POST", "/api/v1/leads/{id}/assignment", kManagers},
    {"POST", "/api/v1/assignments", kManagers},
    {"POST", "/api/v1/leads/{id}/feedback-links", kManagers},
    {"GET", "/api/v1/queue", kManagers},
    {"GET", "/api/v1/desk", kManagers},
    {"GET", "/api/v1/me/leads", {kSalesRep}},
    {"GET", "/api/v1/exports/leads.csv", kLeadWorkers},
    {"GET", "/api/v1/exports/events.csv", kLeadWorkers},
    // Imports.
    {"POST", "/api/v1/imports", kCapture},
    {"GET", "/api/v1/imports/{id}", kCapture},
    {"GET", "/api/v1/imports/{id}/errors", kCapture},
    // Campaigns: vendors see their own only.
    {"GET", "/api/v1/campaigns", kReports},
    {"POST", "/api/v1/campaigns", kMarketingSide},
    {"GET", "/api/v1/campaigns/{key}", kReports},
    {"GET", "/api/v1/campaigns/{key}/feedback", kLeadWorkers},
    // The lead definition: everyone reads it; marketing and sales write,
    // sign and activate it.
    {"GET", "/api/v1/definition", kEveryone},
    {"GET", "/api/v1/definition/versions", kEveryone},
    {"GET", "/api/v1/definition/versions/{version}", kEveryone},
    {"GET", "/api/v1/definition/diff", kEveryone},
    {"POST", "/api/v1/definition/check", kEveryone},
    {"POST", "/api/v1/definition/versions", kManagers},
    {"PUT", "/api/v1/definition/versions/{version}", kManagers},
    {"POST", "/api/v1/definition/versions/{version}/approvals", kSigners},
    {"POST", "/api/v1/definition/versions/{version}/activate", kManagers},
    {"GET", "/api/v1/definition/versions/{version}/backtest", kManagers},
    {"GET", "/api/v1/definition/accuracy", {kAdmin, kMarketing, kSalesManager, kViewer}},
    {"POST", "/api/v1/definition/reviews", kManagers},
    // Reports: scoped like the leads; a viewer reads them all.
    {"GET", "/api/v1/reports/funnel", kReports},
    {"GET", "/api/v1/reports/stage-times", kReports},
    {"GET", "/api/v1/reports/leaks", kReports},
    {"GET", "/api/v1/reports/speed-to-lead", kReports},
    {"GET", "/api/v1/reports/stalled", kReports},
    {"GET", "/api/v1/reports/forecast", kReports},
    {"GET", "/api/v1/reports/leaderboard", kReports},
    {"GET", "/api/v1/reports/attribution", kReports},
    {"GET", "/api/v1/reports/campaigns", kReports},
    {"GET", "/api/v1/goals", kReports},
    // The live stream says only that the leads changed.
    {"GET", "/api/v1/stream", kReports},
    {"POST", "/api/v1/goals", kCapture},
    {"GET", "/api/v1/goals/{id}", kReports},
    {"POST", "/api/v1/goals/{id}/approvals", kCapture},
    // Webhooks: endpoints carry every lead's data to another system and
    // hold signing secrets; deliveries hold the bodies sent. Admins only.
    {"GET", "/api/v1/webhooks", kAdminOnly},
    {"POST", "/api/v1/webhooks", kAdminOnly},
    {"GET", "/api/v1/webhooks/{id}", kAdminOnly},
    {"PUT", "/api/v1/webhooks/{id}", kAdminOnly},
    {"POST", "/api/v1/webhooks/{id}/rotate", kAdminOnly},
    {"GET", "/api/v1/deliveries", kAdminOnly},
    {"GET", "/api/v1/deliveries/{id}", kAdminOnly},
    {"POST", "/api/v1/deliveries/replay", kAdminOnly},
    // Web forms: marketing makes them (never a vendor); the forms
    // themselves are public (/f/{key}).
    {"GET", "/api/v1/forms", kMarketingSide},
    {"POST", "/api/v1/forms", kMarketingSide},
    {"GET", "/api/v1/forms/{id}", kMarketingSide},
    {"PUT", "/api/v1/forms/{id}", kMarketingSide},
    {"GET", "/api/v1/forms/{id}/snippet", kMarketingSide},
    // The sales floor.
    {"GET", "/api/v1/teams", kSalesSide},
    {"POST", "/api/v1/teams", kFloor},
    {"GET", "/api/v1/reps", kSalesSide},
    {"POST", "/api/v1/reps", kFloor},
    {"PUT", "/api/v1/reps/{key}", kFloor},
    {"GET", "/api/v1/outbox", kManagers},
    {"POST", "/api/v1/follow-up/run", kAdminOnly},
    // Administration.
    {"GET", "/api/v1/users", kAdminOnly},
    {"POST", "/api/v1/users", kAdminOnly},
    {"PUT", "/api/v1/users/{login}", kAdminOnly},
    {"GET", "/api/v1/tokens", kAdminOnly},
    {"POST", "/api/v1/tokens", kAdminOnly},
    {"POST", "/api/v1/tokens/{id}/revoke", kAdminOnly},
    {"GET", "/api/v1/audit", kAdminOnly},
    {"GET", "/api/v1/privacy/subjects", kAdminOnly},
    {"POST", "/api/v1/privacy/erasures", kAdminOnly},
    // E-mail: the server's settings are the admin's; templates are
    // marketing's too, and so are the provider's bounce notices (a
    // marketing token for the provider's webhook); everyone chooses their
    // own notifications.
    {"GET", "/api/v1/settings/mail", kAdminOnly},
    {"PUT", "/api/v1/settings/mail", kAdminOnly},
    {"GET", "/api/v1/mail/templates/{name}", kMarketingSide},
    {"PUT", "/api/v1/mail/templates/{name}", kMarketingSide},
    {"POST", "/api/v1/mail/events", kMarketingSide},
    {"GET", "/api/v1/me/notifications", kEveryone},
    // Nurture programmes: marketing writes and enrols; those who work
    // leads read them and a lead's enrolments (scoped like the lead).
    {"GET", "/api/v1/programmes", kManagers},
    {"POST", "/api/v1/programmes", kMarketingSide},
    {"GET", "/api/v1/programmes/{key}", kManagers},
    {"POST", "/api/v1/programmes/{key}/versions", kMarketingSide},
    {"POST", "/api/v1/programmes/{key}/versions/{version}/activate", kMarketingSide},
    {"POST", "/api/v1/programmes/{key}/enrolments", kMarketingSide},
    {"GET", "/api/v1/programmes/{key}/report", {kAdmin, kMarketing, kSalesManager, kViewer}},
    {"GET", "/api/v1/leads/{id}/enrolments", kLeadWorkers},
    {"PUT", "/api/v1/me/notifications", kEveryone},
});

}  // namespace

std::optional<RoleSet> route_roles(std::string_view method, std::string_view path) {
  for (const Entry& e : kTable) {
    if (e.method == method && e.path == path) return e.roles;
  }
  return std::nullopt;
}

}  // namespace leadloop::api
