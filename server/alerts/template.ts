import type { FieldValue } from '../../probes/types.js';
import { humanDuration } from './duration.js';

/**
 * Summary templates: `{name}` or `{name|filter}`. Names are the point's tags and fields plus `device`,
 * `instance`, `value`. A missing value renders as `?`: a summary with a hole beats no alert.
 */
const FILTERS: Record<string, (v: FieldValue) => string> = {
  round: (v) => (typeof v === 'number' ? String(Math.round(v)) : String(v)),
  abs: (v) => (typeof v === 'number' ? formatNumber(Math.abs(v)) : String(v)),
  /** Seconds to whole minutes: "14 min runtime". */
  min: (v) => (typeof v === 'number' ? String(Math.round(v / 60)) : String(v)),
  /** Milliseconds to a human duration. */
  duration: (v) => (typeof v === 'number' ? humanDuration(v) : String(v)),
  bytes: (v) => (typeof v === 'number' ? formatBytes(v) : String(v)),
};

export function renderTemplate(template: string, vars: Readonly<Record<string, FieldValue | undefined>>): string {
  return template.replace(/\{([A-Za-z0-9_]+)(?:\|([a-z]+))?\}/g, (_all, name: string, filter: string | undefined) => {
    const v = vars[name];
    if (v === undefined) return '?';
    const f = filter ? FILTERS[filter] : undefined;
    if (f) return f(v);
    return typeof v === 'number' ? formatNumber(v) : String(v);
  });
}

/** At most one decimal, none for whole numbers: "62", "3.5". */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 10) / 10);
}

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${formatNumber(v)} ${units[i]}`;
}
