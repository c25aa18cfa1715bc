// Web forms end to end (docs/forms.md): marketing makes a form on the
// dashboard, a person opens its hosted page, fills it in as people do (past
// the form's minimum fill time) and sees the thank-you; the lead is in the
// lead list with its consent. The snippet, served by a page of another
// origin, sends from an allowed origin and is stopped by CORS on another.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Page } from '@playwright/test';
import { expect, scan, shoot, signIn, test } from './fixtures';

const kWording = 'Yes, e-mail me about the spring webinars';

// A tiny site on a port of its own, serving one page around `html`.
async function site(html: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Partner site</title></head><body><h1>Partner</h1>${html}</body></html>`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function createForm(page: Page, title: string) {
  await page.goto(page.url().replace(/\/[^/]*$/, '') + '/forms');
  await expect(page.getByRole('heading', { level: 1, name: 'Web forms' })).toBeVisible();
  await page.getByText('New form').click();
  await page.getByLabel("Title (the page's heading)").fill(title);
  await page.locator('#nf-campaign').selectOption({ index: 1 });
  await page.locator('input[name="nf-ask-first_name"]').nth(1).check();  // optional
  await page.locator('input[name="nf-ask-last_name"]').nth(2).check();   // required
  await page.locator('fieldset').filter({ hasText: 'Consent boxes' }).getByLabel('email', { exact: true }).check();
  await page.getByLabel('Wording for email').fill(kWording);
  await page.getByLabel('Thank-you text').fill('Thanks, see you at the webinar.');
  await page.getByLabel('Minimum fill time (seconds)').fill('1');
  await page.getByRole('button', { name: 'Create the form' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Form "${title}" saved.` })).toBeVisible();
  await expect(page.locator('table.web-forms').getByRole('row', { name: new RegExp(title) })).toBeVisible();
}

test('a form made on the dashboard takes a lead with its consent from its hosted page', async ({ guarded: page, leadloop, context }, testInfo) => {
  await signIn(page, leadloop.url, 'maria');
  const title = `Spring sign-up ${Date.now()}`;
  await createForm(page, title);
  await scan(page, testInfo, 'forms');
  await shoot(page, testInfo, 'forms-page');
  const form = (await leadloop.get('/api/v1/forms')).forms.find((f: any) => f.title === title);
  expect(form.fields).toEqual(['email', 'first_name', 'last_name']);
  expect(form.required).toEqual(['email', 'last_name']);

  // The snippet, ready to copy, posts to the form's address on this server.
  const row = page.locator('table.web-forms').getByRole('row', { name: new RegExp(title) });
  await row.getByRole('button', { name: /Snippet/ }).click();
  await expect(page.locator(`#snippet-${form.id}`)).toHaveValue(new RegExp(`action="${leadloop.url}/f/${form.key}"`));
  await expect(page.getByRole('button', { name: 'Copy the snippet' })).toBeEnabled();

  // The dashboard's link opens the hosted page in a new tab.
  const [person] = await Promise.all([
    context.waitForEvent('page'),
    page.locator('table.web-forms').getByRole('row', { name: new RegExp(title) }).getByRole('link', { name: /Open the form/ }).click(),
  ]);
  await person.waitForLoadState();
  await expect(person.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await scan(person, testInfo, 'hosted-form');
  const email = `form-${Date.now()}@example.com`;
  await person.getByLabel('Email (required)').fill(email);
  await person.getByLabel('First name').fill('Fiona');
  // Sent without the last name: the form comes back with the error and what was typed.
  await person.waitForTimeout(1200);  // past the form's minimum fill time (1 s)
  await person.getByRole('button', { name: 'Send' }).click();
  await expect(person.getByText('Please fill in Last name').first()).toBeVisible();
  await expect(person.getByLabel('Email (required)')).toHaveValue(email);
  await person.getByLabel('Last name (required)').fill('Frost');
  await person.getByLabel(kWording).check();
  await person.getByRole('button', { name: 'Send' }).click();
  await expect(person.getByRole('status')).toHaveText('Thanks, see you at the webinar.');
  await shoot(person, testInfo, 'form-thanks');
  await person.close();

  // The lead, found in the lead list, with its consent.
  await page.goto(leadloop.url + '/leads?q=' + encodeURIComponent(email));
  await page.getByRole('link', { name: 'Fiona Frost' }).click();
  await expect(page.locator('.consent dd.consent-granted')).toHaveText('granted');
  await shoot(page, testInfo, 'form-lead');
  const leads = (await leadloop.get('/api/v1/leads?q=' + encodeURIComponent(email))).leads;
  expect(leads).toHaveLength(1);
  expect(leads[0].source_campaign).toBe(form.campaign);
  expect(leads[0].consent.email).toBe('granted');
});

test('the snippet sends from an allowed origin and is stopped by CORS elsewhere', async ({ page, leadloop }, testInfo) => {
  const campaign = (await leadloop.get('/api/v1/campaigns')).campaigns[0].key;
  const form = await leadloop.post('/api/v1/forms', {
    campaign,
    title: `Snippet form ${Date.now()}`,
    fields: ['email', 'last_name'],
    required: ['email'],
    min_fill_seconds: 1,
  });
  const { html } = await leadloop.get(`/api/v1/forms/${form.id}/snippet`);
  const allowed = await site(html);
  const other = await site(html);
  try {
    const put = await leadloop.api.put(`/api/v1/forms/${form.id}`, { data: { origins: [allowed.origin] } });
    expect(put.status()).toBe(200);

    const email = `snippet-${Date.now()}@example.com`;
    await page.goto(allowed.origin + '/');
    await expect(page.locator('input[name="_stamp"]')).not.toHaveValue('');
    await page.getByLabel('Email (required)').fill(email);
    await page.getByLabel('Last name').fill('Snip');
    await page.waitForTimeout(1200);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByRole('status')).toContainText('we have received your details');
    await shoot(page, testInfo, 'snippet-allowed');
    expect((await leadloop.get('/api/v1/leads?q=' + encodeURIComponent(email))).leads).toHaveLength(1);

    const blocked = `blocked-${Date.now()}@example.com`;
    await page.goto(other.origin + '/');
    await expect(page.getByText('This form cannot be sent from this page.')).toBeVisible();
    await page.getByLabel('Email (required)').fill(blocked);
    await page.waitForTimeout(1200);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByText('This form cannot be sent from this page.')).toBeVisible();
    await expect(page.locator('form.leadloop-form')).toBeVisible();
    expect((await leadloop.get('/api/v1/leads?q=' + encodeURIComponent(blocked))).leads).toHaveLength(0);
  } finally {
    allowed.server.close();
    other.server.close();
  }
});
