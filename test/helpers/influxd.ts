import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

export function influxdConfig(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[coordinator]
[retention]
  enabled = false
[shard-precreation]
  enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
[logging]
  level = "warn"
[continuous_queries]
  enabled = false
`;
}

export async function startInfluxd(): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-influxd-'));
  const port = await freePort();
  const rpcPort = await freePort();
  const configPath = join(dir, 'influxdb.conf');
  writeFileSync(configPath, influxdConfig(dir, port, rpcPort));
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
    const c = spawn(INFLUXD, ['-config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    throw new Error(`influxd did not answer /ping within 20 s: ${stderr}`);
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
      rmSync(dir, { recursive: true, force: true });
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
