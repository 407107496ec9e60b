/**
 * Per-second rates from raw SNMP counters. The rules, in the order they are applied:
 * - First sample of a counter: no rate (nothing to compare with).
 * - The agent rebooted (sysUpTime went backwards) or declared a discontinuity (ifCounterDiscontinuityTime
 *   changed): counters restarted from zero, so the delta means nothing: no rate, new baseline.
 * - A gap longer than `maxGapMs` (missed polls): a Counter32 may have wrapped more than once, so the delta is
 *   ambiguous; no rate, new baseline. A gap never becomes a spike.
 * - Counter32 went down: one wrap (2^32) if that gives a plausible rate, otherwise a reset.
 * - Counter64 went down: a reset (it cannot wrap in a human lifetime).
 * - A rate above `maxRate` (the interface speed) is impossible: discarded and counted, never stored.
 */
export interface CounterSample {
  value: bigint;
  /** ms since epoch */
  time: number;
  /** Anything that changes when the counter's epoch changes (sysUpTime-derived boot time, discontinuity time). */
  epoch?: number;
}

export type RateOutcome =
  | { rate: number }
  | { rate?: undefined; reason: 'first' | 'reboot' | 'gap' | 'reset' | 'over-limit' | 'no-time' };

const TWO_32 = 1n << 32n;

export interface RateOptions {
  bits: 32 | 64;
  maxGapMs: number;
  /** Upper bound for a plausible per-second rate (e.g. interface speed in octets/s). */
  maxRate?: number;
}

export function counterRate(prev: CounterSample | undefined, cur: CounterSample, opts: RateOptions): RateOutcome {
  if (!prev) return { reason: 'first' };
  if (prev.epoch !== undefined && cur.epoch !== undefined && cur.epoch !== prev.epoch) return { reason: 'reboot' };
  const dtMs = cur.time - prev.time;
  if (dtMs <= 0) return { reason: 'no-time' };
  if (dtMs > opts.maxGapMs) return { reason: 'gap' };
  let delta = cur.value - prev.value;
  if (delta < 0n) {
    if (opts.bits === 64) return { reason: 'reset' };
    const wrapped = cur.value + TWO_32 - prev.value;
    const wrappedRate = (Number(wrapped) * 1000) / dtMs;
    // A real wrap happens near the top of the range; a counter that restarted from ~0 is a reset.
    if (prev.value < TWO_32 / 2n || (opts.maxRate !== undefined && wrappedRate > opts.maxRate * 1.05)) return { reason: 'reset' };
    delta = wrapped;
  }
  const rate = (Number(delta) * 1000) / dtMs;
  // 5 % tolerance: agents sample counters and uptime at slightly different instants.
  if (opts.maxRate !== undefined && opts.maxRate > 0 && rate > opts.maxRate * 1.05) return { reason: 'over-limit' };
  return { rate };
}

/**
 * Remembers the last sample of every counter of one device between polls (owned by the scheduler, handed to
 * the probe through its context) and counts discarded rates for self-health.
 */
export class CounterState {
  private readonly last = new Map<string, CounterSample>();
  discarded = 0;
  private uptime: number | undefined;
  /** Increments each time the agent is seen to restart; part of every sample's epoch. */
  generation = 0;

  /**
   * Feed sysUpTime (centiseconds) once per poll. It going backwards means the agent restarted and every counter
   * restarted with it. (It also wraps after 497 days; treating that as a restart costs one missing rate.)
   */
  observeUptime(uptimeCentis: number | undefined): void {
    if (uptimeCentis === undefined) return;
    if (this.uptime !== undefined && uptimeCentis < this.uptime) this.generation++;
    this.uptime = uptimeCentis;
  }

  rate(key: string, cur: CounterSample, opts: RateOptions): number | undefined {
    const out = counterRate(this.last.get(key), cur, opts);
    this.last.set(key, cur);
    if (out.rate === undefined && out.reason === 'over-limit') this.discarded++;
    return out.rate;
  }

  /** Forget counters that no longer exist (a removed port must not leak memory for years). */
  retain(keys: Set<string>): void {
    for (const k of this.last.keys()) if (!keys.has(k)) this.last.delete(k);
  }

  get size(): number {
    return this.last.size;
  }
}

