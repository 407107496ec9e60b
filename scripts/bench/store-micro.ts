/**
 * Micro-measure of the embedded store alone: CPU of write + flush for real SNMP points, without the poll.
 *   node dist/scripts/bench/store-micro.js [--devices 200] [--polls 16] [--reps 3] [--port 11161] [--store MODULE]
 * (--store: another build of embedded.js exporting EmbeddedStore, e.g. the previous version, to compare side by side).
 * Points are one real poll (after a first one, so rates exist) of each bench recording from snmpsim, copied to
 * N devices; every poll moves the clock one minute and changes the values a little, as a live network does, so
 * `latest` changes and roll-up buckets open and close as in production. One warm-up poll is not counted.
 * Prints one JSON line: { points, cpuSeconds (min of reps), usPerPoint, closeCpuSeconds, reps }.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { collectSnmp, closeSession, type SessionSlot } from '../../probes/snmp/index.js';
import { CounterState } from '../../probes/snmp/counters.js';
import { InventoryState } from '../../probes/snmp/inventory.js';
import { silentLogger, type Point } from '../../probes/types.js';
import { EmbeddedStore as CurrentStore } from '../../server/store/embedded.js';
import { SNMP_RECORDINGS } from './snmp.js';
import { ensureBenchSnmpsim } from './snmpsim.js';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '200' },
    polls: { type: 'string', default: '16' },
    reps: { type: 'string', default: '3' },
    port: { type: 'string', default: process.env.OUTPOST_SNMPSIM_PORT ?? '11161' },
    store: { type: 'string' },
  },
});
const devices = Number(args.devices);
const polls = Number(args.polls);
const reps = Number(args.reps);
const port = Number(args.port);
const EmbeddedStore: typeof CurrentStore = args.store ? ((await import(args.store)) as { EmbeddedStore: typeof CurrentStore }).EmbeddedStore : CurrentStore;

/** Two polls of each recording; the second has rates. */
async function recordedPoints(): Promise<Point[][]> {
  ensureBenchSnmpsim(port);
  const out: Point[][] = [];
  for (const community of SNMP_RECORDINGS) {
    const counters = new CounterState();
    const session: SessionSlot = {};
    const inventory = new InventoryState();
    let pts: Point[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await collectSnmp(
        { host: '127.0.0.1', port, credential: { version: '2c', community } },
        { log: silentLogger, now: Date.now() + i * 60_000, timeoutMs: 10_000, retries: 1, counters, maxGapMs: 600_000, session, inventory },
      );
      if (!r.ok) throw new Error(`snmpsim poll of ${community} failed`);
      pts = r.points;
    }
    closeSession(session);
    out.push(pts);
  }
  return out;
}

/** Poll k of a device: fresh objects (as the scheduler builds them), clock + k minutes, values nudged. */
function pollOf(base: Point[], device: string, k: number, t: number): Point[] {
  return base.map((p) => {
    const fields: Point['fields'] = {};
    for (const [f, v] of Object.entries(p.fields)) {
      // Integers walk like counters/gauges; floats wobble; strings and booleans stay (most do in reality).
      fields[f] = typeof v === 'number' ? (Number.isInteger(v) ? v + ((k * 7) % 5) : v * (1 + ((k % 3) - 1) / 100)) : v;
    }
    return { measurement: p.measurement, tags: { ...p.tags, site: 'bench', device }, fields, time: t };
  });
}

const recorded = await recordedPoints();
const runs: number[] = [];
let points = 0;
let closeCpu = 0;
for (let rep = 0; rep < reps; rep++) {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-store-micro-'));
  const store = new EmbeddedStore(dir, { rawMs: 7 * 86_400_000, fiveMinMs: 90 * 86_400_000, hourlyMs: 730 * 86_400_000 });
  const t0 = Date.now();
  const round = (k: number) => {
    let n = 0;
    for (let d = 0; d < devices; d++) {
      const pts = pollOf(recorded[d % recorded.length]!, `dev${d}`, k, t0 + k * 60_000);
      n += pts.length;
      store.write(`dev${d}`, pts);
    }
    store.flush();
    return n;
  };
  // Points are built outside the measured span: only the store's work is counted.
  const prebuilt: Point[][][] = [];
  round(0); // warm-up: JIT, series dictionary inserts
  for (let k = 1; k <= polls; k++) prebuilt.push(Array.from({ length: devices }, (_, d) => pollOf(recorded[d % recorded.length]!, `dev${d}`, k, t0 + k * 60_000)));
  const before = process.cpuUsage();
  points = 0;
  for (const batch of prebuilt) {
    batch.forEach((pts, d) => {
      points += pts.length;
      store.write(`dev${d}`, pts);
    });
    store.flush();
  }
  const used = process.cpuUsage(before);
  runs.push((used.user + used.system) / 1e6);
  const c0 = process.cpuUsage();
  store.close();
  const cu = process.cpuUsage(c0);
  closeCpu = (cu.user + cu.system) / 1e6;
  rmSync(dir, { recursive: true, force: true });
}
const best = Math.min(...runs);
console.log(JSON.stringify({ store: args.store ?? 'current', devices, polls, points, cpuSeconds: best, usPerPoint: (best / points) * 1e6, closeCpuSeconds: closeCpu, reps: runs }));
