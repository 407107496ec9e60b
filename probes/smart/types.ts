/**
 * The normalised disk model and the SMART report (DESIGN.md). smartctl's JSON differs per protocol (ATA, NVMe,
 * SCSI) and per version; everything downstream (verdict rules, points, CLI) reads only these shapes, so a new
 * smartctl quirk is fixed in the parser alone.
 */
import type { Point } from '../types.js';

/** `unknown` is its own state (SMART could not be read), not a severity: it never sorts above or below `fail`. */
export const VERDICTS = ['ok', 'info', 'warn', 'fail', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];
/** The severities a rule can raise, in increasing order. */
export type Level = Exclude<Verdict, 'unknown'>;
export const LEVELS: readonly Level[] = ['ok', 'info', 'warn', 'fail'];

export type Protocol = 'ATA' | 'NVMe' | 'SCSI' | 'unknown';

/**
 * Spinning or solid state matters: the Backblaze buckets behind the raw-count limits come from HDD fleets, and
 * SSDs reuse attribute IDs for other meanings. `unknown` (a USB bridge that hides the rotation rate) gets the
 * stricter HDD rules.
 */
export type DiskKind = 'hdd' | 'ssd' | 'unknown';

export interface AtaAttribute {
  id: number;
  name: string;
  /** Normalised value, worst and threshold: absent when the drive database marks them invalid. */
  value?: number;
  worst?: number;
  thresh?: number;
  /** smartctl's own judgement: `now`, `past` or '' (SMT ataprint.cpp). */
  whenFailed: 'now' | 'past' | '';
  prefail: boolean;
  /** The 48-bit raw value as smartctl reports it (may be packed: see raw-values.ts). */
  raw: number;
  rawString: string;
}

export interface SelfTestSummary {
  /** Failed self-tests not superseded by a newer passing extended test (smartctl's own bookkeeping). */
  failedCount: number;
  /** The newest failed entry, for the human reason. */
  latestFailure?: { type: string; status: string; lifetimeHours?: number; lba?: number };
}

export interface NvmeHealth {
  criticalWarning?: number;
  availableSpare?: number;
  availableSpareThreshold?: number;
  percentageUsed?: number;
  mediaErrors?: number;
  errorLogEntries?: number;
  unsafeShutdowns?: number;
}

export interface ScsiHealth {
  grownDefects?: number;
  pendingDefects?: number;
  uncorrectedRead?: number;
  uncorrectedWrite?: number;
  uncorrectedVerify?: number;
  enduranceUsedPct?: number;
  /** Informational Exceptions string when the drive raised one (`smart_status.scsi.ie_string`). */
  ieString?: string;
}

/** One reading of one disk, protocol quirks already resolved. Pure data: safe to keep as the `previous` reading. */
export interface SmartDisk {
  protocol: Protocol;
  kind: DiskKind;
  /** Device path and smartctl `-d` type, needed to read the same disk again (megaraid,N shares one path). */
  path?: string;
  type?: string;
  model?: string;
  serial?: string;
  /** NAA WWN as 16 hex digits (ATA `wwn`, SCSI `logical_unit_id`). */
  wwn?: string;
  firmware?: string;
  capacityBytes?: number;
  rotationRate?: number;
  smartctlVersion?: string;
  /** `smartctl.exit_status` as recorded in the JSON; absent in some hand-collected captures. */
  exitStatus?: number;
  messages: { severity: string; text: string }[];
  smartSupported?: boolean;
  smartEnabled?: boolean;
  /** `smart_status.passed`; absent when the health command was not answered at all. */
  smartPassed?: boolean;
  /** smartctl fell back to an attribute check because SMART RETURN STATUS failed (USB bridges, MegaRAID). */
  healthFromAttributeCheck: boolean;
  temperatureC?: number;
  powerOnHours?: number;
  /** Standard endurance estimate: NVMe `percentage_used`, SAS endurance indicator, ATA device statistics page 7. */
  percentageUsed?: number;
  ata?: { attributes: AtaAttribute[]; errorLogCount?: number; selfTest?: SelfTestSummary };
  nvme?: NvmeHealth;
  scsi?: ScsiHealth;
}

export interface Reason {
  /** `unknown` only on the reason that explains an unreadable disk. */
  level: Verdict;
  /** Stable code for grouping and tests (`ata.reallocated`, `nvme.media_errors`, `exit.bit3`…). */
  code: string;
  text: string;
  /** Exit-status bit this reason accounts for, so the bit is not reported twice. */
  bit?: number;
}

export interface ExitBit {
  bit: number;
  value: number;
  name: string;
  meaning: string;
}

export interface ExitStatus {
  /** null when the capture did not record one (smartctl output saved without its exit status). */
  code: number | null;
  bits: ExitBit[];
}

export interface SmartReport {
  device: {
    protocol: Protocol;
    model?: string;
    serial?: string;
    capacity_bytes?: number;
    /** The `disk` tag: serial, else WWN, else device path (+ `-d` type). */
    key: string;
    path?: string;
    type?: string;
    kind: DiskKind;
    firmware?: string;
    wwn?: string;
  };
  verdict: Verdict;
  reasons: Reason[];
  /** Observations that do not change the verdict (a failed SMART command behind a bridge, decoded packed values). */
  notes: string[];
  points: Point[];
  exit: ExitStatus;
  /** The normalised reading, absent when SMART was unreadable; keep it as `previous` for the next trend check. */
  reading?: SmartDisk;
}
