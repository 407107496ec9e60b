import type { FastifyInstance } from 'fastify';
import type { EventName } from '../schemas/events.js';

/**
 * `/api/events`: the one Server-Sent Events stream (STYLE.md 13). Each bus event becomes `event: NAME` with a
 * JSON `data:` line; a comment every 15 s keeps proxies from closing an idle stream, and the browser's
 * EventSource reconnects by itself.
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
    res.write(': connected\nretry: 3000\n\n');
    const send = (name: EventName, data: unknown) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
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
