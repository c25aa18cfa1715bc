// The definition pages against the API: the active definition rendered rule
// by rule, the sign-off of a draft by marketing and sales in two browsers
// (and the voiding of their approvals by an edit), a version's diff and
// backtest, the accuracy report and its "was this a lead?" review queue.
import type { Browser, Page } from '@playwright/test';
import { count, expect, getAs, scan, shoot, signIn, test } from './fixtures';
import { person, share, times } from '../../web/src/format';

const rate = (part: number, whole: number) => share(whole > 0 ? part / whole : null);
const short = (hash: string) => hash.slice(0, 12);
// The page's time format (definition_types.ts `when`).
const at = (iso: string) => iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' UTC';
// A period that holds every demo lead (they are months old).
const kPeriod = 'from=2025-01-01';

// A draft close to the active version: only a `says` text differs unless
// `change` edits more, so activating it moves no grade.
async function createDraft(leadloop: any, change: (d: any) => void = () => undefined) {
  const active = await leadloop.get('/api/v1/definition');
  const doc = structuredClone(active.definition);
  doc.score[0].says = `senior title (draft ${Date.now()})`;
  change(doc);
  const draft = await leadloop.post('/api/v1/definition/versions', doc);
  expect(draft.state).toBe('draft');
  return { active, draft, doc };
}

async function signedInPage(browser: Browser, url: string, login: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, url, login);
  return page;
}

async function expectApprovals(page: Page, approvals: any[], valid: 'yes' | 'no') {
  for (const a of approvals) {
    const row = page.locator(`table.approvals tr[data-side="${a.side}"][data-valid="${valid}"]`).filter({ hasText: short(a.hash) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(person(a.actor));
  }
}

// Every row of the approvals table that no longer counts, exactly as the
// version's `voided_approvals`: who, side, hash, when signed, and the edit
// (time and author) that voided it.
async function expectVoided(page: Page, voided: any[]) {
  await expect(page.locator('table.approvals tr[data-valid="no"]')).toHaveCount(voided.length);
  for (const a of voided) {
    const row = page
      .locator(`table.approvals tr[data-side="${a.side}"][data-valid="no"]`)
      .filter({ hasText: person(a.actor) })
      .filter({ hasText: short(a.hash) });
    await expect(row).toHaveCount(1);
    await expect(row.locator('.signed-at')).toHaveText(at(a.at));
    await expect(row.locator('.voided-by')).toHaveText(person(a.voided_by));
    await expect(row.locator('.voided-at')).toHaveText(at(a.voided_at));
  }
}

test('the definitions page renders every rule of GET /api/v1/definition, its versions and signers', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  const active = await leadloop.get('/api/v1/definition');
  const { versions } = await leadloop.get('/api/v1/definition/versions');
  await signIn(page, leadloop.url, 'maria');
  await page.goto(leadloop.url + '/definitions');
  const doc = page.locator('.active-definition');
  await expect(doc.locator('.definition-name')).toHaveText(active.definition.name);
  await expect(doc.locator('.version-number')).toHaveText(String(active.version));
  await expect(doc.locator('.full-hash')).toHaveText(active.hash);

  const d = active.definition;
  const rules: [string, any][] = [
    ...d.qualification.map((r: any, i: number) => [`qualification[${i}]`, r] as [string, any]),
    ...(['hot', 'warm', 'cold'] as const).flatMap((g) =>
      (d.grades[g] ?? []).map((r: any, i: number) => [`grades.${g}[${i}]`, r] as [string, any]),
    ),
  ];
  expect(rules.length).toBeGreaterThan(3);
  for (const [id, r] of rules) {
    const li = doc.locator(`li[data-rule="${id}"]`);
    await expect(li.locator('.says')).toHaveText(r.says);
    await expect(li.locator('.when')).toHaveText(r.when);
  }
  expect(d.score.length).toBeGreaterThan(0);
  await expect(doc.locator('table.score tbody tr')).toHaveCount(d.score.length);
  for (const [i, s] of d.score.entries()) {
    const row = doc.locator(`tr[data-rule="score[${i}]"]`);
    await expect(row.locator('.points')).toHaveText((s.points > 0 ? '+' : '') + s.points);
    await expect(row.locator('.says')).toHaveText(s.says);
  }
  for (const g of ['hot', 'warm', 'cold']) {
    if (d.sla_hours[g]) await expect(doc.locator(`[data-sla="${g}"]`)).toContainText(`${d.sla_hours[g]} hours`);
  }
  for (const r of d.reject_reasons) await expect(doc.locator(`li[data-reason="${r.code}"]`)).toContainText(r.label);
  await expectApprovals(page, active.approvals, 'yes');

  // Examples: the first leads of each grade that this version graded.
  for (const g of ['hot', 'warm', 'cold', 'unqualified']) {
    const { leads } = await leadloop.get(`/api/v1/leads?grade=${g}&limit=20`);
    const mine = leads.filter((l: any) => l.definition_version === active.version && l.grading).slice(0, 2);
    await expect(doc.locator(`.example-leads li[data-grade="${g}"]`)).toHaveCount(mine.length);
    for (const l of mine) await expect(doc.locator(`.example-leads li[data-lead="${l.id}"] .summary`)).toHaveText(l.grading.summary);
  }

  const rows = page.locator('table.versions tbody tr');
  await expect(rows).toHaveCount(versions.length);
  for (const v of versions) {
    await expect(page.locator(`table.versions tr[data-version="${v.version}"]`)).toHaveAttribute('data-state', v.state);
  }
  await expect(page.getByRole('button', { name: /New draft/ })).toBeVisible();
  await scan(page, testInfo, 'definitions');
  await shoot(page, testInfo, 'definitions');

  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await expect(doc.locator('.definition-name')).toBeVisible();
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, 'sideways scroll at 375 px').toBeLessThanOrEqual(0);
  await scan(page, testInfo, 'definitions-375');
  await shoot(page, testInfo, 'definitions-375');
});

test('a viewer reads the definition with no draft to create', async ({ guarded: page, leadloop }) => {
  await signIn(page, leadloop.url, 'viewer');
  await page.goto(leadloop.url + '/definitions');
  await expect(page.locator('.active-definition .definition-name')).toBeVisible();
  await expect(page.getByRole('button', { name: /New draft/ })).toHaveCount(0);
});

test('marketing and sales sign a draft in two browsers; an edit voids both approvals, listed as the API keeps them even in a fresh browser; both sign again and it is activated', async ({
  browser,
  leadloop,
}, testInfo) => {
  const { draft, doc } = await createDraft(leadloop);
  const path = `${leadloop.url}/definitions/${draft.version}`;
  const maria = await signedInPage(browser, leadloop.url, 'maria');
  let sam = await signedInPage(browser, leadloop.url, 'sam');
  for (const p of [maria, sam]) {
    await p.goto(path);
    await expect(p.locator('.current-hash')).toHaveText(short(draft.hash));
    await expect(p.locator('.signoff-status')).toHaveText(/Needs sign-off from marketing and sales/);
    await expect(p.getByRole('button', { name: `Activate version ${draft.version}` })).toBeDisabled();
  }

  await maria.getByRole('button', { name: 'Approve for marketing' }).click();
  await expect(maria.locator('.signoff-status')).toHaveText(/Needs sign-off from sales/);
  await sam.getByRole('button', { name: 'Approve for sales' }).click();
  await expect(sam.locator('.signoff-status')).toHaveText(/Signed by marketing and sales/);

  const signed = await leadloop.get(`/api/v1/definition/versions/${draft.version}`);
  expect(signed.signed_by.sort()).toEqual(['marketing', 'sales']);
  expect(signed.approvals.map((a: any) => a.actor).sort()).toEqual(['user:maria', 'user:sam']);
  expect(signed.voided_approvals).toEqual([]);
  await maria.reload();
  for (const p of [maria, sam]) {
    await expectApprovals(p, signed.approvals, 'yes');
    await expectVoided(p, signed.voided_approvals);
    await expect(p.locator('.signoff-status')).toHaveText(/Signed by marketing and sales/);
  }
  await shoot(maria, testInfo, 'definition-signed');

  // Sam edits the draft in his page: the hash changes and both approvals are
  // voided, kept by the server under voided_approvals with the edit.
  doc.score[0].says = doc.score[0].says + ' (edited)';
  await sam.getByLabel('Document (JSON)').fill(JSON.stringify(doc, null, 2));
  await sam.getByRole('button', { name: 'Save draft' }).click();
  await expect(sam.locator('.editor .done')).toContainText('Saved');
  const edited = await leadloop.get(`/api/v1/definition/versions/${draft.version}`);
  expect(edited.hash).not.toBe(draft.hash);
  expect(edited.approvals).toEqual([]);
  expect(edited.updated_by).toBe('user:sam');
  expect(edited.voided_approvals.map((a: any) => a.actor).sort()).toEqual(['user:maria', 'user:sam']);
  for (const a of edited.voided_approvals) {
    expect(a.hash).toBe(draft.hash);
    expect(a.voided_by).toBe(edited.updated_by);
    expect(a.voided_at).toBe(edited.updated_at);
  }

  // Maria's page, which reads an open draft again every 5 s, follows without
  // a reload.
  await expect(maria.locator('.current-hash')).toHaveText(short(edited.hash), { timeout: 12_000 });
  await expect(maria.getByLabel('Document (JSON)')).toHaveValue(/\(edited\)/); // her untouched editor follows
  // Sam opens the draft in a fresh browser (no storage of his own): the voided
  // approvals come from the server, not from what a browser saw before.
  await sam.context().close();
  sam = await signedInPage(browser, leadloop.url, 'sam');
  await sam.goto(path);
  for (const p of [maria, sam]) {
    await expect(p.locator('.current-hash')).toHaveText(short(edited.hash));
    await expectVoided(p, edited.voided_approvals);
    await expect(p.locator('table.approvals tr[data-valid="no"] .voided-by')).toHaveText(['sam', 'sam']);
    await expect(p.locator('table.approvals tr[data-valid="yes"]')).toHaveCount(0);
    await expect(p.locator('.signoff-status')).toHaveText(/Needs sign-off from marketing and sales/);
    await expect(p.locator('.edited-note')).toContainText('voided');
    await expect(p.getByRole('button', { name: `Activate version ${draft.version}` })).toBeDisabled();
  }
  await shoot(maria, testInfo, 'definition-voided');

  await maria.getByRole('button', { name: 'Approve for marketing' }).click();
  await expect(maria.locator('table.approvals tr[data-side="marketing"][data-valid="yes"]')).toContainText(short(edited.hash));
  await sam.getByRole('button', { name: 'Approve for sales' }).click();
  await expect(sam.locator('.signoff-status')).toHaveText(/Signed by marketing and sales/);
  const resigned = await leadloop.get(`/api/v1/definition/versions/${draft.version}`);
  expect(resigned.approvals.every((a: any) => a.hash === edited.hash)).toBe(true);
  expect(resigned.signed_by.sort()).toEqual(['marketing', 'sales']);

  await maria.reload();
  await expectApprovals(maria, resigned.approvals, 'yes');
  await maria.getByRole('button', { name: `Activate version ${draft.version}` }).click();
  await expect(maria.locator('.version-state')).toHaveText('Active');
  const now = await leadloop.get('/api/v1/definition');
  expect(now.version).toBe(draft.version);
  expect(now.hash).toBe(edited.hash);
  await expect(maria.locator('.activation-result')).toContainText(`${count(now.leads_regraded)} open leads were graded again`);
  await expect(maria.locator('table.approvals tr[data-valid="yes"]')).toHaveCount(2);
  await expectVoided(maria, now.voided_approvals); // still on record once active
  await maria.context().close();
  await sam.context().close();
});

test('a draft page shows the API diff and backtest', async ({ guarded: page, leadloop }, testInfo) => {
  const { active, draft } = await createDraft(leadloop, (d) => {
    d.sla_hours.hot = (d.sla_hours.hot ?? 4) + 1;
    d.score[d.score.length - 1].points += 1;
    d.grades.warm = [{ when: 'attributes.timeframe_days <= 60 or attributes.budget = "confirmed"', says: 'buying within 60 days or has budget' }];
  });
  const diff = await leadloop.get(`/api/v1/definition/diff?from=${active.version}&to=${draft.version}`);
  const bt = await leadloop.get(`/api/v1/definition/versions/${draft.version}/backtest?${kPeriod}`);
  expect(diff.changes.length).toBeGreaterThan(2);
  expect(bt.leads).toBeGreaterThan(0);

  // Marketing lists every lead, so the changed leads are the admin's too.
  await signIn(page, leadloop.url, 'maria');
  await page.goto(`${leadloop.url}/definitions/${draft.version}?${kPeriod}`);
  await expect(page.getByLabel('Compare with version')).toHaveValue(String(active.version));
  const rows = page.locator('table.diff-table tbody tr');
  await expect(rows).toHaveCount(diff.changes.length);
  for (const [i, c] of diff.changes.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-section', c.section);
    await expect(row).toHaveAttribute('data-change', c.change);
    await expect(row.locator('.was')).toHaveText(c.from || '–');
    await expect(row.locator('.now')).toHaveText(c.to || '–');
  }

  await expect(page.locator('.backtest-leads')).toHaveText(count(bt.leads));
  for (const side of ['active', 'draft'] as const) {
    for (const [grade, o] of Object.entries<any>(bt[side])) {
      const row = page.locator(`table.outcomes tr[data-grade="${grade}"][data-side="${side}"]`);
      for (const k of ['leads', 'accepted', 'rejected', 'opportunities', 'wins']) {
        await expect(row.locator(`.${k}`), `${side} ${grade} ${k}`).toHaveText(count(o[k]));
      }
      await expect(row.locator('.acceptance')).toHaveText(rate(o.accepted, o.leads));
      await expect(row.locator('.conversion')).toHaveText(rate(o.opportunities, o.leads));
    }
  }
  await expect(page.locator('.backtest-changed')).toHaveText(count(bt.changed));
  expect(bt.changed).toBeGreaterThan(0);
  const first = bt.changes[0];
  const link = page.locator(`table.changes tr[data-lead="${first.lead}"] a`);
  await expect(link).toHaveAttribute('href', `/leads/${first.lead}`);
  await expect(page.locator('table.changes tbody tr')).toHaveCount(Math.min(100, bt.changes.length));
  await scan(page, testInfo, 'definition-version');
  await shoot(page, testInfo, 'definition-version');

  // Another version to compare with: the diff follows the choice.
  const older = (await leadloop.get('/api/v1/definition/versions')).versions.find(
    (v: any) => v.version !== draft.version && v.version !== active.version,
  );
  if (older) {
    await page.getByLabel('Compare with version').selectOption(String(older.version));
    const other = await leadloop.get(`/api/v1/definition/diff?from=${older.version}&to=${draft.version}`);
    await expect(page.locator('.diff-summary')).toContainText(`From version ${older.version} to version ${draft.version}`);
    await expect(page.locator('table.diff-table tbody tr')).toHaveCount(other.changes.length);
  }
});

test('the editor names the problems of a broken draft and saves nothing', async ({ guarded: page, leadloop }) => {
  const { draft, doc } = await createDraft(leadloop);
  await signIn(page, leadloop.url, 'maria');
  await page.goto(`${leadloop.url}/definitions/${draft.version}`);
  doc.qualification[0].when = 'employes >= 50';
  await page.getByLabel('Document (JSON)').fill(JSON.stringify(doc, null, 2));
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.locator('.issues')).toContainText("qualification[0].when: unknown field 'employes'");
  const after = await leadloop.get(`/api/v1/definition/versions/${draft.version}`);
  expect(after.hash).toBe(draft.hash);
});

test('the accuracy page equals the API, and an answer moves a lead to reviewed', async ({ guarded: page, leadloop }, testInfo) => {
  // sam manages one team: the figures are everyone's, the rows his team's.
  await signIn(page, leadloop.url, 'sam');
  const report = await getAs(page, `${leadloop.url}/api/v1/definition/accuracy?${kPeriod}`);
  const all = await leadloop.get(`/api/v1/definition/accuracy?${kPeriod}`);
  expect(report.review_queue.length).toBeGreaterThan(0);
  expect(report.review_queue.length).toBeLessThan(all.review_queue.length);
  expect(report.review_queue_total).toBe(all.review_queue_total);
  // The page shows 25 rows a page.
  const first = await getAs(page, `${leadloop.url}/api/v1/definition/accuracy?${kPeriod}&limit=25`);
  await page.goto(`${leadloop.url}/accuracy?${kPeriod}`);
  for (const [grade, o] of Object.entries<any>(report.by_grade)) {
    const row = page.locator(`table.outcomes tr[data-grade="${grade}"]`);
    for (const k of ['leads', 'accepted', 'rejected', 'opportunities', 'wins']) {
      await expect(row.locator(`.${k}`), `${grade} ${k}`).toHaveText(count(o[k]));
    }
  }
  for (const g of ['hot', 'warm']) {
    const box = page.locator(`.precision [data-grade="${g}"]`);
    await expect(box.locator('.precision-accepted')).toHaveText(share(report.precision[g].accepted));
    await expect(box.locator('.precision-opportunity')).toHaveText(share(report.precision[g].opportunity));
    const lift = page.locator(`.recall-lift [data-grade="${g}"]`);
    await expect(lift.locator('.lift-converted')).toHaveText(times(report.lift[g].converted));
    await expect(lift.locator('.lift-accepted')).toHaveText(times(report.lift[g].accepted));
  }
  await expect(page.locator('.recall-hot')).toHaveText(share(report.recall.hot));
  await expect(page.locator('.recall-hot-or-warm')).toHaveText(share(report.recall.hot_or_warm));
  await expect(page.locator('.base-converted')).toHaveText(share(report.base_rate.converted));
  await expect(page.locator('.misses')).toHaveText(count(report.misses));
  await expect(page.locator('.queue-count')).toHaveText(count(report.review_queue_total));
  await expect(page.locator('table.review-queue tbody tr')).toHaveCount(first.review_queue.length);
  await expect(page.locator('table.reviewed tbody tr')).toHaveCount(first.reviewed.length);
  await scan(page, testInfo, 'accuracy');
  await shoot(page, testInfo, 'accuracy');
  const item = report.review_queue[0];
  const row = page.locator(`table.review-queue tr[data-lead="${item.lead}"]`);
  await expect(row.locator('.grading')).toHaveText(item.grading);
  await expect(row.locator('a')).toHaveAttribute('href', `/leads/${item.lead}`);
  await row.getByLabel(`Note on lead ${item.lead} (optional)`).fill('budget came back later');
  await row.getByRole('button', { name: 'Was a lead' }).click();
  const done = page.locator(`table.reviewed tr[data-lead="${item.lead}"]`);
  await expect(done.locator('.answer')).toHaveText('Was a lead');
  await expect(done.locator('.note')).toHaveText('budget came back later');
  await expect(done.locator('.reviewer')).toHaveText('sam');
  await expect(row).toHaveCount(0);

  const after = await leadloop.get(`/api/v1/definition/accuracy?${kPeriod}`);
  expect(after.review_queue.some((d: any) => d.lead === item.lead)).toBe(false);
  const answered = after.reviewed.find((d: any) => d.lead === item.lead);
  expect(answered.answer).toMatchObject({ was_lead: true, note: 'budget came back later', reviewer: 'user:sam' });
  await expect(page.locator('.queue-count')).toHaveText(count(after.review_queue_total));
  await expect(page.locator('.answers-was')).toHaveText(count(after.answers.was_lead));
});

test('the accuracy review queue is paged as the API pages it', async ({ guarded: page, leadloop }) => {
  await signIn(page, leadloop.url, 'maria');
  const url = `${leadloop.url}/api/v1/definition/accuracy?${kPeriod}&limit=4`;
  const first = await getAs(page, url);
  expect(first.next_cursor, 'the demo has more than 4 disagreements').not.toBeNull();
  const second = await getAs(page, `${url}&cursor=${first.next_cursor}`);
  const ids = (list: any[]) => list.map((d) => String(d.lead));
  const rows = page.locator('table.review-queue tbody tr');
  const pager = page.getByRole('navigation', { name: 'Review queue pages' });
  await page.goto(`${leadloop.url}/accuracy?${kPeriod}&limit=4`);
  await expect(pager.locator('.page-no')).toHaveText(`Page 1 · ${count(first.review_queue_total)} in all`);
  await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-lead')))).toEqual(ids(first.review_queue));
  await pager.getByRole('button', { name: 'Next' }).click();
  await expect(pager.locator('.page-no')).toContainText('Page 2');
  await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-lead')))).toEqual(ids(second.review_queue));
  await pager.getByRole('button', { name: 'Previous' }).click();
  await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-lead')))).toEqual(ids(first.review_queue));
  await expect(pager.getByRole('button', { name: 'Previous' })).toBeDisabled();
});

test('without a period the accuracy page opens on one with outcomes, and its fields show the dates', async ({ guarded: page, leadloop }) => {
  await signIn(page, leadloop.url, 'maria');
  const report = await getAs(page, `${leadloop.url}/api/v1/definition/accuracy`);
  expect(report.default_period).not.toBeNull();
  await page.goto(`${leadloop.url}/accuracy`);
  await expect(page.locator('#acc-from')).toHaveValue(report.from.slice(0, 10));
  await expect(page.locator('#acc-to')).not.toHaveValue('');
  await expect(page.locator('.misses')).toHaveText(count(report.misses));
});

test('a viewer reads the accuracy review but cannot answer it', async ({ guarded: page, leadloop }, testInfo) => {
  // A viewer gets the figures, never the leads behind them.
  const report = await leadloop.get(`/api/v1/definition/accuracy?${kPeriod}`);
  expect(report.review_queue.length).toBeGreaterThan(0);
  await signIn(page, leadloop.url, 'viewer');
  const seen = await getAs(page, `${leadloop.url}/api/v1/definition/accuracy?${kPeriod}`);
  expect(seen.review_queue).toEqual([]);
  expect(seen.review_queue_total).toBe(report.review_queue_total);
  await page.goto(`${leadloop.url}/accuracy?${kPeriod}`);
  await expect(page.locator('.queue-count')).toHaveText(count(report.review_queue_total));
  await expect(page.locator('table.review-queue tbody tr')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Was a lead' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Not a lead' })).toHaveCount(0);
  await page.setViewportSize({ width: 375, height: 800 });
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, 'sideways scroll at 375 px').toBeLessThanOrEqual(0);
  await scan(page, testInfo, 'accuracy-viewer-375');
  await shoot(page, testInfo, 'accuracy-viewer-375');
});
