import type { ProfileContext } from '../types.js';
import { SnmpType, asNumber, toTable, type TableRows, type Varbind } from '../../snmp/varbind.js';
import { str } from '../util.js';
import { ENVMON_NOT_PRESENT, ENVMON_STATE, type Reading, cell, cellStr, envmonOk, pct } from './common.js';

/**
 * RADLAN (Marvell) switch MIBs: the same tree under Marvell's enterprise 89 (Dell PowerConnect 2800/3400/5400,
 * many white-label smart switches) and re-rooted by Cisco under 9.6.1.101 (Small Business SG/CBS, Catalyst
 * 1200/1300). rndMng CPU scalars, Physicaldescription (unit identity and environment) and HWENVIROMENT.
 */

export interface RadlanData {
  cpu_pct?: number;
  software?: string;
  firmware?: string;
  hardwareRev?: string;
  serial?: string;
  serviceTag?: string;
  model?: string;
  readings: Reading[];
}

export async function readRadlan(ctx: ProfileContext, base: string): Promise<RadlanData> {
  const gen = `${base}.53.14.1`;
  // rndMng: rlCpuUtilDuringLastSecond .7, LastMinute .8, Last5Minutes .9.
  const scalarsOids = [`${base}.1.8.0`, `${base}.1.9.0`, `${base}.1.7.0`, `${gen}.2.1`, `${gen}.3.1`, `${gen}.4.1`, `${gen}.5.1`, `${gen}.7.1`, `${gen}.11.1`];
  const envParamEntry = `${base}.53.15.1`;
  const fanEntry = `${base}.83.1.1.1`;
  const supplyEntry = `${base}.83.1.2.1`;
  const fanDataEntry = `${base}.83.5.1.1`;
  const [got, envParam, fans, supplies, fanData] = await Promise.all([
    ctx.snmp.get(scalarsOids),
    ctx.snmp.walk(envParamEntry),
    ctx.snmp.walk(fanEntry),
    ctx.snmp.walk(supplyEntry),
    ctx.snmp.walk(fanDataEntry),
  ]);
  const n = (oid: string) => asNumber(got.get(oid)?.value);
  const out: RadlanData = {
    // The minute figure matches a once-a-minute poll; 101 means "measurement disabled" and is dropped by pct().
    cpu_pct: pct(n(`${base}.1.8.0`)) ?? pct(n(`${base}.1.9.0`)) ?? pct(n(`${base}.1.7.0`)),
    software: str(got.get(`${gen}.2.1`)),
    firmware: str(got.get(`${gen}.3.1`)),
    hardwareRev: str(got.get(`${gen}.4.1`)),
    serial: str(got.get(`${gen}.5.1`)),
    serviceTag: str(got.get(`${gen}.7.1`)),
    model: str(got.get(`${gen}.11.1`)),
    readings: [],
  };

  const fanRows = toTable(fans, fanEntry);
  const supplyRows = toTable(supplies, supplyEntry);
  envmonReadings(out.readings, fanRows, 'fan', 'Fan');
  envmonReadings(out.readings, supplyRows, 'psu', 'PSU');

  const unitRows = toTable(envParam, envParamEntry);
  const unitNames = unitRows.size > 1;
  for (const [unit, row] of unitRows) {
    const layout = unitLayout(row);
    const label = unitNames ? `Unit ${unit} ` : '';
    for (let i = 0; i < layout.temps.length; i++) {
      const t = cell(row, layout.temps[i]!);
      // 0 is what units without that sensor answer; no running switch is at 0 °C inside.
      if (t) out.readings.push({ class: 'temperature', name: `${label}Sensor ${i + 1}`.trim(), value: t });
    }
    // HWENVIROMENT is the richer source; the per-unit status columns are only a fallback when it is absent.
    if (!fanRows.size) {
      layout.fans.forEach((col, i) => pushEnvmon(out.readings, cell(row, col), 'fan', `${label}Fan ${i + 1}`));
    }
    if (!supplyRows.size) {
      pushEnvmon(out.readings, cell(row, 2), 'psu', `${label}PSU 1`);
      pushEnvmon(out.readings, cell(row, 3), 'psu', `${label}PSU 2`);
    }
  }

  for (const [unit, row] of toTable(fanData, fanDataEntry)) {
    const label = `Unit ${unit}`;
    const temp = cell(row, 2);
    const rpm = cell(row, 3);
    // Fanless models answer 0 for both.
    if (temp) out.readings.push({ class: 'temperature', name: `${label} Fan Sensor`, value: temp });
    if (rpm) out.readings.push({ class: 'fan', name: `${label} Fan Speed`, value: rpm });
  }
  return out;
}

function envmonReadings(into: Reading[], rows: TableRows, cls: 'fan' | 'psu', kind: string): void {
  for (const [index, row] of rows) pushEnvmon(into, cell(row, 3), cls, cellStr(row, 2) ?? `${kind} ${index}`);
}

function pushEnvmon(into: Reading[], code: number | undefined, cls: 'fan' | 'psu', name: string): void {
  if (code === undefined || code === ENVMON_NOT_PRESENT) return;
  into.push({ class: cls, name, state: ENVMON_STATE[code] ?? String(code), ok: envmonOk(code) });
}

/**
 * rlPhdUnitEnvParamEntry exists in two incompatible layouts. Old firmware: fans 4–8, temperature 9, uptime
 * (TimeTicks) 11, extra temperatures 12/14/16/18. Current: fans 4–9, temperature 10, uptime 14. The uptime
 * column's type tells them apart; when the agent leaves it out, column 9 above 6 can only be a temperature,
 * since in the current layout it is an RlEnvMonState (1–6).
 */
function unitLayout(row: Map<number, Varbind>): { temps: number[]; fans: number[] } {
  const OLD = { temps: [9, 12, 14, 16, 18], fans: [4, 5, 6, 7, 8] };
  const NEW = { temps: [10], fans: [4, 5, 6, 7, 8, 9] };
  if (row.get(11)?.type === SnmpType.TimeTicks) return OLD;
  if (row.get(14)?.type === SnmpType.TimeTicks) return NEW;
  const c9 = asNumber(row.get(9)?.value);
  return c9 !== undefined && c9 > 6 ? OLD : NEW;
}
