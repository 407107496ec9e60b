import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { SnmpType } from '../../snmp/varbind.js';
import { num, oidUnder, point, pushAll, round, scalars, str } from '../util.js';
import { byIndex, storagePoint, storageStatusFromText, walkColumns } from './common.js';

/**
 * TrueNAS (iXsystems, enterprise 50536). SCALE's TRUENAS-MIB: zpoolTable (name, health text, I/O counters — no
 * sizes since 22.x), zvolTable (used/available bytes), ARC scalars. CORE's older FREENAS-MIB has allocation units
 * and sizes in the zpool table instead of the health text; both are read from the same columns by type.
 * Memory, CPU and file systems come from HOST-RESOURCES (net-snmp underneath).
 */

const ZPOOL = '1.3.6.1.4.1.50536.1.1.1.1';
const ZP = { name: 2, healthOrUnits: 3, size: 4, used: 5 } as const;
const ZVOL = '1.3.6.1.4.1.50536.1.2.1.1';
const ZV = { name: 2, used: 3, avail: 4 } as const;
const ARC = '1.3.6.1.4.1.50536.1.3';
const OIDS = {
  arcSizeKiB: `${ARC}.1.0`,
  arcTargetKiB: `${ARC}.6.0`,
  arcHitPct: `${ARC}.9.0`,
  arcMissPct: `${ARC}.10.0`,
};

/** sysDescr: "TrueNAS-SCALE-24.04.2.2. Hardware: x86_64 Intel(R)… Software: Linux 6.6…". */
export function parseTrueNasDescr(d: string): { os?: string; version?: string; model?: string } {
  const m = /^(TrueNAS|FreeNAS)(?:-(SCALE|CORE))?-([\w.-]+?)\.?\s+Hardware:\s*(.*?)\.?\s+Software:/i.exec(d);
  if (!m) {
    const v = /^(TrueNAS|FreeNAS)(?:-(SCALE|CORE))?-([\d][\w.-]*)/i.exec(d);
    return v ? { os: [v[1], v[2]].filter(Boolean).join(' '), version: v[3]?.replace(/\.$/, '') } : {};
  }
  return { os: [m[1], m[2]].filter(Boolean).join(' '), version: m[3], model: m[4] };
}

export async function collectTrueNas(ctx: ProfileContext): Promise<ProfileOutput> {
  const points: Point[] = [];
  const s = await scalars(ctx, OIDS);
  const [pools, zvols] = await Promise.all([walkColumns(ctx, ZPOOL, Object.values(ZP)), walkColumns(ctx, ZVOL, Object.values(ZV))]);

  for (const [i, r] of [...pools].sort((a, b) => byIndex(a[0], b[0]))) {
    const name = str(r.get(ZP.name)) ?? `zpool ${i}`;
    const col3 = r.get(ZP.healthOrUnits);
    if (col3?.type === SnmpType.OctetString) {
      pushAll(points, storagePoint(name, { status: storageStatusFromText(str(col3)) }));
    } else {
      // FREENAS-MIB: column 3 is zpoolAllocationUnits and sizes are in those units; no health column.
      const units = num(col3);
      const size = num(r.get(ZP.size));
      const used = num(r.get(ZP.used));
      pushAll(points, storagePoint(name, {
        size: units !== undefined && size !== undefined ? size * units : undefined,
        used: units !== undefined && used !== undefined ? used * units : undefined,
      }));
    }
  }
  for (const [i, r] of [...zvols].sort((a, b) => byIndex(a[0], b[0]))) {
    const used = num(r.get(ZV.used));
    const avail = num(r.get(ZV.avail));
    pushAll(points, storagePoint(str(r.get(ZV.name)) ?? `zvol ${i}`, { size: used !== undefined && avail !== undefined ? used + avail : undefined, used }));
  }

  const arc = (name: string, v: number | undefined) => (v === undefined ? undefined : point('sensor', { class: 'zfs_arc', name }, { value: round(v) }));
  const kib = (n: number | undefined) => (n === undefined ? undefined : n * 1024);
  pushAll(
    points,
    arc('ARC size bytes', kib(num(s.arcSizeKiB))),
    arc('ARC target bytes', kib(num(s.arcTargetKiB))),
    arc('ARC hit ratio pct', num(s.arcHitPct)),
    arc('ARC miss ratio pct', num(s.arcMissPct)),
  );

  const d = parseTrueNasDescr(ctx.sys.sysDescr);
  return {
    identity: { class: 'nas', vendor: 'iXsystems', os: d.os ?? 'TrueNAS', version: d.version, model: d.model, profile: 'truenas' },
    points,
  };
}

export const truenasProfile: Profile = {
  id: 'truenas',
  vendor: 'iXsystems',
  class: 'nas',
  /** Above the plain-Linux/FreeBSD match: TrueNAS runs net-snmp on either, but says so in sysObjectID or sysDescr. */
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.50536')) return 100;
    return /^(TrueNAS|FreeNAS)\b/i.test(sys.sysDescr) ? 60 : 0;
  },
  collect: collectTrueNas,
};
