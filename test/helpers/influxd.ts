import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';

/**
 * A private influxd 1.x for tests: its own config, data and ports on loopback, never the system service.
 * stop()/start() keep the data dir, so a test can take the server down mid-run to simulate an outage.
 */
export interface Influxd {
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stop for good and delete the data dir. */
  close(): Promise<void>;
  /** InfluxQL via /query; throws on an HTTP or statement error. */
  query(q: string, db?: string): Promise<InfluxQlResult[]>;
  createDatabase(name: string): Promise<void>;
}

export interface InfluxQlSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
export interface InfluxQlResult {
  statement_id: number;
  series?: InfluxQlSeries[];
  error?: string;
}

export const INFLUXD = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

export function influxdAvailable(): boolean {
  return existsSync(INFLUXD);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The one place the private influxd's config is written: tests, the benchmark and developers all start it through it. */
export const START_SCRIPT = join(PACKAGE_ROOT, 'scripts', 'start-influxd.sh');

export interface StartInfluxdOptions {
  /** HTTP port; a free one by default. */
  port?: number;
  /** RPC (backup/restore) port, which influxd always binds; a free one by default. */
  rpcPort?: number;
  /** Data folder; a new temp folder by default (deleted by close()). */
  dir?: string;
}

/**
 * Start a private influxd through scripts/start-influxd.sh and wait for /ping. A failure to start says why:
 * the script's and influxd's stderr (a taken port, a missing binary) are part of the error.
 */
export async function startInfluxd(opts: StartInfluxdOptions = {}): Promise<Influxd> {
  if (!existsSync(START_SCRIPT)) throw new Error(`influxd start script not found at ${START_SCRIPT}`);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'outpost-influxd-'));
  const port = opts.port ?? (await freePort());
  let rpcPort = opts.rpcPort ?? (await freePort());
  // Two free-port probes can hand back the same port; influxd would then fail to bind its second listener.
  while (rpcPort === port) rpcPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stderr = '';

  const ping = async (): Promise<boolean> => {
    try {
      const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
      return r.status === 204;
    } catch {
      return false;
    }
  };

  const start = async (): Promise<void> => {
    if (child) return;
    stderr = '';
    const c = spawn('sh', [START_SCRIPT, String(port), dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RPC_PORT: String(rpcPort), INFLUXD_BIN: INFLUXD },
    });
    child = c;
    c.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    c.once('exit', () => {
      if (child === c) child = undefined;
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (!child) throw new Error(`influxd exited during start: ${stderr}`);
      if (await ping()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`influxd did not answer /ping on ${url} within 20 s: ${stderr}`);
  };

  const stop = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
    child = undefined;
  };

  const query = async (q: string, db?: string): Promise<InfluxQlResult[]> => {
    const params = new URLSearchParams({ q, epoch: 'ms' });
    if (db) params.set('db', db);
    const r = await fetch(`${url}/query`, { method: 'POST', body: params });
    const j = (await r.json()) as { results?: InfluxQlResult[]; error?: string };
    if (r.status !== 200 || j.error) throw new Error(`query ${q}: HTTP ${r.status} ${j.error ?? ''}`);
    const results = j.results ?? [];
    for (const res of results) if (res.error) throw new Error(`query ${q}: ${res.error}`);
    return results;
  };

  await start();
  return {
    url,
    port,
    dir,
    start,
    stop,
    async close() {
      await stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
    query,
    async createDatabase(name) {
      await query(`CREATE DATABASE ${quoteIdent(name)}`);
    },
  };
}

/** An InfluxQL identifier, quoted so spaces, commas and quotes in names are safe. */
export function quoteIdent(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
