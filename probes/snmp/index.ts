import { Type, type Static } from '@sinclair/typebox';
import type { ProbeLogger, ProbeResult, Point } from '../types.js';
import type { SnmpCredential } from './credentials.js';
import { NetSnmpClient, SnmpError, classifyError } from './session.js';
import type { SnmpClient } from './varbind.js';
import { readSystem } from './system.js';
import { readInterfaces, interfacePoints } from './interfaces.js';
import { CounterState } from './counters.js';
import type { InventoryState } from './inventory.js';
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
  /**
   * Where the caller keeps this device's client between polls (the scheduler, one per device). Absent = a client
   * for this poll only (one-shot probes).
   */
  session?: SessionSlot;
  /** Inventory outputs kept between polls (owned by the scheduler); absent = inventory read every poll. */
  inventory?: InventoryState;
}

/**
 * A device's SNMP client kept across polls: one UDP socket per device instead of one per poll, and for SNMPv3 the
 * key localisation and engine discovery done once. `key` is the settings it was opened with: a config reload
 * that changes host, port, credential, timeout or repetitions opens a new one.
 */
export interface SessionSlot {
  client?: SnmpClient;
  key?: string;
}

/** Close the slot's client (device removed, scheduler stopped). */
export function closeSession(slot: SessionSlot | undefined): void {
  slot?.client?.close();
  if (slot) {
    slot.client = undefined;
    slot.key = undefined;
  }
}

function sessionKey(t: SnmpTarget, ctx: SnmpProbeContext): string {
  return JSON.stringify([t.host, t.port, t.credential, t.maxRepetitions, ctx.timeoutMs, ctx.retries]);
}

/**
 * The client for this poll and how to end it. A kept client is reused only while it says it is `reusable` (a
 * client without `attach`, such as a test's recording client, is opened per poll as before); a failed or aborted
 * poll drops it, so a device that rebooted, changed engine id or lost its socket gets a fresh session next time.
 */
function openClient(target: SnmpTarget, ctx: SnmpProbeContext): { client: SnmpClient; fresh: boolean; end: (ok: boolean) => void } {
  const slot = ctx.session;
  const connect = ctx.connect ?? defaultConnect;
  if (!slot) {
    const client = connect(target, ctx);
    return { client, fresh: true, end: () => client.close() };
  }
  const key = sessionKey(target, ctx);
  let client = slot.client;
  let fresh = false;
  if (!client || slot.key !== key || client.reusable === false) {
    closeSession(slot);
    // A fresh client is bound to this poll's signal by its factory, as a one-poll client would be.
    client = connect(target, ctx);
    if (!client.attach) {
      const once = client;
      return { client: once, fresh: true, end: () => once.close() };
    }
    slot.client = client;
    slot.key = key;
    fresh = true;
  }
  const kept = client;
  const detach = ctx.signal && !fresh ? kept.attach!(ctx.signal) : () => {};
  return {
    client: kept,
    fresh,
    end: (ok) => {
      detach();
      if (!ok || kept.reusable === false) closeSession(slot);
    },
  };
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
  const { client, fresh, end } = openClient(target, ctx);
  const vb0 = client.varbindCount;
  snmpStats.polls++;
  let ok = false;
  try {
    const sys = await readSystem(client);
    if (!sys) return { ok: false, error: 'protocol', message: 'agent answered without a system group', points: [], errors: [] };
    const counters = ctx.counters ?? new CounterState();
    counters.observeUptime(sys.sysUpTime);
    const inventory = ctx.inventory && { reuse: !ctx.inventory.refresh(ctx.now, counters.generation, fresh), outputs: ctx.inventory.outputs };
    const pctx = { snmp: client, sys, log: ctx.log, now: ctx.now, inventory };
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
    ok = true;
    return { ok: true, device: collected.identity, points, errors: collected.errors };
  } catch (err) {
    const e = err instanceof SnmpError ? err : classifyError(err);
    return { ok: false, error: e.code, message: e.message, points: [], errors: [] };
  } finally {
    snmpStats.varbinds += client.varbindCount - vb0;
    end(ok);
  }
}
