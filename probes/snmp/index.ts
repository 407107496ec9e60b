import { Type, type Static } from '@sinclair/typebox';
import type { ProbeLogger, ProbeResult, Point } from '../types.js';
import type { SnmpCredential } from './credentials.js';
import { NetSnmpClient, SnmpError, classifyError } from './session.js';
import type { SnmpClient } from './varbind.js';
import { readSystem } from './system.js';
import { readInterfaces, interfacePoints } from './interfaces.js';
import { CounterState } from './counters.js';
import { collectProfiles } from '../profiles/index.js';

/** Per-device SNMP settings: which credential, and how hard this agent can be pushed. */
export const SnmpDeviceConfig = Type.Union([
  Type.String({ minLength: 1, description: 'Name of an entry under `credentials:`.' }),
  Type.Object(
    {
      credential: Type.String({ minLength: 1, description: 'Name of an entry under `credentials:`.' }),
      max_repetitions: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 100, description: 'GETBULK max-repetitions; lower it for agents that drop large responses.' }),
      ),
      interfaces: Type.Optional(Type.Boolean({ description: 'Poll IF-MIB ports (default true).' })),
    },
    { additionalProperties: false },
  ),
], { description: 'Poll this device over SNMP: a credential name, or { credential, max_repetitions, interfaces }. Absent = ping only.' });
export type SnmpDeviceConfig = Static<typeof SnmpDeviceConfig>;

export interface SnmpTarget {
  host: string;
  port?: number;
  credential: SnmpCredential;
  maxRepetitions?: number;
  interfaces?: boolean;
}

export interface SnmpProbeContext {
  signal?: AbortSignal;
  log: ProbeLogger;
  now: number;
  timeoutMs: number;
  retries: number;
  /** Counter history of this device (rates need the previous poll); a fresh one on a one-shot probe. */
  counters?: CounterState;
  /** Longest gap between polls for which a counter delta is still trusted. */
  maxGapMs?: number;
  /** Transport factory (STYLE.md 4): tests inject a recording-backed client. */
  connect?: (t: SnmpTarget, ctx: SnmpProbeContext) => SnmpClient;
}

const defaultConnect = (t: SnmpTarget, ctx: SnmpProbeContext): SnmpClient =>
  new NetSnmpClient({
    host: t.host,
    port: t.port,
    credential: t.credential,
    timeoutMs: ctx.timeoutMs,
    retries: ctx.retries,
    maxRepetitions: t.maxRepetitions,
    signal: ctx.signal,
  });

/** Varbinds received by the last collect() calls, for self-health and benchmarks. */
export const snmpStats = { varbinds: 0, polls: 0 };

/**
 * The SNMP probe: identify, collect generic + profile data, compute rates. A device that does not answer is an
 * `ok: false` result with a reason, never an exception.
 */
export async function collectSnmp(target: SnmpTarget, ctx: SnmpProbeContext): Promise<ProbeResult> {
  const client = (ctx.connect ?? defaultConnect)(target, ctx);
  snmpStats.polls++;
  try {
    const sys = await readSystem(client);
    if (!sys) return { ok: false, error: 'protocol', message: 'agent answered without a system group', points: [], errors: [] };
    const counters = ctx.counters ?? new CounterState();
    counters.observeUptime(sys.sysUpTime);
    const pctx = { snmp: client, sys, log: ctx.log, now: ctx.now };
    const collected = await collectProfiles(pctx);
    const points: Point[] = [];
    if (sys.sysUpTime !== undefined) points.push({ measurement: 'system', tags: {}, fields: { uptime_s: Math.floor(sys.sysUpTime / 100) } });
    if (target.interfaces !== false) {
      try {
        const rows = await readInterfaces(client, target.maxRepetitions);
        points.push(...interfacePoints(rows, { counters, now: ctx.now, maxGapMs: ctx.maxGapMs ?? 10 * 60_000 }));
      } catch (err) {
        const e = classifyError(err);
        if (e.code === 'aborted') throw e;
        collected.errors.push(`interfaces: ${e.message}`);
      }
    }
    // Profile `system` fields (cpu, mem) join the uptime point rather than making a second series.
    for (const p of collected.points) {
      const same = p.measurement === 'system' && Object.keys(p.tags).length === 0 ? points.find((q) => q.measurement === 'system') : undefined;
      if (same) Object.assign(same.fields, p.fields);
      else points.push(p);
    }
    return { ok: true, device: collected.identity, points, errors: collected.errors };
  } catch (err) {
    const e = err instanceof SnmpError ? err : classifyError(err);
    return { ok: false, error: e.code, message: e.message, points: [], errors: [] };
  } finally {
    snmpStats.varbinds += client.varbindCount;
    client.close();
  }
}
