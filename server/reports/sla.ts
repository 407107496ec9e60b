import type { DeviceClass } from '../../probes/types.js';
import { windowActive, windowCovers, type ResolvedWindow } from '../alerts/maintenance.js';
import type { DayRange } from './time.js';
import type { ClassSla, DeviceSla, DowntimeCause, Incident, SlaResult, SlaTotals } from './schema.js';

/**
 * Availability / SLA arithmetic, pure: arrays of samples in, figures out, no database and no clock, so every
 * percentage in a report can be checked by hand against a constructed series (test/server/reports).
 *
 * Time is cut into fixed slices (5 minutes for the monthly report: the embedded store's roll-up grain). A
 * device is up in a slice if any probe said up in it, down if probes answered and none said up, and unknown
 * if nothing was recorded: unknown is reported on its own and never counted as up.
 */

/** One availability observation of one probe (`availability.up`). Stale points carry no news and are skipped. */
export interface AvailabilitySample {
  t: number;
  up: boolean;
  stale?: boolean;
}

export const UNKNOWN = 0;
export const UP = 1;
export const DOWN = 2;
export type SliceState = typeof UNKNOWN | typeof UP | typeof DOWN;

/** Bucket samples into slices of [from, to): any `up` wins the slice; samples outside the range are ignored. */
export function sliceStates(samples: readonly AvailabilitySample[], from: number, to: number, sliceMs: number): Uint8Array {
  if (!(sliceMs > 0)) throw new Error(`slice must be a positive duration, got ${sliceMs}`);
  if (!(to > from)) throw new Error('range end must be after its start');
  const n = Math.ceil((to - from) / sliceMs);
  const out = new Uint8Array(n);
  for (const s of samples) {
    if (s.stale || s.t < from || s.t >= to) continue;
    const i = Math.floor((s.t - from) / sliceMs);
    if (s.up) out[i] = UP;
    else if (out[i] !== UP) out[i] = DOWN;
  }
  return out;
}

export interface SlaDeviceInput {
  name: string;
  class: DeviceClass;
  parent?: string;
  samples: readonly AvailabilitySample[];
}

export interface SlaInput {
  from: number;
  to: number;
  sliceMs: number;
  devices: readonly SlaDeviceInput[];
  maintenance: readonly ResolvedWindow[];
  /** Local days to break the figures down by (from monthRange); may be empty. */
  days: readonly DayRange[];
}

export type { SlaTotals, Incident, DeviceSla, ClassSla, SlaResult, DowntimeCause };

interface Acc {
  up: number;
  unreach: number;
  parent: number;
  maint: number;
  unknown: number;
}

const emptyAcc = (): Acc => ({ up: 0, unreach: 0, parent: 0, maint: 0, unknown: 0 });

function addAcc(into: Acc, a: Acc): void {
  into.up += a.up;
  into.unreach += a.unreach;
  into.parent += a.parent;
  into.maint += a.maint;
  into.unknown += a.unknown;
}

function pct(num: number, den: number): number | null {
  return den > 0 ? (num / den) * 100 : null;
}

export function totalsOf(a: Acc): SlaTotals {
  const down = a.unreach + a.parent;
  const total = a.up + down + a.maint + a.unknown;
  return {
    totalMs: total,
    upMs: a.up,
    downMs: down,
    downUnreachableMs: a.unreach,
    downParentMs: a.parent,
    maintenanceMs: a.maint,
    unknownMs: a.unknown,
    uptimePct: pct(a.up, a.up + down),
    coveragePct: pct(a.up + down, total - a.maint),
  };
}

/** Per slice: what happened to the device, after attributing downtime. */
type Verdict = { kind: 'up' | 'unknown' } | { kind: 'down'; cause: DowntimeCause; attributedTo?: string; maintenance: boolean };

export function computeSla(input: SlaInput): SlaResult {
  const { from, to, sliceMs } = input;
  const n = Math.ceil((to - from) / sliceMs);
  const byName = new Map(input.devices.map((d) => [d.name, d]));
  const states = new Map(input.devices.map((d) => [d.name, sliceStates(d.samples, from, to, sliceMs)]));

  // Maintenance per device per slice, decided at the slice's start (windows are minute-aligned, slices too).
  const maint = new Map<string, Uint8Array>();
  for (const d of input.devices) {
    const windows = input.maintenance.filter((w) => windowCovers(w, d.name, d.class));
    const m = new Uint8Array(n);
    if (windows.length) for (let i = 0; i < n; i++) m[i] = windows.some((w) => windowActive(w, from + i * sliceMs)) ? 1 : 0;
    maint.set(d.name, m);
  }

  const verdict = (d: SlaDeviceInput, i: number): Verdict => {
    const s = states.get(d.name)![i]!;
    const inMaint = maint.get(d.name)![i] === 1;
    if (s === UP) return { kind: 'up' };
    if (s === UNKNOWN) return inMaint ? { kind: 'down', cause: 'maintenance', attributedTo: d.name, maintenance: true } : { kind: 'unknown' };
    if (inMaint) return { kind: 'down', cause: 'maintenance', attributedTo: d.name, maintenance: true };
    // Walk up while ancestors are down: the top-most down one is what the tech must fix.
    let top: string | undefined;
    let maintAncestor: string | undefined;
    const seen = new Set([d.name]);
    for (let p = d.parent; p !== undefined && !seen.has(p); p = byName.get(p)?.parent) {
      seen.add(p);
      if (!byName.has(p) || states.get(p)![i] !== DOWN) break;
      top = p;
      if (maint.get(p)![i] === 1) maintAncestor ??= p;
    }
    // A parent's planned work (a firewall upgrade) takes its children down as planned: excluded like theirs.
    if (maintAncestor) return { kind: 'down', cause: 'maintenance', attributedTo: maintAncestor, maintenance: true };
    if (top) return { kind: 'down', cause: 'parent-down', attributedTo: top, maintenance: false };
    return { kind: 'down', cause: 'unreachable', maintenance: false };
  };

  const devices: DeviceSla[] = [];
  for (const d of input.devices) {
    const dayAcc = input.days.map(() => emptyAcc());
    const acc = emptyAcc();
    const incidents: Incident[] = [];
    let open: Incident | undefined;
    let day = 0;
    for (let i = 0; i < n; i++) {
      const start = from + i * sliceMs;
      const len = Math.min(sliceMs, to - start);
      while (day < input.days.length && start >= input.days[day]!.end) day++;
      const v = verdict(d, i);
      const slot = emptyAcc();
      const inMaint = maint.get(d.name)![i] === 1 || (v.kind === 'down' && v.maintenance);
      if (inMaint) slot.maint = len;
      else if (v.kind === 'up') slot.up = len;
      else if (v.kind === 'unknown') slot.unknown = len;
      else if (v.kind === 'down' && v.cause === 'parent-down') slot.parent = len;
      else slot.unreach = len;
      addAcc(acc, slot);
      if (day < input.days.length && start >= input.days[day]!.start) addAcc(dayAcc[day]!, slot);

      if (v.kind === 'down') {
        if (open && open.end === start && open.cause === v.cause && open.attributedTo === v.attributedTo) {
          open.end = start + len;
          open.durationMs += len;
        } else {
          open = { device: d.name, start, end: start + len, durationMs: len, cause: v.cause, excluded: v.maintenance, ...(v.attributedTo ? { attributedTo: v.attributedTo } : {}) };
          incidents.push(open);
        }
      } else open = undefined;
    }
    devices.push({
      name: d.name,
      class: d.class,
      ...(d.parent ? { parent: d.parent } : {}),
      totals: totalsOf(acc),
      days: input.days.map((r, k) => ({ date: r.date, start: r.start, end: r.end, totals: totalsOf(dayAcc[k]!) })),
      incidents,
    });
  }

  const classAcc = new Map<DeviceClass, { acc: Acc; devices: number }>();
  const siteAcc = emptyAcc();
  for (const d of devices) {
    const a = accOf(d.totals);
    const c = classAcc.get(d.class) ?? { acc: emptyAcc(), devices: 0 };
    addAcc(c.acc, a);
    c.devices++;
    classAcc.set(d.class, c);
    addAcc(siteAcc, a);
  }
  const classes = [...classAcc.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cls, c]) => ({ class: cls, devices: c.devices, totals: totalsOf(c.acc) }));
  return { from, to, sliceMs, devices, classes, site: totalsOf(siteAcc) };
}

function accOf(t: SlaTotals): Acc {
  return { up: t.upMs, unreach: t.downUnreachableMs, parent: t.downParentMs, maint: t.maintenanceMs, unknown: t.unknownMs };
}
