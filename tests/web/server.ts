// The server the browser tests run against: `leadloop serve` on a free
// 127.0.0.1 port over a fresh demo database in a temp dir, serving the
// built web app from web/dist. global_setup.ts starts it and leaves its
// address and an admin token in the environment for the tests.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const kRoot = resolve(__dirname, '../..');
export const kBin = resolve(kRoot, process.env.LEADLOOP_BIN ?? 'build/release/src/leadloop');
export const kPassword = 'leadloop-demo';
// The built app (web/build.mjs; LEADLOOP_WEB_OUT there).
export const kWebDir = resolve(kRoot, process.env.LEADLOOP_WEB_DIR ?? 'web/dist');

export interface Started {
  url: string;
  token: string;
  pid: number;
  dir: string;
}

function cli(args: string[]): string {
  return execFileSync(kBin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

// The database lives in memory (tmpfs) where there is one: these tests time
// the page, not the disk, and an fsync queued behind other processes'
// writeback stalled a sign-in by seconds.
function scratchDir(): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'leadloop-web-'));
}

// args go to `leadloop serve` (e.g. --smtp for a spec's own server); its
// log goes to `log` (default build/web-tests-server.log).
export async function startServer({ args = [], log: logPath }: { args?: string[]; log?: string } = {}): Promise<Started> {
  const dir = scratchDir();
  const db = join(dir, 'web.db');
  cli(['demo', '--db', db, '--seed', '42', '--leads', '600']);
  const token = cli(['token', 'create', '--db', db, '--role', 'admin', '--label', 'web-tests']);
  const server = spawn(
    kBin,
    ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web-dir', kWebDir, '--threads', '16', '--max-streams', '8', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: false },
  );
  let log = '';
  server.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20000)));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('leadloop serve did not start in 30 s:\n' + log)), 30_000);
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`leadloop serve exited with ${code}:\n${log}`));
    });
  });
  server.stdout.removeAllListeners('data');
  server.stdout.resume();
  server.stderr.removeAllListeners('data');
  // The server's log (every request, with its time) beside the test output.
  mkdirSync(join(kRoot, 'build'), { recursive: true });
  const logFile = createWriteStream(resolve(kRoot, logPath ?? process.env.LEADLOOP_SERVER_LOG ?? 'build/web-tests-server.log'));
  logFile.write(log);
  server.stderr.pipe(logFile);
  server.unref();
  return { url, token, pid: server.pid!, dir };
}
