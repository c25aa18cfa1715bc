#include "engine/definition_versions.h"

#include <algorithm>

namespace leadloop {

namespace {

Result<std::shared_ptr<const Definition>> parse_stored(const DefinitionRecord& r) {
  ParsedDefinition p = parse_definition(r.content);
  if (!p.definition) {
    return Status(ErrorCode::kInternal,
                  "stored definition version " + std::to_string(r.version) + " no longer parses: " +
                      issues_status(p.issues).message());
  }
  return p.definition;
}

}  // namespace

Status DefinitionVersions::load() {
  auto active = active_record();
  if (!active.ok()) {
    return active.status().code() == ErrorCode::kNotFound ? Status() : active.status();
  }
  auto d = parse_stored(*active);
  if (!d.ok()) return d.status();
  active_.set(std::make_shared<DefinitionVersion>(DefinitionVersion{active->version, *d}));
  return Status();
}

Result<DefinitionRecord> DefinitionVersions::create(std::string_view source, const std::string& actor,
                                                    DefinitionRejected* rejected) {
  return edit(0, source, actor, rejected);
}

Result<DefinitionRecord> DefinitionVersions::edit(int64_t version, std::string_view source, const std::string& actor,
                                                  DefinitionRejected* rejected) {
  ParsedDefinition p = parse_definition(source);
  if (!p.definition) {
    Status st = issues_status(p.issues);
    if (rejected) *rejected = {st, std::move(p.issues)};
    return st;
  }
  DefinitionRecord r;
  if (version != 0) {
    auto existing = store_.get_definition(version);
    if (!existing.ok()) return existing.status();
    r = std::move(existing).value();
  }
  const TimePoint now = clock_.now();
  r.name = p.definition->name;
  r.source = std::string(source);
  r.content = canonical_json(*p.definition);
  r.hash = content_hash(*p.definition);
  if (version == 0) {
    r.created_at = now;
    r.created_by = actor;
  }
  r.updated_at = now;
  r.updated_by = actor;
  LEADLOOP_RETURN_IF_ERROR(store_.put_definition(r));
  return r;
}

Status DefinitionVersions::approve(int64_t version, const std::string& hash, std::string_view side,
                                   const std::string& actor, const std::string& role) {
  if (side != kMarketingSide && side != kSalesSide) {
    return Status(ErrorCode::kForbidden, "only marketing and sales sign the lead definition", "side");
  }
  if (hash.empty()) {
    return Status(ErrorCode::kMissingField, "say which content you approve: its hash", "hash");
  }
  return store_.add_approval({version, hash, std::string(side), actor, role, clock_.now(), std::nullopt, ""});
}

Result<DefinitionRecord> DefinitionVersions::activate(int64_t version, const std::string& actor) {
  auto record = store_.get_definition(version);
  if (!record.ok()) return record.status();
  DefinitionRecord r = std::move(record).value();
  if (r.state != "draft") {
    return Status(ErrorCode::kConflict, "version " + std::to_string(version) + " is " + r.state + ", not a draft",
                  "version");
  }
  auto approvals = store_.list_approvals(version);
  if (!approvals.ok()) return approvals.status();
  auto signed_by = [&](std::string_view side) {
    return std::any_of(approvals->begin(), approvals->end(),
                       [&](const DefinitionApproval& a) { return a.counts() && a.side == side && a.hash == r.hash; });
  };
  std::vector<std::string> missing;
  if (!signed_by(kMarketingSide)) missing.emplace_back(kMarketingSide);
  if (!signed_by(kSalesSide)) missing.emplace_back(kSalesSide);
  if (!missing.empty()) {
    std::string who = missing.size() == 2 ? "marketing and sales have" : missing.front() + " has";
    return Status(ErrorCode::kConflict,
                  "version " + std::to_string(version) + " cannot be activated: " + who +
                      " not approved its current content (hash " + r.hash.substr(0, 12) + ")",
                  "approvals");
  }
  auto d = parse_stored(r);
  if (!d.ok()) return d.status();
  auto next = std::make_shared<DefinitionVersion>(DefinitionVersion{version, *d});

  // No lead is written while the open leads are re-graded and the new
  // version takes over, so none is graded by the old one afterwards.
  auto lock = intake_.lock_writes();
  const TimePoint now = clock_.now();
  std::vector<Regrade> regrades;
  LeadFilter all;
  all.limit = 0;
  Status scanned = store_.scan_leads(all, [&](const Lead& stored) {
    if (!is_open_stage(stored.stage)) return true;
    Lead l = stored;
    auto event = active_.regrade_with(*next, l, now, actor);
    regrades.push_back({l.id, l.grade, l.score, std::move(l.grading), l.decay_at, std::move(event)});
    return true;
  });
  LEADLOOP_RETURN_IF_ERROR(scanned);
  r.activated_at = now;
  r.activated_by = actor;
  r.leads_regraded = static_cast<int64_t>(regrades.size());
  r.grades_changed = std::count_if(regrades.begin(), regrades.end(), [](const Regrade& g) { return g.event.has_value(); });
  LEADLOOP_RETURN_IF_ERROR(store_.activate_definition(r, regrades));
  active_.set(std::move(next));
  return r;
}

Result<std::shared_ptr<const Definition>> DefinitionVersions::definition(int64_t version) {
  auto r = store_.get_definition(version);
  if (!r.ok()) return r.status();
  return parse_stored(*r);
}

Result<DefinitionRecord> DefinitionVersions::active_record() {
  auto all = store_.list_definitions();
  if (!all.ok()) return all.status();
  for (auto& r : *all) {
    if (r.state == "active") return std::move(r);
  }
  return Status(ErrorCode::kNotFound, "no lead definition is active yet", "definition");
}

}  // namespace leadloop
