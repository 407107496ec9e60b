import t from 'tap';
import { EmbeddedStore } from '../../../server/store/embedded.js';
import { tempDir } from '../../helpers/app.js';

const DAY = 86_400_000;
const retention = { rawMs: 7 * DAY, fiveMinMs: 90 * DAY, hourlyMs: 730 * DAY };

t.test('points are buffered and committed in one flush, then read back as latest values and series', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  s.syncDevices([{ name: 'ups1', host: '10.0.0.20' }]);
  const t0 = Date.UTC(2026, 10, 1, 10, 0, 0);
  for (let i = 0; i < 10; i++) {
    s.write('ups1', [{ measurement: 'ups', tags: {}, fields: { battery_charge_pct: 100 - i, status: 'online', on_battery: false }, time: t0 + i * 60_000 }]);
  }
  t.equal(s.latest('ups1').length, 0, 'nothing written before flush');
  t.equal(s.flush(), 10);
  const latest = s.latest('ups1');
  t.same(latest[0]!.fields, { battery_charge_pct: 91, status: 'online', on_battery: false });
  const raw = s.series({ device: 'ups1', measurement: 'ups', field: 'battery_charge_pct', from: t0, to: t0 + 10 * 60_000 }, t0 + 11 * 60_000);
  t.equal(raw.resolution, 'raw');
  t.equal(raw.series[0]!.points.length, 10);
  const rolled = s.series({ device: 'ups1', measurement: 'ups', field: 'battery_charge_pct', from: t0 - 10 * DAY, to: t0 + DAY }, t0 + DAY);
  t.equal(rolled.resolution, '5m');
  t.same(rolled.series[0]!.points[0], [t0, 98, 96, 100], '5-minute bucket: avg, min, max');
  const yearly = s.series({ device: 'ups1', measurement: 'ups', field: 'on_battery', from: t0 - 300 * DAY, to: t0 + DAY }, t0 + DAY);
  t.equal(yearly.resolution, '1h');
  t.same(yearly.series[0]!.points[0]!.slice(1), [0, 0, 0], 'booleans are charted as 0/1');
});

t.test('series are kept per tag set and can be filtered by one tag', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  s.syncDevices([{ name: 'sw', host: 'h' }]);
  const now = Date.now();
  s.write('sw', [
    { measurement: 'interface', tags: { ifName: 'port 1, "uplink"', ifIndex: '1' }, fields: { in_bps: 1000, in_octets: 5 }, time: now },
    { measurement: 'interface', tags: { ifName: 'port2', ifIndex: '2' }, fields: { in_bps: 2000, in_octets: 5 }, time: now },
  ]);
  s.flush();
  const all = s.series({ device: 'sw', measurement: 'interface', field: 'in_bps', from: now - 1000, to: now + 1000 }, now);
  t.equal(all.series.length, 2);
  const one = s.series({ device: 'sw', measurement: 'interface', field: 'in_bps', from: now - 1000, to: now + 1000, tags: { ifName: 'port 1, "uplink"' } }, now);
  t.equal(one.series.length, 1);
  t.equal(one.series[0]!.points[0]![1], 1000);
  const raw = s.series({ device: 'sw', measurement: 'interface', field: 'in_octets', from: now - 1000, to: now + 1000 }, now);
  t.equal(raw.series.length, 0, 'raw counters are not charted (their rates are)');
});

t.test('prune() removes raw points past retention but keeps roll-ups', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  s.syncDevices([{ name: 'd', host: 'h' }]);
  const old = Date.now() - 10 * DAY;
  s.write('d', [{ measurement: 'system', tags: {}, fields: { cpu_pct: 50 }, time: old }]);
  s.flush();
  s.prune();
  const q = { device: 'd', measurement: 'system', field: 'cpu_pct', from: old - 1000, to: old + 1000 };
  t.equal(s.series(q, old + 2000).series[0]!.points.length, 0, 'raw gone');
  t.equal(s.series({ ...q, from: old - 20 * DAY, to: old + 20 * DAY }).series[0]!.points.length, 1, '5-minute roll-up kept');
});

t.test('device state and identity survive a reopen', async (t) => {
  const dir = tempDir(t);
  const s = new EmbeddedStore(dir, retention);
  s.syncDevices([{ name: 'fw1', host: '10.0.0.1' }]);
  s.setDeviceState('fw1', { identity: { class: 'firewall', vendor: 'Fortinet' }, class: 'firewall', state: 'up', lastOk: 1000, lastPoll: 1000 });
  s.close();
  const s2 = new EmbeddedStore(dir, retention);
  t.teardown(() => s2.close());
  const d = s2.device('fw1')!;
  t.equal(d.class, 'firewall');
  t.equal(d.identity.vendor, 'Fortinet');
  t.equal(d.firstSeen, 1000);
});
