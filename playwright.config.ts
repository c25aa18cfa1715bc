// Browser tests of the web app (tests/web, docs/web.md): Debian's chromium
// (Playwright downloads no browser here) against the real `leadloop serve`
// with demo data, started by tests/web/global_setup.ts. `make test-web`.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/web',
  outputDir: 'build/web-tests',
  globalSetup: './tests/web/global_setup.ts',
  globalTeardown: './tests/web/global_teardown.ts',
  // One worker: the live test captures leads, which would move the figures
  // another test compares with the API.
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  // One retry: on a busy 2-core machine Chromium has stalled for 10-20 s
  // (browser start, a click) while the server's log showed it idle. A test
  // that needed it is reported as flaky, not hidden.
  retries: 1,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  forbidOnly: !!process.env.CI,
  use: {
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
