/**
 * Verdict rules: a normalised reading (and optionally the previous one) → verdict + human reasons. Pure.
 * FAIL = replace now, WARN = plan a replacement, INFO = worth showing but never an alert, UNKNOWN = SMART could
 * not be read (its own "monitoring is broken" state, never mistaken for healthy).
 */
import { hasBit } from './exit-status.js';
import { hasHealthData } from './parse.js';
import { COUNTER_RULES, limitsFor, readCounter, ruleAttribute, staticLevel } from './rules.js';
import type { ExitStatus, Level, Reason, SmartDisk, Verdict } from './types.js';
import { LEVELS } from './types.js';

/** A reason raised by a rule: always a severity, never `unknown`. */
export type Leveled = Reason & { level: Level };

const rank = (l: Verdict) => LEVELS.indexOf(l as Level);
export const maxLevel = (a: Level, b: Level): Level => (rank(a) >= rank(b) ? a : b);

/**
 * Escalations from the previous reading: counters that grew from a non-zero value. Only rises count: a pending
 * count that drops back to 0 after remapping, or a FAILED status that reads PASSED again, is judged on the current
 * reading alone, so a transient failure never sticks (unlike Scrutiny's sticky "failed", THRESHOLDS §3.1).
 */
export function trend(previous: SmartDisk | undefined, current: SmartDisk): Leveled[] {
  if (!previous || !sameDisk(previous, current)) return [];
  const out: Leveled[] = [];
  for (const rule of COUNTER_RULES) {
    const limits = limitsFor(rule, current);
    if (!limits?.rising) continue;
    const before = readCounter(rule, previous);
    const now = readCounter(rule, current);
    if (before === undefined || now === undefined || before <= 0 || now <= before) continue;
    out.push({
      level: limits.rising,
      code: `trend.${rule.key}`,
      text: `${rule.describe(now)}: rose from ${before} since the previous reading`,
      bit: rule.bit,
    });
  }
  return out;
}

/** Comparing two different drives (a swapped disk in the same slot) would invent a trend. */
function sameDisk(a: SmartDisk, b: SmartDisk): boolean {
  if (a.serial && b.serial) return a.serial === b.serial && a.model === b.model;
  if (a.wwn && b.wwn) return a.wwn === b.wwn;
  return a.path === b.path && a.type === b.type && a.model === b.model;
}

function counterReasons(disk: SmartDisk): Leveled[] {
  const out: Leveled[] = [];
  for (const rule of COUNTER_RULES) {
    const limits = limitsFor(rule, disk);
    const n = readCounter(rule, disk);
    if (!limits || n === undefined) continue;
    const level = staticLevel(limits, n);
    if (level === 'ok') continue;
    let text = rule.describe(n);
    if (rule.key === 'self_test_failures' && disk.ata?.selfTest?.latestFailure) {
      const f = disk.ata.selfTest.latestFailure;
      text += `; latest: ${f.type} — ${f.status}${f.lba !== undefined ? ` at LBA ${f.lba}` : ''}`;
    }
    const attr = ruleAttribute(rule, disk);
    if (attr && attr.rawString !== String(n)) text += ` [raw ${attr.rawString}]`;
    out.push({ level, code: `counter.${rule.key}`, text, bit: rule.bit });
  }
  return out;
}

/**
 * Normalised value vs the vendor threshold (SMT atacmds.cpp): failing now on a pre-fail attribute is the drive
 * predicting its own failure; on a usage (old-age) attribute it means worn out. A threshold of 0 means "always
 * passing", so smartctl never flags it and neither do we.
 */
function attributeReasons(disk: SmartDisk): Leveled[] {
  const out: Leveled[] = [];
  for (const a of disk.ata?.attributes ?? []) {
    const computedNow = a.thresh !== undefined && a.thresh > 0 && a.value !== undefined && a.value <= a.thresh;
    const computedPast = a.thresh !== undefined && a.thresh > 0 && a.worst !== undefined && a.worst <= a.thresh;
    const state = a.whenFailed || (computedNow ? 'now' : computedPast ? 'past' : '');
    if (!state) continue;
    const kind = a.prefail ? 'pre-fail' : 'usage';
    const values = `value ${a.value ?? '?'}, worst ${a.worst ?? '?'}, threshold ${a.thresh ?? '?'}`;
    if (state === 'now') {
      out.push({
        level: a.prefail ? 'fail' : 'warn',
        code: `attr.${a.id}.now`,
        text: `${a.id} ${a.name}: ${kind} attribute at or below its threshold now (${values})${a.prefail ? '' : ' — worn out'}`,
        bit: a.prefail ? 4 : 5,
      });
    } else {
      out.push({
        level: a.prefail ? 'warn' : 'info',
        code: `attr.${a.id}.past`,
        text: `${a.id} ${a.name}: ${kind} attribute was at or below its threshold in the past (${values})`,
        bit: 5,
      });
    }
  }
  return out;
}

/** NVMe critical_warning bits (SMT nvmeprint.cpp; NVMe spec): controller-raised, current state, not sticky. */
const NVME_WARNINGS: readonly { mask: number; level: Level; text: string }[] = [
  { mask: 0x01, level: 'fail', text: 'available spare has fallen below its threshold' },
  { mask: 0x02, level: 'warn', text: 'temperature is outside its threshold' },
  { mask: 0x04, level: 'fail', text: 'NVM subsystem reliability is degraded' },
  { mask: 0x08, level: 'fail', text: 'media has been placed in read-only mode' },
  { mask: 0x10, level: 'warn', text: 'volatile memory backup device has failed (power-loss protection)' },
  { mask: 0x20, level: 'warn', text: 'persistent memory region is read-only or unreliable' },
];

function nvmeReasons(disk: SmartDisk): Leveled[] {
  const n = disk.nvme;
  if (!n) return [];
  const out: Leveled[] = [];
  const cw = n.criticalWarning;
  if (cw !== undefined && cw !== 0) {
    for (const w of NVME_WARNINGS) {
      if (cw & w.mask) out.push({ level: w.level, code: `nvme.critical_warning.${w.mask}`, text: `critical warning: ${w.text}`, bit: 3 });
    }
    const other = cw & ~0x3f;
    if (other) out.push({ level: 'warn', code: 'nvme.critical_warning.other', text: `critical warning: unknown bit(s) 0x${other.toString(16)}`, bit: 3 });
  }
  // A threshold of 0 means the drive's own spare check can never trigger (THRESHOLDS §4): no comparison is made,
  // since drives that do not implement spare tracking report 0/0 and would otherwise look exhausted.
  const spare = n.availableSpare;
  const thr = n.availableSpareThreshold;
  if (spare !== undefined && thr !== undefined && thr > 0 && spare < thr && !(cw !== undefined && cw & 0x01)) {
    out.push({ level: 'fail', code: 'nvme.available_spare', text: `available spare ${spare} % is below the drive's threshold of ${thr} %` });
  }
  return out;
}

/** Endurance used (NVMe, SAS, ATA device statistics): it can pass 100 and the drive may go on working (THRESHOLDS §4). */
function enduranceReasons(disk: SmartDisk): Leveled[] {
  const p = disk.percentageUsed;
  if (p === undefined) return [];
  if (p >= 100) return [{ level: 'warn', code: 'endurance', text: `${p} % of rated endurance used: past the vendor's rating, plan a replacement` }];
  if (p >= 90) return [{ level: 'info', code: 'endurance', text: `${p} % of rated endurance used` }];
  return [];
}

function statusReasons(disk: SmartDisk): Leveled[] {
  if (disk.smartPassed !== false) return [];
  if (disk.protocol === 'NVMe' && disk.nvme?.criticalWarning !== undefined) return []; // decoded bit by bit instead
  const ie = disk.scsi?.ieString ? `: ${disk.scsi.ieString}` : '';
  return [{ level: 'fail', code: 'smart_status', text: `SMART overall health FAILED — the drive predicts its own failure${ie}`, bit: 3 }];
}

/** What a set exit bit means when no rule above explains it (data missing from the JSON, older smartctl). */
const EXIT_FALLBACK: readonly { bit: number; level: Level; text: string }[] = [
  { bit: 3, level: 'fail', text: 'smartctl reports DISK FAILING (exit bit 3)' },
  { bit: 4, level: 'fail', text: 'smartctl reports pre-fail attribute(s) at or below threshold now (exit bit 4)' },
  { bit: 5, level: 'info', text: 'smartctl reports attribute(s) at or below threshold in the past (exit bit 5)' },
  { bit: 6, level: 'info', text: 'the device error log contains errors (exit bit 6)' },
  { bit: 7, level: 'warn', text: 'the self-test log contains errors (exit bit 7)' },
];

export interface Judgement {
  verdict: Verdict;
  reasons: Reason[];
}

/** Why a reading without health data is unknown, in words a tech can act on. */
export function unreadableReason(disk: SmartDisk | undefined, exit: ExitStatus): string {
  if (disk?.smartSupported === false) return 'the device does not support SMART';
  if (disk?.smartEnabled === false) return 'SMART is disabled on the device (enable it with smartctl -s on)';
  const err = disk?.messages.find((m) => m.severity === 'error');
  const bits = exit.bits.map((b) => b.meaning).join('; ');
  const status = exit.code !== null ? ` (exit ${exit.code}${bits ? `: ${bits}` : ''})` : '';
  return `no SMART data${status}${err ? ` — ${err.text}` : ''}`;
}

/** The verdict for one reading; `previous` (the last readable reading of the same disk) enables trend escalation. */
export function judge(disk: SmartDisk | undefined, exit: ExitStatus, previous?: SmartDisk): Judgement {
  if (!disk || !hasHealthData(disk)) {
    return { verdict: 'unknown', reasons: [{ level: 'unknown', code: 'unreadable', text: unreadableReason(disk, exit) }] };
  }
  const reasons: Leveled[] = [
    ...statusReasons(disk),
    ...attributeReasons(disk),
    ...nvmeReasons(disk),
    ...counterReasons(disk),
    ...enduranceReasons(disk),
  ];
  // A rise replaces the static reason for the same counter when it is more severe, so each counter speaks once.
  for (const t of trend(previous, disk)) {
    const key = t.code.replace(/^trend\./, 'counter.');
    const i = reasons.findIndex((r) => r.code === key);
    if (i < 0) reasons.push(t);
    else if (rank(t.level) > rank(reasons[i]!.level)) reasons[i] = t;
  }
  for (const f of EXIT_FALLBACK) {
    if (hasBit(exit, f.bit) && !reasons.some((r) => r.bit === f.bit)) reasons.push({ level: f.level, code: `exit.bit${f.bit}`, text: f.text, bit: f.bit });
  }
  const worst = reasons.reduce<Level>((acc, r) => maxLevel(acc, r.level), 'ok');
  reasons.sort((a, b) => rank(b.level) - rank(a.level));
  if (reasons.length === 0) reasons.push({ level: 'ok', code: 'healthy', text: healthySummary(disk) });
  return { verdict: worst, reasons };
}

function healthySummary(disk: SmartDisk): string {
  const parts: string[] = [];
  if (disk.smartPassed === true) parts.push(disk.healthFromAttributeCheck ? 'SMART health passed (attribute check)' : 'SMART health passed');
  if (disk.protocol === 'ATA') parts.push('no reallocated, pending or uncorrectable sectors');
  if (disk.protocol === 'NVMe') parts.push('no critical warnings or media errors');
  if (disk.protocol === 'SCSI') parts.push('no grown defects or uncorrected errors');
  return parts.join('; ') || 'no problems found';
}
