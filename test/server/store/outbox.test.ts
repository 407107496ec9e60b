import t from 'tap';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { Outbox, RECORD_OVERHEAD_BYTES } from '../../../server/store/outbox.js';

/** Fixed-width lines, so byte budgets translate into record counts exactly. */
const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m,device=d${(from + i) % 3} v=${String(from + i).padStart(4, "0")}`);

t.test('records survive close without a flush and come back in queue order', async (t) => {
  const path = join(t.testdir(), 'a.db');
  const a = new Outbox(path, { budgetBytes: 1e9 });
  a.append(lines(3, 0), 1000);
  a.append(lines(4, 3), 2000);
  a.close();
  const b = new Outbox(path, { budgetBytes: 1e9 });
  t.teardown(() => b.close());
  t.same(b.head(100).map((r) => r.line), lines(7, 0));
  t.equal(b.counters().depth, 7);
  t.equal(b.oldestQueued(), 1000);
  t.same(b.head(2).map((r) => r.line), lines(2, 0), 'head(limit) is the oldest first');
});

t.test('remove() counts sent and rejected records, persistently', async (t) => {
  const path = join(t.testdir(), 'b.db');
  const a = new Outbox(path, { budgetBytes: 1e9 });
  a.append(lines(5));
  const [r0, r1, r2] = a.head(3);
  a.remove([r0!.id, r2!.id], [r1!.id]);
  a.remove([r0!.id], []);
  t.match(a.counters(), { depth: 2, sent: 2, rejected: 1 }, 'an id removed twice counts once');
  t.same(a.head(10).map((r) => r.line), lines(5).slice(3));
  a.close();
  const b = new Outbox(path, { budgetBytes: 1e9 });
  t.teardown(() => b.close());
  t.match(b.counters(), { depth: 2, sent: 2, rejected: 1 });
  t.equal(b.counters().bytes, lines(5).slice(3).reduce((s, l) => s + l.length + RECORD_OVERHEAD_BYTES, 0));
});

t.test('remove() of scattered ids leaves the records between them', async (t) => {
  const ob = new Outbox(join(t.testdir(), 'g.db'), { budgetBytes: 1e9 });
  t.teardown(() => ob.close());
  ob.append(lines(5));
  const ids = ob.head(5).map((r) => r.id);
  ob.remove([ids[1]!, ids[3]!]);
  t.same(ob.head(5).map((r) => r.line), [0, 2, 4].map((i) => lines(5)[i]));
  t.match(ob.counters(), { depth: 3, sent: 2 });
});

t.test('past the budget the oldest records are dropped and counted', async (t) => {
  const path = join(t.testdir(), 'c.db');
  const perRecord = lines(1)[0]!.length + RECORD_OVERHEAD_BYTES;
  const ob = new Outbox(path, { budgetBytes: perRecord * 10 });
  t.equal(ob.append(lines(8, 0)), 0);
  t.equal(ob.append(lines(5, 8)), 3, 'three oldest dropped to fit 13 into 10');
  t.same(ob.head(100).map((r) => r.line), lines(13).slice(3), 'the newest are kept, in order');
  t.match(ob.counters(), { depth: 10, dropped: 3 });
  ob.close();
  const again = new Outbox(path, { budgetBytes: perRecord * 10 });
  t.teardown(() => again.close());
  t.equal(again.counters().dropped, 3, 'the drop count survives a restart');
});

t.test('one append larger than the whole budget keeps its newest records', async (t) => {
  const ob = new Outbox(join(t.testdir(), 'd.db'), { budgetBytes: (lines(1)[0]!.length + RECORD_OVERHEAD_BYTES) * 4 });
  t.teardown(() => ob.close());
  t.equal(ob.append(lines(6)), 2);
  t.same(ob.head(10).map((r) => r.line), lines(6).slice(2));
});

t.test('the file on disk stays near the budget under sustained overflow', async (t) => {
  const path = join(t.testdir(), 'e.db');
  const budget = 2 * 1024 * 1024;
  const ob = new Outbox(path, { budgetBytes: budget });
  const line = 'interface,device=core-sw,ifIndex=12,ifName=Gi1/0/12,site=acme in_octets=123456789012i,in_bps=12345.6 1795842477443';
  for (let i = 0; i < 60; i++) ob.append(Array(500).fill(line));
  t.ok(ob.counters().dropped > 0);
  t.ok(ob.counters().bytes <= budget);
  ob.close();
  t.ok(statSync(path).size <= budget * 1.1, `file ${statSync(path).size} within 10% of the ${budget} budget`);
});

t.test('an empty outbox has no oldest record', async (t) => {
  const ob = new Outbox(join(t.testdir(), 'f.db'), { budgetBytes: 1000 });
  t.teardown(() => ob.close());
  t.equal(ob.oldestQueued(), undefined);
  t.equal(ob.append([]), 0);
  t.same(ob.head(5), []);
});
