import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { num, oidUnder, parseDate, pushAll, scalars, str } from '../util.js';
import {
  type SelfTestResult, type UpsFields, type UpsStatus,
  batteryAge, fahrenheitToCelsius, lookup, normaliseStatus, plausibleTemp, sensor, stateSensor, ticksToSeconds, upsPoint,
} from './common.js';

/**
 * CyberPower UPSes, through an RMCARD network card or the PowerPanel agent (CPS-MIB, enterprise 3808).
 * The MIB is modelled on APC's: TimeTicks runtime, tenths for voltages and frequencies.
 */

const C = '1.3.6.1.4.1.3808.1.1';

const OIDS = {
  model: `${C}.1.1.1.1.0`, // upsBaseIdentModel
  firmware: `${C}.1.1.2.1.0`, // upsAdvanceIdentFirmwareRevision (UPS)
  serial: `${C}.1.1.2.3.0`, // upsAdvanceIdentSerialNumber
  agentFirmware: `${C}.1.1.2.4.0`, // upsAdvanceIdentAgentFirmwareRevision (card)
  batteryStatus: `${C}.1.2.1.1.0`, // upsBaseBatteryStatus
  timeOnBattery: `${C}.1.2.1.2.0`, // TimeTicks
  lastReplaceDate: `${C}.1.2.1.3.0`, // mm/dd/yyyy
  capacity: `${C}.1.2.2.1.0`, // %
  batteryVoltage: `${C}.1.2.2.2.0`, // 0.1 V
  batteryTemp: `${C}.1.2.2.3.0`, // °C
  runtime: `${C}.1.2.2.4.0`, // TimeTicks
  replaceIndicator: `${C}.1.2.2.5.0`, // noBatteryNeedsReplacing(1) batteryNeedsReplacing(2)
  inputVoltage: `${C}.1.3.2.1.0`, // 0.1 V
  inputFrequency: `${C}.1.3.2.4.0`, // 0.1 Hz
  outputStatus: `${C}.1.4.1.1.0`, // upsBaseOutputStatus
  outputVoltage: `${C}.1.4.2.1.0`, // 0.1 V
  outputFrequency: `${C}.1.4.2.2.0`, // 0.1 Hz
  load: `${C}.1.4.2.3.0`, // %
  outputCurrent: `${C}.1.4.2.4.0`, // 0.1 A
  outputPower: `${C}.1.4.2.5.0`, // W
  testResult: `${C}.1.7.2.3.0`, // upsAdvanceTestDiagnosticsResults
  testDate: `${C}.1.7.2.4.0`, // mm/dd/yy
  envTemperature: `${C}.4.2.1.0`, // envirTemperature, 0.1 °F
  envHumidity: `${C}.4.3.1.0`, // envirHumidity, %
} as const;

/**
 * upsBaseOutputStatus: unknown(1) onLine(2) onBattery(3) onBoost(4) onSleep(5) off(6) rebooting(7) onECO(8)
 * onBypass(9) onBuck(10) onOverload(11). Overload is still the inverter feeding the load: the load
 * percentage says how bad it is.
 */
export const CPS_OUTPUT_STATUS: Readonly<Record<number, UpsStatus>> = {
  1: 'unknown', 2: 'online', 3: 'on_battery', 4: 'boost', 5: 'off', 6: 'off', 7: 'off', 8: 'online', 9: 'bypass', 10: 'trim', 11: 'online',
};

/** upsAdvanceTestDiagnosticsResults: ok(1) failed(2) invalidTest(3) testInProgress(4). */
export const CPS_TEST_RESULT: Readonly<Record<number, SelfTestResult>> = { 1: 'passed', 2: 'failed', 3: 'invalid', 4: 'in_progress' };

/** upsBaseBatteryStatus: unknown(1) batteryNormal(2) batteryLow(3) batteryNotPresent(4). */
const CPS_BATTERY: Readonly<Record<number, string>> = { 1: 'unknown', 2: 'normal', 3: 'low', 4: 'not_present' };

export function matchCyberPower(sys: SysInfo): number {
  if (sys.sysObjectID === '1.3.6.1.4.1.3808' || oidUnder(sys.sysObjectID, `${C}.1`)) return 100;
  // RMCARDs answer with the card's own OID (3808.1.1.3) on UPSes and PDUs alike; collect() reads the UPS
  // branch, which a PDU leaves empty.
  if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.3808')) return 80;
  return /CyberPower|PowerPanel/i.test(sys.sysDescr) ? 50 : 0;
}

export const cyberPowerProfile: Profile = {
  id: 'cyberpower',
  vendor: 'CyberPower',
  class: 'ups',
  match: matchCyberPower,
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const s = await scalars(ctx, OIDS);
    const code = num(s.outputStatus);
    const testResult = lookup(CPS_TEST_RESULT, num(s.testResult), 'unknown');
    let status = normaliseStatus(CPS_OUTPUT_STATUS, code);
    if (testResult === 'in_progress' && (status === 'online' || status === 'on_battery')) status = 'testing';
    const replace = num(s.replaceIndicator);
    const fields: UpsFields = {
      status,
      on_battery: code === undefined ? undefined : code === 3,
      battery_charge_pct: num(s.capacity),
      runtime_s: ticksToSeconds(num(s.runtime)),
      seconds_on_battery: ticksToSeconds(num(s.timeOnBattery)),
      load_pct: num(s.load),
      input_voltage_v: num(s.inputVoltage, 10),
      input_frequency_hz: num(s.inputFrequency, 10),
      output_voltage_v: num(s.outputVoltage, 10),
      output_frequency_hz: num(s.outputFrequency, 10),
      battery_voltage_v: num(s.batteryVoltage, 10),
      battery_temp_c: plausibleTemp(num(s.batteryTemp)),
      battery_replace: replace === undefined ? undefined : replace === 2,
      self_test_result: testResult,
      self_test_date: parseDate(str(s.testDate)),
      ...batteryAge(parseDate(str(s.lastReplaceDate)), ctx.now),
    };
    const battery = lookup(CPS_BATTERY, num(s.batteryStatus), 'unknown');
    const points: Point[] = [];
    pushAll(
      points,
      upsPoint(fields),
      sensor('current', 'output', num(s.outputCurrent, 10)),
      sensor('power', 'output', num(s.outputPower)),
      sensor('temperature', 'environment', fahrenheitToCelsius(num(s.envTemperature, 10))),
      sensor('humidity', 'environment', num(s.envHumidity)),
      stateSensor('battery', battery, battery === undefined ? undefined : battery === 'normal'),
    );
    const agent = str(s.agentFirmware);
    return {
      identity: {
        class: 'ups',
        vendor: 'CyberPower',
        model: str(s.model),
        serial: str(s.serial),
        os: agent ? 'RMCARD' : undefined,
        version: agent ?? str(s.firmware),
      },
      points,
    };
  },
};
