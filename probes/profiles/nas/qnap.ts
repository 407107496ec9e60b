import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import type { Varbind } from '../../snmp/varbind.js';
import { num, oidUnder, point, pushAll, round, scalars, str } from '../util.js';
import { cleanEntityText } from '../generic/entity.js';
import {
  byIndex, diskPoint, stateSensor, storagePoint, storageStatusFromText, walkColumns, worstHealth,
  type DiskHealth, type DiskReading,
} from './common.js';

/**
 * QNAP QTS/QuTS (NAS-MIB, enterprise 24681). Two generations live side by side in the firmware:
 * - 24681.1.2: the old "systemInfo" group — text scalars ("5.0 %", "40 C/104 F") and systemHdTable;
 * - 24681.1.4.1.1.1: QTS 4.3+ "nasStorage" — enclosures (model, serial, temperature), fans, PSUs, a disk table
 *   covering expansion units, and volume/pool tables with byte counts.
 * The new tables are preferred; the old ones fill in on firmware that lacks them.
 */

const OLD = '1.3.6.1.4.1.24681.1.2';
const NEW = '1.3.6.1.4.1.24681.1.4.1.1.1';
/** systemInfo.modelName: answers on QTS even when sysObjectID is plain net-snmp (old firmware). */
export const QNAP_MODEL = `${OLD}.12.0`;
const OIDS = {
  cpuUsage: `${OLD}.1.0`,
  cpuTemp: `${OLD}.5.0`,
  sysTemp: `${OLD}.6.0`,
  model: QNAP_MODEL,
  newCpuTemp: `${NEW}.1.4.2.0`,
  firmware: '1.3.6.1.2.1.47.1.1.1.1.10.1', // entPhysicalSoftwareRev.1: QTS puts its version there and nowhere else
};

const ENCLOSURE = `${NEW}.1.1.2.1`;
const E = { id: 2, model: 3, serial: 4, temp: 7 } as const;
const FAN = `${NEW}.1.2.2.1`;
const F = { status: 4, speed: 5 } as const;
const PSU = `${NEW}.1.3.2.1`;
const P = { id: 2, enclosure: 3, status: 4, fan: 5, temp: 6 } as const;
const DISK = `${NEW}.1.5.2.1`;
const D = { id: 2, enclosure: 3, summary: 4, smart: 5, temp: 6, model: 8 } as const;
const VOLUME = `${NEW}.2.3.2.1`;
const V = { capacity: 3, free: 4, status: 5, name: 8 } as const;
const HD = `${OLD}.11.1`;
const H = { descr: 2, temp: 3, status: 4, model: 5, smart: 7 } as const;
const OLD_VOLUME = `${OLD}.17.1`;
const OV = { descr: 2, total: 4, free: 5, status: 6 } as const;

/** diskSmartInfo (new table). */
const SMART: Record<number, [string, DiskHealth]> = { 0: ['Good', 'ok'], 1: ['Warning', 'warn'], 2: ['Abnormal', 'fail'], [-1]: ['Error', 'fail'] };
/** hdStatus (old table): noDisk rows are empty bays and are skipped. */
const HD_STATUS: Record<number, [string, DiskHealth]> = { 0: ['Ready', 'ok'], [-4]: ['Unknown', 'unknown'], [-6]: ['Invalid', 'warn'], [-9]: ['RW Error', 'fail'] };
const HD_NO_DISK = -5;

/** "40 C/104 F", "5.0 %", "7924.2 MB": QNAP's old scalars are text with units. */
function leadingNumber(vb: Varbind | undefined): number | undefined {
  const s = str(vb);
  const m = s ? /-?\d+(?:\.\d+)?/.exec(s) : null;
  return m ? Number(m[0]) : undefined;
}

/** "5.46 TB" → bytes (binary multiples, as QTS computes them). */
export function parseSize(s: string | undefined): number | undefined {
  const m = s ? /^\s*([\d.]+)\s*([KMGTP]?)B/i.exec(s) : null;
  if (!m) return undefined;
  const exp = ' KMGTP'.indexOf((m[2] || ' ').toUpperCase());
  return Math.round(Number(m[1]) * 1024 ** exp);
}

/** Drop QTS's " (SATA)" bus suffix so the model tag matches what smartctl reports. */
function cleanModel(s: string | undefined): string | undefined {
  return s?.replace(/\s*\((?:SATA|SAS|NVMe|SSD|PCIe)\)\s*$/i, '').trim() || undefined;
}

function healthFromText(s: string | undefined): DiskHealth | undefined {
  if (!s) return undefined;
  if (/^(good|normal|ok)$/i.test(s)) return 'ok';
  if (/warn/i.test(s)) return 'warn';
  if (/(abnormal|bad|error|fail)/i.test(s)) return 'fail';
  return 'unknown';
}

export async function collectQnap(ctx: ProfileContext): Promise<ProfileOutput> {
  const points: Point[] = [];
  const s = await scalars(ctx, OIDS);
  const [encl, fans, psus, disks, vols] = await Promise.all([
    walkColumns(ctx, ENCLOSURE, Object.values(E)),
    walkColumns(ctx, FAN, Object.values(F)),
    walkColumns(ctx, PSU, Object.values(P)),
    walkColumns(ctx, DISK, Object.values(D)),
    walkColumns(ctx, VOLUME, Object.values(V)),
  ]);

  const sorted = (m: Map<string, Map<number, Varbind>>) => [...m].sort((a, b) => byIndex(a[0], b[0]));
  const enclosures = sorted(encl);
  const head = enclosures.find(([, r]) => num(r.get(E.id)) === 0)?.[1] ?? enclosures[0]?.[1];

  for (const [i, r] of enclosures) {
    const t = num(r.get(E.temp));
    if (t !== undefined && t > 0) points.push(point('sensor', { class: 'temperature', name: `Enclosure ${num(r.get(E.id)) ?? i}` }, { value: t })!);
  }
  for (const [i, r] of sorted(fans)) {
    const code = num(r.get(F.status));
    const speed = num(r.get(F.speed));
    pushAll(points, point('sensor', { class: 'fan', name: `FAN ${i}` }, {
      value: speed !== undefined && speed >= 0 ? speed : undefined,
      state: code === 0 ? 'ok' : code === -1 ? 'fail' : undefined,
      ok: code === undefined ? undefined : code === 0,
    }));
  }
  for (const [i, r] of sorted(psus)) {
    const code = num(r.get(P.status));
    const encl = num(r.get(P.enclosure)) ?? 0;
    // PSU ids restart in each expansion unit, so the enclosure goes in the name.
    const name = `${encl === 0 ? '' : `Enclosure ${encl} `}PSU ${num(r.get(P.id)) ?? i}`;
    pushAll(points, stateSensor('psu', name, code, code === 0 ? 'ok' : code === -1 ? 'fail' : undefined, code === undefined ? undefined : code === 0));
    const t = num(r.get(P.temp));
    if (t !== undefined && t > 0) points.push(point('sensor', { class: 'temperature', name }, { value: t })!);
  }
  const cpuTemp = num(s.newCpuTemp) ?? leadingNumber(s.cpuTemp);
  if (cpuTemp !== undefined && cpuTemp > 0) points.push(point('sensor', { class: 'temperature', name: 'CPU' }, { value: cpuTemp })!);
  const cpu = leadingNumber(s.cpuUsage);
  pushAll(points, point('system', {}, { temp_c: leadingNumber(s.sysTemp) ?? num(head?.get(E.temp)), cpu_pct: cpu === undefined ? undefined : round(cpu) }));

  const hdRows = disks.size ? new Map<string, Map<number, Varbind>>() : await walkColumns(ctx, HD, Object.values(H));
  for (const d of disks.size ? newDisks(sorted(disks)) : oldDisks(sorted(hdRows))) points.push(diskPoint(d));

  if (vols.size) {
    for (const [i, r] of sorted(vols)) {
      const cap = num(r.get(V.capacity));
      const free = num(r.get(V.free));
      pushAll(points, storagePoint(str(r.get(V.name)) ?? `Volume ${i}`, {
        size: cap,
        used: cap !== undefined && free !== undefined ? cap - free : undefined,
        status: storageStatusFromText(str(r.get(V.status))),
      }));
    }
  } else {
    for (const [i, r] of sorted(await walkColumns(ctx, OLD_VOLUME, Object.values(OV)))) {
      const total = parseSize(str(r.get(OV.total)));
      const free = parseSize(str(r.get(OV.free)));
      pushAll(points, storagePoint(str(r.get(OV.descr)) ?? `Volume ${i}`, {
        size: total,
        used: total !== undefined && free !== undefined ? total - free : undefined,
        status: storageStatusFromText(str(r.get(OV.status))),
      }));
    }
  }

  return {
    identity: {
      class: 'nas',
      vendor: 'QNAP',
      os: 'QTS',
      model: str(head?.get(E.model)) ?? str(s.model),
      serial: str(head?.get(E.serial)),
      version: cleanEntityText(str(s.firmware)),
      profile: 'qnap',
    },
    points,
  };
}

function newDisks(rows: Array<[string, Map<number, Varbind>]>): DiskReading[] {
  return rows.map(([i, r]) => {
    const smart = SMART[num(r.get(D.smart)) ?? -99];
    const summary = str(r.get(D.summary));
    const encl = num(r.get(D.enclosure)) ?? 0;
    const slot = num(r.get(D.id)) ?? Number(i);
    const temp = num(r.get(D.temp));
    return {
      disk: encl === 0 ? `Disk ${slot}` : `Enclosure ${encl} Disk ${slot}`,
      model: cleanModel(str(r.get(D.model))),
      health: worstHealth(smart?.[1], healthFromText(summary)),
      status: summary ?? smart?.[0],
      temp_c: temp !== undefined && temp > 0 ? temp : undefined,
    };
  });
}

function oldDisks(rows: Array<[string, Map<number, Varbind>]>): DiskReading[] {
  const out: DiskReading[] = [];
  for (const [i, r] of rows) {
    const code = num(r.get(H.status));
    if (code === HD_NO_DISK) continue;
    const st = HD_STATUS[code ?? -99];
    const smart = str(r.get(H.smart));
    const temp = leadingNumber(r.get(H.temp));
    out.push({
      disk: str(r.get(H.descr)) ?? `HDD${i}`,
      model: cleanModel(str(r.get(H.model))),
      health: worstHealth(st?.[1], healthFromText(smart)),
      status: [st?.[0], smart].filter(Boolean).join(', ') || undefined,
      temp_c: temp !== undefined && temp > 0 ? temp : undefined,
    });
  }
  return out;
}

export const qnapProfile: Profile = {
  id: 'qnap',
  vendor: 'QNAP',
  class: 'nas',
  /** QTS's own sysObjectID; old firmware keeps net-snmp's but names the box "TS-…" in sysDescr's host field. */
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.24681')) return 100;
    return /^Linux TS-/i.test(sys.sysDescr) || /\bQNAP\b/i.test(sys.sysDescr) ? 50 : 0;
  },
  collect: collectQnap,
};
