import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import type { TableRows } from '../../snmp/varbind.js';
import { num, oidUnder, parseDate, pushAll, scalars, str, table } from '../util.js';
import { readUpsMib } from '../generic/ups-mib.js';
import {
  type LineReading, type SelfTestResult, type UpsFields, type UpsStatus,
  batteryAge, int, lineSensors, lineSummary, lookup, mergeFields, mergeSensors, normaliseStatus, plausibleTemp,
  sensor, signed32, stateSensor, ticksToSeconds, upsPoint,
} from './common.js';

/**
 * Tripp Lite UPSes through PowerAlert (TRIPPLITE-PRODUCTS, 850.1.1.3.1). PowerAlert is a Linux appliance
 * (or software on a host): its sysDescr is a Linux one and its sysObjectID the generic tlpDevice branch, so
 * the enterprise prefix and the "PowerAlert" string are what place it. It also serves RFC 1628, which leaves
 * upsOutputSource at other(1) and reports whole volts; the Tripp Lite objects carry the status and tenths.
 *
 * Tables are indexed by tlpDeviceIndex; a PowerAlert box watching one UPS (the usual case) uses index 1,
 * which is what this profile reads.
 */

const T = '1.3.6.1.4.1.850.1.1';
const UPS = `${T}.3.1`;

const OIDS = {
  deviceSerial: `${T}.1.2.1.5.1`, // tlpDeviceIdentSerialNum
  mainLoadState: `${UPS}.2.1.1.1.1`, // unknown(0) off(1) on(2)
  testDate: `${UPS}.2.1.1.5.1`, // YYYY-MM-DD
  testResult: `${UPS}.2.1.1.6.1`,
  deviceTemperature: `${UPS}.2.1.1.7.1`, // 0.1 °C near the casing
  batteryStatus: `${UPS}.3.1.1.1.1.1`,
  secondsOnBattery: `${UPS}.3.1.1.1.2.1`,
  minutesRemaining: `${UPS}.3.1.1.1.3.1`,
  chargeRemaining: `${UPS}.3.1.1.1.4.1`,
  runTimeRemaining: `${UPS}.3.1.1.1.5.1`, // TimeTicks, newer agents only
  batteryVoltage: `${UPS}.3.1.2.1.1.1`, // 0.1 V
  batteryCurrent: `${UPS}.3.1.2.1.2.1`, // 0.01 A, signed
  packCondition: `${UPS}.3.1.5.1.1.1.1`, // unknown(0) good(1) weak(2) bad(3)
  packTemperature: `${UPS}.3.1.5.1.2.1.1`, // 0.1 °C
  packLastReplaced: `${UPS}.3.1.5.1.5.1.1`,
  outputSource: `${UPS}.3.3.1.1.1.1`,
  outputFrequency: `${UPS}.3.3.1.1.3.1`, // 0.1 Hz
} as const;

/**
 * tlpUpsOutputSource: unknown(0) other(1) none(2) normal(3) bypass(4) battery(5) boosting(6) reducing(7)
 * second(8) economy(9). second is the second utility feed of a dual-input UPS; economy is mains through the
 * bypass path by choice. Both are a healthy UPS.
 */
export const TLP_OUTPUT_SOURCE: Readonly<Record<number, UpsStatus>> = {
  0: 'unknown', 1: 'unknown', 2: 'off', 3: 'online', 4: 'bypass', 5: 'on_battery', 6: 'boost', 7: 'trim', 8: 'online', 9: 'online',
};

/** tlpUpsDeviceTestResultsStatus: noTest(0) doneAndPassed(1) doneAndWarning(2) doneAndError(3) aborted(4) inProgress(5) noTestInitiated(6) badBattery(7) overCurrent(8) batteryFailed(9). */
export const TLP_TEST_RESULT: Readonly<Record<number, SelfTestResult>> = {
  0: 'none', 1: 'passed', 2: 'warning', 3: 'failed', 4: 'aborted', 5: 'in_progress', 6: 'none', 7: 'failed', 8: 'failed', 9: 'failed',
};

export function matchTrippLite(sys: SysInfo): number {
  if (oidUnder(sys.sysObjectID, UPS)) return 100;
  // PowerAlert answers with tlpDevice for UPSes and PDUs alike; collect() reads the UPS branch.
  if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.850')) return /PowerAlert/i.test(sys.sysDescr) ? 90 : 60;
  return /PowerAlert|Tripp\s?Lite/i.test(sys.sysDescr) ? 50 : 0;
}

function deviceRows(rows: TableRows, cols: { voltage: number; current: number; power: number; frequency?: number; load?: number }): LineReading[] {
  const out: LineReading[] = [];
  for (const [index, row] of rows) {
    const [device, line] = index.split('.').map(Number);
    if (device !== 1 || line === undefined) continue;
    out.push({
      line,
      voltage: num(row.get(cols.voltage), 10),
      current: num(row.get(cols.current), 100),
      power: num(row.get(cols.power)),
      frequency: cols.frequency === undefined ? undefined : num(row.get(cols.frequency), 10),
      load: cols.load === undefined ? undefined : num(row.get(cols.load)),
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

export const trippLiteProfile: Profile = {
  id: 'tripplite',
  covers: ['ups-mib'],
  vendor: 'Tripp Lite',
  class: 'ups',
  match: matchTrippLite,
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [s, rfc, inRows, outRows] = await Promise.all([
      scalars(ctx, OIDS),
      readUpsMib(ctx),
      table(ctx, `${UPS}.3.2.2.1`), // tlpUpsInputPhaseEntry
      table(ctx, `${UPS}.3.3.2.1`), // tlpUpsOutputLineEntry
    ]);
    const input = deviceRows(inRows, { frequency: 2, voltage: 3, current: 6, power: 7 });
    const output = deviceRows(outRows, { voltage: 2, current: 3, power: 4, load: 5 });

    const source = num(s.outputSource);
    const testResult = lookup(TLP_TEST_RESULT, num(s.testResult), 'unknown');
    let status = normaliseStatus(TLP_OUTPUT_SOURCE, source);
    if (num(s.mainLoadState) === 1 && status !== 'on_battery') status = 'off';
    if (testResult === 'in_progress' && (status === 'online' || status === 'on_battery')) status = 'testing';
    const minutes = num(s.minutesRemaining);
    const condition = num(s.packCondition);
    const packTemp = signed32(num(s.packTemperature));
    const inSum = lineSummary(input);
    const outSum = lineSummary(output);
    const tlp: UpsFields = {
      status,
      on_battery: source === undefined ? undefined : source === 5,
      battery_charge_pct: num(s.chargeRemaining),
      runtime_s: ticksToSeconds(num(s.runTimeRemaining)) ?? int(minutes === undefined ? undefined : minutes * 60),
      seconds_on_battery: int(num(s.secondsOnBattery)),
      battery_voltage_v: num(s.batteryVoltage, 10),
      battery_temp_c: plausibleTemp(packTemp === undefined ? undefined : packTemp / 10),
      battery_replace: condition === undefined || condition === 0 ? undefined : condition === 3,
      input_voltage_v: inSum.voltage,
      input_frequency_hz: inSum.frequency,
      output_voltage_v: outSum.voltage,
      output_frequency_hz: num(s.outputFrequency, 10),
      load_pct: outSum.load,
      self_test_result: testResult,
      self_test_date: parseDate(str(s.testDate)),
      ...batteryAge(parseDate(str(s.packLastReplaced)), ctx.now),
    };
    const current = signed32(num(s.batteryCurrent));
    const vendorSensors: Point[] = [];
    pushAll(
      vendorSensors,
      ...lineSensors('input', input),
      ...lineSensors('output', output),
      sensor('temperature', 'ups', num(s.deviceTemperature, 10)),
      sensor('current', 'battery', current === undefined ? undefined : current / 100),
      stateSensor('battery pack', ['unknown', 'good', 'weak', 'bad'][condition ?? -1], condition === undefined || condition === 0 ? undefined : condition === 1),
    );
    const points: Point[] = [];
    pushAll(points, upsPoint(mergeFields(rfc?.fields ?? {}, tlp)), ...mergeSensors(rfc?.sensors ?? [], vendorSensors));
    const model = rfc?.model;
    const serial = str(s.deviceSerial);
    const agent = /PowerAlert\s+v?(\d[\w.]*)/i.exec(ctx.sys.sysDescr);
    return {
      identity: {
        class: 'ups',
        vendor: 'Tripp Lite',
        model,
        // Some PowerAlert builds put the model name in tlpDeviceIdentSerialNum.
        serial: serial && serial !== model ? serial : undefined,
        os: agent || rfc?.agentSoftwareVersion ? 'PowerAlert' : undefined,
        version: rfc?.agentSoftwareVersion ?? agent?.[1],
      },
      points,
    };
  },
};
