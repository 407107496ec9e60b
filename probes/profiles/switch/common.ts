import type { ProfileContext } from '../types.js';
import type { Point } from '../../types.js';
import type { Varbind } from '../../snmp/varbind.js';
import { asNumber } from '../../snmp/varbind.js';
import { point, pushAll, round, str } from '../util.js';

/**
 * Vocabulary shared by the switch profiles, so a Netgear fan and a Cisco fan land in the same `sensor` series and
 * the same alert rule: class `temperature` (value °C), `fan` (value RPM and/or state), `psu` (state), `power`
 * (value W), `voltage` (V), `current` (A), `dbm` (optical power) and `state` (anything else with a verdict).
 * Every state-bearing point carries `state` (the device's own word) and `ok` (our verdict on it).
 */

export type SensorClass = 'temperature' | 'fan' | 'psu' | 'power' | 'voltage' | 'current' | 'dbm' | 'state' | 'poe';

export interface Reading {
  class: SensorClass;
  name: string;
  value?: number;
  state?: string;
  ok?: boolean;
}

export function sensorPoint(r: Reading): Point | undefined {
  return point('sensor', { class: r.class, name: r.name }, { value: r.value, state: r.state, ok: r.ok });
}

/**
 * The RlEnvMonState / CISCO-ENVMON / Dell EnvMonState enumeration: the same six values in every MIB that copied
 * Cisco's environmental monitor. notPresent is reported separately so profiles can drop empty PSU slots.
 */
export const ENVMON_STATE: Record<number, string> = {
  1: 'normal',
  2: 'warning',
  3: 'critical',
  4: 'shutdown',
  5: 'notPresent',
  6: 'notFunctioning',
};
export const ENVMON_NOT_PRESENT = 5;

export function envmonOk(code: number): boolean {
  return code === 1;
}

/**
 * Build `system` from what a profile learned. temp_c is the hottest temperature the profile attributes to the
 * chassis: one number a dashboard can sort by, while each sensor keeps its own point.
 */
export function systemPoint(f: { cpu_pct?: number; mem_used_pct?: number; mem_total_bytes?: number; temp_c?: number }): Point | undefined {
  return point('system', {}, {
    cpu_pct: f.cpu_pct === undefined ? undefined : round(f.cpu_pct, 2),
    mem_used_pct: f.mem_used_pct === undefined ? undefined : round(f.mem_used_pct, 2),
    // An integer field: must never be written as a float (measurements.ts).
    mem_total_bytes: f.mem_total_bytes === undefined ? undefined : Math.round(f.mem_total_bytes),
    temp_c: f.temp_c,
  });
}

/** Hottest of the temperature readings, ignoring absent ones; undefined when there is none. */
export function hottest(readings: Reading[]): number | undefined {
  let max: number | undefined;
  for (const r of readings) {
    if (r.class !== 'temperature' || r.value === undefined) continue;
    if (max === undefined || r.value > max) max = r.value;
  }
  return max;
}

/** A percentage only when it is one: agents answer 101 or -1 for "not measured". */
export function pct(n: number | undefined): number | undefined {
  return n !== undefined && n >= 0 && n <= 100 ? n : undefined;
}

/** Used % and total from a (total, free) pair in any unit; `unit` turns the total into bytes. */
export function memFromTotalFree(total: number | undefined, free: number | undefined, unit: number): { mem_used_pct?: number; mem_total_bytes?: number } {
  if (total === undefined || free === undefined || total <= 0 || free < 0 || free > total) return {};
  return { mem_used_pct: ((total - free) / total) * 100, mem_total_bytes: total * unit };
}

export function pushReadings(points: Point[], readings: Reading[]): void {
  pushAll(points, ...readings.map(sensorPoint));
}

/** Numeric value of a table cell, or undefined. */
export function cell(row: Map<number, Varbind> | undefined, col: number): number | undefined {
  return asNumber(row?.get(col)?.value);
}

export function cellStr(row: Map<number, Varbind> | undefined, col: number): string | undefined {
  return str(row?.get(col));
}

/** Milliwatts to dBm. No light at all reads 0 mW; it is pinned to -60 dBm, below any receiver's sensitivity. */
export function mwToDbm(mw: number): number {
  return mw > 0 ? round(10 * Math.log10(mw), 4) : -60;
}

const ENT_PHYSICAL_ENTRY = '1.3.6.1.2.1.47.1.1.1.1';
const ENT_CLASS_CHASSIS = 3;

export interface ChassisInfo {
  descr?: string;
  name?: string;
  hardwareRev?: string;
  firmwareRev?: string;
  softwareRev?: string;
  serial?: string;
  mfgName?: string;
  model?: string;
}

/**
 * The first chassis (entPhysicalClass 3) of ENTITY-MIB: model, serial and revisions many switches only expose
 * there. Only the class column is walked (one small integer per entity), then the chassis row is fetched by GET.
 */
export async function entityChassis(ctx: ProfileContext): Promise<ChassisInfo> {
  const classes = await ctx.snmp.walk(`${ENT_PHYSICAL_ENTRY}.5`);
  const chassis = classes.find((vb) => asNumber(vb.value) === ENT_CLASS_CHASSIS);
  const index = chassis ? chassis.oid.slice(ENT_PHYSICAL_ENTRY.length + 3) : '1';
  const cols = { descr: 2, name: 7, hardwareRev: 8, firmwareRev: 9, softwareRev: 10, serial: 11, mfgName: 12, model: 13 } as const;
  const keys = Object.keys(cols) as Array<keyof typeof cols>;
  const got = await ctx.snmp.get(keys.map((k) => `${ENT_PHYSICAL_ENTRY}.${cols[k]}.${index}`));
  const out: ChassisInfo = {};
  for (const k of keys) {
    const v = str(got.get(`${ENT_PHYSICAL_ENTRY}.${cols[k]}.${index}`));
    if (v) out[k] = v;
  }
  return out;
}

/** Runs reads that may each fail on their own; a table that times out becomes an error line, not a lost poll. */
export async function settle<T>(errors: string[], what: string, p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    errors.push(`${what}: ${(e as Error).message}`);
    return undefined;
  }
}
