import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';
import { procCpu, runNodeChild, runCounted, sleep, type BenchCaseResult } from './common.js';
import type { ScaleChildArgs, ScaleChildResult } from './scale-child.js';
import type { ReplayArgs, ReplayStats } from './scale-replay.js';
import { UdpDropSampler } from './scale-udp.js';

/**
 * A site's mix, weighted as MSP sites look (mostly UPSes and small switches, one firewall or NAS per dozen):
 * device i polls SCALE_RECORDINGS[i % length]. apc_smx750i must stay: readiness is probed with it.
 */
export const SCALE_RECORDINGS = [
  'apc_smx750i', 'tplink_sg2008', 'cyberpower', 'edgeswitch_10xp', 'eatonups', 'ciscosb_sg350-10', 'apc_smx750i', 'tplink_sg2008',
  'fortigate_60f', 'apc_smx750i', 'cyberpower', 'edgeswitch_10xp', 'eatonups', 'ciscosb_sg350-10', 'tplink_sg2008', 'dsm_ds214se-dsm7',
];

export interface ScaleBenchOptions {
  devices: number;
  minutes: number;
  intervalMs: number;
  /** snmpsimd instances (one Python process each); behind the replay front they follow its ports. */
  simulators: number;
  /** The replay front listens on basePort … basePort+frontPorts-1 (devices are spread over them). */
  basePort: number;
  frontPorts?: number;
  /**
   * false: devices talk to snmpsimd directly (≈100 ms of simulator CPU per poll, so at most a few hundred
   * devices a minute on 2 cores; the case then measures snmpsim's queue).
   */
  replay?: boolean;
  /** Devices polled at once (defaults.concurrency; 'auto' = the config default). */
  concurrency?: number | 'auto';
  /** Node flags for the Outpost child: the ones `npm start` and the systemd unit run with. */
  nodeFlags?: string[];
}

/**
 * What `npm start` and systemd/outpost.service run node with (test/bench/appliance-flags.test.ts keeps the three in
 * step). The heap flags trade ~17 % more CPU for a third less peak RSS at 1,000 devices: V8's default young
 * generation (16 MB semi-spaces) and old-generation growth let a 60 MB live heap reach 235 MB of RSS.
 */
export const APPLIANCE_NODE_FLAGS = ['--openssl-legacy-provider', '--max-semi-space-size=2', '--heap-growing-percent=15', '--v8-pool-size=2'];

interface Sim {
  port: number;
  child: ChildProcess;
}

interface Replay {
  child: ChildProcess;
  ports: number[];
  stats: Promise<ReplayStats | null>;
}

async function answers(port: number): Promise<boolean> {
  const r = await runCounted('snmpget', ['-v2c', '-c', 'apc_smx750i', '-t', '1', '-r', '0', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.2.0']);
  return r.code === 0;
}

async function waitAnswers(port: number, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`${what} on ${port} exited with ${child.exitCode}`);
    if (await answers(port)) return;
    await sleep(500);
  }
  throw new Error(`${what} on ${port} did not answer within 2 minutes`);
}

/**
 * snmpsimd instances started here (not via start-snmpsim.sh) so that this process owns their PIDs and their
 * per-request logging is off: logging every varbind costs the simulator more CPU than answering.
 */
async function startSims(o: ScaleBenchOptions, firstPort: number): Promise<{ sims: Sim[]; work: string }> {
  const work = mkdtempSync(join(tmpdir(), 'outpost-bench-scale-sims-'));
  const data = join(work, 'data');
  mkdirSync(data);
  for (const r of new Set(SCALE_RECORDINGS)) copyFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', 'snmp', 'recordings', `${r}.snmprec`), join(data, `${r}.snmprec`));
  // snmpsimd drops to `nobody` when run as root, and must then read the recordings and write its cache.
  chmodSync(work, 0o755);
  chmodSync(data, 0o755);
  const root = process.getuid?.() === 0;
  const sims: Sim[] = [];
  try {
    for (let i = 0; i < o.simulators; i++) {
      const port = firstPort + i;
      if (await answers(port)) throw new Error(`port ${port} already answers SNMP: another simulator is running there`);
      const cache = join(work, `cache-${port}`);
      mkdirSync(cache);
      chmodSync(cache, 0o777);
      const child = spawn(
        'snmpsimd',
        [`--data-dir=${data}`, `--cache-dir=${cache}`, '--variation-modules-dir=/usr/share/snmpsim/variation', `--agent-udpv4-endpoint=127.0.0.1:${port}`,
          '--logging-method=null', ...(root ? ['--process-user=nobody', '--process-group=nogroup'] : [])],
        { stdio: 'ignore' },
      );
      sims.push({ port, child });
    }
    for (const s of sims) await waitAnswers(s.port, s.child, 'snmpsimd');
    return { sims, work };
  } catch (err) {
    await stopSims(sims, work);
    throw err;
  }
}

async function startReplay(o: ScaleBenchOptions, sims: Sim[]): Promise<Replay> {
  const ports = Array.from({ length: o.frontPorts ?? 4 }, (_, i) => o.basePort + i);
  for (const p of ports) if (await answers(p)) throw new Error(`port ${p} already answers SNMP: another simulator is running there`);
  const args: ReplayArgs = { routes: ports.map((port, i) => ({ port, upstream: sims[i % sims.length]!.port })) };
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'scripts', 'bench', 'scale-replay.js'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  const stats = new Promise<ReplayStats | null>((resolve) =>
    child.once('exit', () => {
      const last = Buffer.concat(out).toString().trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as ReplayStats);
      } catch {
        resolve(null);
      }
    }),
  );
  const replay = { child, ports, stats };
  try {
    for (const p of ports) await waitAnswers(p, child, 'scale-replay');
  } catch (err) {
    await stopReplay(replay);
    throw err;
  }
  return replay;
}

async function stopReplay(r: Replay): Promise<ReplayStats | null> {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
  return r.stats;
}

async function stopSims(sims: Sim[], work: string): Promise<void> {
  await Promise.all(
    sims.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      const exited = new Promise((r) => s.child.once('exit', r));
      s.child.kill('SIGTERM');
      await exited;
    }),
  );
  rmSync(work, { recursive: true, force: true });
}

const perRow = (t: { rows: number; bytes: number }) => (t.rows > 0 ? t.bytes / t.rows : 0);

/**
 * A day of store growth at this site size: raw points at the rate measured over the window, plus a day of
 * roll-up rows (one per series per 5 minutes, one per hour) at the size a row takes in its table. The window is
 * shorter than 5 minutes, so whether roll-up rows land in it is luck: extrapolating the window's total swung the
 * figure from 0.9 to 2.9 GB/day between runs of the same code. The one-row engine state is left out: it has the
 * size of the site, not of its history.
 */
export function storePerDay(r: Pick<ScaleChildResult, 'storeTableGrowth' | 'storeMeasuredMs' | 'rollupTables'>): { rawPerDay: number; rollupPerDay: number } {
  const DAY = 86_400_000;
  const rawPerDay = r.storeMeasuredMs > 0 ? ((r.storeTableGrowth.raw_points ?? 0) / r.storeMeasuredMs) * DAY : NaN;
  const { points_5m: m5, points_1h: h1 } = r.rollupTables;
  const rollupPerDay = m5.series * 288 * perRow(m5) + h1.series * 24 * perRow(h1);
  return { rawPerDay, rollupPerDay };
}

/**
 * The appliance (HTTP server + Runtime) polling N simulated devices for M minutes: peak RSS by stage, CPU, schedule
 * kept, store growth/day. The simulators are snmpsimd behind a replay front (scale-replay.ts) unless replay is off.
 */
export async function benchScale(o: ScaleBenchOptions): Promise<BenchCaseResult> {
  const replayOn = o.replay !== false;
  // Behind the replay front (basePort …), snmpsimd takes the ports right after the front's.
  const { sims, work } = await startSims(o, replayOn ? o.basePort + (o.frontPorts ?? 4) : o.basePort);
  let replay: Replay | undefined;
  try {
    replay = replayOn ? await startReplay(o, sims) : undefined;
    const simPids = [...sims.map((s) => s.child.pid!), ...(replay ? [replay.child.pid!] : [])];
    const simCpuNow = () => simPids.reduce((s, pid) => s + procCpu(pid).self, 0);
    const snmpsimCpuNow = () => sims.reduce((s, x) => s + procCpu(x.child.pid!).self, 0);
    // snmpsimd's own socket: a burst of replay misses can overflow it while Python is busy (a lost request is a
    // whole timeout for the poll that sent it).
    const snmpsimDrops = sims.map((s) => new UdpDropSampler(s.child.pid!));
    const simCpu0 = simCpuNow();
    const snmpsimCpu0 = snmpsimCpuNow();
    const concurrency = o.concurrency ?? 'auto';
    const args: ScaleChildArgs = { devices: o.devices, durationMs: o.minutes * 60_000, intervalMs: o.intervalMs, ports: replay ? replay.ports : sims.map((s) => s.port), communities: SCALE_RECORDINGS, concurrency };
    const flags = o.nodeFlags ?? APPLIANCE_NODE_FLAGS;
    const r = await runNodeChild<ScaleChildResult>('scale-child', [JSON.stringify(args)], flags);
    const simCpu = simCpuNow() - simCpu0;
    const snmpsimCpu = snmpsimCpuNow() - snmpsimCpu0;
    const replayStats = replay ? await stopReplay(replay) : null;
    const snmpsimUdpDrops = snmpsimDrops.reduce((s, d) => s + d.stop(), 0);
    // Anchor for memory: a bare node process's peak RSS (same flags), measured now on this machine.
    const bare = await runCounted(process.execPath, [...flags, '-e', "console.log(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1])"]);
    const bareRss = Number(bare.stdout.trim()) * 1024;
    const cpuPct = ((r.cpuSeconds + r.childCpuSeconds) / (r.durationMs / 1000)) * 100;
    const { rawPerDay, rollupPerDay } = storePerDay(r);
    const perDay = rawPerDay + rollupPerDay;
    const bytesPerDevicePoll = r.storeDevicePolls > 0 ? (r.storeTableGrowth.raw_points ?? 0) / r.storeDevicePolls : NaN;
    const MB = 1024 * 1024;
    const modules = r.memory.find((m) => m.stage === 'modules loaded')?.rssBytes ?? 0;
    const listening = r.memory.find((m) => m.stage === 'listening')?.rssBytes ?? 0;
    const simulated = replay ? `snmpsim ×${o.simulators} behind a replay front` : `snmpsim ×${o.simulators}, direct`;
    const label = `${o.devices} devices × ${o.minutes} min @ ${o.intervalMs / 1000}s, concurrency ${concurrency} (${r.lanes.main} slots + ${r.lanes.unreachable} for unreachable devices), HTTP server up, node ${flags.join(' ') || '(no flags)'}`;
    const timeouts = r.failures.timeout ?? 0;
    return {
      rows: [
        {
          case: 'Scale',
          metric: `peak RSS MB (${label})`,
          outpost: r.peakRssBytes / MB,
          anchor: 'bare node process',
          anchorValue: bareRss / MB,
          ratio: r.peakRssBytes / bareRss,
          goal: '≤ 150 MB',
          met: r.peakRssBytes <= 150 * MB,
          note: `RSS ${(modules / MB).toFixed(0)} MB after imports, ${(listening / MB).toFixed(0)} MB listening before the first poll`,
        },
        {
          case: 'Scale',
          metric: 'CPU % of one core',
          outpost: cpuPct,
          anchor: `simulator answering the same polls (${simulated})`,
          anchorValue: (simCpu / (r.durationMs / 1000)) * 100,
          ratio: (r.cpuSeconds + r.childCpuSeconds) / simCpu,
          note: `${r.polls} SNMP polls, ${r.pollsFailed} failed (${timeouts} simulator timeouts)`,
        },
        {
          case: 'Scale',
          metric: 'devices polled every interval',
          outpost: r.devicesOnSchedule,
          anchor: 'devices configured',
          anchorValue: o.devices,
          ratio: r.devicesOnSchedule / o.devices,
          goal: 'all',
          met: r.devicesOnSchedule === o.devices,
          note: `after a ${o.intervalMs / 1000} s warm-up: polls/device ${r.minPolls}–${r.maxPolls} (${r.expectedPollsPerDevice} expected), worst lag ${(r.worstLagMs / 1000).toFixed(1)} s, poll ${r.pollMsMean.toFixed(0)} ms mean / ${(r.pollMsMax / 1000).toFixed(1)} s worst (${r.pollMsBuckets.gt10s + r.pollMsBuckets.le10s} over 5 s), UDP datagrams dropped: ${r.udpDrops} at Outpost, ${replayStats?.udpDrops ?? 'n/a'} at the replay front, ${snmpsimUdpDrops} at snmpsim; ${simulated}`,
        },
        {
          case: 'Scale',
          metric: 'embedded store MB/day (raw points + roll-up rows, before retention trims)',
          outpost: perDay / MB,
          anchor: 'none (a size, not a time)',
          anchorValue: '',
          note: `raw ${(rawPerDay / MB).toFixed(0)} MB/day (${((r.storeTableGrowth.raw_points ?? 0) / MB).toFixed(2)} MB in ${(r.storeMeasuredMs / 60_000).toFixed(1)} min from the third interval, ${bytesPerDevicePoll.toFixed(0)} B per device-poll) + roll-ups ${(rollupPerDay / MB).toFixed(0)} MB/day (${r.rollupTables.points_5m.series} series × 288 five-minute rows at ${perRow(r.rollupTables.points_5m).toFixed(0)} B + × 24 hourly rows at ${perRow(r.rollupTables.points_1h).toFixed(0)} B)`,
        },
      ],
      detail: { ...r, simulators: o.simulators, replay: replayStats, snmpsimUdpDrops, simulatorCpuSeconds: simCpu, snmpsimCpuSeconds: snmpsimCpu, bareNodeRssBytes: bareRss, storeBytesPerDay: perDay, storeBytesPerDevicePoll: bytesPerDevicePoll, nodeFlags: flags },
    };
  } finally {
    if (replay) await stopReplay(replay);
    await stopSims(sims, work);
  }
}
