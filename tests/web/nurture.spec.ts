// The nurture programmes page and the lead page's enrolments against the
// real server on the demo data: a programme made and activated through the
// API, a lead enrolled by the API, the timer tick running its first step;
// the page shows the programme's report and versions, makes a new version
// from its form and activates it; the lead page shows where the lead is.
import { expect, scan, shoot, signIn, test } from './fixtures';

const kSource = (name: string) => `name: ${name}
holdout: 0
steps:
  - key: settle
    wait: {days: 30}
  - key: welcome
    send: nurture
  - exit: done
`;

test('the programmes page shows a report and versions, makes and activates a version; the lead page shows the enrolment', async ({ guarded: page, leadloop }, testInfo) => {
  const key = `pw-drip-${Date.now()}`;
  const made = await leadloop.post('/api/v1/programmes', { key, source: kSource('Playwright drip') });
  expect(made.version).toBe(1);
  await leadloop.post(`/api/v1/programmes/${key}/versions/1/activate`, {});
  // A warm lead in stage nurture (a hot one would leave at once: hot).
  const lead = (await leadloop.get('/api/v1/leads?stage=nurture&limit=1')).leads[0];
  const enrolment = await leadloop.post(`/api/v1/programmes/${key}/enrolments`, { lead: lead.id });
  expect(enrolment.state).toBe('active');
  // The server's timer tick runs the first step: a wait of 30 days.
  await expect
    .poll(async () => (await leadloop.get(`/api/v1/leads/${lead.id}/enrolments`)).items.find((e: any) => e.programme === key)?.step, {
      timeout: 10_000,
    })
    .toBe(1);

  await signIn(page, leadloop.url);
  await page.getByRole('link', { name: 'Nurture' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nurture programmes' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: key });
  await expect(row).toContainText('v1');
  await row.getByRole('button', { name: 'Playwright drip' }).click();
  const report = page.locator('section[aria-labelledby="programme-h"]');
  await expect(report.getByRole('heading', { name: `Report: ${key}` })).toBeVisible();
  const figures = await leadloop.get(`/api/v1/programmes/${key}/report`);
  expect(figures.enrolled).toBe(1);
  await expect(report.locator('.programme-report')).toContainText('Enrolled1');
  await expect(report.locator('.at-step')).toContainText('Step 2 (welcome): 1');
  await expect(report.locator('.programme-versions tbody tr')).toHaveCount(1);
  await scan(page, testInfo, 'programmes');
  await shoot(page, testInfo, 'programmes');

  // A second version from the page's form, then activated there.
  await page.getByLabel('Key').fill(key);
  await page.getByLabel(/Document/).fill(kSource('Playwright drip, second'));
  await page.getByRole('button', { name: 'Save as a draft' }).click();
  await expect(page.getByRole('status')).toContainText(`Saved ${key} v2 as a draft.`);
  await expect(report.locator('.programme-versions tbody tr')).toHaveCount(2);
  await report.getByRole('button', { name: 'Activate v2' }).click();
  await expect(report.locator('.programme-versions tbody tr').nth(1)).toContainText('active');
  const versions = await leadloop.get(`/api/v1/programmes/${key}`);
  expect(versions.active_version).toBe(2);

  // A refused document says why, where.
  await page.getByLabel(/Document/).fill('name: broken\nsteps:\n  - mail: x\n');
  await page.getByRole('button', { name: 'Save as a draft' }).click();
  await expect(page.getByRole('alert')).toContainText("unknown step 'mail'");

  await page.goto(`${leadloop.url}/leads/${lead.id}`);
  const section = page.locator('section[aria-labelledby="nurture-h"]');
  await expect(section.getByRole('heading', { name: 'Nurture programmes' })).toBeVisible();
  const mine = section.getByRole('row').filter({ hasText: 'Playwright drip' });
  await expect(mine).toContainText('step 2 of 3 (welcome), next');
  await scan(page, testInfo, 'lead-enrolments');
  await shoot(page, testInfo, 'lead-enrolments');
});
