// The goals and leaderboards pages against the API: a goal set on the page
// waits for its approvals (the client side's, and a vendor's for a
// vendor-scoped goal, given in a second browser as that vendor), errors are
// named at their field, and the leaderboards show the API's rows.
import { Browser, Locator, Page } from '@playwright/test';
import { count, expect, scan, shoot, signIn, test } from './fixtures';

import { duration, scaleOf, share } from '../../web/src/format';
const statusText = (s: string) => s.replaceAll('_', ' ');

async function openGoals(page: Page, url: string, login: string) {
  await signIn(page, url, login);
  await page.goto(url + '/goals');
  await expect(page.getByRole('heading', { name: /Awaiting approval/ })).toBeVisible();
}

async function setGoal(page: Page, fields: { name: string; target: string; vendor?: string }) {
  const details = page.locator('details.goal-create');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await page.getByText('New goal').click();
  await page.getByLabel('Goal name').fill(fields.name);
  await page.getByLabel('Metric').selectOption('qualified_leads');
  await page.getByLabel('Target', { exact: true }).fill(fields.target);
  if (fields.vendor) await page.getByLabel('Vendor').selectOption(fields.vendor);
  await page.getByRole('button', { name: 'Set goal' }).click();
  await expect(page.getByRole('status')).toContainText(fields.name);
}

// The goal's card, found by its name, and the goal as the API has it.
async function card(page: Page, leadloop: any, name: string): Promise<{ li: Locator; goal: any }> {
  const goal = (await leadloop.get('/api/v1/goals')).goals.find((g: any) => g.name === name);
  expect(goal, `goal ${name} in GET /api/v1/goals`).toBeTruthy();
  return { li: page.locator(`li[data-goal="${goal.id}"]`), goal };
}

async function expectGoal(li: Locator, goal: any) {
  await expect(li.locator('h3')).toHaveText(goal.name);
  await expect(li.locator('.status')).toHaveText(statusText(goal.progress.status));
  await expect(li.locator('[data-figure="actual"] dd')).toHaveText(
    `${count(goal.progress.actual)} of ${count(goal.target)}`,
  );
}

test('a goal set by marketing waits for the client side, then counts once approved', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  await openGoals(page, leadloop.url, 'maria');
  const name = `Web goal ${Date.now()}`;
  await setGoal(page, { name, target: '40' });

  let { li, goal } = await card(page, leadloop, name);
  expect(goal.progress.status).toBe('awaiting_approval');
  await expect(page.locator('section[aria-labelledby="pending-h"]').locator(`li[data-goal="${goal.id}"]`)).toBeVisible();
  await expectGoal(li, goal);
  await expect(li.locator('[data-side="client"]')).toContainText('pending');
  await expect(li.locator('[data-side="vendor"]')).toHaveCount(0);
  await scan(page, testInfo, 'goals');

  await li.getByRole('button', { name: /Approve for the client side/ }).click();
  await expect(page.locator('section[aria-labelledby="active-h"]').locator(`li[data-goal="${goal.id}"]`)).toBeVisible();
  ({ li, goal } = await card(page, leadloop, name));
  expect(goal.active).toBe(true);
  expect(goal.approvals.client.by).toBe('user:maria');
  await expectGoal(li, goal);
  await expect(li.locator('[data-side="client"]')).toContainText('approved by maria');
  await expect(li.getByRole('button')).toHaveCount(0);
  await shoot(page, testInfo, 'goals');
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.getByText('New goal').click();
  await scan(page, testInfo, 'goals-375');
  await shoot(page, testInfo, 'goals-375');
});

async function vendorPage(browser: Browser, url: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openGoals(page, url, 'vendor');
  return { context, page };
}

test('a vendor-scoped goal needs the vendor\'s approval too, given by the vendor in its own browser', async ({
  guarded: page,
  browser,
  leadloop,
}, testInfo) => {
  // The demo's vendor user works for the telemarketing vendor.
  const kVendor = 'CallPro Inc';
  const vendorKey = (await leadloop.get('/api/v1/campaigns')).campaigns.find((c: any) => c.vendor === kVendor && c.channel === 'telemarketing')?.vendor;
  expect(vendorKey).toBe(kVendor);
  await openGoals(page, leadloop.url, 'maria');
  const name = `CallPro goal ${Date.now()}`;
  await setGoal(page, { name, target: '12', vendor: kVendor });
  let { li, goal } = await card(page, leadloop, name);
  await expect(li.locator('[data-side="vendor"]')).toContainText('pending');
  // Marketing speaks for the client side only.
  await expect(li.getByRole('button', { name: `Approve for ${kVendor}` })).toHaveCount(0);
  await li.getByRole('button', { name: /Approve for the client side/ }).click();
  await expect(li.locator('[data-side="client"]')).toContainText('approved by maria');
  ({ goal } = await card(page, leadloop, name));
  expect(goal.active).toBe(false);
  await expect(li.locator('.status')).toHaveText('awaiting approval');

  const vendor = await vendorPage(browser, leadloop.url);
  const vli = vendor.page.locator(`li[data-goal="${goal.id}"]`);
  await expect(vli.locator('[data-side="vendor"]')).toContainText('pending');
  await expect(vli.getByRole('button', { name: /client side/ })).toHaveCount(0);
  await scan(vendor.page, testInfo, 'goals-vendor');
  await vli.getByRole('button', { name: `Approve for ${kVendor}` }).click();
  await expect(vendor.page.locator('section[aria-labelledby="active-h"]').locator(`li[data-goal="${goal.id}"]`)).toBeVisible();
  await expect(vli.locator('[data-side="vendor"]')).toContainText('approved by vendor');
  // The vendor's form is fixed to its own vendor.
  await vendor.page.getByText('New goal').click();
  await expect(vendor.page.getByLabel('Vendor')).toHaveValue(kVendor);
  await shoot(vendor.page, testInfo, 'goals-vendor');
  await vendor.context.close();

  ({ goal } = await card(page, leadloop, name));
  expect(goal.active).toBe(true);
  await page.reload();
  ({ li } = await card(page, leadloop, name));
  await expectGoal(li, goal);
  await expect(page.locator('section[aria-labelledby="active-h"]').locator(`li[data-goal="${goal.id}"]`)).toBeVisible();
});

test('a goal the server refuses is named at its field, and a viewer gets no form', async ({
  guarded: page,
  browser,
  leadloop,
}, testInfo) => {
  await openGoals(page, leadloop.url, 'maria');
  await page.getByText('New goal').click();
  await page.getByLabel('Goal name').fill(`Bad goal ${Date.now()}`);
  await page.getByLabel('Target', { exact: true }).fill('-5');
  await page.getByRole('button', { name: 'Set goal' }).click();
  await expect(page.locator('#ng-target-error')).toBeVisible();
  await expect(page.getByLabel('Target', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await scan(page, testInfo, 'goals-error');

  await page.getByLabel('Target', { exact: true }).fill('5');
  await page.getByLabel('Ends before').fill('2020-01-01');
  await page.getByRole('button', { name: 'Set goal' }).click();
  await expect(page.locator('[id^="ng-"][id$="-error"]')).toBeVisible();

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await openGoals(viewer, leadloop.url, 'viewer');
  await expect(viewer.getByRole('heading', { name: /Goals that count/ })).toBeVisible();
  await expect(viewer.locator('li[data-goal]').first()).toBeVisible();
  await expect(viewer.getByText('New goal')).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: /Approve/ })).toHaveCount(0);
  await context.close();
});

async function expectSourceBoard(page: Page, id: string, board: any) {
  const rows = page.locator(`[data-board="${id}"] tbody tr`);
  await expect(rows).toHaveCount(board.rows.length);
  for (const [i, r] of board.rows.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-row', r.campaign ?? r.vendor);
    await expect(row.locator('.rank')).toHaveText(String(r.rank));
    await expect(row.locator('[data-col="accepted"]')).toHaveText(count(r.accepted));
    await expect(row.locator('[data-col="leads"]')).toHaveText(count(r.leads));
    await expect(row.locator('[data-col="qualified"]')).toHaveText(count(r.qualified));
    await expect(row.locator('[data-col="accepted_share"]')).toHaveText(share(r.accepted_share));
    await expect(row.locator('[data-col="won"]')).toHaveText(count(r.won));
  }
}

async function expectRepBoard(page: Page, board: any) {
  const rows = page.locator('[data-board="reps"] tbody tr');
  await expect(rows).toHaveCount(board.rows.length);
  // One duration scale for the table.
  const scale = scaleOf(board.rows.flatMap((r: any) => [r.response.median_hours, r.response.p90_hours]));
  for (const [i, r] of board.rows.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-row', r.rep);
    await expect(row.locator('.rank')).toHaveText(String(r.rank));
    await expect(row.locator('[data-col="conversion"]')).toHaveText(share(r.conversion));
    await expect(row.locator('[data-col="median"]')).toHaveText(duration(r.response.median_hours, scale));
    await expect(row.locator('[data-col="accepted"]')).toHaveText(count(r.accepted));
    await expect(row.locator('[data-col="assigned"]')).toHaveText(count(r.assigned));
  }
}

async function expectCallerBoard(page: Page, board: any) {
  const rows = page.locator('[data-board="callers"] tbody tr');
  await expect(rows).toHaveCount(board.rows.length);
  for (const [i, r] of board.rows.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-row', (r.vendor ?? '') + '/' + r.caller);
    await expect(row.locator('.rank')).toHaveText(String(r.rank));
    await expect(row.locator('th')).toContainText(r.caller);
    await expect(row.locator('[data-col="accepted"]')).toHaveText(count(r.accepted));
    await expect(row.locator('[data-col="leads"]')).toHaveText(count(r.leads));
    await expect(row.locator('[data-col="accepted_share"]')).toHaveText(share(r.accepted_share));
    await expect(row.locator('[data-col="won"]')).toHaveText(count(r.won));
  }
}

test('the leaderboards show GET /api/v1/reports/leaderboard for each board, rank and period', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  await signIn(page, leadloop.url);
  await page.goto(leadloop.url + '/leaderboards');
  await expectSourceBoard(page, 'vendors', await leadloop.get('/api/v1/reports/leaderboard?of=vendors'));
  await expectSourceBoard(page, 'campaigns', await leadloop.get('/api/v1/reports/leaderboard?of=campaigns'));
  const repBoard = await leadloop.get('/api/v1/reports/leaderboard?of=reps');
  await expectRepBoard(page, repBoard);
  // The telemarketing vendors' callers (the demo names them).
  const callerBoard = await leadloop.get('/api/v1/reports/leaderboard?of=callers');
  expect(callerBoard.rows.length).toBeGreaterThan(0);
  await expectCallerBoard(page, callerBoard);
  // The sales side reads the reps' names (GET /api/v1/reps).
  const people = (await leadloop.get('/api/v1/reps')).reps;
  const first = people.find((p: any) => p.key === repBoard.rows[0].rep);
  await expect(page.locator(`[data-board="reps"] tr[data-row="${first.key}"] th`)).toContainText(first.name);
  await scan(page, testInfo, 'leaderboards');
  await shoot(page, testInfo, 'leaderboards');

  for (const rank of ['speed', 'accepted']) {
    await page.getByLabel('Rank reps by').selectOption(rank);
    await expect(page).toHaveURL(new RegExp(`rank=${rank}`));
    await expectRepBoard(page, await leadloop.get(`/api/v1/reports/leaderboard?of=reps&rank=${rank}`));
  }

  await page.getByLabel('Capture period').selectOption('custom');
  await page.getByLabel('From').fill('2026-04-01');
  await page.getByLabel('To (exclusive)').fill('2026-07-01');
  const range = 'from=2026-04-01&to=2026-07-01';
  await expectSourceBoard(page, 'vendors', await leadloop.get(`/api/v1/reports/leaderboard?of=vendors&${range}`));
  await expectSourceBoard(page, 'campaigns', await leadloop.get(`/api/v1/reports/leaderboard?of=campaigns&${range}`));
  await expectRepBoard(page, await leadloop.get(`/api/v1/reports/leaderboard?of=reps&rank=accepted&${range}`));
  await expectCallerBoard(page, await leadloop.get(`/api/v1/reports/leaderboard?of=callers&${range}`));
  await page.reload();
  await expect(page.getByLabel('Rank reps by')).toHaveValue('accepted');
  await expect(page.getByLabel('From')).toHaveValue('2026-04-01');

  await page.setViewportSize({ width: 375, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await scan(page, testInfo, 'leaderboards-375');
  await shoot(page, testInfo, 'leaderboards-375');
});
