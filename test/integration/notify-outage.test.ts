import t from 'tap';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver, type TestReceiver } from '../helpers/receivers.js';
import { event, service, upsAlert } from '../server/alerts/notifiers/fixtures.js';

// Ports 19310-19319 (this file only).
function countByKey(r: TestReceiver): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of r.received) m.set(String(x.headers['idempotency-key']), (m.get(String(x.headers['idempotency-key'])) ?? 0) + 1);
  return m;
}

t.test('receivers down for 10 simulated minutes, then up: every notification arrives once; a LAN receiver is not held up', async (t) => {
  const wan = await startReceiver(19310);
  const lan = await startReceiver(19311);
  t.teardown(async () => {
    await wan.close();
    await lan.close();
  });
  const { svc, clock } = service({ notify: [{ type: 'webhook', url: wan.url, name: 'wan' }, { type: 'webhook', url: lan.url, name: 'lan' }] });
  await wan.down();
  const alerts = Array.from({ length: 5 }, (_, i) => upsAlert({ id: `alert${i}`, device: `ups${i}` }));
  for (const a of alerts) svc.onAlertEvents([event('firing', a, clock.t)]);
  await svc.runDue(clock.t);
  t.equal(lan.received.length, 5, 'LAN receiver got everything at once');
  t.match(svc.stats()[0], { receiver: 'wan', pending: 5, failedAttempts: 1, lastError: 'ECONNREFUSED' });
  // Half of them resolve during the outage: firing must still precede resolve at the WAN receiver.
  const start = clock.t;
  for (let step = 0; step < 60; step++) {
    clock.t += 10_000;
    if (step === 20) for (const a of alerts.slice(0, 2)) svc.onAlertEvents([event('resolved', { ...a, endsAt: clock.t }, clock.t)]);
    await svc.runDue(clock.t);
  }
  t.equal(wan.received.length, 0);
  const s = svc.stats()[0]!;
  t.equal(s.pending, 7);
  t.ok(s.failedAttempts > 3 && s.failedAttempts < 15, `backoff keeps attempts low (${s.failedAttempts} in 10 min)`);
  t.equal(s.oldestPendingAgeMs, clock.t - start);
  await wan.up();
  // Within one maximum backoff (5 min) of coming back, everything is delivered.
  for (let step = 0; step < 31 && svc.stats()[0]!.pending > 0; step++) {
    clock.t += 10_000;
    await svc.runDue(clock.t);
  }
  t.equal(svc.stats()[0]!.pending, 0, 'queue drained');
  const counts = countByKey(wan);
  t.equal(counts.size, 7, '5 firing + 2 resolved');
  t.ok([...counts.values()].every((n) => n === 1), 'none twice');
  for (const a of alerts.slice(0, 2)) {
    const order = wan.received.filter((r) => (r.body as any).alert.id === a.id).map((r) => (r.body as any).status);
    t.same(order, ['firing', 'resolved'], `${a.id}: firing before resolve`);
  }
  t.same(countByKey(lan).size, 7);
  await svc.stop();
});

t.test('restart mid-outage: a new service on the same DB resumes the pending deliveries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-notify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rec = await startReceiver(19312, { status: 503 });
  t.teardown(() => rec.close());
  const path = join(dir, 'outpost.db');
  const clock = { t: Date.parse('2026-03-07T10:03:00Z') };
  const notify = [{ type: 'webhook' as const, url: rec.url, secret: 'k' }];
  const one = service({ notify, db: new Database(path) }, clock);
  one.svc.onAlertEvents([event('firing', upsAlert(), clock.t), event('firing', upsAlert({ id: 'other', device: 'ups9' }), clock.t)]);
  await one.svc.runDue(clock.t);
  t.equal(one.svc.stats()[0]!.lastError, 'HTTP 503: unavailable');
  await one.svc.stop();
  one.db.close();

  rec.status = 200;
  const two = service({ notify, db: new Database(path) }, clock);
  t.teardown(() => two.db.close());
  t.equal(two.svc.stats()[0]!.pending, 2, 'still pending after reopening');
  // Replaying the same events after the restart adds nothing.
  two.svc.onAlertEvents([event('firing', upsAlert(), clock.t)]);
  clock.t += 10 * 60_000;
  await two.svc.runDue(clock.t);
  t.equal(rec.received.length, 2);
  t.ok([...countByKey(rec).values()].every((n) => n === 1));
  t.same(two.svc.deliveries({ state: 'delivered' }).map((d) => d.attempts).sort(), [1, 2], 'the one tried before the restart counts both attempts');
  await two.svc.stop();
});

t.test('wall clock: start() retries on its own and delivers once the receiver is back', async (t) => {
  const rec = await startReceiver(19313);
  t.teardown(() => rec.close());
  await rec.down();
  const { svc } = service({ notify: [{ type: 'webhook', url: rec.url }], now: Date.now, retry: { baseMs: 300, maxMs: 1000 } });
  svc.start();
  t.teardown(() => svc.stop());
  svc.onAlertEvents([event('firing', upsAlert(), Date.now())]);
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(rec.received.length, 0);
  await rec.up();
  const deadline = Date.now() + 8000;
  while (rec.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.equal(rec.received.length, 1);
  await svc.stop();
});
