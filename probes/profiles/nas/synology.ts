import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import type { Varbind } from '../../snmp/varbind.js';
import { asNumber } from '../../snmp/varbind.js';
import { num, oidUnder, point, pushAll, scalars, str } from '../util.js';
import { byIndex, diskPoint, getChunked, stateSensor, storagePoint, walkColumns, worstHealth, type DiskHealth, type StorageStatus } from './common.js';

/**
 * Synology DSM 6/7: SYNOLOGY-SYSTEM-MIB (6574.1), -DISK-MIB (6574.2), -RAID-MIB (6574.3), -SMART-MIB (6574.5).
 * DSM answers with net-snmp's Linux sysObjectID and a bare "Linux <host> <kernel>" sysDescr, so it cannot be told
 * from sysDescr alone: the net-snmp Linux profile (linux.ts) GETs SYNO_MODEL and hands the device over here.
 */

const SYS = '1.3.6.1.4.1.6574.1';
/** modelName.0: present on every DSM, absent on everything else — the discriminator. */
export const SYNO_MODEL = `${SYS}.5.1.0`;
const OIDS = {
  systemStatus: `${SYS}.1.0`,
  temperature: `${SYS}.2.0`,
  powerStatus: `${SYS}.3.0`,
  systemFan: `${SYS}.4.1.0`,
  cpuFan: `${SYS}.4.2.0`,
  model: SYNO_MODEL,
  serial: `${SYS}.5.2.0`,
  version: `${SYS}.5.3.0`,
  upgrade: `${SYS}.5.4.0`,
};

const DISK_ENTRY = '1.3.6.1.4.1.6574.2.1.1';
const D = { id: 2, model: 3, status: 5, temp: 6, badSector: 9, remainLife: 11, health: 13 } as const;
const RAID_ENTRY = '1.3.6.1.4.1.6574.3.1.1';
const R = { name: 2, status: 3, free: 4, total: 5 } as const;
const SMART_ENTRY = '1.3.6.1.4.1.6574.5.1.1';
const S = { dev: 2, id: 4, raw: 8 } as const;

/** diskStatus (SYNOLOGY-DISK-MIB). Initialized/NotInitialized disks are healthy hardware not (yet) in a volume. */
const DISK_STATUS: Record<number, [string, DiskHealth]> = {
  1: ['Normal', 'ok'],
  2: ['Initialized', 'ok'],
  3: ['NotInitialized', 'ok'],
  4: ['SystemPartitionFailed', 'warn'],
  5: ['Crashed', 'fail'],
};
/** diskHealthStatus (DSM 7.1+): Storage Manager's own verdict. */
const DISK_HEALTH: Record<number, [string, DiskHealth]> = {
  1: ['Normal', 'ok'],
  2: ['Warning', 'warn'],
  3: ['Critical', 'fail'],
  4: ['Failing', 'fail'],
};
/** raidStatus: the transitional states are grouped by what a tech must do about them. */
const RAID_STATUS: Record<number, StorageStatus> = {
  1: 'ok', 2: 'rebuilding', 3: 'ok', 4: 'ok', 5: 'unknown', 6: 'ok', 7: 'rebuilding', 8: 'ok', 9: 'rebuilding',
  10: 'ok', 11: 'degraded', 12: 'failed', 13: 'ok', 14: 'ok', 15: 'ok', 16: 'ok', 17: 'ok', 18: 'rebuilding',
  19: 'ok', 20: 'rebuilding', 21: 'unknown',
};
const UPGRADE = ['', 'available', 'unavailable', 'connecting', 'disconnected', 'others'];
/** SSDs report remaining life in %; below this DSM itself starts warning. */
const REMAIN_LIFE_WARN = 10;
/** SMART attribute ids worth carrying into the disk model (same as the smartctl probe's counters). */
const SMART_IDS: Record<number, 'reallocated' | 'power_on_hours' | 'pending' | 'uncorrectable'> = { 5: 'reallocated', 9: 'power_on_hours', 197: 'pending', 198: 'uncorrectable' };

export async function collectSynology(ctx: ProfileContext): Promise<ProfileOutput> {
  const points: Point[] = [];
  const errors: string[] = [];
  const s = await scalars(ctx, OIDS);
  const [disks, raids] = await Promise.all([
    walkColumns(ctx, DISK_ENTRY, Object.values(D)),
    walkColumns(ctx, RAID_ENTRY, Object.values(R)),
  ]);

  const okCode = (vb: Varbind | undefined) => (num(vb) === undefined ? undefined : num(vb) === 1);
  const normal = (vb: Varbind | undefined) => (num(vb) === 1 ? 'normal' : num(vb) === 2 ? 'failed' : undefined);
  pushAll(
    points,
    stateSensor('state', 'System', num(s.systemStatus), normal(s.systemStatus), okCode(s.systemStatus)),
    stateSensor('psu', 'Power', num(s.powerStatus), normal(s.powerStatus), okCode(s.powerStatus)),
    stateSensor('fan', 'System fan', num(s.systemFan), normal(s.systemFan), okCode(s.systemFan)),
    stateSensor('fan', 'CPU fan', num(s.cpuFan), normal(s.cpuFan), okCode(s.cpuFan)),
    stateSensor('state', 'DSM upgrade', num(s.upgrade), UPGRADE[num(s.upgrade) ?? 0] || undefined, undefined),
    point('system', {}, { temp_c: num(s.temperature) }),
  );

  const smart = await readSmart(ctx, disks, errors);
  for (const [index, row] of [...disks].sort((a, b) => byIndex(a[0], b[0]))) {
    const slot = str(row.get(D.id)) ?? `Disk ${index}`;
    const st = DISK_STATUS[num(row.get(D.status)) ?? -1];
    const hs = DISK_HEALTH[num(row.get(D.health)) ?? -1];
    const bad = num(row.get(D.badSector));
    const life = num(row.get(D.remainLife));
    const lifeKnown = life !== undefined && life >= 0 && life <= 100;
    const temp = num(row.get(D.temp));
    const sm = smart.get(slot) ?? {};
    points.push(
      diskPoint({
        disk: slot,
        model: str(row.get(D.model)),
        health: worstHealth(
          st?.[1],
          hs?.[1],
          bad !== undefined && bad > 0 ? 'warn' : undefined,
          lifeKnown && life! < REMAIN_LIFE_WARN ? 'warn' : undefined,
          (sm.reallocated ?? 0) > 0 || (sm.pending ?? 0) > 0 || (sm.uncorrectable ?? 0) > 0 ? 'warn' : undefined,
        ),
        status: [st?.[0], hs ? `health ${hs[0]}` : undefined].filter(Boolean).join(', ') || undefined,
        temp_c: temp !== undefined && temp > 0 ? temp : undefined,
        // DSM's "bad sector count" is the drive's remapped-sector count; SMART attribute 5, when read, is the same.
        reallocated: sm.reallocated ?? (bad !== undefined && bad >= 0 ? bad : undefined),
        pending: sm.pending,
        uncorrectable: sm.uncorrectable,
        power_on_hours: sm.power_on_hours,
        percentage_used: lifeKnown ? 100 - life! : undefined,
      }),
    );
  }

  for (const [index, row] of [...raids].sort((a, b) => byIndex(a[0], b[0]))) {
    const name = str(row.get(R.name)) ?? `RAID ${index}`;
    const total = num(row.get(R.total));
    const free = num(row.get(R.free));
    // A DSM 7 storage pool's "free" is space not yet given to a volume: a fully allocated pool is normal, so
    // reporting it as 100 % used would page someone for nothing. Its volumes carry the real fill level.
    const pool = /^storage pool\b/i.test(name);
    pushAll(
      points,
      storagePoint(name, {
        size: total,
        used: !pool && total !== undefined && free !== undefined ? total - free : undefined,
        status: RAID_STATUS[num(row.get(R.status)) ?? -1] ?? 'unknown',
      }),
    );
  }

  return {
    identity: {
      class: 'nas',
      vendor: 'Synology',
      os: 'DSM',
      model: str(s.model),
      serial: str(s.serial),
      version: str(s.version)?.replace(/^DSM\s+/i, ''),
      profile: 'synology',
    },
    points,
    errors,
  };
}

type SmartCounters = Partial<Record<'reallocated' | 'power_on_hours' | 'pending' | 'uncorrectable', number>>;

/**
 * SYNOLOGY-SMART-MIB has one row per (disk, attribute): ~20 per disk. Only the attribute-id column is walked;
 * device name and raw value are then fetched for the four attributes used. Rows name the Linux device
 * (sata3, sdc) while the disk table names the bay ("Disk 3"); both encode the slot, so they are paired only
 * when every device maps to exactly one internal bay — a wrong pairing would blame the wrong drive.
 */
async function readSmart(ctx: ProfileContext, disks: Map<string, Map<number, Varbind>>, errors: string[]): Promise<Map<string, SmartCounters>> {
  const out = new Map<string, SmartCounters>();
  if (disks.size === 0) return out;
  const ids = await ctx.snmp.walk(`${SMART_ENTRY}.${S.id}`);
  const rows = ids
    .map((v) => ({ index: v.oid.slice(`${SMART_ENTRY}.${S.id}.`.length), field: SMART_IDS[asNumber(v.value) ?? -1] }))
    .filter((r): r is { index: string; field: NonNullable<typeof r.field> } => r.field !== undefined);
  if (!rows.length) return out;
  const got = await getChunked(ctx, rows.flatMap((r) => [`${SMART_ENTRY}.${S.dev}.${r.index}`, `${SMART_ENTRY}.${S.raw}.${r.index}`]));

  const bays = new Map<number, string>();
  for (const row of disks.values()) {
    const id = str(row.get(D.id));
    const m = id ? /^(?:Disk|Drive)\s+(\d+)$/i.exec(id) : null;
    if (m && id) bays.set(Number(m[1]), id);
  }
  const byDevice = new Map<string, SmartCounters>();
  for (const r of rows) {
    const dev = str(got.get(`${SMART_ENTRY}.${S.dev}.${r.index}`));
    const raw = num(got.get(`${SMART_ENTRY}.${S.raw}.${r.index}`));
    if (!dev || raw === undefined) continue;
    const c = byDevice.get(dev) ?? {};
    c[r.field] = raw;
    byDevice.set(dev, c);
  }
  const paired = new Map<string, SmartCounters>();
  for (const [dev, c] of byDevice) {
    const slot = deviceSlot(dev);
    const bay = slot === undefined ? undefined : bays.get(slot);
    if (!bay || paired.has(bay)) {
      errors.push(`SYNOLOGY-SMART-MIB: cannot pair ${byDevice.size} SMART devices with disk bays; SMART counters skipped`);
      return out;
    }
    paired.set(bay, c);
  }
  return paired;
}

/** Slot encoded in a DSM device name: sata4/sas4/hd4 → 4, sdd → 4 (internal bays only). */
export function deviceSlot(dev: string): number | undefined {
  const name = dev.split('/').pop() ?? dev;
  let m = /^(?:sata|sas|hd)(\d+)$/.exec(name);
  if (m) return Number(m[1]);
  m = /^sd([a-z])$/.exec(name);
  return m ? m[1]!.charCodeAt(0) - 96 : undefined;
}

export const synologyProfile: Profile = {
  id: 'synology',
  vendor: 'Synology',
  class: 'nas',
  /**
   * DSM's system group is plain net-snmp Linux, so this only claims devices whose sysObjectID is Synology's own
   * (some SRM/DSM builds) or whose sysDescr names it; the usual case arrives through the Linux profile's probe.
   */
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.6574')) return 100;
    return /synology|diskstation|rackstation/i.test(sys.sysDescr) ? 50 : 0;
  },
  collect: collectSynology,
};
