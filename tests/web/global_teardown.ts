import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const pid = Number(process.env.LEADLOOP_PID);
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (process.env.LEADLOOP_DIR) rmSync(process.env.LEADLOOP_DIR, { recursive: true, force: true });
}
