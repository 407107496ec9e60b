/**
 * The counter rules, as data (README.md "Verdict rules" explains each source). A counter is a lifetime count the
 * drive keeps (reallocated sectors, media errors…); each rule says at which count it becomes info, warn or fail,
 * and how bad it is when the count grew since the previous reading.
 *
 * Why these limits (test/fixtures/smart/THRESHOLDS.md):
 * - fail where Backblaze's fleet buckets (as tabulated by Scrutiny) put the annual failure rate at ≥ 10 %, the line
 *   Scrutiny uses for critical attributes (§3.2): 5 above 16, 197 from 2, 198 and 187 from 1. Those buckets come
 *   from HDD fleets, so SSDs get warn for the same counts, never fail from a raw count alone.
 * - warn for any non-zero count of the five Backblaze stats (§2: "raw > 0 is a reason to investigate") and for what
 *   smartd alerts on by default (§1.4: -C 197, -U 198, -R 5!).
 * - info for counters that mostly mean cables or benign logging: 188 timeouts, 199 CRC (Scrutiny false positives
 *   #187, #247, #260), NVMe error-log entries (Scrutiny relaxed them in v0.4.7); they escalate only when rising.
 * - rising: a counter that grew from a non-zero previous value is degradation in progress (Backblaze's
 *   "continuous degradation", Scrutiny #148/#195); from zero, the static level already reports the new condition.
 */
import { commandTimeoutCount } from './raw-values.js';
import type { AtaAttribute, Level, Protocol, SmartDisk } from './types.js';

export type CounterKey =
  | 'reallocated'
  | 'realloc_events'
  | 'pending'
  | 'offline_uncorrectable'
  | 'reported_uncorrect'
  | 'command_timeout'
  | 'crc_errors'
  | 'spin_retry'
  | 'ata_error_log'
  | 'self_test_failures'
  | 'media_errors'
  | 'nvme_error_log'
  | 'grown_defects'
  | 'scsi_pending'
  | 'scsi_uncorrected';

/** Level reached at `count >= limit`; `rising` applies when the count grew from a non-zero previous reading. */
export interface Limits {
  info?: number;
  warn?: number;
  fail?: number;
  rising?: Level;
}

export interface CounterRule {
  key: CounterKey;
  protocol: Protocol;
  /**
   * The ATA attribute, and the names drives use for this meaning. Vendors reuse IDs on SSDs (197 `Not_In_Use` on a
   * Kingston KC400, THRESHOLDS §6): an attribute under another name is not this counter and is left to its
   * normalised value and threshold.
   */
  ata?: { id: number; names: RegExp; decode?: (a: AtaAttribute) => number };
  read?: (d: SmartDisk) => number | undefined;
  /** Human text for the count, e.g. `387 reallocated sectors`. */
  describe: (n: number) => string;
  hdd: Limits;
  /** Absent: the rule does not apply to SSDs (spin retries). */
  ssd?: Limits;
  /** Exit-status bit this counter explains (6: error log). */
  bit?: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const COUNTER_RULES: readonly CounterRule[] = [
  {
    key: 'reallocated',
    protocol: 'ATA',
    ata: { id: 5, names: /Realloc|Retired_Block/i },
    describe: (n) => `${plural(n, 'reallocated sector')} (attribute 5)`,
    hdd: { warn: 1, fail: 17, rising: 'fail' },
    ssd: { warn: 1, rising: 'warn' },
  },
  {
    key: 'realloc_events',
    protocol: 'ATA',
    ata: { id: 196, names: /Realloc.*Event/i },
    describe: (n) => `${plural(n, 'reallocation event')} (attribute 196)`,
    hdd: { warn: 1, rising: 'warn' },
    ssd: { warn: 1, rising: 'warn' },
  },
  {
    key: 'pending',
    protocol: 'ATA',
    ata: { id: 197, names: /Pending/i },
    describe: (n) => `${plural(n, 'pending (unreadable) sector')} (attribute 197)`,
    hdd: { warn: 1, fail: 2, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
  },
  {
    key: 'offline_uncorrectable',
    protocol: 'ATA',
    ata: { id: 198, names: /Uncorrect|Offline_Uncor/i },
    describe: (n) => `${plural(n, 'offline uncorrectable sector')} (attribute 198)`,
    hdd: { fail: 1, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
  },
  {
    key: 'reported_uncorrect',
    protocol: 'ATA',
    ata: { id: 187, names: /Uncorrect/i },
    describe: (n) => `${plural(n, 'uncorrectable error')} reported to the host (attribute 187)`,
    hdd: { fail: 1, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
  },
  {
    key: 'command_timeout',
    protocol: 'ATA',
    ata: { id: 188, names: /Command_Timeout/i, decode: (a) => commandTimeoutCount(a.raw, a.rawString) },
    describe: (n) => `${plural(n, 'command timeout')} (attribute 188; often cabling or power)`,
    hdd: { info: 1, rising: 'warn' },
    ssd: { info: 1, rising: 'warn' },
  },
  {
    key: 'crc_errors',
    protocol: 'ATA',
    ata: { id: 199, names: /CRC/i },
    describe: (n) => `${plural(n, 'interface CRC error')} (attribute 199; cable or backplane, not the media)`,
    hdd: { info: 1, rising: 'warn' },
    ssd: { info: 1, rising: 'warn' },
  },
  {
    key: 'spin_retry',
    protocol: 'ATA',
    ata: { id: 10, names: /Spin_Retry/i },
    describe: (n) => `${plural(n, 'spin-up retry', 'spin-up retries')} (attribute 10)`,
    hdd: { warn: 1, rising: 'fail' },
  },
  {
    key: 'ata_error_log',
    protocol: 'ATA',
    read: (d) => d.ata?.errorLogCount,
    describe: (n) => `device error log holds ${plural(n, 'entry', 'entries')}`,
    hdd: { info: 1, rising: 'warn' },
    ssd: { info: 1, rising: 'warn' },
    bit: 6,
  },
  {
    key: 'self_test_failures',
    protocol: 'ATA',
    read: (d) => d.ata?.selfTest?.failedCount,
    describe: (n) => `self-test log: ${plural(n, 'failed self-test')} not superseded by a later passing one`,
    hdd: { warn: 1, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
    bit: 7,
  },
  {
    key: 'media_errors',
    protocol: 'NVMe',
    read: (d) => d.nvme?.mediaErrors,
    describe: (n) => `${plural(n, 'media error')} (unrecovered data-integrity errors)`,
    hdd: { warn: 1, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
  },
  {
    key: 'nvme_error_log',
    protocol: 'NVMe',
    read: (d) => d.nvme?.errorLogEntries,
    describe: (n) => `${plural(n, 'error-log entry', 'error-log entries')} (benign on their own; media errors are what count)`,
    hdd: { info: 1, rising: 'info' },
    ssd: { info: 1, rising: 'info' },
    bit: 6,
  },
  {
    key: 'grown_defects',
    protocol: 'SCSI',
    read: (d) => d.scsi?.grownDefects,
    describe: (n) => `${plural(n, 'grown defect')} (sectors reallocated in the field)`,
    hdd: { warn: 1, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
  },
  {
    key: 'scsi_pending',
    protocol: 'SCSI',
    read: (d) => d.scsi?.pendingDefects,
    describe: (n) => `${plural(n, 'pending defect')}`,
    hdd: { warn: 1, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
  },
  {
    key: 'scsi_uncorrected',
    protocol: 'SCSI',
    read: (d) => {
      const s = d.scsi;
      const parts = [s?.uncorrectedRead, s?.uncorrectedWrite, s?.uncorrectedVerify].filter((n): n is number => n !== undefined);
      return parts.length ? parts.reduce((a, b) => a + b, 0) : undefined;
    },
    describe: (n) => `${plural(n, 'uncorrected read/write/verify error')} (data could not be recovered)`,
    hdd: { warn: 1, rising: 'fail' },
    ssd: { warn: 1, rising: 'fail' },
  },
];

/** The attribute that carries this rule's meaning, if the drive uses the ID for it. */
export function ruleAttribute(rule: CounterRule, disk: SmartDisk): AtaAttribute | undefined {
  if (!rule.ata) return undefined;
  const { id, names } = rule.ata;
  return disk.ata?.attributes.find((a) => a.id === id && names.test(a.name));
}

export function readCounter(rule: CounterRule, disk: SmartDisk): number | undefined {
  if (rule.protocol !== disk.protocol) return undefined;
  if (rule.read) return rule.read(disk);
  const a = ruleAttribute(rule, disk);
  if (!a) return undefined;
  return rule.ata?.decode ? rule.ata.decode(a) : a.raw;
}

export function limitsFor(rule: CounterRule, disk: SmartDisk): Limits | undefined {
  return disk.kind === 'ssd' ? rule.ssd : rule.hdd;
}

/** The level a count reaches on its own, before any trend. */
export function staticLevel(limits: Limits, n: number): Level {
  if (limits.fail !== undefined && n >= limits.fail) return 'fail';
  if (limits.warn !== undefined && n >= limits.warn) return 'warn';
  if (limits.info !== undefined && n >= limits.info) return 'info';
  return 'ok';
}

export function counter(disk: SmartDisk, key: CounterKey): number | undefined {
  const rule = COUNTER_RULES.find((r) => r.key === key);
  return rule ? readCounter(rule, disk) : undefined;
}
