// Sign-in and sign-out through the page, and the headers the page is served
// with.
import { expect, signIn, test } from './fixtures';

test('a wrong password shows an error and signs nobody in', async ({ guarded: page, leadloop }) => {
  await page.goto(leadloop.url + '/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByLabel('Login').fill('maria');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong login or password.');
  await expect(page.getByLabel('Password')).toHaveValue('');
  const session = await page.request.get(leadloop.url + '/api/v1/session');
  expect(session.status()).toBe(401);
});

test('sign in, see the overview, sign out', async ({ guarded: page, leadloop }) => {
  await signIn(page, leadloop.url, 'maria');
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.locator('.who')).toContainText('maria');
  // The cookie is the session: a reload stays signed in.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Leadloop' })).toBeVisible();
  expect((await page.request.get(leadloop.url + '/api/v1/session')).status()).toBe(401);
});

test('the page allows only its own scripts, styles and connections', async ({ leadloop }) => {
  for (const path of ['/', '/sign-in', '/overview']) {
    const r = await leadloop.api.get(path);
    expect(r.status()).toBe(200);
    const csp = r.headers()['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await r.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
  }
  const js = await leadloop.api.get('/assets/app.js');
  expect(js.headers()['content-type']).toContain('text/javascript');
  // Sent gzipped, and a 304 without a body once the browser has this build.
  const plain = await leadloop.api.get('/assets/app.js', { headers: { 'Accept-Encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
  const zipped = await leadloop.api.get('/assets/app.js', { headers: { 'Accept-Encoding': 'gzip' } });
  expect(zipped.headers()['content-encoding']).toBe('gzip');
  expect(await zipped.text()).toBe(await plain.text());
  const tag = plain.headers()['etag'];
  expect(tag).toMatch(/^"[0-9a-f]{16}"$/);
  expect(zipped.headers()['etag']).toBe(tag);
  const again = await leadloop.api.get('/assets/app.js', { headers: { 'If-None-Match': tag } });
  expect(again.status()).toBe(304);
  expect(await again.text()).toBe('');
  expect((await leadloop.api.get('/assets/..%2Fweb.db')).status()).toBe(404);
  expect((await leadloop.api.get('/assets/nothing.js')).status()).toBe(404);
});
