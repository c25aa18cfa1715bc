// The lead desk against the API: the queue, the leads past their follow-up
// SLA and the stalled leads as the API lists them; bulk assignment moves
// leads out of the queue and onto a rep (whose open count follows), and a
// refusal shows its reason; a reassignment asks for a reason; sorting.
import { expect, count, Leadloop, scan, shoot, signIn, test } from './fixtures';
import type { Page } from '@playwright/test';

async function deskCampaign(leadloop: Leadloop) {
  const key = `desk-${Date.now()}`;
  await leadloop.post('/api/v1/campaigns', { key, name: `Desk test ${key}`, channel: 'web' });
  const lead = async (name: string, region: string) =>
    (
      await leadloop.post('/api/v1/leads', {
        email: `${name.toLowerCase()}.${key}@desk-test.example`,
        first_name: name,
        last_name: key,
        company: `${name} Desk Co`,
        country: 'JP',
        region,
        employees: 5, // unqualified: waits in the queue
        source_campaign: key,
      })
    ).lead;
  return { key, a: await lead('Alba', 'APAC'), b: await lead('Bruno', 'APAC'), c: await lead('Cyra', 'Atlantis') };
}

const rowIds = (page: Page, table: string) =>
  page
    .getByRole('region', { name: `${table} table` })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.flatMap((r) => {
        const href = r.querySelector('a')?.getAttribute('href') ?? '';
        const m = href.match(/^\/leads\/(\d+)$/);
        return m ? [Number(m[1])] : [];
      }),
    );

test('bulk assign moves queued leads to a rep; a refusal shows its reason; lists match the API', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  const { key, a, b, c } = await deskCampaign(leadloop);
  await signIn(page, leadloop.url);
  await page.goto(`${leadloop.url}/desk?campaign=${key}`);
  await expect(page.getByRole('heading', { name: 'Lead desk' })).toBeVisible();

  const queue = await leadloop.get(`/api/v1/queue?campaign=${key}&limit=100`);
  expect(queue.leads.map((l: any) => l.id)).toEqual([a.id, b.id, c.id]);
  await expect.poll(() => rowIds(page, 'Waiting for an owner')).toEqual([a.id, b.id, c.id]);
  const overdue = await leadloop.get(`/api/v1/leads?follow_up=overdue&campaign=${key}&limit=100`);
  await expect.poll(() => rowIds(page, 'Past their follow-up SLA')).toEqual(overdue.leads.map((l: any) => l.id));

  // Two leads to a rep.
  await page.getByLabel(`Select lead ${a.id}: Alba ${key}`).check();
  await page.getByLabel(`Select lead ${b.id}: Bruno ${key}`).check();
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.getByLabel('Assign to').selectOption('rep-apac-2');
  await page.getByRole('button', { name: 'Assign 2 leads' }).click();
  const results = page.getByRole('list', { name: 'Assignment results' });
  await expect(results.getByRole('listitem')).toHaveCount(2);
  await expect(results.getByRole('listitem').filter({ hasText: `Alba ${key}` })).toContainText('assigned to rep-apac-2');
  await expect(results.getByRole('listitem').filter({ hasText: `Bruno ${key}` })).toContainText('assigned to rep-apac-2');

  // Out of the queue, on the rep: the page says what the API says.
  const left = await leadloop.get(`/api/v1/queue?campaign=${key}&limit=100`);
  expect(left.leads.map((l: any) => l.id)).toEqual([c.id]);
  await expect.poll(() => rowIds(page, 'Waiting for an owner')).toEqual([c.id]);
  for (const l of [a, b]) expect((await leadloop.get(`/api/v1/leads/${l.id}`)).owner).toBe('rep-apac-2');
  const reps = await leadloop.get('/api/v1/reps');
  const rep = reps.reps.find((r: any) => r.key === 'rep-apac-2');
  await expect(page.locator('tr[data-rep="rep-apac-2"] td.num').first()).toHaveText(count(rep.open_leads));
  await expect(page.getByLabel('Assign to').locator('option[value="rep-apac-2"]')).toContainText(
    `${rep.open_leads}/${rep.capacity} open`,
  );

  // The routing rules find nobody for Atlantis: refused, with the reason.
  await page.getByLabel(`Select lead ${c.id}: Cyra ${key}`).check();
  await page.getByLabel('Assign to').selectOption('');
  await page.getByRole('button', { name: 'Assign 1 lead' }).click();
  await expect(results.getByRole('listitem')).toHaveCount(1);
  const refusal = await leadloop.post('/api/v1/assignments', { leads: [c.id] });
  expect(refusal.refused).toBe(1);
  await expect(results.getByRole('listitem')).toContainText(`refused: ${refusal.results[0].error.message}`);
  await expect(page.getByRole('status').filter({ hasText: '0 assigned, 1 refused.' })).toBeVisible();
  await expect.poll(() => rowIds(page, 'Waiting for an owner')).toEqual([c.id]);
  await scan(page, testInfo, 'desk');
  await shoot(page, testInfo, 'desk');
});

test('the stalled list is the API report, sorts by its columns, and a reassignment asks for a reason', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  await signIn(page, leadloop.url);
  await page.goto(`${leadloop.url}/desk?days=7`);
  const report = await leadloop.get('/api/v1/reports/stalled?days=7&limit=100');
  expect(report.leads.length).toBeGreaterThan(0);
  const stalled = page.getByRole('region', { name: 'Stalled table' });
  await expect.poll(() => rowIds(page, 'Stalled')).toEqual(report.leads.map((l: any) => l.id));

  // Sorted by owner (a click), then the other way (a second click).
  // The column shows 'nobody' for no owner, which sorts as the empty name.
  const owners = async () =>
    (await stalled.locator('tbody tr td:nth-child(5)').allTextContents()).map((t) => (t === 'nobody' ? '' : t));
  await stalled.getByRole('button', { name: /^Owner/ }).click();
  await expect(stalled.locator('th[aria-sort="ascending"]')).toContainText('Owner');
  const up = await owners();
  expect(up).toEqual([...up].sort((x, y) => x.localeCompare(y)));
  await stalled.getByRole('button', { name: /^Owner/ }).click();
  await expect(stalled.locator('th[aria-sort="descending"]')).toContainText('Owner');
  const down = await owners();
  expect(down).toEqual([...up].reverse());

  // A lead with an owner: taking it needs a reason, and the page asks.
  const owned = report.leads.find((l: any) => l.owner);
  await page.getByLabel(new RegExp(`^Select lead ${owned.id}:`)).check();
  await expect(page.getByLabel('Reason (needed: taking leads from their owner)')).toBeVisible();
  await page.getByRole('button', { name: 'Assign 1 lead' }).click();
  await expect(page.locator('#b-error')).toHaveText('One selected lead has an owner: say why it is taken from them.');
  expect((await leadloop.get(`/api/v1/leads/${owned.id}`)).owner).toBe(owned.owner); // nothing sent
  await page.getByRole('button', { name: 'Clear the selection' }).click();
  await expect(page.getByText('No lead selected.')).toBeVisible();

  // A phone: the tables scroll inside their panels, the page does not.
  await page.setViewportSize({ width: 375, height: 800 });
  await expect(page.getByRole('heading', { name: 'Lead desk' })).toBeVisible();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(wide).toBeLessThanOrEqual(0);
  await shoot(page, testInfo, 'desk-375');
});

test("a team's sales manager is offered the team's reps only", async ({ guarded: page, leadloop }) => {
  const users = await leadloop.get('/api/v1/users');
  const team = users.users.find((u: any) => u.login === 'sam').team;
  expect(team).toBeTruthy();
  const reps = (await leadloop.get('/api/v1/reps')).reps.filter((r: any) => r.active && r.team === team);
  await signIn(page, leadloop.url, 'sam');
  await page.goto(leadloop.url + '/desk');
  const options = page.getByLabel('Assign to').locator('option');
  await expect(options).toHaveCount(reps.length + 1);
  expect(await options.evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
    '',
    ...reps.map((r: any) => r.key),
  ]);
  await expect(page.getByRole('region', { name: 'Waiting for an owner table' })).toBeVisible();
});
