// The lead list and a lead's page against the API: search, filters and
// cursor pages give the API's rows; a rep rejects a lead and the overview's
// leak table counts it; a touch and an accept land in the timeline; markup
// in a lead's name shows as text; axe and screenshots of both pages.
import { expect, count, Leadloop, scan, shoot, signIn, test } from './fixtures';
import type { Page } from '@playwright/test';

const kXss = '<img src=x onerror=alert(1)>';

// A fresh lead of this test (unqualified: it waits in the queue, nobody's).
async function newLead(leadloop: Leadloop, name: string, extra: Record<string, unknown> = {}) {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const r = await leadloop.post('/api/v1/leads', {
    email: `${name.toLowerCase().replace(/[^a-z]/g, '')}.${stamp}@leads-test.example`,
    first_name: name,
    last_name: `Test${stamp}`,
    company: `${name} Test Co`,
    country: 'JP',
    region: 'APAC',
    employees: 5,
    source_campaign: 'webinar-roi-2026',
    ...extra,
  });
  return r.lead;
}

// The ids of the rows the list shows.
const shownIds = (page: Page) =>
  page.locator('.lead-table tbody tr[data-lead]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-lead'))));
const ids = (p: { leads: { id: number }[] }) => p.leads.map((l) => l.id);

async function expectRows(page: Page, want: number[]) {
  await expect(page.locator('.lead-table')).not.toHaveAttribute('aria-busy', 'true');
  await expect.poll(() => shownIds(page)).toEqual(want);
}

test('search and filters give the API rows; Next and Previous give its pages', async ({ guarded: page, leadloop }, testInfo) => {
  await signIn(page, leadloop.url);
  await page.goto(leadloop.url + '/leads');
  await expect(page.getByRole('heading', { name: 'Leads', exact: true })).toBeVisible();

  const first = await leadloop.get('/api/v1/leads?limit=50');
  await expectRows(page, ids(first));
  await scan(page, testInfo, 'leads');
  await shoot(page, testInfo, 'leads');

  // Pages: Next follows the API's cursor, Previous goes back by the ones seen.
  const second = await leadloop.get(`/api/v1/leads?limit=50&cursor=${first.next_cursor}`);
  const third = await leadloop.get(`/api/v1/leads?limit=50&cursor=${second.next_cursor}`);
  await page.getByRole('button', { name: 'Next' }).click();
  await expectRows(page, ids(second));
  await page.getByRole('button', { name: 'Next' }).click();
  await expectRows(page, ids(third));
  await expect(page).toHaveURL(new RegExp(`cursor=${second.next_cursor}`));
  await page.reload(); // the page and the pages before it survive a reload
  await expectRows(page, ids(third));
  await page.getByRole('button', { name: 'Previous' }).click();
  await expectRows(page, ids(second));
  await page.getByRole('button', { name: 'Previous' }).click();
  await expectRows(page, ids(first));
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();

  // A search, then a filter on top of it.
  const term = first.leads[3].company.split(' ')[0].toLowerCase();
  await page.getByLabel('Search').fill(term);
  await page.getByLabel('Search').press('Enter');
  const searched = await leadloop.get(`/api/v1/leads?limit=50&q=${encodeURIComponent(term)}`);
  expect(searched.leads.length).toBeGreaterThan(0);
  await expectRows(page, ids(searched));
  await page.getByLabel('Stage').selectOption('recycled');
  await page.getByLabel('Region').selectOption('APAC');
  await expect(page).toHaveURL(/stage=recycled/);
  const filtered = await leadloop.get(`/api/v1/leads?limit=50&q=${encodeURIComponent(term)}&stage=recycled&region=APAC`);
  await expectRows(page, ids(filtered));
  for (const l of filtered.leads) {
    await expect(page.locator(`tr[data-lead="${l.id}"] th a`)).toHaveAttribute('href', `/leads/${l.id}`);
  }
  await page.reload(); // the filters live in the URL
  await expect(page.getByLabel('Search')).toHaveValue(term);
  await expect(page.getByLabel('Stage')).toHaveValue('recycled');
  await expectRows(page, ids(filtered));

  // A created period and a grade, and nothing found says so.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Grade').selectOption('hot');
  await page.getByLabel('Created from').fill('2026-03-01');
  await page.getByLabel('Created before').fill('2026-06-01');
  await page.getByRole('button', { name: 'Search' }).click();
  const period = await leadloop.get('/api/v1/leads?limit=50&grade=hot&created_from=2026-03-01&created_to=2026-06-01');
  await expectRows(page, ids(period));
  await page.getByLabel('Search').fill('no-such-lead-anywhere');
  await page.getByLabel('Search').press('Enter');
  await expect(page.getByText('No leads match these filters.')).toBeVisible();

  // A phone: the table scrolls in its panel, the page does not.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expectRows(page, ids(first));
  await page.setViewportSize({ width: 375, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(wide).toBeLessThanOrEqual(0);
  await shoot(page, testInfo, 'leads-375');
});

test('a sales rep rejects their own lead on its page and the overview leak table counts it', async ({
  guarded: page,
  leadloop,
}) => {
  const lead = await newLead(leadloop, 'Rejected');
  await leadloop.post(`/api/v1/leads/${lead.id}/assignment`, { rep: 'rep-apac-1' });
  await signIn(page, leadloop.url, 'rep');

  // The rep's own leak report (their scope), as the overview reads it.
  const leaks = async () => (await page.request.get(leadloop.url + '/api/v1/reports/leaks')).json();
  const exits = (r: any) =>
    r.leaks.find((l: any) => l.stage === 'assigned' && l.reason === 'rejected:not_decision_maker')?.count ?? 0;
  const row = page
    .getByRole('region', { name: 'Leaks table' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: 'Assigned', exact: true }) })
    .filter({ has: page.getByRole('cell', { name: 'rejected: not decision maker', exact: true }) });
  const before = exits(await leaks());
  await expect(page.getByRole('region', { name: 'Leaks table' })).toBeVisible();
  if (before === 0) await expect(row).toHaveCount(0);
  else await expect(row.locator('td.num').first()).toHaveText(count(before));

  await page.goto(`${leadloop.url}/leads/${lead.id}`);
  await expect(page.getByRole('heading', { name: `Rejected ${lead.last_name}` })).toBeVisible();
  await expect(page.locator('.badge.stage')).toHaveText('Stage: assigned');
  await page.getByLabel('Note (goes with any move below)').fill('Spoke to an assistant; the CFO decides.');
  await page.getByLabel('Reject reason').selectOption('not_decision_maker');
  await page.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Rejected: Not the person who decides.' })).toBeVisible();
  await expect(page.locator('.badge.stage')).toHaveText('Stage: rejected');
  expect((await leadloop.get(`/api/v1/leads/${lead.id}`)).stage).toBe('rejected');
  // The answer is in the feedback thread, with its note, by the rep.
  const thread = page.locator('.thread li').first();
  await expect(thread.locator('.event-actor')).toHaveText('rep');
  await expect(thread.locator('.event-actor')).toHaveAttribute('title', 'user:rep');
  await expect(thread).toContainText('reason: not decision maker');
  await expect(thread).toContainText('Spoke to an assistant; the CFO decides.');

  const after = exits(await leaks());
  expect(after).toBe(before + 1);
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(row.locator('td.num').first()).toHaveText(count(after));
});

test('a touch logged on the page is in the timeline; accept moves the lead; the score adds up', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  const lead = await newLead(leadloop, 'Accepted', { title: 'VP Sales', attributes: { budget: 'confirmed' } });
  await leadloop.post(`/api/v1/leads/${lead.id}/assignment`, { rep: 'rep-apac-3' });
  // The same person again with another title (a conflict), and a consent wish with a note.
  await leadloop.post('/api/v1/leads', { email: lead.email, title: 'CFO', source_campaign: 'event-saas-summit' });
  await leadloop.post(`/api/v1/leads/${lead.id}/consent`, { email: 'denied', source: 'phone call', note: 'No mail, please.' });
  await signIn(page, leadloop.url);
  await page.goto(`${leadloop.url}/leads/${lead.id}`);
  await expect(page.locator('.badge.stage')).toHaveText('Stage: assigned');

  // The grade's score is the sum of its listed reasons.
  const now = await leadloop.get(`/api/v1/leads/${lead.id}`);
  const reasons = now.grading.score_reasons;
  expect(reasons.length).toBeGreaterThan(0);
  await expect(page.locator('.score-table tbody tr')).toHaveCount(reasons.length);
  await expect(page.locator('.score-total')).toHaveText(String(now.score));
  expect(reasons.reduce((s: number, r: any) => s + r.points, 0)).toBe(now.score);
  await expect(page.getByRole('list', { name: 'Grade reasons' }).getByRole('listitem')).toHaveCount(now.grading.reasons.length);
  await expect(page.locator('.timeline > li[data-type="recaptured"]')).toContainText('title: kept “VP Sales”, offered “CFO”');
  await expect(page.locator('.timeline > li[data-type="consent_changed"]')).toContainText(
    'Consent changed: email unknown → denied (source: phone call)',
  );
  await expect(page.locator('.thread')).toContainText('No mail, please.');
  await expect(page.locator('.consent-denied')).toHaveText('denied');

  await page.getByLabel('Channel').selectOption('call');
  await page.getByLabel('Outcome').fill('connected');
  await page.getByLabel('Note', { exact: true }).fill('Asked for a demo next week. <b>not bold</b>');
  await page.getByRole('button', { name: 'Log the touch' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Touch logged' })).toBeVisible();
  const timeline = await leadloop.get(`/api/v1/leads/${lead.id}/timeline`);
  await expect(page.locator('.timeline > li')).toHaveCount(timeline.events.length);
  const touched = page.locator('.timeline > li[data-type="touched"]').last();
  await expect(touched).toContainText('Outbound call: connected');
  await expect(touched).toContainText('Asked for a demo next week. <b>not bold</b>');
  await expect(page.locator('.timeline > li[data-type="touched"]')).toHaveCount(
    timeline.events.filter((e: any) => e.type === 'touched').length,
  );

  // Accepted by the admin for the rep: both show.
  await page.getByLabel('On behalf of').fill('rep-apac-3');
  await page.getByRole('button', { name: 'Accept', exact: true }).click();
  await expect(page.locator('.badge.stage')).toHaveText('Stage: accepted');
  expect((await leadloop.get(`/api/v1/leads/${lead.id}`)).stage).toBe('accepted');
  await expect(page.locator('.timeline > li').last()).toContainText('Stage assigned → accepted');
  await expect(page.locator('.thread li').first()).toContainText('assigned → accepted');
  await expect(page.locator('.thread li').first()).toContainText('admin for rep-apac-3');
  await scan(page, testInfo, 'lead');
  await shoot(page, testInfo, 'lead');

  // A phone: one column, no sideways scroll.
  await page.setViewportSize({ width: 375, height: 800 });
  await expect(page.getByRole('heading', { name: `Accepted ${lead.last_name}` })).toBeVisible();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(wide).toBeLessThanOrEqual(0);
  await scan(page, testInfo, 'lead-375');
  await shoot(page, testInfo, 'lead-375');

  // A lead that does not exist: the API's message, not a broken page.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${leadloop.url}/leads/99999999`);
  await expect(page.getByRole('heading', { name: 'Lead not found' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('no lead with id 99999999');
});

test('a lead named with markup shows it as text on the list and on its page', async ({ guarded: page, leadloop }) => {
  const lead = await newLead(leadloop, 'Xss', { first_name: kXss, last_name: kXss, company: kXss });
  await signIn(page, leadloop.url);
  await page.goto(`${leadloop.url}/leads?q=${encodeURIComponent(lead.email)}`);
  const link = page.locator(`tr[data-lead="${lead.id}"] th a`);
  await expect(link).toHaveText(`${kXss} ${kXss}`);
  await expect(page.locator(`tr[data-lead="${lead.id}"] .cell-sub`)).toHaveText(kXss);
  await expect(page.locator('main img')).toHaveCount(0);
  await link.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${kXss} ${kXss}`);
  await expect(page.locator('.lead-head .sub')).toHaveText(kXss);
  await expect(page.locator('.timeline > li[data-type="captured"]')).toContainText(kXss);
  await expect(page.locator('main img')).toHaveCount(0);
});
