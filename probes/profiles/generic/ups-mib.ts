import type { GenericCollector, ProfileContext, ProfileOutput } from '../types.js';
import type { Point } from '../../types.js';
import { type TableRows, type Varbind, asString } from '../../snmp/varbind.js';
import { num, pushAll, scalars, str, table } from '../util.js';
import {
  type LineReading, type SelfTestResult, type UpsFields, type UpsStatus,
  int, lineSensors, lineSummary, lookup, normaliseStatus, plausibleTemp, sensor, stateSensor, upsPoint,
} from '../ups/common.js';

/**
 * RFC 1628 UPS-MIB (1.3.6.1.2.1.33). Most network cards that are not APC, Eaton or CyberPower speak only this
 * (Generex CS141, Riello NetMan, Delta, Legrand…), and many that are also expose it. It runs on every device:
 * one GET of scalars tells whether the agent has a UPS behind it, and only then are the line tables walked.
 */

const B = '1.3.6.1.2.1.33.1';

export const UPS_MIB = {
  manufacturer: `${B}.1.1.0`,
  model: `${B}.1.2.0`,
  upsSoftwareVersion: `${B}.1.3.0`,
  agentSoftwareVersion: `${B}.1.4.0`,
  batteryStatus: `${B}.2.1.0`,
  secondsOnBattery: `${B}.2.2.0`,
  minutesRemaining: `${B}.2.3.0`,
  chargeRemaining: `${B}.2.4.0`,
  batteryVoltage: `${B}.2.5.0`,
  batteryCurrent: `${B}.2.6.0`,
  batteryTemperature: `${B}.2.7.0`,
  inputNumLines: `${B}.3.2.0`,
  outputSource: `${B}.4.1.0`,
  outputFrequency: `${B}.4.2.0`,
  outputNumLines: `${B}.4.3.0`,
  bypassFrequency: `${B}.5.1.0`,
  bypassNumLines: `${B}.5.2.0`,
  alarmsPresent: `${B}.6.1.0`,
  testResultsSummary: `${B}.7.3.0`,
  testStartTime: `${B}.7.5.0`,
} as const;

const INPUT_ENTRY = `${B}.3.3.1`;
const OUTPUT_ENTRY = `${B}.4.4.1`;
const BYPASS_ENTRY = `${B}.5.3.1`;
const ALARM_ENTRY = `${B}.6.2.1`;
/** upsWellKnownAlarms: alarm table rows name one of these by OID. */
const ALARM = `${B}.6.3`;
const ALARM_BATTERY_BAD = `${ALARM}.1`;
const ALARM_TEST_IN_PROGRESS = `${ALARM}.24`;

/** upsOutputSource: other(1) none(2) normal(3) bypass(4) battery(5) booster(6) reducer(7). */
export const UPS_MIB_SOURCE: Readonly<Record<number, UpsStatus>> = {
  1: 'unknown', 2: 'off', 3: 'online', 4: 'bypass', 5: 'on_battery', 6: 'boost', 7: 'trim',
};

/** upsTestResultsSummary: donePass(1) doneWarning(2) doneError(3) aborted(4) inProgress(5) noTestsInitiated(6). */
export const UPS_MIB_TEST: Readonly<Record<number, SelfTestResult>> = {
  1: 'passed', 2: 'warning', 3: 'failed', 4: 'aborted', 5: 'in_progress', 6: 'none',
};

/** upsBatteryStatus: unknown(1) batteryNormal(2) batteryLow(3) batteryDepleted(4). */
export const UPS_MIB_BATTERY: Readonly<Record<number, string>> = { 1: 'unknown', 2: 'normal', 3: 'low', 4: 'depleted' };

export interface UpsMibReading {
  manufacturer?: string;
  model?: string;
  upsSoftwareVersion?: string;
  agentSoftwareVersion?: string;
  fields: UpsFields;
  sensors: Point[];
}

/** Rows of an RFC 1628 line table in base units, cut to numLines when the agent says how many are real. */
function lines(rows: TableRows, numLines: number | undefined, cols: { voltage: number; current: number; power: number; load?: number; frequency?: number }): LineReading[] {
  const out: LineReading[] = [];
  for (const [index, row] of rows) {
    const line = Number(index);
    if (numLines !== undefined && numLines > 0 && line > numLines) continue;
    out.push({
      line,
      voltage: num(row.get(cols.voltage)),
      current: num(row.get(cols.current), 10),
      power: num(row.get(cols.power)),
      load: cols.load === undefined ? undefined : num(row.get(cols.load)),
      frequency: cols.frequency === undefined ? undefined : num(row.get(cols.frequency), 10),
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Which well-known alarms are active; an absent alarmsPresent means the agent cannot tell us (undefined). */
async function activeAlarms(ctx: ProfileContext, present: number | undefined): Promise<Set<string> | undefined> {
  if (present === undefined) return undefined;
  if (present === 0) return new Set();
  const rows = await table(ctx, ALARM_ENTRY);
  const out = new Set<string>();
  for (const row of rows.values()) {
    const descr = row.get(2)?.value;
    if (typeof descr === 'string') out.add(descr.replace(/^\./, ''));
  }
  return out;
}

/** Unix seconds of a TimeStamp (sysUpTime at the event), or undefined when the agent gives no usable clock. */
function timestampToUnix(ctx: ProfileContext, stamp: number | undefined): number | undefined {
  const up = ctx.sys.sysUpTime;
  if (stamp === undefined || stamp <= 0 || up === undefined || up < stamp) return undefined;
  return Math.round(ctx.now / 1000 - (up - stamp) / 100);
}

/** Read and normalise the UPS-MIB; undefined when the agent has none of it (the common, non-UPS case). */
export async function readUpsMib(ctx: ProfileContext): Promise<UpsMibReading | undefined> {
  const s = await scalars(ctx, UPS_MIB);
  if (!Object.values<Varbind | undefined>(s).some(Boolean)) return undefined;

  const [inRows, outRows, byRows] = await Promise.all([
    table(ctx, INPUT_ENTRY),
    table(ctx, OUTPUT_ENTRY),
    s.bypassFrequency || s.bypassNumLines ? table(ctx, BYPASS_ENTRY) : Promise.resolve<TableRows>(new Map()),
  ]);
  const input = lines(inRows, num(s.inputNumLines), { frequency: 2, voltage: 3, current: 4, power: 5 });
  const output = lines(outRows, num(s.outputNumLines), { voltage: 2, current: 3, power: 4, load: 5 });
  const bypass = lines(byRows, num(s.bypassNumLines), { voltage: 2, current: 3, power: 4 });
  const alarms = await activeAlarms(ctx, num(s.alarmsPresent));

  const source = num(s.outputSource);
  const secondsOnBattery = num(s.secondsOnBattery);
  let status = normaliseStatus(UPS_MIB_SOURCE, source);
  // RFC 1628: upsSecondsOnBattery is zero unless on battery, so it still places agents whose source is "other".
  let onBattery: boolean | undefined;
  if (status !== undefined && status !== 'unknown') onBattery = status === 'on_battery';
  else if (secondsOnBattery !== undefined) onBattery = secondsOnBattery > 0;
  if (onBattery && status !== 'on_battery') status = 'on_battery';
  const testResult = lookup(UPS_MIB_TEST, num(s.testResultsSummary), 'unknown');
  const testing = alarms?.has(ALARM_TEST_IN_PROGRESS) || testResult === 'in_progress';
  if (testing && (status === 'online' || status === 'on_battery')) status = 'testing';

  const inSum = lineSummary(input);
  const outSum = lineSummary(output);
  const minutes = num(s.minutesRemaining);
  const fields: UpsFields = {
    status,
    on_battery: onBattery,
    battery_charge_pct: num(s.chargeRemaining),
    runtime_s: int(minutes === undefined ? undefined : minutes * 60),
    seconds_on_battery: int(secondsOnBattery),
    battery_voltage_v: num(s.batteryVoltage, 10),
    battery_temp_c: plausibleTemp(num(s.batteryTemperature)),
    battery_replace: alarms === undefined ? undefined : alarms.has(ALARM_BATTERY_BAD),
    input_voltage_v: inSum.voltage,
    input_frequency_hz: inSum.frequency,
    output_voltage_v: outSum.voltage,
    output_frequency_hz: num(s.outputFrequency, 10),
    load_pct: outSum.load,
    self_test_result: testResult,
    self_test_date: testResult && testResult !== 'none' ? timestampToUnix(ctx, num(s.testStartTime)) : undefined,
  };

  const sensors: Point[] = [];
  const battery = lookup(UPS_MIB_BATTERY, num(s.batteryStatus), 'unknown');
  pushAll(
    sensors,
    ...lineSensors('input', input),
    ...lineSensors('output', output),
    ...lineSensors('bypass', bypass),
    sensor('frequency', 'bypass', num(s.bypassFrequency, 10)),
    sensor('current', 'battery', num(s.batteryCurrent, 10)),
    stateSensor('battery', battery, battery === undefined ? undefined : battery === 'normal'),
  );
  return {
    manufacturer: str(s.manufacturer),
    model: str(s.model),
    upsSoftwareVersion: str(s.upsSoftwareVersion),
    agentSoftwareVersion: asString(s.agentSoftwareVersion?.value)?.trim() || undefined,
    fields,
    sensors,
  };
}

/**
 * Generic collector: any device answering the UPS-MIB is a UPS, whatever its sysObjectID said (Generex
 * cards answer with the UPS-MIB OID itself; Linux boxes running NUT or PowerAlert look like servers).
 */
export const upsMibCollector: GenericCollector = {
  id: 'ups-mib',
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const r = await readUpsMib(ctx);
    if (!r) return { points: [] };
    const points: Point[] = [];
    pushAll(points, upsPoint(r.fields), ...r.sensors);
    return { classHint: 'ups', identity: { vendor: r.manufacturer, model: r.model }, points };
  },
};
