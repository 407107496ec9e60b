import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { asNumber } from '../../snmp/varbind.js';
import { walkColumns } from '../nas/common.js';
import { oidUnder, pushAll, str } from '../util.js';
import { type Reading, cell, cellStr, hottest, pct, pushReadings, systemPoint } from './common.js';

/**
 * HP / HPE / Aruba ProCurve and ArubaOS-Switch (2530, 2930, 3810, 5400…): sysObjectID under hpEtherSwitch
 * 11.2.3.7.11. CPU from STATISTICS-MIB, memory from NETSWITCH-MIB hpLocalMemTable, fan/PSU/temperature verdicts
 * from HP-ICF-CHASSIS hpicfSensorTable and temperatures from its hpSystemAirTempTable.
 */

const HP_SWITCH = '1.3.6.1.4.1.11.2.3.7.11';
const HP_SWITCH_CPU_STAT = '1.3.6.1.4.1.11.2.14.11.5.1.9.6.1.0';
/** SEMI-MIB hpHttpMgSerialNumber. */
const HP_SERIAL = '1.3.6.1.4.1.11.2.36.1.1.2.9.0';
/** NETSWITCH-MIB hpLocalMemEntry: TotalBytes .5, FreeBytes .6 — one row per slot or stack member. */
const HP_LOCAL_MEM_ENTRY = '1.3.6.1.4.1.11.2.14.11.5.1.1.2.1.1.1';
const HPICF_CHASSIS = '1.3.6.1.4.1.11.2.14.11.1.2';
/** hpicfSensorEntry: Status .4, Descr .7. */
const HPICF_SENSOR_ENTRY = `${HPICF_CHASSIS}.6.1`;
/** hpSystemAirTempEntry: Name .2, CurrentTemp .3 (text such as "31C"). */
const HP_AIR_TEMP_ENTRY = `${HPICF_CHASSIS}.8.1.1`;

const SENSOR_STATUS: Record<number, string> = { 1: 'unknown', 2: 'bad', 3: 'warning', 4: 'good', 5: 'notPresent' };
const SENSOR_NOT_PRESENT = 5;

const DESCR_PATTERNS = [
  /^(?:Aruba|ProCurve|HPE?) (?<model>.+?)(?: Switch)?, revision (?<version>[^ ,]+)/,
  /^(?:HPE OfficeConnect Switch|HP ProCurve|HPE?) (?<model>[^,]*?), (?<version>P\S[0-9.]+)/,
  /^PROCURVE (?<model>.*) - (?<version>.*)$/,
];

export function parseProcurveDescr(sysDescr: string): { model?: string; version?: string } {
  for (const re of DESCR_PATTERNS) {
    const m = re.exec(sysDescr);
    if (m?.groups) return { model: m.groups.model?.replace(/\s+/g, ' ').trim(), version: m.groups.version };
  }
  return {};
}

/** The chassis table names its rows; the name is the only hint of what a row measures. */
function sensorClass(descr: string): Reading['class'] {
  if (/fan/i.test(descr)) return 'fan';
  if (/power|psu|supply/i.test(descr)) return 'psu';
  if (/temp/i.test(descr)) return 'temperature';
  return 'state';
}

export const hpProcurve: Profile = {
  id: 'hp-procurve',
  vendor: 'HPE Aruba',
  class: 'switch',
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, HP_SWITCH)) return 100;
    if (/\(Formerly ProCurve\)|^(HP )?ProCurve /i.test(sys.sysDescr)) return 50;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [got, memRows, sensorRows, airRows] = await Promise.all([
      ctx.snmp.get([HP_SWITCH_CPU_STAT, HP_SERIAL]),
      walkColumns(ctx, HP_LOCAL_MEM_ENTRY, [5, 6]),
      walkColumns(ctx, HPICF_SENSOR_ENTRY, [4, 7]),
      walkColumns(ctx, HP_AIR_TEMP_ENTRY, [2, 3]),
    ]);

    let total = 0;
    let free = 0;
    for (const row of memRows.values()) {
      const t = cell(row, 5);
      const f = cell(row, 6);
      if (t === undefined || f === undefined || t <= 0) continue;
      total += t;
      free += f;
    }

    const readings: Reading[] = [];
    for (const [index, row] of sensorRows) {
      const code = cell(row, 4);
      if (code === undefined || code === SENSOR_NOT_PRESENT) continue;
      const name = cellStr(row, 7) ?? `Sensor ${index}`;
      readings.push({ class: sensorClass(name), name, state: SENSOR_STATUS[code] ?? String(code), ok: code === 4 });
    }
    for (const [index, row] of airRows) {
      const value = cell(row, 3);
      if (value === undefined) continue;
      readings.push({ class: 'temperature', name: `Air ${cellStr(row, 2) ?? index}`, value });
    }

    const points: Point[] = [];
    pushAll(
      points,
      systemPoint({
        cpu_pct: pct(asNumber(got.get(HP_SWITCH_CPU_STAT)?.value)),
        mem_used_pct: total > 0 ? ((total - free) / total) * 100 : undefined,
        mem_total_bytes: total > 0 ? total : undefined,
        temp_c: hottest(readings),
      }),
    );
    pushReadings(points, readings);

    const { model, version } = parseProcurveDescr(ctx.sys.sysDescr);
    return {
      identity: { class: 'switch', vendor: 'HPE Aruba', os: 'ArubaOS-Switch', model, version, serial: str(got.get(HP_SERIAL)) },
      points,
    };
  },
};
