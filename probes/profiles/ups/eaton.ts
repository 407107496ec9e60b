import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import type { TableRows } from '../../snmp/varbind.js';
import { num, oidUnder, parseDate, pushAll, scalars, str, table } from '../util.js';
import { readUpsMib } from '../generic/ups-mib.js';
import {
  type LineReading, type SelfTestResult, type UpsFields, type UpsStatus,
  batteryAge, int, lineSensors, lineSummary, lookup, mergeFields, mergeSensors, normaliseStatus, sensor, stateSensor, upsPoint, yesNo,
} from './common.js';

/**
 * Eaton / Powerware UPSes with a ConnectUPS, Network-M2 or Gigabit card (XUPS-MIB, 534.1). Newer cards
 * publish most live values through RFC 1628 and only identity and environment through XUPS, older ones
 * the reverse; the profile reads both and lets the XUPS value win where both answer.
 */

const X = '1.3.6.1.4.1.534.1';

const OIDS = {
  manufacturer: `${X}.1.1.0`,
  model: `${X}.1.2.0`,
  upsSoftware: `${X}.1.3.0`,
  serial: `${X}.1.6.0`, // xupsIdentSerialNumber
  batTimeRemaining: `${X}.2.1.0`, // seconds
  batVoltage: `${X}.2.2.0`, // V DC
  batCurrent: `${X}.2.3.0`, // A DC
  batCapacity: `${X}.2.4.0`, // %
  abmStatus: `${X}.2.5.0`,
  lastReplaced: `${X}.2.6.0`, // free-text date
  batteryFailure: `${X}.2.7.0`, // yes(1) no(2)
  batteryAged: `${X}.2.9.0`, // yes(1) no(2)
  inputFrequency: `${X}.3.1.0`, // 0.1 Hz
  inputNumPhases: `${X}.3.3.0`,
  outputLoad: `${X}.4.1.0`, // %
  outputFrequency: `${X}.4.2.0`, // 0.1 Hz
  outputNumPhases: `${X}.4.3.0`,
  outputSource: `${X}.4.5.0`,
  bypassFrequency: `${X}.5.1.0`, // 0.1 Hz
  bypassNumPhases: `${X}.5.2.0`,
  testBatteryStatus: `${X}.8.2.0`,
  agentModel: `${X}.14.2.0`, // xupsAgentModel
  agentVersion: `${X}.14.3.0`, // xupsAgentSoftwareVersion
} as const;

/** xupsEnvironment; the remote probe (EMP) objects live in EATON-EMP-MIB under the same branch. */
const ENV = {
  ambientTemp: `${X}.6.1.0`, // °C
  ambientHumidity: `${X}.6.4.0`, // %
  remoteTemp: `${X}.6.5.0`, // °C
  remoteHumidity: `${X}.6.6.0`, // %
} as const;

/**
 * xupsOutputSource: other(1) none(2) normal(3) bypass(4) battery(5) booster(6) reducer(7) parallelCapacity(8)
 * parallelRedundant(9) highEfficiencyMode(10) maintenanceBypass(11) essMode(12). Parallel, high-efficiency and
 * ESS are all "normal, feeding the load from mains" in the MIB's own words.
 */
export const XUPS_OUTPUT_SOURCE: Readonly<Record<number, UpsStatus>> = {
  1: 'unknown', 2: 'off', 3: 'online', 4: 'bypass', 5: 'on_battery', 6: 'boost', 7: 'trim',
  8: 'online', 9: 'online', 10: 'online', 11: 'bypass', 12: 'online',
};

/** xupsTestBatteryStatus: unknown(1) passed(2) failed(3) inProgress(4) notSupported(5) inhibited(6) scheduled(7). */
export const XUPS_TEST: Readonly<Record<number, SelfTestResult>> = {
  1: 'unknown', 2: 'passed', 3: 'failed', 4: 'in_progress', 5: 'not_supported', 6: 'aborted', 7: 'scheduled',
};

/** xupsBatteryAbmStatus: charging(1) discharging(2) floating(3) resting(4) unknown(5) disconnected(6) underTest(7) checkBattery(8). */
const ABM: Readonly<Record<number, string>> = {
  1: 'charging', 2: 'discharging', 3: 'floating', 4: 'resting', 5: 'unknown', 6: 'disconnected', 7: 'under_test', 8: 'check_battery',
};

export function matchEaton(sys: SysInfo): number {
  if (oidUnder(sys.sysObjectID, X)) return 100;
  return /ConnectUPS|Powerware|Network-M2|\bEaton\b.*\b\d+P[XS]?\b/i.test(sys.sysDescr) ? 50 : 0;
}

function phases(rows: TableRows, count: number | undefined, cols: { voltage: number; current?: number; power?: number }): LineReading[] {
  const out: LineReading[] = [];
  for (const [index, row] of rows) {
    const line = Number(index);
    if (count !== undefined && count > 0 && line > count) continue;
    out.push({
      line,
      voltage: num(row.get(cols.voltage)),
      current: cols.current === undefined ? undefined : num(row.get(cols.current)),
      power: cols.power === undefined ? undefined : num(row.get(cols.power)),
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Ambient and remote probe readings, shared with the MGE profile (the same Eaton cards serve both MIBs). */
export async function readXupsEnvironment(ctx: ProfileContext): Promise<Array<Point | undefined>> {
  const e = await scalars(ctx, ENV);
  return [
    sensor('temperature', 'ambient', num(e.ambientTemp)),
    sensor('humidity', 'ambient', num(e.ambientHumidity)),
    sensor('temperature', 'remote', num(e.remoteTemp)),
    sensor('humidity', 'remote', num(e.remoteHumidity)),
  ];
}

/** ConnectUPS cards name themselves only in sysDescr: "ConnectUPS Web/SNMP Card V4.38". */
function cardFromSysDescr(sysDescr: string): { os?: string; version?: string } {
  const m = /^(ConnectUPS[\w /-]*?)\s+V?(\d[\w.]*)\s*$/i.exec(sysDescr.trim());
  return m ? { os: m[1]!.replace(/\s+Card$/i, ''), version: m[2] } : {};
}

export const eatonProfile: Profile = {
  id: 'eaton-xups',
  covers: ['ups-mib'],
  vendor: 'Eaton',
  class: 'ups',
  match: matchEaton,
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [s, rfc, env] = await Promise.all([scalars(ctx, OIDS), readUpsMib(ctx), readXupsEnvironment(ctx)]);
    const hasTables = s.inputNumPhases || s.outputNumPhases || s.bypassNumPhases;
    const none: TableRows = new Map();
    const [inRows, outRows, byRows] = hasTables
      ? await Promise.all([table(ctx, `${X}.3.4.1`), table(ctx, `${X}.4.4.1`), table(ctx, `${X}.5.3.1`)])
      : [none, none, none];
    const input = phases(inRows, num(s.inputNumPhases), { voltage: 2, current: 3, power: 4 });
    const output = phases(outRows, num(s.outputNumPhases), { voltage: 2, current: 3, power: 4 });
    const bypass = phases(byRows, num(s.bypassNumPhases), { voltage: 2 });

    const abm = num(s.abmStatus);
    const testResult = lookup(XUPS_TEST, num(s.testBatteryStatus), 'unknown');
    let status = normaliseStatus(XUPS_OUTPUT_SOURCE, num(s.outputSource));
    if ((testResult === 'in_progress' || abm === 7) && (status === 'online' || status === 'on_battery')) status = 'testing';
    const aged = yesNo(s.batteryAged);
    const failed = yesNo(s.batteryFailure);
    const inSum = lineSummary(input);
    const outSum = lineSummary(output);
    const xups: UpsFields = {
      status,
      on_battery: s.outputSource ? num(s.outputSource) === 5 : undefined,
      battery_charge_pct: num(s.batCapacity),
      runtime_s: int(num(s.batTimeRemaining)),
      battery_voltage_v: num(s.batVoltage),
      battery_replace: aged === undefined && failed === undefined ? undefined : aged === true || failed === true,
      load_pct: num(s.outputLoad),
      input_voltage_v: inSum.voltage,
      input_frequency_hz: num(s.inputFrequency, 10),
      output_voltage_v: outSum.voltage,
      output_frequency_hz: num(s.outputFrequency, 10),
      self_test_result: testResult,
      ...batteryAge(parseDate(str(s.lastReplaced)), ctx.now),
    };
    const vendorSensors: Point[] = [];
    const abmState = lookup(ABM, abm, 'unknown');
    pushAll(
      vendorSensors,
      ...lineSensors('input', input),
      ...lineSensors('output', output),
      ...lineSensors('bypass', bypass),
      sensor('frequency', 'bypass', num(s.bypassFrequency, 10)),
      sensor('current', 'battery', num(s.batCurrent)),
      stateSensor('battery charger', abmState, abmState === undefined ? undefined : !['disconnected', 'check_battery'].includes(abmState)),
      ...env,
    );
    const points: Point[] = [];
    pushAll(points, upsPoint(mergeFields(rfc?.fields ?? {}, xups)), ...mergeSensors(rfc?.sensors ?? [], vendorSensors));
    const card = str(s.agentModel) ? { os: str(s.agentModel), version: str(s.agentVersion) } : cardFromSysDescr(ctx.sys.sysDescr);
    return {
      identity: {
        class: 'ups',
        vendor: 'Eaton',
        model: str(s.model) ?? rfc?.model,
        serial: str(s.serial),
        os: card.os,
        version: card.version ?? str(s.upsSoftware),
      },
      points,
    };
  },
};
