// The deliveries page against real parts: this spec starts its own
// `leadloop serve` on a demo database with a real SMTP server (Debian's
// python3-aiosmtpd, tests/tools/smtp_sink.py) that refuses one address for
// good. Two reassignments through the API mail their new owners: the page
// lists both e-mail deliveries, one delivered with its SMTP 250 attempt, one
// a dead letter after its 550, and filters by channel and state.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '@playwright/test';
import { expect, scan, shoot, signIn, test } from './fixtures';
import { kRoot, startServer, Started } from './server';

async function startSink(dir: string, refuse: string): Promise<{ sink: ChildProcess; url: string; out: string }> {
  const out = join(dir, 'mail.jsonl');
  const portFile = join(dir, 'port');
  // Debian's python3 (where python3-aiosmtpd is), not one earlier on PATH.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const sink = spawn(python, [join(kRoot, 'tests/tools/smtp_sink.py'), '--out', out, '--port-file', portFile, '--fail5', refuse], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200 && !(existsSync(portFile) && readFileSync(portFile, 'utf8').trim()); ++i) await new Promise((ok) => setTimeout(ok, 50));
  if (!existsSync(portFile)) throw new Error('the SMTP sink did not start (is python3-aiosmtpd installed? scripts/setup.sh installs it)');
  const port = readFileSync(portFile, 'utf8').trim();
  return { sink, url: `smtp://127.0.0.1:${port}`, out };
}

const kept = (out: string) =>
  existsSync(out)
    ? readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l))
        .filter((m) => m.type !== 'ehlo')
    : [];

test('e-mail deliveries are listed with their attempts, a dead letter too, and filtered by channel and state', async ({ guarded: page }, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'leadloop-deliveries-'));
  let server: Started | null = null;
  let sink: ChildProcess | null = null;
  try {
    const reps = ['rep-a', 'rep-b'];
    const s = await startSink(dir, 'refused@corp.example');
    sink = s.sink;
    server = await startServer({
      args: ['--smtp', s.url, '--smtp-from', 'Leadloop <leads@corp.example>', '--public-url', 'http://leads.example'],
      log: 'build/web-tests-deliveries-server.log',
    });
    const api = await request.newContext({ baseURL: server.url, extraHTTPHeaders: { Authorization: `Bearer ${server.token}` } });
    const ok = async (r: Promise<any>) => {
      const a = await r;
      expect(a.status(), await a.text()).toBeLessThan(300);
      return a.json();
    };
    // Two reps of a demo team: one the sink accepts, one it refuses.
    const team = (await ok(api.get('/api/v1/teams'))).teams[0].key;
    await ok(api.post('/api/v1/reps', { data: { key: reps[0], name: 'Rep A', team, email: 'rep-a@corp.example' } }));
    await ok(api.post('/api/v1/reps', { data: { key: reps[1], name: 'Rep B', team, email: 'refused@corp.example' } }));
    // Two owned leads, each given to one of them: a reassignment mails the new owner.
    const owned = (await ok(api.get('/api/v1/leads?stage=assigned&limit=2'))).leads;
    expect(owned.length).toBe(2);
    for (let i = 0; i < 2; ++i) {
      expect(owned[i].owner).toBeTruthy();
      const moved = await ok(api.post(`/api/v1/leads/${owned[i].id}/assignment`, { data: { rep: reps[i], reason: 'cover' } }));
      expect(moved.owner).toBe(reps[i]);
    }
    await expect.poll(() => kept(s.out).length, { timeout: 15_000 }).toBe(1);
    expect(kept(s.out)[0].rcpt_tos).toEqual(['rep-a@corp.example']);

    await signIn(page, server.url);
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Deliveries' })).toBeVisible();
    const list = page.locator('section[aria-labelledby="deliveries-h"]');
    const toA = list.locator('tbody tr', { hasText: 'rep-a@corp.example' });
    const toB = list.locator('tbody tr', { hasText: 'refused@corp.example' });
    await expect(toA.locator('.state')).toHaveText('Delivered', { timeout: 10_000 });
    await expect(toA).toContainText('reassigned');
    await expect(toA).toContainText('E-mail');
    await expect(toB.locator('.state')).toHaveText('Dead letter', { timeout: 10_000 });
    await expect(toB).toContainText('550');
    await toA.getByRole('button', { name: /Attempts of delivery/ }).click();
    await expect(list.locator('.attempts li')).toHaveCount(1);
    await expect(list.locator('.attempts li').first()).toContainText('SMTP 250');
    await scan(page, testInfo, 'deliveries');
    await shoot(page, testInfo, 'deliveries');

    // Filters: the dead letters only; then webhooks only (none on this server).
    await page.getByLabel('State').selectOption('dead');
    await expect(list.locator('tbody tr')).toHaveCount(1);
    await expect(list.locator('tbody tr').first()).toContainText('refused@corp.example');
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Channel').selectOption('webhook');
    await expect(list.getByText('No deliveries yet.')).toBeVisible();
    await page.getByLabel('Channel').selectOption('email');
    await expect(list.locator('tbody tr')).toHaveCount(2);

    // Replay of the delivered one: the same record goes out again.
    await toA.getByRole('button', { name: /Replay delivery/ }).click();
    await expect(list.getByRole('status')).toContainText('as the same message');
    await expect.poll(() => kept(s.out).length, { timeout: 15_000 }).toBe(2);
    expect(kept(s.out)[1].rcpt_tos).toEqual(['rep-a@corp.example']);
    await api.dispose();
  } finally {
    if (server) process.kill(server.pid);
    if (sink) sink.kill();
  }
});
