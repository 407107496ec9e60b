import type { ProfileContext } from '../types.js';
import type { Point } from '../../types.js';
import type { Varbind } from '../../snmp/varbind.js';
import { point } from '../util.js';

/**
 * Helpers shared by the NAS and server profiles: the normalised vocabularies (storage status, disk health) that
 * let a Synology, a QNAP and smartctl feed the same dashboards and alerts, and a chunked GET.
 */

/** What every storage point's `status` is normalised to, whatever the vendor said. */
export type StorageStatus = 'ok' | 'degraded' | 'failed' | 'rebuilding' | 'unknown';

/** Disk verdict vocabulary shared with the smartctl probe (DESIGN.md `disk.health`). */
export type DiskHealth = 'ok' | 'info' | 'warn' | 'fail' | 'unknown';

const HEALTH_RANK: Record<DiskHealth, number> = { unknown: 0, ok: 1, info: 2, warn: 3, fail: 4 };

/** The worse of several verdicts: one failing signal is enough to fail the disk. `unknown` never hides a known one. */
export function worstHealth(...hs: Array<DiskHealth | undefined>): DiskHealth {
  let worst: DiskHealth = 'unknown';
  for (const h of hs) if (h && HEALTH_RANK[h] > HEALTH_RANK[worst]) worst = h;
  return worst;
}

/**
 * Status words vendors put in volume/pool/RAID text columns (QNAP "Ready", ZFS "DEGRADED", "Rebuilding…").
 * Order matters: "not ready" must not read as "ready".
 */
export function storageStatusFromText(text: string | undefined): StorageStatus {
  if (!text) return 'unknown';
  const s = text.trim().toLowerCase();
  if (/(fail|fault|crash|error|unavail|removed|suspend|offline|not ?active|not ?ready|abnormal|inactive)/.test(s)) return 'failed';
  if (/(degrad|warning)/.test(s)) return 'degraded';
  if (/(rebuild|resilver|sync|recover|repair|migrat|assembl)/.test(s)) return 'rebuilding';
  if (/^(ok|online|ready|normal|good|healthy|active)\b/.test(s)) return 'ok';
  return 'unknown';
}

export interface DiskReading {
  /** Serial when the vendor gives one, else the slot name the NAS UI shows. */
  disk: string;
  model?: string;
  health: DiskHealth;
  /** The vendor's own words, so a tech sees what the NAS said. */
  status?: string;
  temp_c?: number;
  reallocated?: number;
  pending?: number;
  uncorrectable?: number;
  power_on_hours?: number;
  percentage_used?: number;
}

/** A `disk` point in the same shape the smartctl probe writes, tagged source=snmp. Integer fields stay integers. */
export function diskPoint(d: DiskReading): Point {
  const tags: Record<string, string> = { disk: d.disk };
  if (d.model) tags.model = d.model;
  return point('disk', tags, {
    health: d.health,
    status: d.status,
    temp_c: d.temp_c,
    reallocated: int(d.reallocated),
    pending: int(d.pending),
    uncorrectable: int(d.uncorrectable),
    power_on_hours: int(d.power_on_hours),
    percentage_used: d.percentage_used,
    source: 'snmp',
  })!;
}

/** A storage point; used_pct is derived so every vendor computes it the same way. */
export function storagePoint(name: string, f: { size?: number; used?: number; status?: StorageStatus }): Point | undefined {
  const size = int(f.size);
  const used = int(f.used);
  const pct = size !== undefined && used !== undefined && size > 0 ? Math.round((used / size) * 100_000) / 1000 : undefined;
  return point('storage', { name }, { size_bytes: size, used_bytes: used, used_pct: pct, status: f.status });
}

/** A state-like sensor (fan, PSU, system status): raw vendor code as value, text state and a verdict. */
export function stateSensor(cls: string, name: string, code: number | undefined, state: string | undefined, ok: boolean | undefined): Point | undefined {
  if (code === undefined && state === undefined) return undefined;
  return point('sensor', { class: cls, name }, { value: code, state, ok });
}

export function int(n: number | undefined): number | undefined {
  return n === undefined || !Number.isFinite(n) ? undefined : Math.round(n);
}

export { byIndex, getChunked, walkColumns } from '../util.js';
