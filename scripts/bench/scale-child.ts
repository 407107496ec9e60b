/**
 * The appliance as `outpost serve` runs it (Fastify app with every route, Runtime, store, scheduler, alerts,
 * listening on a loopback port) polling many simulated devices, in a process of its own so its memory and CPU are
 * Outpost's alone.  node [flags] scale-child.js '<json ScaleChildArgs>'
 * Prints one JSON line with RSS by stage, CPU, per-device poll counts and store growth.
 * Modules are imported dynamically after the first memory mark, so "node itself" and "module weight" separate.
 */
import { mkdtempSync, rmSync, readdirSync, statSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { PACKAGE_ROOT } from '../../server/version.js';
import { onSchedule, type ScheduleResult } from './scale-schedule.js';
import { UdpDropSampler } from './scale-udp.js';

export interface ScaleChildArgs {
  devices: number;
  durationMs: number;
  intervalMs: number;
  ports: number[];
  /** Device i uses communities[i % length] (repeat a recording to weight the mix). */
  communities: string[];
  /** Devices polled at once (defaults.concurrency). */
  concurrency: number | 'auto';
}

export interface MemoryMark {
  stage: string;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
}

/** The schedule figures (ScheduleResult: on-schedule devices, polls after warm-up, worst lag) plus the rest. */
export interface ScaleChildResult extends ScheduleResult {
  devices: number;
  durationMs: number;
  intervalMs: number;
  peakRssBytes: number;
  /** RSS after each start-up stage, then at the end of polling. */
  memory: MemoryMark[];
  cpuSeconds: number;
  childCpuSeconds: number;
  /** SNMP polls whose start fell in the run (warm-up included). */
  polls: number;
  pollsFailed: number;
  /** Failed polls by the scheduler's error code (`timeout` = the simulator did not answer in time). */
  failures: Record<string, number>;
  storeBytesStart: number;
  storeBytesEnd: number;
  storeMeasuredMs: number;
  /** Device-polls whose points the store wrote while store growth was measured. */
  storeDevicePolls: number;
  /** Growth of each table/index while measured (bytes): roll-up rows appear in bursts at 5-minute/hour boundaries. */
  storeTableGrowth: Record<string, number>;
  /**
   * The roll-up tables after the open buckets were written out at the end: rows, series with a row, bytes. A
   * day's roll-up growth is computed from these (series × 288 five-minute rows + series × 24 hourly rows at the
   * measured bytes per row) rather than from the window, which holds a 5-minute boundary in some runs only.
   */
  rollupTables: Record<'points_5m' | 'points_1h', { rows: number; series: number; bytes: number }>;
  /** Points the store wrote per device-poll, and series (rows of `series`) at the end. */
  storePointsPerDevicePoll: number;
  httpPort: number;
  /** Wall time of one SNMP poll (request round trips and Outpost's work), mean and worst. */
  pollMsMean: number;
  pollMsMax: number;
  /** Polls by wall time: ≤1 s, 1–5 s, 5–10 s, >10 s (a lost datagram costs one timeout). */
  pollMsBuckets: { le1s: number; le5s: number; le10s: number; gt10s: number };
  /** The slowest polls: device, community, start (ms after the run started), duration, error. */
  slowest: Array<{ device: string; at: number; ms: number; error?: string }>;
  /** Datagrams the kernel dropped at this process's UDP sockets (receive buffer full), sampled every 2 s. */
  udpDrops: number;
  /** The scheduler's slots: main lane and unreachable lane (what `concurrency: auto` resolved to). */
  lanes: { main: number; unreachable: number };
}

const mark = (stage: string): MemoryMark => {
  const m = process.memoryUsage();
  return { stage, rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external };
};
const memory: MemoryMark[] = [mark('node started')];

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}

/**
 * Bytes per table and index of the embedded store (SQLite's dbstat), to see what grows. Read by a short-lived
 * process of its own: a dbstat scan pages the whole database through SQLite's cache, and that is the harness's
 * memory, not the appliance's peak RSS.
 */
function tableBytes(dbFile: string): Record<string, number> {
  const script =
    "const D=require('better-sqlite3');const db=new D(process.argv[1],{readonly:true});" +
    "console.log(JSON.stringify(db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all()))";
  const out = execFileSync(process.execPath, ['-e', script, dbFile], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  const rows = JSON.parse(out) as Array<{ name: string; bytes: number }>;
  return Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
}

/** GET on the appliance with node:http (already loaded by the server): fetch would load undici into this process. */
function httpGet(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = httpRequest(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
    });
    req.on('error', () => resolve(null));
    req.end();
  });
}

const args = JSON.parse(process.argv[2] ?? '{}') as ScaleChildArgs;
if (!args.devices || !args.durationMs || !args.intervalMs || !args.ports?.length || !args.communities?.length) {
  console.error('usage: scale-child \'{"devices":N,"durationMs":..,"intervalMs":..,"ports":[..],"communities":[..]}\'');
  process.exit(2);
}

const { peakRss, procCpu, sleep } = await import('./common.js');
const { default: Fastify } = await import('fastify');
const { default: app } = await import('../../server/app.js');
const { fastifyOptions } = await import('../../server/fastify-options.js');
const { validateConfig } = await import('../../server/config/load.js');
memory.push(mark('modules loaded'));

const raw = {
  site: { id: 'bench' },
  credentials: Object.fromEntries([...new Set(args.communities)].map((c) => [c, { version: '2c', community: c }])),
  defaults: { interval: `${args.intervalMs}ms`, timeout: '10s', retries: 1, concurrency: args.concurrency ?? 'auto' },
  // One ping target (all simulators share 127.0.0.1): the ping case measures fping at scale separately.
  devices: Array.from({ length: args.devices }, (_, i) => ({
    name: `dev${String(i).padStart(4, '0')}`,
    host: '127.0.0.1',
    port: args.ports[i % args.ports.length]!,
    snmp: args.communities[i % args.communities.length]!,
  })),
};
const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-scale-'));
const res = validateConfig(raw, {});
if (!res.ok) {
  console.error(JSON.stringify(res.issues));
  process.exit(2);
}
// As server.ts builds it: pino at info (formatting is part of the cost), written where nobody reads it.
const fastify = Fastify({ logger: { level: 'info', stream: createWriteStream('/dev/null') }, ...fastifyOptions });
await fastify.register(app, { config: res.config, log: fastify.log, env: { OUTPOST_DATA_DIR: dataDir } });
await fastify.ready();
const rt = fastify.outpost;
memory.push(mark('app registered'));
await fastify.listen({ port: 0, host: '127.0.0.1' });
const address = fastify.server.address();
const httpPort = typeof address === 'object' && address ? address.port : 0;
memory.push(mark('listening'));

const times = new Map<string, number[]>();
const failures: Record<string, number> = {};
let failed = 0;
let storeDevicePolls = 0;
let pollMsTotal = 0;
let pollMsMax = 0;
let measuringStore = false;
const pollMsBuckets = { le1s: 0, le5s: 0, le10s: 0, gt10s: 0 };
const slowest: ScaleChildResult['slowest'] = [];
const drops = new UdpDropSampler('self');
rt.onPoll((s) => {
  if (s.probe !== 'snmp') return;
  if (!s.ok) {
    failed++;
    failures[s.error ?? 'unknown'] = (failures[s.error ?? 'unknown'] ?? 0) + 1;
  }
  if (measuringStore) storeDevicePolls++;
  pollMsTotal += s.durationMs;
  pollMsMax = Math.max(pollMsMax, s.durationMs);
  const ms = s.durationMs;
  if (ms <= 1000) pollMsBuckets.le1s++;
  else if (ms <= 5000) pollMsBuckets.le5s++;
  else if (ms <= 10_000) pollMsBuckets.le10s++;
  else pollMsBuckets.gt10s++;
  if (ms > 1000) {
    slowest.push({ device: s.device, at: s.time - started, ms: Math.round(ms), ...(s.ok ? {} : { error: s.error }) });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, 20);
  }
  const list = times.get(s.device) ?? [];
  list.push(s.time);
  times.set(s.device, list);
});
const cpu0 = procCpu('self');
const started = Date.now();
rt.start();
// Store growth is measured from the third interval: the first polls create every series row once, and rate
// series (bps from octet counters) first appear at a device's second poll.
const warmupEnd = started + args.intervalMs;
await sleep(Math.min(2 * args.intervalMs + 10_000, args.durationMs / 2));
rt.flush();
rt.store.db.pragma('wal_checkpoint(TRUNCATE)');
const storeBytesStart = dirBytes(dataDir);
const tablesStart = tableBytes(rt.store.db.name);
const pointsStart = rt.store.pointsWritten;
measuringStore = true;
const markAt = Date.now();
// One request of the dashboard's while polling, so the HTTP path is warm as on an appliance someone looks at.
const health = await httpGet(`http://127.0.0.1:${httpPort}/api/health`);
if (health !== 200) throw new Error(`the HTTP server answered /api/health with ${health ?? 'nothing'}`);
await sleep(Math.max(0, started + args.durationMs - Date.now()));
const end = Date.now();
measuringStore = false;
rt.flush();
rt.store.db.pragma('wal_checkpoint(TRUNCATE)');
const storeBytesEnd = dirBytes(dataDir);
const tablesEnd = tableBytes(rt.store.db.name);
const storeTableGrowth = Object.fromEntries(Object.keys(tablesEnd).map((k) => [k, tablesEnd[k]! - (tablesStart[k] ?? 0)]).filter(([, v]) => v !== 0));
// Every series' open buckets as rows, so each roll-up table has a row per series to size.
rt.store.settleRollups();
rt.store.db.pragma('wal_checkpoint(TRUNCATE)');
const tablesSettled = tableBytes(rt.store.db.name);
const rollupTable = (name: 'points_5m' | 'points_1h') => {
  const c = rt.store.db.prepare(`SELECT COUNT(*) AS rows, COUNT(DISTINCT sid) AS series FROM ${name}`).get() as { rows: number; series: number };
  return { ...c, bytes: tablesSettled[name] ?? 0 };
};
const rollupTables = { points_5m: rollupTable('points_5m'), points_1h: rollupTable('points_1h') };
const storePoints = rt.store.pointsWritten - pointsStart;
const cpu1 = procCpu('self');
memory.push(mark('end of polling'));
// Memory analysis by hand: OUTPOST_BENCH_HEAPSNAPSHOT=DIR writes DIR/scale-end.heapsnapshot here (before the
// optional GC, so the snapshot shows what polling left) and DIR/scale-end-memory.json (memoryUsage, smaps_rollup).
const snapDir = process.env.OUTPOST_BENCH_HEAPSNAPSHOT;
if (snapDir) {
  const { writeHeapSnapshot, getHeapSpaceStatistics } = await import('node:v8');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const smaps = readFileSync('/proc/self/smaps_rollup', 'utf8');
  writeFileSync(join(snapDir, 'scale-end-memory.json'), JSON.stringify({ memoryUsage: process.memoryUsage(), heapSpaces: getHeapSpaceStatistics(), smaps }, null, 1));
  writeHeapSnapshot(join(snapDir, 'scale-end.heapsnapshot'));
}
// Run by hand with --expose-gc: how much of the heap is live rather than garbage not yet collected.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  gc();
  memory.push(mark('end of polling, after a full GC'));
}
const peak = peakRss('self');
const udpDrops = drops.stop();
await fastify.close();
rmSync(dataDir, { recursive: true, force: true });

const sched = onSchedule(
  raw.devices.map((d) => times.get(d.name) ?? []),
  { warmupEnd, end, intervalMs: args.intervalMs },
);
const result: ScaleChildResult = {
  devices: args.devices,
  durationMs: end - started,
  intervalMs: args.intervalMs,
  peakRssBytes: peak,
  memory,
  cpuSeconds: cpu1.self - cpu0.self,
  childCpuSeconds: cpu1.children - cpu0.children,
  polls: [...times.values()].reduce((s, t) => s + t.length, 0),
  pollsFailed: failed,
  failures,
  ...sched,
  storeBytesStart,
  storeBytesEnd,
  storeMeasuredMs: end - markAt,
  storeDevicePolls,
  storeTableGrowth,
  rollupTables,
  storePointsPerDevicePoll: storeDevicePolls ? storePoints / storeDevicePolls : 0,
  httpPort,
  pollMsMean: 0,
  pollMsMax,
  pollMsBuckets,
  slowest,
  udpDrops,
  lanes: rt.scheduler.lanes,
};
result.pollMsMean = result.polls ? pollMsTotal / result.polls : 0;
console.log(JSON.stringify(result));
process.exit(0);
