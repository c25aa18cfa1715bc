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
// the built app (web/dist). Times are medians over the runs.
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
for (let i = 0; i < runs; ++i) {
  const context = await signedIn();
  const page = await context.newPage();
  await page.goto(url + '/overview');
  const t = await page.evaluate(() => window.__overview);
  inDom.push(t.at);
  paint.push(t.painted);
  await context.close();
}
console.log(`\n== overview, first paint with figures (${runs} runs, a new browser context each)`);
console.log(`  in the document: median ${ms(median(inDom))}, max ${ms(Math.max(...inDom))}`);
console.log(`  painted:         median ${ms(median(paint))}, max ${ms(Math.max(...paint))}   (target <= 1000 ms)`);

// 2. The lead list: the API's page of 50 against the same page read from the
// SQLite file, then the page's Next button in the browser.
const apiTimes = [];
const sqlTimes = [];
let cursor = '';
const cursors = [];
for (let i = 0; i < pages; ++i) {
  const t = performance.now();
  const page = await api('/api/v1/leads?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
  apiTimes.push(performance.now() - t);
  cursors.push(cursor);
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
  for (const stmt of stmts) sqlTimes.push(Math.max(0, shell((stmt + '\n').repeat(repeat)) - empty) / repeat);
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

await browser.close();
server.kill('SIGTERM');
