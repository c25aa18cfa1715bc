// The web app's speed on a big demo: the overview's first paint with its
// figures, and the lead list's paging, in Debian's chromium against the
// real `leadloop serve`, with the same page read straight from the SQLite
// file as the twin.
//
//   node bench/web.mjs [--db FILE] [--leads N] [--runs R] [--pages P]
//
// Without --db it generates `leadloop demo --leads N` (default 1,000,000,
// about 7 minutes here) into /tmp/leadloop-web-bench-N.db once and reuses it.
// LEADLOOP_BIN picks the binary (build/release/src/leadloop), LEADLOOP_WEB_DIR
// the built app (web/dist). Times are medians over the runs, after one
// untimed warm-up of each (the server's first answers fill its caches and
// the browser's). Every page of the API is compared with its twin's rows
// (the same ids in the same order). The exit status is 1 when they differ,
// 2 when a target is missed (--no-goals: reported only).
import { chromium } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(root, process.env.LEADLOOP_BIN ?? 'build/release/src/leadloop');
const webDir = resolve(root, process.env.LEADLOOP_WEB_DIR ?? 'web/dist');

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const leads = Number(arg('leads', '1000000'));
const runs = Number(arg('runs', '7'));
const pages = Number(arg('pages', '10'));
const db = arg('db', `/tmp/leadloop-web-bench-${leads}.db`);
const goals = !process.argv.includes('--no-goals');
const missed = [];
const differ = [];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;

if (!existsSync(db)) {
  console.log(`generating the demo (${leads.toLocaleString('en-US')} leads) into ${db} ...`);
  execFileSync(bin, ['demo', '--db', db, '--leads', String(leads)], { stdio: 'inherit' });
}
const token = execFileSync(bin, ['token', 'create', '--db', db, '--role', 'admin', '--label', 'web-bench'], {
  encoding: 'utf8',
}).trim();

const t0 = performance.now();
const server = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web-dir', webDir, '--threads', arg('threads', '8')], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stderr.resume();
const url = await new Promise((ok, fail) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) ok(m[1]);
  });
  server.on('exit', (code) => fail(new Error(`leadloop serve exited with ${code}`)));
});
server.stdout.resume();
const started = performance.now() - t0;
const api = async (path) => {
  const r = await fetch(url + path, { headers: { Authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return r.json();
};
const funnel = await api('/api/v1/reports/funnel');
console.log(
  `database ${db}: ${(statSync(db).size / 1e9).toFixed(2)} GB, ${funnel.groups[0].leads.toLocaleString('en-US')} leads; ` +
    `server ready in ${(started / 1000).toFixed(1)} s`,
);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

// A signed-in context, as a person would be after the sign-in page.
async function signedIn() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const r = await context.request.post(url + '/api/v1/session', { data: { login: 'admin', password: 'leadloop-demo' } });
  if (!r.ok()) throw new Error('sign-in: ' + (await r.text()));
  // The time the first element matching `selector` is in the document, and
  // the frame after it (painted), from the navigation's start.
  await context.addInitScript(() => {
    window.__mark = (selector) =>
      new Promise((done) => {
        const seen = () => {
          if (!document.querySelector(selector)) return false;
          const at = performance.now();
          requestAnimationFrame(() => setTimeout(() => done({ at, painted: performance.now() })));
          return true;
        };
        if (seen()) return;
        const o = new MutationObserver(() => seen() && o.disconnect());
        o.observe(document, { childList: true, subtree: true });
      });
    window.__overview = window.__mark('tr[data-stage="won"]');
  });
  return context;
}

// 1. The overview: navigation start -> the funnel (with goals, leaks and
// speed to lead, which come in the same render) painted.
const paint = [];
const inDom = [];
for (let i = -1; i < runs; ++i) {  // run -1: the warm-up, not counted
  const context = await signedIn();
  const page = await context.newPage();
  await page.goto(url + '/overview');
  const t = await page.evaluate(() => window.__overview);
  await context.close();
  if (i < 0) continue;
  inDom.push(t.at);
  paint.push(t.painted);
}
console.log(`\n== overview, first paint with figures (${runs} runs, a new browser context each)`);
console.log(`  in the document: median ${ms(median(inDom))}, max ${ms(Math.max(...inDom))}`);
console.log(`  painted:         median ${ms(median(paint))}, max ${ms(Math.max(...paint))}   (target <= 1000 ms)`);
if (Math.max(...paint) > 1000) missed.push('overview painted in more than 1000 ms');

// 2. The lead list: the API's page of 50 against the same page read from the
// SQLite file, then the page's Next button in the browser.
const apiTimes = [];
const sqlTimes = [];
let cursor = '';
const cursors = [];
const apiIds = [];
await api('/api/v1/leads?limit=50');  // warm-up
for (let i = 0; i < pages; ++i) {
  const t = performance.now();
  const page = await api('/api/v1/leads?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
  apiTimes.push(performance.now() - t);
  cursors.push(cursor);
  apiIds.push(page.leads.map((l) => String(l.id)).join(','));
  cursor = page.next_cursor ?? '';
}
// The twin: the same pages selected in the sqlite3 shell, each 200 times in
// one run (its timer has only millisecond resolution), less a run without
// them; no HTTP and no JSON, so the ratio is the API's whole overhead.
if (existsSync('/usr/bin/sqlite3')) {
  const repeat = 200;
  const stmts = cursors.map((c) => `SELECT * FROM leads WHERE id > ${c ? Number(c) : 0} ORDER BY id LIMIT 50;`);
  const shell = (sql) => {
    const t = performance.now();
    execFileSync('/usr/bin/sqlite3', ['-readonly', db], { input: '.output /dev/null\n' + sql, encoding: 'utf8' });
    return performance.now() - t;
  };
  const empty = Math.min(shell('SELECT 1;\n'), shell('SELECT 1;\n'));
  shell(stmts[0] + '\n');  // warm-up
  for (const stmt of stmts) sqlTimes.push(Math.max(0, shell((stmt + '\n').repeat(repeat)) - empty) / repeat);
  // The twin's rows: the same ids, in the same order, page by page.
  stmts.forEach((stmt, i) => {
    const ids = execFileSync('/usr/bin/sqlite3', ['-readonly', db], {
      input: stmt.replace('SELECT *', 'SELECT id') + '\n',
      encoding: 'utf8',
    }).trim().split('\n').filter(Boolean).join(',');
    if (ids !== apiIds[i]) differ.push(`page ${i + 1} of the lead list: API ${apiIds[i].slice(0, 60)}..., SQLite ${ids.slice(0, 60)}...`);
  });
} else {
  differ.push('no /usr/bin/sqlite3: the lead list was not compared with its twin');
}
console.log(`\n== lead list, pages of 50 (${pages} pages from the first)`);
console.log(`  GET /api/v1/leads over HTTP: median ${ms(median(apiTimes))}, max ${ms(Math.max(...apiTimes))}`);
if (sqlTimes.length)
  console.log(
    `  SQLite twin (the same SELECT in the sqlite3 shell, no HTTP, no JSON): median ${median(sqlTimes).toFixed(3)} ms` +
      ` -> ratio ${(median(apiTimes) / median(sqlTimes)).toFixed(2)}x`,
  );

const context = await signedIn();
const page = await context.newPage();
const t = performance.now();
await page.goto(url + '/leads');
const firstRow = page.locator('table tbody tr').first();
await firstRow.waitFor();
const listFirst = performance.now() - t;
const clicks = [];
const next = page.getByRole('button', { name: /^next/i }).or(page.getByRole('link', { name: /^next/i })).first();
for (let i = 0; i < pages; ++i) {
  const before = await firstRow.textContent();
  const c = performance.now();
  await next.click();
  await page.waitForFunction(
    (b) => document.querySelector('table tbody tr')?.textContent !== b,
    before,
    { polling: 'raf' },
  );
  clicks.push(performance.now() - c);
}
console.log(`  in the browser: first page shown ${ms(listFirst)} after navigation;`);
console.log(`  Next -> the next page shown: median ${ms(median(clicks))}, max ${ms(Math.max(...clicks))}   (target <= 200 ms)`);

if (median(clicks) > 200) missed.push('Next -> the next page in more than 200 ms (median)');

await browser.close();
server.kill('SIGTERM');
for (const d of differ) console.log(`DIFFERS: ${d}`);
for (const m of missed) console.log(`GOAL MISSED: ${m}${goals ? '' : ' (--no-goals)'}`);
console.log(differ.length ? 'rows differ from the twin' : 'every page equal to its twin');
process.exitCode = differ.length ? 1 : goals && missed.length ? 2 : 0;
