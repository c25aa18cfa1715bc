// Row mapping shared by every SQL backend: the column lists in the order
// the readers expect, and a statement's current row to Lead, LeadEvent,
// Touch, Campaign, ApiToken and DefinitionRecord (and a Lead's columns
// back to parameters). A read_* reads the columns its list names, from 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/campaign.h"
#include "domain/event.h"
#include "domain/lead.h"
#include "domain/touch.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace leadloop::sql {

// Every lead column but id, in bind_lead's order.
inline constexpr const char* kLeadDataColumns =
    "email, phone, first_name, last_name, company, title, industry, employees, country, "
    "region, source_campaign, attributes, consent_email, consent_phone, consent_mail, stage, "
    "grade, owner, created_at, updated_at, last_touch_at, email_key, phone_key, name_key, "
    "touch_count, data_points, definition_version, score, grading, assigned_at, first_response_at, "
    "sla_due_at, sla_level, decay_at, external_id, caller";
// id first, then kLeadDataColumns: what read_lead reads.
inline const std::string kLeadColumns = std::string("id, ") + kLeadDataColumns;
inline constexpr const char* kEventColumns = "id, lead_id, type, at, actor, payload";
inline constexpr const char* kTouchColumns =
    "id, lead_id, campaign, channel, direction, outcome, actor, at, notes, data_points, caller";
// kTouchColumns but id, in bind_touch's order.
inline constexpr const char* kTouchDataColumns =
    "lead_id, campaign, channel, direction, outcome, actor, at, notes, data_points, caller";
inline constexpr const char* kDefinitionColumns =
    "version, state, name, source, content, hash, created_at, created_by, updated_at, updated_by, "
    "activated_at, activated_by, leads_regraded, grades_changed";

// Attribute maps are stored as JSON object text.
std::string encode_map(const Attributes& a);
Attributes decode_map(std::string_view text);

// Binds the 36 lead columns after id, starting at parameter `first`, without
// copying: `attributes` and `data_points` are the encoded maps. REQUIRES: l
// and the maps outlive the step.
void bind_lead(Binder& s, const Lead& l, const std::string& attributes, const std::string& data_points,
               int first);
// The event columns after id (lead_id, type, at, actor, payload) from
// parameter `first`, without copying. REQUIRES: e outlives the step.
void bind_event(Binder& s, const LeadEvent& e, int first);
// The touch columns after id from parameter `first`; lead_id 0 is NULL.
void bind_touch(Binder& s, const Touch& t, int first);
Lead read_lead(const Stmt& s);
LeadEvent read_event(const Stmt& s);
Touch read_touch(const Stmt& s);
Campaign read_campaign(const Stmt& s);
ApiToken read_token(const Stmt& s);
DefinitionRecord read_definition(const Stmt& s);

// A number kept in the settings table under `key` (a fan-out or nurture
// cursor): nullopt when none is stored. write_setting_int stores or replaces
// it, in the caller's transaction.
Result<std::optional<int64_t>> read_setting_int(Db& db, const char* key);
Status write_setting_int(Db& db, const char* key, int64_t value);

// A LIMIT parameter: `limit` when positive, else one no table reaches
// (SQLite reads -1 as no limit, PostgreSQL refuses a negative one).
inline int64_t limit_param(int64_t limit) { return limit > 0 ? limit : INT64_MAX; }

}  // namespace leadloop::sql
