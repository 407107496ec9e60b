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

/** Counter values up to here are exact as doubles; the few beyond it keep their bigint. */
const EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Remembers the last sample of every counter of one device between polls (owned by the scheduler, handed to
 * the probe through its context) and counts discarded rates for self-health.
 *
 * Kept as one slot per counter in flat arrays rather than a sample object per counter: at 1,000 devices that
 * is ~40k counters, whose objects, bigints and boxed times took ~7 MB of a 1 GB box's heap.
 */
export class CounterState {
  private readonly slots = new Map<string, number>();
  private values = new Float64Array(8);
  private times = new Float64Array(8);
  /** NaN: the sample had no epoch. */
  private epochs = new Float64Array(8);
  /** Slots whose value is beyond 2^53 (a busy Counter64 after months), by slot. */
  private readonly big = new Map<number, bigint>();
  private readonly free: number[] = [];
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
    let slot = this.slots.get(key);
    const prev = slot === undefined ? undefined : this.sample(slot);
    if (slot === undefined) this.slots.set(key, (slot = this.allocate()));
    this.store(slot, cur);
    const out = counterRate(prev, cur, opts);
    if (out.rate === undefined && out.reason === 'over-limit') this.discarded++;
    return out.rate;
  }

  /** Forget counters that no longer exist (a removed port must not leak memory for years). */
  retain(keys: Set<string>): void {
    for (const [k, slot] of this.slots) {
      if (keys.has(k)) continue;
      this.slots.delete(k);
      this.big.delete(slot);
      this.free.push(slot);
    }
  }

  get size(): number {
    return this.slots.size;
  }

  private sample(slot: number): CounterSample {
    const epoch = this.epochs[slot]!;
    return { value: this.big.get(slot) ?? BigInt(this.values[slot]!), time: this.times[slot]!, ...(Number.isNaN(epoch) ? {} : { epoch }) };
  }

  private store(slot: number, s: CounterSample): void {
    if (s.value > EXACT || s.value < 0n) this.big.set(slot, s.value);
    else {
      this.values[slot] = Number(s.value);
      if (this.big.size) this.big.delete(slot);
    }
    this.times[slot] = s.time;
    this.epochs[slot] = s.epoch ?? NaN;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const slot = this.slots.size;
    if (slot >= this.values.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.values = grow(this.values);
      this.times = grow(this.times);
      this.epochs = grow(this.epochs);
    }
    return slot;
  }
}
