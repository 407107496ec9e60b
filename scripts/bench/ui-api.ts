import { execFileSync } from 'node:child_process';
import { procCpu, runCounted } from './common.js';

/** One wrk run: latency percentiles in ms, throughput, and the server's own CPU seconds over the run. */
export interface WrkResult {
  path: string;
  p50Ms: number;
  p99Ms: number;
  reqPerSec: number;
  requests: number;
  non2xx: number;
  serverCpuS: number;
  /** Server CPU milliseconds per request served. */
  cpuMsPerReq: number;
}

export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // wrk prints its version and exits 1; only a missing binary is an error.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** A wrk duration such as `812.00us`, `4.31ms`, `1.02s` in milliseconds. */
export function wrkMs(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s.trim());
  if (!m) throw new Error(`unreadable wrk duration "${s}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** The figures of `wrk --latency` output. */
export function parseWrk(out: string): { p50Ms: number; p99Ms: number; reqPerSec: number; requests: number; non2xx: number } {
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out);
    if (!m) throw new Error(`wrk output has no ${p}% latency:\n${out}`);
    return wrkMs(m[1]!);
  };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const req = /(\d+) requests in/.exec(out);
  if (!rps || !req) throw new Error(`wrk output has no request count:\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { p50Ms: pct('50'), p99Ms: pct('99'), reqPerSec: Number(rps[1]), requests: Number(req[1]), non2xx };
}

/** `wrk -c50 -t2 -dNs --latency` against one path of the site, with the viewer token. */
export async function wrk(opts: { base: string; path: string; token: string; serverPid: number; connections: number; seconds: number }): Promise<WrkResult> {
  if (!wrkAvailable()) throw new Error('wrk is not installed: apt-get install -y wrk');
  const before = procCpu(opts.serverPid).self;
  const r = await runCounted('wrk', [
    `-c${opts.connections}`,
    '-t2',
    `-d${opts.seconds}s`,
    '--latency',
    '-H',
    `Authorization: Bearer ${opts.token}`,
    `${opts.base}${opts.path}`,
  ]);
  const serverCpuS = procCpu(opts.serverPid).self - before;
  if (r.code !== 0) throw new Error(`wrk ${opts.path} exited ${r.code}: ${r.stderr}${r.stdout}`);
  const f = parseWrk(r.stdout);
  if (f.non2xx > 0) throw new Error(`wrk ${opts.path}: ${f.non2xx} of ${f.requests} answers were not 2xx (auth?)`);
  return { path: opts.path, ...f, serverCpuS, cpuMsPerReq: f.requests ? (serverCpuS * 1000) / f.requests : NaN };
}
