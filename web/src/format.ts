// Figures, dates and names as people read them: one locale and one form on
// every page, so tests and screens agree. The browser tests import this file
// to format what they expect (tests/web/format.spec.ts checks it).
const kCount = new Intl.NumberFormat('en-US');
const kShare = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const kDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

// A whole count: 85.8 (an average of counts) reads "86".
export const count = (n: number) => kCount.format(Math.round(n));

// 0.123 -> "12.3%"; a share that is not 0 but would round to it, "<0.1%".
export function share(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (x > 0 && x < 0.0005) return '<0.1%';
  if (x < 0 && x > -0.0005) return '>−0.1%';
  return kShare.format(x);
}

// A ratio such as a lift over a base rate: 1.84 -> "1.8×"; "–" for none.
export const times = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toFixed(1)}×`);

// The API's amounts are in the currency's units (report costs and revenue,
// goal targets); stage events carry cents (amount_cents, revenue_cents).
export const kDefaultCurrency = 'USD';
const kMoney = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string): Intl.NumberFormat {
  const code = /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : kDefaultCurrency;
  let f = kMoney.get(code);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency: code, minimumFractionDigits: 0, maximumFractionDigits: 0 });
    kMoney.set(code, f);
  }
  return f;
}
// 12000 -> "$12,000", (1500.5, "EUR") -> "€1,501"; '–' for none (a vendor sees no amounts).
export function money(x: number | null | undefined, currency = kDefaultCurrency): string {
  if (x === null || x === undefined) return '–';
  return moneyFormat(currency).format(x);
}
export const moneyCents = (cents: number | null | undefined, currency = kDefaultCurrency) =>
  cents === null || cents === undefined ? '–' : money(cents / 100, currency);

// Durations: one scale per table, picked from its largest value, so a column
// never reads "29 h" next to "3 days".
export type DurationScale = 'min' | 'h' | 'days';
export function scaleOf(hoursList: (number | null | undefined)[]): DurationScale {
  const top = Math.max(0, ...hoursList.filter((h): h is number => typeof h === 'number'));
  if (top < 1) return 'min';
  if (top < 48) return 'h';
  return 'days';
}
// The hours in a scale: "42 min", "3.5 h", "2.1 days"; "<0.1 days" for a
// value too small for the scale but not 0.
export function duration(h: number | null | undefined, scale: DurationScale): string {
  if (h === null || h === undefined) return '–';
  const v = scale === 'min' ? h * 60 : scale === 'h' ? h : h / 24;
  const text = v > 0 && v < 0.05 ? '<0.1' : kDecimal.format(v);
  return `${text} ${text === '1' && scale === 'days' ? 'day' : scale}`;
}
// The hours from `iso` to now, for a table of ages in one scale
// (duration(hoursSince(x), scaleOf(all)) ); null for none.
export const hoursSince = (iso: string | null | undefined, now = Date.now()) =>
  iso ? Math.max(0, (now - Date.parse(iso)) / 3600000) : null;
// One duration alone, in its own scale.
export const hours = (h: number | null | undefined) => duration(h, scaleOf([h]));

// A goal's figure in its unit: money, minutes, or a whole count.
export function amount(x: number | null | undefined, unit: string, currency = kDefaultCurrency): string {
  if (x === null || x === undefined) return '–';
  if (unit === 'currency') return money(x, currency);
  if (unit === 'minutes') return `${kCount.format(Math.round(x))} min`;
  return count(x);
}

// A signed change: "+3", "−2", "±0" (money: "+$1,200").
export function delta(d: number, format: (n: number) => string = count): string {
  const size = format(Math.abs(d));
  if (size === format(0)) return '±0';
  return (d > 0 ? '+' : '−') + size;
}

// Dates and times, one form everywhere: "2026-03-16" and
// "2026-03-16 10:30 UTC" (with seconds "... 10:30:00 UTC"), whatever the
// browser's zone; '–' for none.
export const date = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '–');
export function utc(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '–';
  return iso.slice(0, 10) + ' ' + iso.slice(11, seconds ? 19 : 16) + ' UTC';
}

// Capture periods of the reports' by=week (from a Monday) and by=month
// (from the 1st): the start of the period `step` periods after `start`
// ("2026-09-28", 'week', -1 -> "2026-09-21").
export type Bucket = 'week' | 'month';
export function nextStart(start: string, by: Bucket, step = 1): string {
  const d = new Date(start + 'T00:00:00Z');
  if (by === 'week') return new Date(d.getTime() + step * 7 * 86400000).toISOString().slice(0, 10);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + step, 1)).toISOString().slice(0, 10);
}

// The UTC date `offset` days from `today` (negative: before), "YYYY-MM-DD".
export const dayFrom = (offset: number, today = new Date()) =>
  new Date(today.getTime() + offset * 86400000).toISOString().slice(0, 10);

// "captured" -> "Captured", "rejected:no_budget" -> "rejected: no budget"
export const label = (s: string) => s.replaceAll('_', ' ').replace(':', ': ');
export const title = (s: string) => {
  const l = label(s);
  return l.charAt(0).toUpperCase() + l.slice(1);
};

// Who did it, in words: the API's actor "user:maria" is "maria",
// "token:7:ci" "API token 7 (ci)", "rep:rep-na-1" "rep-na-1", "vendor:CallCo"
// "CallCo", "link:3" "a feedback link (3)", "public" "not signed in"; other
// names (routing, demo, system) as they are.
export function person(actor: string | null | undefined): string {
  if (!actor) return 'unknown';
  const colon = actor.indexOf(':');
  if (actor === 'public') return 'not signed in';
  if (colon < 0) return actor;
  const kind = actor.slice(0, colon);
  const rest = actor.slice(colon + 1);
  if (kind === 'user' || kind === 'rep' || kind === 'vendor') return rest;
  if (kind === 'token') {
    const [id, ...name] = rest.split(':');
    return name.length ? `API token ${id} (${name.join(':')})` : `API token ${id}`;
  }
  if (kind === 'link') return `a feedback link (${rest})`;
  return actor;
}

// An API action ("POST /api/v1/users", as the audit log records it) in
// words. The table is the route list of docs/api.md; a route it misses reads
// as its method and last path word ("Read funnel").
const kActions: [string, string][] = [
  ['POST /api/v1/session', 'Signed in'],
  ['GET /api/v1/session', 'Read the session'],
  ['POST /api/v1/session/logout', 'Signed out'],
  ['GET /api/v1/users', 'Listed the users'],
  ['POST /api/v1/users', 'Added a user'],
  ['PUT /api/v1/users/{}', 'Changed a user'],
  ['GET /api/v1/tokens', 'Listed the API tokens'],
  ['POST /api/v1/tokens', 'Created an API token'],
  ['POST /api/v1/tokens/{}/revoke', 'Revoked an API token'],
  ['GET /api/v1/audit', 'Read the audit log'],
  ['POST /api/v1/leads', 'Captured a lead'],
  ['GET /api/v1/leads', 'Listed leads'],
  ['POST /api/v1/leads/bulk', 'Captured leads in bulk'],
  ['GET /api/v1/leads/{}', 'Opened a lead'],
  ['GET /api/v1/leads/{}/timeline', "Read a lead's timeline"],
  ['POST /api/v1/leads/{}/transitions', 'Moved a lead'],
  ['POST /api/v1/leads/{}/touches', 'Logged a touch'],
  ['POST /api/v1/leads/{}/assignment', 'Assigned a lead'],
  ['POST /api/v1/leads/{}/consent', 'Changed a consent'],
  ['POST /api/v1/leads/{}/feedback-links', 'Sent a feedback link'],
  ['POST /api/v1/assignments', 'Assigned leads'],
  ['GET /api/v1/queue', 'Read the queue'],
  ['POST /api/v1/campaigns', 'Created a campaign'],
  ['GET /api/v1/campaigns', 'Listed the campaigns'],
  ['GET /api/v1/campaigns/{}', 'Opened a campaign'],
  ['GET /api/v1/campaigns/{}/feedback', "Read a campaign's feedback"],
  ['POST /api/v1/touches', 'Logged a touch'],
  ['POST /api/v1/imports', 'Imported a file'],
  ['GET /api/v1/imports/{}', 'Read an import'],
  ['GET /api/v1/imports/{}/errors', "Read an import's errors"],
  ['GET /api/v1/exports/leads.csv', 'Exported the leads'],
  ['GET /api/v1/exports/events.csv', 'Exported the events'],
  ['GET /api/v1/definition', 'Read the definition'],
  ['POST /api/v1/definition/check', 'Checked a definition'],
  ['GET /api/v1/definition/diff', 'Compared definitions'],
  ['GET /api/v1/definition/accuracy', 'Read the accuracy review'],
  ['POST /api/v1/definition/reviews', 'Reviewed a lead'],
  ['GET /api/v1/definition/versions', 'Listed the definition versions'],
  ['POST /api/v1/definition/versions', 'Drafted a definition'],
  ['GET /api/v1/definition/versions/{}', 'Opened a definition version'],
  ['PUT /api/v1/definition/versions/{}', 'Edited a draft definition'],
  ['POST /api/v1/definition/versions/{}/approvals', 'Signed a definition'],
  ['POST /api/v1/definition/versions/{}/activate', 'Activated a definition'],
  ['GET /api/v1/definition/versions/{}/backtest', 'Ran a backtest'],
  ['GET /api/v1/teams', 'Listed the teams'],
  ['POST /api/v1/teams', 'Added a team'],
  ['GET /api/v1/reps', 'Listed the reps'],
  ['POST /api/v1/reps', 'Added a rep'],
  ['PUT /api/v1/reps/{}', 'Changed a rep'],
  ['GET /api/v1/outbox', 'Read the outbox'],
  ['POST /api/v1/follow-up/run', 'Ran the follow-up'],
  ['GET /api/v1/privacy/subjects', 'Looked up a person'],
  ['POST /api/v1/privacy/erasures', 'Erased a person'],
  ['GET /api/v1/goals', 'Listed the goals'],
  ['POST /api/v1/goals', 'Set a goal'],
  ['GET /api/v1/goals/{}', 'Opened a goal'],
  ['POST /api/v1/goals/{}/approvals', 'Approved a goal'],
  ['GET /api/v1/webhooks', 'Listed the webhooks'],
  ['POST /api/v1/webhooks', 'Added a webhook'],
  ['GET /api/v1/webhooks/{}', 'Opened a webhook'],
  ['PUT /api/v1/webhooks/{}', 'Changed a webhook'],
  ['POST /api/v1/webhooks/{}/rotate', "Rotated a webhook's secret"],
  ['GET /api/v1/deliveries', 'Listed the deliveries'],
  ['GET /api/v1/deliveries/{}', 'Opened a delivery'],
  ['POST /api/v1/deliveries/replay', 'Replayed deliveries'],
  ['GET /api/v1/stream', 'Followed the live figures'],
  ['GET /feedback/{}', 'Opened a feedback link'],
  ['POST /feedback/{}', 'Answered by feedback link'],
];
const kActionWords = new Map(kActions);
const kVerbs: Record<string, string> = { GET: 'Read', POST: 'Sent', PUT: 'Changed', DELETE: 'Deleted' };

export function actionText(action: string): string {
  const [method, path = ''] = action.split(' ', 2);
  const bare = path.split('?')[0].replace(/\/+$/, '');
  const exact = kActionWords.get(`${method} ${bare}`);
  if (exact) return exact;
  // A path with ids: each segment after a collection may be a parameter.
  const parts = bare.split('/');
  for (let mask = 1; mask < 1 << parts.length; mask++) {
    const shape = parts.map((p, i) => (mask & (1 << i) && i > 3 ? '{}' : p)).join('/');
    const hit = kActionWords.get(`${method} ${shape}`);
    if (hit) return hit;
  }
  if (bare.startsWith('/api/v1/reports/')) return `Read the ${label(bare.slice('/api/v1/reports/'.length))} report`;
  const last = parts.filter((p) => p && p !== 'api' && p !== 'v1').pop() ?? '';
  return `${kVerbs[method] ?? method} ${label(last)}`.trim();
}

// A record the audit log names, in words: "lead:42" -> "lead 42",
// "user:maria" -> "user maria", "token:3" -> "API token 3".
export function recordText(record: string): string {
  const colon = record.indexOf(':');
  if (colon < 0) return record;
  const kind = record.slice(0, colon);
  return `${kind === 'token' ? 'API token' : label(kind)} ${record.slice(colon + 1)}`;
}
