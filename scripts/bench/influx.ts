import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { silentLogger, type Point } from '../../probes/types.js';
import { InfluxSink } from '../../server/store/influx/index.js';
import { toLine } from '../../server/store/influx/line-protocol.js';

const run = promisify(execFile);

export interface BenchInfluxOptions {
  /** An InfluxDB 1.x to write to; by default a private one is started with scripts/start-influxd.sh. */
  url?: string;
  points?: number;
  batchSize?: number;
  /** Points per enqueue() call: one poll of a mid-size switch. */
  pointsPerPoll?: number;
}

export interface BenchInfluxResult {
  points: number;
  batchSize: number;
  /** Outpost: encode + durable enqueue (fsync per poll) + gzip + POST + outbox removal. */
  outpost: { seconds: number; pointsPerSec: number; enqueueSeconds: number };
  /** curl: POSTing the same lines, already encoded, one process per batch, nothing durable. */
  curl: { seconds: number; pointsPerSec: number };
  /** outpost / curl: above 1 means Outpost's durable path is faster than curl with none. */
  ratio: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function startPrivateInfluxd(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const script = fileURLToPath(new URL('../start-influxd.sh', import.meta.url));
  const child = spawn('sh', [script, String(port), dir], { stdio: 'ignore', env: { ...process.env, RPC_PORT: String(await freePort()) } });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/ping`)).status === 204) return { url, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('influxd did not start');
}

async function influxql(url: string, q: string, db?: string): Promise<unknown> {
  const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const r = await fetch(`${url}/query`, { method: 'POST', body });
  return r.json();
}

/** A realistic load: interface points of many switch ports, integer counters and float rates. */
function makePoints(n: number, t0: number): Point[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: 'interface',
    tags: { site: 'bench', device: `sw${i % 20}`, ifName: `Gi1/0/${(i >> 5) % 48}`, ifIndex: String((i >> 5) % 48) },
    fields: { in_octets: 1_000_000 + i, out_octets: 2_000_000 + i, in_bps: 1234.5, out_bps: 99.25, oper_up: true },
    time: t0 + i,
  }));
}

/** Outpost's writer against curl on the same influxd in the same run; returns points/s of each and the ratio. */
export async function benchInflux(opts: BenchInfluxOptions = {}): Promise<BenchInfluxResult> {
  const n = opts.points ?? 100_000;
  const batchSize = opts.batchSize ?? 5000;
  const perPoll = opts.pointsPerPoll ?? 50;
  const work = mkdtempSync(join(tmpdir(), 'outpost-bench-influx-'));
  const own = opts.url ? undefined : await startPrivateInfluxd(join(work, 'influxd'));
  const url = opts.url ?? own!.url;
  try {
    await influxql(url, 'CREATE DATABASE bench_outpost');
    await influxql(url, 'CREATE DATABASE bench_curl');
    const t0 = Date.UTC(2026, 0, 1);
    const points = makePoints(n, t0);

    const sink = new InfluxSink(
      { url, version: 1, database: 'bench_outpost', batch_size: batchSize, flush_interval: '1h', budget_mb: 1024, timeout: '30s' },
      { dataDir: join(work, 'outbox'), site: 'bench', log: silentLogger },
    );
    const started = performance.now();
    sink.start();
    for (let i = 0; i < n; i += perPoll) sink.enqueue(points.slice(i, i + perPoll));
    const enqueueSeconds = (performance.now() - started) / 1000;
    while (sink.stats().outboxPoints > 0) {
      await sink.flushNow();
      if (sink.stats().state !== 'ok') throw new Error(`bench sink failed: ${sink.stats().lastError}`);
    }
    const outpostSeconds = (performance.now() - started) / 1000;
    await sink.close();

    const files: string[] = [];
    for (let i = 0; i < n; i += batchSize) {
      const f = join(work, `batch-${i}.lp`);
      writeFileSync(f, points.slice(i, i + batchSize).map((p) => toLine(p, t0)).join('\n'));
      files.push(f);
    }
    const curlStarted = performance.now();
    for (const f of files) {
      const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-XPOST', `${url}/write?db=bench_curl&precision=ms`, '--data-binary', `@${f}`]);
      if (stdout.trim() !== '204') throw new Error(`curl write answered ${stdout}`);
    }
    const curlSeconds = (performance.now() - curlStarted) / 1000;

    const outpost = { seconds: outpostSeconds, pointsPerSec: n / outpostSeconds, enqueueSeconds };
    const curl = { seconds: curlSeconds, pointsPerSec: n / curlSeconds };
    return { points: n, batchSize, outpost, curl, ratio: outpost.pointsPerSec / curl.pointsPerSec };
  } finally {
    if (own) {
      const exited = new Promise((r) => own.child.once('exit', r));
      own.child.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const points = Number(process.env.BENCH_POINTS ?? 100_000);
  benchInflux({ points }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: Error) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
