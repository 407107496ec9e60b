import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { toTable } from '../../snmp/varbind.js';
import { oidUnder, pushAll, str } from '../util.js';
import { type Reading, cell, cellStr, entityChassis, hottest, memFromTotalFree, pct, pushReadings, systemPoint } from './common.js';

/**
 * D-Link managed switches (DGS/DXS/DES), enterprise 171. Current firmware implements DLINKSW-ENTITY-EXT-MIB —
 * either at its common root 171.14.5.1 or, on models such as the DGS-1250, re-rooted under the model's own
 * branch 171.11.<model>.1000.5.1 (the model number being the one in sysObjectID 171.10.<model>…).
 */

const DLINK = '1.3.6.1.4.1.171';
const GENERIC_ROOT = '1.3.6.1.4.1.171.14.5.1';

/** Where this model keeps DLINKSW-ENTITY-EXT-MIB: its own branch first, then the common one. */
export function dlinkRoots(sysObjectID: string): string[] {
  const model = /^1\.3\.6\.1\.4\.1\.171\.10\.(\d+)(?:\.|$)/.exec(sysObjectID)?.[1];
  return model ? [`${DLINK}.11.${model}.1000.5.1`, GENERIC_ROOT] : [GENERIC_ROOT];
}

const TEMP_STATUS: Record<number, string> = { 1: 'ok', 2: 'abnormal' };
const FAN_STATUS: Record<number, string> = { 1: 'ok', 2: 'fault' };
const POWER_STATUS: Record<number, string> = { 1: 'inOperation', 2: 'failed', 3: 'empty' };
const POWER_EMPTY = 3;
const MEM_DRAM = '1';

/** "DGS-1250-28X Gigabit Ethernet Smart Managed Switch", "D-Link DGS-1100-08 …". */
export function dlinkModel(sysDescr: string): string | undefined {
  return /^(?:D-Link )?((?:DGS|DXS|DES|DMS|DWS|DCS)-\S+)/.exec(sysDescr)?.[1];
}

export const dlink: Profile = {
  id: 'dlink-switch',
  vendor: 'D-Link',
  class: 'switch',
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, DLINK)) return /^(?:D-Link )?(?:DIR|DSR|DWL|DAP|DNS|DCS)-/.test(sys.sysDescr) ? 0 : 100;
    if (/^(?:D-Link )?(?:DGS|DXS|DES)-\d/.test(sys.sysDescr)) return 50;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    let root = GENERIC_ROOT;
    let env: Awaited<ReturnType<typeof ctx.snmp.walk>> = [];
    for (const r of dlinkRoots(ctx.sys.sysObjectID)) {
      // dEntityExtEnvObjects: the temperature, fan, power and airflow tables in one walk.
      env = await ctx.snmp.walk(`${r}.1`);
      root = r;
      if (env.length) break;
    }
    const [chassis, memVbs, cpuVbs, got] = await Promise.all([
      entityChassis(ctx),
      ctx.snmp.walk(`${root}.4.1`),
      ctx.snmp.walk(`${root}.7.1`),
      ctx.snmp.get([`${root}.8.1.3.1`]),
    ]);

    const readings: Reading[] = [];
    // dEntityExtEnvTempEntry (unit.index): Descr .3, Current .4 (°C), Status .7.
    for (const [index, row] of toTable(env, `${root}.1.1.1`)) {
      const code = cell(row, 7);
      readings.push({
        class: 'temperature',
        name: cellStr(row, 3) ?? `Unit ${index.replace('.', ' Sensor ')}`,
        value: cell(row, 4),
        state: code === undefined ? undefined : TEMP_STATUS[code] ?? String(code),
        ok: code === undefined ? undefined : code === 1,
      });
    }
    // dEntityExtEnvFanEntry: Descr .3, Status .4.
    for (const [index, row] of toTable(env, `${root}.1.2.1`)) {
      const code = cell(row, 4);
      if (code === undefined) continue;
      readings.push({ class: 'fan', name: cellStr(row, 3) ?? `Fan ${index}`, state: FAN_STATUS[code] ?? String(code), ok: code === 1 });
    }
    // dEntityExtEnvPowerEntry: Descr .3, UsedPower .4 (W), Status .6.
    for (const [index, row] of toTable(env, `${root}.1.3.1`)) {
      const code = cell(row, 6);
      if (code === undefined || code === POWER_EMPTY) continue;
      const name = cellStr(row, 3) ?? `PSU ${index}`;
      readings.push({ class: 'psu', name, state: POWER_STATUS[code] ?? String(code), ok: code === 1 });
    }

    // dEntityExtMemoryUtilEntry (unit.type): Total .3, Free .5 (KB). Type 1 is DRAM; flash is storage, not memory.
    let total = 0;
    let free = 0;
    for (const [index, row] of toTable(memVbs, `${root}.4.1`)) {
      if (index.split('.')[1] !== MEM_DRAM) continue;
      const t = cell(row, 3);
      const f = cell(row, 5);
      if (t === undefined || f === undefined) continue;
      total += t;
      free += f;
    }
    // dEntityExtCpuUtilEntry (unit.cpu): FiveSeconds .3, OneMinute .4, FiveMinutes .5.
    let cpu: number | undefined;
    for (const row of toTable(cpuVbs, `${root}.7.1`).values()) {
      const v = pct(cell(row, 4) ?? cell(row, 5) ?? cell(row, 3));
      if (v !== undefined) cpu = Math.max(cpu ?? 0, v);
    }

    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: cpu, ...memFromTotalFree(total || undefined, free, 1024), temp_c: hottest(readings) }));
    pushReadings(points, readings);
    return {
      identity: {
        class: 'switch',
        vendor: 'D-Link',
        os: 'D-Link',
        model: dlinkModel(ctx.sys.sysDescr) ?? chassis.model,
        // dEntityExtVersionRuntime of unit 1.
        version: str(got.get(`${root}.8.1.3.1`)) ?? chassis.softwareRev,
        serial: chassis.serial,
      },
      points,
    };
  },
};
