import t from 'tap';
import { storePerDay } from '../../scripts/bench/scale.js';

t.test('a day of store growth: raw at the measured rate, roll-ups as a row per series per 5 minutes and per hour', async (t) => {
  const MB = 1024 * 1024;
  const r = {
    storeMeasuredMs: 3 * 60_000,
    // One 5-minute boundary fell in this window and one did not in another: only raw growth is read from it.
    storeTableGrowth: { raw_points: 1 * MB, points_5m: 2 * MB, alert_engine_state: 600_000 },
    rollupTables: { points_5m: { rows: 40_000, series: 20_000, bytes: 4_000_000 }, points_1h: { rows: 20_000, series: 20_000, bytes: 2_000_000 } },
  };
  const { rawPerDay, rollupPerDay } = storePerDay(r);
  t.equal(rawPerDay, 480 * MB, '1 MB per 3 min is 480 MB a day');
  t.equal(rollupPerDay, 20_000 * 288 * 100 + 20_000 * 24 * 100, '100 B a row in both tables');
  const other = storePerDay({ ...r, storeTableGrowth: { raw_points: 1 * MB } });
  t.same(other, { rawPerDay, rollupPerDay }, 'the same whether or not a boundary fell in the window');
});
