/**
 * Calendar arithmetic in the site's time zone. Reports are read by people who think in local days and
 * months ("the 3rd was bad"), so day and month boundaries are local midnights, not UTC ones.
 */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    offsetFormatters.set(timezone, f);
  }
  return f;
}

/** Throws a readable error for a zone Intl does not know. */
export function checkTimezone(timezone: string): void {
  try {
    formatter(timezone);
  } catch {
    throw new Error(`unknown time zone ${JSON.stringify(timezone)}`);
  }
}

/** Local wall-clock parts of an instant in `timezone`. */
export function localParts(t: number, timezone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timezone).formatToParts(t)) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** Local time minus UTC at instant t, ms. */
export function offsetAt(t: number, timezone: string): number {
  const p = localParts(t, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

/** The instant of local midnight starting this date (twice refined, so a DST change that day is right). */
export function localMidnight(year: number, month: number, day: number, timezone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let t = wall - offsetAt(wall, timezone);
  t = wall - offsetAt(t, timezone);
  return t;
}

export interface DayRange {
  /** YYYY-MM-DD, local. */
  date: string;
  start: number;
  end: number;
}

export interface MonthRange {
  month: string;
  from: number;
  to: number;
  days: DayRange[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-10` → its local days. Throws a readable message for anything else. */
export function monthRange(month: string, timezone: string): MonthRange {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new Error(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12) throw new Error(`month must be 01..12, got ${m[2]}`);
  checkTimezone(timezone);
  const daysIn = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  const days: DayRange[] = [];
  for (let d = 1; d <= daysIn; d++) {
    const start = localMidnight(year, mon, d, timezone);
    const end = d < daysIn ? localMidnight(year, mon, d + 1, timezone) : localMidnight(mon === 12 ? year + 1 : year, mon === 12 ? 1 : mon + 1, 1, timezone);
    days.push({ date: `${year}-${pad(mon)}-${pad(d)}`, start, end });
  }
  return { month, from: days[0]!.start, to: days[days.length - 1]!.end, days };
}

/** `2026-10-03 14:05` in the site's zone: what the printed report shows. */
export function formatLocal(t: number, timezone: string): string {
  const p = localParts(t, timezone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** `2h 05m`, `35m`, `3d 4h`: durations as a tech reads them. */
export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h}h ${pad(min % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
