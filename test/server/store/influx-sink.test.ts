import t, { type Test } from 'tap';
import { gunzipSync } from 'node:zlib';
import type { Point } from '../../../probes/types.js';
import { createSinks, durationMs, InfluxSink, sinkConfigErrors, sinkStatsPoint, type FetchFn, type SinkOptions } from '../../../server/store/influx/index.js';
import type { InfluxSinkConfig } from '../../../server/store/influx/config.js';
import { recordingLog } from '../../helpers/log.js';

interface Req {
  url: string;
  headers: Record<string, string>;
  lines: string[];
}
type Reply = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A scripted InfluxDB: `respond` decides each answer from the request; every request is recorded. */
function fakeFetch(respond: (req: Req, n: number) => Reply | Promise<Reply>): { fetch: FetchFn; requests: Req[] } {
  const requests: Req[] = [];
  const f: FetchFn = async (url, init) => {
    const req = { url, headers: init.headers, lines: gunzipSync(init.body).toString().split('\n') };
    requests.push(req);
    const reply = await respond(req, requests.length);
    if (reply instanceof Error) throw reply;
    return {
      status: reply.status,
      headers: { get: (n: string) => reply.headers?.[n.toLowerCase()] ?? null },
      text: async () => reply.body ?? '',
    };
  };
  return { fetch: f, requests };
}


const V1: InfluxSinkConfig = { url: 'http://127.0.0.1:1', version: 1, database: 'outpost', batch_size: 100, flush_interval: '1h', budget_mb: 1, timeout: '2s' };

function sink(t: Test, cfg: Partial<InfluxSinkConfig>, opts: Partial<SinkOptions> & { fetch: FetchFn }): InfluxSink {
  const s = new InfluxSink({ ...V1, ...cfg } as InfluxSinkConfig, { dataDir: t.testdir(), site: 'acme', log: recordingLog(), retry: { baseMs: 20, maxMs: 100, authMs: 50 }, ...opts });
  t.teardown(() => s.close());
  return s;
}

const poll = (cycle: number, devices = ['fw1', 'sw1']): Point[] =>
  devices.map((device) => ({ measurement: 'system', tags: { device }, fields: { uptime_s: cycle, cpu_pct: 1 }, time: 1_700_000_000_000 + cycle * 1000 }));

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

t.test('config: durations, per-version required keys, defaults', async (t) => {
  t.equal(durationMs('10s'), 10_000);
  t.equal(durationMs('1m30s'), 90_000);
  t.equal(durationMs('250ms'), 250);
  t.equal(durationMs(1.5), 1500, 'a bare number is seconds, as everywhere in the config');
  t.throws(() => durationMs('10 seconds'));
  t.same(sinkConfigErrors({ url: 'http://x', version: 1 }), ['database: required for version 1']);
  t.same(sinkConfigErrors({ url: 'http://x', version: 2, org: 'o' }), ['bucket: required for version 2', 'token: required for version 2']);
  t.same(sinkConfigErrors({ url: 'http://x', version: 2, org: 'o', bucket: 'b', token: 't', database: 'd' }), ['database: only for version 1']);
  t.same(sinkConfigErrors({ url: 'ftp://x', version: 1, database: 'd', flush_interval: 'soon' }), ['url: must be an http:// or https:// URL', 'flush_interval: not a duration such as 10s']);
  const s = sink(t, { batch_size: undefined, flush_interval: undefined, budget_mb: undefined, timeout: undefined } as never, { fetch: fakeFetch(() => ({ status: 204 })).fetch });
  t.match(s.cfg, { batchSize: 5000, flushIntervalMs: 10_000, budgetBytes: 256 * 1024 * 1024, timeoutMs: 10_000, name: '127.0.0.1:1/outpost' });
  t.throws(() => new InfluxSink({ url: 'http://x', version: 1 } as InfluxSinkConfig, { dataDir: t.testdir(), site: 's', log: recordingLog() }), /database: required/);
});

t.test('createSinks refuses two entries for the same destination', async (t) => {
  const opts = { dataDir: t.testdir(), site: 's', log: recordingLog() };
  t.throws(() => createSinks([V1, { ...V1, batch_size: 5 }], opts), /storage\.influxdb\[1\]: same destination as storage\.influxdb\[0\]/);
  const sinks = createSinks([V1, { ...V1, retention_policy: 'long' }, { url: 'http://127.0.0.1:1', version: 2, org: 'o', bucket: 'b', token: 't' }], opts);
  t.teardown(() => Promise.all(sinks.map((s) => s.close())));
  t.same(sinks.map((s) => s.name), ['127.0.0.1:1/outpost', '127.0.0.1:1/outpost/long', '127.0.0.1:1/o/b']);
});

t.test('v1 writes go to /write with db, rp, ms precision, Basic auth and gzip', async (t) => {
  const f = fakeFetch(() => ({ status: 204 }));
  const s = sink(t, { retention_policy: 'autogen', username: 'writer', password: 'p@ss' }, { fetch: f.fetch });
  s.start();
  s.enqueue(poll(1));
  await s.flushNow();
  const req = f.requests[0]!;
  const u = new URL(req.url);
  t.equal(u.pathname, '/write');
  t.same(Object.fromEntries(u.searchParams), { db: 'outpost', rp: 'autogen', precision: 'ms' });
  t.equal(req.headers.Authorization, `Basic ${Buffer.from('writer:p@ss').toString('base64')}`);
  t.equal(req.headers['Content-Encoding'], 'gzip');
  t.same(req.lines, [
    'system,device=fw1,site=acme uptime_s=1i,cpu_pct=1 1700000001000',
    'system,device=sw1,site=acme uptime_s=1i,cpu_pct=1 1700000001000',
  ]);
  t.match(s.stats(), { state: 'ok', outboxPoints: 0, sentPoints: 2, droppedPoints: 0 });
  t.type(s.stats().lastSuccessAt, 'number');
});

t.test('a point that already has a site tag keeps it', async (t) => {
  const f = fakeFetch(() => ({ status: 204 }));
  const s = sink(t, {}, { fetch: f.fetch });
  s.enqueue([{ measurement: 'ping', tags: { site: 'other', device: 'd' }, fields: { sent: 5 }, time: 1 }]);
  await s.flushNow();
  t.same(f.requests[0]?.lines, ['ping,device=d,site=other sent=5i 1']);
});

t.test('an unreachable server is retried with growing, jittered backoff and points stay queued in order', async (t) => {
  let down = true;
  const f = fakeFetch(() => (down ? Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) : { status: 204 }));
  const log = recordingLog();
  const s = sink(t, {}, { fetch: f.fetch, log, random: () => 0 });
  s.start();
  s.enqueue(poll(1));
  await s.flushNow();
  t.match(s.stats(), { state: 'retrying', outboxPoints: 2, lastError: /ECONNREFUSED/ });
  s.enqueue(poll(2));
  await until(() => f.requests.length >= 4);
  t.ok(log.lines.some((l) => l.level === 'warn' && /write failed/.test(l.msg ?? '')), 'the first failure is a warning');
  t.equal(log.lines.filter((l) => l.level === 'warn').length, 1, 'repeated failures do not repeat the warning');
  down = false;
  await until(() => s.stats().outboxPoints === 0);
  t.match(s.stats(), { state: 'ok', sentPoints: 4 });
  const last = f.requests.at(-1)!;
  t.same(last.lines.map((l) => l.split(' ')[2]), ['1700000001000', '1700000001000', '1700000002000', '1700000002000'], 'replayed oldest first');
  t.ok(log.lines.some((l) => l.level === 'info' && /resumed/.test(l.msg ?? '')));
});

t.test('retry delays double up to the ceiling, jittered to between half and all of each step', async (t) => {
  const f = fakeFetch(() => ({ status: 503, body: '{"error":"overloaded"}' }));
  const delays = async (random: number) => {
    const log = recordingLog();
    const s = sink(t, {}, { fetch: f.fetch, log, random: () => random, retry: { baseMs: 40, maxMs: 160, authMs: 1000 } });
    s.start();
    s.enqueue(poll(1));
    await s.flushNow();
    await until(() => log.lines.length >= 5, 5000);
    await s.close();
    t.match(s.stats(), { lastError: 'HTTP 503: overloaded' });
    return log.lines.slice(0, 5).map((l) => (l.obj as { retryInMs: number }).retryInMs);
  };
  t.same(await delays(0), [20, 40, 80, 80, 80], 'lowest jitter: half of 40, 80, 160, 160, 160');
  t.same(await delays(0.999), [40, 80, 160, 160, 160], 'highest jitter: the whole step');
});

t.test('Retry-After is honoured', async (t) => {
  const times: number[] = [];
  const f = fakeFetch(() => {
    times.push(Date.now());
    return times.length === 1 ? { status: 429, headers: { 'retry-after': '0.3' } } : { status: 204 };
  });
  const s = sink(t, {}, { fetch: f.fetch });
  s.start();
  s.enqueue(poll(1));
  await s.flushNow();
  await until(() => s.stats().outboxPoints === 0);
  t.ok(times[1]! - times[0]! >= 290, `waited ${times[1]! - times[0]!} ms`);
});

t.test('401 puts the sink in auth-failed, keeps the points and retries slowly', async (t) => {
  let authorised = false;
  const f = fakeFetch(() => (authorised ? { status: 204 } : { status: 401, body: '{"error":"authorization failed"}' }));
  const log = recordingLog();
  const s = sink(t, {}, { fetch: f.fetch, log, retry: { baseMs: 1, maxMs: 1, authMs: 200 } });
  s.start();
  s.enqueue(poll(1));
  await s.flushNow();
  t.match(s.stats(), { state: 'auth-failed', outboxPoints: 2, droppedPoints: 0, lastError: 'HTTP 401: authorization failed' });
  t.ok(log.lines.some((l) => l.level === 'error' && /credentials/.test(l.msg ?? '')));
  await new Promise((r) => setTimeout(r, 100));
  t.equal(f.requests.length, 1, 'no fast retry after an auth failure');
  authorised = true;
  await until(() => s.stats().outboxPoints === 0, 2000);
  t.equal(s.stats().state, 'ok');
});

t.test('lines the server refuses without naming them are found by bisection; the rest are delivered', async (t) => {
  const stored: string[] = [];
  const f = fakeFetch((req) => {
    if (req.lines.some((l) => l.includes('poison'))) return { status: 400, body: '{"error":"something is wrong somewhere"}' };
    stored.push(...req.lines);
    return { status: 204 };
  });
  const log = recordingLog();
  const s = sink(t, {}, { fetch: f.fetch, log });
  const points: Point[] = [];
  for (let i = 0; i < 40; i++) points.push({ measurement: i === 13 || i === 31 ? 'poison' : 'sensor', tags: { device: 'd', name: `s${i}` }, fields: { value: i }, time: i });
  s.enqueue(points);
  await s.flushNow();
  t.equal(stored.length, 38);
  t.notOk(stored.some((l) => l.includes('poison')));
  t.match(s.stats(), { outboxPoints: 0, rejectedPoints: 2, droppedPoints: 2, sentPoints: 38, state: 'ok' });
  const errors = log.lines.filter((l) => l.level === 'error');
  t.equal(errors.length, 2, 'each refused line is logged');
  t.match(errors[0]?.obj, { line: /^poison,/, reason: /HTTP 400/ });
  t.ok(f.requests.length <= 25, `${f.requests.length} requests for 2 bad lines in 40`);
});

t.test('a 1.x field type conflict drops exactly the conflicting lines in one round trip', async (t) => {
  const f = fakeFetch((req, n) =>
    n === 1
      ? { status: 400, body: JSON.stringify({ error: 'partial write: field type conflict: input field "value" on measurement "custom" is type string, already exists as type float dropped=2' }) }
      : { status: 204 },
  );
  const s = sink(t, {}, { fetch: f.fetch });
  s.enqueue([
    { measurement: 'custom', tags: { name: 'a' }, fields: { value: 1 }, time: 1 },
    { measurement: 'custom', tags: { name: 'b' }, fields: { value: 'high' }, time: 2 },
    { measurement: 'custom', tags: { name: 'c' }, fields: { value: 'low' }, time: 3 },
    { measurement: 'ups', tags: {}, fields: { status: 'online' }, time: 4 },
  ]);
  await s.flushNow();
  t.equal(f.requests.length, 2);
  t.same(f.requests[1]?.lines, ['custom,name=a,site=acme value=1 1', 'ups,site=acme status="online" 4']);
  t.match(s.stats(), { rejectedPoints: 2, sentPoints: 2 });
});

t.test('a missing retention policy is a config problem: nothing is dropped', async (t) => {
  const f = fakeFetch(() => ({ status: 400, body: '{"error":"retention policy not found: weekly"}' }));
  const s = sink(t, { retention_policy: 'weekly' }, { fetch: f.fetch });
  s.enqueue(poll(1));
  await s.flushNow();
  t.match(s.stats(), { state: 'retrying', outboxPoints: 2, droppedPoints: 0, lastError: /retention policy not found/ });
  t.equal(f.requests.length, 1, 'no bisection');
});

t.test('413 splits the batch until it fits', async (t) => {
  const f = fakeFetch((req) => (req.lines.length > 3 ? { status: 413, body: 'too big' } : { status: 204 }));
  const s = sink(t, {}, { fetch: f.fetch });
  s.enqueue(poll(1, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']));
  await s.flushNow();
  t.match(s.stats(), { outboxPoints: 0, sentPoints: 10, droppedPoints: 0 });
});

t.test('a full batch is sent without waiting for the flush interval', async (t) => {
  const f = fakeFetch(() => ({ status: 204 }));
  const s = sink(t, { batch_size: 4 }, { fetch: f.fetch });
  s.start();
  s.enqueue(poll(1));
  await new Promise((r) => setTimeout(r, 50));
  t.equal(f.requests.length, 0, 'half a batch waits');
  s.enqueue(poll(2));
  await until(() => f.requests.length === 1);
  t.equal(f.requests[0]?.lines.length, 4);
});

t.test('the flush interval sends partial batches', async (t) => {
  const f = fakeFetch(() => ({ status: 204 }));
  const s = sink(t, { flush_interval: '30ms' }, { fetch: f.fetch });
  s.start();
  s.enqueue(poll(1));
  await until(() => s.stats().sentPoints === 2);
  t.pass();
});

t.test('close() gives up on a hung server after its deadline and keeps the points', async (t) => {
  let signal: AbortSignal | undefined;
  const hung = fakeFetch(() => new Promise<Reply>((_, reject) => signal?.addEventListener('abort', () => reject(signal?.reason))));
  const f = { fetch: ((url, init) => ((signal = init.signal), hung.fetch(url, init))) as FetchFn };
  const dir = t.testdir();
  const s = new InfluxSink(V1, { dataDir: dir, site: 'acme', log: recordingLog(), fetch: f.fetch, closeDeadlineMs: 150 });
  s.start();
  s.enqueue(poll(1));
  const started = Date.now();
  await s.close();
  t.ok(Date.now() - started < 1500, `closed in ${Date.now() - started} ms`);
  t.equal(s.stats().state, 'disabled');
  t.throws(() => s.enqueue(poll(2)), /closed/);
  const reopened = new InfluxSink(V1, { dataDir: dir, site: 'acme', log: recordingLog(), fetch: fakeFetch(() => ({ status: 204 })).fetch });
  t.teardown(() => reopened.close());
  t.equal(reopened.stats().outboxPoints, 2);
});

t.test('sinkStatsPoint reports a sink as an outpost point', async (t) => {
  const p = sinkStatsPoint(
    { name: 'h/db', url: 'http://h', version: 1, state: 'retrying', outboxPoints: 7, oldestPointAgeS: 12.5, droppedPoints: 3, rejectedPoints: 1, sentPoints: 100, lastError: 'HTTP 503', lastSuccessAt: 1_700_000_000_999 },
    5,
  );
  t.same(p, {
    measurement: 'outpost',
    tags: { sink: 'h/db' },
    fields: { outbox_points: 7, oldest_point_age_s: 12.5, dropped_points: 3, rejected_points: 1, sent_points: 100, sink_state: 'retrying', last_success_at: 1_700_000_000, last_error: 'HTTP 503' },
    time: 5,
  });
});
