/**
 * A real Runtime (store, scheduler, alerts) polling many simulated devices, in a process of its own so its
 * memory and CPU are Outpost's alone.  node scale-child.js '<json ScaleChildArgs>'
 * Prints one JSON line with peak RSS, CPU, per-device poll counts and store growth.
 */
import { mkdtempSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '../../server/runtime.js';
import { validateConfig } from '../../server/config/load.js';
import { silentLogger } from '../../probes/types.js';
import { peakRss, procCpu, sleep } from './common.js';

export interface ScaleChildArgs {
  devices: number;
  durationMs: number;
  intervalMs: number;
  ports: number[];
  communities: string[];
  /** Devices polled at once (defaults.concurrency). */
  concurrency: number;
}

export interface ScaleChildResult {
  devices: number;
  durationMs: number;
  intervalMs: number;
  peakRssBytes: number;
  rssAtStartBytes: number;
  cpuSeconds: number;
  childCpuSeconds: number;
  polls: number;
  pollsFailed: number;
  devicesOnSchedule: number;
  /** Longest gap between two polls of one device, minus the interval (ms). */
  worstLagMs: number;
  minPolls: number;
  maxPolls: number;
  storeBytesStart: number;
  storeBytesEnd: number;
  storeMeasuredMs: number;
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}

const args = JSON.parse(process.argv[2] ?? '{}') as ScaleChildArgs;
if (!args.devices || !args.durationMs || !args.intervalMs || !args.ports?.length || !args.communities?.length) {
  console.error('usage: scale-child \'{"devices":N,"durationMs":..,"intervalMs":..,"ports":[..],"communities":[..]}\'');
  process.exit(2);
}

const raw = {
  site: { id: 'bench' },
  credentials: Object.fromEntries(args.communities.map((c) => [c, { version: '2c', community: c }])),
  defaults: { interval: `${args.intervalMs}ms`, timeout: '10s', retries: 1, concurrency: args.concurrency ?? 16 },
  // One ping target (all simulators share 127.0.0.1): the ping case measures fping at scale separately.
  devices: Array.from({ length: args.devices }, (_, i) => ({
    name: `dev${String(i).padStart(4, '0')}`,
    host: '127.0.0.1',
    port: args.ports[i % args.ports.length]!,
    snmp: args.communities[Math.floor(i / args.ports.length) % args.communities.length]!,
  })),
};
const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-scale-'));
const res = validateConfig(raw, {});
if (!res.ok) {
  console.error(JSON.stringify(res.issues));
  process.exit(2);
}
const times = new Map<string, number[]>();
let failed = 0;
const rssAtStartBytes = process.memoryUsage().rss;
const rt = new Runtime({ config: res.config, log: silentLogger, env: { OUTPOST_DATA_DIR: dataDir } });
rt.onPoll((s) => {
  if (s.probe !== 'snmp') return;
  if (!s.ok) failed++;
  const list = times.get(s.device) ?? [];
  list.push(s.time);
  times.set(s.device, list);
});
const cpu0 = procCpu('self');
const started = Date.now();
rt.start();
// Store growth is measured after the first interval: the first polls create every series row once.
const firstMark = Math.min(args.intervalMs + 10_000, args.durationMs / 2);
await sleep(firstMark);
rt.flush();
rt.store.db.pragma('wal_checkpoint(TRUNCATE)');
const storeBytesStart = dirBytes(dataDir);
const markAt = Date.now();
await sleep(Math.max(0, started + args.durationMs - Date.now()));
const end = Date.now();
rt.flush();
rt.store.db.pragma('wal_checkpoint(TRUNCATE)');
const storeBytesEnd = dirBytes(dataDir);
const cpu1 = procCpu('self');
const peak = peakRss('self');
await rt.close();
rmSync(dataDir, { recursive: true, force: true });

let onSchedule = 0;
let worstLagMs = 0;
let minPolls = Infinity;
let maxPolls = 0;
let polls = 0;
const slack = args.intervalMs * 1.5;
for (const d of raw.devices) {
  const t = times.get(d.name) ?? [];
  polls += t.length;
  minPolls = Math.min(minPolls, t.length);
  maxPolls = Math.max(maxPolls, t.length);
  let ok = t.length > 0 && t[0]! - started <= args.intervalMs + 10_000 && end - t[t.length - 1]! <= slack;
  for (let i = 1; i < t.length; i++) {
    const gap = t[i]! - t[i - 1]!;
    worstLagMs = Math.max(worstLagMs, gap - args.intervalMs);
    if (gap > slack) ok = false;
  }
  if (ok) onSchedule++;
}
const result: ScaleChildResult = {
  devices: args.devices,
  durationMs: end - started,
  intervalMs: args.intervalMs,
  peakRssBytes: peak,
  rssAtStartBytes,
  cpuSeconds: cpu1.self - cpu0.self,
  childCpuSeconds: cpu1.children - cpu0.children,
  polls,
  pollsFailed: failed,
  devicesOnSchedule: onSchedule,
  worstLagMs,
  minPolls: Number.isFinite(minPolls) ? minPolls : 0,
  maxPolls,
  storeBytesStart,
  storeBytesEnd,
  storeMeasuredMs: end - markAt,
};
console.log(JSON.stringify(result));
process.exit(0);
