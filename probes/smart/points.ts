/**
 * SmartDisk + verdict → `disk` and `smart_attr` points (probes/measurements.ts). Integer fields are always
 * integers: InfluxDB rejects a batch when a field changes type between polls.
 */
import type { FieldValue, Point } from '../types.js';
import { counter } from './rules.js';
import type { SmartDisk, Verdict } from './types.js';

/**
 * The `disk` tag: the serial survives a move to another port or controller, the device path does not. MegaRAID
 * disks share one path, so a path-only key keeps the `-d` type to stay unique.
 */
export function diskKey(disk: Pick<SmartDisk, 'serial' | 'wwn' | 'path' | 'type'>): string {
  if (disk.serial) return disk.serial;
  if (disk.wwn) return disk.wwn;
  const path = disk.path ?? 'unknown';
  return disk.type && disk.type.includes(',') ? `${path}:${disk.type}` : path;
}

/** Tags cannot be empty in line protocol. */
const tag = (s: string | undefined) => (s && s.trim() ? s.trim() : 'unknown');

/**
 * Some raw values pass 2^53 (SandForce 9 packs hours with milliseconds: 9103526781257015), where a JS number is no
 * longer exact; such a field is left out rather than written as a neighbouring, wrong integer.
 */
const setInt = (fields: Record<string, FieldValue>, key: string, v: number | undefined) => {
  if (v !== undefined && Number.isSafeInteger(Math.round(v))) fields[key] = Math.round(v);
};

/**
 * `uncorrectable`: ATA 198 (sectors found unreadable), else 187 (errors reported to the host) on drives without
 * 198, else the SCSI uncorrected read+write+verify total. `reallocated` on SCSI is the grown defect list, its
 * field analogue (THRESHOLDS §5).
 */
export function diskFields(disk: SmartDisk | undefined, health: Verdict, source: string): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = { health, source };
  if (!disk) return fields;
  if (disk.temperatureC !== undefined) fields.temp_c = disk.temperatureC;
  setInt(fields, 'reallocated', counter(disk, 'reallocated') ?? counter(disk, 'grown_defects'));
  setInt(fields, 'pending', counter(disk, 'pending') ?? counter(disk, 'scsi_pending'));
  setInt(fields, 'uncorrectable', counter(disk, 'offline_uncorrectable') ?? counter(disk, 'reported_uncorrect') ?? counter(disk, 'scsi_uncorrected'));
  setInt(fields, 'power_on_hours', disk.powerOnHours);
  if (disk.percentageUsed !== undefined) fields.percentage_used = disk.percentageUsed;
  setInt(fields, 'media_errors', disk.nvme?.mediaErrors);
  return fields;
}

export function diskPoints(key: string, disk: SmartDisk | undefined, health: Verdict, source: string): Point[] {
  const points: Point[] = [{ measurement: 'disk', tags: { disk: key, model: tag(disk?.model) }, fields: diskFields(disk, health, source) }];
  for (const a of disk?.ata?.attributes ?? []) {
    const fields: Record<string, FieldValue> = {};
    setInt(fields, 'value', a.value);
    setInt(fields, 'worst', a.worst);
    setInt(fields, 'thresh', a.thresh);
    // Stored as the drive reports it (packed or not): history must not change when a decoder improves.
    setInt(fields, 'raw', a.raw);
    points.push({ measurement: 'smart_attr', tags: { disk: key, id: String(a.id), name: tag(a.name) }, fields });
  }
  return points;
}
