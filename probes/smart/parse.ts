/**
 * smartctl `-j` output → the normalised disk model. Pure and total: any JSON value (a pushed file from a server,
 * a truncated capture) gives a SmartDisk or undefined, never an exception.
 */
import { temperatureFromRaw } from './raw-values.js';
import type { AtaAttribute, DiskKind, NvmeHealth, Protocol, ScsiHealth, SelfTestSummary, SmartDisk } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
/**
 * smartctl prints counters that may pass 53 bits twice (`KEY` and `KEY_s`, THRESHOLDS §1.5); the string wins when
 * the number has lost precision, so a huge counter is never silently rounded into another value.
 */
function int(o: Obj | undefined, key: string): number | undefined {
  if (!o) return undefined;
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  const s = o[`${key}_s`];
  if (typeof s === 'string' && /^\d+$/.test(s)) return Number(s);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v);
  return undefined;
}
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** Is this smartctl JSON at all? Lets the caller tell "not smartctl output" from "smartctl could not read the disk". */
export function looksLikeSmartctl(json: unknown): boolean {
  return isObj(json) && (isObj(json.smartctl) || isObj(json.device) || Array.isArray(json.json_format_version));
}

function protocolOf(json: Obj): Protocol {
  const p = str(obj(json.device)?.protocol);
  if (p === 'ATA' || p === 'NVMe' || p === 'SCSI') return p;
  if (obj(json.nvme_smart_health_information_log)) return 'NVMe';
  if (obj(json.ata_smart_attributes)) return 'ATA';
  if (json.scsi_grown_defect_list !== undefined || obj(json.scsi_error_counter_log)) return 'SCSI';
  return 'unknown';
}

/** NAA WWN as smartctl prints it ("5 0014ee 2b2f3c5df"), joined: the OUI is 24 bits and the id 36. */
function wwnOf(json: Obj): string | undefined {
  const w = obj(json.wwn);
  const naa = int(w, 'naa');
  const oui = int(w, 'oui');
  const id = int(w, 'id');
  if (naa !== undefined && oui !== undefined && id !== undefined) {
    return `${naa.toString(16)}${oui.toString(16).padStart(6, '0')}${id.toString(16).padStart(9, '0')}`;
  }
  const lu = str(json.logical_unit_id);
  return lu ? lu.replace(/^0x/i, '').toLowerCase() : undefined;
}

function modelOf(json: Obj): string | undefined {
  const m = str(json.model_name) ?? str(json.scsi_model_name);
  if (m) return m;
  const vendor = str(json.vendor) ?? str(json.scsi_vendor);
  const product = str(json.product) ?? str(json.scsi_product);
  return product ? [vendor, product].filter(Boolean).join(' ') : undefined;
}

function attributes(json: Obj): AtaAttribute[] | undefined {
  const table = obj(json.ata_smart_attributes)?.table;
  if (!Array.isArray(table)) return undefined;
  const out: AtaAttribute[] = [];
  for (const row of table) {
    const r = obj(row);
    const id = int(r, 'id');
    if (!r || id === undefined) continue;
    const raw = obj(r.raw);
    const wf = r.when_failed;
    out.push({
      id,
      name: str(r.name) ?? `Attribute_${id}`,
      value: int(r, 'value'),
      worst: int(r, 'worst'),
      thresh: int(r, 'thresh'),
      whenFailed: wf === 'now' || wf === 'past' ? wf : '',
      prefail: bool(obj(r.flags)?.prefailure) ?? false,
      raw: int(raw, 'value') ?? 0,
      rawString: str(raw?.string) ?? String(int(raw, 'value') ?? 0),
    });
  }
  return out;
}

/** Error-log count: `summary` (ATA -l error) or `extended` (-l xerror, which -x prefers). */
function ataErrorLogCount(json: Obj): number | undefined {
  const log = obj(json.ata_smart_error_log);
  const counts = [int(obj(log?.extended), 'count'), int(obj(log?.summary), 'count')].filter((n): n is number => n !== undefined);
  return counts.length ? Math.max(...counts) : undefined;
}

function selfTest(json: Obj): SelfTestSummary | undefined {
  const log = obj(json.ata_smart_self_test_log);
  const part = obj(log?.extended) ?? obj(log?.standard);
  if (!part) return undefined;
  const total = int(part, 'error_count_total') ?? 0;
  const outdated = int(part, 'error_count_outdated') ?? 0;
  const table = Array.isArray(part.table) ? part.table.map(obj).filter((e): e is Obj => !!e) : [];
  // smartctl lists the newest entry first.
  const failed = table.find((e) => obj(e.status)?.passed === false);
  const summary: SelfTestSummary = { failedCount: Math.max(0, total - outdated) };
  if (failed) {
    summary.latestFailure = {
      type: str(obj(failed.type)?.string) ?? 'self-test',
      status: str(obj(failed.status)?.string) ?? 'failed',
      lifetimeHours: int(failed, 'lifetime_hours'),
      lba: int(failed, 'lba'),
    };
  }
  return summary;
}

/** ATA device statistics page 7 (ACS-3): a standard endurance figure, unlike the vendor-specific 177/231/233/202. */
function ataPercentageUsed(json: Obj): number | undefined {
  const pages = obj(json.ata_device_statistics)?.pages;
  if (!Array.isArray(pages)) return undefined;
  for (const p of pages.map(obj)) {
    if (int(p, 'number') !== 7 || !Array.isArray(p?.table)) continue;
    for (const e of p.table.map(obj)) {
      if (e && /Percentage Used Endurance/i.test(str(e.name) ?? '') && obj(e.flags)?.valid !== false) return int(e, 'value');
    }
  }
  return undefined;
}

function nvmeHealth(json: Obj): NvmeHealth | undefined {
  const log = obj(json.nvme_smart_health_information_log);
  if (!log) return undefined;
  return {
    criticalWarning: int(log, 'critical_warning'),
    availableSpare: int(log, 'available_spare'),
    availableSpareThreshold: int(log, 'available_spare_threshold'),
    percentageUsed: int(log, 'percentage_used'),
    mediaErrors: int(log, 'media_errors'),
    errorLogEntries: int(log, 'num_err_log_entries'),
    unsafeShutdowns: int(log, 'unsafe_shutdowns'),
  };
}

function scsiHealth(json: Obj): ScsiHealth | undefined {
  const ecl = obj(json.scsi_error_counter_log);
  const grown = int(json, 'scsi_grown_defect_list');
  const endurance = int(json, 'scsi_percentage_used_endurance_indicator');
  const pendingObj = obj(json.scsi_pending_defects);
  const pending = pendingObj ? int(pendingObj, 'count') : int(json, 'scsi_pending_defects');
  if (!ecl && grown === undefined && endurance === undefined && pending === undefined) return undefined;
  return {
    grownDefects: grown,
    pendingDefects: pending,
    uncorrectedRead: int(obj(ecl?.read), 'total_uncorrected_errors'),
    uncorrectedWrite: int(obj(ecl?.write), 'total_uncorrected_errors'),
    uncorrectedVerify: int(obj(ecl?.verify), 'total_uncorrected_errors'),
    enduranceUsedPct: endurance,
    ieString: str(obj(obj(json.smart_status)?.scsi)?.ie_string),
  };
}

function temperatureOf(json: Obj, attrs: AtaAttribute[] | undefined): number | undefined {
  // 0 is what smartctl prints when a device (QEMU, some bridges) reports no temperature, not a real reading.
  const current = int(obj(json.temperature), 'current');
  if (current !== undefined && current > 0) return current;
  const nvmeT = int(obj(json.nvme_smart_health_information_log), 'temperature');
  if (nvmeT !== undefined && nvmeT > 0) return nvmeT;
  const a = attrs?.find((x) => x.id === 194) ?? attrs?.find((x) => x.id === 190);
  return a ? temperatureFromRaw(a.raw) : undefined;
}

function lastArg(sc: Obj | undefined): string | undefined {
  const argv = Array.isArray(sc?.argv) ? sc.argv : [];
  const last = argv[argv.length - 1];
  return argv.length > 1 && typeof last === 'string' && !last.startsWith('-') ? last : undefined;
}

function kindOf(protocol: Protocol, rotation: number | undefined): DiskKind {
  if (protocol === 'NVMe') return 'ssd';
  if (rotation === 0) return 'ssd';
  if (rotation !== undefined && rotation > 0) return 'hdd';
  return 'unknown';
}

/** Parse one `smartctl -j` document. Undefined when the input is not smartctl output at all. */
export function parseSmartctl(json: unknown): SmartDisk | undefined {
  if (!looksLikeSmartctl(json) || !isObj(json)) return undefined;
  const sc = obj(json.smartctl);
  const dev = obj(json.device);
  const protocol = protocolOf(json);
  const attrs = protocol === 'ATA' || obj(json.ata_smart_attributes) ? attributes(json) : undefined;
  const version = Array.isArray(sc?.version) ? sc.version.filter((n) => typeof n === 'number').join('.') : undefined;
  const messages = (Array.isArray(sc?.messages) ? sc.messages : [])
    .map(obj)
    .filter((m): m is Obj => !!m)
    .map((m) => ({ severity: str(m.severity) ?? 'information', text: str(m.string) ?? '' }))
    .filter((m) => m.text !== '');
  const support = obj(json.smart_support);
  const status = obj(json.smart_status);
  const rotation = int(json, 'rotation_rate');
  const nvme = nvmeHealth(json);
  const scsi = scsiHealth(json);
  const disk: SmartDisk = {
    protocol,
    kind: kindOf(protocol, rotation),
    // Without a device block (open failed) the path is still the last argument smartctl was given.
    path: str(dev?.name) ?? lastArg(sc),
    type: str(dev?.type),
    model: modelOf(json),
    serial: str(json.serial_number),
    wwn: wwnOf(json),
    firmware: str(json.firmware_version) ?? str(json.revision) ?? str(json.scsi_revision),
    capacityBytes: int(obj(json.user_capacity), 'bytes') ?? int(json, 'nvme_total_capacity'),
    rotationRate: rotation,
    smartctlVersion: version || undefined,
    exitStatus: int(sc, 'exit_status'),
    messages,
    smartSupported: bool(support?.available),
    smartEnabled: bool(support?.enabled),
    smartPassed: bool(status?.passed),
    healthFromAttributeCheck: messages.some((m) => /based on an Attribute check/i.test(m.text)),
    temperatureC: temperatureOf(json, attrs),
    // `power_on_time.hours` is smartctl's decoding of packed 9 raw values (SandForce `1335h+35m+19.580s`).
    powerOnHours: int(obj(json.power_on_time), 'hours') ?? int(obj(json.nvme_smart_health_information_log), 'power_on_hours'),
    percentageUsed: nvme?.percentageUsed ?? scsi?.enduranceUsedPct ?? ataPercentageUsed(json),
  };
  if (attrs) disk.ata = { attributes: attrs, errorLogCount: ataErrorLogCount(json), selfTest: selfTest(json) };
  if (nvme) disk.nvme = nvme;
  if (scsi) disk.scsi = scsi;
  return disk;
}

/** Does the reading carry any health evidence? Without it the verdict is `unknown`, not `ok`. */
export function hasHealthData(disk: SmartDisk): boolean {
  return disk.smartPassed !== undefined || (disk.ata?.attributes.length ?? 0) > 0 || !!disk.nvme || !!disk.scsi;
}
