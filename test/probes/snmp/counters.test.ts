import t from 'tap';
import { counterRate, CounterState } from '../../../probes/snmp/counters.js';

const MAX32 = 2n ** 32n;
const base = { bits: 32 as const, maxGapMs: 150_000 };

t.test('counterRate() computes a per-second rate between two samples', async (t) => {
  t.same(counterRate({ value: 1000n, time: 0 }, { value: 7000n, time: 60_000 }, base), { rate: 100 });
});

t.test('counterRate() gives no rate for the first sample', async (t) => {
  t.same(counterRate(undefined, { value: 5n, time: 0 }, base), { reason: 'first' });
});

t.test('a Counter32 that wraps near 2^32 yields the true delta, not a negative spike', async (t) => {
  const out = counterRate({ value: MAX32 - 600n, time: 0 }, { value: 5400n, time: 60_000 }, base);
  t.same(out, { rate: 100 });
});

t.test('a Counter32 that drops from a low value is a reset, not a wrap', async (t) => {
  t.same(counterRate({ value: 50_000n, time: 0 }, { value: 10n, time: 60_000 }, base), { reason: 'reset' });
});

t.test('a wrap that would exceed the interface speed is treated as a reset', async (t) => {
  const out = counterRate({ value: MAX32 - 10n, time: 0 }, { value: 3_000_000_000n, time: 60_000 }, { ...base, maxRate: 1_250_000 });
  t.same(out, { reason: 'reset' });
});

t.test('a Counter64 going backwards is a reset (it cannot wrap in practice)', async (t) => {
  t.same(counterRate({ value: 10n ** 12n, time: 0 }, { value: 5n, time: 60_000 }, { ...base, bits: 64 }), { reason: 'reset' });
});

t.test('Counter64 values beyond 2^53 keep exact deltas', async (t) => {
  const big = 2n ** 60n;
  t.same(counterRate({ value: big, time: 0 }, { value: big + 6000n, time: 60_000 }, { ...base, bits: 64 }), { rate: 100 });
});

t.test('a polling gap longer than maxGapMs gives no rate (never a spike)', async (t) => {
  t.same(counterRate({ value: 0n, time: 0 }, { value: 10n ** 9n, time: 600_000 }, base), { reason: 'gap' });
});

t.test('a reboot (epoch changed) gives no rate even when the counter rose', async (t) => {
  t.same(counterRate({ value: 100n, time: 0, epoch: 1 }, { value: 900n, time: 60_000, epoch: 2 }, base), { reason: 'reboot' });
});

t.test('a rate above the interface speed is discarded and counted', async (t) => {
  const s = new CounterState();
  s.rate('k', { value: 0n, time: 0 }, { ...base, maxRate: 100 });
  t.equal(s.rate('k', { value: 1_000_000n, time: 60_000 }, { ...base, maxRate: 100 }), undefined);
  t.equal(s.discarded, 1);
});

t.test('CounterState over a sequence that wraps, resets and skips never yields a negative or spiking rate', async (t) => {
  const s = new CounterState();
  const opts = { bits: 32 as const, maxGapMs: 150_000, maxRate: 12_500_000 };
  // 100 Mb/s link at ~50 %: 6.25 MB/s; then a wrap, a reboot, a gap, and recovery.
  const seq: Array<[bigint, number, number | undefined]> = [
    [MAX32 - 500_000_000n, 0, undefined],
    [MAX32 - 125_000_000n, 60_000, 6_250_000],
    [250_000_000n, 120_000, 6_250_000], // wrapped
    [10_000n, 180_000, undefined], // counter reset (agent restarted)
    [375_010_000n, 240_000, 6_250_000],
    [1_000_000_000n, 900_000, undefined], // 11-minute gap
    [1_375_000_000n, 960_000, 6_250_000],
  ];
  for (const [value, time, want] of seq) {
    const r = s.rate('if1', { value, time }, opts);
    t.equal(r, want, `t=${time / 1000}s`);
    if (r !== undefined) t.ok(r >= 0);
  }
});

t.test('observeUptime() bumps the generation when sysUpTime goes backwards', async (t) => {
  const s = new CounterState();
  s.observeUptime(1000);
  s.observeUptime(7000);
  t.equal(s.generation, 0);
  s.observeUptime(300);
  t.equal(s.generation, 1);
});

t.test('retain() forgets counters that disappeared', async (t) => {
  const s = new CounterState();
  s.rate('a', { value: 1n, time: 0 }, base);
  s.rate('b', { value: 1n, time: 0 }, base);
  s.retain(new Set(['a']));
  t.equal(s.size, 1);
});

t.test('a counter freed by retain() is not mixed up with the one that takes its slot', async (t) => {
  const s = new CounterState();
  const many = Array.from({ length: 20 }, (_, i) => `if${i}`);
  for (const k of many) s.rate(k, { value: 1_000n, time: 0 }, base);
  s.retain(new Set(many.slice(10)));
  t.equal(s.size, 10);
  // New counters reuse the freed slots: their first sample gives no rate, whatever the slot held.
  for (let i = 0; i < 12; i++) t.equal(s.rate(`new${i}`, { value: 5_000_000n, time: 60_000 }, base), undefined, `new${i}: first sample`);
  for (const k of many.slice(10)) t.equal(s.rate(k, { value: 61_000n, time: 60_000 }, base), 1_000, `${k} kept its baseline`);
  for (let i = 0; i < 12; i++) t.equal(s.rate(`new${i}`, { value: 5_060_000n, time: 120_000 }, base), 1_000, `new${i}: own baseline`);
  t.equal(s.size, 22);
});

t.test('Counter64 values beyond 2^53 keep their exact delta, and samples without an epoch stay without one', async (t) => {
  const s = new CounterState();
  const opts = { bits: 64 as const, maxGapMs: 150_000 };
  const huge = (1n << 60n) + 7n;
  s.rate('big', { value: huge, time: 0 }, opts);
  // 60 octets in 60 s: a double would round 2^60 + 67 to 2^60 and see no change at all.
  t.equal(s.rate('big', { value: huge + 60n, time: 60_000 }, opts), 1);
  // Back under 2^53 (the agent reset the counter): a reset, then plain doubles again.
  t.equal(s.rate('big', { value: 100n, time: 120_000 }, opts), undefined);
  t.equal(s.rate('big', { value: 160n, time: 180_000 }, opts), 1);
  // A sample with an epoch after one without is not a reboot (counterRate compares only when both have one).
  s.rate('e', { value: 0n, time: 0 }, opts);
  t.equal(s.rate('e', { value: 60n, time: 60_000, epoch: 5 }, opts), 1);
  t.equal(s.rate('e', { value: 120n, time: 120_000, epoch: 6 }, opts), undefined, 'epoch changed: reboot');
});
