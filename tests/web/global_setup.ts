// Starts the server for every test (server.ts) with two approved goals, so
// the overview's goals panel has something to show and to scan.
import { startServer } from './server';

async function call(url: string, token: string, path: string, body: unknown) {
  const r = await fetch(url + path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

export default async function globalSetup() {
  const s = await startServer();
  process.env.LEADLOOP_URL = s.url;
  process.env.LEADLOOP_TOKEN = s.token;
  process.env.LEADLOOP_PID = String(s.pid);
  process.env.LEADLOOP_DIR = s.dir;
  const day = (offset: number) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  for (const goal of [
    { name: 'Qualified leads this half', metric: 'qualified_leads', target: 150, starts_at: day(-90), ends_at: day(90) },
    { name: 'EMEA speed to lead', metric: 'speed_to_lead', target: 240, starts_at: day(-30), ends_at: day(60), region: 'EMEA' },
  ]) {
    const g = await call(s.url, s.token, '/api/v1/goals', goal);
    await call(s.url, s.token, `/api/v1/goals/${g.id}/approvals`, { side: 'client' });
  }
}
