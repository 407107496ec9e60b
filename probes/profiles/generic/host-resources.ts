import type { GenericCollector, ProfileContext, ProfileOutput } from '../types.js';
import type { Point } from '../../types.js';
import { asNumber, asString, type Varbind } from '../../snmp/varbind.js';
import { point, pushAll, round } from '../util.js';
import { getChunked, int, storagePoint, walkColumns, byIndex } from '../nas/common.js';

/**
 * HOST-RESOURCES-MIB (RFC 2790): CPU, memory and file systems of anything with a host agent — Linux net-snmp,
 * Windows, ESXi, NAS firmwares, bsnmpd on pfSense, even some UPS agents.
 *
 * Cost matters: pfSense's bsnmpd lists ~590 kernel UMA zones as hrStorageRam rows. So only hrStorageType and
 * hrStorageDescr are walked (in one GETBULK stream); units/size/used are then fetched by GET for the few rows
 * that matter, and at most MAX_STORAGE file systems become points.
 */

const HR = '1.3.6.1.2.1.25';
const HR_SYSTEM_UPTIME = `${HR}.1.1.0`;
const HR_MEMORY_SIZE = `${HR}.2.2.0`;
const HR_STORAGE_ENTRY = `${HR}.2.3.1`;
const HR_PROCESSOR_LOAD = `${HR}.3.3.1.2`;

const TYPE = 2;
const DESCR = 3;
const UNITS = 4;
const SIZE = 5;
const USED = 6;

const ST = `${HR}.2.1`;
const ST_OTHER = `${ST}.1`;
const ST_RAM = `${ST}.2`;
/** Types that are real file systems worth a storage point; RAM disks, CD-ROMs, floppies and virtual memory are not. */
const DISK_TYPES = new Set([`${ST}.4` /* fixedDisk */, `${ST}.5` /* removableDisk */, `${ST}.9` /* flashMemory */, `${ST}.10` /* networkDisk */]);
/** bsnmpd (FreeBSD/pfSense) puts hrFSTypes in hrStorageType; hrFSOther (devfs…) is not a volume. */
const HR_FS_TYPES = `${HR}.3.9.`;
const HR_FS_OTHER = `${HR}.3.9.1`;

/** Per-device cap: a host with hundreds of mounts (containers, snapshots) must not flood the store. */
export const MAX_STORAGE = 64;

/**
 * Mounts that are memory or kernel views, not disks: they fill and empty by design and alerting on them is noise.
 * Matched on the mount path (bsnmpd appends ", type: ufs, dev: …" which is ignored).
 */
const VIRTUAL_MOUNT = /^\/(?:run|var\/run|dev|sys|proc|snap|var\/lib\/snapd\/snap|var\/lib\/docker\/overlay2)(?:\/|$)/;

function mountPath(descr: string): string {
  const comma = descr.indexOf(', type:');
  return comma >= 0 ? descr.slice(0, comma) : descr;
}

/** hrStorage* are Integer32: agents wrap sizes past 2^31 units to negative numbers; unwrap them. */
function unsigned(n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  return n < 0 ? n + 2 ** 32 : n;
}

interface StorageRow {
  index: string;
  type: string;
  descr: string;
}

export async function collectHostResources(ctx: ProfileContext): Promise<ProfileOutput> {
  const points: Point[] = [];
  const errors: string[] = [];

  const scalars = await ctx.snmp.get([HR_SYSTEM_UPTIME, HR_MEMORY_SIZE]);
  const [cpuVbs, storageCols] = await Promise.all([
    ctx.snmp.walk(HR_PROCESSOR_LOAD),
    walkColumns(ctx, HR_STORAGE_ENTRY, [TYPE, DESCR]),
  ]);

  const loads = cpuVbs.map((v) => asNumber(v.value)).filter((n): n is number => n !== undefined);
  const cpu_pct = loads.length ? round(loads.reduce((a, b) => a + b, 0) / loads.length) : undefined;

  const rows: StorageRow[] = [];
  for (const [index, cols] of [...storageCols].sort((a, b) => byIndex(a[0], b[0]))) {
    const type = asString(cols.get(TYPE)?.value) ?? '';
    const descr = asString(cols.get(DESCR)?.value)?.trim() ?? '';
    rows.push({ index, type, descr });
  }

  const ram = pickRam(rows);
  // net-snmp on Linux counts buffers and page cache as used RAM; its own "Memory buffers"/"Cached memory" rows
  // let us subtract them (as `free` does) without a second MIB. Other agents report used RAM as applications see it.
  const buffers = rows.find((r) => r.type === ST_OTHER && r.descr === 'Memory buffers');
  const cached = rows.find((r) => r.type === ST_OTHER && r.descr === 'Cached memory');

  const disks = rows.filter(isDisk);
  let shown = disks;
  if (disks.length > MAX_STORAGE) {
    shown = disks.slice(0, MAX_STORAGE);
    errors.push(`hrStorage: ${disks.length} file systems, reporting the first ${MAX_STORAGE}`);
  }

  const wanted = [ram, buffers, cached, ...shown].filter((r): r is StorageRow => r !== undefined);
  const oids = wanted.flatMap((r) => [UNITS, SIZE, USED].map((c) => `${HR_STORAGE_ENTRY}.${c}.${r.index}`));
  const got = oids.length ? await getChunked(ctx, oids) : new Map<string, Varbind>();
  const bytes = (r: StorageRow | undefined, col: number): number | undefined => {
    if (!r) return undefined;
    const units = asNumber(got.get(`${HR_STORAGE_ENTRY}.${UNITS}.${r.index}`)?.value);
    const n = unsigned(asNumber(got.get(`${HR_STORAGE_ENTRY}.${col}.${r.index}`)?.value));
    return units !== undefined && n !== undefined && units > 0 ? n * units : undefined;
  };

  for (const r of shown) {
    const size = bytes(r, SIZE);
    if (!size) continue; // unmounted drive letters and empty card slots answer size 0
    pushAll(points, storagePoint(r.descr || `hrStorage ${r.index}`, { size, used: bytes(r, USED) }));
  }

  let mem_total_bytes: number | undefined;
  let mem_used_pct: number | undefined;
  const rowTotal = bytes(ram, SIZE);
  const kib = asNumber(scalars.get(HR_MEMORY_SIZE)?.value);
  const installed = kib === undefined ? undefined : kib * 1024;
  // bsnmpd's "Real Memory Metrics" row sizes the memory in use, not what is installed; hrMemorySize says that.
  const total = installed !== undefined && rowTotal !== undefined && rowTotal < installed / 2 ? installed : rowTotal;
  let used = bytes(ram, USED);
  if (total && used !== undefined) {
    const b = bytes(buffers, USED);
    const c = bytes(cached, USED);
    if (b !== undefined && c !== undefined && used - b - c >= 0) used = used - b - c;
    mem_total_bytes = int(total);
    mem_used_pct = round((used / total) * 100);
  }

  const up = asNumber(scalars.get(HR_SYSTEM_UPTIME)?.value);
  pushAll(points, point('system', {}, { uptime_s: up === undefined ? undefined : Math.floor(up / 100), cpu_pct, mem_used_pct, mem_total_bytes }));

  const answered = up !== undefined || loads.length > 0 || rows.length > 0;
  return { points, errors, classHint: answered ? 'server' : undefined };
}

/** The physical-RAM row: named so on net-snmp, Windows, ESXi and bsnmpd; else the only hrStorageRam row. */
function pickRam(rows: StorageRow[]): StorageRow | undefined {
  const rams = rows.filter((r) => r.type === ST_RAM);
  return rams.find((r) => /^(physical|real)\s+memory/i.test(r.descr)) ?? (rams.length === 1 ? rams[0] : undefined);
}

function isDisk(r: StorageRow): boolean {
  const fsType = r.type.startsWith(HR_FS_TYPES) && r.type !== HR_FS_OTHER;
  if (!DISK_TYPES.has(r.type) && !fsType) return false;
  return !VIRTUAL_MOUNT.test(mountPath(r.descr));
}

/** Runs on every device; the profile's own numbers (vendor CPU, vendor memory) override these field by field. */
export const hostResourcesCollector: GenericCollector = { id: 'host-resources', collect: collectHostResources };
