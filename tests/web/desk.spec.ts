// The lead desk against the API: the queue, the leads past their follow-up
// SLA and the stalled leads as the API lists them; bulk assignment moves
// leads out of the queue and onto a rep (whose open count follows), and a
// refusal shows its reason; a reassignment asks for a reason; sorting.
import { expect, count, getAs, Leadloop, scan, shoot, signIn, test } from './fixtures';
import type { Page } from '@playwright/test';

// A lead of this test's own campaign, put in the queue (stage qualified,
// nobody's) by the admin whatever routing did with it: cold by default,
// hot with a VP's title, unqualified (it stays captured) with 5 employees.
async function queuedLead(leadloop: Leadloop, key: string, name: string, region: string, extra: Record<string, unknown> = {}) {
  const lead = (
    await leadloop.post('/api/v1/leads', {
      email: `${name.toLowerCase()}.${key}@desk-test.example`,
      first_name: name,
      last_name: key,
      company: `${name} Desk Co`,
      country: 'JP',
      region,
      employees: 60,
      source_campaign: key,
      ...extra,
    })
  ).lead;
  if (lead.stage === 'captured' || lead.stage === 'qualified') return lead;
  return leadloop.post(`/api/v1/leads/${lead.id}/transitions`, { to: 'qualified', note: 'back to the desk for the test' });
}

async function newCampaign(leadloop: Leadloop) {
  const key = `desk-${Date.now()}-${Math.floor(Math.random() * 1000)}`;
  await leadloop.post('/api/v1/campaigns', { key, name: `Desk test ${key}`, channel: 'web' });
  return key;
}

async function deskCampaign(leadloop: Leadloop) {
  const key = await newCampaign(leadloop);
  const lead = (name: string, region: string) => queuedLead(leadloop, key, name, region);
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
  const amir = (await leadloop.get('/api/v1/reps')).reps.find((r: any) => r.key === 'rep-apac-2');
  for (const who of ['Alba', 'Bruno']) {
    await expect(results.getByRole('listitem').filter({ hasText: `${who} ${key}` })).toContainText(`assigned to ${amir.name} (rep-apac-2)`);
  }

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

test('the stalled list is the API desk, hot first with totals, sorts by its columns, and a reassignment asks for a reason', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  await signIn(page, leadloop.url);
  await page.goto(`${leadloop.url}/desk?days=7`);
  const report = await leadloop.get('/api/v1/desk?list=stalled&days=7&limit=15'); // the desk's first page
  expect(report.leads.length).toBeGreaterThan(0);
  const stalled = page.getByRole('region', { name: 'Stalled table' });
  await expect.poll(() => rowIds(page, 'Stalled')).toEqual(report.leads.map((l: any) => l.id));

  // Sorted by owner (a click), then the other way (a second click).
  // The column shows 'nobody' for no owner, which sorts as the empty name.
  const owners = async () =>
    (await stalled.locator('tbody tr td:nth-child(5)').allTextContents()).map((t) => (t === 'nobody' ? '' : t));
  // Hot first, longest stalled first within a grade; the total on top.
  const order = ['hot', 'warm', 'cold', null];
  const ranks = report.leads.map((l: any) => order.indexOf(l.grade));
  expect(ranks).toEqual([...ranks].sort((x: number, y: number) => x - y));
  expect(report.leads.some((l: any) => l.grade === 'unqualified')).toBe(false);
  await expect(page.locator('li[data-total="stalled"] strong')).toHaveText(count(report.total));
  await expect(page.getByRole('navigation', { name: 'Stalled pages' })).toContainText(`Page 1 · ${count(report.total)} in all`);
  // The next page is the API's next page.
  const second = await leadloop.get(`/api/v1/desk?list=stalled&days=7&limit=15&cursor=${report.next_cursor}`);
  await page.getByRole('navigation', { name: 'Stalled pages' }).getByRole('button', { name: 'Next' }).click();
  await expect.poll(() => rowIds(page, 'Stalled')).toEqual(second.leads.map((l: any) => l.id));
  await page.getByRole('navigation', { name: 'Stalled pages' }).getByRole('button', { name: 'Previous' }).click();
  await expect.poll(() => rowIds(page, 'Stalled')).toEqual(report.leads.map((l: any) => l.id));
  // Named: a person or company for every lead, a rep's name for an owner.
  for (const l of report.leads) {
    if (l.owner_name) await expect(stalled.locator('tbody tr').filter({ has: page.locator(`a[href="/leads/${l.id}"]`) })).toContainText(l.owner_name);
    await expect(stalled.locator(`a[href="/leads/${l.id}"]`)).not.toHaveText(`Lead ${l.id}`);
  }
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

test("a team's manager sees the team's leads, hot first, and assigns one; another region's lead is refused", async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  const users = await leadloop.get('/api/v1/users');
  const team = users.users.find((u: any) => u.login === 'sam').team;
  const region = (await leadloop.get('/api/v1/teams')).teams.find((t: any) => t.key === team).region;
  const other = region === 'EMEA' ? 'NA' : 'EMEA';
  const rep = (await leadloop.get('/api/v1/reps')).reps.find((r: any) => r.team === team && r.active && !r.away);
  const key = await newCampaign(leadloop);
  const cold = await queuedLead(leadloop, key, 'Colm', region);
  const hot = await queuedLead(leadloop, key, 'Hana', region, { title: 'VP', attributes: { budget: 'confirmed', timeframe_days: 30 } });
  const unqualified = await queuedLead(leadloop, key, 'Uli', region, { employees: 5 });
  const away = await queuedLead(leadloop, key, 'Otto', other, { title: 'VP', attributes: { budget: 'confirmed', timeframe_days: 30 } });
  expect([cold.grade, hot.grade, unqualified.grade, away.grade]).toEqual(['cold', 'hot', 'unqualified', 'hot']);

  // Everyone's desk: hot first; the unqualified lead counted, not listed.
  const all = await leadloop.get(`/api/v1/desk?campaign=${key}`);
  expect(all.leads.map((l: any) => l.id)).toEqual([hot.id, away.id, cold.id]);
  expect(all.by_grade.unqualified).toBe(1);

  await signIn(page, leadloop.url, 'sam');
  await page.goto(`${leadloop.url}/desk?campaign=${key}`);
  await expect(page.getByRole('heading', { name: 'Lead desk' })).toBeVisible();
  // The team's desk, as the API gives it to sam: the other region's lead is not on it.
  const mine = await getAs(page, `${leadloop.url}/api/v1/desk?campaign=${key}`);
  expect(mine.leads.map((l: any) => l.id)).toEqual([hot.id, cold.id]);
  await expect.poll(() => rowIds(page, 'Waiting for an owner')).toEqual([hot.id, cold.id]);
  await expect(page.locator('li[data-total="waiting"] strong')).toHaveText('2');
  await expect(page.locator('p[data-sub="waiting"]')).toHaveText('By grade: 1 hot, 1 cold. 1 unqualified lead is kept off the desk.');
  // The team's reps only.
  const teamReps = (await leadloop.get('/api/v1/reps')).reps.filter((r: any) => r.team === team).map((r: any) => r.key);
  await expect.poll(() => page.locator('.reps-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rep')))).toEqual(teamReps);
  await expect(page.getByRole('region', { name: 'Waiting for an owner table' })).toContainText(`Hana ${key}`);
  await expect(page.getByRole('region', { name: 'Waiting for an owner table' })).not.toContainText(`Otto ${key}`);

  // Sam assigns the hot lead to one of the team's reps, by name.
  await page.getByLabel(`Select lead ${hot.id}: Hana ${key}`).check();
  await page.getByLabel('Assign to').selectOption(rep.key);
  await page.getByRole('button', { name: 'Assign 1 lead' }).click();
  const results = page.getByRole('list', { name: 'Assignment results' });
  await expect(results.getByRole('listitem')).toContainText(`assigned to ${rep.name} (${rep.key})`);
  await expect.poll(async () => (await leadloop.get(`/api/v1/leads/${hot.id}`)).owner).toBe(rep.key);
  await expect.poll(() => rowIds(page, 'Waiting for an owner')).toEqual([cold.id]);
  await expect(page.locator('li[data-total="waiting"] strong')).toHaveText('1');
  await shoot(page, testInfo, 'desk-team-manager');

  // The API refuses sam the other region's lead, as if it did not exist.
  const session = await getAs(page, `${leadloop.url}/api/v1/session`);
  const refused = await page.request.post(`${leadloop.url}/api/v1/assignments`, {
    data: { leads: [away.id], rep: rep.key },
    headers: { 'X-CSRF-Token': session.csrf_token },
  });
  expect(refused.status()).toBe(200);
  expect((await refused.json()).results[0].error.code).toBe('not_found');
  expect((await leadloop.get(`/api/v1/leads/${away.id}`)).owner).toBeNull();
  expect((await page.request.get(`${leadloop.url}/api/v1/leads/${away.id}`)).status()).toBe(404);
});
