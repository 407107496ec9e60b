import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';

/** One row of the results table: every figure is Outpost against an anchor measured in the same run. */
export interface BenchRow {
  case: string;
  metric: string;
  outpost: number | string;
  anchor: string;
  anchorValue: number | string;
  /** outpost / anchor; absent where the row is informative only. */
  ratio?: number;
  goal?: string;
  met?: boolean;
  note?: string;
}

export interface BenchCaseResult {
  rows: BenchRow[];
  detail: Record<string, unknown>;
}

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime+stime of a process and, separately, of its waited-for children (fields 14-17 of /proc/PID/stat). */
export function procCpu(pid: number | 'self'): { self: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces and parentheses: fields are counted from after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3]);
  return { self: (n(14) + n(15)) / CLK_TCK, children: (n(16) + n(17)) / CLK_TCK };
}

/** Peak resident set (VmHWM) of a process in bytes. */
export function peakRss(pid: number | 'self'): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * CPU seconds of a command run to completion, read as the growth of this process's waited-children time
 * (the kernel adds a child's rusage on wait). Commands run one at a time, so nothing else is counted.
 */
export function runCounted(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ cpu: number; stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const before = procCpu('self').children;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ cpu: procCpu('self').children - before, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code }),
    );
  });
}

/** Run a bench child (dist/scripts/bench/NAME.js) and parse the JSON it prints last. */
export async function runNodeChild<T>(name: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  const script = join(PACKAGE_ROOT, 'dist', 'scripts', 'bench', `${name}.js`);
  const r = await runCounted(process.execPath, [...nodeArgs, script, ...args]);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    if (r.code !== 0) throw new Error(`exit ${r.code}`);
    return JSON.parse(last) as T;
  } catch (e) {
    throw new Error(`bench child ${name} failed (${(e as Error).message}): ${r.stderr.slice(-2000)}`);
  }
}

export function machine(): Record<string, string | number> {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const nproc = Number(execFileSync('nproc').toString().trim());
  return { nproc, cpu: model.trim(), node: process.version, date: new Date().toISOString() };
}

export function fmt(v: number | string | undefined, digits = 3): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 0.001) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
