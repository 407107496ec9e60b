import t from 'tap';
import Fastify from 'fastify';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBus } from '../../../server/runtime.js';
import { eventRoutes, snapshotSeqHook } from '../../../server/api/events.js';
import { SNAPSHOT_SEQ_HEADER, type StreamHello } from '../../../server/schemas/events.js';
import type { Tap } from '../../helpers/app.js';

/** The stream and the snapshot stamps, on a real socket, with the real bus; only the runtime around it is left out. */
async function serve(t: Tap) {
  const app = Fastify();
  const bus = new EventBus();
  app.decorate('outpost', { bus } as never);
  snapshotSeqHook(app);
  await app.register(eventRoutes);
  app.get('/api/thing', async () => ({ ok: true }));
  app.post('/api/thing', async () => ({ ok: true }));
  app.get('/elsewhere', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const streams: IncomingMessage[] = [];
  t.teardown(async () => {
    for (const s of streams) s.destroy();
    await app.close();
  });
  /** SSE messages as they arrive, parsed into their fields. */
  const connect = async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => get(`${base}/api/events`, resolve).on('error', reject));
    streams.push(res);
    const messages: Array<Record<string, string>> = [];
    let buf = '';
    const waiters: Array<() => void> = [];
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m: Record<string, string> = {};
        for (const line of block.split('\n')) {
          const c = line.indexOf(':');
          if (c > 0) m[line.slice(0, c)] = line.slice(c + 1).trim();
        }
        if (Object.keys(m).length) messages.push(m);
      }
      for (const w of waiters.splice(0)) w();
    });
    const next = async (n: number) => {
      while (messages.length < n) await new Promise<void>((r) => waiters.push(r));
      return messages.slice(0, n);
    };
    return { next };
  };
  return { app, bus, base, connect };
}

t.test('the stream opens with a hello numbering what came before, then numbers each event', async (t) => {
  const { bus, connect } = await serve(t);
  bus.publish('deviceState', { device: 'a', state: 'down', previous: 'up', time: 1 });
  bus.publish('alertChanged', { type: 'firing', alert: { id: 'x' } });
  const s = await connect();
  const [hello] = await s.next(1);
  t.equal(hello!.event, 'hello');
  t.equal(hello!.id, '2');
  const h = JSON.parse(hello!.data!) as StreamHello;
  t.same(h, { boot: bus.boot, seq: 2, last: { deviceState: 1, alertChanged: 2 } });
  t.match(h.boot, /^[0-9a-f]{8}$/);
  bus.publish('probeResult', { device: 'a', probe: 'snmp', ok: true, time: 2, durationMs: 1, class: 'ups' });
  bus.publish('alertChanged', { type: 'acked', alert: { id: 'x' } });
  const [, e3, e4] = await s.next(3);
  t.same([e3!.id, e3!.event, e4!.id, e4!.event], ['3', 'probeResult', '4', 'alertChanged']);
  t.same(JSON.parse(e4!.data!), { type: 'acked', alert: { id: 'x' } });
});

t.test('GET replies under /api/ carry the boot and the number of the last event before them', async (t) => {
  const { bus, base } = await serve(t);
  const stamp = async (method = 'GET', path = '/api/thing') => (await fetch(`${base}${path}`, { method })).headers.get(SNAPSHOT_SEQ_HEADER);
  t.equal(await stamp(), `${bus.boot}.0`);
  bus.publish('alertChanged', { type: 'firing', alert: { id: 'x' } });
  bus.publish('alertChanged', { type: 'resolved', alert: { id: 'x' } });
  t.equal(await stamp(), `${bus.boot}.2`);
  t.equal(await stamp('POST'), null, 'not on a change: it is no snapshot');
  t.equal(await stamp('GET', '/elsewhere'), null, 'not outside the API');
});

t.test('two servers number from the same start under different boots', async (t) => {
  t.not(new EventBus().boot, new EventBus().boot);
});
