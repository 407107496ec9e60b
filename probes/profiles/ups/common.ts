import type { Point } from '../../types.js';
import type { Varbind } from '../../snmp/varbind.js';
import { num, point, round } from '../util.js';

/**
 * Shared vocabulary of the UPS profiles. Every vendor speaks its own enumeration; the alert engine and the
 * dashboard only ever see these values, so a new vendor is a new lookup table, never a new status.
 */
export const UPS_STATUSES = ['online', 'on_battery', 'bypass', 'boost', 'trim', 'off', 'testing', 'unknown'] as const;
export type UpsStatus = (typeof UPS_STATUSES)[number];

/** Last self-test outcome, one word whatever the MIB calls it (`doneAndPassed`, `ok`, `donePass`…). */
export type SelfTestResult =
  | 'passed' | 'warning' | 'failed' | 'invalid' | 'aborted' | 'in_progress' | 'scheduled' | 'none' | 'not_supported' | 'unknown';

/** The `ups` measurement's fields (probes/measurements.ts), typed so a profile cannot misspell one. */
export interface UpsFields {
  status?: UpsStatus;
  on_battery?: boolean;
  battery_charge_pct?: number;
  runtime_s?: number;
  load_pct?: number;
  input_voltage_v?: number;
  output_voltage_v?: number;
  battery_voltage_v?: number;
  battery_temp_c?: number;
  battery_replace?: boolean;
  seconds_on_battery?: number;
  input_frequency_hz?: number;
  output_frequency_hz?: number;
  self_test_result?: SelfTestResult;
  self_test_date?: number;
  battery_installed_at?: number;
  battery_age_days?: number;
}

/**
 * Map a vendor enumeration to a status. A value the table does not know is `unknown`, not an error: firmware
 * adds states faster than MIBs are published, and one odd value must not cost the rest of the poll.
 */
export function normaliseStatus(table: Readonly<Record<number, UpsStatus>>, raw: number | undefined): UpsStatus | undefined {
  if (raw === undefined) return undefined;
  return table[raw] ?? 'unknown';
}

export function lookup<T>(table: Readonly<Record<number, T>>, raw: number | undefined, fallback: T): T | undefined {
  if (raw === undefined) return undefined;
  return table[raw] ?? fallback;
}

/** Later sources win, but only with values they actually have: `undefined` never erases an earlier reading. */
export function mergeFields(...sources: UpsFields[]): UpsFields {
  const out: Record<string, unknown> = {};
  for (const s of sources) for (const [k, v] of Object.entries(s)) if (v !== undefined) out[k] = v;
  return out as UpsFields;
}

/** Integer field helper: schema-declared ints must never be written as floats (InfluxDB rejects the batch). */
export function int(n: number | undefined): number | undefined {
  return n === undefined || !Number.isFinite(n) ? undefined : Math.round(n);
}

/** TimeTicks are hundredths of a second. */
export function ticksToSeconds(ticks: number | undefined): number | undefined {
  return ticks === undefined ? undefined : Math.round(ticks / 100);
}

/** Unsigned32 columns that really carry signed values (Tripp Lite reports -273.1 °C as 4294964565). */
export function signed32(n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  return n > 0x7fffffff && n <= 0xffffffff ? n - 0x100000000 : n;
}

/**
 * Temperatures below -100 °C are agents saying "no probe" (UPS-MIB and Tripp Lite answer -273 for absolute
 * zero); storing them would put a bogus point on every battery-temperature graph.
 */
export function plausibleTemp(c: number | undefined): number | undefined {
  return c !== undefined && c > -100 && c < 200 ? c : undefined;
}

export function fahrenheitToCelsius(f: number | undefined): number | undefined {
  return f === undefined ? undefined : round((f - 32) / 1.8, 2);
}

/** Battery install date and the age derived from it; a date in the future gives no age rather than a negative one. */
export function batteryAge(installedAt: number | undefined, now: number): Pick<UpsFields, 'battery_installed_at' | 'battery_age_days'> {
  if (installedAt === undefined) return {};
  const days = Math.floor((now / 1000 - installedAt) / 86_400);
  return { battery_installed_at: installedAt, battery_age_days: days >= 0 ? days : undefined };
}

/** A one-shot yes(1)/no(2) flag as used by MGE and Eaton: anything else is "not known", not "no". */
export function yesNo(vb: Varbind | undefined): boolean | undefined {
  const n = num(vb);
  return n === 1 ? true : n === 2 ? false : undefined;
}

export function upsPoint(fields: UpsFields): Point | undefined {
  return point('ups', {}, { ...fields });
}

export function sensor(cls: string, name: string, value: number | undefined): Point | undefined {
  return value === undefined ? undefined : point('sensor', { class: cls, name }, { value });
}

export function stateSensor(name: string, state: string | undefined, ok: boolean | undefined): Point | undefined {
  return state === undefined ? undefined : point('sensor', { class: 'state', name }, { state, ok });
}

/** One AC line (input, output or bypass phase) in base units. */
export interface LineReading {
  line: number;
  voltage?: number;
  current?: number;
  power?: number;
  load?: number;
  frequency?: number;
}

/**
 * Per-line sensors. A single-phase UPS keeps its voltage, frequency and load in the `ups` point, so only the
 * values the schema has no field for (current, power) become sensors named after the side (`output`). With
 * several phases every phase is a sensor (`input L2`), because the `ups` point can carry only one of them.
 */
export function lineSensors(side: 'input' | 'output' | 'bypass', lines: LineReading[]): Array<Point | undefined> {
  const out: Array<Point | undefined> = [];
  const multi = lines.length > 1;
  for (const l of lines) {
    const name = multi ? `${side} L${l.line}` : side;
    if (multi || side === 'bypass') out.push(sensor('voltage', name, l.voltage), sensor('frequency', name, l.frequency));
    if (multi) out.push(sensor('load', name, l.load));
    out.push(sensor('current', name, l.current), sensor('power', name, l.power));
  }
  return out;
}

/** The `ups` point's view of a set of lines: the first phase's voltage and frequency, the most loaded phase. */
export function lineSummary(lines: LineReading[]): { voltage?: number; frequency?: number; load?: number } {
  const first = lines[0];
  const loads = lines.map((l) => l.load).filter((v): v is number => v !== undefined);
  return { voltage: first?.voltage, frequency: first?.frequency, load: loads.length ? Math.max(...loads) : undefined };
}

/** Merge sensor points by (class, name): the vendor profile's reading replaces the generic one. */
export function mergeSensors(base: Point[], override: Point[]): Point[] {
  const key = (p: Point) => `${p.measurement}|${p.tags.class}|${p.tags.name}`;
  const seen = new Set(override.map(key));
  return [...base.filter((p) => !seen.has(key(p))), ...override];
}
