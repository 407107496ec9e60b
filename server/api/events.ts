import type { FastifyInstance } from 'fastify';
import { SNAPSHOT_SEQ_HEADER, type EventName } from '../schemas/events.js';

/**
 * `/api/events`: the one Server-Sent Events stream (STYLE.md 13). It opens with `event: hello` (StreamHello);
 * then each bus event becomes `id: SEQ`, `event: NAME` and a JSON `data:` line. A comment every 15 s keeps
 * proxies from closing an idle stream, and the browser's EventSource reconnects by itself.
 *
 * Every GET reply under /api/ carries the number of the last event published before it was built
 * (snapshotSeqHook): the page compares it with the hello to know whether its lists missed an event.
 */
export async function eventRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/events', { schema: { tags: ['events'], hide: false } }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Subscribed in the same turn as the hello is taken: every event after `hello.seq` reaches this client.
    const hello = app.outpost.bus.hello();
    res.write(`retry: 3000\nid: ${hello.seq}\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
    const send = (name: EventName, data: unknown, seq: number) => {
      res.write(`id: ${seq}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    app.outpost.bus.on('event', send);
    const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
    const done = () => {
      clearInterval(keepAlive);
      app.outpost.bus.off('event', send);
    };
    req.raw.on('close', done);
    res.on('error', done);
  });
}

/**
 * Stamps every GET reply under /api/ with SNAPSHOT_SEQ_HEADER. Called on the root instance (a hook added in an
 * encapsulated plugin would only see that plugin's routes). onSend runs in the same turn as the handler that
 * built the reply, with no I/O in between, so no event is published between the snapshot and its stamp.
 */
export function snapshotSeqHook(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    if (req.method === 'GET' && req.url.startsWith('/api/')) reply.header(SNAPSHOT_SEQ_HEADER, `${app.outpost.bus.boot}.${app.outpost.bus.seq}`);
  });
}
