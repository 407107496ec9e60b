import { execFile as execFileCb } from 'node:child_process';
import { Type, type Static } from '@sinclair/typebox';
import type { ProbeLogger, ProbeResult } from '../types.js';
import { parseFpingC, pingFields, type RttSeries } from './parse.js';

/** Per-device ping settings; `false` turns ping off for a device that drops ICMP by policy. */
export const PingDeviceConfig = Type.Union([
  Type.Boolean(),
  Type.Object(
    { count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Echo requests per cycle.' })) },
    { additionalProperties: false },
  ),
], { description: 'Ping this device each ping cycle (default true); false for devices that drop ICMP by policy, or { count }.' });
export type PingDeviceConfig = Static<typeof PingDeviceConfig>;

export type ExecFn = (
  file: string,
  args: string[],
  opts: { timeout: number; signal?: AbortSignal },
) => Promise<{ stdout: string; stderr: string; code: number | null; missing?: boolean }>;

/** Real exec: resolves with output and exit code whatever the code (fping exits 1 when any host is down). */
export const realExec: ExecFn = (file, args, opts) =>
  new Promise((resolve) => {
    execFileCb(file, args, { timeout: opts.timeout, signal: opts.signal, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null;
      resolve({
        stdout: String(stdout ?? ''),
        stderr: String(stderr ?? ''),
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        missing: e?.code === 'ENOENT',
      });
    });
  });

export interface PingOptions {
  count: number;
  /** ms between echoes to one host (fping -p). */
  periodMs?: number;
  /** ms to wait for each reply (fping -t). */
  timeoutMs?: number;
  fpingPath?: string;
  exec?: ExecFn;
  signal?: AbortSignal;
  log: ProbeLogger;
  /** Used when fping is missing; the `ping` package spawns one process per host (slower, same result shape). */
  fallback?: (host: string, count: number) => Promise<RttSeries>;
}

let warnedMissing = false;

/**
 * Ping many hosts in ONE fping process (a Pi can then ping hundreds of devices per cycle at the cost of one
 * process). Returns a result per host; a host that never answered is `ok: false, error: 'unreachable'`.
 */
export async function pingHosts(hosts: string[], opts: PingOptions): Promise<Map<string, ProbeResult>> {
  const unique = [...new Set(hosts)];
  const results = new Map<string, ProbeResult>();
  if (unique.length === 0) return results;
  const period = opts.periodMs ?? 1000;
  const perReply = opts.timeoutMs ?? 1000;
  const args = ['-C', String(opts.count), '-q', '-p', String(period), '-t', String(perReply), '-i', '2', '-B', '1', '-r', '0', ...unique];
  const budget = period * opts.count + perReply + unique.length * 2 * opts.count + 5000;
  const exec = opts.exec ?? realExec;
  const run = await exec(opts.fpingPath ?? 'fping', args, { timeout: budget, signal: opts.signal });
  let series: Map<string, RttSeries>;
  if (run.missing) {
    if (!warnedMissing) {
      opts.log.warn('fping not found: falling back to the ping package (one process per host). Install fping: apt-get install fping');
      warnedMissing = true;
    }
    series = new Map();
    const fb = opts.fallback ?? fallbackPing;
    await Promise.all(unique.map(async (h) => series.set(h, await fb(h, opts.count).catch(() => new Array(opts.count).fill(null)))));
  } else {
    series = parseFpingC(run.stderr + '\n' + run.stdout);
    if (run.code !== null && run.code >= 3) {
      opts.log.error({ code: run.code, stderr: run.stderr.slice(0, 500) }, 'fping failed');
      // EPERM on the raw socket is a deployment problem, not a down device: say what fixes it.
      const perm = /permission|operation not permitted/i.test(run.stderr);
      for (const h of unique)
        results.set(h, {
          ok: false,
          error: 'internal',
          message: perm ? 'fping cannot open a raw socket: grant CAP_NET_RAW (AmbientCapabilities=CAP_NET_RAW)' : `fping exited ${run.code}`,
          points: [],
          errors: [],
        });
      return results;
    }
  }
  for (const h of unique) {
    const s = series.get(h);
    if (!s) {
      results.set(h, {
        ok: false,
        error: run.code === 2 ? 'no-such-host' : 'unreachable',
        message: run.code === 2 ? 'host name did not resolve' : 'no reply',
        points: [{ measurement: 'ping', tags: {}, fields: pingFields(new Array(opts.count).fill(null)) }],
        errors: [],
      });
      continue;
    }
    const fields = pingFields(s);
    const answered = (fields.received as number) > 0;
    results.set(h, {
      ok: answered,
      ...(answered ? {} : { error: 'unreachable' as const, message: `no reply to ${opts.count} echo requests` }),
      points: [{ measurement: 'ping', tags: {}, fields }],
      errors: [],
    });
  }
  return results;
}

async function fallbackPing(host: string, count: number): Promise<RttSeries> {
  const mod = (await import('ping')) as unknown as { default: { promise: { probe(h: string, o: object): Promise<{ times: number[] }> } } };
  const res = await mod.default.promise.probe(host, { min_reply: count, timeout: 2 });
  const times: RttSeries = res.times.slice(0, count);
  while (times.length < count) times.push(null);
  return times;
}
