import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { num, oidUnder, pushAll, scalars, str } from '../util.js';
import { readUpsMib } from '../generic/ups-mib.js';
import { readXupsEnvironment } from './eaton.js';
import { type UpsFields, type UpsStatus, int, mergeFields, mergeSensors, plausibleTemp, sensor, stateSensor, upsPoint, yesNo } from './common.js';

/**
 * MGE and the Eaton models that inherited its firmware (Pulsar, Evolution, 5PX/5SX with Network-MS cards):
 * MG-SNMP-UPS-MIB (705.1). Its status is a set of yes(1)/no(2) flags rather than one enumeration; these
 * cards also publish the RFC 1628 tables, which carry the line measurements.
 *
 * The MIB states no units for the battery objects; the same device's UPS-MIB and Network UPS Tools'
 * mge-mib.c agree on seconds for upsmgBatteryRemainingTime and tenths for voltage and current.
 */

const M = '1.3.6.1.4.1.705.1';

const OIDS = {
  family: `${M}.1.1.0`, // upsmgIdentFamilyName, e.g. "Eaton 5PX"
  modelName: `${M}.1.2.0`, // upsmgIdentModelName, e.g. "3000"
  firmware: `${M}.1.4.0`, // upsmgIdentFirmwareVersion
  serial: `${M}.1.7.0`, // upsmgIdentSerialNumber
  remainingTime: `${M}.5.1.0`, // s
  level: `${M}.5.2.0`, // %
  voltage: `${M}.5.5.0`, // 0.1 V
  current: `${M}.5.6.0`, // 0.1 A
  temperature: `${M}.5.7.0`, // °C
  faultBattery: `${M}.5.9.0`,
  replacement: `${M}.5.11.0`,
  lowBattery: `${M}.5.14.0`,
  onBattery: `${M}.7.3.0`,
  onBypass: `${M}.7.4.0`,
  utilityOff: `${M}.7.7.0`,
  onBoost: `${M}.7.8.0`,
  inverterOff: `${M}.7.9.0`,
  onBuck: `${M}.7.12.0`,
} as const;

type Flags = { onBattery?: boolean; onBypass?: boolean; onBoost?: boolean; onBuck?: boolean };

/**
 * Order matters: a UPS on battery may also report boost. With no flag raised the flags alone cannot tell
 * "normal" from "eco mode with the inverter off", so the caller falls back to upsOutputSource.
 */
export function mgeStatus(f: Flags): UpsStatus | undefined {
  if (f.onBattery) return 'on_battery';
  if (f.onBypass) return 'bypass';
  if (f.onBoost) return 'boost';
  if (f.onBuck) return 'trim';
  return undefined;
}

export function matchMge(sys: SysInfo): number {
  if (oidUnder(sys.sysObjectID, M)) return 100;
  return /\bMGE\b|Pulsar|Evolution|Galaxy 3500/i.test(sys.sysDescr) ? 50 : 0;
}

export const mgeProfile: Profile = {
  id: 'mge',
  covers: ['ups-mib'],
  vendor: 'Eaton',
  class: 'ups',
  match: matchMge,
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [s, rfc, env] = await Promise.all([scalars(ctx, OIDS), readUpsMib(ctx), readXupsEnvironment(ctx)]);
    const flags: Flags = { onBattery: yesNo(s.onBattery), onBypass: yesNo(s.onBypass), onBoost: yesNo(s.onBoost), onBuck: yesNo(s.onBuck) };
    const utilityOk = yesNo(s.utilityOff) === false;
    const status = mgeStatus(flags) ?? rfc?.fields.status ?? (flags.onBattery === false && utilityOk ? 'online' : undefined);
    const replacement = yesNo(s.replacement);
    const mge: UpsFields = {
      status,
      on_battery: flags.onBattery,
      battery_charge_pct: num(s.level),
      runtime_s: int(num(s.remainingTime)),
      battery_voltage_v: num(s.voltage, 10),
      battery_temp_c: plausibleTemp(num(s.temperature)),
      battery_replace: replacement,
    };
    const low = yesNo(s.lowBattery);
    const vendorSensors: Point[] = [];
    pushAll(
      vendorSensors,
      sensor('current', 'battery', num(s.current, 10)),
      stateSensor('battery', low === undefined ? undefined : low ? 'low' : 'normal', low === undefined ? undefined : !low && yesNo(s.faultBattery) !== true),
      stateSensor('inverter', yesNo(s.inverterOff) === undefined ? undefined : yesNo(s.inverterOff) ? 'off' : 'on', undefined),
      ...env,
    );
    const points: Point[] = [];
    pushAll(points, upsPoint(mergeFields(rfc?.fields ?? {}, mge)), ...mergeSensors(rfc?.sensors ?? [], vendorSensors));
    const family = str(s.family);
    const modelName = str(s.modelName);
    return {
      identity: {
        class: 'ups',
        vendor: family?.startsWith('MGE') ? 'MGE' : 'Eaton',
        model: [family, modelName].filter(Boolean).join(' ') || rfc?.model,
        serial: str(s.serial),
        version: str(s.firmware) ?? rfc?.upsSoftwareVersion,
      },
      points,
    };
  },
};
