// The admin page against the API: users, API tokens and the audit log show
// what GET /api/v1/users, /tokens and /audit answer; what is done on the
// page (a user, a token, a revoke, a disable) takes effect on the server.
import { expect, scan, shoot, signIn, test } from './fixtures';
import { kPassword } from './server';
import type { Page } from '@playwright/test';
import { actionText, person, recordText } from '../../web/src/format';

const kRoleText: Record<string, string> = {
  admin: 'Admin',
  marketing: 'Marketing',
  sales_manager: 'Sales manager',
  sales_rep: 'Sales rep',
  vendor: 'Vendor',
  viewer: 'Viewer',
};
const rolesText = (roles: string[]) => roles.map((r) => kRoleText[r]).join(', ');
const bindingText = (b: { vendor: string; rep: string; team: string }) =>
  [b.vendor && `vendor ${b.vendor}`, b.rep && `rep ${b.rep}`, b.team && `team ${b.team}`].filter(Boolean).join(' · ') || '–';
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

async function openAdmin(page: Page, url: string, tab = 'users') {
  await page.goto(`${url}/admin?tab=${tab}`);
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
}

test('the users table is GET /api/v1/users; a user made on the page signs in with its role, and disabling it stops that', async ({
  guarded: page,
  leadloop,
  browser,
}) => {
  await signIn(page, leadloop.url);
  await page.getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  const { users } = await leadloop.get('/api/v1/users');
  await expect(page.locator('table.users tbody tr')).toHaveCount(users.length);
  for (const u of users) {
    const row = page.locator(`tr[data-login="${u.login}"]`);
    await expect(row.locator('.name')).toHaveText(u.name);
    await expect(row.locator('.roles')).toHaveText(rolesText(u.roles));
    await expect(row.locator('.binding')).toHaveText(bindingText(u));
    await expect(row.locator('.state')).toHaveText(u.disabled ? 'Disabled' : u.locked_until ? /^Locked until/ : 'Active');
    await expect(row.locator('.last')).toHaveText(u.last_login_at ? `${u.last_login_at.slice(0, 10)} ${u.last_login_at.slice(11, 19)} UTC` : '–');
  }
  expect(users.find((u: any) => u.login === 'admin').last_login_at).not.toBeNull();

  // The server's validation, under the field it names.
  const login = unique('mgr');
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Login').fill(login);
  await form.getByLabel('Name').fill('Web Manager');
  await form.getByLabel('Password').fill('short');
  await form.getByLabel('Sales manager').check();
  await form.getByRole('button', { name: 'Add user' }).click();
  const refused = await leadloop.api.post('/api/v1/users', { data: { login, password: 'short', roles: ['sales_manager'] } });
  expect(refused.status()).toBe(422);
  const why = (await refused.json()).error;
  expect(why.field).toBe('password');
  await expect(form.locator('#nu-password-error')).toHaveText(why.message);
  await expect(form.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');

  // A sales manager bound to a team from GET /api/v1/teams.
  const { teams } = await leadloop.get('/api/v1/teams');
  const team = teams[teams.length - 1];
  const password = 'a-long-web-password-' + login;
  await form.getByLabel('Password').fill(password);
  await form.getByLabel('Team').selectOption(team.key);
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status').first()).toHaveText(`User ${login} created.`);
  const made = (await leadloop.get('/api/v1/users')).users.find((u: any) => u.login === login);
  expect(made).toMatchObject({ name: 'Web Manager', roles: ['sales_manager'], team: team.key, disabled: false });
  const row = page.locator(`tr[data-login="${login}"]`);
  await expect(row.locator('.binding')).toHaveText(`team ${team.key}`);

  // The new user, in a browser of their own, sees the sales manager's pages.
  const other = await browser.newContext();
  const theirs = await other.newPage();
  await signIn(theirs, leadloop.url, login, password);
  await expect(theirs.getByRole('navigation', { name: 'Pages' }).getByRole('link')).toHaveText([
    'Overview',
    'Campaigns',
    'Lead desk',
    'Leads',
    'Definition',
    'Accuracy',
    'Goals',
    'Nurture',
    'Leaderboards',
  ]);
  await expect(theirs.locator('.who')).toContainText(`${login} (sales_manager)`);

  // Disabled on the page: their session ends and their sign-in fails.
  await page.getByRole('button', { name: `Disable ${login}` }).click();
  await expect(row.locator('.state')).toHaveText('Disabled');
  expect((await leadloop.get('/api/v1/users')).users.find((u: any) => u.login === login).disabled).toBe(true);
  expect((await theirs.request.get(leadloop.url + '/api/v1/session')).status()).toBe(401);
  await theirs.reload();
  await theirs.getByLabel('Login').fill(login);
  await theirs.getByLabel('Password').fill(password);
  await theirs.getByRole('button', { name: 'Sign in' }).click();
  await expect(theirs.getByRole('alert')).toHaveText('Wrong login or password.');
  await other.close();

  // Enabled again, with other roles (a viewer) and a new password.
  await page.getByRole('button', { name: `Enable ${login}` }).click();
  await expect(row.locator('.state')).toHaveText('Active');
  await page.getByRole('button', { name: `Edit ${login}` }).click();
  const edit = page.getByRole('form', { name: `Change ${login}` });
  await edit.getByLabel('Sales manager').uncheck();
  await edit.getByLabel('Viewer').check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(row.locator('.roles')).toHaveText('Viewer');
  await expect(row.locator('.binding')).toHaveText('–');
  const pw = page.getByRole('form', { name: `New password for ${login}` });
  await pw.getByLabel('New password').fill(password + '-2');
  await pw.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('status').first()).toContainText(`${login} has a new password`);
  expect((await leadloop.get('/api/v1/users')).users.find((u: any) => u.login === login)).toMatchObject({ roles: ['viewer'], team: '' });
  const fresh = await leadloop.api.post('/api/v1/session', { data: { login, password: password + '-2' } });
  expect(fresh.status()).toBe(201);
});

test('a token made on the page shows its secret once, works, and is refused once revoked on the page', async ({
  guarded: page,
  leadloop,
  playwright,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: leadloop.url });
  await signIn(page, leadloop.url);
  await openAdmin(page, leadloop.url, 'tokens');
  const before = (await leadloop.get('/api/v1/tokens')).tokens;
  await expect(page.locator('table.tokens tbody tr')).toHaveCount(before.length);
  for (const t of before) {
    const row = page.locator(`table.tokens tr[data-id="${t.id}"]`);
    await expect(row.locator('.label')).toHaveText(t.label);
    await expect(row.locator('.roles')).toHaveText(rolesText(t.roles));
    await expect(row.locator('.state')).toHaveText(t.revoked_at ? /^Revoked/ : 'Active');
  }

  const label = unique('dialer');
  const form = page.getByRole('form', { name: 'Create a token' });
  await form.getByLabel('Label').fill(label);
  await form.getByRole('checkbox', { name: 'Vendor' }).check();
  // A vendor token needs its vendor: the server says so at the field.
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.locator('#nt-vendor-error')).toContainText('vendor');
  const { campaigns } = await leadloop.get('/api/v1/campaigns');
  const vendor = campaigns.find((c: any) => c.vendor).vendor;
  await form.getByRole('combobox', { name: 'Vendor' }).selectOption(vendor);
  await form.getByRole('button', { name: 'Create token' }).click();

  const secretField = page.getByRole('textbox', { name: 'Secret', exact: true });
  await expect(secretField).toHaveValue(/^llt_/);
  await expect(page.locator('.secret .warning')).toContainText('shown only this once');
  const secret = await secretField.inputValue();
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.locator('.secret [role="status"]')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  const made = (await leadloop.get('/api/v1/tokens')).tokens.find((t: any) => t.label === label);
  expect(made).toMatchObject({ roles: ['vendor'], vendor, revoked_at: null });
  expect(made.token).toBeUndefined();
  const row = page.locator(`table.tokens tr[data-id="${made.id}"]`);
  await expect(row.locator('.binding')).toHaveText(`vendor ${vendor}`);

  // The secret works as Bearer, with the token's role and binding.
  const bearer = await playwright.request.newContext({ baseURL: leadloop.url, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  const who = await bearer.get('/api/v1/session');
  expect(who.status()).toBe(200);
  expect(await who.json()).toMatchObject({ roles: ['vendor'], vendor });

  // Once dismissed it is gone, and a reload does not bring it back.
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await expect(page.getByRole('textbox', { name: 'Secret', exact: true })).toHaveCount(0);
  await page.reload();
  await expect(row.locator('.state')).toHaveText('Active');
  expect(await page.content()).not.toContain(secret);

  // Revoke asks first; Cancel keeps the token.
  // By keyboard: the focus goes to Cancel, Enter keeps the token.
  await page.getByRole('button', { name: `Revoke token ${made.id}` }).focus();
  await page.keyboard.press('Enter');
  await expect(row.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(row.locator('.state')).toHaveText('Active');
  await page.getByRole('button', { name: `Revoke token ${made.id}` }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(row.locator('.state')).toHaveText(/^Revoked /);
  expect((await leadloop.get('/api/v1/tokens')).tokens.find((t: any) => t.id === made.id).revoked_at).not.toBeNull();
  await expect.poll(async () => (await bearer.get('/api/v1/session')).status(), { timeout: 6_000 }).toBe(401);
  await bearer.dispose();
});

async function expectAuditRows(page: Page, entries: any[]) {
  // Waits for the rows rather than reading once: after Apply or Next the
  // table is replaced while the page reads the next answer.
  const rows = page.locator('table.audit tbody tr');
  await expect
    .poll(() => rows.evaluateAll((trs) => trs.map((r) => Number(r.getAttribute('data-id')))), { timeout: 10_000 })
    .toEqual(entries.map((e) => e.id));
  for (const e of [entries[0], entries[entries.length - 1]]) {
    const row = page.locator(`table.audit tr[data-id="${e.id}"]`);
    // In words, with the API's names kept as the title.
    await expect(row.locator('.actor')).toHaveText(person(e.actor));
    await expect(row.locator('.actor a')).toHaveAttribute('title', e.actor);
    await expect(row.locator('.action')).toHaveText(actionText(e.action));
    await expect(row.locator('.action')).toHaveAttribute('title', e.action);
    await expect(row.locator('.record')).toHaveText(e.record ? recordText(e.record) : '–');
    await expect(row.locator('.outcome')).toContainText(String(e.status));
  }
}

test('the audit viewer shows GET /api/v1/audit, its filters narrow it as the API does, and it pages', async ({
  guarded: page,
  leadloop,
}) => {
  // Enough entries for two pages of 25: reads of leads are put on record.
  for (let i = 0; i < 26; i++) await leadloop.get('/api/v1/leads?limit=1');
  await signIn(page, leadloop.url);

  // Something made on the page just now: a token.
  await openAdmin(page, leadloop.url, 'tokens');
  const label = unique('audit');
  const form = page.getByRole('form', { name: 'Create a token' });
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('Viewer').check();
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('textbox', { name: 'Secret', exact: true })).toHaveValue(/^llt_/);

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/tab=audit/);
  const first = await leadloop.get('/api/v1/audit?limit=50');
  await expectAuditRows(page, first.entries);

  // 25 a page: Next and Previous follow the API's cursor.
  await page.getByLabel('Per page').selectOption('25');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/limit=25/);
  const p1 = await leadloop.get('/api/v1/audit?limit=25');
  expect(p1.next_cursor).not.toBeNull();
  await expectAuditRows(page, p1.entries);
  await page.getByRole('button', { name: 'Next' }).click();
  const p2 = await leadloop.get(`/api/v1/audit?limit=25&cursor=${p1.next_cursor}`);
  await expectAuditRows(page, p2.entries);
  await expect(page).toHaveURL(new RegExp(`cursor=${p1.next_cursor}`));
  await expect(page.locator('.page-no')).toHaveText('Page 2');
  await page.getByRole('button', { name: 'Previous' }).click();
  await expectAuditRows(page, p1.entries);
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();

  // The admin's token creations: the one just made is there, with its status.
  await page.getByLabel('Actor (exact)').fill('user:admin');
  await page.getByLabel('Action (starts with)').fill('POST /api/v1/tokens');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/actor=user%3Aadmin/);
  const mine = await leadloop.get('/api/v1/audit?limit=25&actor=user:admin&action=' + encodeURIComponent('POST /api/v1/tokens'));
  expect(mine.entries.length).toBeGreaterThan(0);
  expect(mine.entries.length).toBeLessThan(first.entries.length);
  await expectAuditRows(page, mine.entries);
  const last = mine.entries[mine.entries.length - 1];
  expect(last).toMatchObject({ actor: 'user:admin', action: 'POST /api/v1/tokens', status: 201 });
  await expect(page.locator(`table.audit tr[data-id="${last.id}"] .outcome`)).toHaveText('201 done');
  await expect(page.locator(`table.audit tr[data-id="${last.id}"] .action`)).toHaveText('Created an API token');
  await expect(page.locator(`table.audit tr[data-id="${last.id}"] .actor`)).toHaveText('admin');

  // The filters live in the URL: a reload keeps them.
  await page.reload();
  await expect(page.getByLabel('Actor (exact)')).toHaveValue('user:admin');
  await expectAuditRows(page, mine.entries);

  // An entry's record is a link to its entries.
  const signIns = first.entries.filter((e: any) => e.record === 'user:admin');
  expect(signIns.length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('link', { name: 'Only entries about user admin' }).first().click();
  await expect(page).toHaveURL(/record=user%3Aadmin/);
  await expect(page.getByLabel('Record (exact)')).toHaveValue('user:admin');
  await expectAuditRows(page, (await leadloop.get('/api/v1/audit?limit=50&record=user:admin')).entries);

  // A period the API reads: from tomorrow on, nothing.
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('From (on or after)').fill(tomorrow);
  await page.getByRole('button', { name: 'Apply' }).click();
  expect((await leadloop.get(`/api/v1/audit?from=${tomorrow}`)).entries).toEqual([]);
  await expect(page.getByText('No entries match these filters.')).toBeVisible();
});

test('a non-admin opening /admin is told it needs the admin role', async ({ guarded: page, leadloop }) => {
  await signIn(page, leadloop.url, 'maria');
  await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.goto(leadloop.url + '/admin');
  const answer = await page.request.get(leadloop.url + '/api/v1/users');
  expect(answer.status()).toBe(403);
  const { message } = (await answer.json()).error;
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Needs the admin role');
  await expect(alert).toContainText(message);
  for (const tab of ['tokens', 'audit']) {
    await page.goto(`${leadloop.url}/admin?tab=${tab}`);
    await expect(page.getByRole('alert')).toContainText('This page needs the admin role');
  }
});

test('a user whose name is markup shows it as text', async ({ guarded: page, leadloop }) => {
  const name = '<img src=x onerror=alert(1)>';
  const login = unique('xss');
  await leadloop.post('/api/v1/users', { login, name, password: 'a-long-xss-password', roles: ['viewer'] });
  await signIn(page, leadloop.url);
  await openAdmin(page, leadloop.url);
  await expect(page.locator(`tr[data-login="${login}"] .name`)).toHaveText(name);
  await expect(page.locator('table.users img')).toHaveCount(0);
  await page.getByRole('button', { name: `Edit ${login}` }).click();
  await expect(page.getByRole('form', { name: `Change ${login}` }).getByLabel('Name')).toHaveValue(name);
});

// axe on each tab, at 1280 and at 375 px, where the page must not scroll
// sideways (wide tables scroll inside their panel).
async function scanTab(page: Page, url: string, tab: string, testInfo: any) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await openAdmin(page, url, tab);
    await expect(page.locator('table').first()).toBeVisible();
    const name = width === 1280 ? `admin-${tab}` : `admin-${tab}-375`;
    await scan(page, testInfo, name);
    await shoot(page, testInfo, name);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(sideways, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('the users tab passes axe, also with a field error and at 375 px', async ({ guarded: page, leadloop }, testInfo) => {
  await signIn(page, leadloop.url);
  await scanTab(page, leadloop.url, 'users', testInfo);
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Login').fill('not a login');
  await form.getByLabel('Password').fill('a-long-enough-password');
  await form.getByLabel('Viewer').check();
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(form.locator('#nu-login-error')).toBeVisible();
  await scan(page, testInfo, 'admin-users-error');
});

test('the tokens tab passes axe, also with a new secret and at 375 px', async ({ guarded: page, leadloop }, testInfo) => {
  await signIn(page, leadloop.url);
  await scanTab(page, leadloop.url, 'tokens', testInfo);
  const form = page.getByRole('form', { name: 'Create a token' });
  await form.getByLabel('Viewer').check();
  await form.getByLabel('Label').fill(unique('axe'));
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('textbox', { name: 'Secret', exact: true })).toHaveValue(/^llt_/);
  await scan(page, testInfo, 'admin-token-secret');
  await shoot(page, testInfo, 'admin-token-secret');
});

test('the audit tab passes axe at 1280 and 375 px', async ({ guarded: page, leadloop }, testInfo) => {
  await signIn(page, leadloop.url);
  await scanTab(page, leadloop.url, 'audit', testInfo);
});
