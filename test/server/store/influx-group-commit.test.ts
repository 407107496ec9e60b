import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Point } from '../../../probes/types.js';
import { InfluxSink } from '../../../server/store/influx/index.js';
import { outboxFileName, type InfluxSinkConfig } from '../../../server/store/influx/config.js';
import { Outbox } from '../../../server/store/outbox.js';
import { pollPoints } from '../../helpers/influx-outbox-child.js';
import { recordingLog } from '../../helpers/log.js';

// enqueue() stages points and commits them together (one transaction and fsync per event-loop turn or per
// full batch). These tests pin the durability boundary: what durable() (or a full batch, or close()) has
// committed is in the file, seen from a second connection or after a kill -9.


// Port 1 on loopback refuses connections: the sink never delivers, so the outbox keeps everything.
const CFG: InfluxSinkConfig = { url: 'http://127.0.0.1:1', version: 1, database: 'outpost', batch_size: 100, flush_interval: '1h', budget_mb: 1, timeout: '1s' };

const poll = (cycle: number): Point[] =>
  ['fw1', 'sw1'].map((device) => ({ measurement: 'system', tags: { device }, fields: { uptime_s: cycle }, time: 1_700_000_000_000 + cycle * 1000 }));

/** A second connection to the sink's outbox file, as a restarted process would open it. */
function reader(t: Test, dir: string, sink: InfluxSink): Outbox {
  const ob = new Outbox(join(dir, outboxFileName(sink.name)), { budgetBytes: 1e9 });
  t.teardown(() => ob.close());
  return ob;
}

t.test('polls enqueued in one turn are committed together by its end; durable() waits for it', async (t) => {
  const dir = t.testdir();
  const s = new InfluxSink(CFG, { dataDir: dir, site: 'acme', log: recordingLog() });
  t.teardown(() => s.close());
  const other = reader(t, dir, s);
  s.enqueue(poll(1));
  s.enqueue(poll(2));
  t.equal(other.head(100).length, 0, 'staged, not yet in the file');
  t.equal(s.stats().outboxPoints, 4, 'staged points count as queued');
  await s.durable();
  const rows = other.head(100);
  t.equal(rows.length, 4, 'in the file once durable() resolves');
  t.same(rows.map((r) => /uptime_s=(\d+)/.exec(r.line)?.[1]), ['1', '1', '2', '2'], 'in enqueue order');
  t.equal(s.stats().outboxPoints, 4, 'counted once, not as staged and committed');
  await s.durable();
  t.pass('durable() with nothing staged resolves at once');
});

t.test('a whole batch staged is committed at once, before the turn ends', async (t) => {
  const dir = t.testdir();
  const s = new InfluxSink({ ...CFG, batch_size: 4 }, { dataDir: dir, site: 'acme', log: recordingLog() });
  t.teardown(() => s.close());
  const other = reader(t, dir, s);
  s.enqueue(poll(1));
  t.equal(other.head(100).length, 0);
  s.enqueue(poll(2));
  t.equal(other.head(100).length, 4, 'committed synchronously by the enqueue that filled the batch');
});

t.test('close() commits staged points: they are queued after a restart', async (t) => {
  const dir = t.testdir();
  const s = new InfluxSink(CFG, { dataDir: dir, site: 'acme', log: recordingLog() });
  s.enqueue(poll(1));
  s.enqueue(poll(2));
  await s.close();
  const again = new InfluxSink(CFG, { dataDir: dir, site: 'acme', log: recordingLog() });
  t.teardown(() => again.close());
  t.equal(again.stats().outboxPoints, 4);
});

t.test('points enqueued before a flush are written after a restart (sent by the next process)', async (t) => {
  const dir = t.testdir();
  const s = new InfluxSink(CFG, { dataDir: dir, site: 'acme', log: recordingLog() });
  s.enqueue(poll(1));
  // No flush and no close: the process "dies" here with the points committed but never sent.
  await s.durable();
  const sent: string[] = [];
  const ok = async (_url: string, init: { body: Uint8Array }) => {
    const { gunzipSync } = await import('node:zlib');
    sent.push(...gunzipSync(init.body).toString().split('\n'));
    return { status: 204, headers: { get: () => null }, text: async () => '' };
  };
  const next = new InfluxSink(CFG, { dataDir: dir, site: 'acme', log: recordingLog(), fetch: ok });
  t.teardown(async () => {
    await next.close();
    await s.close();
  });
  next.start();
  await next.flushNow();
  t.equal(sent.length, 2);
  t.match(next.stats(), { outboxPoints: 0, sentPoints: 2 });
});

t.test('kill -9 right after durable() acknowledgements loses no acknowledged poll', async (t) => {
  const dir = t.testdir();
  const devices = ['fw1', 'ups1'];
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('../../helpers/influx-outbox-child.ts', import.meta.url))], {
    env: { ...process.env, OUTBOX_CHILD: JSON.stringify({ url: CFG.url, database: 'crash', dataDir: dir, devices, firstCycle: 0, t0: 0 }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, signal) => r(signal)));
  let lastAck = -1;
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^ack (\d+)$/.exec(l);
      if (!m) return;
      lastAck = Number(m[1]);
      if (lastAck >= 30 && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', () => (lastAck < 30 ? reject(new Error(`child exited early after ack ${lastAck}`)) : resolve()));
  });
  t.equal(await exited, 'SIGKILL');
  const perPoll = pollPoints(devices, 0, 0).length;
  const after = new InfluxSink({ url: CFG.url, version: 1, database: 'crash' }, { dataDir: dir, site: 'crash', log: recordingLog() });
  t.teardown(() => after.close());
  const queued = after.stats().outboxPoints;
  t.equal(queued % perPoll, 0, `whole polls only (${queued} points)`);
  t.ok(queued / perPoll >= lastAck + 1, `every acknowledged poll is on disk (${queued / perPoll} polls, last ack ${lastAck})`);
});

t.test('a commit that fails is counted and logged, rejects durable(), and does not throw from its timer', async (t) => {
  const log = recordingLog();
  const s = new InfluxSink(CFG, { dataDir: t.testdir(), site: 'acme', log });
  t.teardown(() => s.close());
  // The outbox's file handle going away is what a removed data disk looks like from here.
  (s as unknown as { outbox: Outbox }).outbox.close();
  s.enqueue(poll(1));
  await t.rejects(s.durable(), /not open/);
  t.equal(s.stats().droppedPoints, 2);
  t.match(s.stats().lastError, /^outbox: /);
  t.ok(log.lines.some((l) => l.level === 'error' && /commit failed/.test(l.msg ?? '')));
});
