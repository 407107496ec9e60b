import t, { type Test } from 'tap';
import { createServer, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Point } from '../../../probes/types.js';
import { InfluxSink } from '../../../server/store/influx/index.js';
import type { InfluxSinkConfig } from '../../../server/store/influx/config.js';

/**
 * A local receiver implementing the documented InfluxDB 2.x write contract (POST /api/v2/write, org, bucket
 * and precision in the query, `Authorization: Token …`): 204 when every line is good, 400 naming the
 * first bad line with nothing written (2.x is all-or-nothing), 401 for a wrong token. Every deviation from
 * the contract in a request is recorded, so the test fails on it.
 */
async function v2Receiver(t: Test, token: string) {
  const stored: string[] = [];
  const violations: string[] = [];
  const statuses: number[] = [];
  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer(async (req, res) => {
    const reply = (status: number, json?: object) => {
      statuses.push(status);
      res.writeHead(status, json ? { 'Content-Type': 'application/json' } : {}).end(json ? JSON.stringify(json) : undefined);
    };
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST') violations.push(`method ${req.method}`);
    if (u.pathname !== '/api/v2/write') violations.push(`path ${u.pathname}`);
    const q = Object.fromEntries(u.searchParams);
    if (q.org !== 'msp' || q.bucket !== 'sites' || q.precision !== 'ms') violations.push(`query ${u.search}`);
    if (!String(req.headers['content-type']).startsWith('text/plain')) violations.push(`content-type ${req.headers['content-type']}`);
    const raw = await body(req);
    if (req.headers['content-encoding'] !== 'gzip') {
      violations.push(`content-encoding ${req.headers['content-encoding']}`);
      return reply(400, { code: 'invalid', message: 'expected gzip' });
    }
    if (req.headers.authorization !== `Token ${token}`) return reply(401, { code: 'unauthorized', message: 'unauthorized access' });
    const lines = gunzipSync(raw).toString().split('\n');
    const bad = lines.find((l) => !/^[a-z_]+(,[^ ]+)? [^ ]+ \d+$/.test(l));
    if (bad !== undefined) return reply(400, { code: 'invalid', message: `unable to parse '${bad}': invalid field format` });
    stored.push(...lines);
    reply(204);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stored, violations, statuses };
}

const cfg = (url: string, token: string): InfluxSinkConfig => ({ url, version: 2, org: 'msp', bucket: 'sites', token, batch_size: 1000, flush_interval: '1h', budget_mb: 8, timeout: '2s' });
const T0 = Date.UTC(2026, 10, 3);
const polls = (n: number): Point[] =>
  Array.from({ length: n }, (_, c) =>
    ['ups1', 'fw1'].map((device): Point => ({ measurement: 'ups', tags: { device }, fields: { load_pct: 10 + c, runtime_s: 600 }, time: T0 + c * 1000 })),
  ).flat();

t.test('v2 writes follow the /api/v2/write contract and land in order', async (t) => {
  const rx = await v2Receiver(t, 'good-token');
  const s = new InfluxSink(cfg(rx.url, 'good-token'), { dataDir: t.testdir(), site: 'acme', log: silentLogger });
  t.teardown(() => s.close());
  s.start();
  s.enqueue(polls(3));
  await s.flushNow();
  t.same(rx.violations, []);
  t.same(rx.statuses, [204]);
  t.same(rx.stored, [0, 1, 2].flatMap((c) => ['ups1', 'fw1'].map((d) => `ups,device=${d},site=acme load_pct=${10 + c},runtime_s=600i ${T0 + c * 1000}`)));
  t.match(s.stats(), { state: 'ok', sentPoints: 6, version: 2, name: `${new URL(rx.url).host}/msp/sites` });
});

t.test('v2: a 400 naming a bad line drops that line; the others are resent and stored once', async (t) => {
  const rx = await v2Receiver(t, 'good-token');
  const errors: unknown[] = [];
  const s = new InfluxSink(cfg(rx.url, 'good-token'), { dataDir: t.testdir(), site: 'acme', log: { ...silentLogger, error: (o) => void errors.push(o) } });
  t.teardown(() => s.close());
  // The receiver's grammar refuses upper-case measurements: two "bad" lines among good ones.
  s.enqueue([...polls(2), { measurement: 'BAD', tags: {}, fields: { x: 1 }, time: T0 }, ...polls(1), { measurement: 'ALSO_BAD', tags: {}, fields: { x: 2 }, time: T0 }]);
  await s.flushNow();
  t.same(rx.violations, []);
  t.same(rx.statuses, [400, 400, 204], 'each bad line is named by the server and removed without bisection');
  t.equal(rx.stored.length, 6);
  t.equal(new Set(rx.stored).size, 4, 'polls(1) repeats polls(2)[0..1], so 4 distinct lines');
  t.notOk(rx.stored.some((l) => /BAD/.test(l)));
  t.match(s.stats(), { state: 'ok', outboxPoints: 0, sentPoints: 6, rejectedPoints: 2 });
  t.equal(errors.length, 2);
  t.match(errors[0], { line: 'BAD,site=acme x=1 ' + T0, reason: /HTTP 400: unable to parse 'BAD/ });
});

t.test('v2: a wrong token is auth-failed, nothing is lost, and the points go once the token is right', async (t) => {
  const rx = await v2Receiver(t, 'good-token');
  const dataDir = t.testdir();
  const wrong = new InfluxSink(cfg(rx.url, 'stale-token'), { dataDir, site: 'acme', log: silentLogger });
  wrong.start();
  wrong.enqueue(polls(2));
  await wrong.flushNow();
  t.match(wrong.stats(), { state: 'auth-failed', outboxPoints: 4, droppedPoints: 0, lastError: 'HTTP 401: unauthorized access' });
  await wrong.close();
  t.same(rx.stored, []);

  const fixed = new InfluxSink(cfg(rx.url, 'good-token'), { dataDir, site: 'acme', log: silentLogger });
  t.teardown(() => fixed.close());
  t.equal(fixed.stats().outboxPoints, 4, 'a rotated token finds the same outbox');
  fixed.start();
  await fixed.flushNow();
  t.equal(rx.stored.length, 4);
  t.match(fixed.stats(), { state: 'ok', outboxPoints: 0 });
  t.same(rx.violations, []);
});
