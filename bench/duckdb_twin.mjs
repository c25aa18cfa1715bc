// The DuckDB twin of the reports benchmark (bench/reports.cc): exports the
// programme from the SQLite file to CSV with the sqlite3 CLI (the payload
// fields of stage changes become plain columns there), loads it into an
// in-memory DuckDB with 2 threads, asks each report's question warm, best of
// R, and prints one JSON document on stdout; progress goes to stderr.
//
//   node bench/duckdb_twin.mjs --db FILE --queries FILE --dir TMPDIR [--runs R]
//
// The queries file is written by reports.cc, which owns the list of reports:
//   {"reports": [{"key": "...", "kind": "funnel"|"leaks", "where": SQL, "group": SQL}]}
// `where` and `group` are the SQL fragments the SQLite twin uses, over the
// aliases l (leads), c (campaigns) and e (the stage change). The output:
//   {"duckdb": "v1.x", "package": "1.x-r.y", "threads": 2, "export_ms", "load_ms",
//    "rows": {table: count}, "runs": R,
//    "reports": {key: {"best_ms": ms, "figures": canonical figures}}}
// Canonical figures, as reports.cc builds them for Leadloop and SQLite:
//   funnel: {group: [leads reaching each step, in step order]}
//   leaks:  {"from|reason": count}
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
    select: 'SELECT id, created_at, source_campaign, region, grade, stage, owner FROM leads',
    columns: { id: 'BIGINT', created_at: 'BIGINT', source_campaign: 'VARCHAR', region: 'VARCHAR',
               grade: 'VARCHAR', stage: 'VARCHAR', owner: 'VARCHAR' },
  },
  {
    name: 'stage_changes',
    select: "SELECT lead_id, at, json_extract(payload, '$.from') AS from_stage, "
          + "json_extract(payload, '$.to') AS to_stage, json_extract(payload, '$.exit') AS exit_reason, "
          + "json_extract(payload, '$.revenue_cents') AS revenue_cents "
          + "FROM lead_events WHERE type = 'stage_changed'",
    columns: { lead_id: 'BIGINT', at: 'BIGINT', from_stage: 'VARCHAR', to_stage: 'VARCHAR',
               exit_reason: 'VARCHAR', revenue_cents: 'BIGINT' },
  },
  {
    name: 'campaigns',
    select: 'SELECT key, channel, vendor FROM campaigns',
    columns: { key: 'VARCHAR', channel: 'VARCHAR', vendor: 'VARCHAR' },
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

// The same questions as Twin::funnel and Twin::leaks in reports.cc.
const kFunnelSteps = "('captured',0),('qualified',1),('assigned',2),('accepted',3),('working',4),"
                   + "('opportunity',5),('won',6)";

const kQuestions = {
  funnel: {
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
    sql: (q) =>
      "SELECT e.from_stage || '|' || e.exit_reason, count(*) " +
      'FROM stage_changes e JOIN leads l ON l.id = e.lead_id LEFT JOIN campaigns c ON c.key = l.source_campaign ' +
      `WHERE e.exit_reason IS NOT NULL AND (${q.where}) GROUP BY 1`,
    figures: (rows) => Object.fromEntries(rows.map(([k, n]) => [k, Number(n)])),
  },
};

// Warm: the first run gives the figures, then the best of `runs` is timed.
async function ask(connection, question, runs) {
  const kind = kQuestions[question.kind];
  if (!kind) throw new Error(`duckdb_twin: unknown report kind "${question.kind}" (${question.key})`);
  const sql = kind.sql(question);
  const figures = kind.figures((await connection.runAndReadAll(sql)).getRows());
  let best = Infinity;
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    await connection.runAndReadAll(sql);
    best = Math.min(best, elapsedMs(start));
  }
  return { best_ms: best, figures };
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
    process.stderr.write(`  duckdb: exported in ${exportMs.toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms\n`);

    const reports = {};
    for (const q of questions) reports[q.key] = await ask(connection, q, args.runs);
    const pkg = createRequire(import.meta.url)('@duckdb/node-api/package.json');
    process.stdout.write(JSON.stringify({
      duckdb: duckdbVersion(), package: pkg.version, threads: 2, export_ms: exportMs, load_ms: loadMs,
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
