import t from 'tap';
import type * as Tap from 'tap';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import type { Point } from '../../../probes/types.js';
import { EmbeddedStore } from '../../../server/store/embedded.js';
import { tempDir } from '../../helpers/app.js';

const DAY = 86_400_000;
const MIN = 60_000;
const retention = { rawMs: 7 * DAY, fiveMinMs: 90 * DAY, hourlyMs: 730 * DAY };
// In the future, so buckets close as the points' clock moves (as in production), not because the wall clock passed them.
const T0 = Date.UTC(2031, 0, 1, 9, 57);

/** Poll k of two devices: floats, booleans, a counter that is not charted, an interface whose field set grows. */
function poll(k: number): Array<{ device: string; points: Point[] }> {
  const t = T0 + k * MIN;
  return ['a', 'b'].map((device, d): { device: string; points: Point[] } => ({
    device,
    points: [
      { measurement: 'system', tags: { site: 's', device }, fields: { cpu_pct: ((k * 37 + d * 11) % 100) / 10 + 0.1, uptime_s: 1000 + k * 60 }, time: t },
      { measurement: 'availability', tags: { device, probe: 'ping' }, fields: { up: k % 7 !== 3, poll_ms: (k % 5) * 1.25 }, time: t },
      {
        measurement: 'interface',
        tags: { ifIndex: '1', device },
        fields: k < 20 ? { in_bps: k * 1000.5, in_octets: k * 9999 } : { in_bps: k * 1000.5, out_bps: k * 3.3, in_octets: k * 9999 },
        time: t,
      },
    ],
  }));
}

/** The roll-ups as the store used to write them: one upsert per field per point, into a database of its own. */
function reference(batches: Array<Array<{ device: string; points: Point[] }>>): Map<string, { sum: number; n: number; min: number; max: number }> {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE r (k TEXT NOT NULL, t INTEGER NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (k, t))');
  const up = db.prepare(
    `INSERT INTO r (k, t, sum, n, min, max) VALUES (?, ?, ?, 1, ?, ?)
     ON CONFLICT (k, t) DO UPDATE SET sum = sum + excluded.sum, n = n + 1, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
  );
  for (const batch of batches)
    for (const { device, points } of batch)
      for (const p of points)
        for (const [f, raw] of Object.entries(p.fields)) {
          if (f === 'in_octets') continue; // not charted
          const v = typeof raw === 'boolean' ? (raw ? 1 : 0) : (raw as number);
          for (const [table, w] of [['5m', 300_000], ['1h', 3_600_000]] as const) up.run(`${table}|${device}|${p.measurement}|${f}`, p.time! - (p.time! % w), v, v, v);
        }
  const out = new Map<string, { sum: number; n: number; min: number; max: number }>();
  for (const r of db.prepare('SELECT * FROM r').all() as Array<{ k: string; t: number; sum: number; n: number; min: number; max: number }>)
    out.set(`${r.k}|${r.t}`, { sum: r.sum, n: r.n, min: r.min, max: r.max });
  db.close();
  return out;
}

/** The store's roll-up rows, keyed as the reference. */
function stored(db: Database.Database): Map<string, { sum: number; n: number; min: number; max: number }> {
  const out = new Map<string, { sum: number; n: number; min: number; max: number }>();
  for (const [table, name] of [['5m', 'points_5m'], ['1h', 'points_1h']] as const) {
    const rows = db
      .prepare(`SELECT s.device, s.measurement, s.field, p.t, p.sum, p.n, p.min, p.max FROM ${name} p JOIN series s ON s.id = p.sid`)
      .all() as Array<{ device: string; measurement: string; field: string; t: number; sum: number; n: number; min: number; max: number }>;
    for (const r of rows) out.set(`${table}|${r.device}|${r.measurement}|${r.field}|${r.t}`, { sum: r.sum, n: r.n, min: r.min, max: r.max });
  }
  return out;
}

type Agg = { sum: number; n: number; min: number; max: number };

/** Equal aggregates; sums to 1e-9, since an hour is the sum of its 5-minute parts (another order of additions). */
function sameAgg(a: Agg | undefined, b: Agg | undefined): boolean {
  return !!a && !!b && a.n === b.n && a.min === b.min && a.max === b.max && Math.abs(a.sum - b.sum) < 1e-9;
}

function sameAll(t: Tap.Test, got: Map<string, Agg>, ref: Map<string, Agg>, what: string): void {
  const bad = [...ref].filter(([k, v]) => !sameAgg(got.get(k), v)).map(([k]) => k);
  t.same({ size: got.size, bad }, { size: ref.size, bad: [] }, what);
}

const KEYS = ['system|cpu_pct', 'system|uptime_s', 'availability|up', 'availability|poll_ms', 'interface|in_bps', 'interface|out_bps'];

t.test('roll-ups written when their bucket closes equal the per-write roll-ups of the same points', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  const batches = Array.from({ length: 130 }, (_, k) => poll(k));
  for (const b of batches) {
    for (const { device, points } of b) s.write(device, points);
    s.flush();
  }
  const ref = reference(batches);
  const last = T0 + 129 * MIN;
  const before = stored(s.db);
  let closed = 0;
  let partial = 0;
  for (const [k, v] of ref) {
    const [table, device, m, f, t0] = k.split('|');
    const end = Number(t0) + (table === '5m' ? 300_000 : 3_600_000);
    if (end <= last) {
      t.ok(sameAgg(before.get(k), v), `closed bucket ${k}`);
      closed++;
    } else if (table === '5m') t.equal(before.get(k), undefined, `open bucket ${k} not written yet`);
    else {
      // The open hour holds its closed 5-minute buckets (written as each closed), not the open one.
      const parts = [...ref].filter(([k5]) => {
        const [tb, d, mm, ff, t5] = k5.split('|');
        return tb === '5m' && d === device && mm === m && ff === f && Number(t5) >= Number(t0) && Number(t5) + 300_000 <= last;
      });
      const n = parts.reduce((a, [, p]) => a + p.n, 0);
      t.equal(before.get(k)?.n ?? 0, n, `open hour ${k} holds its ${parts.length} closed 5-minute buckets`);
      partial++;
    }
  }
  t.ok(closed > 50, `${closed} closed buckets compared`);
  t.ok(partial > 0, `${partial} open hours compared`);
  s.close();
  const db = new Database(`${s.db.name}`, { readonly: true });
  sameAll(t, stored(db), ref, 'after close every bucket, the open ones included, equals the per-write roll-ups');
  db.close();
  t.same(new Set(KEYS), new Set([...ref.keys()].map((k) => k.split('|').slice(2, 4).join('|'))), 'every charted field was rolled up');
});

t.test('a point late for a bucket already written is added to its row', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  const batches = Array.from({ length: 12 }, (_, k) => poll(k));
  for (const b of batches) {
    for (const { device, points } of b) s.write(device, points);
    s.flush();
  }
  // A slow poll reports a time in the first 5-minute bucket, long closed.
  const late = poll(1).map((x) => ({ ...x, points: x.points.map((p) => ({ ...p, time: T0 + MIN + 30_000 })) }));
  for (const { device, points } of late) s.write(device, points);
  s.flush();
  s.settleRollups();
  const ref = reference([...batches, late]);
  const got = stored(s.db);
  t.equal(got.size, ref.size);
  for (const [k, v] of ref) {
    const g = got.get(k);
    t.ok(g && g.n === v.n && g.min === v.min && g.max === v.max && Math.abs(g.sum - v.sum) < 1e-9, `bucket ${k}`);
  }
});

t.test('after a crash (no close) the open buckets are rebuilt from raw points on open', async (t) => {
  const dir = tempDir(t);
  const crashed = new EmbeddedStore(dir, retention);
  // The crashed process never closes: its connection is dropped at the end without writing anything more.
  t.teardown(() => crashed.db.close());
  const batches = Array.from({ length: 70 }, (_, k) => poll(k));
  for (const b of batches) {
    for (const { device, points } of b) crashed.write(device, points);
    crashed.flush();
  }
  const ref = reference(batches);
  t.ok(stored(crashed.db).size < ref.size, 'open buckets were in memory only');
  const reopened = new EmbeddedStore(dir, retention);
  sameAll(t, stored(reopened.db), ref, 'every bucket is back, equal to the per-write roll-ups');
  // Writing on after the rebuild adds to the rebuilt open buckets instead of double counting them.
  const more = Array.from({ length: 5 }, (_, k) => poll(70 + k));
  for (const b of more) {
    for (const { device, points } of b) reopened.write(device, points);
    reopened.flush();
  }
  reopened.close();
  const db = new Database(reopened.db.name, { readonly: true });
  const after = stored(db);
  db.close();
  const ref2 = reference([...batches, ...more]);
  t.equal(after.size, ref2.size);
  for (const [k, v] of ref2) {
    const g = after.get(k);
    t.ok(g && g.n === v.n && g.min === v.min && g.max === v.max && Math.abs(g.sum - v.sum) < 1e-9, `bucket ${k}`);
  }
});

t.test('series over the open bucket include it, at 5-minute and hourly resolution', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  const batches = Array.from({ length: 8 }, (_, k) => poll(k)); // 09:57 … 10:04: 5-minute bucket 10:00 and hour 10:00 open
  for (const b of batches) {
    for (const { device, points } of b) s.write(device, points);
    s.flush();
  }
  const ref = reference(batches);
  const q = { device: 'a', measurement: 'system', field: 'cpu_pct' };
  const five = s.series({ ...q, from: T0 - 3 * DAY, to: T0 + DAY }, T0 + DAY);
  t.equal(five.resolution, '5m');
  const b10 = Date.UTC(2031, 0, 1, 10);
  const r5 = ref.get(`5m|a|system|cpu_pct|${b10}`)!;
  const open5 = five.series[0]!.points.find((p) => p[0] === b10);
  t.same(open5, [b10, Math.round((r5.sum / r5.n) * 1000) / 1000, r5.min, r5.max], 'the open 5-minute bucket');
  t.equal(five.series[0]!.points.length, 2, 'the closed 09:55 bucket and the open 10:00 one');
  const hourly = s.series({ ...q, from: T0 - 300 * DAY, to: T0 + DAY }, T0 + DAY);
  t.equal(hourly.resolution, '1h');
  const r1 = ref.get(`1h|a|system|cpu_pct|${b10}`)!;
  t.same(hourly.series[0]!.points.at(-1), [b10, Math.round((r1.sum / r1.n) * 1000) / 1000, r1.min, r1.max], 'the open hour');
  // A late point makes an open delta for a written bucket: the query adds it to the row.
  s.write('a', [{ measurement: 'system', tags: { site: 's', device: 'a' }, fields: { cpu_pct: 99 }, time: T0 + 30_000 }]);
  s.flush();
  const again = s.series({ ...q, from: T0 - 3 * DAY, to: T0 + DAY }, T0 + DAY);
  const b955 = Date.UTC(2031, 0, 1, 9, 55);
  t.equal(again.series[0]!.points.find((p) => p[0] === b955)![3], 99, 'late value in the max of its bucket');
});

t.test('tags in another key order are the same series; unchanged latest values keep their row and move its time', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  s.write('d', [{ measurement: 'ups', tags: { a: '1', b: '2' }, fields: { charge: 90, status: 'online' }, time: T0 }]);
  s.write('d', [{ measurement: 'ups', tags: { b: '2', a: '1' }, fields: { charge: 90, status: 'online' }, time: T0 + MIN }]);
  s.flush();
  t.equal((s.db.prepare('SELECT COUNT(*) AS n FROM raw_series').get() as { n: number }).n, 1);
  t.same(s.latest('d'), [{ measurement: 'ups', tags: { a: '1', b: '2' }, fields: { charge: 90, status: 'online' }, time: T0 + MIN }]);
  s.write('d', [{ measurement: 'ups', tags: { a: '1', b: '2' }, fields: { charge: 91, status: 'online' }, time: T0 + 2 * MIN }]);
  s.flush();
  t.same(s.latest('d')[0]!.fields, { charge: 91, status: 'online' }, 'a changed value is written');
  s.write('d', [{ measurement: 'ups', tags: { a: '1', b: '2' }, fields: { charge: 91 }, time: T0 + 3 * MIN }]);
  s.flush();
  t.same(s.latest('d')[0]!.fields, { charge: 91 }, 'a field gone is a change too');
  const pts = s.series({ device: 'd', measurement: 'ups', field: 'charge', from: T0, to: T0 + 10 * MIN }, T0 + 10 * MIN).series[0]!.points;
  t.same(pts.map((p) => p[1]), [90, 90, 91, 91]);
});

t.test('a store opened while the writing process runs (report CLI) does not rebuild its open buckets', async (t) => {
  const dir = tempDir(t);
  const server = new EmbeddedStore(dir, retention);
  t.teardown(() => server.db.close());
  const batches = Array.from({ length: 8 }, (_, k) => poll(k));
  for (const b of batches) {
    for (const { device, points } of b) server.write(device, points);
    server.flush();
  }
  const before = stored(server.db);
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  // Stand in for the server being another live process: the test runner that started this one.
  server.db.prepare("UPDATE store_meta SET value = ? WHERE key = 'rollup_writer'").run(`${boot}:${process.ppid}`);
  const cli = new EmbeddedStore(dir, retention);
  t.same(stored(cli.db), before, 'nothing rebuilt while the writer lives');
  cli.close();
  // The writer died (a pid that is not running): the next open rebuilds.
  server.db.prepare("UPDATE store_meta SET value = ? WHERE key = 'rollup_writer'").run(`${boot}:2147483646`);
  const next = new EmbeddedStore(dir, retention);
  t.teardown(() => next.close());
  t.same(stored(next.db), reference(batches), 'rebuilt once the writer is gone');
});

t.test('latest stays the last point written while a series changes every poll, goes quiet, and changes again', async (t) => {
  const s = new EmbeddedStore(tempDir(t), retention);
  t.teardown(() => s.close());
  // 40 polls changing every time (the store stops keeping copies), 10 unchanged, then 20 changing again, with
  // repeats right after the copies it takes every 16th write.
  const values = [...Array.from({ length: 40 }, (_, k) => k), ...Array.from({ length: 10 }, () => 39), ...Array.from({ length: 20 }, (_, k) => 100 + (k >> 1))];
  const wrong: number[] = [];
  values.forEach((v, k) => {
    const fields = { in_octets: v, oper_up: v % 3 !== 0 };
    s.write('d', [{ measurement: 'interface', tags: { ifIndex: '1' }, fields, time: T0 + k * MIN }]);
    s.flush();
    const got = s.latest('d')[0]!;
    if (JSON.stringify(got.fields) !== JSON.stringify(fields) || got.time !== T0 + k * MIN) wrong.push(k);
  });
  t.same(wrong, [], 'after every flush latest holds the last point and its time');
});
