import type { DeviceClass } from '../../probes/types.js';
import { parseDuration } from './duration.js';
import { WEEKDAYS, type MaintenanceWindow } from './schema.js';

/**
 * Maintenance windows, resolved once from config into numbers so the engine's per-alert check is arithmetic.
 * Inside a window alerts are still tracked (the dashboard shows them) but nobody is paged.
 */
export type ResolvedWindow = {
  device?: string;
  class?: DeviceClass;
  reason?: string;
} & (
  | { kind: 'once'; start: number; end: number }
  | { kind: 'weekly'; days: number[]; startMin: number; durationMs: number; timezone: string }
);

const WEEK_MS = 7 * 86_400_000;

/** Throws a readable message on a bad date, zone or an end before the start. */
export function resolveWindow(w: MaintenanceWindow, defaultTimezone: string): ResolvedWindow {
  const scope = { device: w.device, class: w.class, reason: w.reason };
  if ('end' in w) {
    const start = Date.parse(w.start);
    const end = Date.parse(w.end);
    if (Number.isNaN(start)) throw new Error(`start: not a date: ${w.start}`);
    if (Number.isNaN(end)) throw new Error(`end: not a date: ${w.end}`);
    if (end <= start) throw new Error(`end: ${w.end} is not after start ${w.start}`);
    return { ...scope, kind: 'once', start, end };
  }
  const timezone = w.timezone ?? defaultTimezone;
  try {
    formatter(timezone);
  } catch {
    throw new Error(`timezone: unknown time zone ${JSON.stringify(timezone)}`);
  }
  const [h, m] = w.start.split(':').map(Number) as [number, number];
  return {
    ...scope,
    kind: 'weekly',
    days: [...new Set(w.days.map((d) => WEEKDAYS.indexOf(d)))],
    startMin: h * 60 + m,
    durationMs: parseDuration(w.duration),
    timezone,
  };
}

export function windowCovers(w: ResolvedWindow, device: string, cls: DeviceClass): boolean {
  return (w.device === undefined || w.device === device) && (w.class === undefined || w.class === cls);
}

export function windowActive(w: ResolvedWindow, now: number): boolean {
  if (w.kind === 'once') return now >= w.start && now < w.end;
  const local = msOfWeek(now, w.timezone);
  for (const d of w.days) {
    const start = (d * 1440 + w.startMin) * 60_000;
    // Modulo over the week makes a Saturday 22:00 + 4 h window cover Sunday 01:00, and Sunday cover the wrap.
    const offset = (((local - start) % WEEK_MS) + WEEK_MS) % WEEK_MS;
    if (offset < w.durationMs) return true;
  }
  return false;
}

/** The first window covering this device at `now`, if any. */
export function activeWindow(windows: readonly ResolvedWindow[], now: number): ResolvedWindow | undefined {
  for (const w of windows) if (windowActive(w, now)) return w;
  return undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are slow to build; one per zone, kept for the process. */
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  return f;
}

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Milliseconds since local Sunday 00:00 in `timezone` (wall-clock, so DST moves windows with the clock). */
function msOfWeek(now: number, timezone: string): number {
  let day = 0;
  let h = 0;
  let m = 0;
  let s = 0;
  for (const p of formatter(timezone).formatToParts(now)) {
    if (p.type === 'weekday') day = SHORT_DAYS.indexOf(p.value);
    else if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') m = Number(p.value);
    else if (p.type === 'second') s = Number(p.value);
  }
  return (((day * 24 + h) * 60 + m) * 60 + s) * 1000 + (((now % 1000) + 1000) % 1000);
}
