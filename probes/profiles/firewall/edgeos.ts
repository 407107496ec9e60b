import type { Point } from '../../types.js';
import type { Profile } from '../types.js';
import { num, oidUnder, pushAll, round, scalars, str, table } from '../util.js';
import { SCORE, UCD, hottest, sensorPoint, systemPoint, ucdSystem } from './common.js';

/**
 * Ubiquiti EdgeRouter / EdgeOS (UBNT-EdgeMAX-MIB 41112.1.5) on a net-snmp agent, so CPU and memory come from
 * UCD-SNMP. EdgeSwitch models share the EdgeMAX branch but are switches, so they are not claimed.
 */

const EM = '1.3.6.1.4.1.41112.1.5';
const S = {
  ...UCD,
  model: `${EM}.1.1.0`, // ubntModel
  serial: `${EM}.1.2.0`, // ubntSerialNumber
  version: `${EM}.1.3.0`, // ubntVersion
} as const;

const THERM_ENTRY = `${EM}.4.2.1`; // ubntThermsEntry: 2 type, 3 temperature (milli-°C)
const FAN_ENTRY = `${EM}.5.2.1`; // ubntFanEntry: 2 type, 3 rpm
const PSU_ENTRY = `${EM}.3.2.1`; // ubntPsuEntry: 2 type, 4 oper status, 5 mV, 6 milli-°C
const PART: Record<number, string> = { 0: 'other', 1: 'board', 2: 'cpu', 3: 'power' };

export const edgeos: Profile = {
  id: 'edgeos',
  vendor: 'Ubiquiti',
  class: 'firewall',
  match(sys) {
    if (/edgeswitch/i.test(sys.sysDescr)) return 0;
    if (oidUnder(sys.sysObjectID, EM)) return SCORE.exact;
    return /^EdgeOS\b/.test(sys.sysDescr) ? SCORE.product : 0;
  },
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const points: Point[] = [];
    const temps: number[] = [];
    for (const [i, row] of await table(ctx, THERM_ENTRY)) {
      const t = num(row.get(3));
      if (t === undefined) continue;
      const c = round(t / 1000);
      temps.push(c);
      pushAll(points, sensorPoint('temperature', `${PART[num(row.get(2)) ?? 0] ?? 'other'} ${i}`, { value: c }));
    }
    for (const [i, row] of await table(ctx, FAN_ENTRY)) {
      pushAll(points, sensorPoint('fan', `${PART[num(row.get(2)) ?? 0] ?? 'other'} fan ${i}`, { value: num(row.get(3)) }));
    }
    for (const [i, row] of await table(ctx, PSU_ENTRY)) {
      const oper = num(row.get(4));
      const mv = num(row.get(5));
      pushAll(points, sensorPoint('psu', `psu ${i}`, { value: mv === undefined ? undefined : round(mv / 1000), ok: oper === undefined ? undefined : oper === 1 }));
    }
    pushAll(points, systemPoint({ ...ucdSystem(v), temp_c: hottest(temps) }));
    const d = ctx.sys.sysDescr;
    return {
      identity: {
        vendor: 'Ubiquiti',
        os: 'EdgeOS',
        model: str(v.model),
        version: str(v.version)?.replace(/^v/, '') ?? /\bv(\d+\.\d+\.\d+)/.exec(d)?.[1],
        serial: str(v.serial),
      },
      points,
    };
  },
};
