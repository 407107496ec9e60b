import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { toTable } from '../../snmp/varbind.js';
import { oidUnder, pushAll, str } from '../util.js';
import { ENVMON_NOT_PRESENT, ENVMON_STATE, type Reading, cell, cellStr, envmonOk, hottest, pushReadings, systemPoint } from './common.js';
import { readFastpath } from './fastpath.js';
import { readRadlan } from './radlan.js';

/**
 * Dell PowerConnect and Dell Networking N-series (674.10895). Two unrelated OSes share the product line: the
 * RADLAN-based web-managed models (2800, 3400, 5400, 5500) answer Marvell's rl* MIBs at enterprise 89; the
 * FASTPATH-based ones (6200, 7000, 8000, M-series, N-series) answer DNOS SWITCHING/BOXSERVICES under
 * 674.10895.5000.2.6132. Both carry Dell-Vendor-MIB for identity and the fan/PSU states.
 */

const DELL_NETWORKING = '1.3.6.1.4.1.674.10895';
const RADLAN_BASE = '1.3.6.1.4.1.89';
const DNOS = '1.3.6.1.4.1.674.10895.5000.2.6132.1.1';
/** productIdentification: DisplayName .1, Version .4; per-unit table .8.1: SerialNumber .2, ServiceTag .4. */
const PRODUCT_ID = '1.3.6.1.4.1.674.10895.3000.1.2.100';
/** productStatusEnvironment: envMonFanStatusEntry .1.1, envMonSupplyStatusEntry .2.1 (Descr .2, State .3). */
const DELL_ENV = '1.3.6.1.4.1.674.10895.3000.1.2.110.7';

export const dell: Profile = {
  id: 'dell-powerconnect',
  vendor: 'Dell',
  class: 'switch',
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, DELL_NETWORKING)) return 100;
    if (/^(?:Dell )?PowerConnect /i.test(sys.sysDescr)) return 50;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const radlanCpu = [`${RADLAN_BASE}.1.8.0`, `${RADLAN_BASE}.1.9.0`, `${RADLAN_BASE}.1.7.0`];
    const [got, fanVbs, supplyVbs] = await Promise.all([
      ctx.snmp.get([`${PRODUCT_ID}.1.0`, `${PRODUCT_ID}.4.0`, `${PRODUCT_ID}.8.1.2.1`, `${PRODUCT_ID}.8.1.4.1`, ...radlanCpu]),
      ctx.snmp.walk(`${DELL_ENV}.1.1`),
      ctx.snmp.walk(`${DELL_ENV}.2.1`),
    ]);
    const isRadlan = radlanCpu.some((oid) => got.has(oid));

    const vendorEnv: Reading[] = [];
    for (const [vbs, entry, cls, kind] of [[fanVbs, `${DELL_ENV}.1.1`, 'fan', 'Fan'], [supplyVbs, `${DELL_ENV}.2.1`, 'psu', 'PSU']] as const) {
      for (const [index, row] of toTable(vbs, entry)) {
        const code = cell(row, 3);
        if (code === undefined || code === ENVMON_NOT_PRESENT) continue;
        vendorEnv.push({ class: cls, name: cellStr(row, 2) ?? `${kind} ${index}`, state: ENVMON_STATE[code] ?? String(code), ok: envmonOk(code) });
      }
    }

    let cpu: number | undefined;
    let mem: { mem_used_pct?: number; mem_total_bytes?: number } = {};
    let readings: Reading[];
    let serial = str(got.get(`${PRODUCT_ID}.8.1.2.1`));
    if (isRadlan) {
      const rl = await readRadlan(ctx, RADLAN_BASE);
      cpu = rl.cpu_pct;
      serial ??= rl.serial;
      // Dell's own fan/PSU table is authoritative; RADLAN's would report the same units under other names.
      readings = vendorEnv.length ? [...rl.readings.filter((r) => r.class === 'temperature'), ...vendorEnv] : rl.readings;
    } else {
      const fp = await readFastpath(ctx, { switching: `${DNOS}.1`, boxServices: `${DNOS}.43` });
      cpu = fp.cpu_pct;
      mem = { mem_used_pct: fp.mem_used_pct, mem_total_bytes: fp.mem_total_bytes };
      serial ??= fp.serial;
      readings = vendorEnv.length ? [...fp.readings.filter((r) => r.class === 'temperature'), ...vendorEnv] : fp.readings;
    }

    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: cpu, ...mem, temp_c: hottest(readings) }));
    pushReadings(points, readings);
    return {
      identity: {
        class: 'switch',
        vendor: 'Dell',
        os: isRadlan ? 'PowerConnect' : 'DNOS',
        model: str(got.get(`${PRODUCT_ID}.1.0`)) ?? /^(?:Dell )?((?:PowerConnect )?[A-Z]?\d{4}\S*)/.exec(ctx.sys.sysDescr)?.[1],
        version: str(got.get(`${PRODUCT_ID}.4.0`)),
        serial,
      },
      points,
    };
  },
};
