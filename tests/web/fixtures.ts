// What every browser test gets: the server's address, an admin API client
// for the figures the page must match, a sign-in helper, and a guard that
// fails the test on any script dialog (an XSS would open one) or a
// Content-Security-Policy violation.
import AxeBuilder from '@axe-core/playwright';
import { APIRequestContext, expect, Page, request, test as base, TestInfo } from '@playwright/test';
import { kPassword } from './server';

export interface Leadloop {
  url: string;
  api: APIRequestContext;
  // GET path as the admin token; the parsed JSON.
  get<T = any>(path: string): Promise<T>;
  post<T = any>(path: string, body: unknown): Promise<T>;
}

export const test = base.extend<{ leadloop: Leadloop; guarded: Page }>({
  leadloop: async ({}, use) => {
    const url = process.env.LEADLOOP_URL!;
    const api = await request.newContext({
      baseURL: url,
      extraHTTPHeaders: { Authorization: `Bearer ${process.env.LEADLOOP_TOKEN}` },
    });
    const get = async (path: string) => {
      const r = await api.get(path);
      expect(r.status(), `GET ${path}: ${await r.text()}`).toBe(200);
      return r.json();
    };
    const post = async (path: string, body: unknown) => {
      const r = await api.post(path, { data: body });
      expect(r.status(), `POST ${path}: ${await r.text()}`).toBeLessThan(300);
      return r.json();
    };
    await use({ url, api, get, post });
    await api.dispose();
  },
  guarded: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('dialog', (d) => {
      problems.push(`a ${d.type()} dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await use(page);
    expect(problems, 'dialogs, CSP violations or script errors').toEqual([]);
  },
});

export { expect };

export async function signIn(page: Page, url: string, login = 'admin', password = kPassword) {
  await page.goto(url + '/sign-in');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

// GET url as the user signed in on `page` (its session cookie), for the
// figures a page must match when the caller's scope narrows the rows.
export async function getAs<T = any>(page: Page, url: string): Promise<T> {
  const r = await page.request.get(url);
  expect(r.status(), `GET ${url}: ${await r.text()}`).toBe(200);
  return r.json();
}

// Figures formatted as the pages format them (web/src/format.ts).
export { count } from '../../web/src/format';

// axe-core on the page as it is: no serious or critical WCAG 2.1 A/AA
// finding. The findings go into the test's attachments.
export async function scan(page: Page, testInfo: TestInfo, name: string) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  await testInfo.attach(`axe-${name}.json`, { body: JSON.stringify(result.violations, null, 2), contentType: 'application/json' });
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe findings on ${name}`).toEqual([]);
}

// A full-page screenshot under the test's output (build/web-tests/...).
export async function shoot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}
