import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';
import type { Tap } from './app.js';

export const CHROMIUM = process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium';

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
  stop(): Promise<void>;
}

/**
 * Start the real server (`node dist/server/cli.js serve`) and wait until /api/health answers. Stopped on
 * teardown if the test did not stop it itself.
 */
export async function startOutpost(t: Tap, cli: string, cfgPath: string, env: NodeJS.ProcessEnv, base: string): Promise<OutpostServer> {
  const { spawn } = await import('node:child_process');
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
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${log}`);
    const ok = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { log: () => log, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`server did not answer on ${base}:\n${log}`);
}
