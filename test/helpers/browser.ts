import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';
import type { Tap } from './app.js';
import { CLI } from './snmpsim.js';

export const CHROMIUM = process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium';

/** The password of the users the browser tests make. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** Browser tests run the built dashboard and CLI: name the build step that is missing rather than fail later. */
export function requireBuild(): void {
  if (!existsSync(join(PACKAGE_ROOT, 'ui', 'dist', 'index.html'))) throw new Error('ui/dist is missing: run `npm run build:ui` first');
  if (!existsSync(CLI)) throw new Error('dist/server/cli.js is missing: run `npm run build` first');
}

/** A user made the way a site makes one: `outpost user add`, password on stdin. */
export function addUser(cfgPath: string, env: NodeJS.ProcessEnv, name: string, role: 'viewer' | 'tech' | 'admin'): void {
  execFileSync(process.execPath, [CLI, 'user', 'add', name, '--role', role, '--password-stdin', '--config', cfgPath], { env, input: `${TEST_PASSWORD}\n` });
}

/** Flags that keep Chromium from talking to anything but the page under test (no update, sync, QUIC, GPU). */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go (gitignored), for a human to look at after a run. */
export const ARTIFACTS = join(PACKAGE_ROOT, 'test-artifacts', 'ui');

/**
 * Debian's Chromium driven by playwright-core, with a fresh profile per test run (a persistent context is the
 * only way to pass our own --user-data-dir), closed and deleted when the test ends.
 */
export async function launchBrowser(t: Tap, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set OUTPOST_CHROMIUM)`);
  const profile = mkdtempSync(join(tmpdir(), 'outpost-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  t.teardown(async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A running `outpost serve` child process, with its combined log for error messages. */
export interface OutpostServer {
  readonly log: () => string;
  /** SIGHUP: the server re-reads its config file (a test rewrites the file first). */
  reload(): void;
  stop(): Promise<void>;
}

/** Throws, naming the port, when something already listens there: its answers would pass for ours. */
async function assertPortFree(host: string, port: number): Promise<void> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use (a server left over from an interrupted run?): stop it before running this test`
            : `cannot check port ${port} on ${host}: ${err.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * Start the real server (`node dist/server/cli.js serve`) and wait until /api/health answers. Stopped on
 * teardown if the test did not stop it itself. A health reply alone does not prove it is ours (a stale server
 * from an interrupted run answers the same), so the port must be free before the spawn and the reply must name
 * the config file this test wrote.
 */
export async function startOutpost(t: Tap, cli: string, cfgPath: string, env: NodeJS.ProcessEnv, base: string): Promise<OutpostServer> {
  const { spawn } = await import('node:child_process');
  const url = new URL(base);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  await assertPortFree(url.hostname, port);
  let log = '';
  const child = spawn(process.execPath, ['--openssl-legacy-provider', cli, 'serve', '--config', cfgPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  t.teardown(stop);
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server on port ${port} exited (${child.exitCode ?? child.signalCode}):\n${log}`);
    const reply = await fetch(`${base}/api/health`).then(
      async (r) => (r.ok ? ((await r.json()) as { config?: { path?: string | null } }) : null),
      () => null,
    );
    if (reply) {
      const path = reply.config?.path;
      if (path && resolve(path) === resolve(cfgPath)) return { log: () => log, reload: () => void child.kill('SIGHUP'), stop };
      await stop();
      throw new Error(`port ${port} answers for another server (config ${path ?? 'unknown'}, expected ${cfgPath}): a stale server took the port:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`server did not answer on ${base}:\n${log}`);
}
