// The vendor view of the leads: a vendor user's list holds only the leads of
// its own vendor's campaigns (as the admin API lists them), and another
// vendor's lead is not found — by link, with none of its data on the page,
// and by search.
import { expect, Leadloop, signIn, test } from './fixtures';
import type { Page } from '@playwright/test';

const shownIds = (page: Page) =>
  page.locator('.lead-table tbody tr[data-lead]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-lead'))));

// The first `n` leads (by id) of these campaigns, read as the admin.
async function firstLeadsOf(leadloop: Leadloop, campaigns: Set<string>, n: number) {
  const out: any[] = [];
  let cursor = '';
  for (;;) {
    const page = await leadloop.get(`/api/v1/leads?limit=1000${cursor ? '&cursor=' + cursor : ''}`);
    out.push(...page.leads.filter((l: any) => campaigns.has(l.source_campaign)));
    if (out.length >= n || !page.next_cursor) return out.slice(0, n);
    cursor = page.next_cursor;
  }
}

test("a vendor user lists only its own campaigns' leads and cannot reach another vendor's lead", async ({
  guarded: page,
  leadloop,
}) => {
  const users = await leadloop.get('/api/v1/users');
  const vendor = users.users.find((u: any) => u.login === 'vendor').vendor;
  const campaigns = (await leadloop.get('/api/v1/campaigns')).campaigns;
  const own = new Set<string>(campaigns.filter((c: any) => c.vendor === vendor).map((c: any) => c.key));
  const other = campaigns.find((c: any) => c.vendor && c.vendor !== vendor);
  expect(own.size).toBeGreaterThan(0);
  expect(other).toBeTruthy();
  const theirs = (await leadloop.get(`/api/v1/leads?campaign=${other.key}&limit=1`)).leads[0];
  expect(theirs).toBeTruthy();

  await signIn(page, leadloop.url, 'vendor');
  await page.goto(leadloop.url + '/leads');
  const expected = await firstLeadsOf(leadloop, own, 50);
  expect(expected.length).toBeGreaterThan(0);
  await expect.poll(() => shownIds(page)).toEqual(expected.map((l) => l.id));
  for (const cell of await page.locator('.lead-table tbody tr td:nth-child(3)').allTextContents()) {
    expect(own.has(cell)).toBe(true);
  }
  // The campaign filter offers only the vendor's campaigns.
  const offered = await page.getByLabel('Campaign').locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
  expect(offered.filter((v) => v !== '').sort()).toEqual([...own].sort());

  // By link: not found, and nothing of the lead on the page.
  await page.goto(`${leadloop.url}/leads/${theirs.id}`);
  await expect(page.getByRole('heading', { name: 'Lead not found' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(`no lead with id ${theirs.id}`);
  const text = await page.locator('body').innerText();
  for (const value of [theirs.email, theirs.phone, theirs.company, theirs.last_name, other.key]) {
    if (value) expect(text).not.toContain(value);
  }

  // By search: the list finds nothing, nor does the API for the vendor.
  await page.goto(leadloop.url + '/leads');
  await page.getByLabel('Search').fill(theirs.email);
  await page.getByLabel('Search').press('Enter');
  await expect(page.getByText('No leads match these filters.')).toBeVisible();
  const api = await (await page.request.get(`${leadloop.url}/api/v1/leads?q=${encodeURIComponent(theirs.email)}`)).json();
  expect(api.leads).toEqual([]);
  expect(await page.locator('body').innerText()).not.toContain(theirs.company);
});

test("a vendor user's leaderboards rank only its own callers", async ({ guarded: page, leadloop }) => {
  const users = await leadloop.get('/api/v1/users');
  const vendor = users.users.find((u: any) => u.login === 'vendor').vendor;
  const all = await leadloop.get('/api/v1/reports/leaderboard?of=callers');
  // The admin's board, narrowed to the vendor (the server scopes the
  // vendor's own request; tests/integration/history_api_test.cc has two
  // vendors' callers side by side).
  const own = all.rows.filter((r: any) => r.vendor === vendor);

  await signIn(page, leadloop.url, 'vendor');
  await page.goto(leadloop.url + '/leaderboards');
  const board = page.locator('[data-board="callers"]');
  await expect(board).toBeVisible();
  const rows = board.locator('tbody tr');
  await expect(rows).toHaveCount(own.length);
  for (const [i, r] of own.entries()) {
    await expect(rows.nth(i).locator('th')).toContainText(r.caller);
    await expect(rows.nth(i).locator('.cell-sub')).toHaveText(vendor);
  }
  if (own.length === 0) await expect(board).toContainText('No lead in this period names its caller.');
});
