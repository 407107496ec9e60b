import { runCounted, runNodeChild, type BenchCaseResult } from './common.js';

export interface PingBenchOptions {
  hosts: number;
  count: number;
  /** Alternating runs of each side; the median is reported (the machine is shared and noisy). */
  reps: number;
  /** Cycles measured after the first in each Outpost process (the appliance pings every interval for months). */
  cycles?: number;
}

/** 127.0.x.y loopback addresses, x from 0, y 1..250: all answer, nothing leaves the box. */
export function loopbackHosts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * pingHosts() (node + its fping child) against fping alone with the very arguments pingHosts passes. The goal is
 * on the cycles after the first, which is what the appliance spends every interval; the first cycle of a fresh
 * process (module loading and compilation charged to it) is reported beside it.
 */
export async function benchPing(o: PingBenchOptions): Promise<BenchCaseResult> {
  const hosts = loopbackHosts(o.hosts);
  const cycles = o.cycles ?? 3;
  const args = ['-C', String(o.count), '-q', '-p', '1000', '-t', '1000', '-i', '2', '-B', '1', '-r', '0', ...hosts];
  const warm: number[] = [];
  const cold: number[] = [];
  const fping: number[] = [];
  let nodeWarm = 0;
  let nodeCold = 0;
  type Cycle = { nodeCpu: number; fpingCpu: number; up: number };
  for (let i = 0; i < o.reps; i++) {
    const r = await runNodeChild<{ cold: Cycle; warm: Cycle; hosts: number }>('ping-child', [String(o.count), String(cycles), ...hosts]);
    if (r.cold.up !== hosts.length || r.warm.up !== hosts.length) throw new Error(`pingHosts: only ${Math.min(r.cold.up, r.warm.up)} of ${hosts.length} loopback hosts answered`);
    cold.push(r.cold.nodeCpu + r.cold.fpingCpu);
    warm.push(r.warm.nodeCpu + r.warm.fpingCpu);
    nodeCold += r.cold.nodeCpu / o.reps;
    nodeWarm += r.warm.nodeCpu / o.reps;
    // As many fping runs as Outpost cycles, interleaved in time with them.
    for (let c = 0; c <= cycles; c++) {
      const f = await runCounted('fping', args);
      if (f.code !== 0) throw new Error(`fping exited ${f.code}: ${f.stderr.slice(0, 300)}`);
      fping.push(f.cpu);
    }
  }
  const b = median(fping);
  const a = median(warm);
  const first = median(cold);
  return {
    rows: [
      {
        case: 'Ping',
        metric: `CPU s per cycle, ${o.hosts} hosts × ${o.count}`,
        outpost: a,
        anchor: 'fping alone, same args',
        anchorValue: b,
        ratio: a / b,
        goal: '≤ 1.2×',
        met: a / b <= 1.2,
        note: `cycles after the first in one process (${cycles} × ${o.reps} runs), median; node part ${nodeWarm.toFixed(3)} s`,
      },
      {
        case: 'Ping',
        metric: `CPU s, first cycle of a fresh process`,
        outpost: first,
        anchor: 'fping alone, same args',
        anchorValue: b,
        ratio: first / b,
        note: `median of ${o.reps}; node part ${nodeCold.toFixed(3)} s (module loading and compilation included)`,
      },
    ],
    detail: { hosts: o.hosts, count: o.count, cycles, warmCpu: warm, coldCpu: cold, fpingCpu: fping },
  };
}
