/** Display helpers: pure functions, no state. */

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms == null) return 'never';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s / 60}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

export function dateTime(ms: number | null | undefined): string {
  if (ms == null) return '–';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

const UNITS = ['', 'k', 'M', 'G', 'T'];
/** 1234567 → "1.23 M": rates and byte counts in SI steps. */
export function si(v: number, unit = ''): string {
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1000 && i < UNITS.length - 1) {
    x /= 1000;
    i++;
  }
  const n = (v < 0 ? -x : x).toFixed(x >= 100 || i === 0 ? 0 : x >= 10 ? 1 : 2);
  return `${n} ${UNITS[i]}${unit}`.trim();
}

/** Field values by their name's unit suffix (measurements.ts naming: `_pct`, `_ms`, `_bps`, `_s`, `_bytes`…). */
export function fieldValue(field: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v ?? '–');
  if (field.endsWith('_pct')) return `${round(v)} %`;
  if (field.endsWith('_ms')) return `${round(v)} ms`;
  if (field.endsWith('_bps')) return si(v, 'b/s');
  if (field.endsWith('_bytes')) return si(v, 'B');
  if (field === 'uptime_s' || field === 'runtime_s' || field.endsWith('_age_s')) return duration(v);
  if (field.endsWith('_s')) return `${round(v)} s`;
  if (field.endsWith('_c')) return `${round(v)} °C`;
  if (field.endsWith('_v')) return `${round(v)} V`;
  if (field.endsWith('_hz')) return `${round(v)} Hz`;
  if (field.endsWith('_at') || field.endsWith('_date')) return v > 1e11 ? dateTime(v) : dateTime(v * 1000);
  return String(round(v));
}

/** Integers from 100 up, one decimal from 1, two significant digits below (a LAN ping is 0.04 ms, not 0). */
function round(v: number): number {
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v);
  if (a >= 1 || a === 0) return Math.round(v * 10) / 10;
  return Number(v.toPrecision(2));
}

export function classLabel(c: string): string {
  const labels: Record<string, string> = { firewall: 'Firewall', switch: 'Switch', ups: 'UPS', nas: 'NAS', server: 'Server', wireless: 'Wireless', printer: 'Printer', unknown: 'Other' };
  return labels[c] ?? c;
}
