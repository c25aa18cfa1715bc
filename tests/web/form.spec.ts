// One form on every page (docs/web.md): the helpers of web/src/format.ts as
// a table of cases (no browser), then the pages as the admin sees them:
// money with its currency sign, and no API word ("/api/v1", "user:",
// "token:", a request's milliseconds) in the text of any main page.
import { expect, shoot, signIn, test } from './fixtures';
import {
  actionText,
  amount,
  count,
  date,
  delta,
  duration,
  hours,
  money,
  moneyCents,
  nextStart,
  person,
  recordText,
  scaleOf,
  share,
  utc,
} from '../../web/src/format';

const kCases: [string, () => string, string][] = [
  ['money has its sign', () => money(12000), '$12,000'],
  ['money in a campaign currency', () => money(1500.5, 'EUR'), '€1,501'],
  ['money of cents', () => moneyCents(2200000), '$22,000'],
  ['no money', () => money(null), '–'],
  ['a tiny share', () => share(0.0004), '<0.1%'],
  ['a share', () => share(0.1234), '12.3%'],
  ['no share at all', () => share(0), '0%'],
  ['a count is whole', () => count(85.8), '86'],
  ['a goal count is whole', () => amount(85.8, 'count'), '86'],
  ['a goal in money', () => amount(1234.4, 'currency'), '$1,234'],
  ['a goal in minutes', () => amount(12.6, 'minutes'), '13 min'],
  ['durations in one scale', () => [29, 72].map((h) => duration(h, scaleOf([29, 72]))).join(' / '), '1.2 days / 3 days'],
  ['a short duration in a long scale', () => duration(0.5, 'days'), '<0.1 days'],
  ['one duration alone', () => hours(0.5), '30 min'],
  ['one day', () => duration(24, 'days'), '1 day'],
  ['a gain', () => delta(3), '+3'],
  ['a loss', () => delta(-2), '−2'],
  ['no change', () => delta(0), '±0'],
  ['a date', () => date('2026-03-16T10:30:00.000Z'), '2026-03-16'],
  ['a time', () => utc('2026-03-16T10:30:12.000Z'), '2026-03-16 10:30 UTC'],
  ['the week before', () => nextStart('2026-03-02', 'week', -1), '2026-02-23'],
  ['the month after', () => nextStart('2026-12-01', 'month'), '2027-01-01'],
  ['a user', () => person('user:maria'), 'maria'],
  ['a token', () => person('token:7:ci'), 'API token 7 (ci)'],
  ['a rep', () => person('rep:rep-na-1'), 'rep-na-1'],
  ['an action', () => actionText('POST /api/v1/users'), 'Added a user'],
  ['an action on a record', () => actionText('PUT /api/v1/users/maria'), 'Changed a user'],
  ['a read of a report', () => actionText('GET /api/v1/reports/funnel'), 'Read the funnel report'],
  ['an action the table misses', () => actionText('DELETE /api/v1/widgets/3'), 'Deleted 3'],
  ['a record', () => recordText('user:maria'), 'user maria'],
  ['a token record', () => recordText('token:3'), 'API token 3'],
];

test('format.ts: each case reads as people write it', () => {
  expect(kCases.map(([name, f]) => [name, f()])).toEqual(kCases.map(([name, , want]) => [name, want]));
});

// What a page must show before its text is judged, and how to find it.
const kPages: { path: string; ready: string }[] = [
  { path: '/overview', ready: 'section.over-time tr[data-group]' },
  { path: '/campaigns', ready: 'table.campaign-table tbody tr' },
  { path: '/leads', ready: 'table.lead-table tbody tr' },
  { path: '/definitions', ready: '.active-definition .definition-name' },
  { path: '/accuracy', ready: 'table.outcomes tbody tr' },
  { path: '/goals', ready: 'li.goal-card' },
  { path: '/leaderboards', ready: 'section.reps-board table tbody tr' },
  { path: '/admin?tab=users', ready: 'table tbody tr' },
  { path: '/admin?tab=tokens', ready: 'table tbody tr' },
  { path: '/admin?tab=audit', ready: 'table.audit tbody tr' },
  { path: '/desk', ready: 'ul.desk-totals li' },
];

const kApiWords = /\/api\/v1|\buser:|\btoken:\d|\brep:|\bread in \d+ ms/;

test('no main page shows API words; a campaign and a lead too', async ({ guarded: page, leadloop }) => {
  test.setTimeout(90_000);
  await signIn(page, leadloop.url);
  const campaign = (await leadloop.get('/api/v1/campaigns')).campaigns[0].key;
  const won = (await leadloop.get('/api/v1/leads?stage=won&limit=1')).leads[0].id;
  const pages = [
    ...kPages,
    { path: `/campaigns/${encodeURIComponent(campaign)}`, ready: '.feedback-figures' },
    { path: `/leads/${won}`, ready: 'ol.timeline li' },
  ];
  for (const p of pages) {
    await page.goto(leadloop.url + p.path);
    await expect(page.locator(p.ready).first(), p.path).toBeVisible({ timeout: 10_000 });
    await expect(page.locator('main .loading'), `${p.path} still loading`).toHaveCount(0, { timeout: 10_000 });
    await expect(page.locator('main'), p.path).not.toContainText(kApiWords);
  }
});

test('the rep\'s home shows no API words', async ({ guarded: page, leadloop }) => {
  await signIn(page, leadloop.url, 'rep');
  await page.goto(leadloop.url + '/my-leads');
  await expect(page.locator('table.home-figures')).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('main .loading')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.locator('main')).not.toContainText(kApiWords);
});

test('money shows its currency sign on the campaigns, a campaign and a won lead', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  await signIn(page, leadloop.url);
  const report = await leadloop.get('/api/v1/reports/campaigns');
  const row = report.campaigns.find((c: any) => c.cost > 0);
  await page.goto(leadloop.url + '/campaigns');
  const tr = page.locator(`tr[data-campaign="${row.campaign}"]`);
  await expect(tr.locator('[data-col="cost"]')).toHaveText(money(row.cost, row.currency));
  await expect(tr.locator('[data-col="cost"]')).toHaveText(/^[$€£]|^[A-Z]{3}/);
  await expect(page.locator('figure.bar-chart')).toHaveCount(2);
  await shoot(page, testInfo, 'campaigns-charts');

  await page.goto(`${leadloop.url}/campaigns/${encodeURIComponent(row.campaign)}`);
  await expect(page.locator('.campaign-facts')).toContainText(money(row.cost, row.currency));

  // A won lead's timeline names its revenue (the event's cents) as money.
  const won = (await leadloop.get('/api/v1/leads?stage=won&limit=1')).leads[0];
  const events = (await leadloop.get(`/api/v1/leads/${won.id}/timeline`)).events;
  const win = events.find((e: any) => e.type === 'stage_changed' && e.payload.to === 'won');
  await page.goto(`${leadloop.url}/leads/${won.id}`);
  await expect(page.locator(`ol.timeline`)).toContainText(`revenue ${moneyCents(win.payload.revenue_cents)}`);
  await shoot(page, testInfo, 'lead-won');
});
