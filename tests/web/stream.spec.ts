// The live stream itself (GET /api/v1/stream), without a browser: the
// events it sends, its cap on open streams, and that a client that went
// away frees its place within seconds.
import { count, expect, signIn, test } from './fixtures';

interface OpenStream {
  status: number;
  next(): Promise<string>;
  close(): void;
}

async function openStream(): Promise<OpenStream> {
  const abort = new AbortController();
  const res = await fetch(process.env.LEADLOOP_URL + '/api/v1/stream', {
    headers: { Authorization: `Bearer ${process.env.LEADLOOP_TOKEN}` },
    signal: abort.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  return {
    status: res.status,
    next: async () => decoder.decode((await reader.read()).value ?? new Uint8Array()),
    close: () => abort.abort(),
  };
}

test('the stream says ready, then change after a capture', async ({ leadloop }) => {
  const s = await openStream();
  expect(s.status).toBe(200);
  expect(await s.next()).toMatch(/^retry: 1000\nevent: ready\ndata: \d+\n\n$/);
  await leadloop.post('/api/v1/leads', { email: `stream-${Date.now()}@example.com`, source_campaign: 'web-demo-request' });
  let text = '';
  while (!text.includes('event: change')) text += await s.next();
  expect(text).toMatch(/event: change\ndata: \d+\n\n/);
  s.close();
});

test('at most --max-streams stream; a closed stream frees its place', async () => {
  // The tests' server allows 8 streams (--max-streams 8).
  const open: OpenStream[] = [];
  for (;;) {
    const s = await openStream();
    if (s.status !== 200) {
      expect(s.status).toBe(429);
      break;
    }
    await s.next();
    open.push(s);
    expect(open.length).toBeLessThanOrEqual(8);
  }
  expect(open.length).toBeGreaterThan(0);
  for (const s of open) s.close();
  // The server notices at its next heartbeats (every second).
  await expect
    .poll(
      async () => {
        const s = await openStream();
        s.close();
        return s.status;
      },
      { timeout: 5000, intervals: [250] },
    )
    .toBe(200);
});

test('an overview refused a stream (all taken) goes live once one is free', async ({ guarded: page, leadloop }) => {
  const open: OpenStream[] = [];
  const takeAll = async () => {
    for (;;) {
      const s = await openStream();
      if (s.status !== 200) return;
      await s.next();
      open.push(s);
    }
  };
  await takeAll();
  // Places of streams closed by the tests before free up within 2 s.
  await new Promise((r) => setTimeout(r, 2500));
  await takeAll();
  await signIn(page, leadloop.url);
  await page.waitForTimeout(1500);
  await expect(page.locator('.live')).toContainText('Reconnecting');
  for (const s of open) s.close();
  await expect(page.locator('.live')).toContainText('Live', { timeout: 10_000 });
  const before = (await leadloop.get('/api/v1/reports/funnel')).groups[0].steps[0].reached;
  await leadloop.post('/api/v1/leads', { email: `late-${Date.now()}@example.com`, source_campaign: 'web-demo-request' });
  await expect(page.locator('tr[data-stage="captured"] .reached')).toHaveText(count(before + 1), { timeout: 1000 });
});
