// The rep's home (issue 21): the demo's sales rep signs in, lands on their
// own leads, and on leads this test gave them logs a touch, accepts one and
// rejects another, as themselves (not an admin); the page says what the
// API says, also at 375 px wide.
import { expect, getAs, Leadloop, scan, shoot, signIn, test } from './fixtures';
import type { Page } from '@playwright/test';

// A fresh lead of this test, given to `rep` by the admin.
async function leadFor(leadloop: Leadloop, rep: string, name: string) {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const lead = (
    await leadloop.post('/api/v1/leads', {
      email: `${name.toLowerCase()}.${stamp}@home-test.example`,
      first_name: name,
      last_name: `Home${stamp}`,
      company: `${name} Home Co`,
      country: 'JP',
      region: 'APAC',
      employees: 60,
      source_campaign: 'webinar-roi-2026',
    })
  ).lead;
  await leadloop.post(`/api/v1/leads/${lead.id}/assignment`, { rep, reason: 'for the home test' });
  return { id: lead.id as number, name: `${lead.first_name} ${lead.last_name}` };
}

const card = (page: Page, list: string, id: number) => page.getByRole('list', { name: list }).locator(`li[data-lead="${id}"]`);

test('a rep lands on their leads, logs a touch, accepts one and rejects another, as themselves', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  const rep = (await leadloop.get('/api/v1/users')).users.find((u: any) => u.login === 'rep').rep;
  const one = await leadFor(leadloop, rep, 'Rhea');
  const two = await leadFor(leadloop, rep, 'Ravi');

  await signIn(page, leadloop.url, 'rep');
  await expect(page).toHaveURL(/\/my-leads$/);
  await expect(page.getByRole('heading', { name: 'My leads' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'My leads' })).toHaveAttribute('aria-current', 'page');

  // Both are new: in "Recently assigned", as the API lists them for the rep.
  const home = await getAs(page, `${leadloop.url}/api/v1/me/leads`);
  const recent = home.recently_assigned.leads.map((l: any) => l.id);
  expect(recent).toEqual(expect.arrayContaining([one.id, two.id]));
  await expect(card(page, 'Recently assigned', one.id)).toContainText(one.name);
  await expect(card(page, 'Recently assigned', two.id)).toContainText(two.name);
  await expect(page.locator('tr[data-figure="acceptance"] td').first()).toHaveText(/%$|^–$/);
  await scan(page, testInfo, 'my-leads');

  // A touch on the first, as the rep.
  const first = card(page, 'Recently assigned', one.id);
  await first.getByText('Log a touch').click();
  await first.getByLabel('Channel').selectOption('call');
  await first.getByLabel('Outcome').fill('connected');
  await first.getByLabel('Note').fill('Wants a demo on Tuesday.');
  await first.getByRole('button', { name: 'Log the touch' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${one.name}: call logged.` })).toBeVisible();
  const touched = async () =>
    (await leadloop.get(`/api/v1/leads/${one.id}/timeline`)).events.filter((e: any) => e.type === 'touched').map((e: any) => e.actor);
  await expect.poll(touched).toEqual(['user:rep']);

  // Accept it: the lead moves on, the button goes.
  await card(page, 'Recently assigned', one.id).getByRole('button', { name: `Accept ${one.name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${one.name}: accepted.` })).toBeVisible();
  await expect.poll(async () => (await leadloop.get(`/api/v1/leads/${one.id}`)).stage).toBe('accepted');
  await expect(card(page, 'Recently assigned', one.id)).toContainText('Accepted');
  await expect(card(page, 'Recently assigned', one.id).getByRole('button', { name: `Accept ${one.name}` })).toHaveCount(0);

  // Reject the second with a reason of the definition.
  const reason = (await leadloop.get('/api/v1/definition')).definition.reject_reasons[0];
  const second = card(page, 'Recently assigned', two.id);
  await second.getByLabel('Reason').selectOption(reason.code);
  await second.getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${two.name}: rejected (${reason.label}).` })).toBeVisible();
  await expect.poll(async () => (await leadloop.get(`/api/v1/leads/${two.id}`)).stage).toBe('rejected');
  const timeline = await leadloop.get(`/api/v1/leads/${two.id}/timeline`);
  expect(timeline.events.filter((e: any) => e.type === 'stage_changed').pop().actor).toBe('user:rep');
  await shoot(page, testInfo, 'my-leads');

  // A phone: one column, nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await expect(card(page, 'Recently assigned', two.id)).toContainText('Rejected');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(wide).toBeLessThanOrEqual(0);
  await scan(page, testInfo, 'my-leads-375');
  await shoot(page, testInfo, 'my-leads-375');
});

test("a rep's home and its API hold their own leads only", async ({ guarded: page, leadloop }) => {
  const rep = (await leadloop.get('/api/v1/users')).users.find((u: any) => u.login === 'rep').rep;
  const reps = (await leadloop.get('/api/v1/reps')).reps;
  const other = reps.find((r: any) => r.key !== rep && r.active).key;
  const theirs = await leadFor(leadloop, other, 'Otis');
  const mine = await leadFor(leadloop, rep, 'Mina');
  await signIn(page, leadloop.url, 'rep');
  await expect(card(page, 'Recently assigned', mine.id)).toBeVisible();
  await expect(page.locator(`li[data-lead="${theirs.id}"]`)).toHaveCount(0);
  const home = await getAs(page, `${leadloop.url}/api/v1/me/leads`);
  for (const list of ['due_now', 'follow_ups_today', 'recently_assigned']) {
    for (const l of home[list].leads) expect(l.owner).toBe(rep);
  }
  // Another rep's lead: no touch, as if it did not exist.
  const session = await getAs(page, `${leadloop.url}/api/v1/session`);
  const r = await page.request.post(`${leadloop.url}/api/v1/leads/${theirs.id}/touches`, {
    data: { channel: 'call' },
    headers: { 'X-CSRF-Token': session.csrf_token },
  });
  expect(r.status()).toBe(404);

  // On their own lead's page the touch form works for the rep too (it
  // answered 403 "campaign … is not one of yours" before).
  await page.goto(`${leadloop.url}/leads/${mine.id}`);
  await page.getByLabel('Channel').selectOption('email');
  await page.getByLabel('Outcome').fill('sent_intro');
  await page.getByRole('button', { name: 'Log the touch' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Touch logged' })).toBeVisible();
  await expect(page.locator('.timeline > li[data-type="touched"]')).toHaveCount(1);
  await expect.poll(async () => (await leadloop.get(`/api/v1/leads/${mine.id}`)).touch_count).toBe(1);
});
