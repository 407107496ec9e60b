import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import type { TableRows, Varbind } from '../../snmp/varbind.js';
import { oidUnder, pushAll } from '../util.js';
import { walkColumns } from '../nas/common.js';
import { ENVMON_NOT_PRESENT, ENVMON_STATE, type Reading, cell, cellStr, entityChassis, envmonOk, hottest, memFromTotalFree, pct, pushReadings, systemPoint } from './common.js';

/**
 * Cisco Catalyst switches on IOS / IOS-XE. CPU from CISCO-PROCESS-MIB (cpmCPUTotal5minRev), memory from
 * CISCO-MEMORY-POOL-MIB (CISCO-ENHANCED-MEMPOOL-MIB on platforms without it), temperatures, fans and PSUs from
 * CISCO-ENVMON-MIB. Model and serial come from the ENTITY-MIB chassis.
 */

const CISCO = '1.3.6.1.4.1.9';
/** cpmCPUTotalEntry: 5minRev .8, 5min .5 (the pre-Rev column old releases still fill). */
const CPM_CPU_TOTAL_ENTRY = '1.3.6.1.4.1.9.9.109.1.1.1.1';
/** ciscoMemoryPoolEntry: Name .2, Used .5, Free .6 (bytes). */
const MEMPOOL_ENTRY = '1.3.6.1.4.1.9.9.48.1.1.1';
/** cempMemPoolEntry: Name .3, Used .7, Free .8, HCUsed .18, HCFree .20 (bytes). */
const CEMP_ENTRY = '1.3.6.1.4.1.9.9.221.1.1.1.1';
const ENVMON = '1.3.6.1.4.1.9.9.13.1';
/** ciscoEnvMonTemperatureStatusEntry: Descr .2, Value .3 (°C), State .6. */
const ENV_TEMP_ENTRY = `${ENVMON}.3.1`;
/** ciscoEnvMonFanStatusEntry: Descr .2, State .3. */
const ENV_FAN_ENTRY = `${ENVMON}.4.1`;
/** ciscoEnvMonSupplyStatusEntry: Descr .2, State .3. */
const ENV_SUPPLY_ENTRY = `${ENVMON}.5.1`;

const IOS = /Cisco IOS|IOS \(tm\)|IOS-XE/;
/** Catalyst families and their image names: what makes an IOS box a switch rather than a router. */
const SWITCH_FAMILY = /Catalyst|C29[0-9]0|C35[0-9]0|C3750|C3850|C36[0-9]0|C45[0-9]0|C65[0-9]0|C68[0-9]0|C9[0-9]00|CAT[3-9]K|cat[3-9]k|C1000|IE[-_]?[0-9]{4}|s72033|ME[-_]?3[0-9]00/;

/** "…, C2960 Software (C2960-LANLITEK9-M), Version 15.0(2)SE8, RELEASE SOFTWARE (fc1)…" */
export function parseIosDescr(sysDescr: string): { platform?: string; image?: string; version?: string; xe: boolean } {
  return {
    platform: /, (\S+) Software \(/.exec(sysDescr)?.[1],
    image: /Software \(([^)]+)\)/.exec(sysDescr)?.[1],
    version: /Version ([^,\s]+)/.exec(sysDescr)?.[1],
    xe: /IOS[- ]XE/.test(sysDescr),
  };
}

export const ciscoIos: Profile = {
  id: 'cisco-ios',
  vendor: 'Cisco',
  class: 'switch',
  match(sys: SysInfo): number {
    if (!oidUnder(sys.sysObjectID, CISCO) || !IOS.test(sys.sysDescr)) return 0;
    // An IOS router is somebody else's (firewall/edge router); claim it only faintly in case nobody does.
    return SWITCH_FAMILY.test(sys.sysDescr) ? 100 : 20;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [chassis, cpu5minRev, pools, tempRows, fanRows, supplyRows] = await Promise.all([
      entityChassis(ctx),
      ctx.snmp.walk(`${CPM_CPU_TOTAL_ENTRY}.8`),
      walkColumns(ctx, MEMPOOL_ENTRY, [2, 5, 6]),
      walkColumns(ctx, ENV_TEMP_ENTRY, [2, 3, 6]),
      walkColumns(ctx, ENV_FAN_ENTRY, [2, 3]),
      walkColumns(ctx, ENV_SUPPLY_ENTRY, [2, 3]),
    ]);
    const cpuVbs = cpu5minRev.length ? cpu5minRev : await ctx.snmp.walk(`${CPM_CPU_TOTAL_ENTRY}.5`);
    // A stack reports one row per member; the busiest member is the one that matters.
    let cpu: number | undefined;
    for (const vb of cpuVbs) {
      const v = pct(typeof vb.value === 'number' ? vb.value : undefined);
      if (v !== undefined) cpu = Math.max(cpu ?? 0, v);
    }

    let mem = processorPool(pools, 2, 5, 6);
    if (!mem) {
      const cemp = await walkColumns(ctx, CEMP_ENTRY, [3, 7, 8, 18, 20]);
      mem = processorPool(cemp, 3, 18, 20) ?? processorPool(cemp, 3, 7, 8);
    }

    const readings: Reading[] = [];
    for (const [index, row] of tempRows) {
      const code = cell(row, 6);
      if (code === ENVMON_NOT_PRESENT) continue;
      readings.push({
        class: 'temperature',
        name: cellStr(row, 2) ?? `Temperature ${index}`,
        value: cell(row, 3),
        state: code === undefined ? undefined : ENVMON_STATE[code] ?? String(code),
        ok: code === undefined ? undefined : envmonOk(code),
      });
    }
    for (const [rows, cls, kind] of [[fanRows, 'fan', 'Fan'], [supplyRows, 'psu', 'PSU']] as const) {
      for (const [index, row] of rows) {
        const code = cell(row, 3);
        if (code === undefined || code === ENVMON_NOT_PRESENT) continue;
        readings.push({ class: cls, name: cellStr(row, 2) ?? `${kind} ${index}`, state: ENVMON_STATE[code] ?? String(code), ok: envmonOk(code) });
      }
    }

    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: cpu, ...mem, temp_c: hottest(readings) }));
    pushReadings(points, readings);

    const d = parseIosDescr(ctx.sys.sysDescr);
    return {
      identity: {
        class: 'switch',
        vendor: 'Cisco',
        os: d.xe ? 'IOS-XE' : 'IOS',
        model: chassis.model ?? d.platform,
        version: d.version ?? chassis.softwareRev,
        serial: chassis.serial,
      },
      points,
    };
  },
};

/** The "Processor" pool is the one IOS runs out of; I/O and driver pools are fixed carve-outs. */
function processorPool(rows: TableRows, nameCol: number, usedCol: number, freeCol: number): { mem_used_pct?: number; mem_total_bytes?: number } | undefined {
  let pick: Map<number, Varbind> | undefined;
  for (const row of rows.values()) {
    if (/^processor/i.test(cellStr(row, nameCol) ?? '')) {
      pick = row;
      break;
    }
    pick ??= row;
  }
  const used = cell(pick, usedCol);
  const free = cell(pick, freeCol);
  if (used === undefined || free === undefined) return undefined;
  const r = memFromTotalFree(used + free, free, 1);
  return r.mem_total_bytes === undefined ? undefined : r;
}
