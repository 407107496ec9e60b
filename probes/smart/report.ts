/**
 * smartctl JSON (run locally or pushed by a server) → SMART report. Pure: the runner and the REST route share it.
 */
import { decodeExitStatus, hasBit } from './exit-status.js';
import { parseSmartctl } from './parse.js';
import { diskKey, diskPoints } from './points.js';
import { commandTimeoutCount, isSeagate, rawWords16, seagateErrorRate } from './raw-values.js';
import type { ExitStatus, Protocol, SmartDisk, SmartReport } from './types.js';
import { judge } from './verdict.js';

export interface ReportOptions {
  /** `disk.source` field: `smartctl` for a local run, `push` for data a server posted. */
  source?: string;
  /** The process exit status when known; smartctl also records it in the JSON, which is used otherwise. */
  exitCode?: number;
  /** The device as it was asked for (runner): authoritative over what the JSON says, e.g. after `-d` autodetection. */
  where?: { path: string; type?: string };
}

/** Observations that explain the data without changing the verdict. */
function notesFor(disk: SmartDisk, exit: ExitStatus): string[] {
  const notes: string[] = [];
  if (hasBit(exit, 2)) {
    notes.push('a SMART command failed (exit bit 2) but the data returned is enough to judge; usual behind USB bridges, RAID controllers and VMs');
  }
  if (disk.healthFromAttributeCheck) {
    notes.push("overall health came from smartctl's attribute check: the controller or bridge did not answer SMART RETURN STATUS");
  }
  for (const a of disk.ata?.attributes ?? []) {
    if (a.id === 188 && /Command_Timeout/i.test(a.name) && a.raw > 0xffff) {
      notes.push(`188 ${a.name} raw ${a.rawString} is three packed 16-bit counters (${rawWords16(a.raw).join(' ')}): ${commandTimeoutCount(a.raw, a.rawString)} timeouts`);
    }
    if ((a.id === 1 || a.id === 7) && isSeagate(disk.model) && a.raw > 0) {
      const r = seagateErrorRate(a.raw);
      notes.push(`${a.id} ${a.name} raw ${a.rawString} is Seagate-packed: ${r.errors} errors in ${r.operations} operations (judged by its normalised value)`);
    }
  }
  return notes;
}

function deviceOf(disk: SmartDisk | undefined, fallback: { path?: string; type?: string; protocol?: Protocol }): SmartReport['device'] {
  const path = disk?.path ?? fallback.path;
  const type = disk?.type ?? fallback.type;
  return {
    protocol: disk?.protocol ?? fallback.protocol ?? 'unknown',
    model: disk?.model,
    serial: disk?.serial,
    capacity_bytes: disk?.capacityBytes,
    key: diskKey({ serial: disk?.serial, wwn: disk?.wwn, path, type }),
    path,
    type,
    kind: disk?.kind ?? 'unknown',
    firmware: disk?.firmware,
    wwn: disk?.wwn,
  };
}

/**
 * One smartctl document → report. `previous` is the last readable reading of the same disk (a report's `reading`),
 * or a lookup by disk key (the key is only known once the JSON is parsed); it only escalates counters that rose.
 */
export function reportFromJson(
  json: unknown,
  previous?: SmartDisk | ((key: string) => SmartDisk | undefined),
  opts: ReportOptions = {},
): SmartReport {
  const disk = parseSmartctl(json);
  if (disk && opts.where) {
    disk.path = opts.where.path;
    disk.type = opts.where.type ?? disk.type;
  }
  const exit = decodeExitStatus(opts.exitCode ?? disk?.exitStatus);
  const source = opts.source ?? 'push';
  if (!disk) {
    const device = deviceOf(undefined, {});
    return {
      device,
      verdict: 'unknown',
      reasons: [{ level: 'unknown', code: 'not_smartctl', text: 'input is not smartctl JSON output (run smartctl with -j)' }],
      notes: [],
      points: diskPoints(device.key, undefined, 'unknown', source),
      exit,
    };
  }
  const device = deviceOf(disk, {});
  const prev = typeof previous === 'function' ? previous(device.key) : previous;
  const { verdict, reasons } = judge(disk, exit, prev);
  return {
    device,
    verdict,
    reasons,
    notes: verdict === 'unknown' ? [] : notesFor(disk, exit),
    points: diskPoints(device.key, disk, verdict, source),
    exit,
    reading: verdict === 'unknown' ? undefined : disk,
  };
}

/** A disk the runner could not read at all (timeout, open failure in the scan, unparseable output). */
export function unreadableReport(
  dev: { path?: string; type?: string; protocol?: Protocol },
  why: string,
  source: string,
  exitCode?: number,
): SmartReport {
  const device = deviceOf(undefined, dev);
  return {
    device,
    verdict: 'unknown',
    reasons: [{ level: 'unknown', code: 'unreadable', text: why }],
    notes: [],
    points: diskPoints(device.key, undefined, 'unknown', source),
    exit: decodeExitStatus(exitCode),
  };
}
