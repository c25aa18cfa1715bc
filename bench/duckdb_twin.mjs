// The DuckDB twin of the reports benchmark (bench/reports.cc): exports the
// programme from the SQLite file to CSV with the sqlite3 CLI (the payload
// fields of stage changes become plain columns there; the touches go as
// they are, call-guide answers as JSON text), loads it into an
// in-memory DuckDB with 2 threads, asks each report's question warm, best of
// R, and prints one JSON document on stdout; progress goes to stderr.
//
//   node bench/duckdb_twin.mjs --db FILE --queries FILE --dir TMPDIR [--runs R]
//
// The queries file is written by reports.cc, which owns the list of reports:
//   {"reports": [{"key": "...", "kind": KIND, "where": SQL, "group": SQL, "before": ms}]}
// KIND is one of funnel, leaks, speed_to_lead, stalled, stage_times,
// campaigns, campaign_touches, attribution, forecast, leaderboard_vendors,
// leaderboard_reps. `where` and `group` are the SQL fragments the SQLite
// twin uses, over the aliases l (leads), c (campaigns) and e (the stage
// change), or t (a touch) for campaign_touches; `before` is the stalled
// report's limit. The output:
//   {"duckdb": "v1.x", "package": "1.x-r.y", "threads": 2, "export_ms", "load_ms",
//    "rows": {table: count}, "runs": R,
//    "derive_ms": ms, "reports": {key: {"raw": TIMED, "derived": TIMED}}}
// TIMED: {"best_ms": ms, "figures": canonical figures, "differing_runs": n},
// "raw" over the exported tables (every per-lead summary rebuilt from the
// events by each query), "derived" over per-lead tables built once, not
// timed (kDerivedTables below: what the projection keeps).
// Canonical figures, as reports.cc builds them for Leadloop and SQLite:
//   funnel:        {group: [leads reaching each step, in step order]}
//   leaks:         {"from|reason": count}
//   speed_to_lead: {group: [assigned, responded, breached, median ms, p90 ms]}
//   stalled:       {"groups": {"group|stage": [count, oldest since]},
//                   "oldest": ["id|stage|owner|since", ... the 50 longest stalled first]}
//   stage_times:   {"group|step": [count, median ms, p90 ms]}
//   campaigns:     {campaign: [leads, qualified, hot, warm, cold, accepted,
//                              opportunities, won, revenue cents, cost cents]}
//   campaign_touches: {campaign: [touches, touches without a lead, data points]}
//   attribution:   {campaign: [won deals it touched, first-touch cents,
//                              last-touch cents, linear cents rounded]}
//   forecast:      {"groups": {group: [open, amount cents, won, lost, weighted cents]},
//                   "weeks": {"group|Monday": [open, amount cents, weighted cents]}}
//   leaderboard_vendors: ["vendor|leads|qualified|accepted|won", ... in rank order]
//   leaderboard_reps:    ["rep|assigned|responded|breached|median|p90|accepted|won", ...]
// Medians and p90s are by nearest rank (the ceil(n * p / 100)-th smallest),
// computed in SQL with window functions. Sums of fractions of cents (linear
// credit, weighted amounts) are rounded to the cent here, as the API shows
// them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';

function parseArgs(argv) {
  const args = { runs: 5 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    args[name] = name === 'runs' ? Number(argv[i + 1]) : argv[i + 1];
  }
  for (const required of ['db', 'queries', 'dir']) {
    if (!args[required]) throw new Error(`duckdb_twin: --${required} is required`);
  }
  return args;
}

// What each table keeps of the SQLite file: the columns the reports read.
// `select` runs in the sqlite3 CLI; `columns` types the CSV for DuckDB.
const kTables = [
  {
    name: 'leads',
    select: 'SELECT id, created_at, source_campaign, region, grade, stage, owner, first_response_at FROM leads',
    columns: { id: 'BIGINT', created_at: 'BIGINT', source_campaign: 'VARCHAR', region: 'VARCHAR',
               grade: 'VARCHAR', stage: 'VARCHAR', owner: 'VARCHAR', first_response_at: 'BIGINT' },
  },
  {
    name: 'stage_changes',
    select: "SELECT id, lead_id, at, json_extract(payload, '$.from') AS from_stage, "
          + "json_extract(payload, '$.to') AS to_stage, json_extract(payload, '$.exit') AS exit_reason, "
          + "json_extract(payload, '$.revenue_cents') AS revenue_cents, "
          + "json_extract(payload, '$.amount_cents') AS amount_cents, "
          + "json_extract(payload, '$.expected_close') AS expected_close "
          + "FROM lead_events WHERE type = 'stage_changed'",
    columns: { id: 'BIGINT', lead_id: 'BIGINT', at: 'BIGINT', from_stage: 'VARCHAR', to_stage: 'VARCHAR',
               exit_reason: 'VARCHAR', revenue_cents: 'BIGINT', amount_cents: 'BIGINT', expected_close: 'VARCHAR' },
  },
  {
    name: 'sla_breaches',
    select: "SELECT lead_id, at FROM lead_events WHERE type = 'sla_breached'",
    columns: { lead_id: 'BIGINT', at: 'BIGINT' },
  },
  {
    name: 'touches',
    select: 'SELECT id, lead_id, campaign, at, data_points FROM touches',
    columns: { id: 'BIGINT', lead_id: 'BIGINT', campaign: 'VARCHAR', at: 'BIGINT', data_points: 'VARCHAR' },
  },
  {
    name: 'campaigns',
    select: 'SELECT key, channel, vendor, cost_cents FROM campaigns',
    columns: { key: 'VARCHAR', channel: 'VARCHAR', vendor: 'VARCHAR', cost_cents: 'BIGINT' },
  },
];

function elapsedMs(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// One sqlite3 run writes every table's CSV; NULL is written as \N (the dot
// command unescapes \\N) so that it stays apart from the empty string.
function exportCsv(db, dir) {
  const script = ['.headers on', '.mode csv', String.raw`.nullvalue \\N`];
  for (const t of kTables) script.push(`.output ${join(dir, t.name + '.csv')}`, t.select + ';');
  execFileSync('sqlite3', [db], { input: script.join('\n') + '\n', stdio: ['pipe', 'inherit', 'inherit'] });
}

async function loadCsv(connection, dir) {
  const rows = {};
  for (const t of kTables) {
    const columns = Object.entries(t.columns).map(([n, type]) => `'${n}': '${type}'`).join(', ');
    await connection.run(
      `CREATE TABLE ${t.name} AS SELECT * FROM read_csv('${join(dir, t.name + '.csv')}', header = true, ` +
      String.raw`nullstr = '\N', columns = {${columns}})`);
    const count = await connection.runAndReadAll(`SELECT count(*) FROM ${t.name}`);
    rows[t.name] = Number(count.getRows()[0][0]);
  }
  return rows;
}

// The same questions as Twin::funnel, Twin::leaks, ... in reports.cc.
const kFunnelSteps = "('captured',0),('qualified',1),('assigned',2),('accepted',3),('working',4),"
                   + "('opportunity',5),('won',6)";
const kSteps = `steps(name, k) AS (VALUES ${kFunnelSteps})`;
// Per lead with stage changes: the furthest step reached, and when it first
// reached each step or a later one (t1 .. t6).
const kReach = 'reach AS (SELECT e.lead_id AS id, MAX(s.k) AS k FROM stage_changes e '
             + 'LEFT JOIN steps s ON s.name = e.to_stage GROUP BY e.lead_id)';
const kStepTimes = 'step_times AS (SELECT e.lead_id AS id, '
  + [1, 2, 3, 4, 5, 6].map((k) => `MIN(e.at) FILTER (WHERE s.k >= ${k}) AS t${k}`).join(', ')
  + ' FROM stage_changes e LEFT JOIN steps s ON s.name = e.to_stage GROUP BY e.lead_id)';
// A lead's furthest step: its stage changes' or its current stage's (ls).
const kFurthest = 'GREATEST(COALESCE(ls.k, 0), COALESCE(r.k, 0))';
const kLeads = 'leads l LEFT JOIN campaigns c ON c.key = l.source_campaign';
// Nearest rank over a window numbered rn of n values: the smallest value
// whose rank is at least n * p / 100.
const nearestRank = (value, percent) =>
  `COALESCE(MIN(${value}) FILTER (WHERE ${value} IS NOT NULL AND rn * 100 >= n * ${percent}), 0)`;
const numbers = (row) => row.map(Number);

// The harder twin: the per-lead summaries the projection keeps, built once
// from the loaded tables (not timed), so each report reads them ready as
// Leadloop does instead of rebuilding them from the events:
//   lead_facts:  one row per lead: its columns (campaign, region, grade,
//                stage, owner, capture and first answer), the furthest step
//                reached, when it first reached each step (t1 .. t6) and
//                the time each step took (d1 .. d6), when its stage began,
//                its SLA breaches, the revenue of its latest move to won,
//                the amount and the Monday of the expected close of its
//                latest move to opportunity, and its speed to lead (took);
//   exits:       one row per exit from the funnel (lead, stage left,
//                reason, time);
//   touch_points: the touches of leads with a campaign (attribution);
//   touch_days:  per campaign and day (midnight, in `at`), the touches,
//                those without a lead and their call-guide answers.
const kDerivedTables = [
  `CREATE TABLE lead_facts AS WITH ${kSteps}, ` +
    'sc AS (SELECT e.*, s.k FROM stage_changes e LEFT JOIN steps s ON s.name = e.to_stage), ' +
    'per AS (SELECT sc.lead_id, MAX(sc.k) AS k, ' +
    [1, 2, 3, 4, 5, 6].map((k) => `MIN(sc.at) FILTER (WHERE sc.k >= ${k}) AS t${k}`).join(', ') +
    ', MAX(sc.at) AS moved_at, ' +
    "arg_max_null(revenue_cents, id) FILTER (WHERE to_stage = 'won') AS revenue, " +
    "arg_max_null(amount_cents, id) FILTER (WHERE to_stage = 'opportunity') AS amount, " +
    "arg_max_null(expected_close, id) FILTER (WHERE to_stage = 'opportunity') AS close FROM sc GROUP BY sc.lead_id), " +
    'br AS (SELECT lead_id, count(*) AS n FROM sla_breaches GROUP BY lead_id) ' +
    'SELECT l.id, l.created_at, l.source_campaign, l.region, l.grade, l.stage, COALESCE(l.owner, \'\') AS owner, ' +
    'l.first_response_at, GREATEST(COALESCE(ls.k, 0), COALESCE(per.k, 0)) AS reached, ' +
    'per.t1, per.t2, per.t3, per.t4, per.t5, per.t6, ' +
    [1, 2, 3, 4, 5, 6].map((k) =>
      `CASE WHEN per.t${k} IS NOT NULL THEN GREATEST(0, per.t${k} - ${k === 1 ? 'l.created_at' : `per.t${k - 1}`}) END AS d${k}`)
      .join(', ') +
    // GREATEST skips NULLs in DuckDB: a step not reached stays NULL.
    ', GREATEST(l.created_at, COALESCE(per.moved_at, l.created_at)) AS stage_since, COALESCE(br.n, 0) AS breaches, ' +
    'COALESCE(per.revenue, 0) AS revenue, COALESCE(per.amount, 0) AS amount, ' +
    "COALESCE(strftime(date_trunc('week', CAST(left(per.close, 10) AS DATE)), '%Y-%m-%d'), '') AS close_week, " +
    'CASE WHEN l.first_response_at IS NOT NULL THEN GREATEST(0, l.first_response_at - l.created_at) END AS took ' +
    'FROM leads l LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN per ON per.lead_id = l.id ' +
    'LEFT JOIN br ON br.lead_id = l.id ORDER BY l.id',
  'CREATE TABLE exits AS SELECT e.lead_id, e.from_stage, e.exit_reason, e.at FROM stage_changes e ' +
    'WHERE e.exit_reason IS NOT NULL ORDER BY e.id',
  'CREATE TABLE touch_points AS SELECT t.id, t.lead_id, t.campaign, t.at FROM touches t ' +
    "WHERE COALESCE(t.campaign, '') <> '' AND t.lead_id > 0 ORDER BY t.lead_id, t.id",
  'CREATE TABLE touch_days AS SELECT t.campaign, t.at - ((t.at % 86400000) + 86400000) % 86400000 AS at, ' +
    'count(*) AS touches, count(*) FILTER (WHERE t.lead_id IS NULL OR t.lead_id = 0) AS without_lead, ' +
    'SUM(CASE WHEN length(t.data_points) <= 2 THEN 0 ELSE len(json_keys(t.data_points)) END) AS data_points ' +
    "FROM touches t WHERE COALESCE(t.campaign, '') <> '' GROUP BY 1, 2 ORDER BY 1, 2",
];
const kFacts = 'lead_facts l LEFT JOIN campaigns c ON c.key = l.source_campaign';

const kQuestions = {
  funnel: {
    derived: (q) =>
      `WITH steps(name, k) AS (VALUES ${kFunnelSteps}), ` +
      `per AS (SELECT ${q.group} AS g, l.reached AS k, count(*) AS n FROM ${kFacts} WHERE (${q.where}) GROUP BY ALL) ` +
      'SELECT grp.g, steps.k, (SELECT COALESCE(SUM(n), 0) FROM per WHERE per.g = grp.g AND per.k >= steps.k) ' +
      'FROM (SELECT DISTINCT g FROM per) grp, steps ORDER BY grp.g, steps.k',
    sql: (q) =>
      `WITH steps(name, k) AS (VALUES ${kFunnelSteps}), ` +
      'ev(lead_id, st) AS (SELECT lead_id, to_stage FROM stage_changes UNION ALL SELECT id, stage FROM leads), ' +
      `reach AS (SELECT l.id, ${q.group} AS g, MAX(COALESCE(s.k, 0)) AS k FROM leads l ` +
      'LEFT JOIN campaigns c ON c.key = l.source_campaign ' +
      `JOIN ev ON ev.lead_id = l.id LEFT JOIN steps s ON s.name = ev.st WHERE (${q.where}) GROUP BY ALL), ` +
      'per AS (SELECT g, k, count(*) AS n FROM reach GROUP BY g, k) ' +
      'SELECT grp.g, steps.k, (SELECT COALESCE(SUM(n), 0) FROM per WHERE per.g = grp.g AND per.k >= steps.k) ' +
      'FROM (SELECT DISTINCT g FROM per) grp, steps ORDER BY grp.g, steps.k',
    figures: (rows) => {
      const out = {};
      for (const [g, , reached] of rows) (out[g ?? ''] ??= []).push(Number(reached));
      return out;
    },
  },
  leaks: {
    derived: (q) =>
      "SELECT e.from_stage || '|' || e.exit_reason, count(*) " +
      'FROM exits e JOIN lead_facts l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign ' +
      `WHERE (${q.where}) GROUP BY 1`,
    sql: (q) =>
      "SELECT e.from_stage || '|' || e.exit_reason, count(*) " +
      'FROM stage_changes e JOIN leads l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign ' +
      `WHERE e.exit_reason IS NOT NULL AND (${q.where}) GROUP BY 1`,
    figures: (rows) => Object.fromEntries(rows.map(([k, n]) => [k, Number(n)])),
  },
  speed_to_lead: {
    derived: (q) =>
      `WITH a AS (SELECT ${q.group} AS g, l.breaches > 0 AS breached, l.took FROM ${kFacts} ` +
      `WHERE (${q.where}) AND l.reached >= 2), ` +
      'ranked AS (SELECT g, breached, took, ROW_NUMBER() OVER (PARTITION BY g, took IS NULL ORDER BY took) AS rn, ' +
      'COUNT(took) OVER (PARTITION BY g) AS n FROM a) ' +
      'SELECT g, count(*), count(took), count(*) FILTER (WHERE breached), ' +
      `${nearestRank('took', 50)}, ${nearestRank('took', 90)} FROM ranked GROUP BY g`,
    sql: (q) =>
      `WITH ${kSteps}, ${kReach}, ` +
      'breached AS (SELECT lead_id AS id, count(*) AS n FROM sla_breaches GROUP BY lead_id), ' +
      `a AS (SELECT ${q.group} AS g, b.id IS NOT NULL AS breached, CASE WHEN l.first_response_at IS NOT NULL ` +
      `THEN GREATEST(0, l.first_response_at - l.created_at) END AS took FROM ${kLeads} ` +
      'LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id ' +
      `LEFT JOIN breached b ON b.id = l.id WHERE (${q.where}) AND ${kFurthest} >= 2), ` +
      'ranked AS (SELECT g, breached, took, ROW_NUMBER() OVER (PARTITION BY g, took IS NULL ORDER BY took) AS rn, ' +
      'COUNT(took) OVER (PARTITION BY g) AS n FROM a) ' +
      'SELECT g, count(*), count(took), count(*) FILTER (WHERE breached), ' +
      `${nearestRank('took', 50)}, ${nearestRank('took', 90)} FROM ranked GROUP BY g`,
    figures: (rows) => Object.fromEntries(rows.map(([g, ...v]) => [g ?? '', numbers(v)])),
  },
  stalled: {
    derived: (q) =>
      `WITH st AS (SELECT l.id AS id, ${q.group} AS g, l.stage AS stage, l.owner AS owner, l.stage_since AS since ` +
      `FROM ${kFacts} WHERE (${q.where}) AND l.stage IN ` +
      `('captured','qualified','assigned','accepted','working','opportunity') AND l.stage_since < ${q.before}) ` +
      "SELECT 'group', g || '|' || stage, count(*), MIN(since) FROM st GROUP BY g, stage " +
      "UNION ALL SELECT 'oldest', CAST(id AS VARCHAR) || '|' || stage || '|' || owner, " +
      'ROW_NUMBER() OVER (ORDER BY since, id), since FROM (SELECT * FROM st ORDER BY since, id LIMIT 50)',
    sql: (q) =>
      'WITH latest AS (SELECT e.lead_id AS id, MAX(e.at) AS moved_at FROM stage_changes e GROUP BY e.lead_id), ' +
      `st AS (SELECT * FROM (SELECT l.id AS id, ${q.group} AS g, l.stage AS stage, COALESCE(l.owner, '') AS owner, ` +
      `GREATEST(l.created_at, COALESCE(latest.moved_at, l.created_at)) AS since FROM ${kLeads} ` +
      `LEFT JOIN latest ON latest.id = l.id WHERE (${q.where}) AND l.stage IN ` +
      `('captured','qualified','assigned','accepted','working','opportunity')) WHERE since < ${q.before}) ` +
      "SELECT 'group', g || '|' || stage, count(*), MIN(since) FROM st GROUP BY g, stage " +
      "UNION ALL SELECT 'oldest', CAST(id AS VARCHAR) || '|' || stage || '|' || owner, " +
      'ROW_NUMBER() OVER (ORDER BY since, id), since FROM (SELECT * FROM st ORDER BY since, id LIMIT 50)',
    figures: (rows) => {
      const out = { groups: {}, oldest: [] };
      for (const [what, key, n, since] of rows) {
        if (what === 'group') out.groups[key] = [Number(n), Number(since)];
        else out.oldest[Number(n) - 1] = `${key}|${since}`;
      }
      return out;
    },
  },
  stage_times: {
    derived: (q) => {
      const took = [1, 2, 3, 4, 5, 6]
        .map((k) => `SELECT g, ${k} AS k, d${k} AS took FROM t WHERE d${k} IS NOT NULL`)
        .join(' UNION ALL ');
      return `WITH ${kSteps}, t AS (SELECT ${q.group} AS g, l.* FROM ${kFacts} WHERE (${q.where}) AND l.t1 IS NOT NULL), ` +
        `took AS (${took}), ` +
        'ranked AS (SELECT g, k, took, ROW_NUMBER() OVER (PARTITION BY g, k ORDER BY took) AS rn, ' +
        'COUNT(*) OVER (PARTITION BY g, k) AS n FROM took) ' +
        `SELECT g || '|' || steps.name, MAX(n), ${nearestRank('took', 50)}, ${nearestRank('took', 90)} ` +
        'FROM ranked JOIN steps ON steps.k = ranked.k GROUP BY g, steps.name';
    },
    sql: (q) => {
      const took = [1, 2, 3, 4, 5, 6]
        .map((k) => `SELECT g, ${k} AS k, GREATEST(0, t${k} - t${k - 1}) AS took FROM t WHERE t${k} IS NOT NULL`)
        .join(' UNION ALL ');
      return `WITH ${kSteps}, ${kStepTimes}, ` +
        `t AS (SELECT ${q.group} AS g, l.created_at AS t0, st.* FROM ${kLeads} ` +
        `JOIN step_times st ON st.id = l.id WHERE (${q.where})), took AS (${took}), ` +
        'ranked AS (SELECT g, k, took, ROW_NUMBER() OVER (PARTITION BY g, k ORDER BY took) AS rn, ' +
        'COUNT(*) OVER (PARTITION BY g, k) AS n FROM took) ' +
        `SELECT g || '|' || steps.name, MAX(n), ${nearestRank('took', 50)}, ${nearestRank('took', 90)} ` +
        'FROM ranked JOIN steps ON steps.k = ranked.k GROUP BY g, steps.name';
    },
    figures: (rows) => Object.fromEntries(rows.map(([key, ...v]) => [key, numbers(v)])),
  },
  campaigns: {
    derived: (q) =>
      "SELECT l.source_campaign, count(*), count(*) FILTER (WHERE l.reached >= 1), count(*) FILTER (WHERE l.grade = 'hot'), " +
      "count(*) FILTER (WHERE l.grade = 'warm'), count(*) FILTER (WHERE l.grade = 'cold'), " +
      'count(*) FILTER (WHERE l.reached >= 3), count(*) FILTER (WHERE l.reached >= 5), ' +
      'count(*) FILTER (WHERE l.reached >= 6), COALESCE(SUM(l.revenue) FILTER (WHERE l.reached >= 6), 0), ' +
      `COALESCE(MAX(c.cost_cents), 0) FROM ${kFacts} WHERE (${q.where}) GROUP BY l.source_campaign`,
    sql: (q) =>
      `WITH ${kSteps}, ${kReach}, ` +
      "revenue AS (SELECT lead_id, arg_max_null(revenue_cents, id) AS cents FROM stage_changes WHERE to_stage = 'won' " +
      'GROUP BY lead_id), ' +
      `a AS (SELECT l.source_campaign AS campaign, l.grade AS grade, ${kFurthest} AS k, ` +
      `revenue.cents AS cents, c.cost_cents AS cost FROM ${kLeads} ` +
      'LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id ' +
      `LEFT JOIN revenue ON revenue.lead_id = l.id WHERE (${q.where})) ` +
      "SELECT campaign, count(*), count(*) FILTER (WHERE k >= 1), count(*) FILTER (WHERE grade = 'hot'), " +
      "count(*) FILTER (WHERE grade = 'warm'), count(*) FILTER (WHERE grade = 'cold'), " +
      'count(*) FILTER (WHERE k >= 3), count(*) FILTER (WHERE k >= 5), count(*) FILTER (WHERE k >= 6), ' +
      'COALESCE(SUM(cents) FILTER (WHERE k >= 6), 0), COALESCE(MAX(cost), 0) FROM a GROUP BY campaign',
    figures: (rows) => Object.fromEntries(rows.map(([campaign, ...v]) => [campaign ?? '', numbers(v)])),
  },
  campaign_touches: {
    derived: (q) =>
      'SELECT t.campaign, SUM(t.touches), SUM(t.without_lead), SUM(t.data_points) FROM touch_days t ' +
      `WHERE (${q.where}) GROUP BY t.campaign`,
    sql: (q) =>
      'SELECT t.campaign, count(*), count(*) FILTER (WHERE t.lead_id IS NULL OR t.lead_id = 0), ' +
      'SUM(CASE WHEN length(t.data_points) <= 2 THEN 0 ELSE len(json_keys(t.data_points)) END) FROM touches t ' +
      `WHERE COALESCE(t.campaign, '') <> '' AND (${q.where}) GROUP BY t.campaign`,
    figures: (rows) => Object.fromEntries(rows.map(([campaign, ...v]) => [campaign, numbers(v)])),
  },
  attribution: {
    derived: (q) =>
      'WITH deal AS (SELECT l.id AS id, l.source_campaign AS src, l.created_at AS t0, l.revenue AS cents, ' +
      `COALESCE(l.t6, 9223372036854775807) AS won_at FROM ${kFacts} WHERE (${q.where}) AND l.reached >= 6), ` +
      'tp AS (SELECT id AS lead, src AS campaign, t0 AS point_at, 0 AS ord FROM deal UNION ALL ' +
      'SELECT t.lead_id, t.campaign, t.at, t.id FROM deal JOIN touch_points t ON t.lead_id = deal.id ' +
      'WHERE t.at <= deal.won_at), ' +
      'ranked AS (SELECT tp.lead AS lead, tp.campaign AS campaign, deal.cents AS cents, ' +
      'ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.point_at, tp.ord) AS f, ' +
      'ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.point_at DESC, tp.ord DESC) AS b, ' +
      'COUNT(*) OVER (PARTITION BY tp.lead) AS n FROM tp JOIN deal ON deal.id = tp.lead) ' +
      'SELECT campaign, COUNT(DISTINCT lead), COALESCE(SUM(cents) FILTER (WHERE f = 1), 0), ' +
      'COALESCE(SUM(cents) FILTER (WHERE b = 1), 0), SUM(cents / n) FROM ranked GROUP BY campaign',
    sql: (q) =>
      `WITH ${kSteps}, ${kReach}, ` +
      'wins AS (SELECT e.lead_id, arg_max_null(e.revenue_cents, e.id) AS cents, MIN(e.at) AS won_at ' +
      "FROM stage_changes e WHERE e.to_stage = 'won' GROUP BY e.lead_id), " +
      'deal AS (SELECT l.id AS id, l.source_campaign AS src, l.created_at AS t0, COALESCE(w.cents, 0) AS cents, ' +
      `COALESCE(w.won_at, 9223372036854775807) AS won_at FROM ${kLeads} ` +
      'LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id ' +
      `LEFT JOIN wins w ON w.lead_id = l.id WHERE (${q.where}) AND ${kFurthest} >= 6), ` +
      'tp AS (SELECT id AS lead, src AS campaign, t0 AS point_at, 0 AS ord FROM deal UNION ALL ' +
      'SELECT t.lead_id, t.campaign, t.at, t.id FROM deal JOIN touches t ON t.lead_id = deal.id ' +
      "WHERE COALESCE(t.campaign, '') <> '' AND t.at <= deal.won_at), " +
      'ranked AS (SELECT tp.lead AS lead, tp.campaign AS campaign, deal.cents AS cents, ' +
      'ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.point_at, tp.ord) AS f, ' +
      'ROW_NUMBER() OVER (PARTITION BY tp.lead ORDER BY tp.point_at DESC, tp.ord DESC) AS b, ' +
      'COUNT(*) OVER (PARTITION BY tp.lead) AS n FROM tp JOIN deal ON deal.id = tp.lead) ' +
      'SELECT campaign, COUNT(DISTINCT lead), COALESCE(SUM(cents) FILTER (WHERE f = 1), 0), ' +
      'COALESCE(SUM(cents) FILTER (WHERE b = 1), 0), SUM(cents / n) FROM ranked GROUP BY campaign',
    figures: (rows) => Object.fromEntries(rows.map(([campaign, deals, first, last, linear]) =>
      [campaign, [Number(deals), Number(first), Number(last), Math.round(Number(linear))]])),
  },
  forecast: {
    derived: (q) =>
      `WITH a AS (SELECT ${q.group} AS g, l.stage AS stage, l.amount AS amount, l.close_week AS week ` +
      `FROM ${kFacts} WHERE (${q.where}) AND l.reached >= 5), ` +
      "per AS (SELECT g, count(*) FILTER (WHERE stage = 'opportunity') AS open_now, " +
      "COALESCE(SUM(amount) FILTER (WHERE stage = 'opportunity'), 0) AS amount, " +
      "count(*) FILTER (WHERE stage = 'won') AS won, count(*) FILTER (WHERE stage = 'lost') AS lost " +
      'FROM a GROUP BY g HAVING open_now + won + lost > 0), ' +
      'rate AS (SELECT g, CASE WHEN won + lost >= 10 THEN won::DOUBLE / (won + lost) ' +
      'WHEN all_won + all_lost > 0 THEN all_won::DOUBLE / (all_won + all_lost) END AS r ' +
      'FROM per, (SELECT SUM(won) AS all_won, SUM(lost) AS all_lost FROM per)) ' +
      "SELECT 'group', per.g, open_now, amount, won, lost, amount::DOUBLE * rate.r " +
      'FROM per JOIN rate ON rate.g IS NOT DISTINCT FROM per.g ' +
      "UNION ALL SELECT 'week', a.g || '|' || week, count(*), SUM(amount), 0, 0, SUM(amount)::DOUBLE * MAX(rate.r) " +
      "FROM a JOIN rate ON rate.g IS NOT DISTINCT FROM a.g WHERE stage = 'opportunity' GROUP BY a.g, week",
    sql: (q) =>
      `WITH ${kSteps}, ${kReach}, ` +
      'opp AS (SELECT lead_id, arg_max_null(amount_cents, id) AS amount, arg_max_null(expected_close, id) AS close ' +
      "FROM stage_changes WHERE to_stage = 'opportunity' GROUP BY lead_id), " +
      `a AS (SELECT ${q.group} AS g, l.stage AS stage, COALESCE(opp.amount, 0) AS amount, ` +
      "COALESCE(strftime(date_trunc('week', CAST(left(opp.close, 10) AS DATE)), '%Y-%m-%d'), '') AS week " +
      `FROM ${kLeads} LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id ` +
      `LEFT JOIN opp ON opp.lead_id = l.id WHERE (${q.where}) AND ${kFurthest} >= 5), ` +
      "per AS (SELECT g, count(*) FILTER (WHERE stage = 'opportunity') AS open_now, " +
      "COALESCE(SUM(amount) FILTER (WHERE stage = 'opportunity'), 0) AS amount, " +
      "count(*) FILTER (WHERE stage = 'won') AS won, count(*) FILTER (WHERE stage = 'lost') AS lost " +
      'FROM a GROUP BY g HAVING open_now + won + lost > 0), ' +
      'rate AS (SELECT g, CASE WHEN won + lost >= 10 THEN won::DOUBLE / (won + lost) ' +
      'WHEN all_won + all_lost > 0 THEN all_won::DOUBLE / (all_won + all_lost) END AS r ' +
      'FROM per, (SELECT SUM(won) AS all_won, SUM(lost) AS all_lost FROM per)) ' +
      "SELECT 'group', per.g, open_now, amount, won, lost, amount::DOUBLE * rate.r " +
      'FROM per JOIN rate ON rate.g IS NOT DISTINCT FROM per.g ' +
      "UNION ALL SELECT 'week', a.g || '|' || week, count(*), SUM(amount), 0, 0, SUM(amount)::DOUBLE * MAX(rate.r) " +
      "FROM a JOIN rate ON rate.g IS NOT DISTINCT FROM a.g WHERE stage = 'opportunity' GROUP BY a.g, week",
    figures: (rows) => {
      const out = { groups: {}, weeks: {} };
      for (const [what, key, open, amount, won, lost, weighted] of rows) {
        const w = weighted === null ? null : Math.round(Number(weighted));
        if (what === 'group') out.groups[key ?? ''] = [Number(open), Number(amount), Number(won), Number(lost), w];
        else out.weeks[key] = [Number(open), Number(amount), w];
      }
      return out;
    },
  },
  leaderboard_vendors: {
    derived: (q) =>
      `SELECT ${q.group} AS g, count(*), count(*) FILTER (WHERE l.reached >= 1), ` +
      'count(*) FILTER (WHERE l.reached >= 3) AS accepted, count(*) FILTER (WHERE l.reached >= 6) ' +
      `FROM ${kFacts} WHERE (${q.where}) AND COALESCE(${q.group}, '') <> '' GROUP BY g ORDER BY accepted DESC, g`,
    sql: (q) =>
      `WITH ${kSteps}, ${kReach}, ` +
      `a AS (SELECT ${q.group} AS g, ${kFurthest} AS k FROM ${kLeads} ` +
      'LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id ' +
      `WHERE (${q.where}) AND COALESCE(${q.group}, '') <> '') ` +
      'SELECT g, count(*), count(*) FILTER (WHERE k >= 1), count(*) FILTER (WHERE k >= 3) AS accepted, ' +
      'count(*) FILTER (WHERE k >= 6) FROM a GROUP BY g ORDER BY accepted DESC, g',
    figures: (rows) => rows.map(([g, ...v]) => [g, ...numbers(v)].join('|')),
  },
  leaderboard_reps: {
    derived: (q) =>
      `WITH a AS (SELECT ${q.group} AS g, l.breaches > 0 AS breached, l.took, l.reached AS k FROM ${kFacts} ` +
      `WHERE (${q.where}) AND l.reached >= 2 AND COALESCE(${q.group}, '') <> ''), ` +
      'ranked AS (SELECT g, breached, took, k, ROW_NUMBER() OVER (PARTITION BY g, took IS NULL ORDER BY took) AS rn, ' +
      'COUNT(took) OVER (PARTITION BY g) AS n FROM a), ' +
      'per AS (SELECT g, count(*) AS assigned, count(took) AS responded, ' +
      'count(*) FILTER (WHERE breached) AS breached, ' +
      `${nearestRank('took', 50)} AS median, ${nearestRank('took', 90)} AS p90, ` +
      'count(*) FILTER (WHERE k >= 3) AS accepted, count(*) FILTER (WHERE k >= 6) AS won FROM ranked GROUP BY g) ' +
      'SELECT g, assigned, responded, breached, median, p90, accepted, won FROM per ' +
      'ORDER BY won::DOUBLE / assigned::DOUBLE DESC, g',
    sql: (q) =>
      `WITH ${kSteps}, ${kReach}, ` +
      'breached AS (SELECT lead_id AS id, count(*) AS n FROM sla_breaches GROUP BY lead_id), ' +
      `a AS (SELECT ${q.group} AS g, b.id IS NOT NULL AS breached, CASE WHEN l.first_response_at IS NOT NULL ` +
      `THEN GREATEST(0, l.first_response_at - l.created_at) END AS took, ${kFurthest} AS k FROM ${kLeads} ` +
      'LEFT JOIN steps ls ON ls.name = l.stage LEFT JOIN reach r ON r.id = l.id ' +
      `LEFT JOIN breached b ON b.id = l.id WHERE (${q.where}) AND ${kFurthest} >= 2 ` +
      `AND COALESCE(${q.group}, '') <> ''), ` +
      'ranked AS (SELECT g, breached, took, k, ROW_NUMBER() OVER (PARTITION BY g, took IS NULL ORDER BY took) AS rn, ' +
      'COUNT(took) OVER (PARTITION BY g) AS n FROM a), ' +
      'per AS (SELECT g, count(*) AS assigned, count(took) AS responded, ' +
      'count(*) FILTER (WHERE breached) AS breached, ' +
      `${nearestRank('took', 50)} AS median, ${nearestRank('took', 90)} AS p90, ` +
      'count(*) FILTER (WHERE k >= 3) AS accepted, count(*) FILTER (WHERE k >= 6) AS won FROM ranked GROUP BY g) ' +
      'SELECT g, assigned, responded, breached, median, p90, accepted, won FROM per ' +
      'ORDER BY won::DOUBLE / assigned::DOUBLE DESC, g',
    figures: (rows) => rows.map(([g, ...v]) => [g, ...numbers(v)].join('|')),
  },
};

// Warm: the first run gives the figures, then the best of `runs` is timed;
// every timed run's figures are compared with the first's (outside the
// timer), and the runs that differ are counted.
async function time(connection, sql, figuresOf, runs) {
  const figures = figuresOf((await connection.runAndReadAll(sql)).getRows());
  const expected = canonical(figures);
  let best = Infinity;
  let differing = 0;
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    const result = await connection.runAndReadAll(sql);
    const rows = result.getRows();
    best = Math.min(best, elapsedMs(start));
    if (canonical(figuresOf(rows)) !== expected) ++differing;
  }
  return { best_ms: best, figures, differing_runs: differing };
}

// JSON with object keys sorted: rows come in any order, so the same figures
// may be built in another key order (arrays keep theirs: ranks).
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// Each question over the exported tables (raw) and over the derived ones.
async function ask(connection, question, runs) {
  const kind = kQuestions[question.kind];
  if (!kind) throw new Error(`duckdb_twin: unknown report kind "${question.kind}" (${question.key})`);
  return {
    raw: await time(connection, kind.sql(question), kind.figures, runs),
    derived: await time(connection, kind.derived(question), kind.figures, runs),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const questions = JSON.parse(readFileSync(args.queries, 'utf8')).reports;
  mkdirSync(args.dir, { recursive: true });
  try {
    let start = process.hrtime.bigint();
    exportCsv(args.db, args.dir);
    const exportMs = elapsedMs(start);

    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('SET threads = 2');
    start = process.hrtime.bigint();
    const rows = await loadCsv(connection, args.dir);
    const loadMs = elapsedMs(start);
    start = process.hrtime.bigint();
    for (const sql of kDerivedTables) await connection.run(sql);
    const deriveMs = elapsedMs(start);
    for (const t of ['lead_facts', 'exits', 'touch_points', 'touch_days']) {
      rows[t] = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0][0]);
    }
    process.stderr.write(`  duckdb: exported in ${exportMs.toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms, ` +
                         `derived tables built in ${deriveMs.toFixed(0)} ms\n`);

    const reports = {};
    for (const q of questions) reports[q.key] = await ask(connection, q, args.runs);
    const pkg = createRequire(import.meta.url)('@duckdb/node-api/package.json');
    process.stdout.write(JSON.stringify({
      duckdb: duckdbVersion(), package: pkg.version, threads: 2, export_ms: exportMs, load_ms: loadMs,
      derive_ms: deriveMs,
      rows, runs: args.runs, reports,
    }) + '\n');
    connection.closeSync();
    instance.closeSync();
  } finally {
    for (const t of kTables) rmSync(join(args.dir, t.name + '.csv'), { force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
