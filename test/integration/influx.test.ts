import t, { type Test } from 'tap';
import { silentLogger, type Point, type ProbeLogger } from '../../probes/types.js';
import { InfluxSink } from '../../server/store/influx/index.js';
import { influxdAvailable, quoteIdent, startInfluxd, type Influxd } from '../helpers/influxd.js';

if (!influxdAvailable()) t.plan(0, 'influxd not installed');

let ix: Influxd;
t.before(async () => {
  ix = await startInfluxd();
});
t.teardown(() => ix?.close());

async function newSink(t: Test, db: string, log: ProbeLogger = silentLogger): Promise<InfluxSink> {
  await ix.createDatabase(db);
  const s = new InfluxSink({ url: ix.url, version: 1, database: db, batch_size: 500, flush_interval: '1h', budget_mb: 16, timeout: '5s' }, { dataDir: t.testdir(), site: 'acme-dental', log });
  t.teardown(() => s.close());
  s.start();
  return s;
}

const T0 = Date.UTC(2026, 10, 1);

t.test('points of several devices land with their site/device tags and schema field types', async (t) => {
  const s = await newSink(t, 'types');
  const polls: Point[] = [];
  for (const device of ['ups1', 'ups2', 'core-sw']) {
    for (let c = 0; c < 3; c++) {
      const time = T0 + c * 60_000;
      polls.push({ measurement: 'ups', tags: { device }, fields: { runtime_s: 840 + c, battery_charge_pct: 100, on_battery: false, status: 'online', load_pct: 12.5 }, time });
      polls.push({ measurement: 'interface', tags: { device, ifName: 'Gi1/0/1', ifIndex: '1' }, fields: { in_octets: 1000 * c, in_bps: 8, oper_up: true }, time });
    }
  }
  s.enqueue(polls);
  await s.flushNow();
  t.match(s.stats(), { state: 'ok', sentPoints: polls.length, outboxPoints: 0 });

  const [fk] = await ix.query('SHOW FIELD KEYS FROM ups', 'types');
  const types = Object.fromEntries(fk!.series![0]!.values.map(([k, v]) => [k, v]));
  t.same(types, { battery_charge_pct: 'float', load_pct: 'float', on_battery: 'boolean', runtime_s: 'integer', status: 'string' }, 'an integral float (100) is still a float; runtime_s is an integer');
  const [ik] = await ix.query('SHOW FIELD KEYS FROM interface', 'types');
  t.same(Object.fromEntries(ik!.series![0]!.values.map(([k, v]) => [k, v])), { in_bps: 'float', in_octets: 'integer', oper_up: 'boolean' });

  const [counts] = await ix.query(`SELECT COUNT(runtime_s) FROM ups WHERE time >= ${T0}ms GROUP BY device, site`, 'types');
  const byDevice = Object.fromEntries(counts!.series!.map((s) => [`${s.tags!.site}/${s.tags!.device}`, s.values[0]![1]]));
  t.same(byDevice, { 'acme-dental/core-sw': 3, 'acme-dental/ups1': 3, 'acme-dental/ups2': 3 });
  const [row] = await ix.query(`SELECT runtime_s, status FROM ups WHERE device = 'ups2' ORDER BY time DESC LIMIT 1`, 'types');
  t.same(row!.series![0]!.values[0], [T0 + 120_000, 842, 'online'], 'the point time is the poll time, in ms');
});

t.test('names and values with spaces, commas, quotes, equals signs, backslashes and newlines round-trip', async (t) => {
  const s = await newSink(t, 'escaping');
  const weird = 'a b,c="d"=e\\f';
  const value = 'say "hi", x=1 \\ path\\to\nsecond line';
  s.enqueue([{ measurement: `m ${weird}`, tags: { device: `dev ${weird}`, [`tag ${weird}`]: `val ${weird}` }, fields: { [`field ${weird}`]: value, n: 1 }, time: T0 }]);
  await s.flushNow();
  t.match(s.stats(), { sentPoints: 1, rejectedPoints: 0 });
  const [m] = await ix.query('SHOW MEASUREMENTS', 'escaping');
  t.same(m!.series![0]!.values, [[`m ${weird}`]]);
  const [tv] = await ix.query(`SHOW TAG VALUES FROM ${quoteIdent(`m ${weird}`)} WITH KEY IN (${quoteIdent(`tag ${weird}`)}, "device", "site")`, 'escaping');
  t.same(tv!.series![0]!.values, [['device', `dev ${weird}`], ['site', 'acme-dental'], [`tag ${weird}`, `val ${weird}`]]);
  const [sel] = await ix.query(`SELECT ${quoteIdent(`field ${weird}`)} FROM ${quoteIdent(`m ${weird}`)}`, 'escaping');
  t.same(sel!.series![0]!.values, [[T0, value]]);
});

t.test('a field type conflict drops only the offending line, logged, and the rest are written', async (t) => {
  const errors: { obj: unknown; msg?: string }[] = [];
  const s = await newSink(t, 'conflict', { ...silentLogger, error: (obj, msg) => void errors.push({ obj: obj as object, ...(msg ? { msg } : {}) }) });
  s.enqueue([{ measurement: 'custom', tags: { device: 'd1' }, fields: { reading: 1.5 }, time: T0 }]);
  await s.flushNow();
  const batch: Point[] = [];
  for (let i = 1; i <= 10; i++) batch.push({ measurement: 'custom', tags: { device: `d${i}` }, fields: { reading: i === 4 ? 'broken' : i }, time: T0 + i * 1000 });
  s.enqueue(batch);
  await s.flushNow();
  t.match(s.stats(), { state: 'ok', outboxPoints: 0, rejectedPoints: 1, sentPoints: 10, lastError: /field type conflict/ });
  const [c] = await ix.query('SELECT COUNT(reading) FROM custom', 'conflict');
  t.equal(c!.series![0]!.values[0]![1], 10, '1 + 9 good points stored');
  t.equal(errors.length, 1);
  t.match(errors[0]!.obj, { line: 'custom,device=d4,site=acme-dental reading="broken" ' + String(T0 + 4000) });
});

t.test('an unparsable line already in the outbox is dropped and does not block the rest', async (t) => {
  const s = await newSink(t, 'parse');
  // Simulates an outbox written by an older Outpost with an encoder bug: the sink must not wedge on it.
  (s as unknown as { outbox: { append(l: string[]): number } }).outbox.append(['ok_before v=1 1000', 'broken line here', 'ok_after v=2 2000']);
  await s.flushNow();
  t.match(s.stats(), { outboxPoints: 0, rejectedPoints: 1, sentPoints: 2 });
  const [m] = await ix.query('SHOW MEASUREMENTS', 'parse');
  t.same(m!.series![0]!.values, [['ok_after'], ['ok_before']]);
});

t.test('a missing database keeps the points queued until it exists', async (t) => {
  const s = new InfluxSink({ url: ix.url, version: 1, database: 'later', flush_interval: '1h' }, { dataDir: t.testdir(), site: 's', log: silentLogger, retry: { baseMs: 50, maxMs: 50 } });
  t.teardown(() => s.close());
  s.start();
  s.enqueue([{ measurement: 'ping', tags: { device: 'd' }, fields: { sent: 5, received: 5 }, time: T0 }]);
  await s.flushNow();
  t.match(s.stats(), { state: 'retrying', outboxPoints: 1, droppedPoints: 0, lastError: /database not found/ });
  await ix.createDatabase('later');
  await s.flushNow();
  t.match(s.stats(), { state: 'ok', outboxPoints: 0, sentPoints: 1 });
});
