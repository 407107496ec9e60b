import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import type { TableRows, Varbind } from '../../snmp/varbind.js';
import { num, oidUnder, pushAll, round, scalars, str, table } from '../util.js';
import {
  type LineReading, type UpsFields, type UpsStatus,
  int, lineSensors, lineSummary, lookup, normaliseStatus, sensor, stateSensor, upsPoint,
} from './common.js';

/**
 * Socomec UPSes with a Net Vision card (SOCOMECUPS-MIB, 4555.1.1.7). The card fills the 16-bit register
 * of a quantity the UPS does not measure with 0xFFFF (65535, or 655350 once scaled by ten), so those are
 * "not available", never 6553.5 V or 45 days of runtime.
 */

const S = '1.3.6.1.4.1.4555.1.1.7.1';

const OIDS = {
  model: `${S}.1.1.0`,
  serial: `${S}.1.2.0`,
  agentVersion: `${S}.1.5.0`, // upsIdentAgentSoftwareVersion, "Net Vision 8 v8.00"
  batteryStatus: `${S}.2.1.0`,
  secondsOnBattery: `${S}.2.2.0`, // -1 when not on battery
  minutesRemaining: `${S}.2.3.0`,
  chargeRemaining: `${S}.2.4.0`,
  batteryVoltage: `${S}.2.5.0`, // 0.1 V
  batteryTemperature: `${S}.2.6.0`, // 0.1 °C
  ambientTemperature: `${S}.2.7.0`, // 0.1 °C, inside the UPS
  batteryCurrent: `${S}.2.8.0`, // 0.1 A
  inputNumLines: `${S}.3.1.0`,
  inputFrequency: `${S}.3.2.0`, // 0.1 Hz
  outputSource: `${S}.4.1.0`,
  outputFrequency: `${S}.4.2.0`, // 0.1 Hz
  outputNumLines: `${S}.4.3.0`,
  bypassFrequency: `${S}.5.1.0`, // 0.1 Hz
  bypassNumLines: `${S}.5.2.0`,
  alarmLowBattery: `${S}.6.3.14.0`,
  alarmOnBattery: `${S}.6.3.15.0`,
  alarmBatteryTest: `${S}.6.3.18.0`, // battery found weak during the test
  alarmBatteryFault: `${S}.6.3.19.0`, // "batteries require replacement"
  alarmAutoTestRunning: `${S}.6.3.54.0`,
} as const;

/**
 * upsOutputSource: unknown(1) onMaintenBypass(2) onInverter(3) normalMode(4) ecoMode(5) onBypass(6)
 * standby(7) upsOff(8) lineInteractive(9) flexMode(10). onInverter is the normal double-conversion path;
 * whether the inverter draws from mains or battery is in upsBatteryStatus and the on-battery alarm.
 */
export const SOCOMEC_OUTPUT_SOURCE: Readonly<Record<number, UpsStatus>> = {
  1: 'unknown', 2: 'bypass', 3: 'online', 4: 'online', 5: 'online', 6: 'bypass', 7: 'off', 8: 'off', 9: 'online', 10: 'online',
};

/** upsBatteryStatus: unknown(1) normal(2) charging(3) test(4) discharging(5) low(6) depleted(7) failure(8) disconnected(9). */
const SOCOMEC_BATTERY: Readonly<Record<number, string>> = {
  1: 'unknown', 2: 'normal', 3: 'charging', 4: 'test', 5: 'discharging', 6: 'low', 7: 'depleted', 8: 'failure', 9: 'disconnected',
};

/** The register-full sentinels, before or after the card's ×10 scaling. */
export function socomecValue(vb: Varbind | undefined, divisor = 1): number | undefined {
  const raw = num(vb);
  if (raw === undefined || raw === 65535 || raw === 65534 || raw === 655350 || raw === 655340) return undefined;
  return divisor === 1 ? raw : round(raw / divisor);
}

export function matchSocomec(sys: SysInfo): number {
  if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.4555.1.1.7')) return 100;
  return /Net\s?Vision/i.test(sys.sysDescr) ? 50 : 0;
}

function lines(rows: TableRows, count: number | undefined, cols: { voltage: number; current: number; load?: number; kw?: number }): LineReading[] {
  const out: LineReading[] = [];
  for (const [index, row] of rows) {
    const line = Number(index);
    if (count !== undefined && count > 0 && line > count) continue;
    const kw = cols.kw === undefined ? undefined : socomecValue(row.get(cols.kw), 10);
    out.push({
      line,
      voltage: socomecValue(row.get(cols.voltage), 10),
      current: socomecValue(row.get(cols.current), 10),
      load: cols.load === undefined ? undefined : socomecValue(row.get(cols.load)),
      power: kw === undefined ? undefined : round(kw * 1000),
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

export const socomecProfile: Profile = {
  id: 'socomec',
  vendor: 'Socomec',
  class: 'ups',
  match: matchSocomec,
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const s = await scalars(ctx, OIDS);
    const [inRows, outRows, byRows] = await Promise.all([table(ctx, `${S}.3.3.1`), table(ctx, `${S}.4.4.1`), table(ctx, `${S}.5.3.1`)]);
    const input = lines(inRows, num(s.inputNumLines), { voltage: 2, current: 3 });
    const output = lines(outRows, num(s.outputNumLines), { voltage: 2, current: 3, load: 4, kw: 6 });
    const bypass = lines(byRows, num(s.bypassNumLines), { voltage: 2, current: 3 });

    const battery = lookup(SOCOMEC_BATTERY, num(s.batteryStatus), 'unknown');
    const onBatteryAlarm = num(s.alarmOnBattery);
    const onBattery = onBatteryAlarm === 1 || battery === 'discharging' ? true : onBatteryAlarm === 0 || battery !== undefined ? false : undefined;
    let status = normaliseStatus(SOCOMEC_OUTPUT_SOURCE, num(s.outputSource));
    if (onBattery && status !== 'bypass' && status !== 'off') status = 'on_battery';
    if ((num(s.alarmAutoTestRunning) === 1 || battery === 'test') && (status === 'online' || status === 'on_battery')) status = 'testing';
    const fault = num(s.alarmBatteryFault);
    const seconds = num(s.secondsOnBattery);
    const minutes = socomecValue(s.minutesRemaining);
    // Net Vision answers 0 for the battery temperature of UPSes that have no battery probe (NETYS, ITYS).
    const batteryTemp = socomecValue(s.batteryTemperature, 10);
    const inSum = lineSummary(input);
    const outSum = lineSummary(output);
    const fields: UpsFields = {
      status,
      on_battery: onBattery,
      battery_charge_pct: socomecValue(s.chargeRemaining),
      runtime_s: int(minutes === undefined ? undefined : minutes * 60),
      seconds_on_battery: seconds === undefined ? undefined : Math.max(0, seconds),
      battery_voltage_v: socomecValue(s.batteryVoltage, 10),
      battery_temp_c: batteryTemp === 0 ? undefined : batteryTemp,
      battery_replace: fault === undefined ? undefined : fault === 1,
      input_voltage_v: inSum.voltage,
      input_frequency_hz: socomecValue(s.inputFrequency, 10),
      output_voltage_v: outSum.voltage,
      output_frequency_hz: socomecValue(s.outputFrequency, 10),
      load_pct: outSum.load,
      self_test_result: num(s.alarmBatteryTest) === 1 ? 'failed' : undefined,
    };
    const points: Point[] = [];
    pushAll(
      points,
      upsPoint(fields),
      ...lineSensors('input', input),
      ...lineSensors('output', output),
      ...lineSensors('bypass', bypass),
      sensor('frequency', 'bypass', socomecValue(s.bypassFrequency, 10)),
      sensor('temperature', 'ambient', socomecValue(s.ambientTemperature, 10)),
      sensor('current', 'battery', socomecValue(s.batteryCurrent, 10)),
      stateSensor('battery', battery, battery === undefined ? undefined : ['normal', 'charging'].includes(battery) && num(s.alarmLowBattery) !== 1),
    );
    const agent = str(s.agentVersion);
    const m = agent ? /^(.*?)\s+v?(\d[\w.]*)$/i.exec(agent) : null;
    return {
      identity: {
        class: 'ups',
        vendor: 'Socomec',
        model: str(s.model),
        serial: str(s.serial),
        os: m ? m[1]!.replace(/\s+\d+$/, '') : agent,
        version: m?.[2],
      },
      points,
    };
  },
};
