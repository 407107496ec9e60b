import t from 'tap';
import { onSchedule } from '../../scripts/bench/scale-schedule.js';

const I = 60_000;
const w = { warmupEnd: 100_000, end: 100_000 + 4 * I, intervalMs: I };

t.test('a device polled once per interval after warm-up is on schedule', async (t) => {
  const r = onSchedule([[10_000, 70_000, 130_000, 190_000, 250_000, 310_000]], w);
  t.equal(r.devicesOnSchedule, 1);
  t.equal(r.expectedPollsPerDevice, 4);
  t.equal(r.minPolls, 4, 'polls before warm-up end are not counted');
  t.equal(r.worstLagMs, 0);
});

t.test('one missed interval, a late start or polls stopping early put a device off schedule', async (t) => {
  const skipped = [10_000, 70_000, 130_000, 250_000, 310_000];
  const lateStart = [150_000, 210_000, 270_000, 330_000];
  const stopped = [10_000, 70_000, 130_000, 190_000];
  const r = onSchedule([skipped, lateStart, stopped], w);
  t.equal(r.devicesOnSchedule, 0);
  t.equal(r.worstLagMs, 150_000 - I, 'worst lag: the end of the run 150 s after the last poll');
  t.equal(r.minPolls, 2);
});

t.test('timer jitter within 5 % of the interval is tolerated', async (t) => {
  t.equal(onSchedule([[40_000, 102_500, 161_000, 223_000, 282_000, 340_000]], w).devicesOnSchedule, 1);
  t.equal(onSchedule([[40_000, 105_000, 170_000, 230_000, 290_000, 340_000]], w).devicesOnSchedule, 0, '65 s gap is late');
});
