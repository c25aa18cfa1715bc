// The webhooks page against a real receiver: an endpoint added on the page
// shows its secret once, a lead captured through the API reaches the
// receiver (a node http server this spec starts on 127.0.0.1), and the page
// shows that delivery delivered with its attempt, and replays it with the
// same webhook-id.
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { expect, scan, shoot, signIn, test } from './fixtures';

interface Got {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

function startReceiver(): Promise<{ server: Server; url: string; got: Got[] }> {
  const got: Got[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got })),
  );
}

test('an endpoint added on the page receives a signed delivery the page shows, and replays it', async ({ guarded: page, leadloop }, testInfo) => {
  const receiver = await startReceiver();
  try {
    await signIn(page, leadloop.url);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Test receiver');
    await page.getByLabel(/Event types/).fill('lead.captured');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByRole('textbox', { name: 'Secret' }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);

    const endpoints = (await leadloop.get('/api/v1/webhooks')).webhooks;
    const endpoint = endpoints.find((e: any) => e.url === receiver.url);
    expect(endpoint.secret).toBeUndefined();
    // The receiver is on loopback: an admin allows this endpoint explicitly.
    const put = await leadloop.api.put(`/api/v1/webhooks/${endpoint.id}`, { data: { allow_private: true } });
    expect(put.status()).toBe(200);

    const email = `hook-${Date.now()}@example.com`;
    const lead = await leadloop.post('/api/v1/leads', { email, source_campaign: (await leadloop.get('/api/v1/campaigns')).campaigns[0].key });
    await expect.poll(() => receiver.got.length, { timeout: 15_000 }).toBe(1);
    const got = receiver.got[0];
    const body = JSON.parse(got.body);
    expect(body.type).toBe('lead.captured');
    expect(body.data.lead_id).toBe(lead.id);
    expect(body.data.lead.email).toBe(email);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${got.id}.${got.timestamp}.${got.body}`).digest('base64');
    expect(got.signature).toBe(`v1,${expected}`);

    const deliveries = page.locator('section[aria-labelledby="deliveries-h"]');
    const row = deliveries.locator('tbody tr').first();
    await expect(row.locator('.state')).toHaveText('Delivered', { timeout: 10_000 });
    await row.getByRole('button', { name: /Attempts of delivery/ }).click();
    await expect(deliveries.locator('.attempts li')).toHaveCount(1);
    await expect(deliveries.locator('.attempts li').first()).toContainText('HTTP 200');
    await expect(deliveries.locator('.attempts code')).toHaveText(got.id);
    await scan(page, testInfo, 'webhooks');
    await shoot(page, testInfo, 'webhooks');

    await row.getByRole('button', { name: /Replay delivery/ }).click();
    await expect(deliveries.getByRole('status')).toContainText('same webhook-id');
    await expect.poll(() => receiver.got.length, { timeout: 15_000 }).toBe(2);
    expect(receiver.got[1].id).toBe(got.id);
    expect(receiver.got[1].body).toBe(got.body);
  } finally {
    receiver.server.close();
  }
});
