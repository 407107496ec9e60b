import t from 'tap';
import { benchInflux } from '../../scripts/bench/influx.js';
import { influxdAvailable, startInfluxd } from '../helpers/influxd.js';

if (!influxdAvailable()) t.plan(0, 'influxd not installed');

t.test('benchInflux smoke: both writers deliver every point and a ratio is reported', async (t) => {
  const ix = await startInfluxd();
  t.teardown(() => ix.close());
  const r = await benchInflux({ url: ix.url, points: 2000, batchSize: 500 });
  t.equal(r.points, 2000);
  t.ok(r.outpost.pointsPerSec > 0 && r.curl.pointsPerSec > 0);
  t.ok(Number.isFinite(r.ratio) && r.ratio > 0);
  for (const db of ['bench_outpost', 'bench_curl']) {
    const [res] = await ix.query('SELECT COUNT(in_octets) FROM interface', db);
    t.equal(res!.series![0]!.values[0]![1], 2000, `${db} holds every point`);
  }
});
