import type { FieldValue } from '../types.js';

/** RTTs of one host for one cycle; `null` marks a lost echo. */
export type RttSeries = Array<number | null>;

/**
 * Parse `fping -C N -q` output (it goes to stderr): `host : 0.12 0.10 - 0.11`. fping pads host names with
 * spaces to align columns, and prints error lines (ICMP unreachable, name lookup failure) in between,
 * which are skipped: a host with no line at all is reported by the caller as not answered.
 */
export function parseFpingC(output: string): Map<string, RttSeries> {
  const out = new Map<string, RttSeries>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+:((?:\s+(?:-|\d+(?:\.\d+)?))+)\s*$/.exec(line);
    if (!m) continue;
    const values = m[2]!.trim().split(/\s+/).map((v) => (v === '-' ? null : Number(v)));
    out.set(m[1]!, values);
  }
  return out;
}

/**
 * The `ping` measurement from a series: loss, min/avg/max, and jitter as the mean absolute difference between
 * consecutive replies (RFC 3550's idea without its smoothing, which needs longer series than 5 pings).
 */
export function pingFields(series: RttSeries, sent = series.length): Record<string, FieldValue> {
  const ok = series.filter((v): v is number => v !== null);
  const fields: Record<string, FieldValue> = {
    sent,
    received: ok.length,
    loss_pct: sent > 0 ? round(((sent - ok.length) / sent) * 100) : 100,
  };
  if (ok.length) {
    fields.rtt_min_ms = round(Math.min(...ok));
    fields.rtt_max_ms = round(Math.max(...ok));
    fields.rtt_avg_ms = round(ok.reduce((a, b) => a + b, 0) / ok.length);
    let diff = 0;
    for (let i = 1; i < ok.length; i++) diff += Math.abs(ok[i]! - ok[i - 1]!);
    fields.jitter_ms = ok.length > 1 ? round(diff / (ok.length - 1)) : 0;
  }
  return fields;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
