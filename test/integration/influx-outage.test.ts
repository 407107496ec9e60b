import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { silentLogger } from '../../probes/types.js';
import { InfluxSink } from '../../server/store/influx/index.js';
import type { InfluxSinkConfig } from '../../server/store/influx/config.js';
import { influxdAvailable, startInfluxd } from '../helpers/influxd.js';
import { pollPoints } from '../helpers/influx-outbox-child.js';

if (!influxdAvailable()) t.plan(0, 'influxd not installed');

const CHILD = fileURLToPath(new URL('../helpers/influx-outbox-child.ts', import.meta.url));
const T0 = Date.UTC(2026, 10, 2);
const DEVICES = ['fw1', 'core-sw', 'ups1', 'nas1', 'printer'];
const POINTS_PER_CYCLE = DEVICES.length * 2;

t.test('an outage plus a kill -9 of the process holding the outbox loses no acknowledged point', async (t) => {
  const ix = await startInfluxd();
  t.teardown(() => ix.close());
  await ix.createDatabase('crash');
  const dataDir = t.testdir();
  const cfg: InfluxSinkConfig = { url: ix.url, version: 1, database: 'crash', batch_size: 50, flush_interval: '1h', budget_mb: 64, timeout: '2s' };
  const opts = { dataDir, site: 'crash', log: silentLogger, retry: { baseMs: 20, maxMs: 200 } };

  // Before the outage: 5 polls delivered normally.
  const before = new InfluxSink(cfg, opts);
  before.start();
  for (let c = 0; c < 5; c++) before.enqueue(pollPoints(DEVICES, c, T0));
  await before.flushNow();
  t.match(before.stats(), { state: 'ok', outboxPoints: 0 });
  await before.close();

  await ix.stop();

  // During the outage a child keeps polling into the outbox; it is SIGKILLed mid-stream.
  const child = spawn(process.execPath, [...process.execArgv, CHILD], {
    env: { ...process.env, OUTBOX_CHILD: JSON.stringify({ url: ix.url, database: 'crash', dataDir, devices: DEVICES, firstCycle: 5, t0: T0 }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  let lastAck = -1;
  await new Promise<void>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => {
      const m = /^ack (\d+)$/.exec(l);
      if (!m) return;
      lastAck = Number(m[1]);
      // Enough polls to span several flush attempts and backoff timers in the child before the kill.
      if (lastAck >= 5 + 60 && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', () => (lastAck < 65 ? reject(new Error(`child exited early after ack ${lastAck}`)) : resolve()));
  });
  t.equal(await exited, 'SIGKILL');

  await ix.start();

  const after = new InfluxSink(cfg, opts);
  t.teardown(() => after.close());
  const queued = after.stats().outboxPoints;
  t.equal(queued % POINTS_PER_CYCLE, 0, `the outbox holds whole polls only (${queued} points)`);
  const committedCycles = queued / POINTS_PER_CYCLE;
  t.ok(committedCycles >= lastAck - 5 + 1, `every acknowledged poll is queued (${committedCycles} polls, last ack ${lastAck})`);
  t.ok(committedCycles <= lastAck - 5 + 2, 'at most the one poll in flight at the kill is extra');

  after.start();
  for (let i = 0; i < 20 && after.stats().outboxPoints > 0; i++) await after.flushNow();
  t.match(after.stats(), { state: 'ok', outboxPoints: 0, droppedPoints: 0 });

  const expected = 5 + committedCycles;
  for (const m of ['system', 'ping']) {
    const field = m === 'system' ? 'uptime_s' : 'sent';
    const [res] = await ix.query(`SELECT COUNT(${field}) FROM ${m} GROUP BY device, site`, 'crash');
    const counts = Object.fromEntries(res!.series!.map((s) => [s.tags!.device, s.values[0]![1]]));
    t.same(counts, Object.fromEntries(DEVICES.map((d) => [d, expected])), `${m}: ${expected} points per device, zero missing`);
  }
  const [last] = await ix.query(`SELECT LAST(uptime_s) FROM system WHERE device = 'fw1'`, 'crash');
  t.equal(last!.series![0]!.values[0]![1], 5 + committedCycles - 1, 'the last poll queued before the kill arrived');
});
