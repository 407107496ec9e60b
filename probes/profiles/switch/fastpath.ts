import type { ProfileContext } from '../types.js';
import { asNumber, asString, toTable } from '../../snmp/varbind.js';
import { round } from '../util.js';
import { type Reading, cell, memFromTotalFree, pct } from './common.js';

/**
 * Broadcom FASTPATH, the switch OS under Netgear managed switches, Ubiquiti EdgeSwitch/UniFi gen1 and Dell
 * PowerConnect/N-series. Each vendor re-roots the same two MIBs under its own enterprise:
 * SWITCHING-MIB agentSwitchCpuProcessGroup and BOXSERVICES-PRIVATE-MIB.
 */
export interface FastpathRoots {
  /**
   * The SWITCHING-MIB root: agentInventoryGroup is .1.1 (SerialNumber .4), agentSwitchCpuProcessGroup is .1.4
   * (MemFree .1, MemAvailable .2, both KBytes; TotalUtilization .9, or .4 in later DNOS).
   */
  switching: string;
  /** boxServicesGroup: fans .1.6.1, power supplies .1.7.1, temperature sensors .1.8.1. */
  boxServices: string;
}

export interface FastpathData {
  serial?: string;
  cpu_pct?: number;
  mem_used_pct?: number;
  mem_total_bytes?: number;
  readings: Reading[];
}

/** "    5 Secs ( 7.3%)   60 Secs ( 11.8%)  300 Secs ( 11.2%)": the 60-second figure suits a once-a-minute poll. */
export function parseCpuUtilization(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /60 Secs \(\s*([\d.]+)%\)/i.exec(text) ?? /300 Secs \(\s*([\d.]+)%\)/i.exec(text) ?? /5 Secs \(\s*([\d.]+)%\)/i.exec(text);
  return m ? pct(round(Number(m[1]), 2)) : undefined;
}

/** boxServicesFanItemState / boxServicesPowSupplyItemState. */
const ITEM_STATE: Record<number, string> = {
  1: 'notpresent',
  2: 'operational',
  3: 'failed',
  4: 'powering',
  5: 'nopower',
  6: 'notpowering',
  7: 'incompatible',
};
const ITEM_NOT_PRESENT = 1;
/** powering (PoE-fed fan) is working too; everything else needs a look. */
const ITEM_OK = new Set([2, 4]);

/** BoxsTemperatureStatus. */
const TEMP_STATE: Record<number, string> = { 0: 'low', 1: 'normal', 2: 'warning', 3: 'critical', 4: 'shutdown', 5: 'notpresent', 6: 'notoperational' };

/** "Unit 1 Fan 0" on stackable firmware (index unit.item), "Fan 0" on the older single-index tables. */
function itemName(index: string, kind: string): string {
  const parts = index.split('.');
  return parts.length >= 2 ? `Unit ${parts[0]} ${kind} ${parts[1]}` : `${kind} ${parts[0]}`;
}

export async function readFastpath(ctx: ProfileContext, roots: FastpathRoots): Promise<FastpathData> {
  const g = `${roots.switching}.1.4`;
  const serialOid = `${roots.switching}.1.1.4.0`;
  const got = await ctx.snmp.get([`${g}.1.0`, `${g}.2.0`, `${g}.9.0`, `${g}.4.0`, serialOid]);
  const out: FastpathData = { readings: [], serial: asString(got.get(serialOid)?.value)?.trim() || undefined };
  out.cpu_pct = parseCpuUtilization(asString(got.get(`${g}.9.0`)?.value)) ?? parseCpuUtilization(asString(got.get(`${g}.4.0`)?.value));
  Object.assign(out, memFromTotalFree(asNumber(got.get(`${g}.2.0`)?.value), asNumber(got.get(`${g}.1.0`)?.value), 1024));

  const fanEntry = `${roots.boxServices}.1.6.1`;
  const psuEntry = `${roots.boxServices}.1.7.1`;
  const tempEntry = `${roots.boxServices}.1.8.1`;
  const [fanVbs, psuVbs, tempVbs] = await Promise.all([ctx.snmp.walk(fanEntry), ctx.snmp.walk(psuEntry), ctx.snmp.walk(tempEntry)]);

  for (const [index, row] of toTable(fanVbs, fanEntry)) {
    const code = cell(row, 3);
    if (code === undefined || code === ITEM_NOT_PRESENT) continue;
    // boxServicesFanSpeed is an OCTET STRING in some releases and an INTEGER in others; 0 means "not measured".
    const rpm = cell(row, 4);
    out.readings.push({ class: 'fan', name: itemName(index, 'Fan'), value: rpm ? rpm : undefined, state: ITEM_STATE[code] ?? String(code), ok: ITEM_OK.has(code) });
  }
  for (const [index, row] of toTable(psuVbs, psuEntry)) {
    const code = cell(row, 3);
    if (code === undefined || code === ITEM_NOT_PRESENT) continue;
    out.readings.push({ class: 'psu', name: itemName(index, 'PSU'), state: ITEM_STATE[code] ?? String(code), ok: ITEM_OK.has(code) });
  }
  for (const [index, row] of toTable(tempVbs, tempEntry)) {
    // Stackable firmware added a unit index and shifted the columns by one: state 4, temperature 5 (was 3, 4).
    const twoPart = index.includes('.');
    const code = cell(row, twoPart ? 4 : 3);
    const temp = cell(row, twoPart ? 5 : 4);
    if (code === 5) continue;
    const parts = index.split('.');
    const name = twoPart ? `Unit ${parts[0]} Sensor ${parts[1]}` : `Sensor ${parts[0]}`;
    out.readings.push({
      class: 'temperature',
      name,
      value: temp,
      state: code === undefined ? undefined : TEMP_STATE[code] ?? String(code),
      ok: code === undefined ? undefined : code === 1,
    });
  }
  return out;
}
