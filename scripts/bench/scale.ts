import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';
import { procCpu, runNodeChild, runCounted, sleep, type BenchCaseResult } from './common.js';
import type { ScaleChildArgs, ScaleChildResult } from './scale-child.js';

/** A site's mix: UPSes, small switches, a firewall, a NAS (apc_smx750i must stay: readiness is probed with it). */
export const SCALE_RECORDINGS = ['apc_smx750i', 'cyberpower', 'eatonups', 'tplink_sg2008', 'edgeswitch_10xp', 'fortigate_60f', 'dsm_ds214se-dsm7', 'ciscosb_sg350-10'];

export interface ScaleBenchOptions {
  devices: number;
  minutes: number;
  intervalMs: number;
  /** snmpsimd instances (one Python process each), on basePort, basePort+1, … */
  simulators: number;
  basePort: number;
  /**
   * Devices polled at once. snmpsim answers each request in ~100 ms (a real agent in ~1 ms), so a poll of ~30
   * requests takes seconds and the default 16 cannot cover 1000 devices a minute against the simulator.
   */
  concurrency?: number;
}

interface Sim {
  port: number;
  child: ChildProcess;
}

async function answers(port: number): Promise<boolean> {
  const r = await runCounted('snmpget', ['-v2c', '-c', 'apc_smx750i', '-t', '1', '-r', '0', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.2.0']);
  return r.code === 0;
}

/**
 * snmpsimd instances started here (not via start-snmpsim.sh) so that this process owns their PIDs and their
 * per-request logging is off: logging every varbind costs the simulator more CPU than answering.
 */
async function startSims(o: ScaleBenchOptions): Promise<{ sims: Sim[]; work: string }> {
  const work = mkdtempSync(join(tmpdir(), 'outpost-bench-scale-sims-'));
  const data = join(work, 'data');
  mkdirSync(data);
  for (const r of SCALE_RECORDINGS) copyFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', 'snmp', 'recordings', `${r}.snmprec`), join(data, `${r}.snmprec`));
  // snmpsimd drops to `nobody` when run as root, and must then read the recordings and write its cache.
  chmodSync(work, 0o755);
  chmodSync(data, 0o755);
  const root = process.getuid?.() === 0;
  const sims: Sim[] = [];
  try {
    for (let i = 0; i < o.simulators; i++) {
      const port = o.basePort + i;
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
    for (const s of sims) {
      let up = false;
      for (let i = 0; i < 240 && !up; i++) {
        if (s.child.exitCode !== null) throw new Error(`snmpsimd on ${s.port} exited with ${s.child.exitCode}`);
        up = await answers(s.port);
        if (!up) await sleep(500);
      }
      if (!up) throw new Error(`snmpsimd on ${s.port} did not answer within 2 minutes`);
    }
    return { sims, work };
  } catch (err) {
    await stopSims(sims, work);
    throw err;
  }
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

/** A real Runtime polling N simulated devices for M minutes: peak RSS, CPU, schedule kept, store growth/day. */
export async function benchScale(o: ScaleBenchOptions): Promise<BenchCaseResult> {
  const { sims, work } = await startSims(o);
  try {
    const simCpu0 = sims.reduce((s, x) => s + procCpu(x.child.pid!).self, 0);
    const args: ScaleChildArgs = { devices: o.devices, durationMs: o.minutes * 60_000, intervalMs: o.intervalMs, ports: sims.map((s) => s.port), communities: SCALE_RECORDINGS, concurrency: o.concurrency ?? 16 };
    const r = await runNodeChild<ScaleChildResult>('scale-child', [JSON.stringify(args)]);
    const simCpu = sims.reduce((s, x) => s + procCpu(x.child.pid!).self, 0) - simCpu0;
    // Anchor for memory: a bare node process's peak RSS, measured now on this machine.
    const bare = await runCounted(process.execPath, ['-e', "console.log(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1])"]);
    const bareRss = Number(bare.stdout.trim()) * 1024;
    const cpuPct = ((r.cpuSeconds + r.childCpuSeconds) / (r.durationMs / 1000)) * 100;
    const expected = Math.floor(r.durationMs / r.intervalMs);
    const perDay = r.storeMeasuredMs > 0 ? ((r.storeBytesEnd - r.storeBytesStart) / r.storeMeasuredMs) * 86_400_000 : NaN;
    const MB = 1024 * 1024;
    const label = `${o.devices} devices × ${o.minutes} min @ ${o.intervalMs / 1000}s, concurrency ${o.concurrency ?? 16}`;
    return {
      rows: [
        { case: 'Scale', metric: `peak RSS MB (${label})`, outpost: r.peakRssBytes / MB, anchor: 'bare node process', anchorValue: bareRss / MB, ratio: r.peakRssBytes / bareRss, goal: '≤ 150 MB', met: r.peakRssBytes <= 150 * MB },
        {
          case: 'Scale',
          metric: 'CPU % of one core',
          outpost: cpuPct,
          anchor: `snmpsim answering the same polls (${o.simulators} procs)`,
          anchorValue: (simCpu / (r.durationMs / 1000)) * 100,
          ratio: (r.cpuSeconds + r.childCpuSeconds) / simCpu,
          note: `${r.polls} SNMP polls, ${r.pollsFailed} failed`,
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
          note: `polls/device ${r.minPolls}–${r.maxPolls} (≈${expected} expected), worst lag ${(r.worstLagMs / 1000).toFixed(1)} s`,
        },
        {
          case: 'Scale',
          metric: 'embedded store MB/day (extrapolated)',
          outpost: perDay / MB,
          anchor: 'none (a size, not a time)',
          anchorValue: '',
          note: `${((r.storeBytesEnd - r.storeBytesStart) / MB).toFixed(2)} MB in ${(r.storeMeasuredMs / 60_000).toFixed(1)} min after the first interval`,
        },
      ],
      detail: { ...r, simulators: o.simulators, simulatorCpuSeconds: simCpu, bareNodeRssBytes: bareRss, storeBytesPerDay: perDay },
    };
  } finally {
    await stopSims(sims, work);
  }
}
