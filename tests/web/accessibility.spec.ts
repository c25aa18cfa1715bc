// axe-core on each page (no serious or critical finding), a screenshot of
// each under the test output, and the overview at a phone's 375 px width
// without sideways scrolling of the page.
import { expect, scan, shoot, signIn, test } from './fixtures';

test('sign-in: no serious accessibility findings; screenshot', async ({ guarded: page, leadloop }, testInfo) => {
  await page.goto(leadloop.url + '/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in to Leadloop' })).toBeVisible();
  await scan(page, testInfo, 'sign-in');
  // With the error shown too.
  await page.getByLabel('Login').fill('viewer');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await scan(page, testInfo, 'sign-in-error');
  await shoot(page, testInfo, 'sign-in');
});

test('overview: no serious accessibility findings; screenshots wide and at 375 px', async ({
  guarded: page,
  leadloop,
}, testInfo) => {
  await signIn(page, leadloop.url);
  await expect(page.locator('tr[data-stage="won"]')).toBeVisible();
  await scan(page, testInfo, 'overview');
  await shoot(page, testInfo, 'overview');

  await page.setViewportSize({ width: 375, height: 812 });
  await expect(page.locator('tr[data-stage="won"]')).toBeVisible();
  // The chart follows its box's width on the next frame: wait for it.
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: 'the page scrolls sideways at 375 px' })
    .toBeLessThanOrEqual(375);
  await scan(page, testInfo, 'overview-375');
  await shoot(page, testInfo, 'overview-375');
});

test('the overview works by keyboard alone', async ({ guarded: page, leadloop }) => {
  await page.goto(leadloop.url + '/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in to Leadloop' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Login')).toBeFocused();
  await page.keyboard.type('sam');
  await page.keyboard.press('Tab');
  await page.keyboard.type('leadloop-demo');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.getByLabel('Grade', { exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/grade=hot/);
});
