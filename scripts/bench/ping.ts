import { runCounted, runNodeChild, type BenchCaseResult } from './common.js';

export interface PingBenchOptions {
  hosts: number;
  count: number;
  /** Alternating runs of each side; the median is reported (the machine is shared and noisy). */
  reps: number;
}

/** 127.0.x.y loopback addresses, x from 0, y 1..250: all answer, nothing leaves the box. */
export function loopbackHosts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** pingHosts() (node + its fping child) against fping alone with the very arguments pingHosts passes. */
export async function benchPing(o: PingBenchOptions): Promise<BenchCaseResult> {
  const hosts = loopbackHosts(o.hosts);
  const args = ['-C', String(o.count), '-q', '-p', '1000', '-t', '1000', '-i', '2', '-B', '1', '-r', '0', ...hosts];
  const outpost: number[] = [];
  const fping: number[] = [];
  let nodePart = 0;
  for (let i = 0; i < o.reps; i++) {
    const r = await runNodeChild<{ nodeCpu: number; fpingCpu: number; up: number; hosts: number }>('ping-child', [String(o.count), ...hosts]);
    if (r.up !== hosts.length) throw new Error(`pingHosts: only ${r.up} of ${hosts.length} loopback hosts answered`);
    outpost.push(r.nodeCpu + r.fpingCpu);
    nodePart += r.nodeCpu;
    const f = await runCounted('fping', args);
    if (f.code !== 0) throw new Error(`fping exited ${f.code}: ${f.stderr.slice(0, 300)}`);
    fping.push(f.cpu);
  }
  const a = median(outpost);
  const b = median(fping);
  const ratio = a / b;
  return {
    rows: [
      {
        case: 'Ping',
        metric: `CPU s, ${o.hosts} hosts × ${o.count}`,
        outpost: a,
        anchor: 'fping alone, same args',
        anchorValue: b,
        ratio,
        goal: '≤ 1.2×',
        met: ratio <= 1.2,
        note: `median of ${o.reps}; node part ${(nodePart / o.reps).toFixed(3)} s`,
      },
    ],
    detail: { hosts: o.hosts, count: o.count, outpostCpu: outpost, fpingCpu: fping },
  };
}
