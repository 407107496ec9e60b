import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { silentLogger, type Point } from '../../probes/types.js';
import { InfluxSink } from '../../server/store/influx/index.js';
import { toLine } from '../../server/store/influx/line-protocol.js';
import { startInfluxd } from '../../test/helpers/influxd.js';

const run = promisify(execFile);

export interface BenchInfluxOptions {
  /** An InfluxDB 1.x to write to; by default a private one is started (test/helpers/influxd.ts, through scripts/start-influxd.sh). */
  url?: string;
  points?: number;
  batchSize?: number;
  /** Points per enqueue() call: one poll of a mid-size switch. */
  pointsPerPoll?: number;
  /**
   * Points enqueued per event-loop turn (default: one batch). Between turns the flusher runs, as it does
   * while polls keep arriving in Outpost; `points` makes it one turn: every poll first, then all the sending.
   */
  burst?: number;
}

export interface BenchInfluxResult {
  points: number;
  batchSize: number;
  /**
   * Outpost: encode + durable enqueue + gzip + POST + outbox removal, from the first enqueue to the last point
   * accepted. Polls arrive `burst` points per event-loop turn, so the sink group-commits one fsync per batch;
   * enqueueSeconds is the time until the last poll was enqueued (sending overlaps it).
   */
  outpost: { seconds: number; pointsPerSec: number; enqueueSeconds: number; burst: number };
  /** curl: POSTing the same lines, already encoded, one process per batch, nothing durable. */
  curl: { seconds: number; pointsPerSec: number };
  /** outpost / curl: above 1 means Outpost's durable path is faster than curl with none. */
  ratio: number;
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
  const burst = opts.burst ?? batchSize;
  const work = mkdtempSync(join(tmpdir(), 'outpost-bench-influx-'));
  const own = opts.url ? undefined : await startInfluxd({ dir: join(work, 'influxd') });
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
    for (let i = 0; i < n; i += perPoll) {
      sink.enqueue(points.slice(i, i + perPoll));
      if (Math.floor((i + perPoll) / burst) > Math.floor(i / burst)) await new Promise((r) => setImmediate(r));
    }
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

    const outpost = { seconds: outpostSeconds, pointsPerSec: n / outpostSeconds, enqueueSeconds, burst };
    const curl = { seconds: curlSeconds, pointsPerSec: n / curlSeconds };
    return { points: n, batchSize, outpost, curl, ratio: outpost.pointsPerSec / curl.pointsPerSec };
  } finally {
    await own?.close();
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
