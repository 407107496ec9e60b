import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
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

t.test('raw points are one packed row per point per poll; a field added later or missing reads back right', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  const t0 = Date.now() - 10 * 60_000;
  s.write('nas', [{ measurement: 'storage', tags: { name: '/vol1' }, fields: { used_pct: 41.5, size_bytes: 2e12 }, time: t0 }]);
  s.write('nas', [{ measurement: 'storage', tags: { name: '/vol1' }, fields: { used_pct: 41.6, size_bytes: 2e12, inodes_pct: 3 }, time: t0 + 60_000 }]);
  s.write('nas', [{ measurement: 'storage', tags: { name: '/vol1' }, fields: { size_bytes: 2e12, inodes_pct: 4, temp_c: 1 / 3 }, time: t0 + 120_000 }]);
  s.flush();
  t.equal((s.db.prepare('SELECT COUNT(*) AS n FROM raw_points').get() as { n: number }).n, 3, 'one row per point per poll');
  t.equal((s.db.prepare('SELECT COUNT(*) AS n FROM raw_series').get() as { n: number }).n, 1);
  const q = (field: string) => s.series({ device: 'nas', measurement: 'storage', field, from: t0 - 1, to: t0 + 180_000 }).series[0]!.points.map((p) => [p[0] - t0, p[2]]);
  t.same(q('used_pct'), [[0, 41.5], [60_000, 41.6]], 'absent in the last poll');
  t.same(q('inodes_pct'), [[60_000, 3], [120_000, 4]], 'new field from the second poll');
  t.same(q('size_bytes'), [[0, 2e12], [60_000, 2e12], [120_000, 2e12]]);
  t.same(q('temp_c'), [[120_000, 1 / 3]], 'a value not exact to 0.001 keeps full precision');
});

t.test('a store written by the previous schema (one raw row per field) is migrated without losing points', async (t) => {
  const dir = tempDir(t);
  const t0 = Date.UTC(2026, 10, 20, 10, 0, 0);
  const now = t0 + 3 * 60_000;
  {
    // The previous schema's tables, as an appliance upgraded in place has them.
    const old = new Database(join(dir, 'outpost.db'));
    old.exec(`
      CREATE TABLE series (id INTEGER PRIMARY KEY, device TEXT NOT NULL, measurement TEXT NOT NULL, field TEXT NOT NULL, tags_key TEXT NOT NULL, tags TEXT NOT NULL, UNIQUE (device, measurement, field, tags_key));
      CREATE TABLE points_raw (sid INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (sid, t)) WITHOUT ROWID;
      CREATE TABLE points_5m (sid INTEGER NOT NULL, t INTEGER NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (sid, t)) WITHOUT ROWID;`);
    const add = old.prepare('INSERT INTO series (id, device, measurement, field, tags_key, tags) VALUES (?, ?, ?, ?, ?, ?)');
    add.run(1, 'sw', 'interface', 'in_bps', 'ifIndex=1', '{"ifIndex":"1"}');
    add.run(2, 'sw', 'interface', 'out_bps', 'ifIndex=1', '{"ifIndex":"1"}');
    add.run(3, 'sw', 'interface', 'in_bps', 'ifIndex=2', '{"ifIndex":"2"}');
    add.run(4, 'ups', 'ups', 'battery_charge_pct', '', '{}');
    const pt = old.prepare('INSERT INTO points_raw (sid, t, v) VALUES (?, ?, ?)');
    for (let i = 0; i < 3; i++) {
      pt.run(1, t0 + i * 60_000, 1000.25 * i);
      if (i !== 1) pt.run(2, t0 + i * 60_000, 7 + i);
      pt.run(3, t0 + i * 60_000, 123456.789012 + i);
      pt.run(4, t0 + i * 60_000, 100 - i);
    }
    old.prepare('INSERT INTO points_5m (sid, t, sum, n, min, max) VALUES (4, ?, 297, 3, 98, 100)').run(t0);
    old.close();
  }
  const s = new EmbeddedStore(dir, retention);
  t.teardown(() => s.close());
  t.notOk(s.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'points_raw'").get(), 'old raw table dropped');
  const q = (device: string, measurement: string, field: string, tags?: Record<string, string>) =>
    s.series({ device, measurement, field, from: t0, to: t0 + 3 * 60_000, tags }, now).series.map((x) => x.points.map((p) => [p[0] - t0, p[2]]));
  t.same(q('sw', 'interface', 'in_bps', { ifIndex: '1' }), [[[0, 0], [60_000, 1000.25], [120_000, 2000.5]]]);
  t.same(q('sw', 'interface', 'out_bps'), [[[0, 7], [120_000, 9]]], 'a gap stays a gap');
  t.same(q('sw', 'interface', 'in_bps', { ifIndex: '2' }), [[[0, 123456.789012], [60_000, 123457.789012], [120_000, 123458.789012]]]);
  t.same(q('ups', 'ups', 'battery_charge_pct'), [[[0, 100], [60_000, 99], [120_000, 98]]]);
  const rolled = s.series({ device: 'ups', measurement: 'ups', field: 'battery_charge_pct', from: t0 - 10 * DAY, to: t0 + DAY }, t0 + DAY);
  t.same(rolled.series[0]!.points, [[t0, 99, 98, 100]], 'roll-ups untouched');
  // New polls after the upgrade land in the migrated series.
  s.write('ups', [{ measurement: 'ups', tags: {}, fields: { battery_charge_pct: 97 }, time: t0 + 3 * 60_000 }]);
  s.flush();
  t.same(q('ups', 'ups', 'battery_charge_pct')[0]!.at(-1), [180_000, 97]);
});
