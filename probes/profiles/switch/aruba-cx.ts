import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { toTable } from '../../snmp/varbind.js';
import { oidUnder, pushAll, round } from '../util.js';
import { type Reading, cell, cellStr, entityChassis, hottest, pct, pushReadings, systemPoint } from './common.js';

/**
 * HPE Aruba Networking CX switches (AOS-CX: 4100i, 6000, 6100, 6200, 6300, 8xxx), enterprise 47196. CPU and
 * memory from ARUBAWIRED-SYSTEMINFO-MIB, temperatures, fans and PSUs from the ARUBAWIRED chassis MIBs
 * (arubaWiredChassisMIB = 47196.4.1.1.3.11). PoE and ENTITY-SENSOR come from the generic collectors.
 */

const ARUBA_CX = '1.3.6.1.4.1.47196';
const WIRED = '1.3.6.1.4.1.47196.4.1.1.3';
/** arubaWiredSystemInfoEntry (index moduleType.moduleName): Cpu .3, Memory .4 (both %), CpuAvgOneMin .10. */
const SYSINFO_ENTRY = `${WIRED}.22.1.0.1.1`;
/** arubaWiredPowerSupplyEntry: Name .3, InstantaneousPower .7 (W), StateEnum .11. */
const PSU_ENTRY = `${WIRED}.11.2.1.1`;
/** arubaWiredTempSensorEntry: Name .5, State .6 (text), Temperature .7 (millidegrees C). */
const TEMP_ENTRY = `${WIRED}.11.3.1.1`;
/** arubaWiredFanEntry: Name .4, RPM .8, StateEnum .10. */
const FAN_ENTRY = `${WIRED}.11.5.1.1`;

const FAN_STATE: Record<number, string> = { 1: 'unknown', 2: 'empty', 3: 'uninitialized', 4: 'ok', 5: 'fault' };
const PSU_STATE: Record<number, string> = {
  1: 'ok', 2: 'faultAbsent', 3: 'faultInput', 4: 'faultOutput', 5: 'faultPOE', 6: 'faultNoRecov', 7: 'alert', 8: 'unknown',
  9: 'unsupported', 10: 'warning', 11: 'init', 12: 'empty', 13: 'faultAirflow', 14: 'faultRedundancy', 15: 'faultMixedInput',
  16: 'overvoltage', 17: 'undervoltage',
};
const PSU_EMPTY = 12;
const FAN_EMPTY = 2;

/** "Aruba JL679A 6100 12G CL4 2SFP+ 139W Swch PL.10.08.1050": product number, model words, firmware train. */
export function parseArubaCxDescr(sysDescr: string): { model?: string; version?: string } {
  const version = /\b([A-Z]{2}\.\d{2}\.\d{2}\.\d{4})\b/.exec(sysDescr)?.[1];
  const model = / (\d{4,}.*?) Swch /.exec(sysDescr)?.[1] ?? / (\d{4,}) [A-Z]{2}\.\d{2}/.exec(sysDescr)?.[1];
  return { model, version };
}

/** The state column is free text; only words whose meaning is plain get a verdict. */
function tempOk(state: string | undefined): boolean | undefined {
  if (!state) return undefined;
  if (/^normal$/i.test(state)) return true;
  if (/fault|emergency|critical|max|high/i.test(state)) return false;
  return undefined;
}

export const arubaCx: Profile = {
  id: 'aruba-cx',
  vendor: 'HPE Aruba',
  class: 'switch',
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, ARUBA_CX)) return 100;
    if (/^Aruba \S+ .* [A-Z]{2}\.\d{2}\.\d{2}\.\d{4}$/.test(sys.sysDescr)) return 50;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [chassis, sysVbs, psuVbs, tempVbs, fanVbs] = await Promise.all([
      entityChassis(ctx),
      ctx.snmp.walk(SYSINFO_ENTRY),
      ctx.snmp.walk(PSU_ENTRY),
      ctx.snmp.walk(TEMP_ENTRY),
      ctx.snmp.walk(FAN_ENTRY),
    ]);

    // One row per management module or VSF member; the busiest one is the one a tech needs to know about.
    let cpu: number | undefined;
    let mem: number | undefined;
    for (const row of toTable(sysVbs, SYSINFO_ENTRY).values()) {
      const c = pct(cell(row, 10) ?? cell(row, 3));
      const m = pct(cell(row, 4));
      if (c !== undefined) cpu = Math.max(cpu ?? 0, c);
      if (m !== undefined) mem = Math.max(mem ?? 0, m);
    }

    const readings: Reading[] = [];
    for (const [index, row] of toTable(tempVbs, TEMP_ENTRY)) {
      const milli = cell(row, 7);
      const state = cellStr(row, 6);
      readings.push({
        class: 'temperature',
        name: cellStr(row, 5) ?? `Sensor ${index}`,
        value: milli === undefined ? undefined : round(milli / 1000, 3),
        state,
        ok: tempOk(state),
      });
    }
    for (const [index, row] of toTable(fanVbs, FAN_ENTRY)) {
      const code = cell(row, 10);
      if (code === FAN_EMPTY) continue;
      const rpm = cell(row, 8);
      readings.push({
        class: 'fan',
        name: cellStr(row, 4) ?? `Fan ${index}`,
        value: rpm,
        state: code === undefined ? undefined : FAN_STATE[code] ?? String(code),
        ok: code === undefined ? undefined : code === 4,
      });
    }
    for (const [index, row] of toTable(psuVbs, PSU_ENTRY)) {
      const code = cell(row, 11);
      if (code === PSU_EMPTY) continue;
      const name = `PSU ${cellStr(row, 3) ?? index}`;
      readings.push({ class: 'psu', name, state: code === undefined ? undefined : PSU_STATE[code] ?? String(code), ok: code === undefined ? undefined : code === 1 });
      const watts = cell(row, 7);
      if (watts !== undefined) readings.push({ class: 'power', name, value: watts });
    }

    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: cpu, mem_used_pct: mem, temp_c: hottest(readings) }));
    pushReadings(points, readings);

    const d = parseArubaCxDescr(ctx.sys.sysDescr);
    return {
      identity: {
        class: 'switch',
        vendor: 'HPE Aruba',
        os: 'AOS-CX',
        model: d.model ?? chassis.model ?? chassis.descr,
        version: d.version ?? chassis.softwareRev,
        serial: chassis.serial,
      },
      points,
    };
  },
};
