import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import type { Varbind } from '../../snmp/varbind.js';
import { num, oidUnder, parseDate, pushAll, scalars, str, table } from '../util.js';
import {
  type SelfTestResult, type UpsFields, type UpsStatus,
  batteryAge, fahrenheitToCelsius, lookup, normaliseStatus, sensor, stateSensor, ticksToSeconds, upsPoint,
} from './common.js';

/**
 * APC / Schneider Smart-UPS, Symmetra, Galaxy behind a Network Management Card (PowerNet-MIB, enterprise 318).
 * Newer cards add upsHighPrec* objects in tenths; older ones (AP9619, early AP9631 firmware) only have the
 * whole-unit upsAdv* objects, so each value prefers the precise object and falls back per field.
 */

const U = '1.3.6.1.4.1.318.1.1.1';

const OIDS = {
  model: `${U}.1.1.1.0`, // upsBasicIdentModel
  firmware: `${U}.1.2.1.0`, // upsAdvIdentFirmwareRevision (UPS, not card)
  serial: `${U}.1.2.3.0`, // upsAdvIdentSerialNumber
  batteryStatus: `${U}.2.1.1.0`, // upsBasicBatteryStatus
  timeOnBattery: `${U}.2.1.2.0`, // upsBasicBatteryTimeOnBattery, TimeTicks
  lastReplaceDate: `${U}.2.1.3.0`, // upsBasicBatteryLastReplaceDate, mm/dd/yy(yy)
  capacity: `${U}.2.2.1.0`, // upsAdvBatteryCapacity, %
  temperature: `${U}.2.2.2.0`, // upsAdvBatteryTemperature, °C
  runtime: `${U}.2.2.3.0`, // upsAdvBatteryRunTimeRemaining, TimeTicks
  replaceIndicator: `${U}.2.2.4.0`, // noBatteryNeedsReplacing(1) batteryNeedsReplacing(2)
  badPacks: `${U}.2.2.6.0`, // upsAdvBatteryNumOfBadBattPacks
  batteryVoltage: `${U}.2.2.8.0`, // upsAdvBatteryActualVoltage, V
  hpCapacity: `${U}.2.3.1.0`, // upsHighPrecBatteryCapacity, 0.1 %
  hpTemperature: `${U}.2.3.2.0`, // upsHighPrecBatteryTemperature, 0.1 °C
  hpBatteryVoltage: `${U}.2.3.4.0`, // upsHighPrecBatteryActualVoltage, 0.1 V
  inputVoltage: `${U}.3.2.1.0`, // upsAdvInputLineVoltage, V
  inputFrequency: `${U}.3.2.4.0`, // upsAdvInputFrequency, Hz
  hpInputVoltage: `${U}.3.3.1.0`, // upsHighPrecInputLineVoltage, 0.1 V
  hpInputFrequency: `${U}.3.3.4.0`, // upsHighPrecInputFrequency, 0.1 Hz
  outputStatus: `${U}.4.1.1.0`, // upsBasicOutputStatus
  outputVoltage: `${U}.4.2.1.0`, // upsAdvOutputVoltage, V
  outputFrequency: `${U}.4.2.2.0`, // upsAdvOutputFrequency, Hz
  load: `${U}.4.2.3.0`, // upsAdvOutputLoad, %
  outputCurrent: `${U}.4.2.4.0`, // upsAdvOutputCurrent, A
  hpOutputVoltage: `${U}.4.3.1.0`, // upsHighPrecOutputVoltage, 0.1 V
  hpOutputFrequency: `${U}.4.3.2.0`, // upsHighPrecOutputFrequency, 0.1 Hz
  hpLoad: `${U}.4.3.3.0`, // upsHighPrecOutputLoad, 0.1 %
  hpOutputCurrent: `${U}.4.3.4.0`, // upsHighPrecOutputCurrent, 0.1 A
  testResult: `${U}.7.2.3.0`, // upsAdvTestDiagnosticsResults
  testDate: `${U}.7.2.4.0`, // upsAdvTestLastDiagnosticsDate, mm/dd/yy(yy)
} as const;

/** iemStatusProbesEntry and iemStatusContactsEntry (integrated environmental monitor of the card). */
const IEM_STATUS = '1.3.6.1.4.1.318.1.1.10.2.3';
/** uioSensorStatusEntry (universal I/O ports of NMC2/NMC3). */
/** iemConfigContactEnable column of iemConfigContactsEntry. */
const IEM_CONTACT_ENABLE = '1.3.6.1.4.1.318.1.1.10.2.2.4.1.3';
const UIO_SENSOR_ENTRY = '1.3.6.1.4.1.318.1.1.25.1.2.1';

/**
 * upsBasicOutputStatus (PowerNet-MIB 4.x, 28 values). Eco and efficiency modes are a healthy UPS feeding the
 * load from mains; SPoT modes are APC's commissioning tests; DER discharges the battery on purpose, which
 * still spends runtime, so it is reported as on battery.
 */
export const APC_OUTPUT_STATUS: Readonly<Record<number, UpsStatus>> = {
  1: 'unknown', 2: 'online', 3: 'on_battery', 4: 'boost', 5: 'off', 6: 'bypass', 7: 'off', 8: 'off',
  9: 'bypass', 10: 'bypass', 11: 'off', 12: 'trim', 13: 'online', 14: 'online', 15: 'testing', 16: 'bypass',
  17: 'bypass', 18: 'online', 19: 'testing', 20: 'online', 21: 'testing', 22: 'testing', 23: 'online',
  24: 'testing', 25: 'online', 26: 'off', 27: 'on_battery', 28: 'testing',
};
/** States in which the load is fed from the battery: onBattery, onBatteryTest, batteryDischargeSpotmode, DER. */
const APC_ON_BATTERY = new Set([3, 15, 24, 27]);

/** upsAdvTestDiagnosticsResults: ok(1) failed(2) invalidTest(3) testInProgress(4). */
export const APC_TEST_RESULT: Readonly<Record<number, SelfTestResult>> = { 1: 'passed', 2: 'failed', 3: 'invalid', 4: 'in_progress' };

/** upsBasicBatteryStatus: unknown(1) batteryNormal(2) batteryLow(3) batteryInFaultCondition(4) noBatteryPresent(5). */
const APC_BATTERY: Readonly<Record<number, string>> = { 1: 'unknown', 2: 'normal', 3: 'low', 4: 'fault', 5: 'not_present' };

/** system branches (PowerNet-MIB `system`) that are UPSes: backUPS, smartUPS, matrixUPS, symmetra*, ais5000, smartUPS3Phase, symmetraPX, smartUPS2, galaxy, eps. */
const UPS_SYSTEMS = [1, 2, 3, 5, 13, 16, 17, 23, 27, 28, 30].map((n) => `1.3.6.1.4.1.318.1.3.${n}`);
/** NMC sysDescr names the loaded application; UPS applications are sumx, su, sy, sx, sm, g3 (Galaxy)… */
const UPS_APP = /AN1:\S*_(sumx|su|sy|sx|sm|sc|g3|gvm|gvx)_/i;

export function matchApc(sys: SysInfo): number {
  if (UPS_SYSTEMS.some((p) => oidUnder(sys.sysObjectID, p))) return 100;
  if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.318') && UPS_APP.test(sys.sysDescr)) return 90;
  // Another 318 branch is a PDU, ATS, cooling unit or NetBotz: its own family claims it.
  if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.318')) return 0;
  return /\b(Smart-UPS|Back-UPS|Symmetra)\b/.test(sys.sysDescr) ? 50 : 0;
}

/** `PF:v7.0.8` is the card's AOS firmware in every NMC sysDescr. */
function cardFirmware(sysDescr: string): string | undefined {
  return /\bPF:v?([\w.]+)/.exec(sysDescr)?.[1];
}

async function environment(ctx: ProfileContext): Promise<Array<Point | undefined>> {
  const [iem, uio] = await Promise.all([ctx.snmp.walk(IEM_STATUS), table(ctx, UIO_SENSOR_ENTRY)]);
  const out: Array<Point | undefined> = [];
  const probes = new Map<string, Map<number, (typeof iem)[number]>>();
  const contacts = new Map<string, Map<number, (typeof iem)[number]>>();
  for (const vb of iem) {
    const m = /^1\.3\.6\.1\.4\.1\.318\.1\.1\.10\.2\.3\.(2|4)\.1\.(\d+)\.(.+)$/.exec(vb.oid);
    if (!m) continue;
    const into = m[1] === '2' ? probes : contacts;
    let row = into.get(m[3]!);
    if (!row) into.set(m[3]!, (row = new Map()));
    row.set(Number(m[2]), vb);
  }
  for (const [index, row] of probes) {
    if (num(row.get(3)) !== 2) continue; // iemStatusProbeStatus: disconnected(1) connected(2)
    const name = str(row.get(2)) ?? `probe ${index}`;
    const t = num(row.get(4));
    out.push(sensor('temperature', name, num(row.get(5)) === 2 ? fahrenheitToCelsius(t) : t)); // celsius(1) fahrenheit(2)
    const h = num(row.get(6));
    if (h !== undefined && h > 0) out.push(sensor('humidity', name, h)); // temperature-only probes answer 0 or -1
  }
  // The status table also lists contacts that are switched off in iemConfigContactEnable (disabled(1)
  // enabled(2)), reporting them as noFault; only enabled contacts are real alarms.
  const enabled = contacts.size
    ? await ctx.snmp.get([...contacts.keys()].map((i) => `${IEM_CONTACT_ENABLE}.${i}`))
    : new Map<string, Varbind>();
  for (const [index, row] of contacts) {
    const st = num(row.get(3)); // iemStatusContactStatus: noFault(1) fault(2) disabled(3)
    const enable = num(enabled.get(`${IEM_CONTACT_ENABLE}.${index}`));
    if ((st !== 1 && st !== 2) || enable === 1) continue;
    out.push(stateSensor(str(row.get(2)) ?? `contact ${index}`, st === 1 ? 'no_fault' : 'fault', st === 1));
  }
  for (const [index, row] of uio) {
    if (num(row.get(10)) !== 2) continue; // uioSensorStatusCommStatus: commsOK(2)
    const name = str(row.get(3)) ?? `sensor ${index}`;
    out.push(sensor('temperature', name, num(row.get(6))));
    const h = num(row.get(7));
    if (h !== undefined && h > 0) out.push(sensor('humidity', name, h)); // -1: probe has no humidity element
  }
  return out;
}

export const apcProfile: Profile = {
  id: 'apc',
  vendor: 'APC',
  class: 'ups',
  match: matchApc,
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [s, env] = await Promise.all([scalars(ctx, OIDS), environment(ctx)]);
    const code = num(s.outputStatus);
    const status = normaliseStatus(APC_OUTPUT_STATUS, code);
    const replace = num(s.replaceIndicator);
    const badPacks = num(s.badPacks);
    const testResult = lookup(APC_TEST_RESULT, num(s.testResult), 'unknown');
    const fields: UpsFields = {
      status,
      on_battery: code === undefined ? undefined : APC_ON_BATTERY.has(code),
      battery_charge_pct: num(s.hpCapacity, 10) ?? num(s.capacity),
      runtime_s: ticksToSeconds(num(s.runtime)),
      seconds_on_battery: ticksToSeconds(num(s.timeOnBattery)),
      load_pct: num(s.hpLoad, 10) ?? num(s.load),
      input_voltage_v: num(s.hpInputVoltage, 10) ?? num(s.inputVoltage),
      input_frequency_hz: num(s.hpInputFrequency, 10) ?? num(s.inputFrequency),
      output_voltage_v: num(s.hpOutputVoltage, 10) ?? num(s.outputVoltage),
      output_frequency_hz: num(s.hpOutputFrequency, 10) ?? num(s.outputFrequency),
      battery_voltage_v: num(s.hpBatteryVoltage, 10) ?? num(s.batteryVoltage),
      battery_temp_c: num(s.hpTemperature, 10) ?? num(s.temperature),
      battery_replace: replace === undefined && badPacks === undefined ? undefined : replace === 2 || (badPacks ?? 0) > 0,
      self_test_result: testResult,
      self_test_date: parseDate(str(s.testDate)),
      ...batteryAge(parseDate(str(s.lastReplaceDate)), ctx.now),
    };
    const battery = lookup(APC_BATTERY, num(s.batteryStatus), 'unknown');
    const points: Point[] = [];
    pushAll(
      points,
      upsPoint(fields),
      sensor('current', 'output', num(s.hpOutputCurrent, 10) ?? num(s.outputCurrent)),
      stateSensor('battery', battery, battery === undefined ? undefined : battery === 'normal'),
      ...env,
    );
    const firmware = cardFirmware(ctx.sys.sysDescr);
    return {
      identity: {
        class: 'ups',
        vendor: 'APC',
        model: str(s.model),
        serial: str(s.serial),
        os: firmware ? 'AOS' : undefined,
        version: firmware,
      },
      points,
    };
  },
};
