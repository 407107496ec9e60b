import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { asNumber, asString, toTable } from '../../snmp/varbind.js';
import { oidUnder, pushAll, round, str } from '../util.js';
import { type Reading, cellStr, hottest, mwToDbm, pct, pushReadings, systemPoint } from './common.js';

/**
 * TP-Link switches, enterprise 11863. JetStream / Omada models (11863.5.x) carry TPLINK-SYSINFO-MIB identity,
 * TPLINK-SYSMONITOR-MIB CPU and memory, TPLINK-DDMSTATUS-MIB optics and TPLINK-POWER-OVER-ETHERNET-MIB.
 * Older smart switches (TL-SG2008, 11863.1.1.x) only name themselves through RMON probeConfig.
 */

const TPLINK = '1.3.6.1.4.1.11863';
/** tpSysInfo: HwVersion .5, SwVersion .6, SerialNum .8. */
const SYSINFO = '1.3.6.1.4.1.11863.6.1.1';
/** tpSysMonitorCpuEntry: 5Seconds .2, 1Minute .3; tpSysMonitorMemoryEntry: Utilization .2. */
const CPU_ENTRY = '1.3.6.1.4.1.11863.6.4.1.1.1.1';
const MEM_ENTRY = '1.3.6.1.4.1.11863.6.4.1.2.1.1';
/** ddmStatusEntry: Port .1, Temperature .2, Voltage .3, BiasCurrent .4 (mA), TxPow .5, RxPow .6 (mW), DataReady .7, LossSignal .8, TxFault .9. */
const DDM_ENTRY = '1.3.6.1.4.1.11863.6.96.1.7.1.1';
/** tpPoeGlobal: SystemPowerLimit .1, SystemPowerConsumption .3 (tenths of W). */
const POE_GLOBAL = '1.3.6.1.4.1.11863.6.56.1.1.1';
/** RMON-2 probeSoftwareRev / probeHardwareRev. */
const PROBE_SW_REV = '1.3.6.1.2.1.16.19.2.0';
const PROBE_HW_REV = '1.3.6.1.2.1.16.19.3.0';

/** TP-Link also makes Omada access points, routers and gateways under 11863. */
const NOT_A_SWITCH = /Access Point|\bEAP\d|Router|Gateway|\bER\d{3,4}|Archer|Deco/i;

/** DDM columns hold text ("3.416200", "N/A", "False"). */
function textNum(s: string | undefined): number | undefined {
  if (!s || !/^\s*-?\d/.test(s)) return undefined;
  return asNumber(s);
}

export const tplink: Profile = {
  id: 'tplink-switch',
  vendor: 'TP-Link',
  class: 'switch',
  match(sys: SysInfo): number {
    if (NOT_A_SWITCH.test(sys.sysDescr)) return 0;
    if (oidUnder(sys.sysObjectID, TPLINK)) return 100;
    if (/^JetStream /.test(sys.sysDescr)) return 50;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [got, cpuVbs, memVbs, ddmVbs] = await Promise.all([
      ctx.snmp.get([`${SYSINFO}.5.0`, `${SYSINFO}.6.0`, `${SYSINFO}.8.0`, PROBE_SW_REV, PROBE_HW_REV, `${POE_GLOBAL}.1.0`, `${POE_GLOBAL}.3.0`]),
      ctx.snmp.walk(CPU_ENTRY),
      ctx.snmp.walk(MEM_ENTRY),
      ctx.snmp.walk(DDM_ENTRY),
    ]);

    // Stack units each have a row; report the busiest.
    let cpu: number | undefined;
    for (const row of toTable(cpuVbs, CPU_ENTRY).values()) {
      const v = pct(asNumber(row.get(3)?.value) ?? asNumber(row.get(2)?.value));
      if (v !== undefined) cpu = Math.max(cpu ?? 0, v);
    }
    let mem: number | undefined;
    for (const row of toTable(memVbs, MEM_ENTRY).values()) {
      const v = pct(asNumber(row.get(2)?.value));
      if (v !== undefined) mem = Math.max(mem ?? 0, v);
    }

    const optics: Reading[] = [];
    for (const [index, row] of toTable(ddmVbs, DDM_ENTRY)) {
      const port = cellStr(row, 1) ?? index;
      const temp = textNum(cellStr(row, 2));
      // An empty cage answers "N/A" in every column: no point at all.
      if (temp === undefined && textNum(cellStr(row, 3)) === undefined) continue;
      const bias = textNum(cellStr(row, 4));
      const tx = textNum(cellStr(row, 5));
      const rx = textNum(cellStr(row, 6));
      optics.push(
        { class: 'temperature', name: `${port} Optic`, value: temp },
        { class: 'voltage', name: `${port} Optic`, value: textNum(cellStr(row, 3)) },
        { class: 'current', name: `${port} Optic Bias`, value: bias === undefined ? undefined : round(bias / 1000, 6) },
        { class: 'dbm', name: `${port} Optic TX`, value: tx === undefined ? undefined : mwToDbm(tx) },
        { class: 'dbm', name: `${port} Optic RX`, value: rx === undefined ? undefined : mwToDbm(rx) },
      );
      for (const [col, what] of [[7, 'Data Ready'], [8, 'Loss of Signal'], [9, 'TX Fault']] as const) {
        const flag = cellStr(row, col);
        // SFF-8472 flags are active-high alarms, Data Ready included (its bit is "not ready"): False is healthy.
        if (flag === 'True' || flag === 'False') optics.push({ class: 'state', name: `${port} Optic ${what}`, value: flag === 'True' ? 1 : 0, state: flag, ok: flag === 'False' });
      }
    }
    const readings = optics.filter((r) => r.value !== undefined || r.state !== undefined);
    const poeLimit = asNumber(got.get(`${POE_GLOBAL}.1.0`)?.value);
    const poeUsed = asNumber(got.get(`${POE_GLOBAL}.3.0`)?.value);
    if (poeLimit !== undefined) readings.push({ class: 'power', name: 'PoE budget', value: round(poeLimit / 10, 1) });
    if (poeUsed !== undefined) readings.push({ class: 'power', name: 'PoE consumption', value: round(poeUsed / 10, 1) });

    const points: Point[] = [];
    // Optic temperatures are not the chassis's: temp_c stays for chassis sensors, which this MIB set lacks.
    pushAll(points, systemPoint({ cpu_pct: cpu, mem_used_pct: mem, temp_c: hottest(readings.filter((r) => !/Optic/.test(r.name))) }));
    pushReadings(points, readings);

    const hw = str(got.get(`${SYSINFO}.5.0`)) ?? str(got.get(PROBE_HW_REV));
    return {
      identity: {
        class: 'switch',
        vendor: 'TP-Link',
        os: oidUnder(ctx.sys.sysObjectID, `${TPLINK}.5`) ? 'JetStream' : 'TP-Link',
        model: hw,
        version: str(got.get(`${SYSINFO}.6.0`)) ?? str(got.get(PROBE_SW_REV)),
        serial: asString(got.get(`${SYSINFO}.8.0`)?.value)?.trim() || undefined,
      },
      points,
    };
  },
};
