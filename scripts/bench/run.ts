/**
 * `npm run bench`: every case, a markdown table on stdout, bench-results.json and docs/performance.md.
 *   --only snmp,ping,scale,writes,alerts,ui   --scale-devices 1000 --scale-minutes 5 --scale-interval 60
 *   --scale-simulators 1 --scale-concurrency auto --scale-port 19710 --snmp-rounds 5 --ping-hosts 1000 --influx-points 100000 --profile DIR (CPU profile of the Outpost SNMP child)
 *   --ui-devices 1000 --ui-runs 5 --ui-wrk-seconds 10
 *   --out FILE (JSON, default bench-results.json)   --no-doc (do not rewrite docs/performance.md)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../server/version.js';
import { machine, type BenchCaseResult, type BenchRow } from './common.js';
import { benchSnmp } from './snmp.js';
import { benchPing } from './ping.js';
import { benchScale } from './scale.js';
import { benchAlerts } from './alerts.js';
import { benchUi, benchUiLive } from './ui.js';
import { benchInflux } from './influx.js';
import { markdownTable, performanceDoc } from './report.js';
import { ensureBenchSnmpsim } from './snmpsim.js';

const CASES = ['snmp', 'ping', 'scale', 'writes', 'alerts', 'ui'] as const;
type CaseName = (typeof CASES)[number];

export interface BenchParams {
  only: CaseName[];
  snmpPort: number;
  snmpRounds: number;
  pingHosts: number;
  pingCount: number;
  pingReps: number;
  scaleDevices: number;
  scaleMinutes: number;
  scaleIntervalMs: number;
  scaleSimulators: number;
  scaleConcurrency: number | 'auto';
  /** First UDP port of the scale case (replay front, then snmpsimd): two runs at once need different ones. */
  scalePort: number;
  influxPoints: number;
  uiDevices: number;
  uiRuns: number;
  uiWrkSeconds: number;
  profileDir?: string;
}

export function parseBenchArgs(argv: string[]): BenchParams & { out: string; doc: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      'snmp-rounds': { type: 'string', default: '5' },
      'ping-hosts': { type: 'string', default: '1000' },
      'ping-count': { type: 'string', default: '5' },
      'ping-reps': { type: 'string', default: '3' },
      'scale-devices': { type: 'string', default: '1000' },
      'scale-minutes': { type: 'string', default: '5' },
      'scale-interval': { type: 'string', default: '60' },
      'scale-simulators': { type: 'string', default: '1' },
      'scale-concurrency': { type: 'string', default: 'auto' },
      'scale-port': { type: 'string', default: '19710' },
      'influx-points': { type: 'string', default: '100000' },
      'ui-devices': { type: 'string', default: '1000' },
      'ui-runs': { type: 'string', default: '5' },
      'ui-wrk-seconds': { type: 'string', default: '10' },
      profile: { type: 'string' },
      out: { type: 'string', default: 'bench-results.json' },
      'no-doc': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const num = (name: keyof typeof values, min: number) => {
    const v = Number(values[name]);
    if (!Number.isFinite(v) || v < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${String(values[name])}`);
    return v;
  };
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...CASES];
  for (const c of only) if (!CASES.includes(c as CaseName)) throw new Error(`--only: unknown case "${c}" (cases: ${CASES.join(', ')})`);
  return {
    only: only as CaseName[],
    snmpPort: Number(process.env.OUTPOST_SNMPSIM_PORT ?? 11161),
    snmpRounds: num('snmp-rounds', 1),
    pingHosts: num('ping-hosts', 1),
    pingCount: num('ping-count', 1),
    pingReps: num('ping-reps', 1),
    scaleDevices: num('scale-devices', 1),
    scaleMinutes: num('scale-minutes', 0.05),
    scaleIntervalMs: num('scale-interval', 1) * 1000,
    scaleSimulators: num('scale-simulators', 1),
    scaleConcurrency: values['scale-concurrency'] === 'auto' ? 'auto' : num('scale-concurrency', 1),
    scalePort: num('scale-port', 1024),
    influxPoints: num('influx-points', 1),
    uiDevices: num('ui-devices', 5),
    uiRuns: num('ui-runs', 1),
    uiWrkSeconds: num('ui-wrk-seconds', 1),
    profileDir: values.profile,
    out: values.out!,
    doc: !values['no-doc'],
  };
}

function influxRows(r: Awaited<ReturnType<typeof benchInflux>>): BenchCaseResult {
  return {
    rows: [
      {
        case: 'Writes',
        metric: `points/s to InfluxDB (${r.points} points)`,
        outpost: r.outpost.pointsPerSec,
        anchor: 'curl POST of pre-encoded batches',
        anchorValue: r.curl.pointsPerSec,
        ratio: r.ratio,
        goal: '≥ 0.8×',
        met: r.ratio >= 0.8,
        note: `ratio > 1: Outpost (encode + durable outbox, group-committed: one fsync per ${r.batchSize}-point batch + gzip + POST) is faster than curl (one process per batch, nothing durable); wall time, same influxd, same run`,
      },
    ],
    detail: r as unknown as Record<string, unknown>,
  };
}

/** Run the chosen cases; a failing case becomes an error line, the others still run. */
export async function runBench(p: BenchParams, log: (s: string) => void = console.error): Promise<{ rows: BenchRow[]; results: Record<string, unknown>; errors: string[] }> {
  const rows: BenchRow[] = [];
  const results: Record<string, unknown> = {};
  const errors: string[] = [];
  if (p.profileDir) mkdirSync(p.profileDir, { recursive: true });
  const cases: Record<CaseName, () => Promise<BenchCaseResult>> = {
    snmp: async () => {
      ensureBenchSnmpsim(p.snmpPort);
      return benchSnmp({ snmpPort: p.snmpPort, exporterPort: 19700, rounds: p.snmpRounds, profileDir: p.profileDir });
    },
    ping: () => benchPing({ hosts: p.pingHosts, count: p.pingCount, reps: p.pingReps }),
    scale: () => benchScale({ devices: p.scaleDevices, minutes: p.scaleMinutes, intervalMs: p.scaleIntervalMs, simulators: p.scaleSimulators, basePort: p.scalePort, concurrency: p.scaleConcurrency }),
    writes: async () => influxRows(await benchInflux({ points: p.influxPoints })),
    alerts: () => benchAlerts({ devices: 200, rounds: 3 }),
    ui: async () => {
      const size = benchUi();
      ensureBenchSnmpsim(p.snmpPort);
      const live = await benchUiLive({ devices: p.uiDevices, port: 19540, snmpPort: p.snmpPort, renderRuns: p.uiRuns, wrkSeconds: p.uiWrkSeconds });
      return { rows: [...size.rows, ...live.rows], detail: { size: size.detail, ...live.detail } };
    },
  };
  for (const name of p.only) {
    const t = performance.now();
    log(`bench: ${name}…`);
    try {
      const r = await cases[name]();
      rows.push(...r.rows);
      results[name] = r.detail;
      log(`bench: ${name} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } catch (err) {
      const msg = `${name}: ${(err as Error).message}`;
      errors.push(msg);
      log(`bench: ${msg}`);
    }
  }
  return { rows, results, errors };
}

async function main(): Promise<void> {
  const p = parseBenchArgs(process.argv.slice(2));
  const m = machine();
  const { rows, results, errors } = await runBench(p);
  const params = { ...p, profileDir: undefined };
  console.log(markdownTable(rows));
  writeFileSync(p.out, JSON.stringify({ machine: m, params, rows, results, errors }, null, 2) + '\n');
  if (p.doc) mkdirSync(join(PACKAGE_ROOT, 'docs'), { recursive: true });
  if (p.doc) writeFileSync(join(PACKAGE_ROOT, 'docs', 'performance.md'), performanceDoc(rows, m, params, errors));
  if (errors.length) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exitCode = 2;
  });
}
